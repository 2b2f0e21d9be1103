// Answers from the sums held in memory per block timestamp equal the ClickHouse facts path to the
// wei: random whole-day periods and intervals, and random sub-day periods (inside one day, across
// one midnight, across many, one end at midnight, ends on an event's own timestamp), both answered
// without a warehouse query (counted), on the small devnet; then in a serving process that indexes
// in itself (as npm start does) through a reorg, the property checked again once the warehouse
// flush of the fork has happened and the sums are rebuilt.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hex } from 'viem'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, indexedHead, newDataDir, waitForIndexedBlock } from '../helpers/indexer'
import { actors, mineActivity } from '../helpers/activity'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { Rng } from '../../src/util/rng'
import { Metrics, readAssumptions, type Interval, type MetricsConfig, type Period } from '../../src/analytics'
import type { DayAggregates } from '../../src/analytics/served'

const DAY = 86_400_000
const LIB = path.resolve(__dirname, '..', '..', 'lib')
let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let warehouse: Warehouse | undefined
let pool: pg.Pool
let facts: Metrics
let served: Metrics
let firstDay: number
let lastDay: number
let cfg: MetricsConfig

const INTERVALS: Interval[] = ['day', 'week', 'month']

/** Random periods over the chain's days (a few days either side), whole days or not. */
function periods(seed: number, n: number, whole: boolean, last = lastDay): { p: Period; interval: Interval }[] {
  const r = new Rng(seed)
  return Array.from({ length: n }, () => {
    const a = r.int(firstDay - 3, last + 2)
    // half of them run to the end of the chain's last day, where new blocks land
    const b = r.chance(0.5) ? last + 1 : a + r.int(1, 120)
    const offset = () => (whole ? 0 : r.int(0, DAY - 1))
    let from = a * DAY + offset()
    let to = b * DAY + offset()
    if (to <= from) to = from + r.int(1, DAY)
    if (!whole && from % DAY === 0 && to % DAY === 0) from += 1
    return { p: { from: new Date(from), to: new Date(to) }, interval: r.pick(INTERVALS) }
  })
}

/** Every analytics answer for a period: those over [from, to) and those at a time (`to`). */
async function answers(m: Metrics, p: Period, interval: Interval) {
  return {
    sustainability: await m.sustainability(p, interval),
    models: await m.models(p, 100),
    datanets: await m.datanets(p, 100),
    operators: await m.operators(p),
    concentration: await m.concentration(p),
    agents: await m.agents(p),
    retention: await m.retention(p),
    contributors: await m.contributors(p, 100),
    upkeep: await m.upkeep(p),
    runway: await m.runway(p.to),
    liabilities: await m.liabilities(p.to),
    unlockOverhang: await m.unlockOverhang(p.to),
    priceToFees: await m.priceToFees(p.to, '0.35'),
    modelDecay: await m.modelDecay(p.to),
    feePolicyHistory: await m.feePolicyHistory(),
    // at midnight from the held sums (six upkeep windows); at any other time the facts on both sides
    outlook: p.to.getTime() % DAY === 0 ? await m.outlook(p.to) : null,
  }
}

/**
 * Random periods that are not whole days, by kind in turn: inside one day, across one midnight,
 * across several days, from a midnight to inside a day, from inside a day to a midnight; every
 * third end is an event's own timestamp (a boundary row is in [from, to) exactly when it should be).
 */
function subDayPeriods(seed: number, n: number, events: number[], last = lastDay): { p: Period; interval: Interval; kind: string }[] {
  const r = new Rng(seed)
  const KINDS = ['inside one day', 'across one midnight', 'across several days', 'midnight to inside a day', 'inside a day to midnight']
  // a time inside day d (never midnight): an event's timestamp on the chain, or a random second
  const inside = (d: number) => {
    const e = events.filter((t) => Math.floor(t / DAY) === d && t % DAY !== 0)
    return e.length && r.chance(0.35) ? r.pick(e) : d * DAY + r.int(1, DAY / 1000 - 1) * 1000
  }
  const eventDay = () => Math.floor(r.pick(events) / DAY)
  return Array.from({ length: n }, (_, i) => {
    const kind = i % KINDS.length
    // most periods start on a day with events, a few around the chain's ends
    const d = r.chance(0.8) ? eventDay() : r.pick([firstDay - 1, firstDay, last, last + 1])
    let from: number
    let to: number
    if (kind === 0) {
      const [x, y] = [inside(d), inside(d)].sort((u, v) => u - v)
      from = x
      to = y > x ? y : x + 1000
    } else if (kind === 1) [from, to] = [inside(d), inside(d + 1)]
    else if (kind === 2) [from, to] = [inside(d), inside(d + r.int(2, 90))]
    else if (kind === 3) [from, to] = [d * DAY, inside(d + r.int(0, 40))]
    else [from, to] = [inside(d), (d + r.int(1, 40)) * DAY]
    return { p: { from: new Date(from), to: new Date(to) }, interval: r.pick(INTERVALS), kind: KINDS[kind] }
  })
}

/** The served path's own answers to the period metrics: undefined where it leaves one to the facts. */
async function servedPeriodAnswers(d: DayAggregates, p: Period, interval: Interval): Promise<unknown[]> {
  return [
    await d.sustainability(p, interval),
    await d.models(p, 100),
    await d.datanets(p, 100),
    await d.operators(p),
    await d.concentration(p),
    await d.agents(p),
    await d.retention(p),
    await d.contributors(p, 100),
  ]
}

/** Whether every period metric with a served path answers the period from memory: an answer each, and no warehouse query made for them. */
async function fromMemory(d: DayAggregates, p: Period, interval: Interval): Promise<boolean> {
  const before = d.warehouseQueries
  const all = await servedPeriodAnswers(d, p, interval)
  return all.every((x) => x !== undefined) && d.warehouseQueries === before
}

/** Whether every metric's served path answers the period itself (no warehouse query behind it). */
async function servedAnswers(d: DayAggregates, p: Period, interval: Interval): Promise<boolean> {
  const all = [
    ...(await servedPeriodAnswers(d, p, interval)),
    await d.upkeep(p, {}),
    d.runway(p.to),
    d.liabilities(p.to),
    await d.unlockOverhang(p.to),
    d.priceToFees(p.to, '0.35'),
    await d.modelDecay(p.to, 0.5),
    await d.feePolicyHistory(),
    await d.outlook(p.to, 6),
  ]
  return all.every((x) => x !== undefined)
}

/** Timestamps (ms) of the chain's inferences, contributions, payouts, slashes and stake changes: the ends sub-day periods land on. */
let events: number[] = []

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('served')
  dataDir = newDataDir()
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  pool = new pg.Pool({ connectionString: db.url, max: 4 })
  cfg = {
    treasury: devnet.manifest.accounts.treasury,
    distributor: devnet.manifest.contracts.RewardsDistributor,
    stakingBank: devnet.manifest.accounts.stakingBank,
    assumptions: readAssumptions(path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json')),
  }
  facts = new Metrics(warehouse, pool, cfg)
  served = new Metrics(warehouse, pool, cfg, { served: true })
  await served.served!.rebuild()
  const [span] = await queryRows<{ a: string; b: string }>(warehouse, `SELECT toString(toUInt32(min(toDate(timestamp)))) AS a, toString(toUInt32(max(toDate(timestamp)))) AS b FROM upkeep.inference`)
  firstDay = Number(span.a)
  lastDay = Number(span.b)
  const ts = await queryRows<{ t: string }>(
    warehouse,
    `SELECT DISTINCT toString(toUnixTimestamp64Milli(timestamp)) AS t FROM (
       SELECT timestamp FROM upkeep.inference UNION ALL SELECT timestamp FROM upkeep.contribution UNION ALL SELECT timestamp FROM upkeep.attribution_payout
       UNION ALL SELECT timestamp FROM upkeep.slash UNION ALL SELECT timestamp FROM upkeep.agent_stake_change UNION ALL SELECT timestamp FROM upkeep.incentive_payment)`,
  )
  events = ts.map((x) => Number(x.t)).sort((a, b) => a - b)
}, 600_000)

afterAll(async () => {
  served?.close()
  await pool?.end()
  await warehouse?.close()
  await child?.kill('SIGKILL')
  await devnet?.stop()
  await db?.drop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('day sums held in memory', () => {
  it('hold the chain: built at the warehouse head, over hundreds of days', () => {
    const s = served.served!.status()
    expect(s.ready).toBe(true)
    expect(s.head).toBe(devnet.endBlock)
    expect(lastDay - firstDay).toBeGreaterThan(300)
  })

  it('answer random whole-day periods and intervals exactly as the facts do, without the warehouse', async () => {
    for (const { p, interval } of periods(1, 15, true)) {
      // answered from memory: every served path itself returns, the period metrics with no warehouse query
      expect(await servedAnswers(served.served!, p, interval), p.from.toISOString()).toBe(true)
      expect(await fromMemory(served.served!, p, interval), p.from.toISOString()).toBe(true)
      const got = await answers(served, p, interval)
      expect(got, `${p.from.toISOString()} – ${p.to.toISOString()} by ${interval}`).toEqual(await answers(facts, p, interval))
    }
  }, 300_000)

  it('answer exactly at the day boundaries of sparse events (agent stake changes, slashes, unstakes, vesting releases)', async () => {
    // random periods rarely end on the day after an agent's stake change; these do, on both sides
    const rows = await queryRows<{ d: string }>(
      warehouse!,
      `SELECT DISTINCT toString(toUInt32(toDate(timestamp))) AS d FROM (
         SELECT timestamp FROM upkeep.agent_stake_change UNION ALL SELECT timestamp FROM upkeep.slash
         UNION ALL SELECT timestamp FROM upkeep.stake_event WHERE kind = 'unstaked' UNION ALL SELECT timestamp FROM upkeep.vesting_release)`,
    )
    const days = rows.map((r) => Number(r.d)).sort((a, b) => a - b)
    expect(days.length).toBeGreaterThan(3)
    const r = new Rng(5)
    for (const d of days.length > 6 ? Array.from({ length: 6 }, () => r.pick(days)) : days) {
      for (const [a, z] of [
        [d - 7, d],
        [d, d + 1],
        [d - 40, d + 1],
      ]) {
        const p = { from: new Date(a * DAY), to: new Date(z * DAY) }
        const pick = async (m: Metrics) => ({ agents: await m.agents(p), liabilities: await m.liabilities(p.to), runway: await m.runway(p.to), unlockOverhang: await m.unlockOverhang(p.to) })
        expect(served.served!.agents(p)).toBeDefined()
        expect(await pick(served), `${p.from.toISOString()} – ${p.to.toISOString()}`).toEqual(await pick(facts))
      }
    }
  }, 300_000)

  it('answer random sub-day periods from memory alone (no warehouse query), exactly as the facts do', async () => {
    const kinds = new Map<string, number>()
    for (const { p, interval, kind } of [...subDayPeriods(2, 12, events), ...periods(3, 3, false).map((x) => ({ ...x, kind: 'random' }))]) {
      const what = `${kind}: ${p.from.toISOString()} – ${p.to.toISOString()} by ${interval}`
      // the period metrics answer from memory; a time inside a day still goes to the facts
      expect(await fromMemory(served.served!, p, interval), what).toBe(true)
      if (p.to.getTime() % DAY) expect(served.served!.runway(p.to), what).toBeUndefined()
      expect(await answers(served, p, interval), what).toEqual(await answers(facts, p, interval))
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
    }
    expect(kinds.size).toBe(6)
  }, 600_000)

  it('sub-day periods are not trivial: the edge days add fees and inferences to the whole days inside', async () => {
    const [mid] = await queryRows<{ t: string }>(
      warehouse!,
      `SELECT toString(toUnixTimestamp64Milli(timestamp)) AS t FROM upkeep.inference WHERE fee > 0 AND toUnixTimestamp64Milli(timestamp) % 86400000 > 0
       ORDER BY timestamp LIMIT 1 OFFSET (SELECT intDiv(count(), 2) FROM upkeep.inference)`,
    )
    const e = Number(mid.t)
    const d = Math.floor(e / DAY)
    // from between midnight and the inference, to half a day into the third day after
    const p = { from: new Date(d * DAY + Math.floor((e % DAY) / 2)), to: new Date((d + 3) * DAY + DAY / 2) }
    const whole = { from: new Date((d + 1) * DAY), to: new Date((d + 3) * DAY) }
    const [a, w] = [await served.sustainability(p, 'day'), await served.sustainability(whole, 'day')]
    expect(a.totals.fees).toBeGreaterThan(w.totals.fees)
    expect(a.totals.inferences).toBeGreaterThan(w.totals.inferences)
    expect(a).toEqual(await facts.sustainability(p, 'day'))
  }, 60_000)

  it('are non-trivial: a month of the chain has fees, payers, models, datanets, operators and recipients', async () => {
    const p = { from: new Date(Date.UTC(2026, 9, 1)), to: new Date(Date.UTC(2026, 10, 1)) }
    const a = await answers(served, p, 'week')
    expect(a.sustainability.totals.fees).toBeGreaterThan(0n)
    expect(a.sustainability.totals.payers).toBeGreaterThan(1)
    expect(a.sustainability.series.length).toBeGreaterThanOrEqual(5)
    expect(a.models.length).toBeGreaterThan(1)
    expect(a.datanets.some((d) => d.contributors > 1)).toBe(true)
    expect(a.operators.operators.length).toBeGreaterThan(1)
    expect(a.concentration.recipients).toBeGreaterThan(1)
    expect(a.agents.agentFees).toBeGreaterThan(0n)
    expect(a.agents.agents).toBeGreaterThan(0)
    // cohorts over the whole chain: several, and members active again in later months
    const cohorts = await served.retention({ from: new Date(firstDay * DAY), to: new Date((lastDay + 1) * DAY) })
    expect(cohorts.length).toBeGreaterThan(1)
    expect(cohorts.some((c) => c.size > 1 && c.active.slice(1).some((n) => n > 0))).toBe(true)
    expect(a.contributors.some((c) => c.attributionPaid > 0n && c.contributions > 0 && c.datanets > 0)).toBe(true)
    expect(a.upkeep.upkeepCost).toBeGreaterThan(0n)
    expect(a.upkeep.models.length).toBeGreaterThan(1)
    expect(a.upkeep.operators.length).toBeGreaterThan(1)
    expect(a.runway.treasuryBalance).toBeGreaterThan(0n)
    expect(a.runway.liabilities.stakedPrincipal).toBeGreaterThan(0n)
    expect(a.unlockOverhang.next30).toBeGreaterThan(0n)
    expect(a.modelDecay.length).toBeGreaterThan(1)
  }, 60_000)

  it('answer a valid period with no data as the facts do: unknown ratios null with their reasons, never 0', async () => {
    // whole days (served) and a part day (facts), long before the chain's first block
    for (const p of [
      { from: new Date(Date.UTC(2024, 0, 1)), to: new Date(Date.UTC(2024, 1, 1)) },
      { from: new Date(Date.UTC(2024, 0, 1, 6, 30)), to: new Date(Date.UTC(2024, 1, 1, 18)) },
    ]) {
      const got = await answers(served, p, 'month')
      expect(got).toEqual(await answers(facts, p, 'month'))
      expect(got.sustainability.series).toEqual([])
      expect([got.sustainability.totals.takeRate, got.sustainability.totals.feeFundedShare, got.sustainability.totals.agentFeeShare]).toEqual([null, null, null])
      expect(got.agents.agentFeeShare).toBeNull()
      expect([got.concentration.gini, got.concentration.hhi, got.concentration.top10Share]).toEqual([null, null, null])
      // no OPEN price that early: the cost is unknown, so is the coverage; no model was live, nothing staked
      expect([got.upkeep.upkeepCost, got.upkeep.maintenanceCoverage, got.upkeep.stakerRealYield, got.upkeep.stakerIncentiveYield]).toEqual([null, null, null, null])
      expect(got.upkeep.unknowns.map((u) => u.field)).toEqual(['upkeepCost', 'models', 'stakerRealYield', 'stakerIncentiveYield'])
      expect(got.upkeep.unknowns.every((u) => u.reason.length > 10)).toBe(true)
      expect(got.runway.treasuryRunwayMonths).toBeNull()
      expect(got.runway.unknowns).toContainEqual({ field: 'treasuryRunwayMonths', reason: 'no net burn: the treasury took in at least what it paid out in the 90 days before' })
      expect(got.unlockOverhang.next30ToFees).toBeNull()
      expect(got.priceToFees.priceToFees).toBeNull()
      expect([got.models, got.datanets, got.retention, got.contributors, got.modelDecay]).toEqual([[], [], [], [], []])
    }
  }, 60_000)
})

// ---- the serving process: indexer and two APIs (day sums on / off) in one process, as npm start
let child: ChildProcess | undefined

const QUERY = `query ($from: DateTime!, $to: DateTime!, $interval: Interval!) {
  networkSustainability(from: $from, to: $to, interval: $interval) {
    totals { ...P } series { ...P }
  }
  modelRevenue(from: $from, to: $to, limit: 100) { modelId owner retired inferences units fees creatorFees contributorFees attributionPaid }
  datanetRevenue(from: $from, to: $to, limit: 100) { datanetId name attributionPaid payouts contributors contributions attributionPerContribution }
  operatorMetrics(from: $from, to: $to) { operators { operatorId account active inferences fees infraFees } concentration { recipients total gini hhi top10Share } registered removed }
  payoutConcentration(from: $from, to: $to) { recipients total gini hhi top10Share }
  agentMetrics(from: $from, to: $to) { agentFees grossFees agentFeeShare agents activeAgents stakeAtRisk slashed slashedToTreasury slashedBurned slashes }
  contributorRetention(from: $from, to: $to) { cohort size active rates }
  contributorEarnings(from: $from, to: $to, limit: 100) { contributor attributionPaid incentives contributions datanets }
  upkeepCoverage(from: $from, to: $to) {
    provenance openPriceUsd costs { component provenance note usd amount } upkeepCost maintainerFeeIncome maintenanceCoverage stakedPrincipal stakerRealYield stakerIncentives stakerIncentiveYield
    models { modelId units maintainerFeeIncome servingCost servingProvenance maintenanceProvenance upkeepCost margin maintenanceCoverage paybackMonths }
    operators { operatorId units infraFees servingCost servingProvenance infraMargin } unknowns { field reason }
  }
  runway(at: $to) {
    treasuryBalance treasuryMonthlyOutflow treasuryMonthlyInflow treasuryMonthlyNetBurn treasuryRunwayMonths distributorBalance distributedToDate unlockedToDate
    incentiveBudget monthlyIncentives incentiveRunwayMonths unknowns { field reason }
  }
  liabilities(at: $to) { stakedPrincipal stakingBankBalance unclaimedAccruals undistributedPools prepaidEscrow }
  unlockOverhang(at: $to) { next30 next90 vestedUnreleased trailing30Fees next30ToFees next90ToFees }
  priceToFees(at: $to, priceUsd: "0.35") { supply annualizedFees marketCapUsd priceToFees }
  modelDecay(at: $to) { modelId retired unitsLast30 unitsPrev30 feesLast30 feesPrev30 change decaying }
  feePolicyHistory { version inferences fees }
}
fragment P on SustainabilityPoint {
  periodStart inferences units payers fees inferenceFees deploymentFees creatorFees contributorFees infraFees supplySideFees treasuryFees feeBurns
  treasuryRevenue holdersRevenue revenue burns takeRate rewardsEmissions stakingInterest stakingInterestPaid maintainerIncentives stakerIncentives otherIncentives
  tokenIncentives vestingUnlocks earnings maintainerFeePayouts feeFundedShare agentFees agentFeeShare
}`

async function ask(url: string, p: Period, interval: Interval) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY, variables: { from: p.from.toISOString(), to: p.to.toISOString(), interval: interval.toUpperCase() } }),
  })
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] }
  expect(body.errors).toBeUndefined()
  return body.data
}

type Status = { ready: boolean; head: number | null; builds: number }
async function servedStatus(url: string): Promise<Status> {
  return ((await (await fetch(`${url}/ready`)).json()) as { served: Status }).served
}

/**
 * Until the process's day sums are rebuilt at the indexed head, after the flush that made it
 * visible, and the warehouse is quiet: the same build for 3 s (a restarted indexer first re-applies
 * its unfinalized blocks at the same head, a flush of its own).
 */
async function waitServedAt(url: string, head: number): Promise<void> {
  const t0 = Date.now()
  let since: { builds: number; at: number } | undefined
  for (;;) {
    const s = await servedStatus(url)
    if (!(s.ready && s.head === head)) since = undefined
    else if (!since || since.builds !== s.builds) since = { builds: s.builds, at: Date.now() }
    else if (Date.now() - since.at >= 3_000) return
    if (Date.now() - t0 > 120_000) throw new Error(`day sums not rebuilt at block ${head}: ${JSON.stringify(s)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('in the serving process, through a reorg', () => {
  let urls: { served: string; facts: string }

  let db2: TestDatabase
  let dataDir2: string

  beforeAll(async () => {
    served.close()
    // the serving process indexes the chain from its first block, as npm start does on a fresh data dir
    db2 = await freshDatabase('served_proc')
    dataDir2 = newDataDir()
    const script = `
      const lib = ${JSON.stringify(LIB)}
      const { loadConfig } = require(lib + '/config/index.js')
      const { openWarehouse } = require(lib + '/warehouse/client.js')
      const { runIndexer } = require(lib + '/indexer/run.js')
      const { startApi } = require(lib + '/api/server.js')
      const { readAssumptions } = require(lib + '/analytics/index.js')
      ;(async () => {
        const config = loadConfig()
        // as npm start does: the data directory is opened (stamped) before the warehouse writes in it
        require(lib + '/db/data-format.js').openDataDir(config.dataDir)
        const warehouse = await openWarehouse(config.warehouse)
        await runIndexer({ manifest: process.env.MANIFEST, config, warehouse })
        const metrics = ${JSON.stringify({ treasury: cfg.treasury, distributor: cfg.distributor, stakingBank: cfg.stakingBank })}
        metrics.assumptions = readAssumptions(${JSON.stringify(path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json'))})
        // equality, not speed, is checked here: a loaded machine must not time the facts' answers out
        const limits = { analyticsTimeoutMs: 120000 }
        const served = await startApi({ dbUrl: process.env.DB_URL, warehouse, metrics, served: true, limits })
        const facts = await startApi({ dbUrl: process.env.DB_URL, warehouse, metrics, served: false, limits })
        console.log('URLS ' + JSON.stringify({ served: served.url, facts: facts.url }))
      })().catch((e) => { console.error(e); process.exit(1) })`
    child = spawn(process.execPath, ['-e', script], {
      env: { ...process.env, DB_URL: db2.url, UPKEEP_DATA_DIR: dataDir2, HEAD_POLL_MS: '100', MANIFEST: devnet.manifestFile, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let err = ''
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()))
    urls = await new Promise((resolve, reject) => {
      let out = ''
      child!.stdout!.on('data', (b: Buffer) => {
        out += b.toString()
        const m = /URLS (\{.*\})/.exec(out)
        if (m) resolve(JSON.parse(m[1]))
      })
      child!.once('exit', (code) => reject(new Error(`serving process exited ${code}: ${err.slice(-2000)}`)))
    })
  }, 180_000)

  afterAll(async () => {
    child?.kill('SIGKILL')
    await db2?.drop()
    if (dataDir2) fs.rmSync(dataDir2, { recursive: true, force: true })
  })

  async function compareAt(seed: number, head: { number: number; hash: string }) {
    await waitForIndexedBlock(db2.url, head.number, head.hash, undefined, 300_000)
    await waitServedAt(urls.served, head.number)
    const day = Math.floor(Number((await devnet.publicClient.getBlock()).timestamp) / 86_400)
    for (const { p, interval } of [...periods(seed, 3, true, day), ...periods(seed + 1, 1, false, day), ...subDayPeriods(seed + 2, 4, events, day)]) {
      expect(await ask(urls.served, p, interval), `${p.from.toISOString()} – ${p.to.toISOString()} by ${interval}`).toEqual(await ask(urls.facts, p, interval))
    }
    // a flush since the sums were read would have sent the answers to the facts: they were served from memory
    const s = await servedStatus(urls.served)
    expect(s).toMatchObject({ ready: true, head: head.number })
    return day
  }

  const chainHead = async () => {
    const b = await devnet.publicClient.getBlock()
    return { number: Number(b.number), hash: b.hash }
  }

  it('answers as the facts do after new blocks, and right after a reorg replaced them', async () => {
    const day = await compareAt(11, await chainHead())
    const who = await actors(devnet)
    // whole days from the chain's first to well past its head (new blocks may land on a later day)
    const wholeChain = { from: new Date(firstDay * DAY), to: new Date((day + 30) * DAY) }
    const before = (await ask(urls.served, wholeChain, 'day')) as { networkSustainability: { totals: { inferences: number; fees: string } } }

    const snapshot = (await devnet.testClient.snapshot()) as Hex
    await mineActivity(devnet, who, 'served-a', 8)
    const a = await chainHead()
    await compareAt(21, a)
    const onA = (await ask(urls.served, wholeChain, 'day')) as typeof before
    // branch A settled inferences: the held sums moved with the flush
    expect(onA.networkSustainability.totals.inferences).toBeGreaterThan(before.networkSustainability.totals.inferences)

    await devnet.testClient.revert({ id: snapshot })
    await mineActivity(devnet, who, 'served-b', 9)
    const b = await chainHead()
    expect(b.number).toBe(a.number + 1)
    await compareAt(31, b)
    const onB = (await ask(urls.served, wholeChain, 'day')) as typeof before
    expect(onB.networkSustainability.totals.fees).not.toBe(onA.networkSustainability.totals.fees)
    expect((await indexedHead(db2.url))?.hash).toBe(b.hash)
  }, 900_000)
})
