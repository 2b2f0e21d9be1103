// Fast bulk insert for final (non-hot) batches: one INSERT ... SELECT FROM unnest(arrays) per
// table instead of TypeORM's parameter-per-value statements (the indexer's main CPU cost).
// Hot blocks keep going through typeorm-store, whose change tracker records every insert so a
// reorg can roll it back.
import type { Store } from '@subsquid/typeorm-store'
import type { EntityManager } from 'typeorm'

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
export async function bulkInsert(store: Store, rows: object[]): Promise<boolean> {
  const s = store as unknown as { changes?: unknown; em(): EntityManager }
  if (s.changes || typeof s.em !== 'function') return false
  const em = s.em()
  const meta = em.connection.getMetadata(rows[0].constructor)
  const cols = meta.columns.map((c) => {
    const rel = c.relationMetadata
    const pgType = em.connection.driver.normalizeType(c)
    const type = rel ? 'text[]' : PG_ARRAY[pgType]
    if (!type) throw new Error(`bulk insert: no array type for ${meta.tableName}.${c.databaseName} (${pgType})`)
    const prop = rel ? rel.propertyName : c.propertyName
    return { name: c.databaseName, type, prop, rel: !!rel }
  })
  const sql = `INSERT INTO "${meta.tableName}" (${cols.map((c) => `"${c.name}"`).join(', ')}) SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})`
  for (let off = 0; off < rows.length; off += CHUNK) {
    const part = rows.slice(off, off + CHUNK) as Record<string, unknown>[]
    const params = cols.map((c) =>
      part.map((r) => {
        const v = r[c.prop]
        if (v === null || v === undefined) return null
        if (c.rel) return typeof v === 'object' ? (v as { id: string }).id : v
        if (typeof v === 'bigint') return v.toString()
        if (v instanceof Date) return v.toISOString()
        return v
      }),
    )
    await em.query(sql, params)
  }
  return true
}
