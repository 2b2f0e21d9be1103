// The embedded Postgres starts from a checkout-like path under a private (0700) directory, the way a
// user clones into root's home or a `mktemp -d` directory. As root the server runs as `postgres`,
// which cannot reach such a path, so its binaries and data must be placed where it can; as any other
// user the data stays in <data dir>/pg.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type PostgresHandle } from '../../src/db/postgres'
import { RELOCATED_ROOT, reachable } from '../../src/db/embedded-postgres'

const root = process.getuid?.() === 0
let handle: PostgresHandle | undefined
const priv = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-private-'))
afterAll(async () => {
  await handle?.stop()
  fs.rmSync(priv, { recursive: true, force: true })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !/\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

describe('embedded Postgres under a private directory', () => {
  it('starts, answers, keeps data across a restart, and stops; a killed owner takes its server along', async () => {
    fs.chmodSync(priv, 0o700)
    const dataDir = path.join(priv, 'home', 'project', '.data')
    fs.mkdirSync(dataDir, { recursive: true })
    fs.chmodSync(path.join(priv, 'home'), 0o700)
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
    if (root) expect(reachable(dataDir, { uid: id('-u'), gid: id('-g') })).toBe(false) // the situation of the issue

    handle = await startEmbeddedPostgres(dataDir)
    const c = new pg.Client({ connectionString: handle.url })
    await c.connect()
    await c.query('create table t (v numeric)')
    await c.query(`insert into t values (123456789012345678901234567890)`)
    const who = (await c.query<{ u: string; d: string }>('select current_user as u, current_setting($1) as d', ['data_directory'])).rows[0]
    await c.end()
    expect(who.u).toBe('postgres')
    if (root) {
      // the cluster lives in the world-traversable place the data dir's pg.location names
      expect(who.d.startsWith(path.join(RELOCATED_ROOT, 'upkeep-pg-data') + '/')).toBe(true)
      expect(fs.readFileSync(path.join(dataDir, 'pg.location'), 'utf8')).toContain(who.d)
      expect(fs.statSync(who.d).uid).not.toBe(0)
      // the private directories were left private
      expect(fs.statSync(priv).mode & 0o777).toBe(0o700)
      expect(fs.statSync(path.join(priv, 'home')).mode & 0o777).toBe(0o700)
    } else {
      expect(fs.realpathSync(who.d)).toBe(fs.realpathSync(path.join(dataDir, 'pg')))
    }

    await handle.stop()
    handle = await startEmbeddedPostgres(dataDir)
    const c2 = new pg.Client({ connectionString: handle.url })
    await c2.connect()
    expect((await c2.query<{ v: string }>('select v::text from t')).rows[0].v).toBe('123456789012345678901234567890')
    await c2.end()
    await handle.stop()
    handle = undefined

    // an owner killed with SIGKILL (no exit handler runs) still leaves no server behind
    const script = `require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib', 'db', 'postgres.js'))}).startEmbeddedPostgres(${JSON.stringify(dataDir)}).then(h => console.log(h.url))`
    const owner = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    const url = await new Promise<string>((resolve) => owner.stdout!.on('data', (b: Buffer) => resolve(b.toString().trim())))
    const pidFile = path.join(fs.existsSync(path.join(dataDir, 'pg.location')) ? fs.readFileSync(path.join(dataDir, 'pg.location'), 'utf8').match(/in (\S+) /)![1] : path.join(dataDir, 'pg'), 'postmaster.pid')
    const serverPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
    expect(url).toMatch(/^postgres:/)
    owner.kill('SIGKILL')
    const gone = Date.now() + 20_000
    while (Date.now() < gone && isAlive(serverPid)) await new Promise((r) => setTimeout(r, 200))
    expect(isAlive(serverPid)).toBe(false)
    if (root) {
      const relocated = path.dirname(fs.readFileSync(path.join(dataDir, 'pg.location'), 'utf8').match(/in (\S+) /)![1])
      // once the data dir is gone, the next start removes its relocated cluster
      fs.rmSync(priv, { recursive: true, force: true })
      const other = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-private-'))
      try {
        const h = await startEmbeddedPostgres(other)
        await h.stop()
        expect(fs.existsSync(relocated)).toBe(false)
      } finally {
        fs.rmSync(other, { recursive: true, force: true })
      }
    }
  })

  it('reachable() follows owner, group and other search bits up to /', () => {
    // under /var/tmp (1777), whose ancestors anyone can search, unlike a private TMPDIR
    expect(reachable(RELOCATED_ROOT, { uid: 54321, gid: 54321 })).toBe(true)
    const d = fs.mkdtempSync(path.join(RELOCATED_ROOT, 'upkeep-reach-'))
    try {
      const inner = path.join(d, 'a', 'b')
      fs.mkdirSync(inner, { recursive: true })
      fs.chmodSync(d, 0o700)
      const me = { uid: fs.statSync(d).uid, gid: fs.statSync(d).gid }
      const other = { uid: 54321, gid: 54321 }
      expect(reachable(inner, me)).toBe(true)
      expect(reachable(inner, other)).toBe(false)
      fs.chmodSync(d, 0o711)
      expect(reachable(path.join(inner, 'not-yet'), other)).toBe(true)
      fs.chmodSync(path.join(d, 'a'), 0o750)
      expect(reachable(inner, other)).toBe(false)
      expect(reachable(inner, { uid: 54321, gid: me.gid })).toBe(true)
    } finally {
      fs.rmSync(d, { recursive: true, force: true })
    }
  })
})
