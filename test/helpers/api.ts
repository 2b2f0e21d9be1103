// An indexed small chain behind a running API (free loopback port), for API and browser tests.
import fs from 'node:fs'
import path from 'node:path'
import { loadDevnet, type LoadedDevnet } from './devnet'
import { dropRole, freshDatabase, type TestDatabase } from './pg'
import { indexTo, newDataDir } from './indexer'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { startApi, type ApiServer } from '../../src/api/server'
import { readOnlyRoleUrl } from '../../src/db/postgres'
import type { Limits } from '../../src/api/protection'
import { Metrics, readAssumptions, type MetricsConfig } from '../../src/analytics'
import pg from 'pg'

export interface IndexedApi {
  devnet: LoadedDevnet
  db: TestDatabase
  dataDir: string
  warehouse: Warehouse
  api: ApiServer
  /** a second server on the same data, with other limits */
  /** the metrics settings the API serves with */
  metrics: MetricsConfig
  /** the metrics facade (SQL: ClickHouse and Postgres) on the same data and settings, without the API */
  sqlMetrics(): { metrics: Metrics; pool: pg.Pool }
  withLimits(limits: Partial<Limits>, corsOrigins?: string[]): Promise<ApiServer>
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, server?: ApiServer): Promise<{ status: number; data?: T; errors?: { message: string; extensions?: { code?: string } }[] }>
  close(): Promise<void>
}

/**
 * Indexes `devnet` (by default the small steady chain) and serves it. `extend` mines more on the
 * loaded chain before it is indexed and returns the block to index to.
 */
export async function indexedApi(opts: { devnet?: LoadedDevnet; extend?: (devnet: LoadedDevnet) => Promise<number> } = {}): Promise<IndexedApi> {
  const devnet = opts.devnet ?? (await loadDevnet())
  const db = await freshDatabase('api')
  const dataDir = newDataDir()
  const endBlock = opts.extend ? await opts.extend(devnet) : devnet.endBlock
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, endBlock)
  const warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  const metrics = {
    treasury: devnet.manifest.accounts.treasury,
    distributor: devnet.manifest.contracts.RewardsDistributor,
    stakingBank: devnet.manifest.accounts.stakingBank,
    assumptions: readAssumptions(path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json')),
  }
  const role = `ro_${new URL(db.url).pathname.slice(1)}`.slice(0, 60)
  const roUrl = await readOnlyRoleUrl(db.url, role)
  const servers: ApiServer[] = []
  const pools: pg.Pool[] = []
  const api = await startApi({ dbUrl: roUrl, warehouse, metrics })
  servers.push(api)
  return {
    devnet,
    db,
    dataDir,
    warehouse,
    api,
    metrics,
    sqlMetrics() {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 })
      pools.push(pool)
      return { metrics: new Metrics(warehouse, pool, metrics), pool }
    },
    async withLimits(limits, corsOrigins) {
      const s = await startApi({ dbUrl: roUrl, warehouse, metrics, limits, corsOrigins })
      servers.push(s)
      return s
    },
    async gql(query, variables, server = api) {
      const { status, body } = await postGraphQL<never>(server.url, query, variables)
      return { status, ...body }
    },
    async close() {
      for (const s of servers) await s.close().catch(() => {})
      for (const p of pools) await p.end().catch(() => {})
      await warehouse.close()
      await devnet.stop()
      await db.drop()
      await dropRole(role)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A GraphQL answer as the server sends it: data, errors, and the unknowns' reasons in extensions. */
export type GraphQLAnswer<T> = {
  data?: T
  errors?: { message: string; extensions?: { code?: string } }[]
  extensions?: { unknowns?: { field: string; reason: string }[] }
}

/** POSTs one query to `<url>/graphql`: the HTTP status and the answer's body. */
export async function postGraphQL<T = Record<string, unknown>>(url: string, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; body: GraphQLAnswer<T> }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
  return { status: res.status, body: (await res.json()) as GraphQLAnswer<T> }
}

/** A value as GraphQL writes it: bigints and dates as strings. */
export const asGraphQL = (x: unknown) => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v)))
