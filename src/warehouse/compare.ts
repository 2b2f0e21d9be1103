// Compares every ClickHouse table with the Postgres record: the soak's and the tests' reconciliation.
//  - fact tables: no (block_number, id) stored twice (count() against uniqExact on the raw parts,
//    before a background merge can hide a doubled row), and, read with FINAL, equal to the Postgres
//    event table row by row (every column, as text);
//  - aggregate tables: every column of every day (and model) equal to sums computed here from the
//    Postgres inference rows, with no key stored twice; agg_daily also equals the fold's
//    daily_network_stats;
//  - a table in the ClickHouse database that this file does not compare is itself a mismatch, so a
//    new aggregate cannot be forgotten.
import pg from 'pg'
import { openWarehouse, queryRows, type Warehouse } from './client'
import { factTables } from './facts'
import { embeddedWarehouse, type WarehouseConfig } from './config'

async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<T>(sql)).rows
  } finally {
    await c.end()
  }
}

export interface StoreComparison {
  mismatches: string[]
  rows: Record<string, number>
}

/** Bookkeeping tables of the warehouse itself (migrations, the sync journal): nothing to compare. */
const BOOKKEEPING = new Set(['_migrations', '_sync'])

const UTC_DAY = `to_char("timestamp" at time zone 'UTC', 'YYYY-MM-DD')`

/**
 * Each aggregate table: its key, its columns as ClickHouse reads them (FINAL) and the same
 * columns computed independently from the Postgres inference rows, both as text, ordered by key.
 */
const AGGREGATES: Record<string, { key: string[]; ch: (t: string) => string; pg: string }> = {
  agg_daily: {
    key: ['day'],
    ch: (t) => `SELECT toString(day) AS day, toString(inferences) AS inferences, toString(units) AS units, toString(fees) AS fees,
        toString(creator_share) AS creator_share, toString(contributors_share) AS contributors_share, toString(infra_share) AS infra_share,
        toString(treasury_share) AS treasury_share, toString(burn_share) AS burn_share, toString(agent_fees) AS agent_fees, toString(payers) AS payers
      FROM ${t} FINAL ORDER BY day`,
    pg: `select ${UTC_DAY} as day, count(*)::text as inferences, sum(units)::text as units, sum(fee)::text as fees,
        sum(creator_share)::text as creator_share, sum(contributors_share)::text as contributors_share, sum(infra_share)::text as infra_share,
        sum(treasury_share)::text as treasury_share, sum(burn_share)::text as burn_share,
        coalesce(sum(fee) filter (where payer_is_agent), 0)::text as agent_fees, count(distinct payer_id)::text as payers
      from inference group by 1 order by 1`,
  },
  agg_model_daily: {
    key: ['day', 'model_id'],
    ch: (t) => `SELECT toString(day) AS day, model_id, toString(inferences) AS inferences, toString(units) AS units, toString(fees) AS fees,
        toString(creator_share) AS creator_share, toString(contributors_share) AS contributors_share
      FROM ${t} FINAL ORDER BY day, model_id`,
    pg: `select ${UTC_DAY} as day, model_id, count(*)::text as inferences, sum(units)::text as units, sum(fee)::text as fees,
        sum(creator_share)::text as creator_share, sum(contributors_share)::text as contributors_share
      from inference group by 1, 2 order by 1, model_id collate "C"`,
  },
  agg_daily_payers: {
    key: ['day'],
    ch: (t) => `SELECT toString(day) AS day, toString(uniqExactMerge(payers)) AS payers FROM ${t} FINAL GROUP BY day ORDER BY day`,
    pg: `select ${UTC_DAY} as day, count(distinct payer_id)::text as payers from inference group by 1 order by 1`,
  },
}

function norm(r: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === '\\N' ? null : String(v)])))
}

/** Row lists compared in order; at most three differing rows are named. */
function compareRows(table: string, pgRows: Record<string, unknown>[], chRows: Record<string, unknown>[], mismatches: string[]): void {
  const a = pgRows.map(norm)
  const b = chRows.map(norm)
  if (a.length !== b.length) mismatches.push(`${table}: ${a.length} rows in Postgres, ${b.length} in ClickHouse`)
  let shown = 0
  for (let i = 0; i < Math.min(a.length, b.length) && shown < 3; i++) {
    if (a[i] !== b[i]) {
      mismatches.push(`${table} row ${i}: pg ${a[i]} != ch ${b[i]}`)
      shown++
    }
  }
}

/** A key stored twice (not yet merged away) is a doubled row, whatever FINAL would show. */
async function doubled(w: Warehouse, table: string, key: string[], mismatches: string[]): Promise<void> {
  const [r] = await queryRows<{ n: string; u: string }>(w, `SELECT toString(count()) AS n, toString(uniqExact(${key.join(', ')})) AS u FROM ${w.table(table)}`)
  if (r.n !== r.u) mismatches.push(`${table}: ${r.n} rows stored but ${r.u} distinct (${key.join(', ')}): a row is doubled`)
}

export async function compareStores(dataDir: string, dbUrl: string, warehouse?: WarehouseConfig): Promise<StoreComparison> {
  const w = await openWarehouse(warehouse ?? embeddedWarehouse(dataDir))
  const mismatches: string[] = []
  const rows: Record<string, number> = {}
  const compared = new Set<string>()
  try {
    for (const t of factTables().values()) {
      compared.add(t.table)
      await doubled(w, t.table, ['block_number', 'id'], mismatches)
      // times as epoch milliseconds on both sides (their text forms differ)
      const time = (c: { type: string }) => c.type.includes('DateTime')
      const pgRows = await query(
        dbUrl,
        `select ${t.columns.map((c) => (time(c) ? `(extract(epoch from "${c.column}") * 1000)::bigint::text` : `"${c.column}"::text`) + ` as "${c.column}"`).join(', ')} from "${t.table}" order by id collate "C"`,
      )
      const chRows = await queryRows<Record<string, string>>(
        w,
        `SELECT ${t.columns.map((c) => `toString(${time(c) ? `toUnixTimestamp64Milli(${c.column})` : c.column}) AS ${c.column}`).join(', ')} FROM ${w.table(t.table)} FINAL ORDER BY id`,
      )
      rows[t.table] = pgRows.length
      compareRows(t.table, pgRows, chRows, mismatches)
    }
    for (const [table, agg] of Object.entries(AGGREGATES)) {
      compared.add(table)
      await doubled(w, table, agg.key, mismatches)
      const expected = await query(dbUrl, agg.pg)
      const actual = await queryRows<Record<string, string>>(w, agg.ch(w.table(table)))
      rows[table] = expected.length
      compareRows(table, expected, actual, mismatches)
    }
    // the fold's daily totals (daily_network_stats) are the same sums: a day with inferences must agree
    const folded = await query(
      dbUrl,
      `select id as day, inferences::text as inferences, units::text as units, fees::text as fees, creator_share::text as creator_share,
        contributors_share::text as contributors_share, infra_share::text as infra_share, treasury_share::text as treasury_share,
        burn_share::text as burn_share, agent_fees::text as agent_fees
      from daily_network_stats where inferences > 0 order by id`,
    )
    const daily = await queryRows<Record<string, string>>(
      w,
      `SELECT toString(day) AS day, toString(inferences) AS inferences, toString(units) AS units, toString(fees) AS fees, toString(creator_share) AS creator_share,
        toString(contributors_share) AS contributors_share, toString(infra_share) AS infra_share, toString(treasury_share) AS treasury_share,
        toString(burn_share) AS burn_share, toString(agent_fees) AS agent_fees
      FROM ${w.table('agg_daily')} FINAL ORDER BY day`,
    )
    compareRows('agg_daily vs daily_network_stats', folded, daily, mismatches)
    const tables = await queryRows<{ name: string }>(w, `SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name`, { db: w.cfg.database })
    for (const { name } of tables) {
      const base = w.cfg.cluster ? name.replace(/_local$/, '') : name
      if (!BOOKKEEPING.has(base) && !compared.has(base)) mismatches.push(`${name}: a ClickHouse table the comparison does not know (add it to src/warehouse/compare.ts)`)
    }
  } finally {
    await w.close()
  }
  return { mismatches, rows }
}
