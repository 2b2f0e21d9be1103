// Fast bulk writes for final (non-hot) batches, on the batch's own transaction: append-only
// event rows go through COPY ... FROM STDIN (text format), mutable rows through one
// INSERT ... SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE per table, instead of TypeORM's
// parameter-per-value statements (the indexer's main CPU cost).
// Hot blocks keep going through typeorm-store, whose change tracker records every insert so a
// reorg can roll it back.
import { finished } from 'node:stream/promises'
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
  if (c.rel) return escapeCopy(typeof v === 'object' ? (v as { id: string }).id : String(v))
  if (typeof v === 'bigint' || typeof v === 'number') return v.toString()
  if (typeof v === 'boolean') return v ? 't' : 'f'
  if (v instanceof Date) return v.toISOString()
  return escapeCopy(typeof v === 'string' ? v : JSON.stringify(v))
}

function escapeCopy(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r')) : s
}

/**
 * The batch's connection for bulk writes, or undefined when the store tracks changes (hot blocks).
 * Its statements are sent without waiting for the one before: node-postgres queues them on the
 * connection in call order (parents before children stay so), and the caller builds the next
 * statement's text while Postgres runs the last one. The caller waits with `done()`.
 */
export async function bulkWriter(store: Store): Promise<BulkWriter | undefined> {
  const em = untrackedEntityManager(store)
  if (!em?.queryRunner) return undefined
  return new BulkWriter(em, (await em.queryRunner.connect()) as PoolClient)
}

export class BulkWriter {
  private readonly pending: Promise<void>[] = []
  private failed: { error: unknown } | undefined

  constructor(
    private readonly em: EntityManager,
    private readonly client: PoolClient,
  ) {}

  /** Queues a COPY of append-only rows (all of one entity class). */
  insert(rows: object[]): void {
    const { table, cols } = columnsOf(this.em, rows[0].constructor)
    const t0 = performance.now()
    const chunks = copyText(cols, rows as Record<string, unknown>[])
    const stream = this.client.query(copyFrom(`COPY "${table}" (${cols.map((c) => `"${c.name}"`).join(', ')}) FROM STDIN`))
    // written now, sent when Postgres asks for the data (pg-copy-streams holds it until then)
    for (const c of chunks) stream.write(c)
    stream.end()
    const t1 = performance.now()
    const n = rows.length // the caller reuses the array once this returns
    this.track(finished(stream), detailOn ? (ms) => addDetail(table, { ms, build: t1 - t0, rows: n, bytes: chunks.reduce((n, c) => n + c.length, 0), copies: 1 }) : undefined, t0)
  }

  /** Queues inserts-or-updates (by id) of rows of one entity class. */
  upsert(rows: object[]): void {
    const { table, cols } = columnsOf(this.em, rows[0].constructor)
    const sql = upsertSql(table, cols)
    for (let off = 0; off < rows.length; off += CHUNK) {
      const part = rows.slice(off, off + CHUNK) as Record<string, unknown>[]
      const t0 = performance.now()
      const params = upsertParams(cols, part)
      this.track(
        this.client.query(sql, params).then(() => undefined),
        detailOn ? (ms) => addDetail(`upsert ${table}`, { ms, rows: part.length }) : undefined,
        t0,
      )
    }
  }

  private track(p: Promise<void>, detail: ((ms: number) => void) | undefined, t0: number): void {
    // a handler at once: a failure must not surface as an unhandled rejection before done()
    this.pending.push(
      p.then(
        () => detail?.(performance.now() - t0),
        (error: unknown) => {
          this.failed ??= { error }
        },
      ),
    )
  }

  /** Waits for every queued statement; throws the first failure (the transaction is lost then). */
  async done(): Promise<void> {
    await Promise.all(this.pending)
    this.pending.length = 0
    if (this.failed) throw this.failed.error
  }
}

/** COPY's text for the rows, in chunks of ~1 MB (lines joined from arrays, not concatenated:
 *  `+=` builds ropes of small strings that cost more to collect than to write). */
function copyText(cols: Col[], rows: Record<string, unknown>[]): string[] {
  const chunks: string[] = []
  let lines: string[] = []
  let size = 0
  const values = new Array<string>(cols.length)
  for (const r of rows) {
    for (let i = 0; i < cols.length; i++) values[i] = copyValue(cols[i], r[cols[i].prop])
    const line = values.join('\t')
    lines.push(line)
    size += line.length + 1
    if (size >= 1 << 20) {
      chunks.push(lines.join('\n') + '\n')
      lines = []
      size = 0
    }
  }
  if (lines.length) chunks.push(lines.join('\n') + '\n')
  return chunks
}

async function bulkWrite(store: Store, rows: object[], upsert: boolean): Promise<boolean> {
  const w = await bulkWriter(store)
  if (!w) return false
  if (upsert) w.upsert(rows)
  else w.insert(rows)
  await w.done()
  return true
}

function upsertSql(table: string, cols: Col[]): string {
  const names = cols.map((c) => `"${c.name}"`)
  const key = cols.filter((c) => c.primary).map((c) => `"${c.name}"`)
  const set = cols.filter((c) => !c.primary).map((c) => `"${c.name}" = EXCLUDED."${c.name}"`)
  return (
    `INSERT INTO "${table}" (${names.join(', ')}) SELECT * FROM unnest(${cols.map((c, i) => `$${i + 1}::${c.type}`).join(', ')})` +
    ` ON CONFLICT (${key.join(', ')}) DO ${set.length ? `UPDATE SET ${set.join(', ')}` : 'NOTHING'}`
  )
}

/** One array literal per column: node-postgres' generic array encoder (escape every element) was
 *  a tenth of the indexer's CPU. */
function upsertParams(cols: Col[], part: Record<string, unknown>[]): string[] {
  return cols.map((c) => {
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
}

/** One element of a Postgres array literal, quoted (so NULL, commas and spaces stay text). */
function quote(v: string): string {
  return /["\\]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : `"${v}"`
}
