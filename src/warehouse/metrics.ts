// The sustainability metrics (definitions in docs/METRICS.md). This module is the only place
// the analytics SQL lives: the GraphQL API, the dashboard and the governance report call it.
// Facts come from ClickHouse; the few small dimension tables (vesting schedules, names,
// policy versions, operators) from the Postgres record. Amounts are bigint base units; ratios
// are exact decimal strings computed from integers; unknown is null, never zero.
import type pg from 'pg'
import { queryRows, type Warehouse } from './client'
import { chTime } from './time'
import { InputError } from '../util/errors'

export const OPEN_DECIMALS = 18
export const TOTAL_SUPPLY = 1_000_000_000n * 10n ** 18n
const DAY_MS = 86_400_000

export type Interval = 'day' | 'week' | 'month'

export interface Period {
  /** inclusive */
  from: Date
  /** exclusive */
  to: Date
}

export interface MetricsConfig {
  /** the protocol treasury (fee treasury share, deployment fees, slash share) */
  treasury: string
  /** RewardsDistributor: the community and ecosystem buckets that pay emissions */
  distributor: string
  /** the staking bank that pays staking interest */
  stakingBank?: string
  /** ClickHouse max_execution_time per query, seconds */
  timeoutSec?: number
}

export interface SustainabilityPoint {
  periodStart: string
  inferences: number
  units: bigint
  payers: number
  grossFees: bigint
  creatorFees: bigint
  contributorFees: bigint
  infraFees: bigint
  supplySideFees: bigint
  protocolRevenue: bigint
  feeBurns: bigint
  burns: bigint
  takeRate: string | null
  rewardsEmissions: bigint
  stakingInterest: bigint
  tokenIncentives: bigint
  vestingUnlocks: bigint
  earnings: bigint
  maintainerFeePayouts: bigint
  maintainerIncentives: bigint
  feeCoverageRatio: string | null
  agentFees: bigint
  agentFeeShare: string | null
}

export interface ModelRevenue {
  modelId: string
  owner: string | null
  retired: boolean | null
  inferences: number
  units: bigint
  fees: bigint
  creatorFees: bigint
  contributorFees: bigint
  attributionPaid: bigint
}

export interface DatanetRevenue {
  datanetId: string
  name: string | null
  attributionPaid: bigint
  payouts: number
  contributors: number
  contributions: number
}

export interface ContributorEarnings {
  contributor: string
  attributionPaid: bigint
  incentives: bigint
  contributions: number
  datanets: number
}

export interface FeePolicyPeriod {
  version: number
  creatorBps: number
  contributorsBps: number
  infraBps: number
  treasuryBps: number
  burnBps: number
  fromBlock: number
  toBlock: number | null
  since: Date
  inferences: number
  fees: bigint
}

export interface RetentionCohort {
  cohort: string
  size: number
  /** active contributors in the cohort's month + k, k = 0.. */
  active: number[]
  /** active[k] / size, decimal strings */
  rates: string[]
}

export interface Concentration {
  recipients: number
  total: bigint
  gini: string | null
  /** Herfindahl-Hirschman index on the 0..10000 scale */
  hhi: string | null
  top10Share: string | null
}

export interface ModelDecay {
  modelId: string
  feesLast30: bigint
  feesPrev30: bigint
  change: string | null
  decaying: boolean
}

export interface UnlockOverhang {
  at: Date
  next30: bigint
  next90: bigint
  vestedUnreleased: bigint
  trailing30Fees: bigint
  next30ToFees: string | null
  next90ToFees: string | null
}

export interface Runway {
  at: Date
  treasuryBalance: bigint
  treasuryMonthlyOutflow: bigint
  treasuryRunwayMonths: string | null
  incentiveBudget: bigint
  monthlyIncentives: bigint
  incentiveRunwayMonths: string | null
}

export interface PriceToFees {
  priceUsd: string
  supply: bigint
  annualizedFees: bigint
  marketCapUsd: string
  annualizedFeesUsd: string
  priceToFees: string | null
}

export interface AgentMetrics {
  agentFees: bigint
  grossFees: bigint
  agentFeeShare: string | null
  agents: number
  activeAgents: number
  stakeAtRisk: bigint
  slashed: bigint
  slashedToTreasury: bigint
  slashedBurned: bigint
  slashes: number
}

export interface OperatorRevenue {
  operatorId: string
  account: string | null
  active: boolean | null
  inferences: number
  fees: bigint
  infraFees: bigint
}

export interface OperatorMetrics {
  operators: OperatorRevenue[]
  concentration: Concentration
  registered: number
  removed: number
}

/** num/den as an exact decimal string with `digits` places (truncated), null when den is 0. */
export function ratio(num: bigint, den: bigint, digits = 6): string | null {
  if (den === 0n) return null
  const neg = num < 0n !== den < 0n && num !== 0n
  const n = num < 0n ? -num : num
  const d = den < 0n ? -den : den
  const scale = 10n ** BigInt(digits)
  const q = (n * scale) / d
  const s = q.toString().padStart(digits + 1, '0')
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`
}

/** Gini, HHI and top-10 share of a list of non-negative amounts, all exact. */
export function concentrationOf(amounts: bigint[]): Concentration {
  const xs = amounts.filter((a) => a > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const n = BigInt(xs.length)
  const total = xs.reduce((a, b) => a + b, 0n)
  if (n === 0n || total === 0n) return { recipients: xs.length, total, gini: null, hhi: null, top10Share: null }
  let weighted = 0n
  xs.forEach((x, i) => (weighted += BigInt(i + 1) * x))
  // G = (2 Σ i·x_(i)) / (n Σx) − (n+1)/n, with x ascending and i from 1
  const gini = ratio(2n * weighted - (n + 1n) * total, n * total)
  const hhi = ratio(10_000n * xs.reduce((a, x) => a + x * x, 0n), total * total, 2)
  const top10 = xs.slice(-10).reduce((a, b) => a + b, 0n)
  return { recipients: xs.length, total, gini, hhi, top10Share: ratio(top10, total) }
}

/** Vested amount of a schedule at time t (seconds), exactly as TokenVesting.vestedAt. */
export function vestedAt(s: { total: bigint; start: bigint; cliff: bigint; duration: bigint }, t: bigint): bigint {
  const unlockStart = s.start + s.cliff
  if (t < unlockStart) return 0n
  const elapsed = t - unlockStart
  if (elapsed >= s.duration) return s.total
  return (s.total * elapsed) / s.duration
}

const BUCKET: Record<Interval, string> = {
  day: 'toStartOfDay(timestamp)',
  week: 'toMonday(timestamp)',
  month: 'toStartOfMonth(timestamp)',
}

/** The same buckets over the `day` column of the daily aggregates. */
const DAY_BUCKET: Record<Interval, string> = {
  day: 'd.day',
  week: 'toMonday(d.day)',
  month: 'toStartOfMonth(d.day)',
}

type Row = Record<string, string>

/** GROUPING SETS ((bucket), ()) rows: the buckets in order, and the period total (`is_total` = grouping(bucket) = 1). */
function splitTotals(all: Row[]): { rows: Row[]; totals: Row } {
  const rows = all.filter((x) => Number(x.is_total) !== 1).sort((x, y) => (x.bucket < y.bucket ? -1 : x.bucket > y.bucket ? 1 : 0))
  return { rows, totals: all.find((x) => Number(x.is_total) === 1) ?? {} }
}

export class Metrics {
  private readonly settings: Record<string, number>

  constructor(
    private readonly w: Warehouse,
    private readonly pg: pg.Pool,
    private readonly cfg: MetricsConfig,
  ) {
    this.settings = { max_execution_time: cfg.timeoutSec ?? 10 }
  }

  private t(name: string): string {
    return this.w.table(name)
  }

  private async q(sql: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    const rs = await this.w.client.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { ...this.settings, output_format_json_quote_64bit_integers: 1 },
    })
    return (await rs.json()) as Row[]
  }

  private range(p: Period): Record<string, string> {
    if (!(p.from < p.to)) throw new InputError(`empty period: from ${p.from.toISOString()} is not before to ${p.to.toISOString()}`)
    return { from: chTime(p.from), to: chTime(p.to) }
  }

  private static where = `timestamp >= toDateTime64({from:String}, 3, 'UTC') AND timestamp < toDateTime64({to:String}, 3, 'UTC')`

  /** Whole UTC days at both ends: the daily aggregates can answer instead of the facts. */
  private static wholeDays(p: Period): boolean {
    return p.from.getTime() % 86_400_000 === 0 && p.to.getTime() % 86_400_000 === 0
  }

  private static dayWhere = `d.day >= toDate(toDateTime64({from:String}, 3, 'UTC')) AND d.day < toDate(toDateTime64({to:String}, 3, 'UTC'))`

  /**
   * Inference totals per bucket and for the period: from agg_daily (+ the mergeable payer sets)
   * for whole days, ~50x less to read than the facts; from the facts for any other period.
   */
  private async inferenceTotals(p: Period, interval: Interval): Promise<{ rows: Row[]; totals: Row }> {
    const r = this.range(p)
    if (!Metrics.wholeDays(p)) {
      return splitTotals(
        await this.q(
          `SELECT toString(toDate(${BUCKET[interval]})) AS bucket, grouping(bucket) AS is_total, count() AS inferences, toString(sum(units)) AS units, uniqExact(payer_id) AS payers,
             toString(sum(fee)) AS fees, toString(sum(creator_share)) AS creator, toString(sum(contributors_share)) AS contributors,
             toString(sum(infra_share)) AS infra, toString(sum(treasury_share)) AS treasury, toString(sum(burn_share)) AS burn,
             toString(sumIf(fee, payer_is_agent)) AS agent
           FROM ${this.t('inference')} WHERE ${Metrics.where} GROUP BY GROUPING SETS ((bucket), ())`,
          r,
        ),
      )
    }
    return splitTotals(
      await this.q(
        `SELECT toString(${DAY_BUCKET[interval]}) AS bucket, grouping(bucket) AS is_total, toString(sum(inferences)) AS inferences, toString(sum(units)) AS units,
           toString(uniqExactMerge(p.payers)) AS payers, toString(sum(fees)) AS fees, toString(sum(creator_share)) AS creator,
           toString(sum(contributors_share)) AS contributors, toString(sum(infra_share)) AS infra, toString(sum(treasury_share)) AS treasury,
           toString(sum(burn_share)) AS burn, toString(sum(agent_fees)) AS agent
         FROM ${this.t('agg_daily')} AS d LEFT JOIN ${this.t('agg_daily_payers')} AS p ON p.day = d.day
         WHERE ${Metrics.dayWhere} GROUP BY GROUPING SETS ((bucket), ())`,
        r,
      ),
    )
  }

  /** Fees, revenue, incentives and coverage per interval, and the totals of the period. */
  async sustainability(p: Period, interval: Interval = 'day'): Promise<{ totals: SustainabilityPoint; series: SustainabilityPoint[] }> {
    const r = this.range(p)
    const b = BUCKET[interval]
    const W = Metrics.where
    // one query per store shape: chDB answers one query at a time (~5 ms each however small), so
    // every table goes in one UNION ALL and the period totals come from GROUPING SETS
    const side = (part: string, table: string, a: string, b2: string, extra = '') =>
      `SELECT '${part}' AS part, toString(toDate(${b})) AS bucket, grouping(bucket) AS is_total, ${a} AS a, ${b2} AS b
       FROM ${this.t(table)} WHERE ${W} ${extra} GROUP BY GROUPING SETS ((bucket), ())`
    const [inf, others] = await Promise.all([
      this.inferenceTotals(p, interval),
      this.q(
        [
          side('incentives', 'incentive_payment', 'toString(sum(amount))', `toString(sumIf(amount, role IN ('creator','contributor','operator','staker')))`),
          side('interest', 'stake_event', 'toString(sum(ifNull(interest, 0)))', `'0'`, `AND kind = 'unstaked'`),
          side('unlocks', 'vesting_release', 'toString(sum(amount))', `'0'`),
          side('burns', 'burn', 'toString(sum(amount))', `'0'`),
        ].join(' UNION ALL '),
        r,
      ),
    ])
    const of = (part: string, names: [string, string]) => splitTotals(others.filter((x) => x.part === part).map((x) => ({ bucket: x.bucket, is_total: x.is_total, [names[0]]: x.a, [names[1]]: x.b })))
    const incentives = of('incentives', ['total', 'maintainers'])
    const interest = of('interest', ['interest', '_'])
    const unlocks = of('unlocks', ['amount', '_'])
    const burns = of('burns', ['amount', '_'])
    const parts = { inf, incentives, interest, unlocks, burns }
    const buckets = new Set<string>()
    for (const part of Object.values(parts)) for (const x of part.rows) buckets.add(x.bucket)
    const point = (bucket: string, pick: (part: { rows: Row[]; totals: Row }) => Row | undefined): SustainabilityPoint => {
      const i = pick(parts.inf) ?? {}
      const big = (v: string | undefined) => (v ? BigInt(v) : 0n)
      const grossFees = big(i.fees)
      const creatorFees = big(i.creator)
      const contributorFees = big(i.contributors)
      const infraFees = big(i.infra)
      const protocolRevenue = big(i.treasury)
      const rewardsEmissions = big(pick(parts.incentives)?.total)
      const stakingInterest = big(pick(parts.interest)?.interest)
      const tokenIncentives = rewardsEmissions + stakingInterest
      const maintainerFeePayouts = creatorFees + contributorFees + infraFees
      const maintainerIncentives = big(pick(parts.incentives)?.maintainers) + stakingInterest
      const agentFees = big(i.agent)
      return {
        periodStart: bucket,
        inferences: Number(i.inferences ?? 0),
        units: big(i.units),
        payers: Number(i.payers ?? 0),
        grossFees,
        creatorFees,
        contributorFees,
        infraFees,
        supplySideFees: creatorFees + contributorFees + infraFees,
        protocolRevenue,
        feeBurns: big(i.burn),
        burns: big(pick(parts.burns)?.amount),
        takeRate: ratio(protocolRevenue, grossFees),
        rewardsEmissions,
        stakingInterest,
        tokenIncentives,
        vestingUnlocks: big(pick(parts.unlocks)?.amount),
        earnings: protocolRevenue - tokenIncentives,
        maintainerFeePayouts,
        maintainerIncentives,
        feeCoverageRatio: ratio(maintainerFeePayouts, maintainerFeePayouts + maintainerIncentives),
        agentFees,
        agentFeeShare: ratio(agentFees, grossFees),
      }
    }
    const series = [...buckets].sort().map((bucket) => point(bucket, (part) => part.rows.find((x) => x.bucket === bucket)))
    const totals = point(r.from.slice(0, 10), (part) => part.totals)
    return { totals, series }
  }

  /**
   * Revenue per model in the period, largest fees first (ties by numeric id): every model with
   * fees or attribution paid in it (a retired model's last epoch is paid after its last inference).
   */
  async models(p: Period, limit = 10): Promise<ModelRevenue[]> {
    const r = this.range(p)
    const W = Metrics.where
    // whole days read the per-model daily aggregate, anything else the facts
    const usage = Metrics.wholeDays(p)
      ? `SELECT model_id, toUInt64(sum(inferences)) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fees)) AS f, toUInt256(sum(creator_share)) AS c,
                toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a
         FROM ${this.t('agg_model_daily')} AS d WHERE ${Metrics.dayWhere} GROUP BY model_id`
      : `SELECT model_id, toUInt64(count()) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fee)) AS f, toUInt256(sum(creator_share)) AS c,
                toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a
         FROM ${this.t('inference')} WHERE ${W} GROUP BY model_id`
    const rows = await this.q(
      `SELECT model_id, toString(sum(n)) AS inferences, toString(sum(u)) AS units, toString(sum(f)) AS fees,
              toString(sum(c)) AS creator, toString(sum(k)) AS contributors, toString(sum(a)) AS paid
       FROM (
         ${usage}
         UNION ALL
         SELECT model_id, toUInt64(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(sum(amount))
         FROM ${this.t('attribution_payout')} WHERE ${W} GROUP BY model_id
       )
       GROUP BY model_id ORDER BY sum(f) DESC, toUInt64OrZero(model_id), model_id LIMIT {limit:UInt32}`,
      { ...r, limit },
    )
    const dims = await this.pg.query<{ id: string; owner_id: string; retired: boolean }>('select id, owner_id, retired from model where id = any($1)', [rows.map((x) => x.model_id)])
    const dim = new Map(dims.rows.map((d) => [d.id, d]))
    return rows.map((x) => ({
      modelId: x.model_id,
      owner: dim.get(x.model_id)?.owner_id ?? null,
      retired: dim.get(x.model_id)?.retired ?? null,
      inferences: Number(x.inferences),
      units: BigInt(x.units),
      fees: BigInt(x.fees),
      creatorFees: BigInt(x.creator),
      contributorFees: BigInt(x.contributors),
      attributionPaid: BigInt(x.paid),
    }))
  }

  /**
   * Attribution paid per datanet with its contributors and contributions in the period: every
   * datanet with payouts or contributions in it, most paid first (ties by numeric id).
   */
  async datanets(p: Period, limit = 10): Promise<DatanetRevenue[]> {
    const r = this.range(p)
    const W = Metrics.where
    const rows = await this.q(
      `SELECT datanet_id, toString(sum(a)) AS paid, toString(sum(n)) AS payouts, toString(sum(c)) AS contributions,
              toString(length(groupUniqArrayArray(who))) AS people
       FROM (
         SELECT datanet_id, toUInt256(sum(amount)) AS a, toUInt64(count()) AS n, toUInt64(0) AS c, CAST([], 'Array(String)') AS who
         FROM ${this.t('attribution_payout')} WHERE ${W} GROUP BY datanet_id
         UNION ALL
         SELECT datanet_id, toUInt256(0), toUInt64(0), toUInt64(count()), groupUniqArray(contributor_id)
         FROM ${this.t('contribution')} WHERE ${W} GROUP BY datanet_id
       )
       GROUP BY datanet_id ORDER BY sum(a) DESC, toUInt64OrZero(datanet_id), datanet_id LIMIT {limit:UInt32}`,
      { ...r, limit },
    )
    const names = await this.pg.query<{ id: string; name: string }>('select id, name from datanet where id = any($1)', [rows.map((x) => x.datanet_id)])
    const name = new Map(names.rows.map((d) => [d.id, d.name]))
    return rows.map((x) => ({
      datanetId: x.datanet_id,
      name: name.get(x.datanet_id) ?? null,
      attributionPaid: BigInt(x.paid),
      payouts: Number(x.payouts),
      contributors: Number(x.people),
      contributions: Number(x.contributions),
    }))
  }

  /**
   * What contributors earned in the period: attribution (fee-funded) and contributor incentives
   * (emissions), for everyone who earned either; most attribution first, ties by address.
   */
  async contributors(p: Period, limit = 10, contributor?: string): Promise<ContributorEarnings[]> {
    const r = { ...this.range(p), who: contributor?.toLowerCase() ?? '' }
    const W = Metrics.where
    const only = (col: string) => (contributor ? `AND ${col} = {who:String}` : '')
    const rows = await this.q(
      `SELECT who, toString(sum(a)) AS paid, toString(sum(i)) AS incentives
       FROM (
         SELECT contributor_id AS who, toUInt256(sum(amount)) AS a, toUInt256(0) AS i
         FROM ${this.t('attribution_payout')} WHERE ${W} ${only('contributor_id')} GROUP BY contributor_id
         UNION ALL
         SELECT recipient_id, toUInt256(0), toUInt256(sum(amount))
         FROM ${this.t('incentive_payment')} WHERE ${W} AND role = 'contributor' ${only('recipient_id')} GROUP BY recipient_id
       )
       GROUP BY who ORDER BY sum(a) DESC, who LIMIT {limit:UInt32}`,
      { ...r, limit },
    )
    const ids = rows.map((x) => x.who)
    if (!ids.length) return []
    const contribs = await this.q(
      `SELECT contributor_id, count() AS n, uniqExact(datanet_id) AS d FROM ${this.t('contribution')} WHERE ${W} AND contributor_id IN {ids:Array(String)} GROUP BY contributor_id`,
      { ...r, ids },
    )
    const c = new Map(contribs.map((x) => [x.contributor_id, x]))
    return rows.map((x) => ({
      contributor: x.who,
      attributionPaid: BigInt(x.paid),
      incentives: BigInt(x.incentives),
      contributions: Number(c.get(x.who)?.n ?? 0),
      datanets: Number(c.get(x.who)?.d ?? 0),
    }))
  }

  /** Every fee-policy version, the block range it was in force and what was settled under it. */
  async feePolicyHistory(): Promise<FeePolicyPeriod[]> {
    const versions = await this.pg.query<{
      version: number
      creator_bps: number
      contributors_bps: number
      infra_bps: number
      treasury_bps: number
      burn_bps: number
      block_number: number
      active_until_block: number | null
      timestamp: Date
    }>('select version, creator_bps, contributors_bps, infra_bps, treasury_bps, burn_bps, block_number, active_until_block, timestamp from fee_policy_version order by version')
    const settled = await this.q(`SELECT policy_version, count() AS n, toString(sum(fee)) AS fees FROM ${this.t('inference')} GROUP BY policy_version`)
    const s = new Map(settled.map((x) => [Number(x.policy_version), x]))
    return versions.rows.map((v) => ({
      version: v.version,
      creatorBps: v.creator_bps,
      contributorsBps: v.contributors_bps,
      infraBps: v.infra_bps,
      treasuryBps: v.treasury_bps,
      burnBps: v.burn_bps,
      fromBlock: v.block_number,
      toBlock: v.active_until_block,
      since: v.timestamp,
      inferences: Number(s.get(v.version)?.n ?? 0),
      fees: BigInt(s.get(v.version)?.fees ?? '0'),
    }))
  }

  /**
   * Contributor retention by monthly cohort: a contributor's cohort is the month of their first
   * contribution ever; they count as active in a later month if they contributed in it.
   */
  async retention(p: Period): Promise<RetentionCohort[]> {
    const r = this.range(p)
    const rows = await this.q(
      `SELECT contributor_id, toString(toStartOfMonth(timestamp)) AS month FROM ${this.t('contribution')}
       WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY contributor_id, month ORDER BY contributor_id, month`,
      r,
    )
    const months = new Map<string, string[]>()
    for (const x of rows) {
      const list = months.get(x.contributor_id) ?? []
      list.push(x.month.slice(0, 7))
      months.set(x.contributor_id, list)
    }
    const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1
    const lastMonth = monthIndex(new Date(p.to.getTime() - 1).toISOString().slice(0, 7))
    const fromMonth = monthIndex(p.from.toISOString().slice(0, 7))
    const cohorts = new Map<string, { size: number; active: number[] }>()
    for (const list of months.values()) {
      const first = list[0]
      const f = monthIndex(first)
      if (f < fromMonth) continue
      const c = cohorts.get(first) ?? { size: 0, active: new Array(lastMonth - f + 1).fill(0) }
      c.size++
      for (const m of list) c.active[monthIndex(m) - f]++
      cohorts.set(first, c)
    }
    return [...cohorts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([cohort, c]) => ({ cohort, size: c.size, active: c.active, rates: c.active.map((a) => ratio(BigInt(a), BigInt(c.size))!) }))
  }

  /**
   * Concentration of fee-funded payouts received in the period, per recipient: attribution
   * payouts, creator payouts and operator payouts.
   */
  async concentration(p: Period): Promise<Concentration> {
    const r = this.range(p)
    const W = Metrics.where
    const rows = await this.q(
      `SELECT who, toString(sum(amount)) AS amount FROM (
         SELECT contributor_id AS who, amount FROM ${this.t('attribution_payout')} WHERE ${W}
         UNION ALL SELECT creator_id AS who, amount FROM ${this.t('creator_payout')} WHERE ${W}
         UNION ALL SELECT account_id AS who, amount FROM ${this.t('operator_payout')} WHERE ${W}
       ) GROUP BY who`,
      r,
    )
    return concentrationOf(rows.map((x) => BigInt(x.amount)))
  }

  /** Fee income of each model in the 30 days before `at` vs the 30 days before that. */
  async modelDecay(at: Date, threshold = 0.5): Promise<ModelDecay[]> {
    if (!(threshold > 0 && threshold <= 1)) throw new InputError(`threshold must be in (0, 1], got ${threshold}`)
    const rows = await this.q(
      `SELECT model_id,
              toString(sumIf(fee, timestamp >= toDateTime64({mid:String}, 3, 'UTC'))) AS last30,
              toString(sumIf(fee, timestamp < toDateTime64({mid:String}, 3, 'UTC'))) AS prev30
       FROM ${this.t('inference')}
       WHERE timestamp >= toDateTime64({from:String}, 3, 'UTC') AND timestamp < toDateTime64({to:String}, 3, 'UTC')
       GROUP BY model_id ORDER BY model_id`,
      { from: chTime(new Date(at.getTime() - 60 * DAY_MS)), mid: chTime(new Date(at.getTime() - 30 * DAY_MS)), to: chTime(at) },
    )
    // threshold as an exact fraction of 1e6
    const t = BigInt(Math.round(threshold * 1e6))
    return rows
      .map((x) => {
        const last = BigInt(x.last30)
        const prev = BigInt(x.prev30)
        return { modelId: x.model_id, feesLast30: last, feesPrev30: prev, change: ratio(last - prev, prev), decaying: prev > 0n && last * 1_000_000n < prev * t }
      })
      .sort((a, b) => (a.decaying !== b.decaying ? (a.decaying ? -1 : 1) : Number(a.modelId) - Number(b.modelId)))
  }

  private async feesBetween(from: Date, to: Date): Promise<bigint> {
    const [x] = await this.q(`SELECT toString(sum(fee)) AS fees FROM ${this.t('inference')} WHERE ${Metrics.where}`, { from: chTime(from), to: chTime(to) })
    return BigInt(x?.fees ?? '0')
  }

  /** Vesting unlocks coming in the next 30 and 90 days vs the trailing 30 days of fees. */
  async unlockOverhang(at: Date): Promise<UnlockOverhang> {
    const schedules = await this.pg.query<{ id: string; total: string; start: string; cliff: string; duration: string; created_at_block: number }>(
      'select id, total::text, start::text, cliff::text, duration::text, created_at_block from vesting_schedule',
    )
    const released = await this.q(
      `SELECT schedule_id, toString(sum(amount)) AS amount FROM ${this.t('vesting_release')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY schedule_id`,
      { to: chTime(at) },
    )
    const rel = new Map(released.map((x) => [x.schedule_id, BigInt(x.amount)]))
    const now = BigInt(Math.floor(at.getTime() / 1000))
    let next30 = 0n
    let next90 = 0n
    let unreleased = 0n
    for (const s of schedules.rows) {
      const sched = { total: BigInt(s.total), start: BigInt(s.start), cliff: BigInt(s.cliff), duration: BigInt(s.duration) }
      const v = vestedAt(sched, now)
      next30 += vestedAt(sched, now + 30n * 86_400n) - v
      next90 += vestedAt(sched, now + 90n * 86_400n) - v
      unreleased += v - (rel.get(s.id) ?? 0n)
    }
    const fees = await this.feesBetween(new Date(at.getTime() - 30 * DAY_MS), at)
    return { at, next30, next90, vestedUnreleased: unreleased, trailing30Fees: fees, next30ToFees: ratio(next30, fees), next90ToFees: ratio(next90, fees) }
  }

  private async balanceAt(address: string, at: Date): Promise<bigint> {
    const [x] = await this.q(
      `SELECT toString(sumIf(amount, to_id = {a:String}) - sumIf(amount, from_id = {a:String})) AS bal FROM ${this.t('token_transfer')}
       WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') AND (to_id = {a:String} OR from_id = {a:String})`,
      { a: address.toLowerCase(), to: chTime(at) },
    )
    // sumIf on UInt256 wraps below zero; the difference of the two sums is taken in Int256
    return BigInt(x?.bal ?? '0')
  }

  /**
   * Months the treasury lasts at its trailing-90-day outflow, and months the incentive budget
   * (distributor buckets + staking bank) lasts at the trailing-90-day emissions.
   */
  async runway(at: Date): Promise<Runway> {
    const from90 = new Date(at.getTime() - 90 * DAY_MS)
    const treasury = this.cfg.treasury.toLowerCase()
    const [out] = await this.q(
      `SELECT toString(sum(amount)) AS out FROM ${this.t('token_transfer')} WHERE from_id = {a:String} AND ${Metrics.where}`,
      { a: treasury, from: chTime(from90), to: chTime(at) },
    )
    const treasuryBalance = await this.balanceAt(treasury, at)
    const treasuryMonthlyOutflow = BigInt(out?.out ?? '0') / 3n
    let incentiveBudget = await this.balanceAt(this.cfg.distributor, at)
    if (this.cfg.stakingBank) incentiveBudget += await this.balanceAt(this.cfg.stakingBank, at)
    const s = await this.sustainability({ from: from90, to: at }, 'month')
    const monthlyIncentives = s.totals.tokenIncentives / 3n
    return {
      at,
      treasuryBalance,
      treasuryMonthlyOutflow,
      treasuryRunwayMonths: ratio(treasuryBalance, treasuryMonthlyOutflow, 2),
      incentiveBudget,
      monthlyIncentives,
      incentiveRunwayMonths: ratio(incentiveBudget, monthlyIncentives, 2),
    }
  }

  /** Price-to-fees at a given OPEN price: fully diluted market cap / annualized trailing-30-day fees. */
  async priceToFees(at: Date, priceUsd: string): Promise<PriceToFees> {
    if (!/^\d+(\.\d{1,18})?$/.test(priceUsd)) throw new InputError(`price must be a decimal number of USD, got "${priceUsd}"`)
    const [whole, frac = ''] = priceUsd.split('.')
    const price = BigInt(whole + frac.padEnd(18, '0')) // USD per OPEN, 18 decimals
    const [b] = await this.q(`SELECT toString(sum(amount)) AS burned FROM ${this.t('burn')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC')`, { to: chTime(at) })
    const supply = TOTAL_SUPPLY - BigInt(b?.burned ?? '0')
    const fees30 = await this.feesBetween(new Date(at.getTime() - 30 * DAY_MS), at)
    const annualizedFees = (fees30 * 365n) / 30n
    const usd = (amount: bigint) => ratio((amount * price) / 10n ** 18n, 10n ** 18n, 2)!
    return { priceUsd, supply, annualizedFees, marketCapUsd: usd(supply), annualizedFeesUsd: usd(annualizedFees), priceToFees: ratio(supply, annualizedFees, 2) }
  }

  /** Agents: their share of fees, stake at risk, slashing and where slashed OPEN went. */
  async agents(p: Period): Promise<AgentMetrics> {
    const r = this.range(p)
    const W = Metrics.where
    const [[fees], [slashes], stakes] = await Promise.all([
      this.q(`SELECT toString(sumIf(fee, payer_is_agent)) AS agent, toString(sum(fee)) AS gross FROM ${this.t('inference')} WHERE ${W}`, r),
      this.q(
        `SELECT count() AS n, toString(sum(amount)) AS amount, toString(sum(to_treasury)) AS treasury, toString(sum(to_burn)) AS burn FROM ${this.t('slash')} WHERE ${W}`,
        r,
      ),
      // stake at the end of the period: the last stake change of each agent before `to`
      this.q(
        `SELECT agent_id, toString(argMax(stake_after, (block_number, id))) AS stake, argMax(kind, (block_number, id)) AS kind
         FROM ${this.t('agent_stake_change')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY agent_id`,
        r,
      ),
    ])
    const agentFees = BigInt(fees?.agent ?? '0')
    const grossFees = BigInt(fees?.gross ?? '0')
    const live = stakes.filter((x) => x.kind !== 'withdrawn')
    return {
      agentFees,
      grossFees,
      agentFeeShare: ratio(agentFees, grossFees),
      agents: stakes.length,
      activeAgents: stakes.filter((x) => x.kind !== 'withdrawn' && x.kind !== 'exit_requested').length,
      stakeAtRisk: live.reduce((a, x) => a + BigInt(x.stake), 0n),
      slashed: BigInt(slashes?.amount ?? '0'),
      slashedToTreasury: BigInt(slashes?.treasury ?? '0'),
      slashedBurned: BigInt(slashes?.burn ?? '0'),
      slashes: Number(slashes?.n ?? 0),
    }
  }

  /** Inference operators: revenue (their infrastructure share), concentration and churn. */
  async operators(p: Period): Promise<OperatorMetrics> {
    const r = this.range(p)
    const rows = await this.q(
      `SELECT operator_id, count() AS n, toString(sum(fee)) AS fees, toString(sum(infra_share)) AS infra FROM ${this.t('inference')}
       WHERE ${Metrics.where} GROUP BY operator_id ORDER BY sum(infra_share) DESC, operator_id`,
      r,
    )
    const ops = await this.pg.query<{ id: string; account_id: string; active: boolean; registered_at: Date; removed_at: Date | null }>(
      'select id, account_id, active, registered_at, removed_at from operator',
    )
    const dim = new Map(ops.rows.map((o) => [o.id, o]))
    const inRange = (t: Date | null) => t !== null && t >= p.from && t < p.to
    const operators = rows.map((x) => ({
      operatorId: x.operator_id,
      account: dim.get(x.operator_id)?.account_id ?? null,
      active: dim.get(x.operator_id)?.active ?? null,
      inferences: Number(x.n),
      fees: BigInt(x.fees),
      infraFees: BigInt(x.infra),
    }))
    return {
      operators,
      concentration: concentrationOf(operators.map((o) => o.infraFees)),
      registered: ops.rows.filter((o) => inRange(o.registered_at)).length,
      removed: ops.rows.filter((o) => inRange(o.removed_at)).length,
    }
  }
}
