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
import { BenchPostgres, extraNodeArgs, median, peakRss } from './common'
import type { PeerKind } from './peer-squid'
import { parseStageLine } from '../util/stage-times'
import { stateDigest } from '../db/digest'

export interface IndexRun {
  seconds: number
  processingSeconds: number
  eventsPerSec: number
  processingEventsPerSec: number
  peakRssBytes: number | null
  /** the indexer's own stage totals in ms (src/util/stage-times), Upkeep runs only */
  stages?: Record<string, number>
}

export interface IndexBench {
  blocks: number
  events: number
  ceiling: { seconds: number; logsPerSec: number }[]
  endToEnd: IndexRun[]
  /** the same processor into one raw table through typeorm-store (ctx.store.insert) */
  plainSquid: IndexRun[]
  /** the same processor with a store that writes nothing */
  noopStore: IndexRun[]
  median: {
    ceilingLogsPerSec: number
    eventsPerSec: number
    processingEventsPerSec: number
    ratioToCeiling: number
    peakRssBytes: number | null
    plainSquidEventsPerSec: number
    plainSquidPeakRssBytes: number | null
    noopEventsPerSec: number
    noopPeakRssBytes: number | null
  }
  /** the 1-minute load average at the start of each run */
  loadAverage: number[]
  /** src/db/digest of the last Upkeep run's Postgres state */
  digest: string
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

/** Runs one indexing process to the chain's end: wall time, peak RSS and its output's tail. */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv, log: (s: string) => void): Promise<{ seconds: number; processingSeconds: number; peakRssBytes: number | null; tail: string }> {
  const t0 = Date.now()
  let firstBatch = 0
  const child = spawn(process.execPath, [...extraNodeArgs(), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
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
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}:\n${tail}`)
  return { seconds: (Date.now() - t0) / 1000, processingSeconds: (Date.now() - (firstBatch || t0)) / 1000, peakRssBytes: peak, tail }
}

function asRun(r: { seconds: number; processingSeconds: number; peakRssBytes: number | null }, events: number): IndexRun {
  return { seconds: r.seconds, processingSeconds: r.processingSeconds, eventsPerSec: events / r.seconds, processingEventsPerSec: events / r.processingSeconds, peakRssBytes: r.peakRssBytes }
}

async function indexOnce(devnet: Devnet, manifestFile: string, dbUrl: string, dataDir: string, events: number, log: (s: string) => void): Promise<IndexRun> {
  const r = await runToEnd([path.join(PROJECT_ROOT, 'bin', 'upkeep.js'), 'index', '--manifest', manifestFile, '--to', String(devnet.endBlock)], { DB_URL: dbUrl, UPKEEP_DATA_DIR: dataDir }, log)
  return { ...asRun(r, events), stages: parseStageLine(r.tail) ?? undefined }
}

async function peerOnce(kind: PeerKind, devnet: Devnet, manifestFile: string, dbUrl: string | undefined, events: number, log: (s: string) => void): Promise<IndexRun> {
  const r = await runToEnd([path.join(PROJECT_ROOT, 'lib', 'bench', 'peer-squid.js'), kind, manifestFile, String(devnet.endBlock)], dbUrl ? { DB_URL: dbUrl } : {}, log)
  return asRun(r, events)
}

/**
 * `peers: false` only builds the stores (for the analytics, api and verify suites when the index
 * suite is not asked for): no ceiling or peer runs, which would take longer than the indexing.
 */
export async function benchIndex(devnet: Devnet, pg: BenchPostgres, runs: number, events: number, log: (s: string) => void, peers = true): Promise<IndexBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-index-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)
  const ceiling: IndexBench['ceiling'] = []
  const endToEnd: IndexRun[] = []
  const plainSquid: IndexRun[] = []
  const noopStore: IndexRun[] = []
  const loadAverage: number[] = []
  const mib = (r: IndexRun) => Math.round((r.peakRssBytes ?? 0) / 2 ** 20)
  let dbUrl = ''
  let dataDir = ''
  const ceilingAndPeers = async (i: number) => {
    const c = await rawCeiling(devnet)
    ceiling.push({ seconds: c.seconds, logsPerSec: c.logs / c.seconds })
    log(`index run ${i + 1}/${runs} (load ${os.loadavg()[0].toFixed(1)}): raw eth_getLogs + decode ${c.logs} logs in ${c.seconds.toFixed(1)} s = ${Math.round(c.logs / c.seconds)} logs/s`)
    const n = await peerOnce('noop', devnet, manifestFile, undefined, events, log)
    noopStore.push(n)
    log(`index run ${i + 1}/${runs}: processor with a no-op store ${n.seconds.toFixed(1)} s = ${Math.round(n.eventsPerSec)} events/s, peak RSS ${mib(n)} MiB`)
    const p = await peerOnce('plain', devnet, manifestFile, await pg.fresh('upkeep_bench_plain'), events, log)
    plainSquid.push(p)
    log(`index run ${i + 1}/${runs}: plain one-table squid ${p.seconds.toFixed(1)} s = ${Math.round(p.eventsPerSec)} events/s, peak RSS ${mib(p)} MiB`)
  }
  // each run interleaves the ceiling, both peers and Upkeep, so they share the machine's load
  for (let i = 0; i < runs; i++) {
    loadAverage.push(os.loadavg()[0])
    if (peers) await ceilingAndPeers(i)
    dbUrl = await pg.fresh(`upkeep_bench_index`)
    dataDir = path.join(dir, `data-${i}`)
    const r = await indexOnce(devnet, manifestFile, dbUrl, dataDir, events, log)
    endToEnd.push(r)
    log(`index run ${i + 1}/${runs}: ${events} events end to end in ${r.seconds.toFixed(1)} s = ${Math.round(r.eventsPerSec)} events/s (${Math.round(r.processingEventsPerSec)} after start-up), peak RSS ${mib(r)} MiB`)
    log(`  stages (ms): ${JSON.stringify(r.stages ?? {})}`)
    if (i < runs - 1) fs.rmSync(dataDir, { recursive: true, force: true })
  }
  if (peers) await pg.drop('upkeep_bench_plain')
  const digest = (await stateDigest(dbUrl)).digest
  log(`state digest of the last run: ${digest}`)
  const ceil = median(ceiling.map((c) => c.logsPerSec))
  const e2e = median(endToEnd.map((r) => r.eventsPerSec))
  const rssOf = (xs: IndexRun[]) => median(xs.map((r) => r.peakRssBytes ?? 0))
  return {
    blocks: devnet.endBlock - devnet.manifest.startBlock + 1,
    events,
    ceiling,
    endToEnd,
    plainSquid,
    noopStore,
    loadAverage,
    digest,
    median: {
      ceilingLogsPerSec: ceil,
      eventsPerSec: e2e,
      processingEventsPerSec: median(endToEnd.map((r) => r.processingEventsPerSec)),
      ratioToCeiling: e2e / ceil,
      peakRssBytes: rssOf(endToEnd),
      plainSquidEventsPerSec: median(plainSquid.map((r) => r.eventsPerSec)),
      plainSquidPeakRssBytes: rssOf(plainSquid),
      noopEventsPerSec: median(noopStore.map((r) => r.eventsPerSec)),
      noopPeakRssBytes: rssOf(noopStore),
    },
    dbUrl,
    dataDir,
  }
}
