// The ClickHouse adapter: every failure becomes a ClickHouseError with the server's numeric code
// (ClickHouse's own error codes), a locked embedded directory a ChdbLockedError; the one mapping
// turns them into exit statuses and GraphQL codes.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { ClickHouseError, exitCodeOf, graphqlCodeOf } from '../../src/util/errors'

const ROOT = path.resolve(__dirname, '..', '..')
let dir: string
let w: Warehouse

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-cherr-'))
  w = await openWarehouse({ mode: 'embedded', path: path.join(dir, 'a'), database: 'upkeep' })
})
afterAll(async () => {
  await w?.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  )
}

describe('ClickHouse errors carry the server code', () => {
  it('an unknown table: 60 (UNKNOWN_TABLE)', async () => {
    const e = await failure(queryRows(w, 'SELECT * FROM upkeep.no_such_table'))
    expect(e).toBeInstanceOf(ClickHouseError)
    expect((e as ClickHouseError).serverCode).toBe(60)
    expect(exitCodeOf(e)).toBe(4)
    expect(graphqlCodeOf(e)).toBe('INTERNAL_SERVER_ERROR')
  })

  it('a query past max_execution_time: 159 (TIMEOUT_EXCEEDED), a QUERY_TIMEOUT in GraphQL', async () => {
    const e = await failure(queryRows(w, 'SELECT count() FROM system.numbers WHERE NOT ignore(sleepEachRow(0.001)) SETTINGS max_execution_time = 1, max_block_size = 1'))
    expect(e).toBeInstanceOf(ClickHouseError)
    expect((e as ClickHouseError).serverCode).toBe(159)
    expect(graphqlCodeOf(e)).toBe('QUERY_TIMEOUT')
  })
})

describe('embedded chDB held by another process', () => {
  it('a second directory in this process is refused before chDB is asked', async () => {
    const e = await failure(openWarehouse({ mode: 'embedded', path: path.join(dir, 'c'), database: 'upkeep' }))
    expect(e).toBeInstanceOf(ClickHouseError)
    expect((e as Error).message).toBe(`embedded chDB serves one directory per process: ${path.join(dir, 'a')} is open here, so ${path.join(dir, 'c')} cannot be`)
  })

  let holder: ChildProcess | undefined
  afterAll(() => {
    holder?.kill('SIGKILL')
  })

  it('is a ChdbLockedError that says what to do, exit status 5', async () => {
    const locked = path.join(dir, 'b')
    const script = `require(${JSON.stringify(path.join(ROOT, 'lib', 'warehouse', 'client.js'))}).openWarehouse({ mode: 'embedded', path: ${JSON.stringify(locked)}, database: 'upkeep' }).then(() => { console.log('open'); setInterval(() => {}, 1000) })`
    holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.on('data', (b: Buffer) => b.toString().includes('open') && resolve())
      holder!.once('exit', (code) => reject(new Error(`holder exited ${code}`)))
    })
    // chDB opens one directory per process, so the second opener is a process of its own too
    const opener = `const lib = ${JSON.stringify(path.join(ROOT, 'lib'))}; const { exitCodeOf } = require(lib + '/util/errors.js'); require(lib + '/warehouse/client.js').openWarehouse({ mode: 'embedded', path: ${JSON.stringify(locked)}, database: 'upkeep' }).then(() => console.log('{}'), (e) => console.log(JSON.stringify({ name: e.constructor.name, code: e.code, serverCode: e.serverCode, message: e.message, exit: exitCodeOf(e) })))`
    let stderr = ''
    const out = await new Promise<string>((resolve) => {
      let text = ''
      const c = spawn(process.execPath, ['-e', opener], { stdio: ['ignore', 'pipe', 'pipe'] })
      c.stdout!.on('data', (b: Buffer) => (text += b.toString()))
      c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
      c.once('exit', () => resolve(text))
    })
    // the holder is named (its pid and command line, from chDB's status file and /proc), and chDB
    // is not asked at all: its raw "Code: 76 ... Cannot lock file" never reaches the output
    expect(out + stderr).not.toMatch(/DB::Exception|Code: 76/)
    const e = JSON.parse(out.trim().split('\n').pop()!) as { message: string }
    expect(e).toEqual({ name: 'ChdbLockedError', code: 'CHDB_LOCKED', message: e.message, exit: 5 })
    const head = `embedded chDB at ${locked} is locked by process ${holder!.pid} (${process.execPath} -e require(`
    expect(e.message.startsWith(head), e.message).toBe(true)
    expect(e.message).toMatch(/\.\.\.\); use that process, stop it, or use a ClickHouse server \(CLICKHOUSE_URL\)$/)
  }, 60_000)
})
