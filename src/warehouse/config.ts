// Warehouse configuration: embedded chDB (data under <data dir>/chdb) or a ClickHouse server,
// with cluster DDL (ON CLUSTER, Replicated*, Distributed) on a cluster. src/config builds it
// from CLICKHOUSE_URL / CLICKHOUSE_USER / CLICKHOUSE_PASSWORD / CLICKHOUSE_DATABASE / CLICKHOUSE_CLUSTER.
import path from 'node:path'

export interface WarehouseConfig {
  mode: 'embedded' | 'server'
  /** embedded: chDB data directory (one process at a time may open it) */
  path?: string
  url?: string
  user?: string
  password?: string
  database: string
  cluster?: string
  /** test-only fault injection: a table is detached for outageMs while the batch holding atBlock is written */
  fault?: { atBlock: number; outageMs: number }
}

/** Embedded chDB keeps its data under <data dir>/chdb. */
export function embeddedWarehouse(dataDir: string, database = 'upkeep'): WarehouseConfig {
  return { mode: 'embedded', path: path.join(dataDir, 'chdb'), database }
}
