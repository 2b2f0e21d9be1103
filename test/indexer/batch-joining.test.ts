// Joining finalized batches while backfilling (UPKEEP_COALESCE_BATCHES=1) changes how
// many transactions the index takes, never what it holds: the same chain indexed with 10-block
// batches, with small joined batches and with the default-size joined batches gives one state digest,
// and the joins really happened (fewer finalized transactions). The fold is then free of any
// per-batch state (a day closing, a pending inference, a cache) that a batch boundary could change.
import fs from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { stateDigest } from '../../src/db/digest'
import { COMMITTED_LINE } from '../../src/indexer/run'

let devnet: LoadedDevnet

beforeAll(async () => {
  devnet = await loadDevnet()
}, 120_000)

afterAll(async () => {
  await devnet?.stop()
})

async function index(env: Record<string, string>): Promise<{ digest: string; final: number; hot: number }> {
  const db = await freshDatabase('joining')
  const dataDir = newDataDir()
  try {
    const out = await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env: { UPKEEP_WAREHOUSE: 'off', ...env } }, devnet.endBlock)
    const i = out.lastIndexOf(COMMITTED_LINE)
    expect(i, 'the indexer reports its transactions at exit').toBeGreaterThan(-1)
    const committed = JSON.parse(/\{[^}]*\}/.exec(out.slice(i + COMMITTED_LINE.length).replace(/\\"/g, '"'))![0]) as { final: number; hot: number }
    return { digest: (await stateDigest(db.url)).digest, ...committed }
  } finally {
    await db.drop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

it('joined and unjoined backfills leave the same state', async () => {
  const finalBlocks = devnet.endBlock - devnet.manifest.startBlock + 1 - 10 // FINALITY_CONFIRMATION 10
  const alone = await index({ UPKEEP_COALESCE_BATCHES: '0' })
  // one 10-block batch per transaction: the baseline the joins are counted against
  expect(alone.final).toBeGreaterThanOrEqual(Math.floor(finalBlocks / 10))
  // small joins: many batch boundaries, each in a different place than the unjoined run's
  const small = await index({ UPKEEP_COALESCE_BATCHES: '1', UPKEEP_BACKFILL_BATCH_LOGS: '250' })
  const large = await index({ UPKEEP_COALESCE_BATCHES: '1' })
  expect(small.final).toBeLessThan(alone.final)
  expect(large.final).toBeLessThan(small.final)
  expect(small.digest).toBe(alone.digest)
  expect(large.digest).toBe(alone.digest)
}, 600_000)
