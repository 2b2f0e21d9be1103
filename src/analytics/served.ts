// Answers without a warehouse query. chDB runs one query at a time, so under load every analyst
// waited behind every other; the serving process instead holds running sums per block timestamp
// (network, per model, per datanet, per operator, per payout recipient, per contributor, slashes:
// only the timestamps with rows, so memory follows the events, not the blocks), exact distinct ids
// per timestamp (payers, contributors per datanet, datanets per contributor), the last stake change
// per agent and timestamp, and per contributor the time of their first contribution in each month
// (a month counts when that time is before the period's end). Any period, whole days or not, is
// answered from memory: its days [x, y) are the times [max(x, from), min(y, to)), each sum two
// binary searches and a subtraction (bigint, exact), each distinct count exact over that range
// (src/analytics/day-sums.ts). Serving cost per model and operator and the ledgers behind
// liabilities, balances and runway are held per day: upkeep coverage of a period that is not
// whole days, and the metrics at a time that is not midnight, still go to the facts.
//
// The sums are read from the facts once (rebuild) and again after every warehouse flush that
// makes a batch's facts visible (forks included: the sink flushes the fork's deletes too); while a
// rebuild runs, answers come from the warehouse as before, so an answer is never older than the
// facts. The arithmetic that turns sums into answers is the warehouse path's own
// (sustainabilityPoint, modelRevenueOf, ...), so both paths give equal answers.
import { concentrationOf } from './exact'
import { sustainabilityPoint, type SustainabilityPart } from './network'
import { contributorEarningsOf, datanetRevenueOf, feePolicyHistoryOf, modelRevenueOf, type FeePolicyVersion, type ModelDim } from './breakdown'
import { decayThreshold, modelDecayOf, retentionOf } from './health'
import { agentMetricsOf, operatorMetricsOf, type OperatorDim } from './participants'
import { checkPriceUsd, liabilitiesOf, priceToFeesOf, runwayOf, unlockOverhangOf, type VestingSchedule } from './supply'
import { upkeepOf, type AssumptionOverrides } from './upkeep'
import { checkTrailing, outlookOf, outlookWindows } from './outlook'
import { DAY_MS, wholeDays, type Row, type Sql } from './sql'
import { Clipped, Cumulative, DayLedger, Distinct, lowerBound, type DayCounts, type DaySums } from './day-sums'
import { DAY_FAMILIES, NETWORK, emptyDayFacts, monthStart, readDays, type DayFacts } from './day-facts'
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
  Outlook,
  Period,
  PriceToFees,
  RetentionCohort,
  Runway,
  SustainabilityPoint,
  UnlockOverhang,
  UpkeepCoverage,
} from './types'
import { logger } from '../util/log'

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

interface Built {
  /** the warehouse head (journaled 'done') the sums were read at */
  head: number
  /** the families per block timestamp (ms); network's deployments are the model registrations (Postgres) */
  held: DayFacts<Distinct>
  /** network, models and operators by whole days (for the metrics at midnight and whole-day upkeep) */
  days: { network: DaySums; models: DaySums; operators: DaySums }
  /** per (model, operator): [rows, committed CPU µs] and [rows, units, inferences] of batches with none committed */
  serving: Cumulative
  uncommitted: Cumulative
  /** [rows, amount] per ledger key: stake_in / stake_out (principal of stakes not paid out = in − out),
   *  creator_paid, operator_paid, attributed, deposited, withdrawn, in:<address>, out:<address>, released:<schedule> */
  ledger: Cumulative
  /** what was settled under each fee-policy version (policy_version, n, fees), over all time */
  settledByPolicy: Row[]
  modelDims: Map<string, ModelDim>
  datanetNames: Map<string, string>
  operatorDims: OperatorDim[]
  builtInMs: number
}

/** A period's sums: the families asked by days, each day clipped to the period's [from, to). */
interface View {
  b: Built
  /** the days the period touches, [d0, d1) */
  d0: number
  d1: number
  /** the period's end (ms) */
  to: number
  network: DaySums
  payers: DayCounts
  models: DaySums
  datanets: DaySums
  contributors: DayCounts
  earners: DaySums
  contributorDatanets: DayCounts
  operators: DaySums
  recipients: DaySums
  slashes: DaySums
}

export interface ServedStatus {
  /** whether whole-day periods are answered from memory now */
  ready: boolean
  /** the warehouse head the day aggregates were read at, null before the first build */
  head: number | null
  /** (key, timestamp) and (key, day) entries held */
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

  /** Warehouse queries made through this process's query context so far (builds, and any answer that needed one). */
  get warehouseQueries(): number {
    return this.db.queries
  }

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
        ? [b.held.network, b.held.models, b.held.datanets, b.held.operators, b.held.recipients, b.held.earners, b.serving, b.uncommitted, b.ledger, b.held.slashes].reduce(
            (n, c) => n + c.size,
            0,
          ) +
          [b.held.payers, b.held.contributors, b.held.contributorDatanets].reduce((n, d) => n + d.size, 0) +
          [...b.held.agentStakes.values()].reduce((n, a) => n + a.at.length, 0) +
          [...b.held.contributorMonths.values()].reduce((n, m) => n + m.length, 0)
        : 0,
      buildMs: b?.builtInMs ?? null,
      builds: this.builds,
    }
  }

  /** The sums, when they can answer the period from memory alone (whole days, built after the last flush). */
  private ready(p: Period): Built | undefined {
    return wholeDays(p) && p.from < p.to ? this.built : undefined
  }

  /** The period's sums from memory (undefined when nothing is built). */
  private view(p: Period): View | undefined {
    const b = this.built
    return b && p.from < p.to ? this.viewOf(b, p.from.getTime(), p.to.getTime()) : undefined
  }

  /** The families over [from, to) (ms), asked by days. */
  private viewOf(b: Built, from: number, to: number): View {
    const h = b.held
    const c = (x: Cumulative | Distinct) => new Clipped(x, from, to)
    return {
      b,
      d0: Math.floor(from / DAY_MS),
      d1: Math.ceil(to / DAY_MS),
      to,
      network: c(h.network),
      payers: c(h.payers),
      models: c(h.models),
      datanets: c(h.datanets),
      contributors: c(h.contributors),
      earners: c(h.earners),
      contributorDatanets: c(h.contributorDatanets),
      operators: c(h.operators),
      recipients: c(h.recipients),
      slashes: c(h.slashes),
    }
  }

  /** Whole days [a, z). */
  private wholeView(b: Built, a: number, z: number): View {
    return this.viewOf(b, a * DAY_MS, z * DAY_MS)
  }

  async sustainability(p: Period, interval: Interval): Promise<{ totals: SustainabilityPoint; series: SustainabilityPoint[] } | undefined> {
    const v = this.view(p)
    return v && this.sustainabilityOf(v, interval)
  }

  private sustainabilityOf(v: View, interval: Interval): { totals: SustainabilityPoint; series: SustainabilityPoint[] } {
    const parts = Object.keys(NETWORK) as SustainabilityPart[]
    const rowOf = (part: SustainabilityPart, from: number, to: number): Row | undefined => {
      const s = v.network.sum(part, from, to)
      if (!s || s[0] === 0n) return undefined
      const row: Row = {}
      NETWORK[part].forEach((f, i) => (row[f] = s[i].toString()))
      if (part === 'inf') row.payers = String(v.payers.count('', from, to))
      return row
    }
    const series: SustainabilityPoint[] = []
    for (let s = bucketStart(v.d0, interval); s < v.d1; s = nextBucket(s, interval)) {
      const from = Math.max(s, v.d0)
      const to = Math.min(nextBucket(s, interval), v.d1)
      const rows = new Map(parts.map((k) => [k, rowOf(k, from, to)]))
      if ([...rows.values()].some(Boolean)) series.push(sustainabilityPoint(dayText(s), (k) => rows.get(k)))
    }
    const totals = new Map(parts.map((k) => [k, rowOf(k, v.d0, v.d1)]))
    return { totals: sustainabilityPoint(dayText(v.d0), (k) => totals.get(k) ?? {}), series }
  }

  async models(p: Period, limit: number): Promise<ModelRevenue[] | undefined> {
    const v = this.view(p)
    if (!v) return undefined
    const rows = v.models
      .all(v.d0, v.d1)
      .map(([id, s]) => ({ id, amount: s[3], s }))
      .sort(byAmountThenId)
      .slice(0, limit)
      .map(({ id, s }) => ({ model_id: id, inferences: s[1].toString(), units: s[2].toString(), fees: s[3].toString(), creator: s[4].toString(), contributors: s[5].toString(), paid: s[6].toString() }))
    return modelRevenueOf(rows, v.b.modelDims)
  }

  async datanets(p: Period, limit: number): Promise<DatanetRevenue[] | undefined> {
    const v = this.view(p)
    if (!v) return undefined
    const rows = v.datanets
      .all(v.d0, v.d1)
      .map(([id, s]) => ({ id, amount: s[1], s }))
      .sort(byAmountThenId)
      .slice(0, limit)
      .map(({ id, s }) => ({ datanet_id: id, paid: s[1].toString(), payouts: s[2].toString(), contributions: s[3].toString(), people: String(v.contributors.count(id, v.d0, v.d1)) }))
    return datanetRevenueOf(rows, v.b.datanetNames)
  }

  async operators(p: Period): Promise<OperatorMetrics | undefined> {
    const v = this.view(p)
    if (!v) return undefined
    // ORDER BY sum(infra_share) DESC, operator_id
    const rows = v.operators
      .all(v.d0, v.d1)
      .sort(([x, s], [y, t]) => (s[3] !== t[3] ? (s[3] > t[3] ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
      .map(([id, s]) => ({ operator_id: id, n: s[1].toString(), fees: s[2].toString(), infra: s[3].toString() }))
    return operatorMetricsOf(rows, v.b.operatorDims, p)
  }

  async concentration(p: Period): Promise<Concentration | undefined> {
    const v = this.view(p)
    return v && concentrationOf(v.recipients.all(v.d0, v.d1).map(([, s]) => s[0]))
  }

  /** The sums, when they can answer for a time: midnight UTC, built after the last flush. */
  private readyAt(at: Date): Built | undefined {
    return at.getTime() % DAY_MS === 0 ? this.built : undefined
  }

  async agents(p: Period): Promise<AgentMetrics | undefined> {
    const v = this.view(p)
    if (!v) return undefined
    const inf = v.network.sumOr0('inf', v.d0, v.d1, NETWORK.inf.length)
    const [n, amount, treasury, burn] = v.slashes.sumOr0('', v.d0, v.d1, 4)
    // stake at the end: each agent's last change before it
    const last: Row[] = []
    for (const [agent, s] of v.b.held.agentStakes) {
      const i = lowerBound(s.at, v.to) - 1
      if (i >= 0) last.push({ agent_id: agent, stake: s.stake[i], kind: s.kind[i] })
    }
    return agentMetricsOf(
      { agent: inf[9].toString(), gross: inf[3].toString() },
      { n: n.toString(), amount: amount.toString(), treasury: treasury.toString(), burn: burn.toString() },
      last,
    )
  }

  async retention(p: Period): Promise<RetentionCohort[] | undefined> {
    // the months each contributor contributed in before the end: their first contribution in it is before it
    const b = this.built
    if (!b || !(p.from < p.to)) return undefined
    const to = p.to.getTime()
    const rows: Row[] = []
    for (const [who, firsts] of b.held.contributorMonths)
      for (let i = 0; i < firsts.length && firsts[i] < to; i++) rows.push({ contributor_id: who, month: dayText(monthStart(firsts[i])) })
    return retentionOf(rows, p)
  }

  async contributors(p: Period, limit: number, contributor?: string): Promise<ContributorEarnings[] | undefined> {
    const v = this.view(p)
    if (!v) return undefined
    const [a, z] = [v.d0, v.d1]
    const only = contributor?.toLowerCase()
    // ORDER BY sum(attribution) DESC, who
    const rows = (only ? [[only, v.earners.sum(only, a, z)] as const].filter((x): x is readonly [string, bigint[]] => !!x[1]) : v.earners.all(a, z))
      .filter(([, s]) => s[0] > 0n)
      .sort(([x, s], [y, t]) => (s[1] !== t[1] ? (s[1] > t[1] ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
      .slice(0, limit)
    const contribs = rows
      .filter(([, s]) => s[3] > 0n)
      .map(([who, s]) => ({ contributor_id: who, n: s[3].toString(), d: String(v.contributorDatanets.count(who, a, z)) }))
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
    for (const [id] of b.days.models.all(z - 60, z)) {
      const last = b.days.models.sumOr0(id, z - 30, z, 8)
      const prev = b.days.models.sumOr0(id, z - 60, z - 30, 8)
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
    const inf = b.days.network.sumOr0('inf', 0, z, NETWORK.inf.length)
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
      rewardsEmissions90: this.sustainabilityOf(this.wholeView(b, z - 90, z), 'month').totals.rewardsEmissions!,
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
    return unlockOverhangOf(schedules.rows, released, now.days.network.sumOr0('inf', z - 30, z, NETWORK.inf.length)[3], at)
  }

  priceToFees(at: Date, priceUsd: string): PriceToFees | undefined {
    checkPriceUsd(priceUsd)
    const b = this.readyAt(at)
    if (!b) return undefined
    const z = day(at)
    return priceToFeesOf(priceUsd, b.days.network.sumOr0('burns', 0, z, 2)[1], b.days.network.sumOr0('inf', z - 30, z, NETWORK.inf.length)[3])
  }

  upkeep(p: Period, overrides: AssumptionOverrides): Promise<UpkeepCoverage> | undefined {
    const b = this.ready(p)
    if (!b) return undefined
    const a = day(p.from)
    const z = day(p.to)
    const split = (key: string) => key.split('\u0000')
    return upkeepOf(this.db, p, overrides, async () => ({
      // models with inferences in the period (attribution payouts alone do not list a model)
      usage: b.days.models
        .all(a, z)
        .filter(([, s]) => s[1] > 0n)
        .map(([id, s]) => ({ model_id: id, units: s[2].toString(), income: (s[4] + s[5]).toString(), creator: s[4].toString(), contributors: s[5].toString(), infra: s[7].toString() })),
      byOperator: b.days.operators
        .all(a, z)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([id, s]) => ({ operator_id: id, units: s[4].toString(), infra: s[3].toString() })),
      measured: b.serving.all(a, z).map(([k, s]) => ({ model_id: split(k)[0], operator_id: split(k)[1], cpu: s[1].toString() })),
      fallback: b.uncommitted.all(a, z).map(([k, s]) => ({ model_id: split(k)[0], operator_id: split(k)[1], units: s[1].toString(), n: s[2].toString() })),
      owed: this.owed(b, z),
      stakers: {
        interest: b.days.network.sumOr0('interest', a, z, NETWORK.interest.length)[1].toString(),
        emissions: b.days.network.sumOr0('incentives', a, z, NETWORK.incentives.length)[2].toString(),
      },
    }))
  }

  /** The outlook at midnight: each trailing 30-day window is whole days, so every figure comes from the held sums. */
  async outlook(at: Date, trailing: number): Promise<Outlook | undefined> {
    checkTrailing(trailing)
    const b = this.readyAt(at)
    if (!b) return undefined
    const windows = outlookWindows(at, trailing)
    const costs = await Promise.all(windows.map((w) => this.upkeep(w, {})))
    if (this.built !== b) return undefined
    return outlookOf(
      at,
      windows.map((w, k) => {
        const inf = b.days.network.sumOr0('inf', day(w.from), day(w.to), NETWORK.inf.length)
        return {
          ...w,
          // the maintainers' shares: creator, contributors, infrastructure
          fee: inf[4] + inf[5] + inf[6],
          incentives: b.days.network.sumOr0('incentives', day(w.from), day(w.to), NETWORK.incentives.length)[1],
          cost: costs[k]!.upkeepCost,
        }
      }),
    )
  }

  /** Reads every day's sums from the facts (and the few dimension rows from Postgres). */
  private async read(): Promise<Built> {
    const t0 = Date.now()
    const db = this.db
    const t = (x: string) => db.t(x)
    const D = 'toUInt32(toDate(timestamp)) AS day'
    const [journal] = await db.q(`SELECT toString(ifNull(max(head), -1)) AS head FROM ${t('_sync')} WHERE kind = 'done'`)
    const held = emptyDayFacts(() => new Distinct())
    await readDays(db, DAY_FAMILIES, held)
    for (const d of [held.payers, held.contributors, held.contributorDatanets]) d.seal()
    // deployment fees at the time of each model's registration (Postgres)
    const deployments = new DayLedger()
    for (const r of (await db.pg.query<{ t: string; fee: string }>(`select (extract(epoch from registered_at) * 1000)::bigint::text as t, deployment_fee::text as fee from model`)).rows)
      deployments.add('deployments', Number(r.t), BigInt(r.fee))
    deployments.into(held.network)

    // serving compute per (model, operator): committed CPU µs, and the inferences of batches with none committed
    const serving = new Cumulative()
    for (const r of await db.q(
      `SELECT model_id, operator_id, ${D}, toString(count()) AS rows, toString(sum(cpu_micros)) AS cpu FROM ${t('serving_cost')} GROUP BY model_id, operator_id, day ORDER BY model_id, operator_id, day`,
    ))
      serving.add(`${r.model_id}\u0000${r.operator_id}`, Number(r.day), [BigInt(r.rows), BigInt(r.cpu)])
    const uncommitted = new Cumulative()
    for (const r of await db.q(
      `SELECT model_id, operator_id, ${D}, toString(count()) AS rows, toString(sum(units)) AS units, toString(count()) AS n FROM ${t('inference')}
       WHERE concat(batch_id, '-', model_id) NOT IN (SELECT id FROM ${t('serving_cost')}) GROUP BY model_id, operator_id, day ORDER BY model_id, operator_id, day`,
    ))
      uncommitted.add(`${r.model_id}\u0000${r.operator_id}`, Number(r.day), [BigInt(r.rows), BigInt(r.units), BigInt(r.n)])

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

    const settledByPolicy = await db.q(`SELECT policy_version, count() AS n, toString(sum(fee)) AS fees FROM ${t('inference')} GROUP BY policy_version`)

    const [modelDims, datanetNames, operatorDims] = await Promise.all([
      db.pg.query<ModelDim>('select id, owner_id, retired from model'),
      db.pg.query<{ id: string; name: string }>('select id, name from datanet'),
      db.pg.query<OperatorDim>('select id, account_id, active, registered_at, removed_at from operator'),
    ])
    return {
      head: Number(journal?.head ?? -1),
      held,
      days: { network: new Clipped(held.network), models: new Clipped(held.models), operators: new Clipped(held.operators) },
      serving,
      uncommitted,
      ledger: ledger.into(new Cumulative()),
      settledByPolicy,
      modelDims: new Map(modelDims.rows.map((m) => [m.id, m])),
      datanetNames: new Map(datanetNames.rows.map((d) => [d.id, d.name])),
      operatorDims: operatorDims.rows,
      builtInMs: Date.now() - t0,
    }
  }
}
