// Shared benchmark plumbing: the cached bench chain, fresh databases, process memory, medians.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execSync } from 'node:child_process'
import pg from 'pg'
import { PROJECT_ROOT } from '../util/paths'
import { startDevnet, manifestPathFor, type Devnet } from '../workload/devnet'
import { startEmbeddedPostgres, type PostgresHandle } from '../db/postgres'
import { externalDbUrl, testPostgresUrl } from '../config'
import { benchChainKey } from './chain-key'
import { generateScaledChain } from './scaled-chain'
import { DEFAULT_SCENARIO, type ScenarioName } from '../workload/scenarios'

export const BENCH_DIR = path.join(PROJECT_ROOT, 'bench')
export const CACHE_DIR = path.join(BENCH_DIR, 'cache')

export interface BenchChain {
  key: string
  scenario: ScenarioName
  /** the workload ran this many times the bench size's days (1: the bench chain itself) */
  scale: number
  stateFile: string
  manifestFile: string
  contentDir: string
}

/** Scales whose chains share the cache: `--scale 3` needs the 1x chain beside its own. */
const KEPT_SCALES = [1, 3]

/**
 * The bench chain (>= 1M events; `scale` times that for a scaled run), generated once per cache
 * key (./chain-key: contracts, workload code, pinned versions, seed, scenario, scale) and reused
 * (anvil state + manifest + content). The cache holds one seed and scenario (chains are large):
 * another scenario or seed, or changed code, regenerates it; the 1x and 3x chains of the same
 * code, seed and scenario are kept side by side.
 */
export async function ensureBenchChain(seed: number, log: (s: string) => void, scenario: ScenarioName = DEFAULT_SCENARIO, scale = 1): Promise<BenchChain> {
  const key = benchChainKey(PROJECT_ROOT, 'bench', seed, scenario, scale)
  const name = `bench-${scenario === DEFAULT_SCENARIO ? '' : scenario + '-'}${scale === 1 ? '' : `x${scale}-`}${seed}-${key}`
  const stateFile = path.join(CACHE_DIR, `${name}.state.json`)
  const contentDir = path.join(CACHE_DIR, `content-${key}`)
  if (!fs.existsSync(stateFile) || !fs.existsSync(manifestPathFor(stateFile))) {
    log(`generating the bench chain (seed ${seed}, scenario ${scenario}, scale ${scale}, key ${key}) into ${stateFile}; this takes a few minutes (times the scale), once per key`)
    fs.mkdirSync(CACHE_DIR, { recursive: true })
    // chains other code built are stale: drop them (they are large)
    const keep = new Set([scale, ...KEPT_SCALES].map((x) => benchChainKey(PROJECT_ROOT, 'bench', seed, scenario, x)))
    for (const f of fs.readdirSync(CACHE_DIR)) if (![...keep].some((k) => f.includes(k))) fs.rmSync(path.join(CACHE_DIR, f), { recursive: true, force: true })
    let last = 0
    const onProgress = (day: number, days: number, info: { txs: number; blocks: number }) => {
      if (Date.now() - last > 5_000) {
        last = Date.now()
        log(`  day ${day}/${days}, ${info.txs} txs, ${info.blocks} blocks`)
      }
    }
    const o = { workload: 'bench', seed, scenario, contentDir, stateOut: stateFile, onProgress }
    const d = scale === 1 ? await startDevnet(o) : await generateScaledChain({ ...o, scale })
    log(`  generated in ${d.stats?.seconds.toFixed(0)} s: ${d.stats?.txs} txs, ${d.stats?.blocks} blocks`)
    await d.anvil.stop()
  }
  return { key, scenario, scale, stateFile, manifestFile: manifestPathFor(stateFile), contentDir }
}

export async function loadBenchChain(c: BenchChain, seed: number): Promise<Devnet> {
  return startDevnet({ workload: 'bench', seed, contentDir: c.contentDir, stateIn: c.stateFile })
}

/** Postgres for the benchmarks: DB_URL's server (or the machine's 127.0.0.1:5432), else embedded. */
export class BenchPostgres {
  private constructor(
    private readonly admin: string,
    private readonly handle?: PostgresHandle,
  ) {}

  static async open(): Promise<BenchPostgres> {
    const url = externalDbUrl() ?? testPostgresUrl()
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
    try {
      await c.connect()
      await c.end()
      return new BenchPostgres(url)
    } catch {
      const h = await startEmbeddedPostgres(fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-pg-')))
      return new BenchPostgres(h.url, h)
    }
  }

  async fresh(name: string): Promise<string> {
    const c = new pg.Client({ connectionString: this.admin })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.query(`create database ${name}`)
    await c.end()
    const u = new URL(this.admin)
    u.pathname = '/' + name
    return u.toString()
  }

  async drop(name: string): Promise<void> {
    const c = new pg.Client({ connectionString: this.admin })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  }

  async close(): Promise<void> {
    await this.handle?.stop()
  }
}

/** Peak resident set (VmHWM) of a process, in bytes, or null where /proc is missing. */
export function peakRss(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

export function rss(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : null
  } catch {
    return null
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

export function machine(): { cpus: string; cores: number; memoryGiB: number; node: string; commit: string } {
  let commit = 'unknown'
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  } catch {
    // not a git checkout
  }
  return { cpus: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, commit }
}

/** CPU time (user + system) a process has used so far, in seconds, or null where /proc is missing. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null
  }
}

/** Node flags for the bench's child processes (e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile them). */
export function extraNodeArgs(): string[] {
  return (process.env.UPKEEP_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)
}
