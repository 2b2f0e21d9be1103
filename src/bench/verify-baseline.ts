// The verify bench's baseline: the replay as it was before verification read the chain (one
// operator's log against a snapshot of the whole index, every record's signature recovered, the
// price looked up at the node's logged time). Kept only so `npm run bench -- verify` can measure
// today's path against it in the same run; `upkeep verify` uses src/verify/replay.ts.
import fs from 'node:fs'
import crypto from 'node:crypto'
import path from 'node:path'
import type { Address, Hex } from 'viem'
import { readLog, type AttributionBody, type InferenceBody, type LogRecord, type SettlementBody, type SettlementIntentBody } from '../inference/usage-log'
import { countTokens, OUTPUT_TOKENS } from '../protocol/units'
import { splitFee } from '../protocol/split'
import { requestId as makeRequestId } from '../protocol/receipts'
import { combineEpochWeights, ContributionIndex } from '../inference/attribution'
import { ModelRuntime } from '../inference/model/runtime'
import { decodeAdapter } from '../inference/model/adapter-codec'
import { LABELS, type Adapter } from '../inference/model/network'
import { ContentStore } from '../content/store'
import { BlobStore } from '../content/blobs'
import type { IndexSnapshot, IndexedInference, PolicyVersion } from '../verify/index-reader'

const DISCREPANCY_CLASSES = [
  'broken-chain',
  'bad-signature',
  'output-mismatch',
  'missing-settlement',
  'settled-not-logged',
  'fee-mismatch',
  'split-mismatch',
  'weight-mismatch',
  'payout-mismatch',
  'double-settlement',
] as const
type DiscrepancyClass = (typeof DISCREPANCY_CLASSES)[number]

interface Discrepancy {
  class: DiscrepancyClass
  /** where: log line and record index, and the request / model / epoch it concerns */
  location: { line?: number; n?: number; localId?: number; requestId?: string; modelId?: string; epoch?: string; txHash?: string }
  expected?: string
  actual?: string
  detail: string
}

interface VerifyOptions {
  logFile: string
  index: IndexSnapshot
  operatorId: number
  contentDir: string
  /** re-run every request through the model (output hash, attribution weights) */
  rerun: boolean
  from?: Date
  to?: Date
  onProgress?: (done: number, total: number) => void
}

interface VerificationReport {
  version: 1
  log: { file: string; sha256: string; records: number }
  operator: { id: number; account: string | null }
  range: { from: string | null; to: string | null }
  rerun: boolean
  summary: {
    /** request times of the first and last logged inference in the range */
    coverage: { from: string | null; to: string | null }
    inferences: number
    settled: number
    attributionEpochs: number
    checks: number
    discrepancies: number
    byClass: Record<DiscrepancyClass, number>
  }
  ok: boolean
  discrepancies: Discrepancy[]
}

/** The policy in force at a log position: the last version set before it (a block can hold both). */
function policyAt(policies: PolicyVersion[], block: number, logIndex: number): PolicyVersion | undefined {
  let found: PolicyVersion | undefined
  for (const p of policies) if (p.blockNumber < block || (p.blockNumber === block && (p.logIndex ?? -1) < logIndex)) found = p
  return found
}

/** The price of a model in force at a time (the last change at or before it). */
function priceAt(index: IndexSnapshot, modelId: string, at: Date): bigint | undefined {
  let p: bigint | undefined
  for (const x of index.prices) if (x.modelId === modelId && x.timestamp.getTime() <= at.getTime()) p = x.price
  return p
}

export async function baselineVerify(o: VerifyOptions): Promise<VerificationReport> {
  const out: Discrepancy[] = []
  let checks = 0
  const add = (d: Discrepancy) => out.push(d)
  const bytes = fs.readFileSync(o.logFile)
  const { records, problems } = await readLog(o.logFile, (o.index.operatorAccount ?? undefined) as Address | undefined)
  for (const p of problems) add({ class: p.kind === 'bad-signature' ? 'bad-signature' : 'broken-chain', location: { line: p.line, n: p.n }, detail: p.detail })
  if (!o.index.operatorAccount) add({ class: 'bad-signature', location: {}, detail: `operator ${o.operatorId} is not in the index: the log's signer cannot be checked` })
  const lineOf = new Map<LogRecord, number>()
  {
    // record -> line, for locations (blank lines are skipped like readLog does)
    let line = 0
    let k = 0
    for (const l of bytes.toString('utf8').split('\n')) {
      line++
      if (l === '') continue
      if (k < records.length && l.includes(records[k].hash)) lineOf.set(records[k++], line)
    }
  }
  const inRange = (at: string | Date) => {
    const t = new Date(at).getTime()
    return (!o.from || t >= o.from.getTime()) && (!o.to || t < o.to.getTime())
  }
  const inferences = records.filter((r): r is LogRecord & InferenceBody => r.kind === 'inference')
  const byLocal = new Map(inferences.map((r) => [r.localId, r]))

  // settlements: the last intent per firstSeq and its confirmation give each receipt a request id
  const intents = new Map<string, LogRecord & SettlementIntentBody>()
  const confirmations: (LogRecord & SettlementBody)[] = []
  const unpaid = new Set<number>()
  for (const r of records) {
    if (r.kind === 'settlement-intent') intents.set(r.firstSeq, r)
    else if (r.kind === 'settlement') confirmations.push(r)
    else if (r.kind === 'unpaid') r.localIds.forEach((id) => unpaid.add(id))
  }
  const requestOf = new Map<number, bigint>()
  /** request ids the log settles a second time: logged (not "settled but not logged"), but double */
  const doubles = new Set<bigint>()
  for (const c of confirmations) {
    const intent = intents.get(c.firstSeq)
    if (!intent) {
      add({ class: 'broken-chain', location: { line: lineOf.get(c), n: c.n, txHash: c.txHash }, detail: `settlement of sequence ${c.firstSeq} has no intent record` })
      continue
    }
    intent.localIds.forEach((id, i) => {
      const rid = makeRequestId(o.operatorId, BigInt(c.firstSeq) + BigInt(i))
      if (requestOf.has(id)) {
        add({
          class: 'double-settlement',
          location: { line: lineOf.get(c), n: c.n, localId: id, requestId: String(rid), txHash: c.txHash },
          expected: String(requestOf.get(id)),
          actual: String(rid),
          detail: `request ${id} was settled twice: as ${requestOf.get(id)} and again as ${rid}`,
        })
        doubles.add(rid)
      } else requestOf.set(id, rid)
    })
  }
  const indexed = new Map<bigint, IndexedInference>(o.index.inferences.map((x) => [x.requestId, x]))
  const claimed = new Set<bigint>()

  // the model, for re-runs
  let runtime: ModelRuntime | undefined
  let attribution: ContributionIndex | undefined
  const adapters = new Map<string, Adapter>()
  if (o.rerun) {
    runtime = await ModelRuntime.load()
    attribution = new ContributionIndex(runtime.base)
    const content = new ContentStore(o.contentDir)
    for (const c of o.index.contributions) {
      if (!content.has(c.contentHash as Hex)) continue
      const r = content.get(c.contentHash as Hex)
      attribution.add({ contributionId: BigInt(c.id), datanetId: BigInt(c.datanetId), contributor: c.contributor as Address, blockNumber: c.blockNumber, text: r.text, label: r.label === 'spam' ? 1 : 0 })
    }
  }
  const blobs = new BlobStore(path.join(o.contentDir, 'adapters'))

  let done = 0
  const selected = inferences.filter((r) => inRange(r.at))
  for (const r of selected) {
    const loc = { line: lineOf.get(r), n: r.n, localId: r.localId }
    // units and fee: the node's metering and the price in force when it answered
    checks++
    const units = countTokens(r.input ?? '') + OUTPUT_TOKENS // the baseline replays node logs, which keep inputs
    const price = priceAt(o.index, r.modelId, new Date(r.at))
    const expectedFee = price === undefined ? undefined : BigInt(units) * price
    if (units !== r.units || expectedFee === undefined || String(expectedFee) !== r.fee) {
      add({ class: 'fee-mismatch', location: { ...loc, modelId: r.modelId }, expected: String(expectedFee ?? 'unknown'), actual: r.fee, detail: `logged ${r.units} units at fee ${r.fee}; ${units} units at the price in force (${price ?? 'unknown'}) cost ${expectedFee ?? 'unknown'}` })
    }
    if (runtime && attribution) {
      checks++
      const version = o.index.adapters.find((a) => a.modelId === r.modelId && a.version === r.adapterVersion)
      if (!version || version.adapterHash !== r.adapterHash) {
        add({ class: 'output-mismatch', location: { ...loc, modelId: r.modelId }, expected: version?.adapterHash ?? 'a registered adapter version', actual: r.adapterHash, detail: `adapter version ${r.adapterVersion} of model ${r.modelId} is not the one registered on chain` })
      } else {
        let adapter = adapters.get(r.adapterHash)
        if (!adapter) adapters.set(r.adapterHash, (adapter = decodeAdapter(blobs.get(r.adapterHash))))
        const res = await runtime.infer(r.input ?? '', adapter)
        if (res.outputHash !== r.outputHash || res.label !== r.label) {
          add({ class: 'output-mismatch', location: { ...loc, modelId: r.modelId }, expected: res.outputHash, actual: String(r.outputHash), detail: `re-running gives ${res.label} ${res.probs.join('/')}, the log says ${r.label} ${r.probs?.join('/')}` })
        }
        checks++
        const members = attribution.members((o.index.modelDatanets.get(r.modelId) ?? []).map(BigInt), version.blockNumber)
        const w = attribution.weights(members, res.h1, res.p, LABELS.indexOf(res.label as never)).map((e) => [String(e.datanetId), e.contributor, e.weight])
        if (JSON.stringify(w) !== JSON.stringify(r.weights)) {
          add({ class: 'weight-mismatch', location: { ...loc, modelId: r.modelId }, expected: JSON.stringify(w), actual: JSON.stringify(r.weights), detail: `the answer's attribution weights differ from a recomputation` })
        }
      }
    }
    // settlement: the receipt is on chain once, with the logged fee, split by the policy in force
    checks++
    const rid = requestOf.get(r.localId)
    const chain = rid !== undefined ? indexed.get(rid) : undefined
    if (unpaid.has(r.localId)) {
      // the node declared it unpaid; nothing to settle
    } else if (!chain) {
      add({ class: 'missing-settlement', location: { ...loc, requestId: rid === undefined ? undefined : String(rid) }, detail: rid === undefined ? `request ${r.localId} was never settled` : `request ${r.localId} is logged as settled as ${rid}, the index has no such inference` })
    } else {
      claimed.add(chain.requestId)
      const sloc = { ...loc, requestId: String(chain.requestId), txHash: chain.txHash }
      if (chain.fee !== BigInt(r.fee) || chain.units !== BigInt(r.units) || chain.modelId !== r.modelId || chain.payer !== r.payer.toLowerCase()) {
        add({ class: 'fee-mismatch', location: sloc, expected: `${r.units} units, fee ${r.fee}, model ${r.modelId}, payer ${r.payer}`, actual: `${chain.units} units, fee ${chain.fee}, model ${chain.modelId}, payer ${chain.payer}`, detail: 'the settled receipt differs from the logged answer' })
      }
      checks++
      const policy = policyAt(o.index.policies, chain.blockNumber, chain.logIndex)
      const s = policy ? splitFee(chain.fee, policy) : undefined
      const got = { creator: chain.creatorShare, contributors: chain.contributorsShare, infra: chain.infraShare, treasury: chain.treasuryShare, burn: chain.burnShare }
      const fmt = (x: typeof got) => `creator ${x.creator} contributors ${x.contributors} infra ${x.infra} treasury ${x.treasury} burn ${x.burn}`
      if (!s || !policy || policy.version !== chain.policyVersion || fmt(s) !== fmt(got)) {
        add({
          class: 'split-mismatch',
          location: sloc,
          expected: s ? `policy v${policy?.version}: ${fmt(s)}` : 'a policy in force',
          actual: `policy v${chain.policyVersion}: ${fmt(got)}`,
          detail: `the shares of ${chain.requestId} are not the split of policy v${policy?.version ?? '?'} in force at block ${chain.blockNumber}`,
        })
      }
    }
    o.onProgress?.(++done, selected.length)
  }

  // settled on chain by this operator but never logged (block time inside the range)
  for (const x of o.index.inferences) {
    if (claimed.has(x.requestId) || doubles.has(x.requestId) || !inRange(x.timestamp)) continue
    checks++
    add({ class: 'settled-not-logged', location: { requestId: String(x.requestId), txHash: x.txHash }, detail: `inference ${x.requestId} was settled on chain by operator ${o.operatorId} but is not in the usage log` })
  }

  // attribution epochs: weights from the logged answers and their settled shares; payouts = pool × w
  const attributions = records.filter((r): r is LogRecord & AttributionBody => r.kind === 'attribution')
  for (const a of attributions) {
    const loc = { line: lineOf.get(a), n: a.n, modelId: a.modelId, epoch: a.epoch, txHash: a.txHash }
    const answers = a.localIds.map((id) => {
      const inf = byLocal.get(id)
      const chain = requestOf.has(id) ? indexed.get(requestOf.get(id)!) : undefined
      return { contributorsShare: chain?.contributorsShare ?? 0n, weights: (inf?.weights ?? []).map(([d, who, w]) => ({ datanetId: BigInt(d), contributor: who as Address, weight: w })) }
    })
    const expected = combineEpochWeights(answers).map((e) => [String(e.datanetId), e.contributor, e.weight])
    const epoch = o.index.epochs.find((e) => e.modelId === a.modelId && String(e.epoch) === a.epoch)
    checks++
    if (!epoch) {
      add({ class: 'payout-mismatch', location: loc, detail: `attribution epoch ${a.epoch} of model ${a.modelId} is logged, the index has no such epoch` })
      continue
    }
    const paid = epoch.payouts.map((p) => [p.datanetId, p.contributor, p.weight])
    if (JSON.stringify(paid) !== JSON.stringify(expected)) {
      add({ class: 'weight-mismatch', location: loc, expected: JSON.stringify(expected), actual: JSON.stringify(paid), detail: `epoch ${a.epoch} of model ${a.modelId} paid weights that are not Σ share × weight of its answers` })
    }
    checks++
    const amounts = epoch.payouts.map((p) => (epoch.pool * BigInt(p.weight)) / 1_000_000n)
    let top = 0
    epoch.payouts.forEach((p, i) => {
      if (p.weight > epoch.payouts[top].weight) top = i
    })
    if (amounts.length) amounts[top] += epoch.pool - amounts.reduce((x, y) => x + y, 0n)
    const actual = epoch.payouts.map((p) => p.amount)
    if (amounts.join() !== actual.join()) {
      add({ class: 'payout-mismatch', location: loc, expected: amounts.join(','), actual: actual.join(','), detail: `epoch ${a.epoch} of model ${a.modelId}: payouts are not pool ${epoch.pool} × weight with the remainder to the largest weight` })
    }
  }
  await runtime?.close()

  out.sort((x, y) => (x.location.n ?? Number.MAX_SAFE_INTEGER) - (y.location.n ?? Number.MAX_SAFE_INTEGER) || DISCREPANCY_CLASSES.indexOf(x.class) - DISCREPANCY_CLASSES.indexOf(y.class) || String(x.location.requestId ?? '').localeCompare(String(y.location.requestId ?? '')))
  const byClass = Object.fromEntries(DISCREPANCY_CLASSES.map((c) => [c, out.filter((d) => d.class === c).length])) as Record<DiscrepancyClass, number>
  return {
    version: 1,
    log: { file: path.basename(o.logFile), sha256: crypto.createHash('sha256').update(bytes).digest('hex'), records: records.length },
    operator: { id: o.operatorId, account: o.index.operatorAccount },
    range: { from: o.from?.toISOString() ?? null, to: o.to?.toISOString() ?? null },
    rerun: o.rerun,
    summary: { coverage: { from: selected[0]?.at ?? null, to: selected[selected.length - 1]?.at ?? null }, inferences: selected.length, settled: claimed.size, attributionEpochs: attributions.length, checks, discrepancies: out.length, byClass },
    ok: out.length === 0,
    discrepancies: out,
  }
}
