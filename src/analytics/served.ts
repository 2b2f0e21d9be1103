// Answers without a full warehouse query. chDB runs one query at a time, so under load every
// analyst waited behind every other; the serving process instead holds day-level cumulative sums
// (network, per model, per datanet, per operator, per payout recipient, per contributor, serving
// cost per model and operator, the ledgers behind liabilities, balances and runway, slashes) and
// the last stake change per agent and day, and answers a whole-day period (or a time at midnight)
// in O(keys · log days). Contributor retention keeps, per contributor, the first day of each month
// they contributed in (exact: a month counts when that day is before the period's end). Distinct
// counts stay exact and mergeable (src/analytics/day-sums.ts, Distinct).
//
// A period that is not whole UTC days is answered from the whole days inside it (memory) and its
// partial edge days, at most two, read from the facts by the build's own per-day queries narrowed
// to those hours (src/analytics/day-facts.ts): sums add exactly (bigint), distinct ids of the edge
// days are united with the held days' ids. Upkeep coverage and the metrics at a time that is not
// midnight still go to the facts.
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
import { Cumulative, DayLedger, Distinct, EdgeDistinct, EdgeIds, EdgeSums, lowerBound, spanOf, type DayCounts, type DaySums } from './day-sums'
import { DAY_FAMILIES, NETWORK, emptyDayFacts, monthStart, readBlockSpans, readDays, timeRanges, type DayFacts, type DayFamily } from './day-facts'
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

interface Built extends DayFacts<Distinct> {
  /** the warehouse head (journaled 'done') the sums were read at */
  head: number
  /** per day with facts: the lowest and highest block of its rows (the edge days' reads are narrowed to it) */
  blockSpans: Map<number, [string, string]>
  /** model registrations (epoch ms, deployment fee), in time order: a period's edge days are summed from them */
  registrations: { t: number; fee: bigint }[]
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

/** A period's sums: the whole days held in memory, plus its partial edge days read from the facts. */
interface View {
  b: Built
  /** the days the period touches, [d0, d1) */
  d0: number
  d1: number
  /** the day the period ends in (its end is midnight of z, or inside z) */
  z: number
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
  /** [midnight of z, to) when the period ends inside a day: the families asked for it, else undefined */
  endEdge: DayFacts<EdgeIds> | undefined
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
  /** a warehouse write is under way (its rows may be half visible): the edge days are not read then */
  private writing = false
  /** bumped when a write starts and when it ends: an edge read that spans either is not used */
  private writes = 0
  private readonly log = logger('served')

  constructor(private readonly db: Sql) {}

  /** The warehouse starts writing (a batch, a fork's deletes): partial days go to the facts until it is done. */
  writeStarted(): void {
    this.writing = true
    this.writes++
  }

  /** The warehouse made new facts visible (a batch or a fork): stop answering from memory, rebuild. */
  invalidate(): void {
    this.writing = false
    this.writes++
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

  /** The sums, when they can answer the period from memory alone (whole days, built after the last flush). */
  private ready(p: Period): Built | undefined {
    return wholeDays(p) && p.from < p.to ? this.built : undefined
  }

  /**
   * The period's sums: whole days from memory, and the partial edge days (at most two, one day
   * each) of the families asked for read from the facts; `toEnd` families are read for
   * [midnight, to) of the last day only (metrics "before the end" of the period). Undefined when
   * nothing is built, or a warehouse write began or ended while the edges were read: the held
   * sums and the edge rows would then not be one state of the facts, so the facts answer.
   */
  private async view(p: Period, families: readonly DayFamily[], toEnd: readonly DayFamily[] = []): Promise<View | undefined> {
    const b = this.built
    if (!b || !(p.from < p.to)) return undefined
    const s = spanOf(p)
    if (!s.edges.length) return this.wholeView(b, s.d0, s.d1)
    if (this.writing) return undefined
    const writes = this.writes
    const edge = emptyDayFacts(() => new EdgeIds())
    const endEdge = s.endEdge && toEnd.length ? emptyDayFacts(() => new EdgeIds()) : undefined
    // chDB answers one query at a time: the edge families one after the other (none on a day with no rows)
    const edges = timeRanges(s.edges, b.blockSpans)
    if (families.length && edges) await readDays(this.db, edges, families, edge)
    const end = endEdge && timeRanges([s.endEdge!], b.blockSpans)
    if (endEdge && end) await readDays(this.db, end, toEnd, endEdge)
    if (this.built !== b || this.writes !== writes || this.writing) return undefined
    if (families.includes('network'))
      for (const e of s.edges) {
        // deployment fees come from the model registrations (Postgres), held with the sums
        const regs = b.registrations.filter((r) => r.t >= e.from.getTime() && r.t < e.to.getTime())
        if (regs.length) edge.network.add('deployments', e.day, [BigInt(regs.length), regs.reduce((x, r) => x + r.fee, 0n)])
      }
    const sums = (held: Cumulative, e: Cumulative) => new EdgeSums(held, e, s.a, s.z)
    const ids = (held: Distinct, e: EdgeIds) => new EdgeDistinct(held, e, s.a, s.z)
    return {
      b,
      d0: s.d0,
      d1: s.d1,
      z: s.z,
      network: sums(b.network, edge.network),
      payers: ids(b.payers, edge.payers),
      models: sums(b.models, edge.models),
      datanets: sums(b.datanets, edge.datanets),
      contributors: ids(b.contributors, edge.contributors),
      earners: sums(b.earners, edge.earners),
      contributorDatanets: ids(b.contributorDatanets, edge.contributorDatanets),
      operators: sums(b.operators, edge.operators),
      recipients: sums(b.recipients, edge.recipients),
      slashes: sums(b.slashes, edge.slashes),
      endEdge,
    }
  }

  /** Whole days [a, z) from memory alone. */
  private wholeView(b: Built, a: number, z: number): View {
    return { ...b, b, d0: a, d1: z, z, endEdge: undefined }
  }

  async sustainability(p: Period, interval: Interval): Promise<{ totals: SustainabilityPoint; series: SustainabilityPoint[] } | undefined> {
    const v = await this.view(p, ['network'])
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
    const v = await this.view(p, ['models'])
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
    const v = await this.view(p, ['datanets'])
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
    const v = await this.view(p, ['operators'])
    if (!v) return undefined
    // ORDER BY sum(infra_share) DESC, operator_id
    const rows = v.operators
      .all(v.d0, v.d1)
      .sort(([x, s], [y, t]) => (s[3] !== t[3] ? (s[3] > t[3] ? -1 : 1) : x < y ? -1 : x > y ? 1 : 0))
      .map(([id, s]) => ({ operator_id: id, n: s[1].toString(), fees: s[2].toString(), infra: s[3].toString() }))
    return operatorMetricsOf(rows, v.b.operatorDims, p)
  }

  async concentration(p: Period): Promise<Concentration | undefined> {
    const v = await this.view(p, ['recipients'])
    return v && concentrationOf(v.recipients.all(v.d0, v.d1).map(([, s]) => s[0]))
  }

  /** The sums, when they can answer for a time: midnight UTC, built after the last flush. */
  private readyAt(at: Date): Built | undefined {
    return at.getTime() % DAY_MS === 0 ? this.built : undefined
  }

  async agents(p: Period): Promise<AgentMetrics | undefined> {
    const v = await this.view(p, ['network', 'slashes'], ['agentStakes'])
    if (!v) return undefined
    const inf = v.network.sumOr0('inf', v.d0, v.d1, NETWORK.inf.length)
    const [n, amount, treasury, burn] = v.slashes.sumOr0('', v.d0, v.d1, 4)
    // stake at the end: each agent's last change on the days before z, or in z before the end
    const last = new Map<string, Row>()
    for (const [agent, s] of v.b.agentStakes) {
      const i = lowerBound(s.days, v.z) - 1
      if (i >= 0) last.set(agent, { agent_id: agent, stake: s.stake[i], kind: s.kind[i] })
    }
    for (const [agent, s] of v.endEdge?.agentStakes ?? []) last.set(agent, { agent_id: agent, stake: s.stake[s.stake.length - 1], kind: s.kind[s.kind.length - 1] })
    return agentMetricsOf(
      { agent: inf[9].toString(), gross: inf[3].toString() },
      { n: n.toString(), amount: amount.toString(), treasury: treasury.toString(), burn: burn.toString() },
      [...last.values()],
    )
  }

  async retention(p: Period): Promise<RetentionCohort[] | undefined> {
    // contributions before the end: whole days before z from memory, [midnight, to) of z from the facts
    const v = await this.view({ from: new Date(Math.floor(p.from.getTime() / DAY_MS) * DAY_MS), to: p.to }, [], ['contributions'])
    if (!v) return undefined
    const rows: Row[] = []
    for (const who of new Set([...v.b.contributorMonths.keys(), ...(v.endEdge?.contributorMonths.keys() ?? [])])) {
      const months = (v.b.contributorMonths.get(who) ?? []).filter((d) => d < v.z).map(monthStart)
      for (const d of v.endEdge?.contributorMonths.get(who) ?? []) if (!months.includes(monthStart(d))) months.push(monthStart(d))
      for (const m of months) rows.push({ contributor_id: who, month: dayText(m) })
    }
    return retentionOf(rows, p)
  }

  async contributors(p: Period, limit: number, contributor?: string): Promise<ContributorEarnings[] | undefined> {
    const v = await this.view(p, ['earners', 'contributions'])
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
        const inf = b.network.sumOr0('inf', day(w.from), day(w.to), NETWORK.inf.length)
        return {
          ...w,
          // the maintainers' shares: creator, contributors, infrastructure
          fee: inf[4] + inf[5] + inf[6],
          incentives: b.network.sumOr0('incentives', day(w.from), day(w.to), NETWORK.incentives.length)[1],
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
    const days = emptyDayFacts(() => new Distinct())
    await readDays(db, null, DAY_FAMILIES, days)
    const blockSpans = await readBlockSpans(db)
    for (const d of [days.payers, days.contributors, days.contributorDatanets]) d.seal()
    const registrations = (
      await db.pg.query<{ t: string; fee: string }>(`select (extract(epoch from registered_at) * 1000)::bigint::text as t, deployment_fee::text as fee from model order by registered_at`)
    ).rows.map((r) => ({ t: Number(r.t), fee: BigInt(r.fee) }))
    const deployments = new DayLedger()
    for (const r of registrations) deployments.add('deployments', Math.floor(r.t / DAY_MS), r.fee)
    deployments.into(days.network)

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
      ...days,
      head: Number(journal?.head ?? -1),
      blockSpans,
      registrations,
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
