// The inference node under load on the bench chain: req/s and p99 with settlement off and on
// (32 connections), gas per settled inference at batch sizes 1/10/100 (from the chain's receipts),
// and resident memory with 1, 100 and 1,000 adapters.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPublicClient, decodeEventLog, http, type Hex } from 'viem'
import { foundry } from 'viem/chains'
import { artifact } from '../chain/artifacts'
import { PROJECT_ROOT } from '../util/paths'
import type { Devnet } from '../workload/devnet'
import { writeManifest } from '../devnet/manifest'
import { corpusExamples } from '../inference/model/build-base'
import { load, type LoadResult } from './load'
import { cpuSeconds, median, peakRss } from './common'
import { fundPayer, payerAllowances, startNode } from './node-proc'
import type { BenchChain } from './common'
import type { DeploymentManifest } from '../devnet/manifest'
import { ChargeDomain } from '../protocol/charge-auth'
import { devnetPrivateKey } from '../chain/keys'
import { privateKeyToAccount } from 'viem/accounts'

interface Args {
  devnet: Devnet
  chain: BenchChain
  runs: number
  log: (s: string) => void
}

export async function bench({ devnet, chain, runs, log }: Args) {
  const m = devnet.manifest
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-node-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, m)
  const client = createPublicClient({ chain: { ...foundry, id: m.chainId }, transport: http(m.rpcUrl) })
  const settlement = { address: m.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi }
  const payer = await fundPayer(m)

  const texts = corpusExamples('test').slice(0, 256).map((e) => e.text)
  const seconds = 10
  // the price of one payer-signature check, in this process: the node's path (native secp256k1 through util/hash)
  const sigMicros = signatureCheckMicros(m)
  log(`node: one payer-signature check (EIP-712 digest + native secp256k1 recover) ${sigMicros.toFixed(1)} µs`)
  type Mode = { settle: boolean; freshSignatures: boolean }
  const throughput: (Mode & { runs: (LoadResult & { nodeCpuMsPerRequest: number | null })[]; peakRssBytes: number | null })[] = []
  let modelId = ''
  // settlement off with one authorisation (the node checks its signature once and remembers it),
  // settlement off and on with a new signature per request (256 allowances in turn): same run, same payer
  const modes: Mode[] = [
    { settle: false, freshSignatures: false },
    { settle: false, freshSignatures: true },
    { settle: true, freshSignatures: true },
  ]
  for (const { settle, freshSignatures } of modes) {
    const node = await startNode(manifestFile, chain.contentDir, settle ? ['--batch-size', '100', '--batch-interval-ms', '2000'] : ['--no-settle'])
    try {
      if (!modelId) {
        const models = ((await (await fetch(`${node.url}/v1/models`)).json()) as { models: { id: string; retired: boolean }[] }).models
        modelId = models.find((x) => !x.retired)!.id
      }
      const auths = await payerAllowances(m, freshSignatures ? texts.length : 1)
      const bodies = texts.map((input, i) => JSON.stringify({ model: modelId, payer, input, authorization: auths[i % auths.length] }))
      await load({ url: `${node.url}/v1/infer`, seconds: 2, bodies }) // warm
      const results: (LoadResult & { nodeCpuMsPerRequest: number | null })[] = []
      for (let i = 0; i < Math.max(3, runs); i++) {
        const cpu0 = cpuSeconds(node.pid)
        const loaded = await load({ url: `${node.url}/v1/infer`, seconds, bodies })
        const cpu1 = cpuSeconds(node.pid)
        const r = { ...loaded, nodeCpuMsPerRequest: cpu0 !== null && cpu1 !== null ? ((cpu1 - cpu0) * 1000) / loaded.total : null }
        if (r.non2xx || r.errors) throw new Error(`node bench: ${r.non2xx} non-2xx and ${r.errors} errors under load (settle ${settle})`)
        results.push(r)
        log(`node: settlement ${settle ? 'on ' : 'off'}, ${freshSignatures ? 'a new signature per request' : 'one signature'}, run ${i + 1}: ${Math.round(r.requestsPerSec)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, node CPU ${r.nodeCpuMsPerRequest?.toFixed(3)} ms/request`)
      }
      throughput.push({ settle, freshSignatures, runs: results, peakRssBytes: peakRss(node.pid) })
    } finally {
      await node.stop()
    }
  }

  // gas per settled inference: batches of exactly B receipts, gas from the chain's receipts
  const gas: { batchSize: number; batches: number; gasPerInference: number }[] = []
  const [allowance] = await payerAllowances(m, 1)
  for (const b of [1, 10, 100]) {
    const from = await client.getBlockNumber()
    const node = await startNode(manifestFile, chain.contentDir, ['--batch-size', String(b), '--batch-interval-ms', '600000'])
    try {
      const batches = b === 100 ? 5 : 10
      for (let i = 0; i < b * batches; i++) {
        const res = await fetch(`${node.url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: modelId, payer, input: texts[i % texts.length], authorization: allowance }) })
        if (res.status !== 200) throw new Error(`node bench: /v1/infer answered ${res.status}: ${await res.text()}`)
      }
      const perInference: number[] = []
      for (let t = 0; t < 600 && perInference.length < batches; t++) {
        await new Promise((r) => setTimeout(r, 100))
        perInference.length = 0
        const logs = await client.getLogs({ address: m.contracts.InferenceSettlement, fromBlock: from + 1n, toBlock: 'latest' })
        for (const l of logs) {
          const ev = decodeEventLog({ abi: settlement.abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: { operatorId: bigint | number; count: bigint | number } }
          if (ev.eventName !== 'BatchSettled' || Number(ev.args.operatorId) !== 1 || Number(ev.args.count) !== b) continue
          const receipt = await client.getTransactionReceipt({ hash: l.transactionHash as Hex })
          perInference.push(Number(receipt.gasUsed) / b)
        }
      }
      if (perInference.length < batches) throw new Error(`node bench: only ${perInference.length} of ${batches} batches of ${b} settled`)
      gas.push({ batchSize: b, batches: perInference.length, gasPerInference: median(perInference) })
      log(`node: batch ${b}: ${Math.round(median(perInference))} gas per settled inference (${perInference.length} batches)`)
    } finally {
      await node.stop()
    }
  }

  // resident memory with 1, 100 and 1,000 adapters (one child process each)
  const memory: { adapters: number; baseRss: number; rss: number; adapterBytes: number; ratio: number }[] = []
  for (const n of [1, 100, 1000]) {
    const out = execFileSync(process.execPath, ['--expose-gc', path.join(PROJECT_ROOT, 'lib', 'bench', 'adapter-rss.js'), String(n)], { encoding: 'utf8' })
    const r = JSON.parse(out.trim().split('\n').pop()!) as { adapters: number; baseRss: number; rss: number; adapterBytes: number }
    memory.push({ ...r, ratio: r.rss / (r.baseRss + r.adapterBytes) })
    log(`node: ${n} adapters: RSS ${(r.rss / 2 ** 20).toFixed(1)} MiB (base ${(r.baseRss / 2 ** 20).toFixed(1)} MiB + ${(r.adapterBytes / 1024).toFixed(0)} KiB of adapters)`)
  }
  fs.rmSync(dir, { recursive: true, force: true })

  const once = throughput.find((t) => !t.settle && !t.freshSignatures)!
  const off = throughput.find((t) => !t.settle && t.freshSignatures)!
  const on = throughput.find((t) => t.settle)!
  const rps = (t: typeof off) => median(t.runs.map((r) => r.requestsPerSec))
  const p99 = (t: typeof off) => median(t.runs.map((r) => r.p99Ms))
  const overhead = 1 - rps(on) / rps(off)
  const cpu = (t: typeof off) => median(t.runs.map((r) => r.nodeCpuMsPerRequest ?? NaN))
  const cpuOverhead = cpu(on) / cpu(off) - 1
  const cpuRatio = cpu(on) / cpu(off)
  const g100 = gas.find((g) => g.batchSize === 100)!.gasPerInference
  const m1000 = memory.find((x) => x.adapters === 1000)!
  const summary = {
    reqPerSecSettleOff: rps(off),
    reqPerSecSettleOn: rps(on),
    reqPerSecOneSignature: rps(once),
    p99SettleOffMs: p99(off),
    p99SettleOnMs: p99(on),
    settlementOverhead: overhead,
    nodeCpuMsPerRequestOff: cpu(off),
    nodeCpuMsPerRequestOn: cpu(on),
    nodeCpuMsPerRequestOneSignature: cpu(once),
    settlementCpuOverhead: cpuOverhead,
    settlementCpuRatio: cpuRatio,
    signatureCheckMicros: sigMicros,
    gasPerInferenceAt100: g100,
    rss1000Ratio: m1000.ratio,
  }
  const mib = (b: number | null) => (b ? `${(b / 2 ** 20).toFixed(0)} MiB` : 'n/a')
  const markdown = [
    '## Inference node (`npm run bench -- node`)',
    '',
    `POST /v1/infer with 32 connections for ${seconds} s per run (${Math.max(3, runs)} runs, median), 256 distinct inputs, one payer whose EIP-712 ChargeAuthorization every request carries (the node refuses a request without one), the node as its own process (1 ONNX Runtime thread). Three modes in this run: settlement off with one authorisation for every request (the node checks its signature once and remembers it), settlement off with a new signature per request (256 allowances in turn, each checked), and settlement on (batches of 100) with a new signature per request. Targets: >= 2,000 req/s on 2 cores, node CPU per request with settlement on and signatures checked <= 1.15x settlement off, <= 8,000 gas per settled inference at batch 100, 1,000 adapters within 1.5x of base + adapter bytes. Signatures are checked with the native secp256k1 binding (npm secp256k1, prebuilt; util/hash.ts): ${sigMicros.toFixed(0)} µs per check measured in the bench process.`,
    '',
    '| figure | value | ratio |',
    '|---|---|---|',
    `| req/s, settlement off, one signature | ${Math.round(rps(once)).toLocaleString('en-US')} (p99 ${p99(once).toFixed(1)} ms) | ${(rps(once) / 2000).toFixed(2)} of 2,000 |`,
    `| req/s, settlement off, a new signature per request | ${Math.round(rps(off)).toLocaleString('en-US')} (p99 ${p99(off).toFixed(1)} ms, peak RSS ${mib(off.peakRssBytes)}) | ${(rps(off) / 2000).toFixed(2)} of 2,000 |`,
    `| req/s, settlement on (batches of 100), a new signature per request | ${Math.round(rps(on)).toLocaleString('en-US')} (p99 ${p99(on).toFixed(1)} ms, peak RSS ${mib(on.peakRssBytes)}) | ${(rps(on) / 2000).toFixed(2)} of 2,000 |`,
    `| settlement overhead in req/s (anvil mines the settlements on the same 2 cores) | ${(overhead * 100).toFixed(1)}% | |`,
    `| node CPU per request, settlement off, one signature | ${cpu(once).toFixed(3)} ms | |`,
    `| node CPU per request, settlement off, a new signature per request | ${cpu(off).toFixed(3)} ms | ${(cpu(off) / cpu(once)).toFixed(3)}x one signature (the signature check: ${(((cpu(off) - cpu(once)) * 1000)).toFixed(0)} µs per request) |`,
    `| node CPU per request, settlement on and a new signature per request | ${cpu(on).toFixed(3)} ms | ${cpuRatio.toFixed(3)}x settlement off (target <= 1.15)${cpuRatio <= 1.15 ? '' : ': not met'}; ${(cpu(on) / cpu(once)).toFixed(3)}x settlement off with one signature |`,
    ...gas.map((g) => `| gas per settled inference, batch ${g.batchSize} | ${Math.round(g.gasPerInference).toLocaleString('en-US')} | ${g.batchSize === 100 ? `${(g.gasPerInference / 8000).toFixed(2)} of 8,000` : ''} |`),
    ...memory.map((x) => `| RSS with ${x.adapters.toLocaleString('en-US')} adapter${x.adapters > 1 ? 's' : ''} | ${mib(x.rss)} (base ${mib(x.baseRss)} + ${(x.adapterBytes / 1024).toFixed(0)} KiB) | ${x.ratio.toFixed(3)}x of base + adapters (limit 1.5) |`),
  ]
  return { throughput, gas, memory, summary, markdown }
}

/** µs per payer-signature check on the node's path (ChargeDomain.signer: EIP-712 digest, native recover), median of 3 rounds of 2,000. */
function signatureCheckMicros(m: DeploymentManifest): number {
  const domain = new ChargeDomain(m.chainId, m.contracts.InferenceSettlement)
  const payer = m.accounts.liquidity.toLowerCase()
  const operator = privateKeyToAccount(devnetPrivateKey(7)).address
  const signed = Array.from({ length: 2_000 }, (_, i) => domain.sign(devnetPrivateKey(2), { payer, operator, cumulativeAmount: 10n ** 30n, recentBlock: 1, expiryBlock: 1_000 + i }))
  const rounds: number[] = []
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint()
    for (const a of signed) if (domain.signer(payer, operator, a) !== payer) throw new Error('node bench: a payer signature did not recover to the payer')
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e3 / signed.length)
  }
  return median(rounds)
}

