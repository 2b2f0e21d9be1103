// Verification throughput: the node answers and settles tens of thousands of requests on the
// bench chain, the index follows, then `verify` replays the usage log against it, with and
// without re-running the model. Receipts/s counts settled receipts checked per second.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PROJECT_ROOT } from '../util/paths'
import type { Devnet } from '../workload/devnet'
import { writeManifest } from '../devnet/manifest'
import { corpusExamples } from '../inference/model/build-base'
import { readIndex } from '../verify/index-reader'
import { baselineVerify as verifyUsageLog } from './verify-baseline'
import type { BenchChain } from './common'
import { median, peakRss } from './common'
import type { IndexBench } from './index-bench'
import { load } from './load'
import { fundPayer, startNode } from './node-proc'

interface Args {
  devnet: Devnet
  chain: BenchChain
  indexed: IndexBench
  runs: number
  log: (s: string) => void
}

async function indexToHead(manifestFile: string, indexed: IndexBench, head: number): Promise<void> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'upkeep.js'), 'index', '--manifest', manifestFile, '--to', String(head)], {
    env: { ...process.env, DB_URL: indexed.dbUrl, UPKEEP_DATA_DIR: indexed.dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-3000)))
  const code = await new Promise<number | null>((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`indexer exited with ${code}:\n${err}`)
}

export async function bench({ devnet, chain, indexed, runs, log }: Args) {
  const m = devnet.manifest
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-verify-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, m)
  const payer = await fundPayer(m)
  const node = await startNode(manifestFile, chain.contentDir, ['--batch-size', '100', '--batch-interval-ms', '1000'])
  let logFile = ''
  try {
    const models = ((await (await fetch(`${node.url}/v1/models`)).json()) as { models: { id: string; retired: boolean }[] }).models.filter((x) => !x.retired)
    const texts = corpusExamples('test').slice(0, 256).map((e) => e.text)
    const bodies = texts.map((input, i) => JSON.stringify({ model: models[i % models.length].id, payer, input }))
    log('verify: the node answers and settles requests for 25 s')
    const r = await load({ url: `${node.url}/v1/infer`, seconds: 25, bodies })
    if (r.non2xx || r.errors) throw new Error(`verify bench: ${r.non2xx} non-2xx and ${r.errors} errors from the node`)
    // wait until the node has settled everything it answered
    for (let t = 0; ; t++) {
      const u = (await (await fetch(`${node.url}/v1/usage/${payer}`)).json()) as { pendingReceipts: number }
      if (u.pendingReceipts === 0) break
      if (t > 600) throw new Error(`verify bench: ${u.pendingReceipts} receipts still unsettled after 60 s`)
      await new Promise((res) => setTimeout(res, 100))
    }
    logFile = node.logFile
  } finally {
    await node.stop(true)
  }
  const head = Number(BigInt(await (await fetch(m.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }) })).json().then((j: { result: string }) => j.result)))
  log(`verify: indexing the new blocks to ${head}`)
  await indexToHead(manifestFile, indexed, head)

  const results: { rerun: boolean; seconds: number; replaySeconds: number; receipts: number; inferences: number; receiptsPerSec: number; replayReceiptsPerSec: number; heapPeakBytes: number }[] = []
  for (const rerun of [false, true]) {
    for (let i = 0; i < Math.max(3, runs); i++) {
      const t0 = process.hrtime.bigint()
      const index = await readIndex(indexed.dbUrl, 1)
      const t1 = process.hrtime.bigint()
      const report = await verifyUsageLog({ logFile, index, operatorId: 1, contentDir: chain.contentDir, rerun })
      const t2 = process.hrtime.bigint()
      if (!report.ok) throw new Error(`verify bench: the replay found ${report.summary.discrepancies} discrepancies (${JSON.stringify(report.summary.byClass)})`)
      const seconds = Number(t2 - t0) / 1e9
      const replaySeconds = Number(t2 - t1) / 1e9
      const receipts = report.summary.settled
      results.push({ rerun, seconds, replaySeconds, receipts, inferences: report.summary.inferences, receiptsPerSec: receipts / seconds, replayReceiptsPerSec: receipts / replaySeconds, heapPeakBytes: process.memoryUsage().rss })
      log(`verify: ${rerun ? 'with' : 'without'} re-run, run ${i + 1}: ${receipts} receipts in ${seconds.toFixed(2)} s = ${Math.round(receipts / seconds)} receipts/s (replay alone ${Math.round(receipts / replaySeconds)}/s)`)
    }
  }
  fs.rmSync(path.dirname(logFile), { recursive: true, force: true })
  fs.rmSync(dir, { recursive: true, force: true })
  const of = (rerun: boolean) => results.filter((x) => x.rerun === rerun)
  const med = (rerun: boolean, k: 'receiptsPerSec' | 'replayReceiptsPerSec') => median(of(rerun).map((x) => x[k]))
  const summary = {
    receipts: results[0].receipts,
    withoutRerun: med(false, 'receiptsPerSec'),
    withoutRerunReplayOnly: med(false, 'replayReceiptsPerSec'),
    withRerun: med(true, 'receiptsPerSec'),
    withRerunReplayOnly: med(true, 'replayReceiptsPerSec'),
    peakRssBytes: peakRss(process.pid),
  }
  const f = (x: number) => Math.round(x).toLocaleString('en-US')
  const markdown = [
    '## Verification (`npm run bench -- verify`)',
    '',
    `A usage log of ${f(summary.receipts)} settled receipts (the node under 32 connections for 25 s), indexed, then replayed against the index (${Math.max(3, runs)} runs each, median; reading the index snapshot from Postgres included, and without it). Target: >= 20,000 receipts/s without re-run.`,
    '',
    '| figure | value | ratio |',
    '|---|---|---|',
    `| receipts/s without re-run (index read included) | ${f(summary.withoutRerun)} | ${(summary.withoutRerun / 20_000).toFixed(2)} of 20,000 |`,
    `| receipts/s without re-run (replay only) | ${f(summary.withoutRerunReplayOnly)} | ${(summary.withoutRerunReplayOnly / 20_000).toFixed(2)} of 20,000 |`,
    `| receipts/s with every request re-run through the model | ${f(summary.withRerun)} (replay only ${f(summary.withRerunReplayOnly)}) | |`,
    `| verifier peak RSS (the bench process) | ${summary.peakRssBytes ? `${Math.round(summary.peakRssBytes / 2 ** 20)} MiB` : 'n/a'} | |`,
  ]
  return { runs: results, summary, markdown }
}
