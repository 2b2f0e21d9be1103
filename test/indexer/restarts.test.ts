// Exactly once: kill -9 the indexer at random points, restart, reach the head: the Postgres
// digest equals a clean index and ClickHouse equals Postgres (nothing lost, nothing doubled).
// Also: an index built in two runs equals one built in one run, and a ClickHouse failure
// mid-batch stops the indexer with a clear error and is repaired on restart.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexedHead, indexTo, newDataDir, startIndexer, type IndexerSetup } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { stateDigest } from '../../src/db/digest'
import { Rng } from '../../src/util/rng'

let devnet: LoadedDevnet
let reference: string
const dbs: TestDatabase[] = []
const dirs: string[] = []

async function setup(label: string, env?: Record<string, string>): Promise<IndexerSetup> {
  const db = await freshDatabase(label)
  dbs.push(db)
  const dataDir = newDataDir()
  dirs.push(dataDir)
  return { manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env }
}

beforeAll(async () => {
  devnet = await loadDevnet()
  const s = await setup('clean')
  await indexTo(s, devnet.endBlock)
  reference = (await stateDigest(s.dbUrl)).digest
  expect((await compareStores(s.dataDir, s.dbUrl)).mismatches).toEqual([])
}, 120_000)

afterAll(async () => {
  await devnet?.stop()
  for (const d of dbs) await d.drop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('restarts', () => {
  it('survives kill -9 at random points: same digest as a clean index, ClickHouse equal', async () => {
    const s = await setup('kill9')
    const rng = new Rng(20261123)
    let midRunKills = 0
    const heads: number[] = []
    for (let attempt = 0; attempt < 20 && midRunKills < 6; attempt++) {
      // random points of two kinds: a random delay (mostly start-up or the first batch), and just
      // after the next commit (a random delay alone can land every kill before the first commit
      // or after the end, depending on the machine's speed)
      const from = (await indexedHead(s.dbUrl))?.height ?? -1
      const run = startIndexer(s, devnet.endBlock)
      if (attempt % 2 === 0) {
        await new Promise((r) => setTimeout(r, rng.int(300, 1500)))
      } else {
        for (let h = from; h <= from && run.child.exitCode === null; h = (await indexedHead(s.dbUrl))?.height ?? h) {
          await new Promise((r) => setTimeout(r, 20))
        }
        await new Promise((r) => setTimeout(r, rng.int(0, 100)))
      }
      const alive = run.child.exitCode === null
      await run.kill9()
      if (alive) midRunKills++
      heads.push((await indexedHead(s.dbUrl))?.height ?? -1)
    }
    expect(midRunKills).toBeGreaterThanOrEqual(5)
    // the kills landed at different heights, before the end
    expect(new Set(heads.filter((h) => h >= 0 && h < devnet.endBlock)).size).toBeGreaterThanOrEqual(2)
    await indexTo(s, devnet.endBlock)
    expect((await stateDigest(s.dbUrl)).digest).toBe(reference)
    const r = await compareStores(s.dataDir, s.dbUrl)
    expect(r.mismatches).toEqual([])
  }, 300_000)

  it('an index built in two runs equals one built in one run', async () => {
    const s = await setup('twice')
    const mid = Math.floor(devnet.endBlock / 2)
    await indexTo(s, mid)
    expect((await indexedHead(s.dbUrl))!.height).toBe(mid)
    await indexTo(s, devnet.endBlock)
    expect((await stateDigest(s.dbUrl)).digest).toBe(reference)
    expect((await compareStores(s.dataDir, s.dbUrl)).mismatches).toEqual([])
  }, 120_000)

  // the failure is ClickHouse's own: the sink's test hook detaches the second table of the batch
  // holding block 600 right after the first table was written, so the batch is half in ClickHouse
  it('a transient ClickHouse failure after a partial write: the retry removes the half-written batch, nothing doubled', async () => {
    const s = await setup('chtransient', { UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK: '600', UPKEEP_FAULT_CLICKHOUSE_OUTAGE_MS: '1500' })
    const out = await indexTo(s, devnet.endBlock)
    expect(out).toMatch(/fault injected: upkeep\.\w+ detached for 1500 ms/)
    // the engine's refusal (UNKNOWN_TABLE, code 60), then the retry that succeeded
    expect(out).toMatch(/ClickHouse write up to block \d+ failed \(.*(UNKNOWN_TABLE|code 60|doesn't exist|does not exist).*\); retrying in/)
    expect(out).not.toContain('ClickHouse write failed for blocks up to')
    expect((await stateDigest(s.dbUrl)).digest).toBe(reference)
    expect((await compareStores(s.dataDir, s.dbUrl)).mismatches).toEqual([])
  }, 180_000)

  it('a ClickHouse outage longer than the retries stops the indexer with a clear error; a restart reconciles', async () => {
    const faulty = await setup('chfault', { UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK: '600', UPKEEP_FAULT_CLICKHOUSE_OUTAGE_MS: '60000' })
    const run = startIndexer(faulty, devnet.endBlock)
    const exit = await run.exited
    expect(exit.code).toBe(1)
    expect(run.output()).toContain('ClickHouse write failed for blocks up to')
    expect(run.output()).toContain('restart the indexer and ClickHouse is reconciled from Postgres')
    // Postgres went on past the failure point before the buffered write failed
    expect((await indexedHead(faulty.dbUrl))!.height).toBeGreaterThanOrEqual(600)
    const healed = { ...faulty, env: {} }
    const out = await indexTo(healed, devnet.endBlock)
    expect(out).toContain('ClickHouse reconciled with Postgres')
    expect((await stateDigest(faulty.dbUrl)).digest).toBe(reference)
    expect((await compareStores(faulty.dataDir, faulty.dbUrl)).mismatches).toEqual([])
  }, 180_000)
})
