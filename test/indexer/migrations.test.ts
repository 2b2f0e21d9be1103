// No drift: the committed Postgres migration creates exactly the schema the entities (generated
// from schema.graphql) describe; the ClickHouse fact tables have exactly the Postgres event
// tables' columns; cluster DDL renders Replicated/Distributed tables ON CLUSTER.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DataSource } from 'typeorm'
import { createOrmConfig } from '@subsquid/typeorm-config'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { applyMigrations } from '../../src/db/postgres'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { migrateWarehouse } from '../../src/warehouse/migrate'
import { factTables } from '../../src/warehouse/facts'
import { deleteStatement, loadMigrations, renderCreateTable } from '../../src/warehouse/ddl'
import { warehouseConfig } from '../../src/config'
import * as model from '../../src/model'
import { WarehouseSchemaError } from '../../src/util/errors'

const ROOT = path.resolve(__dirname, '..', '..')
let db: TestDatabase
let w: Warehouse
let chDir: string

beforeAll(async () => {
  db = await freshDatabase('drift')
  chDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-ch-'))
  w = await openWarehouse({ mode: 'embedded', path: chDir, database: 'upkeep' })
})

afterAll(async () => {
  await w?.close()
  await db?.drop()
  fs.rmSync(chDir, { recursive: true, force: true })
})

describe('Postgres migrations', () => {
  it('apply once, and then the entities need no schema change', async () => {
    expect((await applyMigrations(db.url)).length).toBeGreaterThan(0)
    expect(await applyMigrations(db.url)).toEqual([]) // idempotent
    process.env.DB_URL = db.url
    const base = createOrmConfig({ projectDir: ROOT })
    const ds = new DataSource({ ...base, entities: Object.values(model).filter((v) => typeof v === 'function') } as never)
    await ds.initialize()
    try {
      const declared = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8').match(/@entity/g)!.length
      expect(ds.entityMetadatas.length).toBe(declared) // every entity of schema.graphql
      const pending = await ds.driver.createSchemaBuilder().log()
      expect(pending.upQueries.map((q) => q.query)).toEqual([])
    } finally {
      await ds.destroy()
      delete process.env.DB_URL
    }
  })

  it('store amounts as numeric, never as a float', async () => {
    const cols = await query<{ table_name: string; column_name: string; data_type: string }>(
      db.url,
      `select table_name, column_name, data_type from information_schema.columns where table_schema = 'public' and data_type in ('real', 'double precision', 'numeric')`,
    )
    expect(cols.filter((c) => c.data_type !== 'numeric')).toEqual([])
    expect(cols.some((c) => c.table_name === 'inference' && c.column_name === 'fee')).toBe(true)
  })
})

describe('ClickHouse migrations', () => {
  it('apply once and are recorded', async () => {
    expect(await migrateWarehouse(w)).toEqual(['0001_facts.sql', '0002_aggregates.sql', '0003_daily_payers.sql'])
    expect(await migrateWarehouse(w)).toEqual([])
    const rows = await queryRows<{ name: string }>(w, `SELECT name FROM ${w.table('_migrations')} ORDER BY name`)
    expect(rows.map((r) => r.name)).toEqual(['0001_facts.sql', '0002_aggregates.sql', '0003_daily_payers.sql'])
  })

  it('fact tables have the Postgres event tables\' columns, amounts as UInt256', async () => {
    for (const t of factTables().values()) {
      const ch = await queryRows<{ name: string; type: string }>(w, `SELECT name, type FROM system.columns WHERE database = 'upkeep' AND table = {t:String}`, { t: t.table })
      const pg = await query<{ column_name: string; data_type: string }>(
        db.url,
        `select column_name, data_type from information_schema.columns where table_schema = 'public' and table_name = $1`,
        [t.table],
      )
      expect(ch.map((c) => c.name).sort(), t.table).toEqual(pg.map((c) => c.column_name).sort())
      for (const c of pg.filter((c) => c.data_type === 'numeric')) {
        expect(ch.find((x) => x.name === c.column_name)!.type, `${t.table}.${c.column_name}`).toMatch(/^(Nullable\()?UInt256\)?$/)
      }
    }
  })

  it('a changed migration is refused', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-mig-'))
    try {
      for (const f of fs.readdirSync(path.join(ROOT, 'db', 'clickhouse'))) fs.copyFileSync(path.join(ROOT, 'db', 'clickhouse', f), path.join(dir, f))
      fs.appendFileSync(path.join(dir, '0001_facts.sql'), '\n-- edited\n')
      // the warehouse holds the original migrations; the edited file is refused by migrateWarehouse itself
      await migrateWarehouse(w)
      const before = await queryRows<{ name: string; checksum: string }>(w, `SELECT name, checksum FROM upkeep._migrations ORDER BY name`)
      expect(before.map((r) => r.name)).toEqual(loadMigrations({ database: 'upkeep' }).map((m) => m.name))
      const err = await migrateWarehouse(w, dir).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(WarehouseSchemaError)
      expect((err as Error).message).toBe('ClickHouse migration 0001_facts.sql changed after it was applied: add a new migration instead')
      // nothing recorded or changed
      expect(await queryRows(w, `SELECT name, checksum FROM upkeep._migrations ORDER BY name`)).toEqual(before)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('cluster DDL', () => {
  const template = `CREATE TABLE IF NOT EXISTS {db}.inference (id String, block_number UInt32, fee UInt256) {engine:(block_number, id)}`

  it('renders one ReplacingMergeTree table on a single node', () => {
    expect(renderCreateTable(template, { database: 'upkeep' })).toEqual([
      'CREATE TABLE IF NOT EXISTS upkeep.inference (id String, block_number UInt32, fee UInt256) ENGINE = ReplacingMergeTree ORDER BY (block_number, id)',
    ])
  })

  it('renders replicated local tables and a Distributed table ON CLUSTER', () => {
    const [local, dist] = renderCreateTable(template, { database: 'upkeep', cluster: 'prod' })
    expect(local).toBe(
      "CREATE TABLE IF NOT EXISTS upkeep.inference_local ON CLUSTER prod (id String, block_number UInt32, fee UInt256) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/upkeep/inference_local', '{replica}') ORDER BY (block_number, id)",
    )
    expect(dist).toBe('CREATE TABLE IF NOT EXISTS upkeep.inference ON CLUSTER prod AS upkeep.inference_local ENGINE = Distributed(prod, upkeep, inference_local, cityHash64(id))')
    expect(deleteStatement('inference', 'block_number > 5', { database: 'upkeep', cluster: 'prod' })).toBe('DELETE FROM upkeep.inference_local ON CLUSTER prod WHERE block_number > 5')
  })

  it('renders every shipped migration for a cluster', () => {
    const single = loadMigrations({ database: 'upkeep' }).flatMap((m) => m.statements)
    const cluster = loadMigrations({ database: 'upkeep', cluster: 'prod' }).flatMap((m) => m.statements)
    // each CREATE becomes a local table + a Distributed table ON CLUSTER; data statements (the
    // backfill INSERT) pass through and go to the Distributed table
    const creates = single.filter((s) => s.startsWith('CREATE'))
    const others = single.filter((s) => !s.startsWith('CREATE'))
    expect(others).toEqual(['INSERT INTO upkeep.agg_daily_payers SELECT toDate(timestamp) AS day, uniqExactState(payer_id) FROM upkeep.inference GROUP BY day'])
    expect(cluster.length).toBe(creates.length * 2 + others.length)
    expect(cluster.filter((s) => s.startsWith('CREATE')).every((s) => s.includes('ON CLUSTER prod'))).toBe(true)
    expect(cluster.filter((s) => !s.startsWith('CREATE'))).toEqual(others)
  })

  it('refuses a cluster without a server, and bad identifiers', () => {
    expect(() => warehouseConfig('/tmp', { CLICKHOUSE_CLUSTER: 'prod' })).toThrow(/needs a ClickHouse server/)
    expect(() => warehouseConfig('/tmp', { CLICKHOUSE_URL: 'http://x', CLICKHOUSE_CLUSTER: 'a;drop' })).toThrow(/must be an identifier/)
    expect(() => warehouseConfig('/tmp', { CLICKHOUSE_URL: 'ftp://x' })).toThrow(/must be an http\(s\) URL/)
    expect(() => warehouseConfig('/tmp', { CLICKHOUSE_DATABASE: 'x y' })).toThrow(/must be an identifier/)
  })
})
