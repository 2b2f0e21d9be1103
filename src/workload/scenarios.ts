// Workload scenarios: the traffic shape of the seeded workload (src/workload/run.ts asks these
// hooks; everything else about the run is the same). `steady` is today's growth-only shape and
// its hooks are the identity: no draw from the workload's random stream, no extra transaction, so
// the steady chain is the same chain as before scenarios existed. The others answer the question
// "what happens after the hype cycle cools down":
//
//   boom-bust  demand rises to a peak a third of the way in, falls to a plateau at a quarter of the
//              peak; demand responds to price (elasticity 1.5 against the model's launch price);
//              paying apps churn after the peak; a model's demand decays unless its creator keeps
//              its adapter fresh (half of the creators do, monthly).
//   decline    demand falls steadily from the end level of steady to its start level; a third of
//              the paying apps churn over the run.
//   wash       steady traffic plus one operator faking traffic: it buys OPEN, funds a wallet of
//              its own, which funds sybil payers; their requests go to that operator, and the
//              operator sends its claimed infrastructure earnings back to its wallet (a loop).
//
// Every scenario is deterministic from the seed: its own draws come from a stream derived from the
// seed (never forked from the workload's stream, which would shift steady).
import { Rng } from '../util/rng'
import { UsageError } from '../util/errors'

export const SCENARIOS = ['steady', 'boom-bust', 'decline', 'wash'] as const
export type ScenarioName = (typeof SCENARIOS)[number]
export const DEFAULT_SCENARIO: ScenarioName = 'steady'

/** The scenario named on the command line, or a usage error that lists the choices. */
export function scenarioName(name: string): ScenarioName {
  if (!(SCENARIOS as readonly string[]).includes(name)) throw new UsageError(`unknown scenario "${name}" (expected one of: ${SCENARIOS.join(', ')})`)
  return name as ScenarioName
}

/** Index of the workload operator (0..2, ids 2..4) that fakes traffic in the wash scenario. */
export const WASH_OPERATOR = 1
/** In the wash scenario the last payer account is the operator's own wallet; the SYBILS before it are its sybil payers. */
export const WASH_SYBILS = 4

export interface ScenarioRun {
  readonly name: ScenarioName
  /** mean inferences on `day` before the weekday factor */
  demand(day: number, days: number, range: [number, number]): number
  /** demand factor of a model: price response and maintenance decay (1 under steady) */
  modelFactor(m: { id: bigint; price: bigint; registeredDay: number }, day: number): number
  /**
   * factor on the day's number of inferences: demand that responds to price and neglect, and the
   * traffic churned payers no longer bring (1 under steady). `payerWeights` are the non-agent
   * payers' base weights, by index.
   */
  volume(day: number, models: { id: bigint; price: bigint; registeredDay: number; retired: boolean }[], payerWeights: number[]): number
  /** whether payer `index` (non-agent payers only) has churned by `day` */
  churned(index: number, day: number): boolean
  /** the models whose creators refresh their adapter on `day` (maintenance), by id */
  maintenance(models: { id: bigint; registeredDay: number; retired: boolean }[], day: number): bigint[]
  /** record an adapter update (maintenance or the workload's own) */
  adapterUpdated(modelId: bigint, day: number): void
  /** record a model's launch price */
  registered(modelId: bigint, price: bigint, day: number): void
  /** the wash roles: the operator's wallet and sybil payer indices, or null */
  readonly wash: { operator: number; wallet: number; sybils: number[] } | null
}

export function scenarioRun(name: ScenarioName, seed: number, payers: number, days: number): ScenarioRun {
  if (name === 'steady') return new Steady()
  return new Shaped(name, seed, payers, days)
}

class Steady implements ScenarioRun {
  readonly name = 'steady' as const
  readonly wash = null
  // exactly the expression run.ts used before scenarios: the steady chain must not change
  demand(day: number, days: number, [a, b]: [number, number]): number {
    return a * Math.pow(b / a, day / days)
  }
  modelFactor(): number {
    return 1
  }
  volume(): number {
    return 1
  }
  churned(): boolean {
    return false
  }
  maintenance(): bigint[] {
    return []
  }
  adapterUpdated(): void {}
  registered(): void {}
}

const PEAK = 0.35
const PLATEAU_FROM = 0.6
const PLATEAU_OF_PEAK = 0.25
const ELASTICITY = 1.5
/** days a model keeps its demand after its last adapter update, and the decay after that */
const FRESH_DAYS = 30
const STALE_DAYS = 40

class Shaped implements ScenarioRun {
  private readonly churnDay = new Map<number, number>()
  private readonly maintainer = new Map<bigint, boolean>()
  private readonly launchPrice = new Map<bigint, bigint>()
  private readonly lastUpdate = new Map<bigint, number>()
  private readonly rng: Rng
  readonly wash: ScenarioRun['wash'] = null

  constructor(
    readonly name: Exclude<ScenarioName, 'steady'>,
    seed: number,
    payers: number,
    private readonly days: number,
  ) {
    // a stream of its own, derived from the seed: the workload's stream is left as steady has it
    this.rng = new Rng((Math.imul(seed ^ 0x5ce7a210, 0x01000193) >>> 0) & 0x7fffffff)
    const churn = name === 'boom-bust' ? { p: 0.5, from: PEAK, to: 0.85 } : name === 'decline' ? { p: 0.35, from: 0.1, to: 0.9 } : null
    for (let i = 0; i < payers; i++) {
      // the largest app (index 0) stays, so traffic never stops altogether
      if (churn && i > 0 && this.rng.chance(churn.p)) this.churnDay.set(i, this.rng.int(Math.floor(days * churn.from), Math.floor(days * churn.to)))
    }
    if (name === 'wash') {
      const wallet = payers - 1
      this.wash = { operator: WASH_OPERATOR, wallet, sybils: Array.from({ length: WASH_SYBILS }, (_, k) => wallet - WASH_SYBILS + k) }
    }
  }

  demand(day: number, days: number, [a, b]: [number, number]): number {
    if (this.name === 'wash') return a * Math.pow(b / a, day / days)
    if (this.name === 'decline') return b * Math.pow(a / b, day / days)
    const peakDay = days * PEAK
    const plateauDay = days * PLATEAU_FROM
    const peak = 2.5 * b
    const plateau = peak * PLATEAU_OF_PEAK
    if (day <= peakDay) return a * Math.pow(peak / a, day / peakDay)
    if (day <= plateauDay) return peak * Math.pow(plateau / peak, (day - peakDay) / (plateauDay - peakDay))
    return plateau
  }

  modelFactor(m: { id: bigint; price: bigint; registeredDay: number }, day: number): number {
    if (this.name !== 'boom-bust') return 1
    const p0 = this.launchPrice.get(m.id) ?? m.price
    // constant-elasticity demand: a price 10 % above launch sells ~13 % fewer units
    const price = Math.pow(Number(p0) / Number(m.price), ELASTICITY)
    const since = day - (this.lastUpdate.get(m.id) ?? m.registeredDay)
    const fresh = since <= FRESH_DAYS ? 1 : Math.exp(-(since - FRESH_DAYS) / STALE_DAYS)
    return price * fresh
  }

  volume(day: number, models: { id: bigint; price: bigint; registeredDay: number; retired: boolean }[], payerWeights: number[]): number {
    const live = models.filter((m) => !m.retired && m.registeredDay < day)
    const perModel = live.length ? live.reduce((a, m) => a + this.modelFactor(m, day), 0) / live.length : 1
    let all = 0
    let kept = 0
    payerWeights.forEach((w, i) => {
      all += w
      if (!this.churned(i, day)) kept += w
    })
    return perModel * (all > 0 ? kept / all : 1)
  }

  churned(index: number, day: number): boolean {
    const d = this.churnDay.get(index)
    return d !== undefined && day >= d
  }

  maintenance(models: { id: bigint; registeredDay: number; retired: boolean }[], day: number): bigint[] {
    if (this.name !== 'boom-bust') return []
    const out: bigint[] = []
    for (const m of models) {
      if (m.retired) continue
      if (!this.maintainer.has(m.id)) this.maintainer.set(m.id, this.rng.chance(0.5))
      const since = day - (this.lastUpdate.get(m.id) ?? m.registeredDay)
      if (this.maintainer.get(m.id) && since >= FRESH_DAYS) out.push(m.id)
    }
    return out
  }

  adapterUpdated(modelId: bigint, day: number): void {
    this.lastUpdate.set(modelId, day)
  }

  registered(modelId: bigint, price: bigint, day: number): void {
    this.launchPrice.set(modelId, price)
    this.lastUpdate.set(modelId, day)
  }
}
