// `npm run bench [-- suite ...]`: every benchmark on the bench chain in one process tree;
// results to bench/results.json and a table in BENCHMARKS.md. Figures are medians of several
// runs and are compared to their ceilings and targets as ratios (the machine is noisy).
import fs from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../util/paths'
import { BenchPostgres, BENCH_DIR, ensureBenchChain, loadBenchChain, machine, type BenchChain } from './common'
import { UsageError } from '../util/errors'
import { benchIndex, type IndexBench } from './index-bench'
import { SCALED_SECTION, writeBenchmarksMd } from './report'
import type { ScenarioName } from '../workload/scenarios'

// verify runs before node: its replay expects operator 1's settlements on chain to be its own node's
export const SUITES = ['index', 'analytics', 'api', 'verify', 'node', 'settle-gas'] as const
export type Suite = (typeof SUITES)[number]
/** suites that start their own small devnet and need neither the bench chain nor Postgres */
const CHAIN_FREE: readonly Suite[] = ['settle-gas']

export interface BenchResults {
  machine: ReturnType<typeof machine>
  date: string
  seed: number
  /** the bench chain's workload scenario (absent: steady) */
  scenario?: string
  /** the bench chain's cache key (./chain-key) */
  chainKey?: string
  chain: { blocks: number; events: number }
  index?: Omit<IndexBench, 'dbUrl' | 'dataDir'>
  /** `--scale N`: the index suite again, in the same run, on the chain N times the bench chain's days */
  indexScaled?: ScaledIndex
  analytics?: unknown
  api?: unknown
  node?: unknown
  verify?: unknown
}

export interface ScaledIndex {
  scale: number
  chainKey: string
  chain: { blocks: number; events: number }
  index: Omit<IndexBench, 'dbUrl' | 'dataDir'>
}

export async function runBench(suites: Suite[], opts: { seed: number; runs: number; scenario?: ScenarioName; scale?: number; log?: (s: string) => void }): Promise<BenchResults> {
  const log = opts.log ?? ((s: string) => process.stderr.write(s + '\n'))
  if (suites.every((s) => CHAIN_FREE.includes(s))) return runChainFree(suites, opts, log)
  const scale = opts.scale ?? 1
  if (scale !== 1 && (suites.length !== 1 || suites[0] !== 'index')) throw new UsageError(`--scale ${scale} runs the index suite only (got: ${suites.join(', ')})`)
  const chain = await ensureBenchChain(opts.seed, log, opts.scenario)
  // generated up front, so a long generation does not sit between the two chains' runs
  const scaledChain = scale === 1 ? null : await ensureBenchChain(opts.seed, log, opts.scenario, scale)
  const summary = JSON.parse(fs.readFileSync(chain.manifestFile, 'utf8')) as { startBlock: number }
  log(`loading the bench chain (${(fs.statSync(chain.stateFile).size / 2 ** 30).toFixed(1)} GiB of anvil state)`)
  const devnet = await loadBenchChain(chain, opts.seed)
  const pg = await BenchPostgres.open()
  const file = path.join(BENCH_DIR, 'results.json')
  const previous: Partial<BenchResults> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}
  const results: BenchResults = { ...previous, machine: machine(), date: new Date().toISOString(), seed: opts.seed, scenario: chain.scenario === 'steady' ? undefined : chain.scenario, chainKey: chain.key, chain: { blocks: devnet.endBlock - summary.startBlock + 1, events: 0 } }
  try {
    const events = await countProtocolEvents(devnet)
    results.chain.events = events
    log(`bench chain: ${results.chain.blocks} blocks, ${events} protocol events`)
    let indexed: IndexBench | undefined
    // analytics, api and verify read the index the last index run built
    if (suites.some((s) => s === 'index' || s === 'analytics' || s === 'api' || s === 'verify')) {
      indexed = await benchIndex(devnet, pg, suites.includes('index') ? opts.runs : 1, events, log, suites.includes('index'))
      if (suites.includes('index')) {
        const { dbUrl: _d, dataDir: _x, ...rest } = indexed
        void _d
        void _x
        results.index = rest
      }
    }
    for (const s of SUITES.filter((x) => x !== 'index' && !CHAIN_FREE.includes(x) && suites.includes(x))) {
      const mod = await import(`./${s}-bench`)
      ;(results as unknown as Record<string, unknown>)[s] = await mod.bench({ devnet, chain, pg, indexed: indexed!, runs: opts.runs, log })
    }
  } finally {
    await devnet.anvil.stop()
    if (!scaledChain) await pg.close()
  }
  if (scaledChain) {
    try {
      results.indexScaled = await benchScaled(scaledChain, opts, pg, log)
    } finally {
      await pg.close()
    }
  }
  fs.mkdirSync(BENCH_DIR, { recursive: true })
  fs.writeFileSync(file, JSON.stringify(results, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2) + '\n')
  writeBenchmarksMd(results, scaledChain ? [...suites, SCALED_SECTION] : suites, [...SUITES, SCALED_SECTION], path.join(PROJECT_ROOT, 'BENCHMARKS.md'))
  log(`wrote ${file} and BENCHMARKS.md`)
  return results
}

/** The index suite on the scaled chain (after the 1x chain's run, so both share the run's hour). */
async function benchScaled(chain: BenchChain, opts: { seed: number; runs: number }, pg: BenchPostgres, log: (s: string) => void): Promise<ScaledIndex> {
  log(`loading the ${chain.scale}x bench chain (${(fs.statSync(chain.stateFile).size / 2 ** 30).toFixed(1)} GiB of anvil state)`)
  const devnet = await loadBenchChain(chain, opts.seed)
  try {
    const summary = JSON.parse(fs.readFileSync(chain.manifestFile, 'utf8')) as { startBlock: number }
    const events = await countProtocolEvents(devnet)
    const blocks = devnet.endBlock - summary.startBlock + 1
    log(`${chain.scale}x bench chain: ${blocks} blocks, ${events} protocol events`)
    const { dbUrl: _d, dataDir: _x, ...index } = await benchIndex(devnet, pg, opts.runs, events, log, true)
    void _d
    void _x
    return { scale: chain.scale, chainKey: chain.key, chain: { blocks, events }, index }
  } finally {
    await devnet.anvil.stop()
  }
}

/**
 * Runs suites that bring their own devnet. results.json keeps the last bench-chain run's stamp and
 * results and gains these suites' results; their sections are stamped with this run.
 */
async function runChainFree(suites: Suite[], opts: { seed: number; runs: number }, log: (s: string) => void): Promise<BenchResults> {
  const file = path.join(BENCH_DIR, 'results.json')
  const previous: Partial<BenchResults> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {}
  const ran: Record<string, unknown> = {}
  for (const s of suites) ran[s] = await (await import(`./${s}-bench`)).bench({ runs: opts.runs, log })
  const stamped = { ...previous, ...ran, machine: machine(), date: new Date().toISOString(), seed: opts.seed, chainKey: undefined, chain: { blocks: 0, events: 0 } } as BenchResults
  fs.mkdirSync(BENCH_DIR, { recursive: true })
  fs.writeFileSync(file, JSON.stringify({ ...previous, ...ran }, (_, v) => (typeof v === 'bigint' ? String(v) : v), 2) + '\n')
  writeBenchmarksMd(stamped, suites, SUITES, path.join(PROJECT_ROOT, 'BENCHMARKS.md'))
  log(`wrote ${file} and BENCHMARKS.md`)
  return stamped
}

async function countProtocolEvents(devnet: Awaited<ReturnType<typeof loadBenchChain>>): Promise<number> {
  const { countEvents } = await import('../workload/summary')
  const { JsonRpc } = await import('../chain/rpc')
  return (await countEvents(new JsonRpc(devnet.manifest.rpcUrl, 120_000), devnet.manifest.contracts, devnet.manifest.startBlock, devnet.endBlock)).total
}
