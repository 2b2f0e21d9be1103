// Metrics on the scenario chains, each checked against an independent computation from raw chain
// logs (viem-decoded, test/helpers/raw-events), through SQL (the Metrics facade over ClickHouse and
// Postgres) and GraphQL:
// - wash: the wash-trading signal (docs/METRICS.md, "Wash trading") flags the operator that funds
//   its own payers and no honest operator; the monthly report carries it as a risk flag;
// - boom-bust: "if incentives stopped" per trailing 30-day window and the break-even projection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import pg from 'pg'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { loadScenario } from '../helpers/scenario'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { expectedUpkeep, loadFacts } from '../helpers/expected-metrics'
import { Metrics } from '../../src/analytics'
import { buildReportData } from '../../src/report/data'

const DAY = 86_400
const WINDOW_MS = 30 * DAY * 1000
/** operators that the workload runs honestly, and the one the wash scenario runs (its 2nd workload operator, id 3) */
const WASH_OPERATOR_ID = '3'
const WHOLE = { from: new Date('2025-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }
const MAINTAINER_ROLES = new Set([0, 1, 3]) // RewardsDistributor ROLE_CREATOR, ROLE_CONTRIBUTOR, ROLE_OPERATOR

let wash: IndexedApi
let boom: IndexedApi
let washEvents: RawEvent[]
let boomEvents: RawEvent[]
const pools: pg.Pool[] = []

/** JSON as GraphQL writes it: bigints and dates as strings */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? String(v) : v)))

function metricsOf(a: IndexedApi): Metrics {
  const pool = new pg.Pool({ connectionString: a.db.url, max: 4 })
  pools.push(pool)
  return new Metrics(a.warehouse, pool, a.metrics)
}

beforeAll(async () => {
  wash = await indexedApi(await loadScenario('wash'))
  washEvents = await rawEvents(wash.devnet)
  boom = await indexedApi(await loadScenario('boom-bust'))
  boomEvents = await rawEvents(boom.devnet)
  loadFacts(boomEvents, boom.devnet.manifest)
}, 900_000)

afterAll(async () => {
  for (const p of pools) await p.end()
  await wash?.close()
  await boom?.close()
})

/** The documented signal, from raw logs: per operator, fees from payers its account (or a wallet only it funded) sent OPEN to before `to`. */
function expectedWash(events: RawEvent[], p: { from: Date; to: Date }, threshold: { n: bigint; d: bigint }) {
  const inP = (t: number) => t * 1000 >= p.from.getTime() && t * 1000 < p.to.getTime()
  const accountOf = new Map<string, string>()
  for (const e of events) if (e.key === 'InferenceSettlement.OperatorRegistered') accountOf.set(String(e.args.operatorId), String(e.args.account).toLowerCase())
  const transfers = events
    .filter((e) => e.key === 'OpenToken.Transfer' && e.t * 1000 < p.to.getTime())
    .map((e) => ({ from: String(e.args.from).toLowerCase(), to: String(e.args.to).toLowerCase() }))
  const sendersTo = new Map<string, Set<string>>()
  for (const t of transfers) sendersTo.set(t.to, (sendersTo.get(t.to) ?? new Set()).add(t.from))
  const funded = (acct: string) => {
    const direct = new Set(transfers.filter((t) => t.from === acct).map((t) => t.to))
    const wallets = [...direct].filter((w) => [...sendersTo.get(w)!].every((s) => s === acct))
    const out = new Set(direct)
    for (const t of transfers) if (wallets.includes(t.from)) out.add(t.to)
    return out
  }
  const fees = new Map<string, { fees: bigint; funded: bigint; payers: Set<string> }>()
  for (const e of events) {
    if (e.key !== 'InferenceSettlement.InferenceSettled' || !inP(e.t)) continue
    const op = String((e.args.requestId as bigint) >> 64n)
    const s = fees.get(op) ?? { fees: 0n, funded: 0n, payers: new Set<string>() }
    s.fees += e.args.fee as bigint
    const payer = String(e.args.payer).toLowerCase()
    if (funded(accountOf.get(op)!).has(payer)) {
      s.funded += e.args.fee as bigint
      s.payers.add(payer)
    }
    fees.set(op, s)
  }
  return [...accountOf.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([operatorId, account]) => {
      const s = fees.get(operatorId) ?? { fees: 0n, funded: 0n, payers: new Set() }
      return {
        operatorId,
        account,
        fees: String(s.fees),
        fundedFees: String(s.funded),
        fundedPayers: s.payers.size,
        signal: frac(s.funded, s.fees),
        flagged: s.fees > 0n && s.funded * threshold.d >= s.fees * threshold.n,
      }
    })
}

const WASH_Q = `query($from: DateTime!, $to: DateTime!, $threshold: String) {
  washTrading(from: $from, to: $to, threshold: $threshold) { from to threshold operators { operatorId account fees fundedFees fundedPayers signal flagged reason } } }`

describe('wash scenario: the wash-trading signal', () => {
  it('flags the operator that funds its own payers and no honest operator, as the raw logs say (GraphQL and SQL)', async () => {
    const want = expectedWash(washEvents, WHOLE, { n: 2n, d: 10n })
    const r = await wash.gql<{ washTrading: { threshold: string; operators: (ReturnType<typeof expectedWash>[number] & { reason: string })[] } }>(WASH_Q, {
      from: WHOLE.from.toISOString(),
      to: WHOLE.to.toISOString(),
    })
    expect(r.errors).toBeUndefined()
    const got = r.data!.washTrading
    expect(got.threshold).toBe('0.2')
    expect(got.operators.map(({ reason: _r, ...x }) => x)).toEqual(want)
    // the expectation itself: the wash operator well above the threshold, every other one at 0
    const flagged = want.filter((o) => o.flagged).map((o) => o.operatorId)
    expect(flagged).toEqual([WASH_OPERATOR_ID])
    const w = want.find((o) => o.operatorId === WASH_OPERATOR_ID)!
    expect(w.account).toBe(wash.devnet.manifest.accounts.operators[2].toLowerCase())
    expect(w.fundedPayers).toBeGreaterThanOrEqual(3)
    expect(Number(w.signal)).toBeGreaterThan(0.3)
    for (const o of want.filter((x) => x.operatorId !== WASH_OPERATOR_ID)) expect(o.fundedFees).toBe('0')
    expect(got.operators.find((o) => o.operatorId === WASH_OPERATOR_ID)!.reason).toMatch(/payer\(s\) funded by the operator's account or a wallet only it funded paid 0\.\d{6} of its inference fees/)
    // SQL: the metrics facade answers the same
    expect(plain(await metricsOf(wash).washTrading(WHOLE))).toEqual(plain({ ...got, from: WHOLE.from, to: WHOLE.to }))
  })

  it('a threshold above the wash share flags nobody; the fees are unchanged', async () => {
    const want = expectedWash(washEvents, WHOLE, { n: 95n, d: 100n })
    const r = await wash.gql<{ washTrading: { operators: { operatorId: string; flagged: boolean; fundedFees: string }[] } }>(WASH_Q, {
      from: WHOLE.from.toISOString(),
      to: WHOLE.to.toISOString(),
      threshold: '0.95',
    })
    expect(r.data!.washTrading.operators.map((o) => [o.operatorId, o.flagged, o.fundedFees])).toEqual(want.map((o) => [o.operatorId, o.flagged, o.fundedFees]))
    expect(want.some((o) => o.flagged)).toBe(false)
  })

  it('the monthly report flags the wash operator as a risk, and only it', async () => {
    const month = '2026-03'
    const pool = new pg.Pool({ connectionString: wash.db.url, max: 4 })
    pools.push(pool)
    const d = await buildReportData(new Metrics(wash.warehouse, pool, wash.metrics), pool, month, { dbUrl: wash.db.url })
    const want = expectedWash(washEvents, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') }, { n: 2n, d: 10n })
    expect(want.filter((o) => o.flagged).map((o) => o.operatorId)).toEqual([WASH_OPERATOR_ID])
    const flags = d.risks.filter((x) => x.startsWith('wash trading:'))
    expect(flags).toHaveLength(1)
    expect(flags[0]).toContain(`operator ${WASH_OPERATOR_ID} (${wash.devnet.manifest.accounts.operators[2].toLowerCase()})`)
  })

  it('bad thresholds are BAD_USER_INPUT', async () => {
    for (const threshold of ['1.5', '-0.1', 'abc', '0', '']) {
      const r = await wash.gql(WASH_Q, { from: WHOLE.from.toISOString(), to: WHOLE.to.toISOString(), threshold })
      expect(r.data ?? null, threshold).toBeNull()
      expect(r.errors?.[0]?.extensions?.code, threshold).toBe('BAD_USER_INPUT')
      expect(r.errors![0].message.split('\n')).toHaveLength(1)
    }
  })
})

const OUTLOOK_Q = `query($at: DateTime!, $months: Int) {
  outlook(at: $at, months: $months) { at trailingMonths
    periods { from to maintainerFeeIncome maintainerIncentives maintainerIncome incomeIfIncentivesStopped remainingShare upkeepCost maintenanceCoverage }
    breakEven { months monthlyTrend method reason } } }`

/** The documented projection, implemented here from its description (normal equations, not the code's centred sums). */
function expectedBreakEven(xs: { income: bigint; cost: bigint }[]) {
  if (xs.some((x) => x.income === 0n || x.cost === 0n)) return { months: null, trend: null, kind: 'short' as const }
  const y = xs.map((x) => Math.log(Number(frac(x.income, x.cost, 12))))
  const n = y.length
  let sx = 0
  let sy = 0
  let sxy = 0
  let sxx = 0
  y.forEach((v, i) => {
    sx += i
    sy += v
    sxy += i * v
    sxx += i * i
  })
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx)
  const trend = Math.exp(slope) - 1
  const last = xs[n - 1]
  if (last.income >= last.cost) return { months: 0, trend, kind: 'covered' as const }
  if (!(slope > 0)) return { months: null, trend, kind: 'diverges' as const }
  return { months: -y[n - 1] / slope, trend, kind: 'projected' as const }
}

describe('boom-bust scenario: if incentives stopped, and break-even', () => {
  /** 30-day windows ending at `at`, from raw logs: maintainers' fee income and incentives; upkeep cost from the independent cost model */
  function expectedPeriods(at: Date, months: number) {
    return Array.from({ length: months }, (_, k) => {
      const from = new Date(at.getTime() - (months - k) * WINDOW_MS)
      const to = new Date(from.getTime() + WINDOW_MS)
      const inP = (t: number) => t * 1000 >= from.getTime() && t * 1000 < to.getTime()
      let fee = 0n
      let inc = 0n
      for (const e of boomEvents) {
        if (!inP(e.t)) continue
        if (e.key === 'InferenceSettlement.InferenceSettled') fee += (e.args.creatorShare as bigint) + (e.args.contributorsShare as bigint) + (e.args.infraShare as bigint)
        if (e.key === 'RewardsDistributor.IncentivePaid' && MAINTAINER_ROLES.has(Number(e.args.role))) inc += e.args.amount as bigint
      }
      const cost = expectedUpkeep({ from, to }).upkeepCost as bigint
      return { from, to, fee, inc, cost }
    })
  }

  /** a day boundary `days` after the first block */
  const dayAfterStart = (days: number) => new Date((Math.floor(boomEvents[0].t / DAY) + days) * DAY * 1000)

  for (const [label, days, months] of [
    ['after the peak (the fall)', 265, 3],
    ['on the way up', 150, 3],
    ['at the end (the plateau)', 430, 6],
  ] as const) {
    it(`${label}: each window's income equals the raw logs, and the projection follows the documented fit`, async () => {
      const at = dayAfterStart(days)
      const want = expectedPeriods(at, months)
      const r = await boom.gql<{ outlook: { periods: Record<string, string | null>[]; breakEven: { months: string | null; monthlyTrend: string | null; method: string; reason: string | null } } }>(OUTLOOK_Q, {
        at: at.toISOString(),
        months,
      })
      expect(r.errors).toBeUndefined()
      const got = r.data!.outlook
      expect(got.periods).toEqual(
        want.map((w) => ({
          from: w.from.toISOString(),
          to: w.to.toISOString(),
          maintainerFeeIncome: String(w.fee),
          maintainerIncentives: String(w.inc),
          maintainerIncome: String(w.fee + w.inc),
          incomeIfIncentivesStopped: String(w.fee),
          remainingShare: frac(w.fee, w.fee + w.inc),
          upkeepCost: String(w.cost),
          maintenanceCoverage: frac(w.fee, w.cost),
        })),
      )
      const be = expectedBreakEven(want.map((w) => ({ income: w.fee, cost: w.cost })))
      const b = got.breakEven
      expect(b.method).toMatch(/log-linear/)
      if (be.kind === 'short') expect(b).toMatchObject({ months: null, reason: expect.stringMatching(/too little data/) })
      else {
        expect(Math.abs(Number(b.monthlyTrend) - be.trend)).toBeLessThan(2e-6)
        if (be.kind === 'diverges') expect(b).toMatchObject({ months: null, reason: expect.stringMatching(/^diverges: coverage is falling/) })
        else {
          expect(b.reason).toBeNull()
          expect(Math.abs(Number(b.months) - be.months!)).toBeLessThanOrEqual(0.05 + 1e-9)
        }
      }
      if (label.startsWith('after the peak')) {
        // the direction from raw logs: fee income falls window over window after the peak, so the projection diverges
        expect(want[1].fee).toBeLessThan(want[0].fee)
        expect(want[2].fee).toBeLessThan(want[1].fee)
        expect(be.kind).toBe('diverges')
      }
      // SQL: the metrics facade answers the same
      expect(plain(await metricsOf(boom).outlook(at, months))).toEqual({ ...got, at: at.toISOString(), trailingMonths: months })
    })
  }

  it('a window count outside 3..24 is BAD_USER_INPUT', async () => {
    for (const months of [2, 25, 0]) {
      const r = await boom.gql(OUTLOOK_Q, { at: '2026-06-01T00:00:00Z', months })
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(r.errors![0].message).toMatch(/"months" must be between 3 and 24/)
    }
  })
})
