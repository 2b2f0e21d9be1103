// Fact tables: the catalog's warehoused event tables (src/processor/tables.ts), column for column
// as in Postgres. Column names follow the one naming rule (squid's snake_case strategy, which
// also names the Postgres columns); ClickHouse types come from the fields' types in
// schema.graphql. One mapping serves both paths: live batches (entity objects) and re-export
// from Postgres (rows selected by block range after a crash or an interrupted fork).
import path from 'node:path'
import { EVENT_TABLES } from '../processor/tables'
import { loadModel, SnakeNamingStrategy, type SchemaEntity } from '../squid/compat'
import { PROJECT_ROOT } from '../util/paths'
import { chTime } from './time'

type Ctor = new (...args: never[]) => object

export interface FactColumn {
  column: string
  property: string
  /** a reference to another entity: the column holds its id */
  relation: boolean
  /** ClickHouse type */
  type: string
}

export interface FactTable {
  table: string
  entity: Ctor
  columns: FactColumn[]
  /** the CREATE TABLE template (src/warehouse/ddl.ts renders it for a node or a cluster) */
  ddl: string
}

const naming = new SnakeNamingStrategy()
const SCALAR: Record<string, string> = { ID: 'String', String: 'String', Int: 'UInt32', BigInt: 'UInt256', DateTime: "DateTime64(3, 'UTC')", Boolean: 'Bool' }

/** Table and column names of an entity, as Postgres has them. */
export function tableName(entity: Ctor): string {
  return naming.tableName(entity.name, undefined as unknown as string)
}

/** A field's column name (the same rule names Postgres' columns and ClickHouse's). */
export function columnName(property: string): string {
  return naming.columnName(property, undefined as unknown as string, [])
}

let cache: Map<Ctor, FactTable> | undefined

/** Every fact table, in the catalog's order (parents before children). */
export function factTables(): Map<Ctor, FactTable> {
  if (cache) return cache
  const model = loadModel(path.join(PROJECT_ROOT, 'schema.graphql'))
  cache = new Map()
  for (const t of Object.values(EVENT_TABLES)) {
    if (!t.warehouse) continue
    const entity = t.entity as Ctor
    const def = model[entity.name] as SchemaEntity | undefined
    if (def?.kind !== 'entity') throw new Error(`catalog: ${entity.name} is not an entity of schema.graphql`)
    const overrides: Record<string, string> = t.warehouse.types ?? {}
    const columns: FactColumn[] = []
    for (const [property, prop] of Object.entries(def.properties)) {
      const pt = prop.type
      let column: string
      let type: string
      if (pt.kind === 'fk') {
        column = naming.joinColumnName(property, 'id')
        type = 'String'
      } else if (pt.kind === 'scalar' && SCALAR[pt.name]) {
        column = columnName(property)
        type = SCALAR[pt.name]
      } else if (pt.kind === 'list-lookup' || pt.kind === 'lookup') {
        continue // derived from other tables: no column
      } else {
        throw new Error(`catalog: ${entity.name}.${property} has a type the warehouse does not map (${JSON.stringify(pt)})`)
      }
      type = overrides[property] ?? type
      if (prop.nullable) type = `Nullable(${type})`
      columns.push({ column, property, relation: pt.kind === 'fk', type })
    }
    for (const p of Object.keys(overrides)) if (!columns.some((c) => c.property === p)) throw new Error(`catalog: ${entity.name} has no field ${p}`)
    const table = tableName(entity)
    const ddl = `CREATE TABLE IF NOT EXISTS {db}.${table} (${columns.map((c) => `${c.column} ${c.type}`).join(', ')}) {engine:(block_number, id)}`
    cache.set(entity, { table, entity, columns, ddl })
  }
  return cache
}

/** The fact table that holds settled inferences (the daily aggregates are computed from it). */
export function inferenceFacts(): FactTable {
  return [...factTables().values()].find((t) => t.entity === EVENT_TABLES.inferences.entity)!
}

/**
 * A fact row as one line of ClickHouse's TabSeparated text (the sink's insert format: no
 * per-row objects and no JSON): amounts as decimal digits, times as UTC 'YYYY-MM-DD hh:mm:ss.sss',
 * \N for null, text with backslash, tab and line breaks escaped. `get` reads a column's value:
 * an entity's property (a relation as its id) or a Postgres row's column.
 */
function factLine(t: FactTable, get: (c: FactColumn) => unknown): string {
  // joined, not concatenated: `+=` leaves a rope of small strings (~1.4 KB per line in V8 where
  // the flat line is ~0.3 KB), and the sink holds up to hundreds of thousands of lines
  const values = new Array<string>(t.columns.length)
  for (let i = 0; i < t.columns.length; i++) values[i] = tsvValue(get(t.columns[i]))
  return values.join('\t')
}

function tsvValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (typeof v === 'bigint' || typeof v === 'number') return v.toString()
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (v instanceof Date) return chTime(v)
  const s = String(v)
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : s
}

/** A live batch's entity as a fact line. */
export function entityFactLine(t: FactTable, e: Record<string, unknown>): string {
  return factLine(t, (c) => {
    const v = e[c.property]
    return c.relation && v != null && typeof v === 'object' ? (v as { id: string }).id : v
  })
}

/** A row as node-postgres returns it (numeric as string, timestamptz as Date) as a fact line. */
export function pgRowFactLine(t: FactTable, r: Record<string, unknown>): string {
  return factLine(t, (c) => r[c.column])
}
