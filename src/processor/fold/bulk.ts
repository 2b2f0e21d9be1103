// Fast bulk writes for final (non-hot) batches, on the batch's own transaction: append-only
// event rows go through COPY ... FROM STDIN (text format), mutable rows through one
// INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE per table, instead of TypeORM's
// parameter-per-value statements (the indexer's main CPU cost).
// Hot blocks keep going through typeorm-store, whose change tracker records every insert so a
// reorg can roll it back.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Store } from '@subsquid/typeorm-store'
import type { EntityManager } from 'typeorm'
import type { PoolClient } from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { untrackedEntityManager } from '../../squid/compat'
import { addDetail, detailOn } from '../../util/stage-times'

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

interface Col {
  name: string
  type: string
  prop: string
  rel: boolean
  primary: boolean
}

const colCache = new WeakMap<object, { table: string; cols: Col[] }>()

function columnsOf(em: EntityManager, entity: object): { table: string; cols: Col[] } {
  let c = colCache.get(entity)
  if (c) return c
  const meta = em.connection.getMetadata(entity as never)
  const cols = meta.columns.map((c) => {
    const rel = c.relationMetadata
    const pgType = em.connection.driver.normalizeType(c)
    const type = rel ? 'text[]' : PG_ARRAY[pgType]
    if (!type) throw new Error(`bulk insert: no array type for ${meta.tableName}.${c.databaseName} (${pgType})`)
    const prop = rel ? rel.propertyName : c.propertyName
    return { name: c.databaseName, type, prop, rel: !!rel, primary: c.isPrimary }
  })
  c = { table: meta.tableName, cols }
  colCache.set(entity, c)
  return c
}

/** One value in COPY's text format (\N is NULL; backslash, tab, newline and CR escaped). */
function copyValue(c: Col, v: unknown): string {
  if (v === null || v === undefined) return '\\N'
  if (c.rel) return copyText(typeof v === 'object' ? (v as { id: string }).id : String(v))
  if (typeof v === 'bigint' || typeof v === 'number') return v.toString()
  if (typeof v === 'boolean') return v ? 't' : 'f'
  if (v instanceof Date) return v.toISOString()
  return copyText(typeof v === 'string' ? v : JSON.stringify(v))
}

function copyText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : s
}

/** COPY rows into their table on the store's transaction (so a failed batch rolls them back too). */
async function copyRows(em: EntityManager, table: string, cols: Col[], rows: Record<string, unknown>[]): Promise<void> {
  const qr = em.queryRunner
  if (!qr) throw new Error('bulk insert: the store has no transaction')
  const client = (await qr.connect()) as PoolClient
  const stream = client.query(copyFrom(`COPY "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) FROM STDIN`))
  // ~1 MB of text per chunk: the COPY stream is fed as it drains, never the batch's whole text at once
  // lines are joined from arrays, not concatenated: `+=` builds ropes of small strings that cost
  // more to collect than to write
  let build = 0
  let bytes = 0
  function* text(): Generator<string> {
    let b0 = performance.now()
    let lines: string[] = []
    let size = 0
    const values = new Array<string>(cols.length)
    for (const r of rows) {
      for (let i = 0; i < cols.length; i++) values[i] = copyValue(cols[i], r[cols[i].prop])
      const line = values.join('\t')
      lines.push(line)
      size += line.length + 1
      if (size >= 1 << 20) {
        const chunk = lines.join('\n') + '\n'
        build += performance.now() - b0
        bytes += chunk.length
        yield chunk
        b0 = performance.now()
        lines = []
        size = 0
      }
    }
    if (lines.length) {
      const chunk = lines.join('\n') + '\n'
      bytes += chunk.length
      build += performance.now() - b0
      yield chunk
    }
  }
  const t0 = performance.now()
  await pipeline(Readable.from(text(), { objectMode: false }), stream)
  if (detailOn) addDetail(table, { ms: performance.now() - t0, build, rows: rows.length, bytes, copies: 1 })
}

async function bulkWrite(store: Store, rows: object[], upsert: boolean): Promise<boolean> {
  const em = untrackedEntityManager(store)
  if (!em) return false
  const { table, cols } = columnsOf(em, rows[0].constructor)
  if (!upsert) {
    await copyRows(em, table, cols, rows as Record<string, unknown>[])
    return true
  }
  const names = cols.map((c) => `"${c.name}"`)
  const key = cols.filter((c) => c.primary).map((c) => `"${c.name}"`)
  const set = cols.filter((c) => !c.primary).map((c) => `"${c.name}" = EXCLUDED."${c.name}"`)
  const sql =
    `INSERT INTO "${table}" (${names.join(', ')}) SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})` +
    ` ON CONFLICT (${key.join(', ')}) DO ${set.length ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`
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
    const q0 = performance.now()
    await em.query(sql, params)
    if (detailOn) addDetail(`upsert ${table}`, { ms: performance.now() - q0, rows: part.length })
  }
  return true
}

/** One element of a Postgres array literal, quoted (so NULL, commas and spaces stay text). */
function quote(v: string): string {
  return /["\\]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`
}
