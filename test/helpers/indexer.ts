// The indexer as users run it: `node bin/upkeep.js index`, a child process we can kill -9.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { indexedHead as squidIndexedHead } from '../../src/squid/compat'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')

export interface IndexerRun {
  child: ChildProcess
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill9(): Promise<void>
  stop(): Promise<void>
}

export interface IndexerSetup {
  manifestFile: string
  dbUrl: string
  /** data dir of the embedded chDB (and anything else under UPKEEP_DATA_DIR) */
  dataDir: string
  env?: Record<string, string>
}

export function newDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-data-'))
}

export function startIndexer(s: IndexerSetup, to?: number): IndexerRun {
  const args = [BIN, 'index', '--manifest', s.manifestFile]
  if (to !== undefined) args.push('--to', String(to))
  const child = spawn(process.execPath, args, {
    env: { ...process.env, DB_URL: s.dbUrl, UPKEEP_DATA_DIR: s.dataDir, HEAD_POLL_MS: '100', ...s.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()))
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return {
    child,
    output: () => out,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** Runs `upkeep index --to <block>` to completion and asserts it exited cleanly. */
export async function indexTo(s: IndexerSetup, to: number): Promise<string> {
  const run = startIndexer(s, to)
  const r = await run.exited
  if (r.code !== 0) throw new Error(`indexer exited with ${r.code ?? r.signal}:\n${run.output().slice(-4000)}`)
  return run.output()
}

/** Highest block committed by the processor (final or hot) and its hash. */
export async function indexedHead(dbUrl: string): Promise<{ height: number; hash: string } | null> {
  const c = new pg.Client({ connectionString: dbUrl })
  try {
    await c.connect()
    return await squidIndexedHead(c)
  } catch {
    return null // server restarting
  } finally {
    await c.end().catch(() => {})
  }
}

export async function waitForIndexedBlock(dbUrl: string, block: number, hash: string, run?: IndexerRun, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now()
  for (;;) {
    const h = await indexedHead(dbUrl)
    if (h && h.height === block && h.hash === hash) return
    if (run && run.child.exitCode !== null) throw new Error(`indexer exited early (${run.child.exitCode}):\n${run.output().slice(-3000)}`)
    if (Date.now() - t0 > timeoutMs) throw new Error(`indexer did not reach block ${block} ${hash} within ${timeoutMs} ms (at ${JSON.stringify(h)})\n${run?.output().slice(-3000) ?? ''}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
