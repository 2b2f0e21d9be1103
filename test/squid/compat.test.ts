// Every Subsquid internal we rely on, checked where it lives (src/squid/compat.ts): an upgrade
// that moves or reshapes one fails here by name, not somewhere in the indexer or the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import pg from 'pg'
import { EvmBatchProcessor } from '@subsquid/evm-processor'
import { TypeormDatabase } from '@subsquid/typeorm-store'
import * as compat from '../../src/squid/compat'
import { PROJECT_ROOT } from '../../src/util/paths'
import { freshDatabase, type TestDatabase } from '../helpers/pg'

describe('deep imports', () => {
  it('openreader: the schema loader, the SQL schema builder, the pool context and the size limit', () => {
    expect(typeof compat.loadModel).toBe('function')
    expect(typeof compat.getSchemaBuilder).toBe('function')
    expect(typeof compat.PoolOpenreaderContext).toBe('function')
    const model = compat.loadModel(`${PROJECT_ROOT}/schema.graphql`)
    expect(model.Inference?.kind).toBe('entity')
    expect((model.Inference as compat.SchemaEntity).properties.batch.type).toEqual({ kind: 'fk', entity: 'SettlementBatch' })
  })

  it('openreader refuses a too-large response with its one shared error object', async () => {
    const ctx = new compat.PoolOpenreaderContext('postgres', new pg.Pool({ max: 1 }))
    compat.setResponseSizeLimit(ctx, 1)
    const limit = (ctx as unknown as { responseSizeLimit: { check(cb: (left: number) => number): void } }).responseSizeLimit
    let thrown: unknown
    try {
      limit.check(() => 2)
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBe(compat.RESPONSE_SIZE_LIMIT_ERROR)
    expect((thrown as Error).message).toBe('response might exceed the size limit')
    await ctx.close?.()
  })

  it('typeorm-config: the snake_case naming strategy', () => {
    const n = new compat.SnakeNamingStrategy()
    expect(n.tableName('SettlementBatch', undefined as never)).toBe('settlement_batch')
    expect(n.columnName('contributorsShare', undefined as never, [])).toBe('contributors_share')
    expect(n.joinColumnName('batch', 'id')).toBe('batch_id')
  })

  it('evm-processor: the private Prometheus server the runner starts', () => {
    const p = new EvmBatchProcessor()
    const prom = (p as unknown as { getPrometheusServer(): { registry: { metrics(): unknown }; serve: unknown } }).getPrometheusServer()
    expect(typeof prom.registry.metrics).toBe('function')
    expect(typeof prom.serve).toBe('function')
    const original = prom.serve
    compat.serveProcessorMetricsOnLoopback(p, 0)
    expect(prom.serve).not.toBe(original)
  })
})

describe('finalized batches joined while backfilling', () => {
  type B = { blocks: { h: number; logs: unknown[] }[]; isHead: boolean }
  const batch = (from: number, n: number, logsEach: number, isHead = false): B => ({
    blocks: Array.from({ length: n }, (_, i) => ({ h: from + i, logs: new Array(logsEach).fill(0) })),
    isHead,
  })
  async function* source(batches: B[], delays: number[] = []): AsyncGenerator<B> {
    for (const [i, b] of batches.entries()) {
      if (delays[i]) await new Promise((r) => setTimeout(r, delays[i]))
      yield b
    }
  }
  const heights = (bs: B[]) => bs.map((b) => b.blocks.map((x) => x.h))

  it('the processor RPC source is the private, memoized getHotDataSource the patch wraps', () => {
    const p = new EvmBatchProcessor().setRpcEndpoint('http://127.0.0.1:1').setFinalityConfirmation(10)
    compat.coalesceFinalizedBatches(p, 100, 50)
    const get = (p as unknown as { getHotDataSource(): { getFinalizedBlocks: unknown } }).getHotDataSource
    expect(get.call(p)).toBe(get.call(p))
    expect(typeof get.call(p).getFinalizedBlocks).toBe('function')
  })

  it('joins 10-block batches up to the log budget, never across the head, and keeps every block once in order', async () => {
    // 7 batches of 10 blocks x 3 logs = 30 logs each; budget 100 logs: 4 batches (120 logs) per join
    const input = [0, 10, 20, 30, 40, 50, 60].map((f) => batch(f, 10, 3))
    input.push(batch(70, 2, 3, true), batch(72, 1, 3, true))
    const out: B[] = []
    for await (const b of compat.coalesceBatches(source(input), 100, 1_000)) out.push(b)
    const expected = [
      [...Array(40).keys()],
      Array.from({ length: 32 }, (_, i) => 40 + i), // 40..69 then the head batch 70..71 ends the join
      [72],
    ]
    expect(heights(out)).toEqual(expected)
    expect(out.map((b) => b.isHead)).toEqual([false, true, true])
  })

  it('hands over what it has when the next batch is slow, and loses nothing', async () => {
    const input = [batch(0, 10, 1), batch(10, 10, 1), batch(20, 10, 1), batch(30, 10, 1)]
    const out: B[] = []
    // the third batch arrives 300 ms late: the first two go after 50 ms of waiting
    for await (const b of compat.coalesceBatches(source(input, [0, 0, 300, 0]), 1_000, 50)) out.push(b)
    expect(heights(out)).toEqual([[...Array(20).keys()], Array.from({ length: 20 }, (_, i) => 20 + i)])
  })
})

describe('rpc-client', () => {
  it('a truncated answer (RpcProtocolError 1008) is retried like a 503, not fatal to the processor', async () => {
    // a real HTTP server whose first two answers are cut in the middle, as the soak's proxy does
    let served = 0
    const server = http.createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const { id } = JSON.parse(body)
        const answer = JSON.stringify({ jsonrpc: '2.0', id, result: '0x64c' })
        res.writeHead(200, { 'content-type': 'application/json' }).end(served++ < 2 ? answer.slice(0, 20) : answer)
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const make = () => new EvmBatchProcessor().setRpcEndpoint({ url, requestTimeout: 2_000 }) as unknown as { getChainRpcClient(): { call(m: string): Promise<string>; close(): void } }
    try {
      const plain = make().getChainRpcClient()
      await expect(plain.call('eth_chainId')).rejects.toMatchObject({ name: 'RpcProtocolError', code: compat.RPC_PROTOCOL_ERROR_CODE })
      plain.close()
      const p = make()
      compat.retryRpcProtocolErrors(p)
      const client = p.getChainRpcClient()
      expect(p.getChainRpcClient()).toBe(client) // still the one memoized client
      expect(await client.call('eth_chainId')).toBe('0x64c')
      expect(served).toBe(3)
      client.close()
    } finally {
      server.close()
    }
  })
})

describe('typeorm-store', () => {
  let db: TestDatabase
  let store: TypeormDatabase

  beforeAll(async () => {
    db = await freshDatabase('compat')
    store = new TypeormDatabase({ supportHotBlocks: true, stateSchema: compat.STATE_SCHEMA, projectDir: PROJECT_ROOT })
    await compat.withSquidDbUrl(db.url, () => store.connect())
  })
  afterAll(async () => {
    await store?.disconnect()
    await db?.drop()
  })

  it('hands out its entity manager in final blocks and tracks changes in hot ones; its state tables give the head', async () => {
    const c = new pg.Client({ connectionString: db.url })
    await c.connect()
    try {
      const before = await compat.indexedHead(c)
      expect(before).toEqual({ height: -1, hash: '0x', finalized: -1 })
      let final: unknown
      await store.transact({ prevHead: { height: -1, hash: '0x' }, nextHead: { height: 5, hash: '0x05' } }, async (s) => {
        final = compat.untrackedEntityManager(s)
      })
      expect(final).toBeDefined()
      expect(typeof (final as { query: unknown }).query).toBe('function')
      let hot: unknown = 'unset'
      await store.transactHot2({ finalizedHead: { height: 5, hash: '0x05' }, baseHead: { height: 5, hash: '0x05' }, newBlocks: [{ height: 6, hash: '0x06' }, { height: 7, hash: '0x07' }] }, async (s) => {
        hot = compat.untrackedEntityManager(s)
      })
      expect(hot).toBeUndefined()
      expect(await compat.indexedHead(c)).toEqual({ height: 7, hash: '0x07', finalized: 5 })
    } finally {
      await c.end()
    }
  })

  it('reads its connection from DB_URL only while asked to', async () => {
    const saved = process.env.DB_URL
    const seen = await compat.withSquidDbUrl('postgres://x@127.0.0.1:1/y', async () => process.env.DB_URL)
    expect(seen).toBe('postgres://x@127.0.0.1:1/y')
    expect(process.env.DB_URL).toBe(saved)
  })
})
