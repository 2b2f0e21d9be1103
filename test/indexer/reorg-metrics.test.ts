// Reorgs that change state, kill -9 and a ClickHouse failure the engine itself raises, then the
// whole record against the canonical chain:
//  - losing branches register and slash agents, request an unstake, remove an operator, retire a
//    model and change a price (src/faults/activity.ts, FORK_ONLY_CHANGES), events the winning
//    branches never hold; the indexer commits each losing branch (its state is asserted in
//    Postgres) before the chain reverts it, once while it runs and once while it is killed, with
//    the restart's fork write hitting a detached ClickHouse table (UNKNOWN_TABLE) and retrying;
//  - afterwards no row of a losing transaction survives, the Postgres state digest equals a fresh
//    index, every ClickHouse fact and aggregate table equals Postgres (src/warehouse/compare.ts),
//    and every metric of src/analytics equals its computation from the raw logs
//    (test/helpers/expected-metrics.ts) on both query paths: whole UTC days (daily aggregates) and
//    periods with partial days (facts).
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir, startIndexer, waitForIndexedBlock, type IndexerRun, type IndexerSetup } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { actors, mineActivity, type ActivityActors } from '../helpers/activity'
import { rawEvents } from '../helpers/raw-events'
import {
  ASSUMPTIONS_FILE, DAY_MS, F, assumptionsHash, expectedAgents, expectedBlockRange, expectedChanges, expectedConcentration, expectedContributors, expectedDatanets, expectedDecay,
  expectedFeePolicyHistory, expectedLiabilities, expectedModels, expectedOperators, expectedOverhang, expectedPriceToFees, expectedRetention, expectedRunway,
  expectedSustainability, expectedUpkeep, loadAccruals, loadFacts,
} from '../helpers/expected-metrics'
import { FORK_ONLY_CHANGES, forkOnlyAgent, mineForkOnlyChange } from '../../src/faults/activity'
import { stateDigest } from '../../src/db/digest'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { Metrics, readAssumptions, type Period } from '../../src/analytics'
import { Rng } from '../../src/util/rng'

let devnet: LoadedDevnet
let db: TestDatabase
let s: IndexerSetup
let run: IndexerRun
let who: ActivityActors
/** transactions of every losing branch: none may leave a row anywhere */
const losingTxs: string[] = []
/** the first block mined by this file (the small workload's chain ends before it) */
let firstNewBlock = 0
/** the account registered as an agent on every losing branch, never on a winning one */
let losingAgent = ''
const cleanup: (() => Promise<void>)[] = []

const FINALITY = { FINALITY_CONFIRMATION: '25' }

async function head(): Promise<{ number: number; hash: string }> {
  const b = await devnet.publicClient.getBlock()
  return { number: Number(b.number), hash: b.hash }
}

async function txsOf(from: number, to: number): Promise<string[]> {
  const out: string[] = []
  for (let n = from; n <= to; n++) out.push(...(await devnet.publicClient.getBlock({ blockNumber: BigInt(n) })).transactions)
  return out
}

/** The state the fork-only changes make, as the index holds it: rows made above `forkBase`. */
async function forkOnlyState(forkBase: number) {
  const ids = async (sql: string) => (await query<{ id: string }>(db.url, sql, [forkBase])).map((r) => r.id).sort()
  return {
    AgentRegistered: await ids('select id from agent where registered_at_block > $1'),
    AgentSlashed: await ids('select id from slash where block_number > $1'),
    RequestUnstake: await ids(`select id from stake where requested_at_block > $1 and status = 'unstake_requested'`),
    OperatorRemoved: await ids('select id from operator where removed_at_block > $1 and not active'),
    ModelRetired: await ids('select id from model where retired_at_block > $1 and retired'),
    ModelPriceChanged: await ids('select id from model_price_change where block_number > $1 and old_price is not null'),
  }
}

/** Rows of the given transactions in every Postgres table that records a transaction hash. */
async function rowsOfTxs(txs: string[]): Promise<Record<string, number>> {
  const tables = await query<{ table_name: string }>(db.url, `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'tx_hash' order by 1`)
  expect(tables.length).toBeGreaterThan(10)
  const out: Record<string, number> = {}
  for (const { table_name: t } of tables) {
    const [r] = await query<{ n: string }>(db.url, `select count(*) as n from "${t}" where tx_hash = any($1)`, [txs])
    if (Number(r.n)) out[t] = Number(r.n)
  }
  return out
}

/**
 * A losing branch: a block of activity, then every fork-only change (9 blocks in all, inside the
 * 25-block finality window). Returns its fork base, its transactions and the number of blocks.
 */
async function mineLosingBranch(label: string): Promise<{ snapshot: Hex; forkBase: number; txs: string[]; blocks: number }> {
  const forkBase = (await head()).number
  const snapshot = (await devnet.testClient.snapshot()) as Hex
  await mineActivity(devnet, who, `${label}-activity`, 1)
  for (const change of FORK_ONLY_CHANGES) await mineForkOnlyChange(devnet, who, change, label)
  const tip = (await head()).number
  const txs = await txsOf(forkBase + 1, tip)
  losingTxs.push(...txs)
  return { snapshot, forkBase, txs, blocks: tip - forkBase }
}

function expectEveryChange(state: Awaited<ReturnType<typeof forkOnlyState>>): void {
  for (const change of FORK_ONLY_CHANGES) expect(state[change], change).toHaveLength(1)
}

function expectNoChange(state: Awaited<ReturnType<typeof forkOnlyState>>): void {
  for (const change of FORK_ONLY_CHANGES) expect(state[change], change).toEqual([])
}

beforeAll(async () => {
  devnet = await loadDevnet()
  who = await actors(devnet)
  db = await freshDatabase('reorg_metrics')
  s = { manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir: newDataDir(), env: FINALITY }
  firstNewBlock = (await head()).number + 1
  losingAgent = (await forkOnlyAgent(devnet)).toLowerCase()
  run = startIndexer(s)
  const h = await head()
  // the first catch-up indexes the whole workload chain: minutes on a loaded machine
  await waitForIndexedBlock(db.url, h.number, h.hash, run, 300_000)
}, 360_000)

afterAll(async () => {
  await run?.kill9()
  await devnet?.stop()
  await db?.drop()
  for (const c of cleanup) await c()
  if (s) fs.rmSync(s.dataDir, { recursive: true, force: true })
})

describe('reorgs that change state, kills and a ClickHouse failure', () => {
  it('a losing branch with every fork-only change is indexed, then undone by the reorg while the indexer runs', async () => {
    const lose = await mineLosingBranch('lose-live')
    const tip = await head()
    await waitForIndexedBlock(db.url, tip.number, tip.hash, run)
    // the indexer committed the losing branch: each change is in the record
    expectEveryChange(await forkOnlyState(lose.forkBase))
    expect((await query<{ n: string }>(db.url, 'select count(*) as n from agent where account_id = $1', [losingAgent]))[0].n).toBe('1')
    expect(Object.keys(await rowsOfTxs(lose.txs))).toEqual(expect.arrayContaining(['agent_stake_change', 'slash', 'stake_event', 'model_price_change', 'token_transfer']))
    await devnet.testClient.revert({ id: lose.snapshot })
    await mineActivity(devnet, who, 'win-live', lose.blocks + 1)
    const b = await head()
    await waitForIndexedBlock(db.url, b.number, b.hash, run)
    expectNoChange(await forkOnlyState(lose.forkBase))
    expect(await rowsOfTxs(lose.txs)).toEqual({})
  }, 180_000)

  it('killed on a losing branch: the restart rolls it back, and its fork write survives a detached ClickHouse table', async () => {
    const lose = await mineLosingBranch('lose-killed')
    const tip = await head()
    await waitForIndexedBlock(db.url, tip.number, tip.hash, run)
    expectEveryChange(await forkOnlyState(lose.forkBase))
    await run.kill9()
    await devnet.testClient.revert({ id: lose.snapshot })
    await mineActivity(devnet, who, 'win-killed', lose.blocks + 1)
    const b = await head()
    // the restart's first ClickHouse write is the fork's (facts above the fork point deleted, the
    // winning branch inserted): the engine refuses its second table, the retry starts over
    run = startIndexer({ ...s, env: { ...FINALITY, UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK: String(b.number), UPKEEP_FAULT_CLICKHOUSE_OUTAGE_MS: '1500' } })
    await waitForIndexedBlock(db.url, b.number, b.hash, run)
    for (const t = Date.now(); !/retrying in/.test(run.output()) && Date.now() - t < 30_000; ) await new Promise((r) => setTimeout(r, 100))
    expect(run.output()).toMatch(/fault injected: upkeep\.\w+ detached for 1500 ms/)
    expect(run.output()).toMatch(/ClickHouse write up to block \d+ failed \(.*(UNKNOWN_TABLE|code 60|doesn't exist|does not exist).*\); retrying in/)
    expect(run.output()).not.toContain('ClickHouse write failed for blocks up to')
    expectNoChange(await forkOnlyState(lose.forkBase))
    expect(await rowsOfTxs(lose.txs)).toEqual({})
  }, 180_000)

  it('kill -9 at random points while the chain moves', async () => {
    const rng = new Rng(20261130)
    for (let k = 0; k < 4; k++) {
      const mining = mineActivity(devnet, who, `kills-${k}`, 12)
      await new Promise((r) => setTimeout(r, rng.int(200, 1500)))
      // it was following the moving chain, not exited on its own
      expect(run.child.exitCode, run.output().slice(-2000)).toBeNull()
      await run.kill9()
      await mining
      run = startIndexer(s)
    }
    const b = await head()
    await waitForIndexedBlock(db.url, b.number, b.hash, run)
  }, 180_000)

  it('afterwards: the digest equals a fresh index, ClickHouse equals Postgres, no losing row survives', async () => {
    const b = await head()
    await run.stop() // chDB is one process at a time: the comparisons read it here
    expect((await query<{ n: string }>(db.url, 'select count(*) as n from agent where account_id = $1', [losingAgent]))[0].n).toBe('0')
    expect(await rowsOfTxs(losingTxs)).toEqual({})
    const cmp = await compareStores(s.dataDir, db.url)
    expect(cmp.mismatches).toEqual([])
    for (const t of ['model_price_change', 'stake_event', 'inference', 'agg_daily', 'agg_model_daily', 'agg_daily_payers']) expect(cmp.rows[t], t).toBeGreaterThan(0)
    const fresh = await freshDatabase('reorg_metrics_ref')
    const dir = newDataDir()
    cleanup.push(async () => {
      await fresh.drop()
      fs.rmSync(dir, { recursive: true, force: true })
    })
    await indexTo({ manifestFile: devnet.manifestFile, dbUrl: fresh.url, dataDir: dir, env: { UPKEEP_WAREHOUSE: 'off' } }, b.number)
    expect((await stateDigest(db.url)).digest).toBe((await stateDigest(fresh.url)).digest)
  }, 180_000)
})

describe('after them, every metric equals the raw logs, on the daily aggregates (whole days) and on the facts (partial days)', () => {
  const PERIODS = ['the whole run', 'the days of the reorgs', 'the reorgs, partial days', 'the whole run but its last second'] as const
  const periods = new Map<string, { p: Period; path: 'aggregates' | 'facts' }>()
  let firstT = 0
  let lastT = 0
  let metrics: Metrics
  let warehouse: Warehouse | undefined
  let pool: pg.Pool | undefined
  const midnight = (t: number) => Math.floor((t * 1000) / DAY_MS) * DAY_MS

  beforeAll(async () => {
    const events = await rawEvents(devnet, (await head()).number)
    loadFacts(events, devnet.manifest)
    await loadAccruals(devnet.publicClient as never) // the canonical chain's own stake values
    // the raw logs hold none of the losing branches' events
    const losing = new Set(losingTxs)
    expect(events.filter((e) => losing.has(e.tx))).toEqual([])
    const newEvents = events.filter((e) => e.block >= firstNewBlock)
    expect(newEvents.filter((e) => e.key === 'InferenceSettlement.InferenceSettled').length).toBeGreaterThan(0)
    firstT = newEvents[0].t
    lastT = events[events.length - 1].t
    periods.set(PERIODS[0], { p: { from: new Date('2025-09-01T00:00:00Z'), to: new Date(midnight(lastT) + DAY_MS) }, path: 'aggregates' })
    periods.set(PERIODS[1], { p: { from: new Date(midnight(firstT)), to: new Date(midnight(lastT) + DAY_MS) }, path: 'aggregates' })
    // edges half a second off any block's timestamp (whole seconds): never a midnight
    periods.set(PERIODS[2], { p: { from: new Date(firstT * 1000 - 3_600_500), to: new Date(lastT * 1000 + 500) }, path: 'facts' })
    periods.set(PERIODS[3], { p: { from: new Date('2025-09-01T00:00:00.500Z'), to: new Date(lastT * 1000 + 500) }, path: 'facts' })
    for (const { p, path: via } of periods.values()) expect(p.from.getTime() % DAY_MS === 0 && p.to.getTime() % DAY_MS === 0).toBe(via === 'aggregates')
    warehouse = await openWarehouse({ mode: 'embedded', path: path.join(s.dataDir, 'chdb'), database: 'upkeep' })
    pool = new pg.Pool({ connectionString: db.url })
    metrics = new Metrics(warehouse, pool, {
      treasury: devnet.manifest.accounts.treasury,
      distributor: devnet.manifest.contracts.RewardsDistributor,
      stakingBank: devnet.manifest.accounts.stakingBank,
      assumptions: readAssumptions(ASSUMPTIONS_FILE),
    })
  }, 180_000)

  afterAll(async () => {
    await pool?.end()
    await warehouse?.close()
  })

  for (const name of PERIODS) {
    it(`${name}: every period metric`, async () => {
      const { p } = periods.get(name)!
      for (const interval of ['day', 'week', 'month'] as const) expect(await metrics.sustainability(p, interval), `sustainability by ${interval}`).toEqual(expectedSustainability(p, interval))
      expect(await metrics.models(p, 1000)).toEqual(expectedModels(p, 1000))
      expect(await metrics.models(p, 3)).toEqual(expectedModels(p, 3))
      expect(await metrics.datanets(p, 1000)).toEqual(expectedDatanets(p, 1000))
      expect(await metrics.contributors(p, 1000)).toEqual(expectedContributors(p, 1000))
      expect(await metrics.retention(p)).toEqual(expectedRetention(p))
      expect(await metrics.concentration(p)).toEqual(expectedConcentration(p))
      expect(await metrics.agents(p)).toEqual(expectedAgents(p))
      expect(await metrics.operators(p)).toEqual(expectedOperators(p))
      expect(await metrics.upkeep(p)).toEqual({ ...expectedUpkeep(p), assumptionsHash: assumptionsHash(), assumptionsSource: ASSUMPTIONS_FILE, unknowns: [] })
      expect(await metrics.blockRange(p)).toEqual(expectedBlockRange(p))
      expect(await metrics.changes(p)).toEqual(expectedChanges(p))
    }, 120_000)
  }

  it('the reorg window holds only what the winning branches did', () => {
    const { p } = periods.get('the reorgs, partial days')!
    expect(expectedSustainability(p, 'day').totals.inferences).toBeGreaterThan(0)
    expect(expectedChanges(p).priceChanges).toEqual([])
    expect(expectedAgents(p).slashes).toBe(0)
    expect(expectedOperators(p).removed).toBe(0)
    // the agent registered only on losing branches is in no raw log
    expect(F.agentEvents.some((e) => String(e.args.account).toLowerCase() === losingAgent)).toBe(false)
  })

  it('fee-policy history and every point-in-time metric, before, after and a day after the reorgs', async () => {
    const policies = await metrics.feePolicyHistory()
    expect(policies).toEqual(expectedFeePolicyHistory(policies.map((v) => v.toBlock)))
    for (const at of [new Date(firstT * 1000 - 1), new Date((lastT + 1) * 1000), new Date(midnight(lastT) + DAY_MS)]) {
      const when = at.toISOString()
      expect(await metrics.modelDecay(at), when).toEqual(expectedDecay(at, 500_000n))
      expect(await metrics.unlockOverhang(at), when).toEqual(expectedOverhang(at))
      expect(await metrics.runway(at), when).toEqual(expectedRunway(at))
      expect(await metrics.liabilities(at), when).toEqual(expectedLiabilities(at))
      expect(await metrics.priceToFees(at, '0.4321'), when).toEqual(expectedPriceToFees(at, '0.4321'))
    }
  }, 120_000)
})
