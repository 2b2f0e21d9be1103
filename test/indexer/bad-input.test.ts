// Bad input gets a clear error and changes nothing: an RPC that rate-limits, fails or hangs is
// retried with backoff and a log line (and the result is unchanged); unknown and malformed logs
// from a watched address are skipped and counted; wrong configuration exits with one line.
import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Address, Hex } from 'viem'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir, type IndexerSetup } from '../helpers/indexer'
import { stateDigest } from '../../src/db/digest'
import { startFaultProxy } from '../../src/faults/rpc-proxy'
import * as AgentRegistry from '../../src/abi/AgentRegistry'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
let devnet: LoadedDevnet
let reference: Awaited<ReturnType<typeof stateDigest>>
const dbs: TestDatabase[] = []
const dirs: string[] = []

async function setup(label: string, env?: Record<string, string>): Promise<IndexerSetup> {
  const db = await freshDatabase(label)
  dbs.push(db)
  const dataDir = newDataDir()
  dirs.push(dataDir)
  return { manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env: { UPKEEP_WAREHOUSE: 'off', ...env } }
}

beforeAll(async () => {
  devnet = await loadDevnet()
  const s = await setup('badref')
  await indexTo(s, devnet.endBlock)
  reference = await stateDigest(s.dbUrl)
}, 120_000)

afterAll(async () => {
  await devnet?.stop()
  for (const d of dbs) await d.drop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('a faulty RPC', () => {
  it('is retried with backoff and a clear log line; the index is unchanged', async () => {
    const proxy = await startFaultProxy(devnet.anvil.rpcUrl, { rateLimit: 0.08, serverError: 0.05, hang: 0.02 }, 42)
    try {
      const s = await setup('faulty', { RPC_URL: proxy.url, RPC_TIMEOUT_MS: '1500' })
      const out = await indexTo(s, devnet.endBlock)
      expect(proxy.counts.rateLimit).toBeGreaterThan(0)
      expect(proxy.counts.serverError).toBeGreaterThan(0)
      expect(proxy.counts.hang).toBeGreaterThan(0)
      expect(out).toContain('connection failure')
      expect(out).toMatch(/will pause new requests for \d+ms/)
      expect((await stateDigest(s.dbUrl)).digest).toBe(reference.digest)
    } finally {
      await proxy.close()
    }
  }, 240_000)
})

describe('logs the indexer does not know', () => {
  it('are skipped and counted, not a crash', async () => {
    // turn a watched address into an emitter: LOG1(topic = calldata[0:32]) with empty data
    const target = devnet.manifest.contracts.AgentRegistry
    await devnet.testClient.setCode({ address: target, bytecode: '0x60003560006000a100' })
    const [sender] = (await devnet.publicClient.request({ method: 'eth_accounts' })) as Address[]
    const unknownTopic = ('0x' + 'ab'.repeat(32)) as Hex
    const knownTopicBadData = AgentRegistry.events.AgentSlashed.topic as Hex // needs 3 more topics and data
    let head = 0
    for (const data of [unknownTopic, knownTopicBadData]) {
      const hash = await devnet.wallet(sender).sendTransaction({ to: target, data, chain: null, account: sender })
      head = Number((await devnet.publicClient.waitForTransactionReceipt({ hash })).blockNumber)
    }
    const s = await setup('unknown')
    const out = await indexTo(s, head)
    expect(out).toContain('skipped unknown log')
    expect(out).toContain('skipped malformed log')
    const rows = await query<{ topic0: string; address: string }>(s.dbUrl, 'select topic0, address from unknown_log order by id')
    expect(rows.map((r) => r.topic0)).toEqual([unknownTopic, knownTopicBadData])
    expect(rows.every((r) => r.address.toLowerCase() === target.toLowerCase())).toBe(true)
    // everything else is exactly what it was
    const d = await stateDigest(s.dbUrl)
    for (const [table, t] of Object.entries(reference.tables)) {
      if (table !== 'unknown_log' && table !== 'account') expect(d.tables[table], table).toEqual(t)
    }
  }, 120_000)
})

describe('wrong configuration', () => {
  const runIndex = (env: Record<string, string>, args: string[] = []) =>
    spawnSync(process.execPath, [BIN, 'index', '--manifest', devnet.manifestFile, ...args], {
      env: { ...process.env, UPKEEP_WAREHOUSE: 'off', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    })

  const cases: [string, () => Record<string, string>, RegExp, string[]?][] = [
    ['a bad contract address', () => ({ CONTRACT_OPENTOKEN: '0x123' }), /^upkeep: CONTRACT_OPENTOKEN is not an address: "0x123"$/],
    ['a start block beyond the head', () => ({ START_BLOCK: '99999999' }), /^upkeep: start block 99999999 is beyond the chain head \d+ \(check START_BLOCK/],
    ['an unreachable database', () => ({ DB_URL: 'postgres://postgres@127.0.0.1:1/nope' }), /^upkeep: cannot connect to Postgres at postgres:\/\/postgres@127\.0\.0\.1:1\/nope: .*check DB_URL/],
    ['a non-Postgres database URL', () => ({ DB_URL: 'mysql://root@127.0.0.1/x' }), /^upkeep: DB_URL must start with postgres:\/\//],
    ['an unreachable RPC', () => ({ RPC_URL: 'http://127.0.0.1:1' }), /^upkeep: RPC http:\/\/127\.0\.0\.1:1 is unreachable/],
    ['an RPC URL that is not a URL', () => ({ RPC_URL: 'not a url' }), /^upkeep: RPC URL must be http\(s\):\/\/ or ws\(s\):\/\/, got "not a url"$/],
    ['an unreachable ClickHouse', () => ({ UPKEEP_WAREHOUSE: 'on', CLICKHOUSE_URL: 'http://127.0.0.1:1' }), /^upkeep: cannot open ClickHouse at http:\/\/127\.0\.0\.1:1/],
    ['a finality that is not a number', () => ({ FINALITY_CONFIRMATION: 'ten' }), /^upkeep: FINALITY_CONFIRMATION must be a whole number >= 0, got "ten"$/],
    ['a missing manifest', () => ({}), /^upkeep: deployment manifest \/nonexistent\/manifest\.json not found/, ['--manifest', '/nonexistent/manifest.json']],
    ['a --to that is not a block', () => ({}), /--to must be a whole number, got "abc"/, ['--to', 'abc']],
  ]

  for (const [name, env, message, args] of cases) {
    it(`${name}: one actionable line, non-zero exit, database untouched`, async () => {
      const db = await freshDatabase('cfg')
      dbs.push(db)
      const r = runIndex({ DB_URL: db.url, ...env() }, args)
      expect(r.status).not.toBe(0)
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))
      expect(lines.length, r.stderr).toBe(1)
      expect(lines[0]).toMatch(message)
      expect(r.stderr).not.toMatch(/\n\s+at /) // no stack trace
      const tables = await query(db.url, `select table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`)
      expect(tables).toEqual([])
    }, 90_000)
  }
})
