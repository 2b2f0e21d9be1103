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
// served.ts     whole-day periods (and times at midnight) from day-level sums held in memory;
//               blockRange and changes (the monthly report's provenance) still read the facts
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
import * as whatif from './whatif'
import type { Interval, MetricsConfig, Period } from './types'

export * from './types'
export { OPEN_DECIMALS, TOTAL_SUPPLY, concentrationOf, ratio, vestedAt } from './exact'
export { readAssumptions, type Assumptions } from './assumptions'
export { WASH_THRESHOLD } from './wash'
export type { AssumptionOverrides } from './upkeep'
export { parseMultiplier, parseSplit, splitText, PARTIES, type Split, type WhatIfScenario } from './whatif'

export class Metrics {
  private readonly s: Sql
  /** whole-day answers held in memory (src/analytics/served.ts), when enabled */
  readonly served: DayAggregates | undefined
  private unsubscribe = () => {}

  constructor(w: Warehouse, pool: pg.Pool, cfg: MetricsConfig, opts: { served?: boolean } = {}) {
    this.s = new Sql(w, pool, cfg)
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

  async sustainability(p: Period, interval: Interval = 'day') {
    this.s.range(p)
    return this.served?.sustainability(p, interval) ?? network.sustainability(this.s, p, interval)
  }
  async models(p: Period, limit = 10) {
    this.s.range(p)
    return this.served?.models(p, limit) ?? breakdown.models(this.s, p, limit)
  }
  async datanets(p: Period, limit = 10) {
    this.s.range(p)
    return this.served?.datanets(p, limit) ?? breakdown.datanets(this.s, p, limit)
  }
  async contributors(p: Period, limit = 10, contributor?: string) {
    this.s.range(p)
    return this.served?.contributors(p, limit, contributor) ?? breakdown.contributors(this.s, p, limit, contributor)
  }
  async feePolicyHistory() {
    return (await this.served?.feePolicyHistory()) ?? breakdown.feePolicyHistory(this.s)
  }
  async retention(p: Period) {
    this.s.range(p)
    return this.served?.retention(p) ?? health.retention(this.s, p)
  }
  async concentration(p: Period) {
    this.s.range(p)
    return this.served?.concentration(p) ?? health.concentration(this.s, p)
  }
  async modelDecay(at: Date, threshold = 0.5) {
    return (await this.served?.modelDecay(at, threshold)) ?? health.modelDecay(this.s, at, threshold)
  }
  async unlockOverhang(at: Date) {
    return (await this.served?.unlockOverhang(at)) ?? supply.unlockOverhang(this.s, at)
  }
  async runway(at: Date) {
    return this.served?.runway(at) ?? supply.runway(this.s, at)
  }
  async priceToFees(at: Date, priceUsd: string) {
    return this.served?.priceToFees(at, priceUsd) ?? supply.priceToFees(this.s, at, priceUsd)
  }
  async agents(p: Period) {
    this.s.range(p)
    return this.served?.agents(p) ?? participants.agents(this.s, p)
  }
  async operators(p: Period) {
    this.s.range(p)
    return this.served?.operators(p) ?? participants.operators(this.s, p)
  }
  async liabilities(at: Date) {
    return this.served?.liabilities(at) ?? supply.liabilities(this.s, at)
  }
  blockRange(p: Period) {
    return governance.blockRange(this.s, p)
  }
  changes(p: Period) {
    return governance.changes(this.s, p)
  }
  async upkeep(p: Period, overrides: upkeepCost.AssumptionOverrides = {}) {
    this.s.range(p)
    return (await this.served?.upkeep(p, overrides)) ?? upkeepCost.upkeep(this.s, p, overrides)
  }
  washTrading(p: Period, threshold?: string) {
    return wash.washTrading(this.s, p, threshold)
  }
  outlook(at: Date, months?: number) {
    return outlook.outlook(this.s, at, months)
  }
  // ---- governance what-ifs
  whatIf(p: Period, scenario: whatif.WhatIfScenario, overrides: upkeepCost.AssumptionOverrides = {}) {
    return whatif.whatIf(this.s, p, scenario, overrides)
  }
}
