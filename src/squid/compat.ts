// The one place that touches Subsquid internals: modules reached by deep imports (not exported
// from a package's entry point), private members, the processor's state tables and the
// environment variable its libraries read. Versions are pinned exactly in package.json, and
// test/squid/compat.test.ts checks each item below by name, so an upgrade that moves one fails
// there, loudly, instead of somewhere in the indexer or the API.
import http from 'node:http'
import type { Store } from '@subsquid/typeorm-store'
import type { EntityManager } from 'typeorm'
import { ResponseSizeLimit } from '@subsquid/openreader/lib/util/limit'
import type { PoolOpenreaderContext } from '@subsquid/openreader/lib/db'

export type { DatabaseState, FinalTxInfo, HotTxInfo, HashAndHeight } from '@subsquid/typeorm-store/lib/interfaces'
export { loadModel } from '@subsquid/openreader/lib/tools'
export { getSchemaBuilder } from '@subsquid/openreader/lib/dialect'
export { PoolOpenreaderContext } from '@subsquid/openreader/lib/db'
export type { Model as SchemaModel, Entity as SchemaEntity } from '@subsquid/openreader/lib/model'
/** The naming rule of every table and column: squid's TypeORM naming strategy (snake_case). */
export { SnakeNamingStrategy } from '@subsquid/typeorm-config/lib/namingStrategy'

/** typeorm-store keeps the processor's height, hot blocks and rollback log in this schema. */
export const STATE_SCHEMA = 'squid_processor'

/**
 * The store's entity manager when the store does not track changes (a final batch), else
 * undefined: in hot blocks typeorm-store records every insert (`changes`) so a reorg can roll it
 * back, and a write around it would escape the rollback.
 */
export function untrackedEntityManager(store: Store): EntityManager | undefined {
  const s = store as unknown as { changes?: unknown; em?: () => EntityManager }
  if (s.changes || typeof s.em !== 'function') return undefined
  return s.em()
}

/** Openreader refuses a response that might grow past its size limit with this one shared error object. */
export const RESPONSE_SIZE_LIMIT_ERROR: unknown = (new ResponseSizeLimit(1) as unknown as { error: unknown }).error

/** Openreader declares the response size limit only on its context interface. */
export function setResponseSizeLimit(ctx: PoolOpenreaderContext, maxNodes: number): void {
  ;(ctx as unknown as { responseSizeLimit: ResponseSizeLimit }).responseSizeLimit = new ResponseSizeLimit(maxNodes)
}

/**
 * typeorm-store and @subsquid/typeorm-config read their connection from DB_URL only: `fn` runs
 * with it set to `url`, and the previous value comes back afterwards.
 */
export async function withSquidDbUrl<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.DB_URL
  process.env.DB_URL = url
  try {
    return await fn()
  } finally {
    if (saved === undefined) delete process.env.DB_URL
    else process.env.DB_URL = saved
  }
}

/** For the processor, which runs until the process exits: its store connects through DB_URL. */
export function setSquidDbUrl(url: string): void {
  process.env.DB_URL = url
}

interface Queryable {
  query<R extends object>(sql: string): Promise<{ rows: R[] }>
}

export interface IndexedHead {
  /** highest block committed, final or hot (-1 before the first batch) */
  height: number
  hash: string
  /** highest final block */
  finalized: number
}

/** The processor's committed head from its state tables, or null before it created them. */
export async function indexedHead(db: Queryable): Promise<IndexedHead | null> {
  const [t] = (await db.query<{ ok: boolean }>(`select to_regclass('${STATE_SCHEMA}.status') is not null and to_regclass('${STATE_SCHEMA}.hot_block') is not null as ok`)).rows
  if (!t?.ok) return null
  const [r] = (
    await db.query<IndexedHead>(
      `select h.height, h.hash, s.height as finalized from ${STATE_SCHEMA}.status s,
        lateral (select height, hash from (select height, hash from ${STATE_SCHEMA}.status union all select height, hash from ${STATE_SCHEMA}.hot_block) x order by height desc limit 1) h
        where s.id = 0`,
    )
  ).rows
  return r ?? null
}

interface PrometheusServer {
  registry: { metrics(): Promise<string>; contentType: string }
  serve: unknown
}

/**
 * The squid runner always starts a Prometheus endpoint, by default on every interface; this
 * replaces its private `serve` so it binds to 127.0.0.1 (port 0 = ephemeral) like every other
 * server here.
 */
export function serveProcessorMetricsOnLoopback(processor: object, port: number): void {
  const prom = (processor as { getPrometheusServer(): PrometheusServer }).getPrometheusServer()
  prom.serve = () =>
    new Promise((resolve, reject) => {
      const server = http.createServer((req, res) => {
        if (req.url !== '/metrics') {
          res.writeHead(404).end()
          return
        }
        prom.registry.metrics().then(
          (text) => res.writeHead(200, { 'content-type': prom.registry.contentType }).end(text),
          (e: Error) => res.writeHead(500).end(e.message),
        )
      })
      server.on('error', reject)
      server.listen(port, '127.0.0.1', () => {
        const bound = (server.address() as { port: number }).port
        resolve({ port: bound, close: () => new Promise<void>((r) => server.close(() => r())) })
      })
      server.unref()
    })
}

interface ChainRpcClient {
  isConnectionError(err: Error): boolean
}

/** rpc-client's code for an answer that breaks the protocol (invalid or truncated JSON, a batch answer of the wrong shape). */
export const RPC_PROTOCOL_ERROR_CODE = 1008

/**
 * The processor's RPC client retries (with backoff) only what it calls connection errors; an
 * answer cut in the middle (invalid JSON) or a batch answer missing a call is a protocol error
 * (`RpcProtocolError`, code 1008) and would stop the indexer. Behind a proxy or a load balancer
 * that is a transient fault like a 503, so it is retried the same way. Wraps the processor's
 * private, memoized `getChainRpcClient` so the one client it creates gets the wider rule.
 */
export function retryRpcProtocolErrors(processor: object): void {
  const p = processor as { getChainRpcClient(): ChainRpcClient }
  const create = p.getChainRpcClient
  if (typeof create !== 'function') throw new Error('compat: EvmBatchProcessor.getChainRpcClient is gone (Subsquid upgrade?)')
  const patched = new WeakSet<ChainRpcClient>()
  p.getChainRpcClient = function (this: unknown) {
    const client = create.call(this)
    if (!patched.has(client)) {
      const isConnectionError = client.isConnectionError.bind(client)
      client.isConnectionError = (err: Error) => isConnectionError(err) || (err?.name === 'RpcProtocolError' && (err as Error & { code?: number }).code === RPC_PROTOCOL_ERROR_CODE)
      patched.add(client)
    }
    return client
  }
}

interface FinalBatch {
  blocks: { logs: unknown[] }[]
  isHead: boolean
}

interface HotDataSource {
  getFinalizedBlocks(requests: unknown, stopOnHead?: boolean): AsyncIterable<FinalBatch>
}

/**
 * Joins consecutive batches of finalized blocks while backfilling: the RPC source hands out
 * 10 blocks at a time, each its own Postgres transaction (upserts, commit), and a long backfill
 * pays that per 10 blocks. Batches are joined until `maxLogs` logs, or until the next one is not
 * ready within `waitMs`, or one reaches the head (so at the head each batch still goes alone).
 */
export async function* coalesceBatches<B extends FinalBatch>(source: AsyncIterable<B>, maxLogs: number, waitMs: number): AsyncGenerator<B> {
  const it = source[Symbol.asyncIterator]()
  let next: Promise<IteratorResult<B>> | undefined
  let acc: B | undefined
  let logs = 0
  const TIMEOUT = Symbol('timeout')
  for (;;) {
    next ??= it.next()
    let r: IteratorResult<B> | typeof TIMEOUT
    if (acc) {
      let timer: NodeJS.Timeout | undefined
      r = await Promise.race([next, new Promise<typeof TIMEOUT>((res) => (timer = setTimeout(() => res(TIMEOUT), waitMs)))])
      clearTimeout(timer)
    } else {
      r = await next
    }
    if (r === TIMEOUT) {
      // the next batch is still on its way: hand over what is here, keep waiting for it after
      yield acc!
      acc = undefined
      logs = 0
      continue
    }
    next = undefined
    if (r.done) {
      if (acc) yield acc
      return
    }
    const b = r.value
    acc = acc ? ({ ...b, blocks: acc.blocks.concat(b.blocks) } as B) : b
    for (const blk of b.blocks) logs += blk.logs.length
    if (b.isHead || logs >= maxLogs) {
      yield acc
      acc = undefined
      logs = 0
    }
  }
}

/**
 * Makes the processor's RPC data source join its finalized batches (coalesceBatches). The
 * source comes from the processor's private, memoized `getHotDataSource`.
 */
export function coalesceFinalizedBatches(processor: object, maxLogs: number, waitMs: number): void {
  const p = processor as { getHotDataSource(): HotDataSource }
  const create = p.getHotDataSource
  if (typeof create !== 'function') throw new Error('compat: EvmBatchProcessor.getHotDataSource is gone (Subsquid upgrade?)')
  const patched = new WeakSet<HotDataSource>()
  p.getHotDataSource = function (this: unknown) {
    const ds = create.call(this)
    if (!patched.has(ds)) {
      const get = ds.getFinalizedBlocks.bind(ds)
      ds.getFinalizedBlocks = (requests, stopOnHead) => coalesceBatches(get(requests, stopOnHead), maxLogs, waitMs)
      patched.add(ds)
    }
    return ds
  }
}
