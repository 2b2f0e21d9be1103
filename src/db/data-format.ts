// The version of what Upkeep keeps on disk and in Postgres, so that data written by another
// version is migrated or refused in one line naming both versions, never half-read.
//
// - The data directory (.data or UPKEEP_DATA_DIR) holds FORMAT: {"format": N, "upkeep": "x.y.z"}.
// - The database holds one row in upkeep_meta.data_format (format, upkeep), stamped after the
//   migrations; a database whose migrations table names a migration this version does not ship
//   was written by a newer version and is refused too.
// A directory with data but no FORMAT is stamped (see openDataDir). A format change adds its step to
// MIGRATIONS when one exists; a change only a re-index can make (1 -> 2) has none, and is refused.
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { PROJECT_ROOT } from '../util/paths'
import { DataFormatError } from '../util/errors'

/**
 * The format this version writes and reads. 2: staking interest is booked as it accrues
 * (StakeAccrual spans, DailyNetworkStats.stakingInterest accrued, stakingInterestPaid the cash
 * figure); a format-1 index holds the cash figure under the accrued name and no spans, and only a
 * re-index can derive them, so format 1 (and 0) has no step and is refused.
 */
export const DATA_FORMAT = 2
export const FORMAT_FILE = 'FORMAT'

export function upkeepVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

interface Stamp {
  format: number
  upkeep: string
}

/** Data-directory steps from format `from` to from + 1. */
const MIGRATIONS: Record<number, (dataDir: string) => void> = {
  // no 1: the accrual spans come from the chain only (a re-index)
}

function refuse(where: string, found: Stamp): never {
  const newer = found.format > DATA_FORMAT
  throw new DataFormatError(
    `${where} holds data format ${found.format} written by upkeep ${found.upkeep}; this is upkeep ${upkeepVersion()} (data format ${DATA_FORMAT}), ` +
      (newer ? `which cannot read it: run upkeep ${found.upkeep} or newer, or point UPKEEP_DATA_DIR / DB_URL elsewhere` : 'which has no migration from it: move it away and re-index'),
  )
}

function readStamp(file: string): Stamp {
  let s: Partial<Stamp>
  try {
    s = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Stamp>
  } catch (e) {
    throw new DataFormatError(`${file} is unreadable (${(e as Error).message}); this is upkeep ${upkeepVersion()} (data format ${DATA_FORMAT}): move the data directory away and re-index`)
  }
  if (!Number.isInteger(s.format) || (s.format as number) < 0 || typeof s.upkeep !== 'string') {
    throw new DataFormatError(`${file} is not a data-format stamp; this is upkeep ${upkeepVersion()} (data format ${DATA_FORMAT}): move the data directory away and re-index`)
  }
  return s as Stamp
}

function writeStamp(dataDir: string): void {
  const tmp = path.join(dataDir, `${FORMAT_FILE}.tmp`)
  fs.writeFileSync(tmp, JSON.stringify({ format: DATA_FORMAT, upkeep: upkeepVersion() }) + '\n')
  fs.renameSync(tmp, path.join(dataDir, FORMAT_FILE))
}

/**
 * Opens the data directory: creates and stamps a new one, migrates an older one step by step,
 * refuses a newer or unknown one. Returns the format it found (null for a new directory).
 */
export function openDataDir(dataDir: string): { found: number | null } {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, FORMAT_FILE)
  let found: number | null
  if (fs.existsSync(file)) {
    const stamp = readStamp(file)
    if (stamp.format === DATA_FORMAT) return { found: DATA_FORMAT }
    if (stamp.format > DATA_FORMAT) refuse(dataDir, stamp)
    for (let f = stamp.format; f < DATA_FORMAT; f++) if (!MIGRATIONS[f]) refuse(dataDir, stamp)
    found = stamp.format
  } else {
    // unstamped: data from before versioning, or (far more often) what another command of this
    // version wrote first (the devnet state, the content store, a warehouse opened early); the two
    // cannot be told apart, so it is stamped as this format. An embedded database inside it carries
    // its own stamp, which checkDatabaseFormat still refuses when it is older.
    found = fs.readdirSync(dataDir).length ? 0 : null
    writeStamp(dataDir)
    return { found }
  }
  for (let f = found; f < DATA_FORMAT; f++) MIGRATIONS[f](dataDir)
  writeStamp(dataDir)
  return { found }
}

const META = 'upkeep_meta'

/** The database's stamp, or null when it has none (new, or older than versioning). */
async function dbStamp(c: pg.Client): Promise<Stamp | null> {
  const t = await c.query(`select to_regclass('${META}.data_format') as t`)
  if (!t.rows[0].t) return null
  const r = await c.query<Stamp>(`select format, upkeep from ${META}.data_format limit 1`)
  return r.rows[0] ?? null
}

/** Refuses a database written by a newer version: a newer stamp, or a migration this version lacks. */
export async function checkDatabaseFormat(url: string, knownMigrations?: string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    const stamp = await dbStamp(c)
    if (stamp && stamp.format !== DATA_FORMAT) refuse(`the database at ${new URL(url).host}${new URL(url).pathname}`, stamp)
    if (knownMigrations) {
      const t = await c.query(`select to_regclass('public.migrations') as t`)
      if (t.rows[0].t) {
        const ran = (await c.query<{ name: string }>('select name from public.migrations')).rows.map((r) => r.name)
        const unknown = ran.filter((n) => !knownMigrations.includes(n))
        if (unknown.length) {
          throw new DataFormatError(
            `the database at ${new URL(url).host}${new URL(url).pathname} has migration ${unknown.join(', ')} that upkeep ${upkeepVersion()} (data format ${DATA_FORMAT}) does not ship` +
              (stamp ? `; it was written by upkeep ${stamp.upkeep} (data format ${stamp.format})` : '') +
              ': run that version or newer, or use another database',
          )
        }
      }
    }
  } finally {
    await c.end()
  }
}

/** Stamps the database with this version (after its migrations ran). */
export async function stampDatabase(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`create schema if not exists ${META}`)
    await c.query(`create table if not exists ${META}.data_format (format integer not null, upkeep text not null)`)
    await c.query('begin')
    await c.query(`delete from ${META}.data_format`)
    await c.query(`insert into ${META}.data_format (format, upkeep) values ($1, $2)`, [DATA_FORMAT, upkeepVersion()])
    await c.query('commit')
  } finally {
    await c.end()
  }
}
