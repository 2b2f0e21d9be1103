// Applies db/clickhouse migrations in order, once each, recording them in _migrations.
import { chNow, loadMigrations, migrationsTableDdl } from './ddl'
import { queryRows, type Warehouse } from './client'

export async function migrateWarehouse(w: Warehouse): Promise<string[]> {
  const target = { database: w.cfg.database, cluster: w.cfg.cluster }
  for (const s of migrationsTableDdl(target)) await w.client.command({ query: s })
  const done = new Map((await queryRows<{ name: string; checksum: string }>(w, `SELECT name, checksum FROM ${w.table('_migrations')}`)).map((r) => [r.name, r.checksum]))
  const applied: string[] = []
  for (const m of loadMigrations(target)) {
    const prev = done.get(m.name)
    if (prev !== undefined) {
      if (prev !== m.checksum) throw new Error(`ClickHouse migration ${m.name} changed after it was applied: add a new migration instead`)
      continue
    }
    for (const s of m.statements) await w.client.command({ query: s })
    await w.client.insert({ table: w.table('_migrations'), values: [{ name: m.name, checksum: m.checksum, applied_at: chNow() }], format: 'JSONEachRow' })
    applied.push(m.name)
  }
  return applied
}
