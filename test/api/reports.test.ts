// Reports from the running service: GET /reports/YYYY-MM.md|.html|.csv of a running `upkeep serve`
// answers what `upkeep report` prints for the same month; while the service holds the embedded
// chDB, `upkeep report` (another process) reads the report from it, and with no API to go to, every
// command that opens the warehouse prints one line naming the holding process, never chDB's raw
// "Code: 76 ... Cannot lock file".
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { runUpkeep } from '../helpers/cli'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
const MONTH = '2026-10'

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let warehouse: Warehouse | undefined
/** `upkeep serve`: the service holding the warehouse */
let serve: ChildProcess | undefined
let api: { url: string } | undefined
/** what `upkeep report` printed with the warehouse free, per format */
const direct: Record<string, string> = {}

// without the wall time: these tests compare the whole answer
const upkeep = (args: string[]) => runUpkeep(args, { DB_URL: db.url, UPKEEP_DATA_DIR: dataDir, LOG_LEVEL: 'info' }).then(({ ms: _ms, ...r }) => r)

const report = (format: string) => upkeep(['report', '--month', MONTH, '--format', format, '--manifest', devnet.manifestFile])

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('reports')
  dataDir = newDataDir()
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  // nobody holds the warehouse yet: the command opens it itself
  for (const format of ['md', 'csv', 'html']) {
    const r = await report(format)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    direct[format] = r.stdout
  }
  serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--manifest', devnet.manifestFile], {
    env: { ...process.env, DB_URL: db.url, UPKEEP_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let err = ''
  serve.stderr!.on('data', (b: Buffer) => (err += b.toString()))
  api = await new Promise((resolve, reject) => {
    let out = ''
    serve!.stdout!.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /upkeep api ready: (http:\/\/[^/\s]+)\/graphql/.exec(out)
      if (m) resolve({ url: m[1] })
    })
    serve!.once('exit', (code) => reject(new Error(`upkeep serve exited ${code}: ${err}`)))
  })
}, 600_000)

afterAll(async () => {
  serve?.kill('SIGKILL')
  await warehouse?.close()
  await devnet?.stop()
  await db?.drop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('GET /reports/YYYY-MM.<format>', () => {
  it('md, csv and html equal what `upkeep report` printed for the month, with their content types', async () => {
    expect(direct.md).toContain(`report — ${MONTH}`)
    expect(direct.html.match(/<figure class="chart">/g)?.length).toBe(4)
    for (const [format, type] of [
      ['md', 'text/markdown; charset=utf-8'],
      ['csv', 'text/csv; charset=utf-8'],
      ['html', 'text/html; charset=utf-8'],
    ]) {
      const res = await fetch(`${api!.url}/reports/${MONTH}.${format}`)
      expect(res.status, format).toBe(200)
      expect(res.headers.get('content-type')).toBe(type)
      expect(await res.text(), format).toBe(direct[format])
    }
  }, 180_000)

  it('refuses a malformed month or format with a clear 400 and an unknown path with 404', async () => {
    for (const [route, status, message] of [
      ['/reports/2026-13.md', 400, 'the month must be YYYY-MM, got "2026-13"'],
      ['/reports/2026-1.csv', 400, 'the month must be YYYY-MM, got "2026-1"'],
      ['/reports/2026-10.pdf', 400, 'report format must be md, html or csv, got "pdf"'],
      ['/reports/2026-10', 404, 'no route /reports/2026-10: ask for /reports/YYYY-MM.md, .html or .csv'],
    ] as const) {
      const res = await fetch(`${api!.url}${route}`)
      expect(res.status, route).toBe(status)
      const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] }
      expect(body.errors[0].message).toBe(message)
      expect(body.errors[0].extensions.code).toBe(status === 400 ? 'BAD_USER_INPUT' : 'NOT_FOUND')
    }
  })
})

describe('`upkeep report` while `upkeep serve` holds the embedded warehouse', () => {
  it('reads the report from the running service: the same text', async () => {
    for (const format of ['md', 'csv']) {
      const r = await report(format)
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(direct[format])
      expect(r.stderr).toContain(`embedded chDB is held by process ${serve!.pid}: reading the report from its API, ${api!.url}/reports/${MONTH}.${format}`)
      expect(r.stderr).not.toMatch(/DB::Exception|Code: 76/)
    }
  }, 120_000)

  it('a malformed month is refused before anything is opened or asked', async () => {
    const r = await upkeep(['report', '--month', '2026-13', '--manifest', devnet.manifestFile])
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'upkeep: --month must be YYYY-MM, got "2026-13"\n' })
  })

  it('a month with nothing in it is reported through the service too', async () => {
    const r = await upkeep(['report', '--month', '2000-01', '--manifest', devnet.manifestFile])
    expect(r.stderr).not.toMatch(/DB::Exception|Code: 76/)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('report — 2000-01')
  }, 120_000)

  it('without an API to go to, every command that opens the warehouse says in one line which process holds it', async () => {
    // the service stops (its announcement goes with it) and this process holds the warehouse, with no API
    const exited = new Promise((r) => serve!.once('exit', r))
    serve!.kill('SIGTERM')
    await exited
    serve = undefined
    expect(fs.existsSync(path.join(dataDir, 'api.json'))).toBe(false)
    warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
    const lock = `upkeep: embedded chDB at ${path.join(dataDir, 'chdb')} is locked by process ${process.pid} (`
    for (const args of [
      ['report', '--month', MONTH, '--manifest', devnet.manifestFile],
      ['serve', '--port', '0', '--manifest', devnet.manifestFile],
      ['index', '--manifest', devnet.manifestFile, '--to', String(devnet.endBlock)],
    ]) {
      const r = await upkeep(args)
      expect(r.code, args[0]).toBe(5)
      expect(r.stdout, args[0]).toBe('')
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('{'))
      expect(lines, args[0]).toHaveLength(1)
      expect(lines[0], args[0]).toContain(lock)
      expect(lines[0], args[0]).toMatch(/\); use that process, stop it, or use a ClickHouse server \(CLICKHOUSE_URL\)$/)
      expect(r.stderr, args[0]).not.toMatch(/DB::Exception|Code: 76/)
    }
  }, 180_000)
})
