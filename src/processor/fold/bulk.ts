// Fast bulk writes for final (non-hot) batches: one INSERT ... SELECT FROM unnest(arrays) [ON
// CONFLICT DO UPDATE] per table instead of TypeORM's parameter-per-value statements (the indexer's main CPU cost).
// Hot blocks keep going through typeorm-store, whose change tracker records every insert so a
// reorg can roll it back.
import type { Store } from '@subsquid/typeorm-store'
import { untrackedEntityManager } from '../../squid/compat'

const PG_ARRAY: Record<string, string> = {
  numeric: 'numeric[]',
  int4: 'int4[]',
  integer: 'int4[]',
  int: 'int4[]',
  bool: 'bool[]',
  boolean: 'bool[]',
  text: 'text[]',
  'character varying': 'text[]',
  varchar: 'text[]',
  'timestamp with time zone': 'timestamptz[]',
  timestamptz: 'timestamptz[]',
  jsonb: 'jsonb[]',
}

const CHUNK = 20_000

/** Inserts rows of one entity class; returns false when the store tracks changes (hot blocks). */
export function bulkInsert(store: Store, rows: object[]): Promise<boolean> {
  return bulkWrite(store, rows, false)
}

/** Inserts or updates (by id) rows of one entity class; false when the store tracks changes. */
export function bulkUpsert(store: Store, rows: object[]): Promise<boolean> {
  return bulkWrite(store, rows, true)
}

async function bulkWrite(store: Store, rows: object[], upsert: boolean): Promise<boolean> {
  const em = untrackedEntityManager(store)
  if (!em) return false
  const meta = em.connection.getMetadata(rows[0].constructor)
  const cols = meta.columns.map((c) => {
    const rel = c.relationMetadata
    const pgType = em.connection.driver.normalizeType(c)
    const type = rel ? 'text[]' : PG_ARRAY[pgType]
    if (!type) throw new Error(`bulk insert: no array type for ${meta.tableName}.${c.databaseName} (${pgType})`)
    const prop = rel ? rel.propertyName : c.propertyName
    return { name: c.databaseName, type, prop, rel: !!rel, primary: c.isPrimary }
  })
  const names = cols.map((c) => `"${c.name}"`)
  let sql = `INSERT INTO "${meta.tableName}" (${names.join(', ')}) SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})`
  if (upsert) {
    const key = cols.filter((c) => c.primary).map((c) => `"${c.name}"`)
    const set = cols.filter((c) => !c.primary).map((c) => `"${c.name}" = EXCLUDED."${c.name}"`)
    sql += ` ON CONFLICT (${key.join(', ')}) DO ${set.length ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`
  }
  for (let off = 0; off < rows.length; off += CHUNK) {
    const part = rows.slice(off, off + CHUNK) as Record<string, unknown>[]
    // each column goes as one array literal built here: node-postgres' generic array encoder
    // (escape every element) was a tenth of the indexer's CPU
    const params = cols.map((c) => {
      let out = '{'
      for (let i = 0; i < part.length; i++) {
        if (i) out += ','
        const v = part[i][c.prop]
        if (v === null || v === undefined) out += 'NULL'
        else if (c.rel) out += quote(typeof v === 'object' ? (v as { id: string }).id : String(v))
        else if (typeof v === 'bigint' || typeof v === 'number') out += v.toString()
        else if (typeof v === 'boolean') out += v ? 't' : 'f'
        else if (v instanceof Date) out += v.toISOString()
        else out += quote(typeof v === 'string' ? v : JSON.stringify(v))
      }
      return out + '}'
    })
    await em.query(sql, params)
  }
  return true
}

/** One element of a Postgres array literal, quoted (so NULL, commas and spaces stay text). */
function quote(v: string): string {
  return /["\\]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`
}
