// The monthly maintenance-revenue report's numbers: everything comes from the metrics module
// (src/analytics/) and the stored verification runs; the md, csv and html renderers all
// print this one object.
import { UsageError } from '../util/errors'
import type pg from 'pg'
import type { Concentration, DatanetRevenue, Metrics, ModelDecay, ModelRevenue, Runway, SustainabilityPoint, UnlockOverhang, RetentionCohort, AgentMetrics, OperatorMetrics } from '../analytics'
import { runsCovering } from '../verify/store'

export interface ReportData {
  month: string
  from: Date
  to: Date
  totals: SustainabilityPoint
  daily: SustainabilityPoint[]
  /** the month and the five before it */
  trend: SustainabilityPoint[]
  models: ModelRevenue[]
  datanets: DatanetRevenue[]
  decaying: ModelDecay[]
  retention: RetentionCohort[]
  concentration: Concentration
  overhang: UnlockOverhang
  runway: Runway
  agents: AgentMetrics
  operators: OperatorMetrics
  verification: { id: number; ok: boolean; discrepancies: number; inferences: number }[]
}

/** A report asked for wrongly (a malformed month). */
export class ReportError extends UsageError {}

export function monthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month)
  if (!m) throw new ReportError(`--month must be YYYY-MM, got "${month}"`)
  const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))
  const to = new Date(Date.UTC(Number(m[1]), Number(m[2]), 1))
  return { from, to }
}

export async function buildReportData(metrics: Metrics, pool: pg.Pool, month: string): Promise<ReportData> {
  const { from, to } = monthRange(month)
  const trendFrom = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - 5, 1))
  const [s, trend, models, datanets, decay, retention, concentration, overhang, runway, agents, operators, verification] = await Promise.all([
    metrics.sustainability({ from, to }, 'day'),
    metrics.sustainability({ from: trendFrom, to }, 'month'),
    metrics.models({ from, to }, 10),
    metrics.datanets({ from, to }, 10),
    metrics.modelDecay(to, 0.5),
    metrics.retention({ from: new Date(Date.UTC(2000, 0, 1)), to }),
    metrics.concentration({ from, to }),
    metrics.unlockOverhang(to),
    metrics.runway(to),
    metrics.agents({ from, to }),
    metrics.operators({ from, to }),
    runsCovering(pool, from, to),
  ])
  return {
    month,
    from,
    to,
    totals: s.totals,
    daily: s.series,
    trend: trend.series,
    models,
    datanets,
    decaying: decay.filter((d) => d.decaying),
    retention: retention.slice(-12),
    concentration,
    overhang,
    runway,
    agents,
    operators,
    verification,
  }
}

/** Exact OPEN from base units: all 18 decimals kept, trailing zeros trimmed. */
export function open(amount: bigint): string {
  const neg = amount < 0n
  const a = neg ? -amount : amount
  const whole = a / 10n ** 18n
  const frac = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole.toLocaleString('en-US')}${frac ? '.' + frac : ''}`
}

/** The headline rows every format prints, in this order. */
export function headline(d: ReportData): [string, string][] {
  const t = d.totals
  return [
    ['Fees (OPEN)', open(t.fees)],
    ['  inference fees', open(t.inferenceFees)],
    ['  deployment fees', open(t.deploymentFees)],
    ['Supply-side fees (OPEN)', open(t.supplySideFees)],
    ['  to creators', open(t.creatorFees)],
    ['  to data contributors', open(t.contributorFees)],
    ['  to infrastructure', open(t.infraFees)],
    ['Revenue (OPEN)', open(t.revenue)],
    ['  treasury revenue (treasury fees + deployment fees)', open(t.treasuryRevenue)],
    ['  holders revenue (fee burns)', open(t.holdersRevenue)],
    ['All burns (OPEN)', open(t.burns)],
    ['Take rate (revenue / fees)', t.takeRate ?? 'unknown'],
    ['Token incentives (OPEN)', open(t.tokenIncentives)],
    ['  to maintainers (creators, contributors, operators)', open(t.maintainerIncentives)],
    ['  to stakers (emissions + staking interest)', open(t.stakerIncentives)],
    ['  other', open(t.otherIncentives)],
    ['Vesting unlocks (OPEN)', open(t.vestingUnlocks)],
    ['Earnings (OPEN)', open(t.earnings)],
    ['Fee-funded share of maintainers\' income', t.feeFundedShare ?? 'unknown'],
    ['Inferences', String(t.inferences)],
    ['Paying accounts', String(t.payers)],
    ['Agent share of fees', t.agentFeeShare ?? 'unknown'],
    ['Payout concentration: Gini', d.concentration.gini ?? 'unknown'],
    ['Payout concentration: HHI', d.concentration.hhi ?? 'unknown'],
    ['Payout concentration: top-10 share', d.concentration.top10Share ?? 'unknown'],
    ['Unlocks due next 30 days (OPEN)', open(d.overhang.next30)],
    ['Unlocks due next 90 days (OPEN)', open(d.overhang.next90)],
    ['Trailing 30-day fees (OPEN)', open(d.overhang.trailing30Fees)],
    ['Unlocks next 30 d / fees', d.overhang.next30ToFees ?? 'unknown'],
    ['Treasury balance (OPEN)', open(d.runway.treasuryBalance)],
    ['Treasury net burn per month (OPEN)', open(d.runway.treasuryMonthlyNetBurn)],
    ['Treasury runway on net burn (months)', d.runway.treasuryRunwayMonths ?? 'unknown'],
    ['Incentive budget, unlocked to date (OPEN, assumed)', d.runway.incentiveBudget === null ? 'unknown' : open(d.runway.incentiveBudget)],
    ['Incentive budget runway (months)', d.runway.incentiveRunwayMonths ?? 'unknown'],
    ['Liabilities: staked principal (OPEN)', open(d.runway.liabilities.stakedPrincipal)],
    ['Liabilities: unclaimed creator and operator accruals (OPEN)', open(d.runway.liabilities.unclaimedAccruals)],
    ['Liabilities: undistributed contributor pools (OPEN)', open(d.runway.liabilities.undistributedPools)],
    ['Liabilities: prepaid escrow (OPEN)', open(d.runway.liabilities.prepaidEscrow)],
    ['Verification of the period', verificationStatus(d)],
  ]
}

export function verificationStatus(d: ReportData): string {
  if (!d.verification.length) return 'not verified (no upkeep verify run covers this month)'
  const v = d.verification[0]
  return v.ok ? `verified clean (run ${v.id}, ${v.inferences} inferences)` : `${v.discrepancies} discrepancies (run ${v.id})`
}
