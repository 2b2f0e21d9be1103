// Reorgs at every depth inside the finality window (1..10): the indexer follows the head, the
// chain forks (snapshot, d blocks of branch A, revert, d+1 blocks of branch B), and afterwards
// its Postgres state digest equals a fresh index of the canonical chain; ClickHouse equals
// Postgres row for row, so no orphaned fact survives in either store.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir, startIndexer, waitForIndexedBlock, type IndexerRun } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { actors, mineActivity, type ActivityActors } from '../helpers/activity'
import { stateDigest } from '../../src/db/digest'

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let run: IndexerRun
let who: ActivityActors
const cleanup: (() => Promise<void>)[] = []

async function head(): Promise<{ number: number; hash: string }> {
  const b = await devnet.publicClient.getBlock()
  return { number: Number(b.number), hash: b.hash }
}

async function freshDigest(to: number): Promise<string> {
  const fresh = await freshDatabase('reorg_ref')
  const dir = newDataDir()
  cleanup.push(async () => {
    await fresh.drop()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: fresh.url, dataDir: dir, env: { UPKEEP_WAREHOUSE: 'off' } }, to)
  return (await stateDigest(fresh.url)).digest
}

beforeAll(async () => {
  devnet = await loadDevnet()
  who = await actors(devnet)
  db = await freshDatabase('reorg')
  dataDir = newDataDir()
  run = startIndexer({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir })
  const h = await head()
  await waitForIndexedBlock(db.url, h.number, h.hash, run)
}, 120_000)

afterAll(async () => {
  await run?.kill9()
  await devnet?.stop()
  await db?.drop()
  for (const c of cleanup) await c()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('reorgs inside the finality window', () => {
  for (let depth = 1; depth <= 10; depth++) {
    it(`depth ${depth}: state equals a fresh index of the canonical chain`, async () => {
      const snapshot = (await devnet.testClient.snapshot()) as Hex
      await mineActivity(devnet, who, `a${depth}`, depth)
      const a = await head()
      await waitForIndexedBlock(db.url, a.number, a.hash, run)
      const orphanedTx = (await devnet.publicClient.getBlock({ blockNumber: BigInt(a.number), includeTransactions: false })).transactions[0]
      await devnet.testClient.revert({ id: snapshot })
      await mineActivity(devnet, who, `branch-b-${depth}`, depth + 1)
      const b = await head()
      expect(b.number).toBe(a.number + 1)
      await waitForIndexedBlock(db.url, b.number, b.hash, run)
      // nothing from the orphaned branch survives
      const orphans = await query(db.url, 'select id from token_transfer where tx_hash = $1 union all select id from inference where tx_hash = $1 union all select id from contribution where tx_hash = $1', [orphanedTx])
      expect(orphans).toEqual([])
      expect((await stateDigest(db.url)).digest).toBe(await freshDigest(b.number))
      if (depth === 5 || depth === 10) {
        // ClickHouse is checked with the indexer stopped (chDB is one process at a time)
        await run.stop()
        const r = await compareStores(dataDir, db.url)
        expect(r.mismatches).toEqual([])
        expect(r.rows.inference).toBeGreaterThan(1000)
        if (depth === 5) run = startIndexer({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir })
      }
    }, 120_000)
  }
})
