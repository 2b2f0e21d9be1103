// "If incentives stopped" and the break-even projection (docs/METRICS.md, "After the hype") on the
// boom-bust scenario chain, checked against an independent computation from raw chain logs
// (viem-decoded, test/helpers/raw-events; upkeep cost from the independent cost model of
// test/helpers/expected-metrics) through SQL (the Metrics facade) and GraphQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asGraphQL as plain, indexedApi, type IndexedApi } from '../helpers/api'
import { loadScenario } from '../helpers/scenario'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { expectedUpkeep, loadFacts } from '../helpers/expected-metrics'

const DAY = 86_400
const WINDOW_MS = 30 * DAY * 1000
const MAINTAINER_ROLES = new Set([0, 1, 3]) // RewardsDistributor ROLE_CREATOR, ROLE_CONTRIBUTOR, ROLE_OPERATOR

let boom: IndexedApi
let boomEvents: RawEvent[]

beforeAll(async () => {
  boom = await indexedApi({ devnet: await loadScenario('boom-bust') })
  boomEvents = await rawEvents(boom.devnet)
  loadFacts(boomEvents, boom.devnet.manifest)
}, 900_000)

afterAll(async () => {
  await boom?.close()
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
    ['after the peak (the fall)', 225, 3],
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
        // the direction from raw logs: three windows after the peak earn less than the one holding it
        expect(want[2].fee).toBeLessThan(want[0].fee)
      }
      // SQL: the metrics facade answers the same
      expect(plain(await boom.sqlMetrics().metrics.outlook(at, months))).toEqual({ ...got, at: at.toISOString(), trailingMonths: months })
    })
  }

  it('once the fall has taken coverage below 1 and its trend is down (raw logs), the projection is null: diverges', async () => {
    // the first day boundary after the peak where, from raw logs and the independent cost model, the
    // latest of three windows is not covered and the fitted trend is falling
    let found: { at: Date; trend: number } | undefined
    for (let d = 170; d <= 430 && !found; d += 10) {
      const at = dayAfterStart(d)
      const be = expectedBreakEven(expectedPeriods(at, 3).map((w) => ({ income: w.fee, cost: w.cost })))
      if (be.kind === 'diverges') found = { at, trend: be.trend }
    }
    expect(found, 'boom-bust never falls below coverage 1 on a falling trend').toBeDefined()
    expect(found!.trend).toBeLessThan(0)
    const r = await boom.gql<{ outlook: { breakEven: { months: string | null; monthlyTrend: string; reason: string } } }>(OUTLOOK_Q, { at: found!.at.toISOString(), months: 3 })
    const b = r.data!.outlook.breakEven
    expect(b.months).toBeNull()
    expect(b.reason).toMatch(/^diverges: coverage is falling at the trailing trend \(-0\.\d{6} per 30 days\), so fee income never covers upkeep$/)
    expect(Math.abs(Number(b.monthlyTrend) - found!.trend)).toBeLessThan(2e-6)
  })

  it('a window count outside 3..24 is BAD_USER_INPUT', async () => {
    for (const months of [2, 25, 0]) {
      const r = await boom.gql(OUTLOOK_Q, { at: '2026-06-01T00:00:00Z', months })
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
      expect(r.errors![0].message).toMatch(/"months" must be between 3 and 24/)
    }
  })
})
