// The ClickHouse schema: fact tables from the catalog (src/processor/tables.ts), then the
// db/clickhouse migrations in order, once each, recorded in _migrations; last, every fact table
// is checked against the catalog, so a table that drifted stops the start with one line.
import { loadMigrations, migrationsTableDdl, renderCreateTable } from './ddl'
import { chNow } from './time'
import { queryRows, type Warehouse } from './client'
import { factTables } from './facts'
import { WarehouseSchemaError } from '../util/errors'

/** `dir`: where the migration files are (db/clickhouse; tests point it at an edited copy). */
export async function migrateWarehouse(w: Warehouse, dir?: string): Promise<string[]> {
  const target = { database: w.cfg.database, cluster: w.cfg.cluster }
  for (const s of migrationsTableDdl(target)) await w.client.command({ query: s })
  // a new event table needs no migration file: the catalog creates it (existing ones are kept)
  for (const t of factTables().values()) for (const s of renderCreateTable(t.ddl, target)) await w.client.command({ query: s })
  const done = new Map((await queryRows<{ name: string; checksum: string }>(w, `SELECT name, checksum FROM ${w.table('_migrations')}`)).map((r) => [r.name, r.checksum]))
  const applied: string[] = []
  for (const m of loadMigrations(target, dir)) {
    const prev = done.get(m.name)
    if (prev !== undefined) {
      if (prev !== m.checksum) throw new WarehouseSchemaError(`ClickHouse migration ${m.name} changed after it was applied: add a new migration instead`)
      continue
    }
    for (const s of m.statements) await w.client.command({ query: s })
    await w.client.insert({ table: w.table('_migrations'), values: [{ name: m.name, checksum: m.checksum, applied_at: chNow() }], format: 'JSONEachRow' })
    applied.push(m.name)
  }
  await checkFactTables(w)
  return applied
}

/** Every fact table has exactly the catalog's columns and types. */
export async function checkFactTables(w: Warehouse): Promise<void> {
  for (const t of factTables().values()) {
    const have = await queryRows<{ name: string; type: string }>(w, `SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {t:String}`, {
      db: w.cfg.database,
      t: t.table,
    })
    const want = new Map(t.columns.map((c) => [c.column, c.type]))
    const diff = [
      ...t.columns.filter((c) => !have.some((h) => h.name === c.column)).map((c) => `${c.column} ${c.type} is missing`),
      ...have.filter((h) => !want.has(h.name)).map((h) => `${h.name} is not in the catalog`),
      ...have.filter((h) => want.has(h.name) && want.get(h.name) !== h.type).map((h) => `${h.name} is ${h.type}, the catalog says ${want.get(h.name)}`),
    ]
    if (diff.length) throw new WarehouseSchemaError(`ClickHouse table ${w.table(t.table)} differs from the catalog: ${diff.join('; ')} (add a migration under db/clickhouse)`)
  }
}
