// The catalog of event tables (src/processor/tables.ts) against schema.graphql, the committed
// ClickHouse migrations and the daily aggregates: one list, and everything derived from it agrees.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse, type ObjectTypeDefinitionNode } from 'graphql'
import { EVENT_TABLES, INFERENCE_DAILY_SUMS } from '../../src/processor/tables'
import { FoldState } from '../../src/processor/fold/state'
import { factTables } from '../../src/warehouse/facts'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { loadMigrations } from '../../src/warehouse/ddl'
import { migrateWarehouse } from '../../src/warehouse/migrate'
import { WarehouseSchemaError } from '../../src/util/errors'

const ROOT = path.resolve(__dirname, '..', '..')
const schemaText = fs.readFileSync(path.join(ROOT, 'schema.graphql'), 'utf8')
const types = parse(schemaText).definitions.filter((d): d is ObjectTypeDefinitionNode => d.kind === 'ObjectTypeDefinition')
const entities = types.filter((t) => t.directives?.some((d) => d.name.value === 'entity'))
const appendOnly = [...schemaText.matchAll(/^#! append-only\s*\ntype (\w+)/gm)].map((m) => m[1])
// the test's own snake_case, from the field names as written in schema.graphql
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
const catalogNames = Object.values(EVENT_TABLES).map((t) => t.entity.name)

describe('the catalog against schema.graphql', () => {
  it('lists every append-only entity, and only entities', () => {
    expect(appendOnly.length).toBeGreaterThan(10)
    for (const name of appendOnly) expect(catalogNames, name).toContain(name)
    for (const name of catalogNames) expect(entities.map((e) => e.name.value), name).toContain(name)
  })

  it('covers every entity together with the fold\'s caches of mutable entities', () => {
    const state = new FoldState({} as never) as unknown as Record<string, { cls?: { name: string } }>
    const cached = Object.values(state).flatMap((v) => (v && typeof v === 'object' && 'cls' in v && v.cls ? [v.cls.name] : []))
    expect(new Set(cached).size).toBe(cached.length)
    expect([...cached, ...catalogNames].sort()).toEqual(entities.map((e) => e.name.value).sort())
  })

  it('writes parents before children', () => {
    const order = new Map(catalogNames.map((n, i) => [n, i]))
    for (const t of entities.filter((e) => order.has(e.name.value))) {
      for (const f of t.fields ?? []) {
        const ref = f.type.kind === 'NonNullType' ? f.type.type : f.type
        if (ref.kind === 'NamedType' && order.has(ref.name.value) && ref.name.value !== t.name.value) {
          expect(order.get(ref.name.value)!, `${t.name.value}.${f.name.value}`).toBeLessThan(order.get(t.name.value)!)
        }
      }
    }
  })

  it('gives every fact table the entity\'s fields as columns, references as <field>_id', () => {
    const facts = [...factTables().values()]
    expect(facts.map((f) => f.entity.name)).toEqual(Object.values(EVENT_TABLES).filter((t) => t.warehouse).map((t) => t.entity.name))
    for (const f of facts) {
      const def = entities.find((e) => e.name.value === f.entity.name)!
      const fields = (def.fields ?? []).filter((x) => !(x.type.kind === 'ListType' || (x.type.kind === 'NonNullType' && x.type.type.kind === 'ListType')))
      const expected = fields.map((x) => {
        const named = x.type.kind === 'NonNullType' ? x.type.type : x.type
        const isRef = named.kind === 'NamedType' && entities.some((e) => e.name.value === named.name.value)
        return snake(x.name.value) + (isRef ? '_id' : '')
      })
      expect(f.columns.map((c) => c.column), f.table).toEqual(expected)
      expect(f.table).toBe(snake(f.entity.name))
      for (const key of ['id', 'block_number', 'timestamp']) expect(f.columns.map((c) => c.column), `${f.table} needs ${key}`).toContain(key)
    }
  })
})

describe('the catalog against ClickHouse', () => {
  let dir: string
  let w: Warehouse

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-catalog-'))
    w = await openWarehouse({ mode: 'embedded', path: dir, database: 'upkeep' })
  })
  afterAll(async () => {
    await w?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('the fact tables the committed migrations create are the catalog\'s, column for column (existing installs stay valid)', async () => {
    await w.client.command({ query: 'CREATE DATABASE IF NOT EXISTS committed' })
    for (const m of loadMigrations({ database: 'committed' })) for (const s of m.statements) await w.client.command({ query: s })
    const cols = await queryRows<{ table: string; name: string; type: string }>(w, `SELECT table, name, type FROM system.columns WHERE database = 'committed'`)
    const created = [...new Set(cols.map((c) => c.table))].filter((t) => !t.startsWith('_') && !t.startsWith('agg_'))
    const facts = new Map([...factTables().values()].map((f) => [f.table, f]))
    expect(created.length).toBeGreaterThan(10)
    for (const table of created) {
      const f = facts.get(table)
      expect(f, `${table} is created by a migration but is not in the catalog`).toBeDefined()
      const have = cols.filter((c) => c.table === table).map((c) => `${c.name} ${c.type}`).sort()
      expect(have, table).toEqual(f!.columns.map((c) => `${c.column} ${c.type}`).sort())
    }
  })

  it('agg_daily has a column for every daily sum, named like the DailyNetworkStats field', async () => {
    await migrateWarehouse(w)
    const cols = (await queryRows<{ name: string }>(w, `SELECT name FROM system.columns WHERE database = 'upkeep' AND table = 'agg_daily'`)).map((c) => c.name)
    const daily = entities.find((e) => e.name.value === 'DailyNetworkStats')!.fields!.map((f) => f.name.value)
    for (const s of INFERENCE_DAILY_SUMS) {
      expect(cols).toContain(snake(s.daily))
      expect(daily).toContain(s.daily)
    }
  })

  it('a fact table that drifted from the catalog stops the start with one line naming it', async () => {
    await migrateWarehouse(w)
    await w.client.command({ query: 'ALTER TABLE upkeep.burn ADD COLUMN extra String' })
    const err = await migrateWarehouse(w).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WarehouseSchemaError)
    expect((err as Error).message).toBe('ClickHouse table upkeep.burn differs from the catalog: extra is not in the catalog (add a migration under db/clickhouse)')
  })
})
