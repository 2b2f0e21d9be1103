// The monthly maintenance-revenue report's numbers: everything comes from the metrics module
// (src/analytics/) and the stored verification runs; the md, csv and html renderers all print
// this one object. It is computed at a finalized head and states what it was computed from (block
// range, state digest, assumptions hash, verification run ids), so a fresh index of the same chain
// reproduces its chain figures (test/report/report.test.ts).
import { UsageError } from '../util/errors'
import type pg from 'pg'
import type {
  Concentration,
  DatanetRevenue,
  Metrics,
  ModelDecay,
  ModelRevenue,
  Runway,
  SustainabilityPoint,
  UnlockOverhang,
  RetentionCohort,
  AgentMetrics,
  OperatorMetrics,
  UpkeepCoverage,
  PeriodChanges,
  WashTrading,
  FeePolicyPeriod,
  Liabilities,
} from '../analytics'
import { ratio } from '../analytics'
import { stateDigest } from '../db/digest'
import { indexedHead } from '../squid/compat'
import { runsCovering } from '../verify/store'
import { reportWhatIfs, type ReportWhatIf } from './whatif'

type Past = { month: string; totals: SustainabilityPoint; upkeep: UpkeepCoverage | null }

export interface ReportData {
  month: string
  from: Date
  to: Date
  totals: SustainabilityPoint
  daily: SustainabilityPoint[]
  /** the month and the five before it */
  trend: SustainabilityPoint[]
  // a family is null when a contract it is computed from is not on this network (`reasons` says why)
  models: ModelRevenue[] | null
  datanets: DatanetRevenue[] | null
  decaying: ModelDecay[] | null
  retention: RetentionCohort[] | null
  concentration: Concentration | null
  overhang: UnlockOverhang | null
  runway: Runway | null
  liabilities: Liabilities
  agents: AgentMetrics | null
  operators: OperatorMetrics | null
  verification: { id: number; ok: boolean; discrepancies: number; inferences: number }[]
  upkeep: UpkeepCoverage | null
  /** last month and three months ago, for the trend */
  previous: Past
  threeMonthsAgo: Past
  changes: PeriodChanges | null
  /** the wash-trading signal per operator in the month */
  wash: WashTrading | null
  /** fee-policy versions that took effect in the month */
  policies: FeePolicyPeriod[] | null
  /** why each null family ('modelRevenue', …) or field ('totals.fees', 'liabilities.prepaidEscrow') is unknown */
  reasons: Record<string, string>
  /** the share of the month's inference fees served by operators in a clean verification run's range */
  verifiedShare: { fees: bigint; share: string | null; runIds: number[] }
  risks: string[]
  /** governance what-ifs: the month replayed under other splits and prices (src/report/whatif.ts) */
  whatIfs: ReportWhatIf[] | null
  /** what the report was computed from */
  basis: { finalizedHeight: number; blockFrom: number | null; blockTo: number | null; stateDigest: string; assumptionsHash: string | null; verificationRunIds: number[] }
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

const monthName = (d: Date) => d.toISOString().slice(0, 7)
const monthStart = (from: Date, k: number) => new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + k, 1))

/** Fees of the month served by operators while a clean verification run covered them (overlaps counted once). */
async function verifiedFees(metrics: Metrics, pool: pg.Pool, from: Date, to: Date): Promise<{ fees: bigint; runIds: number[] }> {
  const exists = await pool.query(`select 1 from information_schema.tables where table_schema = 'upkeep_verify' and table_name = 'verification_run'`)
  if (!exists.rowCount) return { fees: 0n, runIds: [] }
  const runs = await pool.query<{ id: number; operator_id: number; covers_from: Date; covers_to: Date }>(
    `select id, operator_id, covers_from, covers_to from upkeep_verify.verification_run
     where ok and covers_from is not null and covers_from < $2 and covers_to >= $1 order by operator_id, covers_from`,
    [from, to],
  )
  const byOperator = new Map<string, { from: number; to: number }[]>()
  for (const r of runs.rows) {
    // covers_to is the last covered inference's time: inclusive
    const f = Math.max(r.covers_from.getTime(), from.getTime())
    const e = Math.min(r.covers_to.getTime() + 1, to.getTime())
    if (f >= e) continue
    const list = byOperator.get(String(r.operator_id)) ?? []
    const last = list[list.length - 1]
    if (last && f <= last.to) last.to = Math.max(last.to, e)
    else list.push({ from: f, to: e })
    byOperator.set(String(r.operator_id), list)
  }
  let fees = 0n
  for (const [op, ranges] of byOperator)
    for (const r of ranges) fees += (await metrics.operators({ from: new Date(r.from), to: new Date(r.to) }))?.operators.find((o) => o.operatorId === op)?.fees ?? 0n
  return { fees, runIds: runs.rows.map((r) => r.id) }
}

/** Risk flags, the biggest first. */
function riskFlags(d: Omit<ReportData, 'risks'>): string[] {
  const out: string[] = []
  // ratios are exact decimal strings with 6 places (HHI 2): compared as integers
  const micro = (r: string) => BigInt(r.replace('.', ''))
  const c = d.upkeep?.maintenanceCoverage ?? null
  if (c !== null && micro(c) < 1_000_000n) out.push(`usage does not pay for upkeep: maintenance coverage ${c} (costs ${d.upkeep!.provenance})`)
  if (d.overhang?.next30ToFees != null && micro(d.overhang.next30ToFees) > 1_000_000n)
    out.push(`unlock overhang: ${open(d.overhang.next30)} OPEN unlock in the next 30 days, ${d.overhang.next30ToFees} times the trailing 30 days' fees`)
  const wash = d.changes && ratio(d.changes.selfPaidFees, d.changes.fees)
  if (wash && micro(wash) > 200_000n) out.push(`wash-traffic suspicion: ${wash} of the month's fees were paid by a model's own owner`)
  for (const o of (d.wash?.operators ?? []).filter((x) => x.flagged)) out.push(`wash trading: operator ${o.operatorId} (${o.account}): ${o.reason}`)
  if (d.concentration?.hhi != null && micro(d.concentration.hhi) > 250_000n) out.push(`concentration: HHI ${d.concentration.hhi} of fee-funded payouts (above 2500)`)
  const maintained = new Set(d.changes?.adapterUpdates.map((a) => a.modelId))
  const neglected = (d.decaying ?? []).filter((m) => !maintained.has(m.modelId))
  if (neglected.length) out.push(`decaying models with no adapter update this month: ${neglected.map((m) => m.modelId).join(', ')}`)
  if (d.whatIfs?.some((w) => !w.result.identityHolds)) out.push('the index disagrees with the chain: replaying the month under the policies in force does not give the settled fee shares')
  return out
}

export async function buildReportData(metrics: Metrics, pool: pg.Pool, month: string, opts: { dbUrl: string }): Promise<ReportData> {
  const { from, to } = monthRange(month)
  const trendFrom = monthStart(from, -5)
  const head = await indexedHead(pool)
  const range = await metrics.blockRange({ from, to })
  if (!head || head.finalized < 0) throw new ReportError('nothing is indexed yet: run upkeep index first')
  if (range.to !== null && range.to > head.finalized)
    throw new ReportError(`${month} is not final yet: its last indexed block ${range.to} is above the finalized head ${head.finalized}; wait for finality`)
  const prev = { from: monthStart(from, -1), to: from }
  const three = { from: monthStart(from, -3), to: monthStart(from, -2) }
  const [s, trend, models, datanets, decay, retention, concentration, overhang, runway, liabilities, agents, operators, verification, upkeep, p1, p1u, p3, p3u, changes, policies, verified, wash] = await Promise.all([
    metrics.sustainability({ from, to }, 'day'),
    metrics.sustainability({ from: trendFrom, to }, 'month'),
    metrics.models({ from, to }, 10),
    metrics.datanets({ from, to }, 10),
    metrics.modelDecay(to, 0.5),
    metrics.retention({ from: new Date(Date.UTC(2000, 0, 1)), to }),
    metrics.concentration({ from, to }),
    metrics.unlockOverhang(to),
    metrics.runway(to),
    metrics.liabilities(to),
    metrics.agents({ from, to }),
    metrics.operators({ from, to }),
    runsCovering(pool, from, to),
    metrics.upkeep({ from, to }),
    metrics.sustainability(prev, 'month'),
    metrics.upkeep(prev),
    metrics.sustainability(three, 'month'),
    metrics.upkeep(three),
    metrics.changes({ from, to }),
    metrics.feePolicyHistory(),
    verifiedFees(metrics, pool, from, to),
    metrics.washTrading({ from, to }),
  ])
  // the replay needs the settlement, the registry and the fee policy: unknown (with the reason) without them
  const whatIfs = policies && !metrics.coverage.unavailable('feeWhatIf') ? await reportWhatIfs(metrics, { from, to }, policies) : null
  const base: Omit<ReportData, 'risks'> = {
    month,
    from,
    to,
    totals: s.totals,
    daily: s.series,
    trend: trend.series,
    models,
    datanets,
    decaying: decay && decay.filter((d) => d.decaying),
    retention: retention && retention.slice(-12),
    concentration,
    overhang,
    runway,
    liabilities,
    agents,
    operators,
    verification,
    upkeep,
    previous: { month: monthName(prev.from), totals: p1.totals, upkeep: p1u },
    threeMonthsAgo: { month: monthName(three.from), totals: p3.totals, upkeep: p3u },
    changes,
    wash,
    policies: policies && policies.filter((x) => x.since >= from && x.since < to),
    verifiedShare: { fees: verified.fees, share: s.totals.inferenceFees === null ? null : ratio(verified.fees, s.totals.inferenceFees), runIds: verified.runIds },
    reasons: Object.fromEntries(
      [...metrics.coverage.describe().unavailable, ...metrics.coverage.pointUnknowns('totals.'), ...liabilities.unknowns.map((u) => ({ ...u, field: `liabilities.${u.field}` }))].map((u) => [u.field, u.reason]),
    ),
    whatIfs,
    basis: {
      finalizedHeight: head.finalized,
      blockFrom: range.from,
      blockTo: range.to,
      stateDigest: (await stateDigest(opts.dbUrl)).digest,
      assumptionsHash: upkeep?.assumptionsHash ?? null,
      verificationRunIds: verified.runIds,
    },
  }
  return { ...base, risks: riskFlags(base) }
}

/** Exact OPEN from base units: all 18 decimals kept, trailing zeros trimmed. */
export function open(amount: bigint): string {
  const neg = amount < 0n
  const a = neg ? -amount : amount
  const whole = a / 10n ** 18n
  const frac = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return `${neg ? '-' : ''}${whole.toLocaleString('en-US')}${frac ? '.' + frac : ''}`
}

/** How a format writes numbers: exact (csv; GraphQL has them exact anyway) or rounded for reading (md, html). Null is "unknown", never 0. */
export interface NumberFormat {
  amount(v: bigint | null): string
  ratio(v: string | null): string
}

/** OPEN rounded half away from zero to 2 decimals, thousands separated. */
export function rounded(amount: bigint): string {
  const neg = amount < 0n
  const a = neg ? -amount : amount
  const cents = (a + 5n * 10n ** 15n) / 10n ** 16n
  const s = `${(cents / 100n).toLocaleString('en-US')}.${(cents % 100n).toString().padStart(2, '0')}`
  return neg && cents !== 0n ? `-${s}` : s
}

/** An exact decimal ratio rounded half away from zero to `digits` places. */
export function roundedRatio(r: string, digits = 3): string {
  const neg = r.startsWith('-')
  const [w, f = ''] = (neg ? r.slice(1) : r).split('.')
  const drop = Math.max(0, f.length - digits)
  const scaled = BigInt(w + f)
  const q = drop ? (scaled + 5n * 10n ** BigInt(drop - 1)) / 10n ** BigInt(drop) : scaled * 10n ** BigInt(digits - f.length)
  const s = q.toString().padStart(digits + 1, '0')
  return `${neg && q !== 0n ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`
}

export const EXACT: NumberFormat = { amount: (v) => (v === null ? 'unknown' : open(v)), ratio: (v) => v ?? 'unknown' }
export const READABLE: NumberFormat = { amount: (v) => (v === null ? 'unknown' : rounded(v)), ratio: (v) => (v === null ? 'unknown' : roundedRatio(v)) }

/** "unknown (why)" for a null family or field, as the report prints it. */
export function why(d: ReportData, key: string): string {
  return d.reasons[key] ? `unknown (${d.reasons[key]})` : 'unknown'
}

/** A money figure, or why it is unknown. */
const amountOf = (d: ReportData, f: NumberFormat) => (v: bigint | null, key: string) => (v === null ? why(d, key) : f.amount(v))

/** Five lines for the reader in a hurry: coverage, trend vs last month and vs three months ago, the biggest risk, verification. */
export function summary(d: ReportData, f: NumberFormat): string[] {
  const amount = amountOf(d, f)
  const cov = (u: UpkeepCoverage | null) => (u ? f.ratio(u.maintenanceCoverage) : why(d, 'upkeepCoverage'))
  const trend = (p: Past) =>
    `maintenance coverage ${cov(p.upkeep)} then, ${cov(d.upkeep)} now; fees ${amount(p.totals.fees, 'totals.fees')} then, ${amount(d.totals.fees, 'totals.fees')} now (${d.totals.fees === null || p.totals.fees === null ? why(d, 'totals.fees') : f.ratio(change(d.totals.fees, p.totals.fees))} change)`
  const coverage = d.upkeep
    ? `maintainers' fee income ${f.amount(d.upkeep.maintainerFeeIncome)} OPEN against an upkeep cost of ${f.amount(d.upkeep.upkeepCost)} OPEN (costs ${d.upkeep.provenance}): maintenance coverage ${cov(d.upkeep)}`
    : `maintenance coverage ${cov(null)}`
  const funded = d.totals.feeFundedShare === null && d.reasons['totals.feeFundedShare'] ? why(d, 'totals.feeFundedShare') : f.ratio(d.totals.feeFundedShare)
  return [
    `Coverage: ${coverage}; usage funds ${funded} of maintainers' income.`,
    `Versus last month (${d.previous.month}): ${trend(d.previous)}.`,
    `Versus three months ago (${d.threeMonthsAgo.month}): ${trend(d.threeMonthsAgo)}.`,
    `Biggest risk: ${d.risks[0] ?? 'none flagged'}.`,
    `Verification: ${verificationStatus(d, f)}.`,
  ]
}

/** (now − then) ÷ then, null when then is 0 */
function change(now: bigint, then: bigint): string | null {
  return ratio(now - then, then)
}

/** Month-over-month deltas: metric, this month, last month, change, relative change. */
export function deltas(d: ReportData, f: NumberFormat): string[][] {
  const a = d.totals
  const b = d.previous.totals
  const unknown = (key: string) => why(d, key)
  const amount = (name: string, x: bigint | null, y: bigint | null, key: string) => {
    const v = amountOf(d, f)
    return [name, v(x, key), v(y, key), x === null || y === null ? unknown(key) : f.amount(x - y), x === null || y === null ? unknown(key) : f.ratio(change(x, y))]
  }
  const ratioRow = (name: string, x: string | null, y: string | null) => [name, f.ratio(x), f.ratio(y), x === null || y === null ? 'unknown' : f.ratio(subtract(x, y)), '']
  const u = d.upkeep
  const pu = d.previous.upkeep
  return [
    amount('fees (OPEN)', a.fees, b.fees, 'totals.fees'),
    amount('revenue (OPEN)', a.revenue, b.revenue, 'totals.revenue'),
    amount('maintainers\' fee income (OPEN)', a.maintainerFeePayouts, b.maintainerFeePayouts, 'totals.maintainerFeePayouts'),
    amount('token incentives (OPEN)', a.tokenIncentives, b.tokenIncentives, 'totals.tokenIncentives'),
    amount('earnings (OPEN)', a.earnings, b.earnings, 'totals.earnings'),
    u && pu ? amount('upkeep cost (OPEN, assumed)', u.upkeepCost, pu.upkeepCost, 'upkeepCoverage') : ['upkeep cost (OPEN, assumed)', unknown('upkeepCoverage'), unknown('upkeepCoverage'), '', ''],
    u && pu ? ratioRow('maintenance coverage', u.maintenanceCoverage, pu.maintenanceCoverage) : ['maintenance coverage', unknown('upkeepCoverage'), unknown('upkeepCoverage'), '', ''],
    ratioRow('fee-funded share', a.feeFundedShare, b.feeFundedShare),
  ]
}

/** x − y of two 6-place decimal strings, exactly */
function subtract(x: string, y: string): string {
  return ratio(BigInt(x.replace('.', '')) - BigInt(y.replace('.', '')), 1_000_000n)!
}

/** Policy, price and operator changes of the month. */
export function changeRows(d: ReportData): string[][] {
  return [
    ...(d.policies ?? []).map((p) => ['fee policy', `version ${p.version} from block ${p.fromBlock}`, `creator ${p.creatorBps} / contributors ${p.contributorsBps} / infra ${p.infraBps} / treasury ${p.treasuryBps} / burn ${p.burnBps} bps`]),
    ...(d.policies ? [] : [['fee policy', '', why(d, 'feePolicyHistory')]]),
    ...(d.changes?.priceChanges ?? []).map((c) => ['model price', `model ${c.modelId}, block ${c.block}`, `${c.oldPrice} → ${c.newPrice} base units per unit`]),
    ...(d.changes?.adapterUpdates ?? []).map((c) => ['adapter update', `model ${c.modelId}, block ${c.block}`, `version ${c.version}`]),
    ...(d.changes ? [] : [['model price and adapter updates', '', why(d, 'periodChanges')]]),
    ['operators', 'registered / removed', d.operators ? `${d.operators.registered} / ${d.operators.removed}` : why(d, 'operatorMetrics')],
  ]
}

/** The headline rows every format prints, in this order. */
export function headline(d: ReportData, f: NumberFormat = EXACT): [string, string][] {
  const t = d.totals
  const open = amountOf(d, f)
  const r = (v: string | null, key: string) => (v === null && d.reasons[key] ? why(d, key) : f.ratio(v))
  const l = d.liabilities
  const u = d.upkeep
  const o = d.overhang
  const w = d.runway
  const c = d.concentration
  const tot = (label: string, field: keyof SustainabilityPoint): [string, string] => [label, open(t[field] as bigint | null, `totals.${field}`)]
  const of = <T>(x: T | null, family: string, value: (x: T) => string) => (x === null ? why(d, family) : value(x))
  return [
    ['Maintenance coverage (fee income / upkeep cost)', of(u, 'upkeepCoverage', (x) => f.ratio(x.maintenanceCoverage))],
    [`Upkeep cost (OPEN, ${u?.provenance ?? 'unknown'})`, of(u, 'upkeepCoverage', (x) => f.amount(x.upkeepCost))],
    ...(u?.costs ?? []).map((c): [string, string] => [`  ${c.component} (${c.provenance})`, f.amount(c.amount)]),
    tot('Fees (OPEN)', 'fees'),
    tot('  inference fees', 'inferenceFees'),
    tot('  deployment fees', 'deploymentFees'),
    tot('Supply-side fees (OPEN)', 'supplySideFees'),
    tot('  to creators', 'creatorFees'),
    tot('  to data contributors', 'contributorFees'),
    tot('  to infrastructure', 'infraFees'),
    tot('Revenue (OPEN)', 'revenue'),
    tot('  treasury revenue (treasury fees + deployment fees)', 'treasuryRevenue'),
    tot('  holders revenue (fee burns)', 'holdersRevenue'),
    tot('All burns (OPEN)', 'burns'),
    ['Take rate (revenue / fees)', r(t.takeRate, 'totals.takeRate')],
    tot('Token incentives (OPEN)', 'tokenIncentives'),
    tot('  to maintainers (creators, contributors, operators)', 'maintainerIncentives'),
    tot('  to stakers (emissions + staking interest accrued)', 'stakerIncentives'),
    tot('    staking interest accrued', 'stakingInterest'),
    tot('    staking interest paid out (cash)', 'stakingInterestPaid'),
    tot('  other', 'otherIncentives'),
    tot('Vesting unlocks (OPEN)', 'vestingUnlocks'),
    tot('Network fees (native gas, OPEN)', 'networkFees'),
    tot('  execution (gas used × effective gas price)', 'networkExecutionFees'),
    tot('  L1 data fees', 'networkL1Fees'),
    ['Network transactions', t.networkTxCount === null ? why(d, 'totals.networkTxCount') : String(t.networkTxCount)],
    ['Network active senders', t.networkActiveSenders === null ? why(d, 'totals.networkActiveSenders') : String(t.networkActiveSenders)],
    tot('Earnings (OPEN)', 'earnings'),
    ["Fee-funded share of maintainers' income", r(t.feeFundedShare, 'totals.feeFundedShare')],
    ['Inferences', t.inferences === null ? why(d, 'totals.inferences') : String(t.inferences)],
    ['Paying accounts', t.payers === null ? why(d, 'totals.payers') : String(t.payers)],
    ['Agent share of fees', r(t.agentFeeShare, 'totals.agentFeeShare')],
    ['Payout concentration: Gini', of(c, 'payoutConcentration', (x) => f.ratio(x.gini))],
    ['Payout concentration: HHI', of(c, 'payoutConcentration', (x) => x.hhi ?? 'unknown')],
    ['Payout concentration: top-10 share', of(c, 'payoutConcentration', (x) => f.ratio(x.top10Share))],
    ['Unlocks due next 30 days (OPEN)', of(o, 'unlockOverhang', (x) => f.amount(x.next30))],
    ['Unlocks due next 90 days (OPEN)', of(o, 'unlockOverhang', (x) => f.amount(x.next90))],
    ['Trailing 30-day fees (OPEN)', of(o, 'unlockOverhang', (x) => f.amount(x.trailing30Fees))],
    ['Unlocks next 30 d / fees', of(o, 'unlockOverhang', (x) => f.ratio(x.next30ToFees))],
    ['Treasury balance (OPEN)', of(w, 'runway', (x) => f.amount(x.treasuryBalance))],
    ['Treasury net burn per month (OPEN)', of(w, 'runway', (x) => f.amount(x.treasuryMonthlyNetBurn))],
    ['Treasury runway on net burn (months)', of(w, 'runway', (x) => x.treasuryRunwayMonths ?? 'unknown')],
    ['Incentive budget, unlocked to date (OPEN, assumed)', of(w, 'runway', (x) => f.amount(x.incentiveBudget))],
    ['Incentive budget runway (months)', of(w, 'runway', (x) => x.incentiveRunwayMonths ?? 'unknown')],
    ['Liabilities: staked principal (OPEN)', open(l.stakedPrincipal, 'liabilities.stakedPrincipal')],
    ['Liabilities: unclaimed creator and operator accruals (OPEN)', open(l.unclaimedAccruals, 'liabilities.unclaimedAccruals')],
    ['Liabilities: undistributed contributor pools (OPEN)', open(l.undistributedPools, 'liabilities.undistributedPools')],
    ['Liabilities: prepaid escrow (OPEN)', open(l.prepaidEscrow, 'liabilities.prepaidEscrow')],
    ["Share of the month's fees a clean verification run covered", r(d.verifiedShare.share, 'totals.inferenceFees')],
  ]
}

/** The block range, finalized head, digest, assumptions and runs the report was computed from. */
export function basisRows(d: ReportData): [string, string][] {
  const b = d.basis
  return [
    ['blocks', b.blockFrom === null ? 'unknown (no event in the month)' : `${b.blockFrom} to ${b.blockTo}`],
    ['finalized head', String(b.finalizedHeight)],
    ['state digest', b.stateDigest],
    ['assumptions file sha256', b.assumptionsHash ?? 'unknown (no assumptions file)'],
    ['verification runs', b.verificationRunIds.length ? b.verificationRunIds.join(', ') : 'none'],
  ]
}

export function verificationStatus(d: ReportData, f: NumberFormat = EXACT): string {
  const v = d.verifiedShare
  if (!v.runIds.length) return d.verification.some((x) => !x.ok) ? `runs found discrepancies (run ${d.verification.find((x) => !x.ok)!.id}); no clean run covers this month` : 'not verified (no clean upkeep verify run covers this month)'
  return `${f.ratio(v.share)} of the month's inference fees lie in the range of a clean verification run (runs ${v.runIds.join(', ')})`
}
