// Upgrades: a data directory or database written by another version is migrated or refused in one
// line naming both versions, and a refused one is left exactly as it was.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DATA_FORMAT, FORMAT_FILE, openDataDir, upkeepVersion } from '../../src/db/data-format'
import { applyMigrations, ensurePostgres } from '../../src/db/postgres'
import { DataFormatError } from '../../src/util/errors'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'

const pkgVersion = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-format-'))
const dbs: TestDatabase[] = []
afterAll(async () => {
  for (const d of dbs) await d.drop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const listing = (dir: string) => fs.readdirSync(dir, { recursive: true }).map(String).sort()
const stampOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, FORMAT_FILE), 'utf8'))

describe('data directory format', () => {
  it('stamps a new directory with this version', () => {
    const dir = path.join(tmp, 'new')
    expect(openDataDir(dir)).toEqual({ found: null })
    expect(stampOf(dir)).toEqual({ format: 2, upkeep: pkgVersion })
    expect(openDataDir(dir)).toEqual({ found: 2 })
  })

  // format 2 books staking interest as it accrues: only a re-index derives the spans, so older data has no step
  const refusal = (dir: string): Error => {
    try {
      openDataDir(dir)
    } catch (e) {
      return e as Error
    }
    throw new Error(`${dir} was opened`)
  }

  it('refuses a directory format 1 wrote (staking interest on payout), naming both versions and asking for a re-index, changing nothing', () => {
    const dir = path.join(tmp, 'format1')
    fs.mkdirSync(path.join(dir, 'chdb'), { recursive: true })
    fs.writeFileSync(path.join(dir, FORMAT_FILE), JSON.stringify({ format: 1, upkeep: '0.3.0' }))
    const before = listing(dir)
    const err = refusal(dir)
    expect(err).toBeInstanceOf(DataFormatError)
    expect(err.message.split('\n')).toHaveLength(1)
    expect(err.message).toContain(`holds data format 1 written by upkeep 0.3.0; this is upkeep ${pkgVersion} (data format 2), which has no migration from it: move it away and re-index`)
    expect(listing(dir)).toEqual(before)
    expect(stampOf(dir)).toEqual({ format: 1, upkeep: '0.3.0' })
  })

  it('stamps a directory with data but no stamp (another command wrote first, or data from before versioning), keeping its data', () => {
    const dir = path.join(tmp, 'old')
    fs.mkdirSync(path.join(dir, 'chdb'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{"chainId":31337}')
    expect(openDataDir(dir)).toEqual({ found: 0 })
    expect(stampOf(dir)).toEqual({ format: 2, upkeep: pkgVersion })
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).toBe('{"chainId":31337}')
  })

  it('refuses a directory a newer version wrote, naming both versions, and changes nothing', () => {
    const dir = path.join(tmp, 'newer')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, FORMAT_FILE), JSON.stringify({ format: 3, upkeep: '9.9.9' }))
    fs.writeFileSync(path.join(dir, 'manifest.json'), 'x')
    const before = listing(dir)
    let err: unknown
    try {
      openDataDir(dir)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(DataFormatError)
    const msg = (err as Error).message
    expect(msg.split('\n')).toHaveLength(1)
    expect(msg).toContain('data format 3 written by upkeep 9.9.9')
    expect(msg).toContain(`this is upkeep ${pkgVersion} (data format 2)`)
    expect(listing(dir)).toEqual(before)
    expect(stampOf(dir)).toEqual({ format: 3, upkeep: '9.9.9' })
  })

  it('refuses a FORMAT file that is not a stamp', () => {
    const dir = path.join(tmp, 'garbled')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, FORMAT_FILE), 'format one')
    expect(() => openDataDir(dir)).toThrow(DataFormatError)
    expect(fs.readFileSync(path.join(dir, FORMAT_FILE), 'utf8')).toBe('format one')
  })
})

describe('database format', () => {
  it('stamps a migrated database and refuses one a newer version wrote (stamp or unknown migration)', async () => {
    const db = await freshDatabase('format')
    dbs.push(db)
    await applyMigrations(db.url)
    expect(await query(db.url, 'select format, upkeep from upkeep_meta.data_format')).toEqual([{ format: DATA_FORMAT, upkeep: upkeepVersion() }])
    const migrations = (await query<{ name: string }>(db.url, 'select name from migrations order by name')).map((r) => r.name)
    expect(migrations.length).toBeGreaterThan(0)
    // an already migrated database at this version opens as before
    expect(await applyMigrations(db.url)).toEqual([])

    const dataDir = path.join(tmp, 'db-newer')
    await query(db.url, `update upkeep_meta.data_format set format = 3, upkeep = '9.9.9'`)
    await expect(applyMigrations(db.url)).rejects.toThrow(/data format 3 written by upkeep 9\.9\.9; this is upkeep \S+ \(data format 2\)/)
    await expect(ensurePostgres(dataDir, db.url)).rejects.toBeInstanceOf(DataFormatError)

    // a database format 1 wrote (staking interest on payout): refused before any migration runs, asking for a re-index
    await query(db.url, `update upkeep_meta.data_format set format = 1, upkeep = '0.3.0'`)
    await expect(applyMigrations(db.url)).rejects.toThrow(/data format 1 written by upkeep 0\.3\.0; this is upkeep \S+ \(data format 2\), which has no migration from it: move it away and re-index/)
    expect((await query<{ name: string }>(db.url, 'select name from migrations order by name')).map((r) => r.name)).toEqual(migrations)

    // a newer version's migration in the table: refused before any migration runs, naming it
    await query(db.url, `update upkeep_meta.data_format set format = 2, upkeep = '0.1.0'`)
    await query(db.url, `insert into migrations (timestamp, name) values (9999999999999, 'Data9999999999999')`)
    await expect(applyMigrations(db.url)).rejects.toThrow(/migration Data9999999999999 that upkeep \S+ \(data format 2\) does not ship; it was written by upkeep 0\.1\.0/)
    expect((await query<{ name: string }>(db.url, 'select name from migrations order by name')).map((r) => r.name)).toEqual([...migrations, 'Data9999999999999'].sort())
  })
})
