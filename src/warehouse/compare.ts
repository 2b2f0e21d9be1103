// Compares the ClickHouse facts with the Postgres record row by row (every column, as text), and
// the daily aggregates with the folded daily stats: the soak's and the tests' reconciliation.
import pg from 'pg'
import { openWarehouse, queryRows } from './client'
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

export async function compareStores(dataDir: string, dbUrl: string, warehouse?: WarehouseConfig): Promise<StoreComparison> {
  const w = await openWarehouse(warehouse ?? embeddedWarehouse(dataDir))
  const mismatches: string[] = []
  const rows: Record<string, number> = {}
  try {
    for (const t of factTables().values()) {
      const cols = t.columns.map((c) => c.column).filter((c) => c !== 'timestamp')
      const pgRows = await query(
        dbUrl,
        `select ${cols.map((c) => `"${c}"::text as "${c}"`).join(', ')}, (extract(epoch from "timestamp") * 1000)::bigint::text as ts from "${t.table}" order by id`,
      )
      const chRows = await queryRows<Record<string, string>>(
        w,
        `SELECT ${cols.map((c) => `toString(${c}) AS ${c}`).join(', ')}, toString(toUnixTimestamp64Milli(timestamp)) AS ts FROM ${w.table(t.table)} ORDER BY id`,
      )
      rows[t.table] = pgRows.length
      const norm = (r: Record<string, unknown>) =>
        JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === '\\N' ? null : String(v) === 'true' ? 'true' : String(v) === 'false' ? 'false' : String(v)])))
      const a = pgRows.map(norm)
      const b = chRows.map(norm)
      if (a.length !== b.length) mismatches.push(`${t.table}: ${a.length} rows in Postgres, ${b.length} in ClickHouse`)
      const n = Math.min(a.length, b.length)
      let shown = 0
      for (let i = 0; i < n && shown < 3; i++) {
        if (a[i] !== b[i]) {
          mismatches.push(`${t.table} row ${i}: pg ${a[i]} != ch ${b[i]}`)
          shown++
        }
      }
    }
    const daily = await queryRows<{ day: string; inferences: string; fees: string }>(
      w,
      `SELECT toString(day) AS day, toString(inferences) AS inferences, toString(fees) AS fees FROM ${w.table('agg_daily')} ORDER BY day`,
    )
    const pgDaily = await query<{ day: string; inferences: string; fees: string }>(
      dbUrl,
      `select id as day, inferences::text as inferences, fees::text as fees from daily_network_stats where inferences > 0 order by id`,
    )
    if (JSON.stringify(daily) !== JSON.stringify(pgDaily)) mismatches.push(`agg_daily differs from daily_network_stats (${daily.length} vs ${pgDaily.length} days)`)
  } finally {
    await w.close()
  }
  return { mismatches, rows }
}
