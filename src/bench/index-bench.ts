// Indexing throughput on the bench chain: the raw RPC ceiling (eth_getLogs + decode only) and the
// indexer end to end into Postgres + ClickHouse, in the same run, with the indexer's peak RSS.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PROJECT_ROOT } from '../util/paths'
import { JsonRpc } from '../chain/rpc'
import type { Devnet } from '../workload/devnet'
import { writeManifest } from '../devnet/manifest'
import { EventDecoder } from '../processor/decode'
import { BenchPostgres, median, peakRss } from './common'

export interface IndexRun {
  seconds: number
  processingSeconds: number
  eventsPerSec: number
  processingEventsPerSec: number
  peakRssBytes: number | null
}

export interface IndexBench {
  blocks: number
  events: number
  ceiling: { seconds: number; logsPerSec: number }[]
  endToEnd: IndexRun[]
  median: { ceilingLogsPerSec: number; eventsPerSec: number; processingEventsPerSec: number; ratioToCeiling: number; peakRssBytes: number | null }
  /** the last run's stores, for the analytics and API benchmarks */
  dbUrl: string
  dataDir: string
}

/** eth_getLogs over the whole range (4 requests in flight) and decode every log: the ceiling. */
export async function rawCeiling(devnet: Devnet, chunk = 200): Promise<{ seconds: number; logs: number }> {
  const rpc = new JsonRpc(devnet.manifest.rpcUrl, 120_000)
  const decoder = new EventDecoder(devnet.manifest.contracts)
  const address = Object.values(devnet.manifest.contracts)
  const ranges: [number, number][] = []
  for (let f = devnet.manifest.startBlock; f <= devnet.endBlock; f += chunk) ranges.push([f, Math.min(devnet.endBlock, f + chunk - 1)])
  let logs = 0
  const t0 = process.hrtime.bigint()
  let next = 0
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < ranges.length) {
        const [from, to] = ranges[next++]
        const res = await rpc.call<{ address: string; topics: string[]; data: string }[]>('eth_getLogs', [{ fromBlock: '0x' + from.toString(16), toBlock: '0x' + to.toString(16), address }])
        for (const l of res) if (decoder.decode(l).ok) logs++
      }
    }),
  )
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, logs }
}

/**
 * The indexer's V8 heap cap for the run (README: NODE_OPTIONS). With V8's default the heap grows
 * lazily to ~1.2 GiB RSS on the bench chain; capped at 640 MB it stays near 0.85 GiB, equally fast.
 */
export const INDEX_HEAP_MB = 640

async function indexOnce(devnet: Devnet, manifestFile: string, dbUrl: string, dataDir: string, log: (s: string) => void): Promise<IndexRun & { events: number }> {
  const t0 = Date.now()
  let firstBatch = 0
  const child = spawn(process.execPath, [`--max-old-space-size=${INDEX_HEAP_MB}`, path.join(PROJECT_ROOT, 'bin', 'upkeep.js'), 'index', '--manifest', manifestFile, '--to', String(devnet.endBlock)], {
    env: { ...process.env, DB_URL: dbUrl, UPKEEP_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let peak: number | null = null
  const sampler = setInterval(() => (peak = peakRss(child.pid!) ?? peak), 250)
  let tail = ''
  const onData = (b: Buffer) => {
    const s = b.toString()
    tail = (tail + s).slice(-4000)
    if (!firstBatch && s.includes('processing blocks from')) firstBatch = Date.now()
    const m = /"msg":"(\d+ \/ \d+, rate: [^"]+)"/.exec(s)
    if (m) log(`  ${m[1]}`)
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
  clearInterval(sampler)
  if (code !== 0) throw new Error(`indexer exited with ${code}:\n${tail}`)
  const seconds = (Date.now() - t0) / 1000
  const processingSeconds = (Date.now() - (firstBatch || t0)) / 1000
  return { seconds, processingSeconds, eventsPerSec: 0, processingEventsPerSec: 0, peakRssBytes: peak, events: 0 }
}

export async function benchIndex(devnet: Devnet, pg: BenchPostgres, runs: number, events: number, log: (s: string) => void): Promise<IndexBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-index-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)
  const ceiling: IndexBench['ceiling'] = []
  const endToEnd: IndexRun[] = []
  let dbUrl = ''
  let dataDir = ''
  for (let i = 0; i < runs; i++) {
    const c = await rawCeiling(devnet)
    ceiling.push({ seconds: c.seconds, logsPerSec: c.logs / c.seconds })
    log(`index run ${i + 1}/${runs}: raw eth_getLogs + decode ${c.logs} logs in ${c.seconds.toFixed(1)} s = ${Math.round(c.logs / c.seconds)} logs/s`)
    dbUrl = await pg.fresh(`upkeep_bench_index`)
    dataDir = path.join(dir, `data-${i}`)
    const r = await indexOnce(devnet, manifestFile, dbUrl, dataDir, log)
    r.eventsPerSec = events / r.seconds
    r.processingEventsPerSec = events / r.processingSeconds
    endToEnd.push(r)
    log(`index run ${i + 1}/${runs}: ${events} events end to end in ${r.seconds.toFixed(1)} s = ${Math.round(r.eventsPerSec)} events/s (${Math.round(r.processingEventsPerSec)} after start-up), peak RSS ${Math.round((r.peakRssBytes ?? 0) / 2 ** 20)} MiB`)
    if (i < runs - 1) fs.rmSync(dataDir, { recursive: true, force: true })
  }
  const ceil = median(ceiling.map((c) => c.logsPerSec))
  const e2e = median(endToEnd.map((r) => r.eventsPerSec))
  return {
    blocks: devnet.endBlock - devnet.manifest.startBlock + 1,
    events,
    ceiling,
    endToEnd,
    median: {
      ceilingLogsPerSec: ceil,
      eventsPerSec: e2e,
      processingEventsPerSec: median(endToEnd.map((r) => r.processingEventsPerSec)),
      ratioToCeiling: e2e / ceil,
      peakRssBytes: median(endToEnd.map((r) => r.peakRssBytes ?? 0)),
    },
    dbUrl,
    dataDir,
  }
}
