// Whole-day answers without a warehouse query. chDB runs one query at a time, so under load every
// analyst waited behind every other; the serving process instead holds day-level cumulative sums
// (network, per model, per datanet, per operator, per payout recipient, per contributor, serving
// cost per model and operator, the ledgers behind liabilities, balances and runway, slashes) and
// the last stake change per agent and day, and answers a whole-day period (or a time at midnight)
// in O(keys · log days). Contributor retention keeps, per contributor, the first day of each month
// they contributed in (exact: a month counts when that day is before the period's end). Distinct counts stay exact and mergeable: for every (day, id)
// the day the id was last seen before, so the ids of [a, b) that were not seen in [a, d) are
// counted once each (Σ over days d in [a, b) of #{prev < a}, one binary search per day).
//
// The sums are read from the facts once (rebuild) and again after every warehouse flush that
// makes a batch's facts visible (forks included: the sink flushes the fork's deletes too); while a
// rebuild runs, answers come from the warehouse as before, so an answer is never older than the
// facts. Partial days always go to the facts. The arithmetic that turns sums into answers is the
// warehouse path's own (sustainabilityPoint, modelRevenueOf, ...), so both paths give equal answers.
import { concentrationOf } from './exact'
import { sustainabilityPoint, type SustainabilityPart } from './network'
import { contributorEarningsOf, datanetRevenueOf, feePolicyHistoryOf, modelRevenueOf, type FeePolicyVersion, type ModelDim } from './breakdown'
import { decayThreshold, modelDecayOf, retentionOf } from './health'
import { agentMetricsOf, operatorMetricsOf, type OperatorDim } from './participants'
import { checkPriceUsd, liabilitiesOf, priceToFeesOf, runwayOf, unlockOverhangOf, type VestingSchedule } from './supply'
import { upkeepOf, type AssumptionOverrides } from './upkeep'
import { ACCRUED, DAY_MS, wholeDays, type Row, type Sql } from './sql'
import type {
  AgentMetrics,
  Concentration,
  ContributorEarnings,
  DatanetRevenue,
  FeePolicyPeriod,
  Interval,
  Liabilities,
  ModelDecay,
  ModelRevenue,
  OperatorMetrics,
  Period,
  PriceToFees,
  RetentionCohort,
  Runway,
  SustainabilityPoint,
  UnlockOverhang,
  UpkeepCoverage,
} from './types'
import { logger } from '../util/log'

/** First index in sorted `xs` whose value is >= x. */
function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (xs[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Per key: the days it has rows on and the cumulative sums of its fields up to each of them. */
class Cumulative {
  private readonly keys = new Map<string, { days: number[]; cum: bigint[][] }>()

  /** Rows must come in day order per key. */
  add(key: string, day: number, values: bigint[]): void {
    let k = this.keys.get(key)
    if (!k) this.keys.set(key, (k = { days: [], cum: [] }))
    const last = k.cum[k.cum.length - 1]
    k.days.push(day)
    k.cum.push(last ? values.map((v, i) => v + last[i]) : values.slice())
  }

  /** Sums of the key over days [a, b), or undefined when it has no rows there. */
  sum(key: string, a: number, b: number): bigint[] | undefined {
    const k = this.keys.get(key)
    return k && this.sumOf(k, a, b)
  }

  private sumOf(k: { days: number[]; cum: bigint[][] }, a: number, b: number): bigint[] | undefined {
    const i = lowerBound(k.days, a)
    const j = lowerBound(k.days, b)
    if (i === j) return undefined
    const hi = k.cum[j - 1]
    if (i === 0) return hi
    const lo = k.cum[i - 1]
    return hi.map((v, f) => v - lo[f])
  }

  /** Every key with rows in [a, b) and its sums. */
  all(a: number, b: number): [string, bigint[]][] {
    const out: [string, bigint[]][] = []
    for (const [key, k] of this.keys) {
      const s = this.sumOf(k, a, b)
      if (s) out.push([key, s])
    }
    return out
  }

  /** Sums over [a, b) or zeros (the warehouse's sum() of no rows). */
  sumOr0(key: string, a: number, b: number, width: number): bigint[] {
    return this.sum(key, a, b) ?? new Array<bigint>(width).fill(0n)
  }

  get size(): number {
    let n = 0
    for (const k of this.keys.values()) n += k.days.length
    return n
  }
}

/** Amounts per key and day, in any order, added to `c` in day order as [rows, amount]. */
class DayLedger {
  private readonly m = new Map<string, Map<number, bigint[]>>()

  add(key: string, day: number, amount: bigint, rows = 1n): void {
    let k = this.m.get(key)
    if (!k) this.m.set(key, (k = new Map()))
    const v = k.get(day)
    if (v) {
      v[0] += rows
      v[1] += amount
    } else k.set(day, [rows, amount])
  }

  into(c: Cumulative): Cumulative {
    for (const [key, days] of this.m) for (const d of [...days.keys()].sort((x, y) => x - y)) c.add(key, d, days.get(d)!)
    return c
  }
}

/** Exact distinct ids per scope over any range of days. */
class Distinct {
  private readonly scopes = new Map<string, { days: number[]; prev: Int32Array[]; open: number[] }>()
  private readonly last = new Map<string, number>()

  /** (day, id) pairs of a scope, in day order, each pair once. */
  add(scope: string, day: number, id: string): void {
    let s = this.scopes.get(scope)
    if (!s) this.scopes.set(scope, (s = { days: [], prev: [], open: [] }))
    if (s.days[s.days.length - 1] !== day) {
      this.close(s)
      s.days.push(day)
    }
    const key = `${scope}\u0000${id}`
    s.open.push(this.last.get(key) ?? -1)
    this.last.set(key, day)
  }

  private close(s: { prev: Int32Array[]; open: number[]; days: number[] }): void {
    if (s.days.length > s.prev.length) s.prev.push(Int32Array.from(s.open).sort())
    s.open = []
  }

  /** Call once after the last add. */
  seal(): void {
    for (const s of this.scopes.values()) this.close(s)
    this.last.clear()
  }

  count(scope: string, a: number, b: number): number {
    const s = this.scopes.get(scope)
    if (!s) return 0
    let n = 0
    for (let i = lowerBound(s.days, a); i < s.days.length && s.days[i] < b; i++) n += lowerBound(s.prev[i], a)
    return n
  }
}

const day = (t: Date) => Math.floor(t.getTime() / DAY_MS)
const dayText = (d: number) => new Date(d * DAY_MS).toISOString().slice(0, 10)
/** The first day of the bucket holding day `d` (weeks start on Monday, as toMonday). */
function bucketStart(d: number, interval: Interval): number {
  if (interval === 'day') return d
  if (interval === 'week') return d - ((d + 3) % 7) // day 0, 1970-01-01, was a Thursday
  const t = new Date(d * DAY_MS)
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / DAY_MS
}
function nextBucket(start: number, interval: Interval): number {
  if (interval === 'day') return start + 1
  if (interval === 'week') return start + 7
  const t = new Date(start * DAY_MS)
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1) / DAY_MS
}

/** toUInt64OrZero(id), the warehouse's numeric tie-break */
const numericId = (id: string) => (/^\d{1,20}$/.test(id) && BigInt(id) < 1n << 64n ? BigInt(id) : 0n)
/** ORDER BY amount DESC, toUInt64OrZero(id), id */
function byAmountThenId(a: { amount: bigint; id: string }, b: { amount: bigint; id: string }): number {
  if (a.amount !== b.amount) return a.amount > b.amount ? -1 : 1
  const na = numericId(a.id)
  const nb = numericId(b.id)
  if (na !== nb) return na < nb ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** Field lists of each part, in the order they are read and summed (the first is the row count). */
const NETWORK: Record<SustainabilityPart, string[]> = {
  inf: ['rows', 'inferences', 'units', 'fees', 'creator', 'contributors', 'infra', 'treasury', 'burn', 'agent'],
  deployments: ['rows', 'amount'],
  incentives: ['rows', 'maintainers', 'stakers', 'other'],
  interest: ['rows', 'interest'],
  interestPaid: ['rows', 'paid'],
  unlocks: ['rows', 'amount'],
  burns: ['rows', 'amount'],
}

interface Built {
  /** the warehouse head (journaled 'done') the sums were read at */
  head: number
  network: Cumulative
  payers: Distinct
  models: Cumulative
  datanets: Cumulative
  contributors: Distinct
  operators: Cumulative
  recipients: Cumulative
  /** per contributor: [earning rows (attribution, contributor incentives), attribution, incentives, contributions] */
  earners: Cumulative
  /** distinct datanets each contributor contributed to */
  contributorDatanets: Distinct
  /** per contributor: the first day they contributed in each month they did, in order */
  contributorMonths: Map<string, number[]>
  /** per (model, operator): [rows, committed CPU µs] and [rows, units, inferences] of batches with none committed */
  serving: Cumulative
  uncommitted: Cumulative
  /** [rows, amount] per ledger key: stake_in / stake_out (principal of stakes not paid out = in − out),
   *  creator_paid, operator_paid, attributed, deposited, withdrawn, in:<address>, out:<address>, released:<schedule> */
  ledger: Cumulative
  /** [rows, amount, to treasury, burned] */
  slashes: Cumulative
  /** per agent: the days it changed stake on and its last change of each (stake after, kind) */
  agentStakes: Map<string, { days: number[]; stake: string[]; kind: string[] }>
  /** what was settled under each fee-policy version (policy_version, n, fees), over all time */
  settledByPolicy: Row[]
  modelDims: Map<string, ModelDim>
  datanetNames: Map<string, string>
  operatorDims: OperatorDim[]
  builtInMs: number
}

export interface ServedStatus {
  /** whether whole-day periods are answered from memory now */
  ready: boolean
  /** the warehouse head the day aggregates were read at, null before the first build */
  head: number | null
  /** day-key entries held */
  entries: number
  buildMs: number | null
  /** builds completed so far (each follows a warehouse flush) */
  builds: number
}

export class DayAggregates {
  private built: Built | undefined
  /** bumped by every flush: a build that started before the last flush is not used */
  private generation = 0
  private building: Promise<void> | undefined
  private lastBuildEnd = 0
  private lastBuildMs = 0
  private stopped = false
  private builds = 0
  private readonly log = logger('served')

  constructor(private readonly db: Sql) {}

  /** The warehouse made new facts visible (a batch or a fork): stop answering from memory, rebuild. */
  invalidate(): void {
    this.generation++
    this.built = undefined
    if (!this.stopped) void this.rebuild()
  }

  /** No more builds (the API closes; its pool is about to end). */
  stop(): void {
    this.stopped = true
    this.built = undefined
  }

  /** (Re)builds the sums unless a build is running; it runs again if a flush came meanwhile. */
  rebuild(): Promise<void> {
    this.building ??= (async () => {
      try {
        for (;;) {
          // while the indexer catches up it flushes every second: reading everything again each
          // time would keep the one-query-at-a-time warehouse busy, so builds are spaced by at
          // least twice the last build's time (the facts answer meanwhile)
          const wait = this.lastBuildEnd + 2 * this.lastBuildMs - Date.now()
          if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref())
          if (this.stopped) return
          const g = this.generation
          const b = await this.read()
          this.lastBuildEnd = Date.now()
          this.lastBuildMs = b.builtInMs
          if (g === this.generation && !this.stopped) {
            this.built = b
            this.builds++
            this.log.info(`day aggregates held in memory up to block ${b.head} (${b.builtInMs} ms)`)
            return
          }
        }
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'day aggregates not built: whole-day periods are answered by the warehouse')
      } finally {
        this.building = undefined
      }
    })()
    return this.building
  }

  status(): ServedStatus {
    const b = this.built
    return {
      ready: !!b,
      head: b?.head ?? null,
      entries: b
        ? [b.network, b.models, b.datanets, b.operators, b.recipients, b.earners, b.serving, b.uncommitted, b.ledger, b.slashes].reduce((n, c) => n + c.size, 0) +
          [...b.agentStakes.values()].reduce((n, a) => n + a.days.length, 0) +
          [...b.contributorMonths.values()].reduce((n, m) => n + m.length, 0)
        : 0,
      buildMs: b?.builtInMs ?? null,
      builds: this.builds,
    }
  }

  /** The sums, when they can answer the period (whole days, built after the last flush). */
  private ready(p: Period): Built | undefined {
    return wholeDays(p) && p.from < p.to ? this.built : undefined
  }

  sustainability(p: Period, interval: Interval): { totals: SustainabilityPoint; series: SustainabilityPoint[] } | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const parts = Object.keys(NETWORK) as SustainabilityPart[]
    const rowOf = (part: SustainabilityPart, from: number, to: number): Row | undefined => {
      const s = b.network.sum(part, from, to)
      if (!s || s[0] === 0n) return undefined
      const row: Row = {}
      NETWORK[part].forEach((f, i) => (row[f] = s[i].toString()))
      if (part === 'inf') row.payers = String(b.payers.count('', from, to))
      return row
    }
    const series: SustainabilityPoint[] = []
    for (let s = bucketStart(a, interval); s < z; s = nextBucket(s, interval)) {
      const from = Math.max(s, a)
      const to = Math.min(nextBucket(s, interval), z)
      const rows = new Map(parts.map((k) => [k, rowOf(k, from, to)]))
      if ([...rows.values()].some(Boolean)) series.push(sustainabilityPoint(dayText(s), (k) => rows.get(k)))
    }
    const totals = new Map(parts.map((k) => [k, rowOf(k, a, z)]))
    return { totals: sustainabilityPoint(dayText(a), (k) => totals.get(k) ?? {}), series }
  }

  models(p: Period, limit: number): ModelRevenue[] | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const rows = b.models
      .all(day(p.from), day(p.to))
      .map(([id, s]) => ({ id, amount: s[3], s }))
      .sort(byAmountThenId)
      .slice(0, limit)
      .map(({ id, s }) => ({ model_id: id, inferences: s[1].toString(), units: s[2].toString(), fees: s[3].toString(), creator: s[4].toString(), contributors: s[5].toString(), paid: s[6].toString() }))
    return modelRevenueOf(rows, b.modelDims)
  }

  datanets(p: Period, limit: number): DatanetRevenue[] | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const rows = b.datanets
      .all(a, z)
      .map(([id, s]) => ({ id, amount: s[1], s }))
      .sort(byAmountThenId)
      .slice(0, limit)
      .map(({ id, s }) => ({ datanet_id: id, paid: s[1].toString(), payouts: s[2].toString(), contributions: s[3].toString(), people: String(b.contributors.count(id, a, z)) }))
    return datanetRevenueOf(rows, b.datanetNames)
  }

  operators(p: Period): OperatorMetrics | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    // ORDER BY sum(infra_share) DESC, operator_id
    const rows = b.operators
      .all(day(p.from), day(p.to))
      .sort(([x, s], [y, t]) => (s[3] !== t[3] ? (s[3] > t[3] ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
      .map(([id, s]) => ({ operator_id: id, n: s[1].toString(), fees: s[2].toString(), infra: s[3].toString() }))
    return operatorMetricsOf(rows, b.operatorDims, p)
  }

  concentration(p: Period): Concentration | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    return concentrationOf(b.recipients.all(day(p.from), day(p.to)).map(([, s]) => s[0]))
  }

  /** The sums, when they can answer for a time: midnight UTC, built after the last flush. */
  private readyAt(at: Date): Built | undefined {
    return at.getTime() % DAY_MS === 0 ? this.built : undefined
  }

  agents(p: Period): AgentMetrics | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const inf = b.network.sumOr0('inf', a, z, NETWORK.inf.length)
    const [n, amount, treasury, burn] = b.slashes.sumOr0('', a, z, 4)
    const stakes: Row[] = []
    for (const [agent, s] of b.agentStakes) {
      const i = lowerBound(s.days, z) - 1
      if (i >= 0) stakes.push({ agent_id: agent, stake: s.stake[i], kind: s.kind[i] })
    }
    return agentMetricsOf(
      { agent: inf[9].toString(), gross: inf[3].toString() },
      { n: n.toString(), amount: amount.toString(), treasury: treasury.toString(), burn: burn.toString() },
      stakes,
    )
  }

  retention(p: Period): RetentionCohort[] | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const z = day(p.to)
    const rows: Row[] = []
    for (const [who, firstDays] of b.contributorMonths)
      for (const d of firstDays) {
        if (d >= z) break
        rows.push({ contributor_id: who, month: dayText(bucketStart(d, 'month')) })
      }
    return retentionOf(rows, p)
  }

  contributors(p: Period, limit: number, contributor?: string): ContributorEarnings[] | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const only = contributor?.toLowerCase()
    // ORDER BY sum(attribution) DESC, who
    const rows = (only ? [[only, b.earners.sum(only, a, z)] as const].filter((x): x is readonly [string, bigint[]] => !!x[1]) : b.earners.all(a, z))
      .filter(([, s]) => s[0] > 0n)
      .sort(([x, s], [y, t]) => (s[1] !== t[1] ? (s[1] > t[1] ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
      .slice(0, limit)
    const contribs = rows
      .filter(([, s]) => s[3] > 0n)
      .map(([who, s]) => ({ contributor_id: who, n: s[3].toString(), d: String(b.contributorDatanets.count(who, a, z)) }))
    return contributorEarningsOf(
      rows.map(([who, s]) => ({ who, paid: s[1].toString(), incentives: s[2].toString() })),
      contribs,
    )
  }

  async feePolicyHistory(): Promise<FeePolicyPeriod[] | undefined> {
    const b = this.built
    if (!b) return undefined
    const versions = await this.db.pg.query<FeePolicyVersion>(
      'select version, creator_bps, contributors_bps, infra_bps, treasury_bps, burn_bps, block_number, active_until_block, timestamp from fee_policy_version order by version',
    )
    return feePolicyHistoryOf(versions.rows, b.settledByPolicy)
  }

  async modelDecay(at: Date, threshold: number): Promise<ModelDecay[] | undefined> {
    decayThreshold(threshold)
    const b = this.readyAt(at)
    if (!b) return undefined
    const z = day(at)
    const rows: Row[] = []
    for (const [id] of b.models.all(z - 60, z)) {
      const last = b.models.sumOr0(id, z - 30, z, 8)
      const prev = b.models.sumOr0(id, z - 60, z - 30, 8)
      // models with inferences in the 60 days (attribution payouts alone do not list a model)
      if (last[1] + prev[1] === 0n) continue
      rows.push({ model_id: id, last30: last[3].toString(), prev30: prev[3].toString(), ulast30: last[2].toString(), uprev30: prev[2].toString() })
    }
    rows.sort((x, y) => (x.model_id < y.model_id ? -1 : x.model_id > y.model_id ? 1 : 0))
    return modelDecayOf(this.db, rows, at, threshold)
  }

  /** [rows, amount] of a ledger key over days before `z` */
  private before(b: Built, key: string, z: number): bigint {
    return b.ledger.sumOr0(key, 0, z, 2)[1]
  }

  private balance(b: Built, address: string, z: number): bigint {
    const a = address.toLowerCase()
    return this.before(b, `in:${a}`, z) - this.before(b, `out:${a}`, z)
  }

  liabilities(at: Date): Liabilities | undefined {
    const b = this.readyAt(at)
    return b && this.owed(b, day(at))
  }

  private owed(b: Built, z: number): Liabilities {
    const inf = b.network.sumOr0('inf', 0, z, NETWORK.inf.length)
    const x = (key: string) => this.before(b, key, z).toString()
    return liabilitiesOf(
      {
        staked: (this.before(b, 'stake_in', z) - this.before(b, 'stake_out', z)).toString(),
        accrued: (inf[4] + inf[6]).toString(),
        pools: inf[5].toString(),
        charged: inf[3].toString(),
        creator_paid: x('creator_paid'),
        operator_paid: x('operator_paid'),
        attributed: x('attributed'),
        deposited: x('deposited'),
        withdrawn: x('withdrawn'),
      },
      this.db.cfg.stakingBank ? this.balance(b, this.db.cfg.stakingBank, z) : null,
    )
  }

  runway(at: Date): Runway | undefined {
    const b = this.readyAt(at)
    if (!b) return undefined
    const z = day(at)
    const from90 = new Date(at.getTime() - 90 * DAY_MS)
    // the facade asks only where both are configured (coverage.ts, FAMILY_NEEDS.runway)
    const treasury = this.db.cfg.treasury!.toLowerCase()
    const distributor = this.db.cfg.distributor!.toLowerCase()
    const flows = {
      out: b.ledger.sumOr0(`out:${treasury}`, z - 90, z, 2)[1].toString(),
      inflow: b.ledger.sumOr0(`in:${treasury}`, z - 90, z, 2)[1].toString(),
      distributed: this.before(b, `out:${distributor}`, z).toString(),
    }
    return runwayOf(this.db.cfg, at, {
      flows,
      treasuryBalance: this.balance(b, treasury, z),
      distributorBalance: this.balance(b, distributor, z),
      rewardsEmissions90: this.sustainability({ from: from90, to: at }, 'month')!.totals.rewardsEmissions!,
      liabilities: this.owed(b, z),
    })
  }

  async unlockOverhang(at: Date): Promise<UnlockOverhang | undefined> {
    const b = this.readyAt(at)
    if (!b) return undefined
    const schedules = await this.db.pg.query<VestingSchedule>('select id, total::text, start::text, cliff::text, duration::text from vesting_schedule')
    // read after the await: a flush meanwhile may have replaced the sums (both are the same build's then)
    const now = this.readyAt(at)
    if (!now) return undefined
    const z = day(at)
    const released = new Map<string, bigint>()
    for (const s of schedules.rows) {
      const r = now.ledger.sum(`released:${s.id}`, 0, z)
      if (r) released.set(s.id, r[1])
    }
    return unlockOverhangOf(schedules.rows, released, now.network.sumOr0('inf', z - 30, z, NETWORK.inf.length)[3], at)
  }

  priceToFees(at: Date, priceUsd: string): PriceToFees | undefined {
    checkPriceUsd(priceUsd)
    const b = this.readyAt(at)
    if (!b) return undefined
    const z = day(at)
    return priceToFeesOf(priceUsd, b.network.sumOr0('burns', 0, z, 2)[1], b.network.sumOr0('inf', z - 30, z, NETWORK.inf.length)[3])
  }

  upkeep(p: Period, overrides: AssumptionOverrides): Promise<UpkeepCoverage> | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const split = (key: string) => key.split('\u0000')
    return upkeepOf(this.db, p, overrides, async () => ({
      // models with inferences in the period (attribution payouts alone do not list a model)
      usage: b.models
        .all(a, z)
        .filter(([, s]) => s[1] > 0n)
        .map(([id, s]) => ({ model_id: id, units: s[2].toString(), income: (s[4] + s[5]).toString(), creator: s[4].toString(), contributors: s[5].toString(), infra: s[7].toString() })),
      byOperator: b.operators
        .all(a, z)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([id, s]) => ({ operator_id: id, units: s[4].toString(), infra: s[3].toString() })),
      measured: b.serving.all(a, z).map(([k, s]) => ({ model_id: split(k)[0], operator_id: split(k)[1], cpu: s[1].toString() })),
      fallback: b.uncommitted.all(a, z).map(([k, s]) => ({ model_id: split(k)[0], operator_id: split(k)[1], units: s[1].toString(), n: s[2].toString() })),
      owed: this.owed(b, z),
      stakers: {
        interest: b.network.sumOr0('interest', a, z, NETWORK.interest.length)[1].toString(),
        emissions: b.network.sumOr0('incentives', a, z, NETWORK.incentives.length)[2].toString(),
      },
    }))
  }

  /** Reads every day's sums from the facts (and the few dimension rows from Postgres). */
  private async read(): Promise<Built> {
    const t0 = Date.now()
    const db = this.db
    const t = (x: string) => db.t(x)
    const D = 'toUInt32(toDate(timestamp)) AS day'
    const [journal] = await db.q(`SELECT toString(ifNull(max(head), -1)) AS head FROM ${t('_sync')} WHERE kind = 'done'`)
    const network = new Cumulative()
    const big = (r: Row, names: string[]) => names.map((n) => BigInt(r[n]))
    // one query per family (chDB answers one at a time anyway); ORDER BY day so sums accumulate in order
    const inf = await db.q(
      `SELECT ${D}, toString(count()) AS rows, toString(count()) AS inferences, toString(sum(units)) AS units, toString(sum(fee)) AS fees,
         toString(sum(creator_share)) AS creator, toString(sum(contributors_share)) AS contributors, toString(sum(infra_share)) AS infra,
         toString(sum(treasury_share)) AS treasury, toString(sum(burn_share)) AS burn, toString(sumIf(fee, payer_is_agent)) AS agent
       FROM ${t('inference')} GROUP BY day ORDER BY day`,
    )
    for (const r of inf) network.add('inf', Number(r.day), big(r, NETWORK.inf))
    const others = await db.q(
      `SELECT * FROM (SELECT 'incentives' AS part, ${D}, toString(count()) AS rows, toString(sumIf(amount, role IN ('creator','contributor','operator'))) AS a,
         toString(sumIf(amount, role = 'staker')) AS b, toString(sumIf(amount, role NOT IN ('creator','contributor','operator','staker'))) AS c
       FROM ${t('incentive_payment')} GROUP BY day
       UNION ALL SELECT 'interest', ${D}, toString(count()), toString(sum(${ACCRUED})), '0', '0' FROM ${t('stake_accrual')} GROUP BY day
       UNION ALL SELECT 'interestPaid', ${D}, toString(count()), toString(sum(ifNull(interest, 0))), '0', '0' FROM ${t('stake_event')} WHERE kind = 'unstaked' GROUP BY day
       UNION ALL SELECT 'unlocks', ${D}, toString(count()), toString(sum(amount)), '0', '0' FROM ${t('vesting_release')} GROUP BY day
       UNION ALL SELECT 'burns', ${D}, toString(count()), toString(sum(amount)), '0', '0' FROM ${t('burn')} GROUP BY day)
       ORDER BY part, day`,
    )
    for (const r of others) network.add(r.part, Number(r.day), [BigInt(r.rows), BigInt(r.a), BigInt(r.b), BigInt(r.c)].slice(0, NETWORK[r.part as SustainabilityPart].length))
    const deployments = await db.pg.query<{ day: number; rows: string; amount: string }>(
      `select floor(extract(epoch from registered_at) / 86400)::int as day, count(*)::text as rows, sum(deployment_fee)::text as amount from model group by 1 order by 1`,
    )
    for (const r of deployments.rows) network.add('deployments', r.day, [BigInt(r.rows), BigInt(r.amount)])

    const payers = new Distinct()
    for (const r of await db.q(`SELECT ${D}, payer_id FROM ${t('inference')} GROUP BY day, payer_id ORDER BY day`)) payers.add('', Number(r.day), r.payer_id)
    payers.seal()

    // per model: [rows, inferences, units, fees, creator, contributors, attribution paid, infrastructure fees]
    const models = new Cumulative()
    for (const r of await db.q(
      `SELECT model_id, day, toString(sum(rows)) AS rows, toString(sum(n)) AS n, toString(sum(u)) AS u, toString(sum(f)) AS f, toString(sum(c)) AS c, toString(sum(k)) AS k,
              toString(sum(a)) AS a, toString(sum(i)) AS i FROM (
         SELECT model_id, ${D}, toUInt64(count()) AS rows, toUInt64(count()) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fee)) AS f, toUInt256(sum(creator_share)) AS c,
                toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a, toUInt256(sum(infra_share)) AS i FROM ${t('inference')} GROUP BY model_id, day
         UNION ALL
         SELECT model_id, ${D}, toUInt64(count()), toUInt64(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(sum(amount)), toUInt256(0) FROM ${t('attribution_payout')} GROUP BY model_id, day
       ) GROUP BY model_id, day ORDER BY model_id, day`,
    ))
      models.add(r.model_id, Number(r.day), big(r, ['rows', 'n', 'u', 'f', 'c', 'k', 'a', 'i']))

    // per datanet: [rows, attribution paid, payouts, contributions] and the distinct contributors
    const datanets = new Cumulative()
    for (const r of await db.q(
      `SELECT datanet_id, day, toString(sum(rows)) AS rows, toString(sum(a)) AS a, toString(sum(n)) AS n, toString(sum(c)) AS c FROM (
         SELECT datanet_id, ${D}, toUInt64(count()) AS rows, toUInt256(sum(amount)) AS a, toUInt64(count()) AS n, toUInt64(0) AS c FROM ${t('attribution_payout')} GROUP BY datanet_id, day
         UNION ALL
         SELECT datanet_id, ${D}, toUInt64(count()), toUInt256(0), toUInt64(0), toUInt64(count()) FROM ${t('contribution')} GROUP BY datanet_id, day
       ) GROUP BY datanet_id, day ORDER BY datanet_id, day`,
    ))
      datanets.add(r.datanet_id, Number(r.day), big(r, ['rows', 'a', 'n', 'c']))
    const contributors = new Distinct()
    for (const r of await db.q(`SELECT datanet_id, ${D}, contributor_id FROM ${t('contribution')} GROUP BY datanet_id, day, contributor_id ORDER BY day`))
      contributors.add(r.datanet_id, Number(r.day), r.contributor_id)
    contributors.seal()

    // per operator: [rows, inferences, fees, infrastructure fees, units]
    const operators = new Cumulative()
    for (const r of await db.q(
      `SELECT operator_id, ${D}, toString(count()) AS rows, toString(count()) AS n, toString(sum(fee)) AS f, toString(sum(infra_share)) AS i, toString(sum(units)) AS u
       FROM ${t('inference')} GROUP BY operator_id, day ORDER BY operator_id, day`,
    ))
      operators.add(r.operator_id, Number(r.day), big(r, ['rows', 'n', 'f', 'i', 'u']))

    // per payout recipient: [amount] of attribution, creator and operator payouts
    const recipients = new Cumulative()
    for (const r of await db.q(
      `SELECT who, day, toString(sum(amount)) AS amount FROM (
         SELECT contributor_id AS who, ${D}, amount FROM ${t('attribution_payout')}
         UNION ALL SELECT creator_id AS who, ${D}, amount FROM ${t('creator_payout')}
         UNION ALL SELECT account_id AS who, ${D}, amount FROM ${t('operator_payout')}
       ) GROUP BY who, day ORDER BY who, day`,
    ))
      recipients.add(r.who, Number(r.day), [BigInt(r.amount)])

    // per contributor: what they earned (attribution, contributor incentives) and contributed
    const earners = new Cumulative()
    for (const r of await db.q(
      `SELECT who, day, toString(sum(e)) AS e, toString(sum(a)) AS a, toString(sum(i)) AS i, toString(sum(c)) AS c FROM (
         SELECT contributor_id AS who, ${D}, toUInt64(count()) AS e, toUInt256(sum(amount)) AS a, toUInt256(0) AS i, toUInt64(0) AS c FROM ${t('attribution_payout')} GROUP BY who, day
         UNION ALL
         SELECT recipient_id, ${D}, toUInt64(count()), toUInt256(0), toUInt256(sum(amount)), toUInt64(0) FROM ${t('incentive_payment')} WHERE role = 'contributor' GROUP BY recipient_id, day
         UNION ALL
         SELECT contributor_id, ${D}, toUInt64(0), toUInt256(0), toUInt256(0), toUInt64(count()) FROM ${t('contribution')} GROUP BY contributor_id, day
       ) GROUP BY who, day ORDER BY who, day`,
    ))
      earners.add(r.who, Number(r.day), big(r, ['e', 'a', 'i', 'c']))
    const contributorDatanets = new Distinct()
    const contributorMonths = new Map<string, number[]>()
    for (const r of await db.q(`SELECT contributor_id, ${D}, datanet_id FROM ${t('contribution')} GROUP BY contributor_id, day, datanet_id ORDER BY day`)) {
      const d = Number(r.day)
      contributorDatanets.add(r.contributor_id, d, r.datanet_id)
      const months = contributorMonths.get(r.contributor_id) ?? []
      if (!months.length || bucketStart(months[months.length - 1], 'month') !== bucketStart(d, 'month')) months.push(d)
      contributorMonths.set(r.contributor_id, months)
    }
    contributorDatanets.seal()

    // serving compute per (model, operator): committed CPU µs, and the inferences of batches with none committed
    const serving = new Cumulative()
    for (const r of await db.q(
      `SELECT model_id, operator_id, ${D}, toString(count()) AS rows, toString(sum(cpu_micros)) AS cpu FROM ${t('serving_cost')} GROUP BY model_id, operator_id, day ORDER BY model_id, operator_id, day`,
    ))
      serving.add(`${r.model_id}\u0000${r.operator_id}`, Number(r.day), big(r, ['rows', 'cpu']))
    const uncommitted = new Cumulative()
    for (const r of await db.q(
      `SELECT model_id, operator_id, ${D}, toString(count()) AS rows, toString(sum(units)) AS units, toString(count()) AS n FROM ${t('inference')}
       WHERE concat(batch_id, '-', model_id) NOT IN (SELECT id FROM ${t('serving_cost')}) GROUP BY model_id, operator_id, day ORDER BY model_id, operator_id, day`,
    ))
      uncommitted.add(`${r.model_id}\u0000${r.operator_id}`, Number(r.day), big(r, ['rows', 'units', 'n']))

    // the ledgers behind liabilities, balances and runway
    const ledger = new DayLedger()
    // a stake's principal counts from the day of each amount until the day it is paid out: an
    // amount on day d of a stake first unstaked on day u leaves on day max(d, u)
    const stakes = await db.q(
      `SELECT stake_id, ${D}, toString(sumIf(ifNull(amount, 0), kind IN ('staked', 'opened', 'topped_up'))) AS a, countIf(kind = 'unstaked') AS out
       FROM ${t('stake_event')} GROUP BY stake_id, day ORDER BY stake_id, day`,
    )
    const paidOut = new Map<string, number>()
    for (const r of stakes) if (Number(r.out) > 0 && !paidOut.has(r.stake_id)) paidOut.set(r.stake_id, Number(r.day))
    for (const r of stakes) {
      const d = Number(r.day)
      ledger.add('stake_in', d, BigInt(r.a))
      const u = paidOut.get(r.stake_id)
      if (u !== undefined) ledger.add('stake_out', Math.max(d, u), BigInt(r.a))
    }
    const addresses = [...new Set([db.cfg.treasury, db.cfg.distributor, db.cfg.stakingBank].filter((a): a is string => !!a).map((a) => a.toLowerCase()))]
    for (const r of await db.q(
      `SELECT 'creator_paid' AS k, ${D}, toString(count()) AS n, toString(sum(amount)) AS a FROM ${t('creator_payout')} GROUP BY day
       UNION ALL SELECT 'operator_paid', ${D}, toString(count()), toString(sum(amount)) FROM ${t('operator_payout')} GROUP BY day
       UNION ALL SELECT 'attributed', ${D}, toString(count()), toString(sum(amount)) FROM ${t('attribution_payout')} GROUP BY day
       UNION ALL SELECT 'deposited', ${D}, toString(count()), toString(sum(amount)) FROM ${t('escrow_movement')} WHERE kind = 'deposit' GROUP BY day
       UNION ALL SELECT 'withdrawn', ${D}, toString(count()), toString(sum(amount)) FROM ${t('escrow_movement')} WHERE kind = 'withdrawal' GROUP BY day
       UNION ALL SELECT concat('in:', to_id), ${D}, toString(count()), toString(sum(amount)) FROM ${t('token_transfer')} WHERE to_id IN {addresses:Array(String)} GROUP BY to_id, day
       UNION ALL SELECT concat('out:', from_id), ${D}, toString(count()), toString(sum(amount)) FROM ${t('token_transfer')} WHERE from_id IN {addresses:Array(String)} GROUP BY from_id, day
       UNION ALL SELECT concat('released:', schedule_id), ${D}, toString(count()), toString(sum(amount)) FROM ${t('vesting_release')} GROUP BY schedule_id, day`,
      { addresses },
    ))
      ledger.add(r.k, Number(r.day), BigInt(r.a), BigInt(r.n))

    const slashes = new Cumulative()
    for (const r of await db.q(
      `SELECT ${D}, toString(count()) AS n, toString(sum(amount)) AS amount, toString(sum(to_treasury)) AS treasury, toString(sum(to_burn)) AS burn FROM ${t('slash')} GROUP BY day ORDER BY day`,
    ))
      slashes.add('', Number(r.day), big(r, ['n', 'amount', 'treasury', 'burn']))
    // each agent's last stake change of each day, by (block, id) as the warehouse path's argMax
    const agentStakes = new Map<string, { days: number[]; stake: string[]; kind: string[] }>()
    for (const r of await db.q(
      `SELECT agent_id, ${D}, toString(argMax(stake_after, (block_number, id))) AS stake, argMax(kind, (block_number, id)) AS kind
       FROM ${t('agent_stake_change')} GROUP BY agent_id, day ORDER BY agent_id, day`,
    )) {
      const a = agentStakes.get(r.agent_id) ?? { days: [], stake: [], kind: [] }
      a.days.push(Number(r.day))
      a.stake.push(r.stake)
      a.kind.push(r.kind)
      agentStakes.set(r.agent_id, a)
    }
    const settledByPolicy = await db.q(`SELECT policy_version, count() AS n, toString(sum(fee)) AS fees FROM ${t('inference')} GROUP BY policy_version`)

    const [modelDims, datanetNames, operatorDims] = await Promise.all([
      db.pg.query<ModelDim>('select id, owner_id, retired from model'),
      db.pg.query<{ id: string; name: string }>('select id, name from datanet'),
      db.pg.query<OperatorDim>('select id, account_id, active, registered_at, removed_at from operator'),
    ])
    return {
      head: Number(journal?.head ?? -1),
      network,
      payers,
      models,
      datanets,
      contributors,
      operators,
      recipients,
      earners,
      contributorDatanets,
      contributorMonths,
      serving,
      uncommitted,
      ledger: ledger.into(new Cumulative()),
      slashes,
      agentStakes,
      settledByPolicy,
      modelDims: new Map(modelDims.rows.map((m) => [m.id, m])),
      datanetNames: new Map(datanetNames.rows.map((d) => [d.id, d.name])),
      operatorDims: operatorDims.rows,
      builtInMs: Date.now() - t0,
    }
  }
}
