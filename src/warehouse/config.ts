// Warehouse configuration: embedded chDB by default (data under <data dir>/chdb), a ClickHouse
// server with CLICKHOUSE_URL (+ CLICKHOUSE_USER / CLICKHOUSE_PASSWORD / CLICKHOUSE_DATABASE), and
// cluster DDL (ON CLUSTER, Replicated*, Distributed) with CLICKHOUSE_CLUSTER.
import path from 'node:path'
import { ConfigError } from '../util/errors'

export interface WarehouseConfig {
  mode: 'embedded' | 'server'
  /** embedded: chDB data directory (one process at a time may open it) */
  path?: string
  url?: string
  user?: string
  password?: string
  database: string
  cluster?: string
  /** test-only fault injection: fail the batch that commits this block */
  failAtBlock?: number
}

export function warehouseConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): WarehouseConfig {
  const database = env.CLICKHOUSE_DATABASE || 'upkeep'
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new ConfigError(`CLICKHOUSE_DATABASE must be an identifier, got "${database}"`)
  const cluster = env.CLICKHOUSE_CLUSTER || undefined
  if (cluster && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(cluster)) throw new ConfigError(`CLICKHOUSE_CLUSTER must be an identifier, got "${cluster}"`)
  const failAtBlock = env.UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK ? Number(env.UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK) : undefined
  if (env.CLICKHOUSE_URL) {
    try {
      const u = new URL(env.CLICKHOUSE_URL)
      if (!/^https?:$/.test(u.protocol)) throw new Error()
    } catch {
      throw new ConfigError(`CLICKHOUSE_URL must be an http(s) URL, got "${env.CLICKHOUSE_URL}"`)
    }
    return { mode: 'server', url: env.CLICKHOUSE_URL, user: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD, database, cluster, failAtBlock }
  }
  if (cluster) throw new ConfigError('CLICKHOUSE_CLUSTER needs a ClickHouse server (CLICKHOUSE_URL); embedded chDB is a single node')
  return { mode: 'embedded', path: path.join(dataDir, 'chdb'), database, failAtBlock }
}
