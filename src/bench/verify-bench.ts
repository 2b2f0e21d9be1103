// Verification throughput: the node answers and settles tens of thousands of requests on the
// bench chain, the index follows, then in one run: the raw eth_getLogs + decode ceiling over the
// whole history, `verify` from the chain, from the index, and today's path (the previous replay,
// src/bench/verify-baseline.ts), all without re-running the model; and the peak RSS of the
// `upkeep verify` command from each source in its own process, and of `--network-history` over
// the whole bench chain (every workload operator's log, streamed in step with the chain).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PROJECT_ROOT } from '../util/paths'
import type { Devnet } from '../workload/devnet'
import { writeManifest } from '../devnet/manifest'
import { corpusExamples } from '../inference/model/build-base'
import { readIndex } from '../verify/index-reader'
import { verifyUsageLogs, type VerificationReport } from '../verify/replay'
import { ChainSource, scanLogs, verifyEvents } from '../verify/chain-source'
import { IndexSource } from '../verify/index-source'
import { EventDecoder } from '../processor/decode'
import { JsonRpc } from '../chain/rpc'
import type { DeploymentManifest } from '../devnet/manifest'
import { baselineVerify } from './verify-baseline'
import { ChargeDomain } from '../protocol/charge-auth'
import type { BenchChain } from './common'
import { median } from './common'
import type { IndexBench } from './index-bench'
import { load } from './load'
import { fundPayer, payerAllowances, startNode } from './node-proc'
import { storedUsageLogs } from '../content/usage-logs'

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
    const auths = await payerAllowances(m, texts.length)
    const bodies = texts.map((input, i) => JSON.stringify({ model: models[i % models.length].id, payer, input, authorization: auths[i] }))
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

  const target = { rpcUrl: m.rpcUrl, contracts: m.contracts, startBlock: m.startBlock, toBlock: head }
  const chargeDomain = new ChargeDomain(m.chainId, m.contracts.InferenceSettlement)
  const runsN = Math.max(3, runs)
  const timed = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const t0 = process.hrtime.bigint()
    const x = await f()
    return [x, Number(process.hrtime.bigint() - t0) / 1e9]
  }
  const clean = (what: string, r: VerificationReport) => {
    if (!r.ok) throw new Error(`verify bench: ${what} found ${r.summary.discrepancies} discrepancies (${JSON.stringify(Object.fromEntries(Object.entries(r.summary.byClass).filter(([, n]) => n)))}): ${r.discrepancies.slice(0, 3).map((d) => d.detail).join('; ')}`)
    return r
  }
  const ceiling: { seconds: number; logs: number; receipts: number }[] = []
  const fromChain: { seconds: number; receipts: number; chainReceipts: number; epochs: number }[] = []
  const fromIndex: { seconds: number; receipts: number }[] = []
  const baseline: { seconds: number; receipts: number }[] = []
  for (let i = 0; i < runsN; i++) {
    // the ceiling: the same eth_getLogs ranges and the indexer's decode, nothing checked
    const [c, cs] = await timed(() => rawScan(target))
    ceiling.push({ seconds: cs, ...c })
    const [chainReport, chs] = await timed(() => verifyUsageLogs({ logFiles: [logFile], source: new ChainSource(target), contentDir: chain.contentDir, rerun: false, chargeDomain }))
    clean('verify from the chain', chainReport)
    fromChain.push({ seconds: chs, receipts: chainReport.summary.settled, chainReceipts: c.receipts, epochs: chainReport.summary.epochsChecked })
    const index = new IndexSource(indexed.dbUrl)
    const [indexReport, is] = await timed(() => verifyUsageLogs({ logFiles: [logFile], source: index, contentDir: chain.contentDir, rerun: false, chargeDomain }).finally(() => index.close()))
    clean('verify from the index', indexReport)
    fromIndex.push({ seconds: is, receipts: indexReport.summary.settled })
    const [old, os_] = await timed(async () => baselineVerify({ logFile, index: await readIndex(indexed.dbUrl, 1), operatorId: 1, contentDir: chain.contentDir, rerun: false }))
    if (!old.ok) throw new Error(`verify bench: today's path found ${old.summary.discrepancies} discrepancies`)
    baseline.push({ seconds: os_, receipts: old.summary.settled })
    log(
      `verify run ${i + 1}: ceiling ${Math.round(c.receipts / cs)} receipts/s (${c.logs} logs in ${cs.toFixed(1)} s); from the chain ${Math.round(c.receipts / chs)} receipts/s (${chs.toFixed(1)} s); ` +
        `from the index ${Math.round(indexReport.summary.settled / is)} receipts/s (${is.toFixed(2)} s); today's path ${Math.round(old.summary.settled / os_)} receipts/s (${os_.toFixed(2)} s)`,
    )
  }
  // peak RSS of the command a validator runs, each source in its own process
  const rssOf = async (source: string) => cliPeakRss(['verify', '--log', logFile, '--source', source, '--manifest', manifestFile, '--to-block', String(head), '--content-dir', chain.contentDir, '--no-rerun', '--no-store'], { DB_URL: indexed.dbUrl, UPKEEP_DATA_DIR: indexed.dataDir })
  const chainRss = await rssOf('chain')
  const indexRss = await rssOf('index')
  log(`verify: peak RSS from the chain ${Math.round(chainRss.peakRssBytes / 2 ** 20)} MiB (${chainRss.seconds.toFixed(1)} s), from the index ${Math.round(indexRss.peakRssBytes / 2 ** 20)} MiB (${indexRss.seconds.toFixed(1)} s)`)
  // the whole network's history: every workload operator's stored log and the node's, every receipt and epoch on the bench chain
  const historyJson = path.join(dir, 'history.json')
  const storedLogs = storedUsageLogs(chain.contentDir)
  const storedBytes = storedLogs.reduce((n, f) => n + fs.statSync(f).size, 0) + fs.statSync(logFile).size
  log(`verify: --network-history over ${storedLogs.length} stored logs and the node's (${(storedBytes / 2 ** 20).toFixed(0)} MiB of logs)`)
  const historyRss = await cliPeakRss(
    ['verify', '--network-history', '--log', logFile, '--manifest', manifestFile, '--to-block', String(head), '--content-dir', chain.contentDir, '--no-rerun', '--no-store', '--json', historyJson],
    { DB_URL: '', UPKEEP_DATA_DIR: indexed.dataDir },
    [0, 1],
  )
  const history = JSON.parse(fs.readFileSync(historyJson, 'utf8')) as VerificationReport
  log(`verify: --network-history peak RSS ${Math.round(historyRss.peakRssBytes / 2 ** 20)} MiB in ${historyRss.seconds.toFixed(1)} s: ${history.summary.settled} receipts of ${history.logs.length} logs, ${history.summary.epochsChecked} epochs, ${history.summary.discrepancies} discrepancies`)
  fs.rmSync(path.dirname(logFile), { recursive: true, force: true })
  fs.rmSync(dir, { recursive: true, force: true })

  const med = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f))
  const summary = {
    logReceipts: fromIndex[0].receipts,
    chainReceipts: ceiling[0].receipts,
    chainLogs: ceiling[0].logs,
    epochs: fromChain[0].epochs,
    ceilingReceiptsPerSec: med(ceiling, (x) => x.receipts / x.seconds),
    chainReceiptsPerSec: med(fromChain, (x) => x.chainReceipts / x.seconds),
    chainLogReceiptsPerSec: med(fromChain, (x) => x.receipts / x.seconds),
    indexReceiptsPerSec: med(fromIndex, (x) => x.receipts / x.seconds),
    baselineReceiptsPerSec: med(baseline, (x) => x.receipts / x.seconds),
    chainPeakRssBytes: chainRss.peakRssBytes,
    indexPeakRssBytes: indexRss.peakRssBytes,
    historyPeakRssBytes: historyRss.peakRssBytes,
    historySeconds: historyRss.seconds,
    historyReceipts: history.summary.settled,
    historyLogs: history.logs.length,
    historyLogBytes: storedBytes,
    historyEpochs: history.summary.epochsChecked,
    historyDiscrepancies: history.summary.discrepancies,
    historyClasses: Object.fromEntries(Object.entries(history.summary.byClass).filter(([, n]) => n)),
  }
  const f = (x: number) => Math.round(x).toLocaleString('en-US')
  const r2 = (x: number) => x.toFixed(2)
  const markdown = [
    '## Verification (`npm run bench -- verify`)',
    '',
    `The node answers and settles requests on the bench chain for 25 s (32 connections): a usage log of ${f(summary.logReceipts)} settled receipts of operator 1. ` +
      `Then, ${runsN} runs each (median), without re-running the model: the raw ceiling (eth_getLogs over the whole history, ${f(summary.chainLogs)} logs of the events verify reads, ${f(summary.chainReceipts)} of them receipts, decoded by the indexer's decoder, nothing checked); ` +
      `verify from the chain (the same scan, every receipt summed into its model's pool, every one of the ${f(summary.epochs)} epochs checked, the log's receipts checked against it); verify from the index; and today's path (the previous replay against a snapshot of the whole index, kept for the comparison). ` +
      'Receipts/s counts receipts on chain for the scan and verify from the chain, and the log\'s receipts for the index paths. Peak RSS is that of `upkeep verify --no-rerun` in its own process. ' +
      "Today's path shares the log hashing and token counting made faster with this verify, so its ratio understates the gain over the code it replaced.",
    '',
    '| figure | value | ratio |',
    '|---|---|---|',
    `| raw ceiling: eth_getLogs + decode | ${f(summary.ceilingReceiptsPerSec)} receipts/s | 1.00 (ceiling) |`,
    `| verify from the chain | ${f(summary.chainReceiptsPerSec)} receipts/s (the log's ${f(summary.chainLogReceiptsPerSec)}/s) | ${r2(summary.chainReceiptsPerSec / summary.ceilingReceiptsPerSec)} of the ceiling (target >= 0.25) |`,
    `| verify from the index | ${f(summary.indexReceiptsPerSec)} receipts/s | ${r2(summary.indexReceiptsPerSec / summary.baselineReceiptsPerSec)}x today's path (target >= 3) |`,
    `| today's path (index snapshot + previous replay) | ${f(summary.baselineReceiptsPerSec)} receipts/s | 1.00 |`,
    `| peak RSS, \`upkeep verify\` from the chain (whole history) | ${Math.round(summary.chainPeakRssBytes / 2 ** 20)} MiB | ${r2(summary.chainPeakRssBytes / (600 * 2 ** 20))} of the 600 MiB limit |`,
    `| peak RSS, \`upkeep verify --source index\` | ${Math.round(summary.indexPeakRssBytes / 2 ** 20)} MiB | ${r2(summary.indexPeakRssBytes / (600 * 2 ** 20))} of the 600 MiB limit |`,
    `| peak RSS, \`upkeep verify --network-history\` (whole bench chain: ${summary.historyLogs} logs, ${(summary.historyLogBytes / 2 ** 20).toFixed(0)} MiB of them, ${f(summary.historyReceipts)} receipts, ${f(summary.historyEpochs)} epochs, ${summary.historySeconds.toFixed(0)} s, ${summary.historyDiscrepancies ? `${summary.historyDiscrepancies} discrepancies: ${JSON.stringify(summary.historyClasses)}` : 'clean'}) | ${Math.round(summary.historyPeakRssBytes / 2 ** 20)} MiB | ${r2(summary.historyPeakRssBytes / (600 * 2 ** 20))} of the 600 MiB limit |`,
    '',
    `Runs (receipts/s): ceiling ${ceiling.map((x) => f(x.receipts / x.seconds)).join(', ')}; from the chain ${fromChain.map((x) => f(x.chainReceipts / x.seconds)).join(', ')}; from the index ${fromIndex.map((x) => f(x.receipts / x.seconds)).join(', ')}; today's path ${baseline.map((x) => f(x.receipts / x.seconds)).join(', ')}.`,
  ]
  return { runs: { ceiling, fromChain, fromIndex, baseline, chainRss, indexRss, historyRss }, summary, markdown }
}

/** The ceiling: eth_getLogs over the history for the events verify reads, each log decoded, nothing else. */
async function rawScan(t: { rpcUrl: string; contracts: DeploymentManifest['contracts']; startBlock: number; toBlock: number }): Promise<{ logs: number; receipts: number }> {
  const decoder = new EventDecoder(t.contracts)
  const rpc = new JsonRpc(t.rpcUrl, 120_000)
  let logs = 0
  let receipts = 0
  for await (const batch of scanLogs(rpc, { contracts: t.contracts, events: verifyEvents(false), from: t.startBlock, to: t.toBlock })) {
    for (const l of batch) {
      const d = decoder.decode(l)
      if (d.ok && d.event.key === 'InferenceSettlement.InferenceSettled') receipts++
    }
    logs += batch.length
  }
  return { logs, receipts }
}

/** Runs the CLI in its own process and reads its peak RSS (getrusage maxrss) when it exits. */
async function cliPeakRss(args: string[], env: Record<string, string>, okCodes = [0]): Promise<{ peakRssBytes: number; seconds: number }> {
  const main = path.join(PROJECT_ROOT, 'lib', 'cli', 'main.js')
  const script = `process.on('exit', () => process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n')); require('reflect-metadata'); require(${JSON.stringify(main)}).main(['node', 'upkeep', ...process.argv.slice(1)])`
  const t0 = process.hrtime.bigint()
  const child = spawn(process.execPath, ['-e', script, ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)))
  const code = await new Promise<number | null>((r) => child.once('exit', r))
  const m = /maxrss (\d+)/.exec(err)
  if (code === null || !okCodes.includes(code) || !m) throw new Error(`verify bench: upkeep ${args.slice(0, 6).join(' ')} exited with ${code}:\n${err}`)
  return { peakRssBytes: Number(m[1]) * 1024, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }
}
