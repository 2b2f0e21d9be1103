// The sustainability metrics (definitions in docs/METRICS.md) behind one facade. This folder is
// the only place the analytics SQL lives: the GraphQL API, the dashboard and the governance report
// call `Metrics`. Facts come from ClickHouse; the few small dimension tables (vesting schedules,
// names, policy versions, operators) from the Postgres record. Amounts are bigint base units;
// ratios are exact decimal strings computed from integers; unknown is null, never zero.
//
// types.ts      output and input types (the GraphQL SDL is checked against them)
// exact.ts      exact ratios, concentration, the vesting curve
// sql.ts        the query context, period bounds, buckets
// network.ts    fees, revenue, incentives, earnings per bucket
// breakdown.ts  per model, datanet, contributor, fee-policy version
// health.ts     retention, concentration, model decay
// supply.ts     unlock overhang, runway, price-to-fees
// participants.ts agents and operators
// assumptions.ts the cost-assumptions file
// governance.ts block range, the month's changes, self-paid traffic
// upkeep.ts     upkeep cost with provenance, maintenance coverage, margins, real yield
// coverage.ts   which contracts each metric needs: on a partial network, null with the reason
// served.ts     any period (and times at midnight) from sums held in memory per block timestamp
//               (day-sums.ts, day-facts.ts); upkeep of a period that is not whole days, times
//               inside a day, blockRange and changes (the monthly report's provenance) read the facts
// wash.ts       wash-trading signal per operator (payers it funded)
// outlook.ts    if incentives stopped; break-even projection
// whatif.ts     governance what-ifs: the period replayed under another split or price
import type pg from 'pg'
import type { Warehouse } from '../warehouse/client'
import * as breakdown from './breakdown'
import * as governance from './governance'
import * as health from './health'
import * as network from './network'
import * as participants from './participants'
import { Sql } from './sql'
import * as supply from './supply'
import * as upkeepCost from './upkeep'
import * as wash from './wash'
import * as outlook from './outlook'
import { DayAggregates } from './served'
import { Coverage, type Family } from './coverage'
import * as whatif from './whatif'
import type { Interval, MetricsConfig, Period } from './types'

export * from './types'
export { OPEN_DECIMALS, TOTAL_SUPPLY, concentrationOf, ratio, vestedAt } from './exact'
export { readAssumptions, type Assumptions } from './assumptions'
export { WASH_THRESHOLD } from './wash'
export type { AssumptionOverrides } from './upkeep'
export { Coverage, POINT_NEEDS, FAMILY_NEEDS, LIABILITY_NEEDS, type Family } from './coverage'
export { parseMultiplier, parseSplit, splitText, PARTIES, type Split, type WhatIfScenario } from './whatif'

export class Metrics {
  private readonly s: Sql
  /** whole-day answers held in memory (src/analytics/served.ts), when enabled */
  readonly served: DayAggregates | undefined
  /** what this network has; a property (not a method) so the API's coalescing proxy passes it through */
  readonly coverage: Coverage
  private unsubscribe = () => {}

  constructor(w: Warehouse, pool: pg.Pool, cfg: MetricsConfig, opts: { served?: boolean } = {}) {
    this.s = new Sql(w, pool, cfg)
    this.coverage = new Coverage(cfg.contracts, !!cfg.treasury, cfg.nativeFees, cfg.network)
    if (opts.served) {
      const served = new DayAggregates(this.s)
      this.served = served
      // the warehouse flushed a batch (or a fork) in this process: the held sums are stale
      const off = w.onFlushed(() => served.invalidate())
      this.unsubscribe = () => {
        off()
        served.stop()
      }
      void served.rebuild()
    }
  }

  /** Stops following the warehouse's flushes. */
  close(): void {
    this.unsubscribe()
  }

  /**
   * The family's answer, or null when a contract it is computed from is not on this network
   * (`coverage.unavailable(family)` says why): never the 0 its empty tables would sum to.
   * Arguments are checked before, so bad input is refused on every network.
   */
  private async known<T>(family: Family, work: () => Promise<T> | T): Promise<T | null> {
    return this.coverage.unavailable(family) ? null : work()
  }

  async sustainability(p: Period, interval: Interval = 'day') {
    this.s.range(p)
    let r = (await this.served?.sustainability(p, interval)) ?? (await network.sustainability(this.s, p, interval))
    // the served day sums do not hold native fees: they join here on both paths
    if (this.coverage.nativeFees) r = await network.withNetworkFees(this.s, p, interval, r)
    if (this.coverage.complete) return r
    return { totals: this.coverage.maskPoint(r.totals), series: r.series.map((x) => this.coverage.maskPoint(x)) }
  }
  async models(p: Period, limit = 10) {
    this.s.range(p)
    return this.known('modelRevenue', async () => (await this.served?.models(p, limit)) ?? breakdown.models(this.s, p, limit))
  }
  async datanets(p: Period, limit = 10) {
    this.s.range(p)
    return this.known('datanetRevenue', async () => (await this.served?.datanets(p, limit)) ?? breakdown.datanets(this.s, p, limit))
  }
  async contributors(p: Period, limit = 10, contributor?: string) {
    this.s.range(p)
    return this.known('contributorEarnings', async () => (await this.served?.contributors(p, limit, contributor)) ?? breakdown.contributors(this.s, p, limit, contributor))
  }
  feePolicyHistory() {
    return this.known('feePolicyHistory', async () => (await this.served?.feePolicyHistory()) ?? breakdown.feePolicyHistory(this.s))
  }
  async retention(p: Period) {
    this.s.range(p)
    return this.known('contributorRetention', async () => (await this.served?.retention(p)) ?? health.retention(this.s, p))
  }
  async concentration(p: Period) {
    this.s.range(p)
    return this.known('payoutConcentration', async () => (await this.served?.concentration(p)) ?? health.concentration(this.s, p))
  }
  async modelDecay(at: Date, threshold = 0.5) {
    health.decayThreshold(threshold)
    return this.known('modelDecay', async () => (await this.served?.modelDecay(at, threshold)) ?? health.modelDecay(this.s, at, threshold))
  }
  unlockOverhang(at: Date) {
    return this.known('unlockOverhang', async () => (await this.served?.unlockOverhang(at)) ?? supply.unlockOverhang(this.s, at))
  }
  runway(at: Date) {
    return this.known('runway', async () => {
      const r = await (this.served?.runway(at) ?? supply.runway(this.s, at))
      return this.coverage.complete ? r : { ...r, liabilities: this.coverage.maskLiabilities(r.liabilities) }
    })
  }
  async priceToFees(at: Date, priceUsd: string) {
    supply.checkPriceUsd(priceUsd)
    return this.known('priceToFees', () => this.served?.priceToFees(at, priceUsd) ?? supply.priceToFees(this.s, at, priceUsd))
  }
  async agents(p: Period) {
    this.s.range(p)
    return this.known('agentMetrics', async () => (await this.served?.agents(p)) ?? participants.agents(this.s, p))
  }
  async operators(p: Period) {
    this.s.range(p)
    return this.known('operatorMetrics', async () => (await this.served?.operators(p)) ?? participants.operators(this.s, p))
  }
  async liabilities(at: Date) {
    const l = await (this.served?.liabilities(at) ?? supply.liabilities(this.s, at))
    return this.coverage.complete ? l : this.coverage.maskLiabilities(l)
  }
  blockRange(p: Period) {
    return governance.blockRange(this.s, p)
  }
  async tokenFlows(p: Period) {
    this.s.range(p)
    return this.known('tokenFlows', () => supply.tokenFlows(this.s, p))
  }
  async changes(p: Period) {
    this.s.range(p)
    return this.known('periodChanges', () => governance.changes(this.s, p))
  }
  async upkeep(p: Period, overrides: upkeepCost.AssumptionOverrides = {}) {
    this.s.range(p)
    upkeepCost.checkOverrides(overrides)
    return this.known('upkeepCoverage', async () => (await this.served?.upkeep(p, overrides)) ?? upkeepCost.upkeep(this.s, p, overrides))
  }
  async washTrading(p: Period, threshold?: string) {
    this.s.range(p)
    wash.washThreshold(threshold)
    return this.known('washTrading', () => wash.washTrading(this.s, p, threshold))
  }
  async outlook(at: Date, months = 6) {
    outlook.checkTrailing(months)
    return this.known('outlook', async () => (await this.served?.outlook(at, months)) ?? outlook.outlook(this.s, at, months))
  }
  // ---- governance what-ifs
  async whatIf(p: Period, scenario: whatif.WhatIfScenario, overrides: upkeepCost.AssumptionOverrides = {}) {
    this.s.range(p)
    upkeepCost.checkOverrides(overrides)
    return this.known('feeWhatIf', () => whatif.whatIf(this.s, p, scenario, overrides))
  }
}
