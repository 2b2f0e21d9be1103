// The health of the supply side: contributor retention, concentration of payouts, model decay.
import { InputError } from '../util/errors'
import { chTime } from '../warehouse/time'
import { concentrationOf, ratio } from './exact'
import { DAY_MS, WHERE_PERIOD, type Row, type Sql } from './sql'
import type { Concentration, ModelDecay, Period, RetentionCohort } from './types'

/**
 * Contributor retention by monthly cohort: a contributor's cohort is the month of their first
 * contribution ever; they count as active in a later month if they contributed in it.
 */
export async function retention(db: Sql, p: Period): Promise<RetentionCohort[]> {
  const r = db.range(p)
  const rows = await db.q(
    `SELECT contributor_id, toString(toStartOfMonth(timestamp)) AS month FROM ${db.t('contribution')}
     WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY contributor_id, month ORDER BY contributor_id, month`,
    r,
  )
  return retentionOf(rows, p)
}

/** Cohorts from (contributor_id, month YYYY-MM-DD) rows of contributions before the period's end, each contributor's months in order. */
export function retentionOf(rows: Row[], p: Period): RetentionCohort[] {
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
export async function concentration(db: Sql, p: Period): Promise<Concentration> {
  const r = db.range(p)
  const W = WHERE_PERIOD
  const rows = await db.q(
    `SELECT who, toString(sum(amount)) AS amount FROM (
       SELECT contributor_id AS who, amount FROM ${db.t('attribution_payout')} WHERE ${W}
       UNION ALL SELECT creator_id AS who, amount FROM ${db.t('creator_payout')} WHERE ${W}
       UNION ALL SELECT account_id AS who, amount FROM ${db.t('operator_payout')} WHERE ${W}
     ) GROUP BY who`,
    r,
  )
  return concentrationOf(rows.map((x) => BigInt(x.amount)))
}

/** Fee income of each model in the 30 days before `at` vs the 30 days before that. */
/** The decay threshold as an exact fraction of 1e6; refused outside (0, 1]. */
export function decayThreshold(threshold: number): bigint {
  if (!(threshold > 0 && threshold <= 1)) throw new InputError(`threshold must be in (0, 1], got ${threshold}`)
  return BigInt(Math.round(threshold * 1e6))
}

export async function modelDecay(db: Sql, at: Date, threshold = 0.5): Promise<ModelDecay[]> {
  decayThreshold(threshold)
  const rows = await db.q(
    `SELECT model_id,
            toString(sumIf(fee, timestamp >= toDateTime64({mid:String}, 3, 'UTC'))) AS last30,
            toString(sumIf(fee, timestamp < toDateTime64({mid:String}, 3, 'UTC'))) AS prev30,
            toString(sumIf(units, timestamp >= toDateTime64({mid:String}, 3, 'UTC'))) AS ulast30,
            toString(sumIf(units, timestamp < toDateTime64({mid:String}, 3, 'UTC'))) AS uprev30
     FROM ${db.t('inference')}
     WHERE timestamp >= toDateTime64({from:String}, 3, 'UTC') AND timestamp < toDateTime64({to:String}, 3, 'UTC')
     GROUP BY model_id ORDER BY model_id`,
    { from: chTime(new Date(at.getTime() - 60 * DAY_MS)), mid: chTime(new Date(at.getTime() - 30 * DAY_MS)), to: chTime(at) },
  )
  return modelDecayOf(db, rows, at, threshold)
}

/** Decay from per-model sums (model_id, last30, prev30, ulast30, uprev30) of the models with inferences in the 60 days before `at`. */
export async function modelDecayOf(db: Sql, rows: Row[], at: Date, threshold: number): Promise<ModelDecay[]> {
  // retired by `at`: no longer maintained on purpose, so never flagged as decaying
  const retired = await db.pg.query<{ id: string }>('select id from model where retired_at is not null and retired_at < $1', [at])
  const gone = new Set(retired.rows.map((m) => m.id))
  const t = decayThreshold(threshold)
  return rows
    .map((x) => {
      // usage in units, not fees: a price change is not decay
      const last = BigInt(x.ulast30)
      const prev = BigInt(x.uprev30)
      const isRetired = gone.has(x.model_id)
      return {
        modelId: x.model_id,
        retired: isRetired,
        unitsLast30: last,
        unitsPrev30: prev,
        feesLast30: BigInt(x.last30),
        feesPrev30: BigInt(x.prev30),
        change: ratio(last - prev, prev),
        decaying: !isRetired && prev > 0n && last * 1_000_000n < prev * t,
      }
    })
    .sort((a, b) => (a.decaying !== b.decaying ? (a.decaying ? -1 : 1) : Number(a.modelId) - Number(b.modelId)))
}
