// After the hype (docs/METRICS.md, "Outlook"): per trailing 30-day window, what maintainers would
// keep if token incentives stopped today (their fee income), and the break-even projection: months
// until their fee income covers upkeep cost if coverage keeps its trailing trend. Amounts are exact
// integers; only the trend fit works on floats, and only on coverage ratios, never on an amount.
import { ratio } from './exact'
import type { Sql } from './sql'
import { upkeep } from './upkeep'
import type { BreakEven, Outlook, OutlookPeriod } from './types'
import { InputError } from '../util/errors'

export const WINDOW_MS = 30 * 86_400_000
export const MAX_TRAILING = 24
const MIN_TRAILING = 3

export const BREAK_EVEN_METHOD =
  'log-linear least-squares fit of ln(maintainer fee income / upkeep cost) over the trailing 30-day windows; ' +
  'months = ln(cost / income) of the latest window / the fitted slope per window'

/** An InputError unless the number of trailing windows is a whole number in [3, 24]. */
export function checkTrailing(trailing: number): void {
  if (!Number.isInteger(trailing) || trailing < MIN_TRAILING || trailing > MAX_TRAILING) throw new InputError(`"months" must be between ${MIN_TRAILING} and ${MAX_TRAILING}, got ${trailing}`)
}

/** The trailing 30-day windows before `at`, oldest first. */
export function outlookWindows(at: Date, trailing: number): { from: Date; to: Date }[] {
  const start = at.getTime() - trailing * WINDOW_MS
  return Array.from({ length: trailing }, (_, k) => ({ from: new Date(start + k * WINDOW_MS), to: new Date(start + (k + 1) * WINDOW_MS) }))
}

export async function outlook(db: Sql, at: Date, trailing = 6): Promise<Outlook> {
  checkTrailing(trailing)
  const windows = outlookWindows(at, trailing)
  const start = windows[0].from
  const r = db.range({ from: start, to: at })
  const bucket = `intDiv(toUnixTimestamp64Milli(timestamp) - ${start.getTime()}, ${WINDOW_MS})`
  const where = `timestamp >= toDateTime64({from:String}, 3, 'UTC') AND timestamp < toDateTime64({to:String}, 3, 'UTC')`
  const [fees, incentives, costs] = await Promise.all([
    db.q(`SELECT ${bucket} AS w, toString(sum(creator_share) + sum(contributors_share) + sum(infra_share)) AS v FROM ${db.t('inference')} WHERE ${where} GROUP BY w`, r),
    db.q(`SELECT ${bucket} AS w, toString(sum(amount)) AS v FROM ${db.t('incentive_payment')} WHERE ${where} AND role IN ('creator','contributor','operator') GROUP BY w`, r),
    Promise.all(windows.map((w) => upkeep(db, w))),
  ])
  const at_ = (rows: { w: string; v: string }[], k: number) => BigInt(rows.find((x) => Number(x.w) === k)?.v ?? '0')
  return outlookOf(
    at,
    windows.map((w, k) => ({ ...w, fee: at_(fees as never, k), incentives: at_(incentives as never, k), cost: costs[k].upkeepCost })),
  )
}

/** The outlook from each window's maintainer fee income, maintainer incentives and upkeep cost (oldest first). */
export function outlookOf(at: Date, windows: { from: Date; to: Date; fee: bigint; incentives: bigint; cost: bigint | null }[]): Outlook {
  const periods: OutlookPeriod[] = windows.map(({ from, to, fee, incentives: inc, cost }) => ({
    from,
    to,
    maintainerFeeIncome: fee,
    maintainerIncentives: inc,
    maintainerIncome: fee + inc,
    incomeIfIncentivesStopped: fee,
    remainingShare: ratio(fee, fee + inc),
    upkeepCost: cost,
    maintenanceCoverage: cost === null ? null : ratio(fee, cost),
  }))
  return { at, trailingMonths: windows.length, periods, breakEven: breakEven(periods.map((x) => ({ income: x.maintainerFeeIncome, cost: x.upkeepCost }))) }
}

/** The projection from (income, cost) per window, oldest first; exported for the docs' worked example. */
export function breakEven(xs: { income: bigint; cost: bigint | null }[]): BreakEven {
  const unknown = (reason: string, monthlyTrend: string | null = null): BreakEven => ({ months: null, monthlyTrend, method: BREAK_EVEN_METHOD, reason })
  if (xs.some((x) => x.cost === null)) return unknown('the upkeep cost is unknown in a trailing window (see upkeepCoverage.unknowns)')
  if (xs.some((x) => x.income === 0n || x.cost === 0n))
    return unknown(`too little data: a log-linear trend needs fee income and upkeep cost in each of the ${xs.length} trailing 30-day windows`)
  // ln of each coverage ratio, from its exact 12-place decimal (a ratio, not an amount)
  const y = xs.map((x) => Math.log(Number(ratio(x.income, x.cost!, 12))))
  const n = y.length
  const mx = (n - 1) / 2
  const my = y.reduce((a, b) => a + b, 0) / n
  let sxy = 0
  let sxx = 0
  y.forEach((v, i) => {
    sxy += (i - mx) * (v - my)
    sxx += (i - mx) * (i - mx)
  })
  const slope = sxy / sxx
  const trend = (Math.exp(slope) - 1).toFixed(6)
  const last = xs[n - 1]
  if (last.income >= last.cost!) return { months: '0.0', monthlyTrend: trend, method: BREAK_EVEN_METHOD, reason: null }
  if (!(slope > 0)) return unknown(`diverges: coverage is ${slope === 0 ? 'flat' : 'falling'} at the trailing trend (${trend} per 30 days), so fee income never covers upkeep`, trend)
  const months = -y[n - 1] / slope
  return { months: months.toFixed(1), monthlyTrend: trend, method: BREAK_EVEN_METHOD, reason: null }
}
