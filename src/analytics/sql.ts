// SQL helpers shared by the metric families: the query context (ClickHouse for facts, Postgres
// for the small dimension tables), period bounds and buckets, and GROUPING SETS totals.
import type pg from 'pg'
import type { Warehouse } from '../warehouse/client'
import { chTime } from '../warehouse/time'
import { InputError } from '../util/errors'
import type { Interval, MetricsConfig, Period } from './types'

export const DAY_MS = 86_400_000

export type Row = Record<string, string>

/** The query context every metric family reads through. */
export class Sql {
  private readonly settings: Record<string, number>
  /** warehouse queries made so far (the served path's tests check that it made none) */
  queries = 0

  constructor(
    private readonly w: Warehouse,
    readonly pg: pg.Pool,
    readonly cfg: MetricsConfig,
  ) {
    this.settings = { max_execution_time: cfg.timeoutSec ?? 10 }
  }

  /** A fact or aggregate table's name in the warehouse. */
  t(name: string): string {
    return this.w.table(name)
  }

  async q(sql: string, params: Record<string, unknown> = {}): Promise<Row[]> {
    this.queries++
    const rs = await this.w.client.query({
      query: sql,
      query_params: params,
      format: 'JSONEachRow',
      clickhouse_settings: { ...this.settings, output_format_json_quote_64bit_integers: 1 },
    })
    return (await rs.json()) as Row[]
  }

  /** The period as query parameters {from, to}; an empty period is refused. */
  range(p: Period): Record<string, string> {
    if (!(p.from < p.to)) throw new InputError(`empty period: from ${p.from.toISOString()} is not before to ${p.to.toISOString()}`)
    return { from: chTime(p.from), to: chTime(p.to) }
  }
}

/** A stake_accrual span's interest: the change of the stake's value (signed: a rate cut lowers it). */
export const ACCRUED = 'toInt256(value_to) - toInt256(value_from)'

/** Rows whose `timestamp` is in [{from}, {to}). */
export const WHERE_PERIOD = `timestamp >= toDateTime64({from:String}, 3, 'UTC') AND timestamp < toDateTime64({to:String}, 3, 'UTC')`

/** Daily-aggregate rows (alias `d`) whose `day` is in [{from}, {to}). */
export const WHERE_DAYS = `d.day >= toDate(toDateTime64({from:String}, 3, 'UTC')) AND d.day < toDate(toDateTime64({to:String}, 3, 'UTC'))`

/** Whole UTC days at both ends: the daily aggregates can answer instead of the facts. */
export function wholeDays(p: Period): boolean {
  return p.from.getTime() % DAY_MS === 0 && p.to.getTime() % DAY_MS === 0
}

export const BUCKET: Record<Interval, string> = {
  day: 'toStartOfDay(timestamp)',
  week: 'toMonday(timestamp)',
  month: 'toStartOfMonth(timestamp)',
}

/** The same buckets over the `day` column of the daily aggregates. */
export const DAY_BUCKET: Record<Interval, string> = {
  day: 'd.day',
  week: 'toMonday(d.day)',
  month: 'toStartOfMonth(d.day)',
}

/** GROUPING SETS ((bucket), ()) rows: the buckets in order, and the period total (`is_total` = grouping(bucket) = 1). */
export function splitTotals(all: Row[]): { rows: Row[]; totals: Row } {
  const rows = all.filter((x) => Number(x.is_total) !== 1).sort((x, y) => (x.bucket < y.bucket ? -1 : x.bucket > y.bucket ? 1 : 0))
  return { rows, totals: all.find((x) => Number(x.is_total) === 1) ?? {} }
}
