// A deterministic hash of the indexed state: every entity table, rows ordered by id, columns by
// name, values in a canonical text form. Processor bookkeeping (squid_processor schema,
// migrations) is left out, so an incremental index and a fresh re-index compare equal.
import crypto from 'node:crypto'
import pg from 'pg'

export interface StateDigest {
  digest: string
  tables: Record<string, { rows: number; digest: string }>
}

const EXCLUDED = new Set(['migrations'])

function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (v instanceof Date) return JSON.stringify(v.toISOString())
  if (typeof v === 'object') return JSON.stringify(v)
  return JSON.stringify(String(v))
}

export async function stateDigest(url: string): Promise<StateDigest> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const tables = (
      await client.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
      )
    ).rows
      .map((r) => r.table_name)
      .filter((t) => !EXCLUDED.has(t))
    const all = crypto.createHash('sha256')
    const out: StateDigest['tables'] = {}
    for (const t of tables) {
      const cols = (
        await client.query<{ column_name: string }>(
          `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by column_name`,
          [t],
        )
      ).rows.map((r) => r.column_name)
      const h = crypto.createHash('sha256')
      // numeric and timestamps as text: no float or timezone conversion on the way
      const select = cols.map((c) => `"${c}"::text as "${c}"`).join(', ')
      const res = await client.query({ text: `select ${select} from "${t}" order by "id"`, rowMode: 'array' })
      for (const row of res.rows as unknown[][]) h.update(row.map(canonical).join(',') + '\n')
      const d = h.digest('hex')
      out[t] = { rows: res.rowCount ?? 0, digest: d }
      all.update(`${t}:${cols.join(',')}:${d}\n`)
    }
    return { digest: all.digest('hex'), tables: out }
  } finally {
    await client.end()
  }
}
