// Fact rows: the Postgres record's immutable event tables, column for column. One mapping from
// entity metadata serves both paths: live batches (entity objects) and re-export from Postgres
// (rows selected by block range after a crash or an interrupted fork).
import { getMetadataArgsStorage } from 'typeorm'
import * as M from '../model'

type Ctor = new (...args: never[]) => object

/** The event tables mirrored into ClickHouse, parents before children. */
export const FACT_ENTITIES: Ctor[] = [
  M.SettlementBatch,
  M.TokenTransfer,
  M.Burn,
  M.Contribution,
  M.ModelPriceChange,
  M.AdapterVersion,
  M.Inference,
  M.EscrowMovement,
  M.CreatorPayout,
  M.OperatorPayout,
  M.AttributionEpoch,
  M.AttributionPayout,
  M.IncentivePayment,
  M.BucketTransfer,
  M.StakeEvent,
  M.VestingRelease,
  M.AgentStakeChange,
  M.Slash,
]

export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase()
}

export interface FactTable {
  table: string
  entity: Ctor
  /** [column name, entity property, is a relation] */
  columns: { column: string; property: string; relation: boolean }[]
}

let cache: Map<Ctor, FactTable> | undefined

/** Column layout of every fact table, derived from the TypeORM entity metadata (squid naming). */
export function factTables(): Map<Ctor, FactTable> {
  if (cache) return cache
  const storage = getMetadataArgsStorage()
  cache = new Map()
  for (const entity of FACT_ENTITIES) {
    const columns = [
      ...storage.columns.filter((c) => c.target === entity).map((c) => ({ column: snake(c.propertyName), property: c.propertyName, relation: false })),
      ...storage.relations
        .filter((r) => r.target === entity && r.relationType === 'many-to-one')
        .map((r) => ({ column: snake(r.propertyName) + '_id', property: r.propertyName, relation: true })),
    ]
    cache.set(entity, { table: snake(entity.name), entity, columns })
  }
  return cache
}

/** ClickHouse input form: amounts as decimal strings, times as UTC 'YYYY-MM-DD hh:mm:ss.sss'. */
function chValue(v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return v.toString()
  if (v instanceof Date) return v.toISOString().replace('T', ' ').replace('Z', '')
  return v
}

export function entityToFactRow(t: FactTable, e: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const c of t.columns) {
    const v = e[c.property]
    row[c.column] = c.relation ? (v == null ? null : typeof v === 'string' ? v : (v as { id: string }).id) : chValue(v)
  }
  return row
}

/** A row as node-postgres returns it (numeric as string, timestamptz as Date). */
export function pgRowToFactRow(t: FactTable, r: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const c of t.columns) row[c.column] = chValue(r[c.column])
  return row
}
