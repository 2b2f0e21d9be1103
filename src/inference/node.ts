// The reference inference node: serves every registered model (one ONNX base, low-rank adapters
// loaded just in time), meters and prices each answer, attributes it, logs it durably, settles
// receipts on chain in batches and posts attribution epochs.
import { createWalletClient, decodeErrorResult, decodeEventLog, http, type Address, type Hex } from 'viem'
import type { KeyHandle } from '../chain/keys'
import { keccakUtf8 } from '../util/hash'
import path from 'node:path'
import { artifact } from '../chain/artifacts'
import { ContentStore } from '../content/store'
import { BlobStore } from '../content/blobs'
import type { DeploymentManifest } from '../devnet/manifest'
import * as SettlementAbi from '../abi/InferenceSettlement'
import { buildBatch } from '../protocol/receipts'
import { countTokens, OUTPUT_TOKENS } from '../protocol/units'
import { encodeSettleEpoch } from '../protocol/calls'
import { ContributionIndex, combineEpochWeights, type MemberSet, type WeightEntry } from './attribution'
import { decodeAdapter } from './model/adapter-codec'
import { InputError, MAX_INPUT_CHARS } from './model/featurize'
import { LABELS, type Adapter } from './model/network'
import { ModelRuntime } from './model/runtime'
import { ProtocolView, type ModelInfo } from './protocol-view'
import { UsageLog, type InferenceBody, type LogRecord, type SettlementIntentBody, type WeightTuple } from './usage-log'
import { logger } from '../util/log'

export interface NodeConfig {
  manifest: DeploymentManifest
  rpcUrl?: string
  operator: KeyHandle
  /** posts attribution epochs when set (needs ATTRIBUTOR_ROLE) */
  attributor?: KeyHandle
  logFile: string
  contentDir: string
  /** settle every this many receipts ... */
  batchSize?: number
  /** ... or after this long */
  batchIntervalMs?: number
  /** post attribution epochs this often (0 = never) */
  epochSeconds?: number
  /** memory for loaded adapters */
  adapterBudgetBytes?: number
  /** false: answer and log, but never settle (benchmark baseline) */
  settle?: boolean
  /** most tokens an input may have */
  maxInputTokens?: number
}

export class NodeRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'NodeRequestError'
  }
}

export interface InferRequest {
  model: string
  payer: string
  input: string
}

export interface InferResult {
  localId: number
  modelId: string
  adapterVersion: number
  label: string
  probs: string[]
  units: number
  fee: string
  outputHash: Hex
  weights: { datanetId: string; contributor: string; weight: number }[]
}

interface Pending {
  localId: number
  modelId: bigint
  payer: string
  payerId: number
  units: number
  fee: bigint
  weights: WeightTuple[]
}

interface Loaded {
  adapter: Adapter
  members: MemberSet
  bytes: number
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/

export class InferenceNode {
  private readonly log = logger('node')
  private usage!: UsageLog
  private runtime!: ModelRuntime
  private readonly view: ProtocolView
  private readonly content: ContentStore
  private readonly blobs: BlobStore
  private index!: ContributionIndex
  private readonly wallet
  private readonly attributorWallet
  operatorId = 0
  private nextLocalId = 0
  private nextSeq = 0n
  private readonly pending: Pending[] = []
  private readonly reserved = new Map<string, bigint>()
  private readonly balances = new Map<string, { balance: bigint; at: number }>()
  /** settled answers not yet attributed: localId -> model, contributors' share, weights */
  private readonly toAttribute = new Map<number, { modelId: string; share: bigint; weights: WeightTuple[] }>()
  private readonly adapters = new Map<string, Loaded>() // LRU by insertion order
  private adapterBytes = 0
  private settling: Promise<void> = Promise.resolve()
  private readonly queued = new Set<'full' | 'due'>()
  private attributing: Promise<void> = Promise.resolve()
  private timers: NodeJS.Timeout[] = []
  private stopped = false
  readonly stats = { answered: 0, refused: 0, settledBatches: 0, settledReceipts: 0, gasUsed: 0n, epochs: 0 }

  private constructor(readonly cfg: Required<Omit<NodeConfig, 'attributor' | 'rpcUrl'>> & Pick<NodeConfig, 'attributor' | 'rpcUrl'>) {
    const rpcUrl = cfg.rpcUrl ?? cfg.manifest.rpcUrl
    this.view = new ProtocolView(cfg.manifest, rpcUrl)
    this.content = new ContentStore(cfg.contentDir)
    this.blobs = new BlobStore(path.join(cfg.contentDir, 'adapters'))
    this.wallet = createWalletClient({ account: cfg.operator.account, transport: http(rpcUrl, { timeout: 60_000 }) })
    this.attributorWallet = cfg.attributor ? createWalletClient({ account: cfg.attributor.account, transport: http(rpcUrl, { timeout: 60_000 }) }) : undefined
  }

  static async start(config: NodeConfig): Promise<InferenceNode> {
    const node = new InferenceNode({
      batchSize: 100,
      batchIntervalMs: 2_000,
      epochSeconds: 0,
      adapterBudgetBytes: 64 * 1024 * 1024,
      settle: true,
      maxInputTokens: 4_000,
      ...config,
    })
    await node.init()
    return node
  }

  private async init(): Promise<void> {
    this.runtime = await ModelRuntime.load()
    this.index = new ContributionIndex(this.runtime.base)
    this.view.onContribution((c) => this.indexContribution(c))
    await this.view.sync()
    const settlement = { address: this.cfg.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi }
    this.operatorId = Number(await this.view.client.readContract({ ...settlement, functionName: 'operatorIdOf', args: [this.cfg.operator.address] }))
    if (this.operatorId === 0) throw new Error(`${this.cfg.operator.address} is not a registered operator of InferenceSettlement ${settlement.address}`)
    this.nextSeq = (await this.view.client.readContract({ ...settlement, functionName: 'nextSequence', args: [this.cfg.operator.address] })) as bigint
    const opened = await UsageLog.open(this.cfg.logFile, this.cfg.operator)
    this.usage = opened.log
    await this.recover(opened.records)
    this.view.start(250)
    if (this.cfg.settle) this.timers.push(setInterval(() => void this.settle('due'), this.cfg.batchIntervalMs))
    if (this.cfg.epochSeconds > 0 && this.attributorWallet) this.timers.push(setInterval(() => void this.attribute(), this.cfg.epochSeconds * 1000))
    for (const t of this.timers) t.unref()
    this.log.info({ operatorId: this.operatorId, nextSeq: String(this.nextSeq), pending: this.pending.length, models: this.view.models.size, contributions: this.index.size }, 'inference node started')
  }

  private indexContribution(c: { contributionId: bigint; datanetId: bigint; contributor: Address; contentHash: Hex; blockNumber: number }): void {
    if (this.index.has(c.contributionId) || !this.content.has(c.contentHash)) return
    const r = this.content.get(c.contentHash)
    this.index.add({ ...c, text: r.text, label: r.label === 'spam' ? 1 : 0 })
  }

  /** Rebuilds pending receipts, open settlements and unattributed answers from the log. */
  private async recover(records: LogRecord[]): Promise<void> {
    const inferences = new Map<number, InferenceBody>()
    const settled = new Set<number>()
    const unpaid = new Set<number>()
    const attributed = new Set<number>()
    const lastIntent = new Map<string, SettlementIntentBody>()
    const confirmed = new Set<string>()
    for (const r of records) {
      if (r.kind === 'inference') {
        inferences.set(r.localId, r)
        this.nextLocalId = Math.max(this.nextLocalId, r.localId + 1)
      } else if (r.kind === 'settlement-intent') lastIntent.set(r.firstSeq, r)
      else if (r.kind === 'settlement') {
        confirmed.add(r.firstSeq)
        const intent = lastIntent.get(r.firstSeq)
        intent?.localIds.forEach((id, i) => {
          settled.add(id)
          const inf = inferences.get(id)
          if (inf) this.toAttribute.set(id, { modelId: inf.modelId, share: BigInt(r.contributorsShares[i]), weights: inf.weights })
        })
      } else if (r.kind === 'unpaid') r.localIds.forEach((id) => unpaid.add(id))
      else if (r.kind === 'attribution') r.localIds.forEach((id) => attributed.add(id))
    }
    for (const id of attributed) this.toAttribute.delete(id)
    // an intent never confirmed: if the chain moved past it, it was mined before the crash
    for (const [firstSeq, intent] of lastIntent) {
      if (confirmed.has(firstSeq) || intent.localIds.every((id) => unpaid.has(id))) continue
      const end = BigInt(firstSeq) + BigInt(intent.localIds.length)
      if (this.nextSeq >= end) {
        await this.confirmFromChain(intent)
        for (const id of intent.localIds) settled.add(id)
      }
    }
    for (const [id, inf] of [...inferences].sort((a, b) => a[0] - b[0])) {
      if (settled.has(id) || unpaid.has(id)) continue
      const payerId = this.view.payerIds.get(inf.payer.toLowerCase())
      if (payerId === undefined) continue
      this.pending.push({ localId: id, modelId: BigInt(inf.modelId), payer: inf.payer.toLowerCase(), payerId, units: inf.units, fee: BigInt(inf.fee), weights: inf.weights })
      this.reserved.set(inf.payer.toLowerCase(), (this.reserved.get(inf.payer.toLowerCase()) ?? 0n) + BigInt(inf.fee))
    }
    if (this.pending.length) this.log.info({ receipts: this.pending.length }, 'unsettled receipts found in the usage log; settling them once')
  }

  /** A batch the chain settled but the log did not confirm (the node died in between). */
  private async confirmFromChain(intent: SettlementIntentBody): Promise<void> {
    const abi = artifact('InferenceSettlement').abi
    const logs = await this.view.client.getLogs({ address: this.cfg.manifest.contracts.InferenceSettlement, fromBlock: BigInt(this.cfg.manifest.startBlock), toBlock: 'latest' })
    for (const l of logs) {
      let ev: { eventName: string; args: Record<string, unknown> }
      try {
        ev = decodeEventLog({ abi, data: l.data, topics: l.topics }) as never
      } catch {
        continue
      }
      if (ev.eventName === 'BatchSettled' && Number(ev.args.operatorId) === this.operatorId && String(ev.args.firstSeq) === intent.firstSeq) {
        const receipt = await this.view.client.getTransactionReceipt({ hash: l.transactionHash! })
        await this.recordSettlement(intent, receipt)
        return
      }
    }
    throw new Error(`settlement of sequence ${intent.firstSeq} is on chain but its BatchSettled event was not found`)
  }

  // ------------------------------------------------------------------ requests

  models(): { id: string; pricePerUnit: string; retired: boolean; datanets: string[]; adapterVersion: number }[] {
    return [...this.view.models.values()].map((m) => ({
      id: String(m.id),
      pricePerUnit: String(m.price),
      retired: m.retired,
      datanets: m.datanets.map(String),
      adapterVersion: this.view.currentVersion(m).version,
    }))
  }

  private validate(body: unknown): InferRequest {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new NodeRequestError(400, 'BAD_REQUEST', 'the body must be a JSON object {"model", "payer", "input"}')
    const b = body as Record<string, unknown>
    const unknown = Object.keys(b).filter((k) => !['model', 'payer', 'input'].includes(k))
    if (unknown.length) throw new NodeRequestError(400, 'BAD_REQUEST', `unknown field(s): ${unknown.join(', ')} (expected model, payer, input)`)
    const model = typeof b.model === 'number' && Number.isSafeInteger(b.model) ? String(b.model) : b.model
    if (typeof model !== 'string' || !/^\d{1,18}$/.test(model)) throw new NodeRequestError(400, 'BAD_REQUEST', '"model" must be a model id (a whole number)')
    if (typeof b.payer !== 'string' || !ADDRESS.test(b.payer)) throw new NodeRequestError(400, 'BAD_REQUEST', '"payer" must be a 0x address')
    if (typeof b.input !== 'string') throw new NodeRequestError(400, 'BAD_REQUEST', '"input" must be a string')
    if (b.input.length > MAX_INPUT_CHARS) throw new NodeRequestError(413, 'INPUT_TOO_LARGE', `"input" is ${b.input.length} characters; at most ${MAX_INPUT_CHARS} are accepted`)
    if (b.input.trim() === '') throw new NodeRequestError(400, 'BAD_REQUEST', '"input" is empty')
    return { model, payer: b.payer, input: b.input }
  }

  private async available(payer: string): Promise<bigint> {
    let c = this.balances.get(payer)
    if (!c || Date.now() - c.at > 1_000) {
      c = { balance: await this.view.escrowBalance(payer), at: Date.now() }
      this.balances.set(payer, c)
    }
    return c.balance - (this.reserved.get(payer) ?? 0n)
  }

  private adapterFor(m: ModelInfo): Loaded & { version: number; hash: Hex } {
    const v = this.view.currentVersion(m)
    const key = `${m.id}@${v.version}`
    let l = this.adapters.get(key)
    if (l) {
      this.adapters.delete(key) // refresh LRU position
      this.adapters.set(key, l)
    } else {
      if (!this.blobs.has(v.adapterHash)) throw new NodeRequestError(503, 'ADAPTER_UNAVAILABLE', `model ${m.id} adapter ${v.adapterHash} is not in the content store`)
      const adapter = decodeAdapter(this.blobs.get(v.adapterHash))
      const members = this.index.members(m.datanets, v.blockNumber)
      const bytes = 8 * (adapter.A.length + adapter.B.length) + members.groups.reduce((a, g) => a + 4 * g.members.length + 64, 0)
      l = { adapter, members, bytes }
      this.adapters.set(key, l)
      this.adapterBytes += bytes
      for (const [k, old] of this.adapters) {
        if (this.adapterBytes <= this.cfg.adapterBudgetBytes || k === key) break
        this.adapters.delete(k)
        this.adapterBytes -= old.bytes
      }
    }
    return { ...l, version: v.version, hash: v.adapterHash }
  }

  /** Loaded adapters and their bytes (for the memory benchmark). */
  adapterStats(): { loaded: number; bytes: number } {
    return { loaded: this.adapters.size, bytes: this.adapterBytes }
  }

  /** Warm-loads the adapters of the given models (benchmarks). */
  preload(modelIds: string[]): void {
    for (const id of modelIds) {
      const m = this.view.models.get(id)
      if (m) this.adapterFor(m)
    }
  }

  async infer(body: unknown): Promise<InferResult> {
    const req = this.validate(body)
    const m = this.view.models.get(req.model)
    if (!m) throw new NodeRequestError(404, 'UNKNOWN_MODEL', `model ${req.model} is not registered`)
    if (m.retired) throw new NodeRequestError(410, 'MODEL_RETIRED', `model ${req.model} is retired and serves no more requests`)
    const payer = req.payer.toLowerCase()
    const payerId = this.view.payerIds.get(payer)
    if (payerId === undefined) throw new NodeRequestError(402, 'NO_ESCROW', `payer ${req.payer} has no escrow: deposit OPEN into InferenceSettlement first`)
    const tokens = countTokens(req.input)
    if (tokens > this.cfg.maxInputTokens) throw new NodeRequestError(413, 'INPUT_TOO_LARGE', `the input has ${tokens} tokens; at most ${this.cfg.maxInputTokens} are accepted`)
    const units = tokens + OUTPUT_TOKENS
    const price = m.price
    const fee = BigInt(units) * price
    const available = await this.available(payer)
    if (available < fee) throw new NodeRequestError(402, 'INSUFFICIENT_ESCROW', `payer ${req.payer} has ${available} base units available in escrow, the request costs ${fee}: deposit more OPEN`)
    // reserve before any await, so concurrent requests cannot overdraw the escrow
    this.reserved.set(payer, (this.reserved.get(payer) ?? 0n) + fee)
    try {
      const a = this.adapterFor(m)
      let out
      try {
        out = await this.runtime.infer(req.input, a.adapter)
      } catch (e) {
        if (e instanceof InputError) throw new NodeRequestError(400, 'BAD_REQUEST', e.message)
        throw e
      }
      const weights = this.index.weights(a.members, out.h1, out.p, LABELS.indexOf(out.label as never))
      const tuples: WeightTuple[] = weights.map((w) => [String(w.datanetId), w.contributor, w.weight])
      const localId = this.nextLocalId++
      await this.usage.append({
        kind: 'inference',
        localId,
        at: new Date().toISOString(),
        modelId: req.model,
        adapterVersion: a.version,
        adapterHash: a.hash,
        payer,
        input: req.input,
        inputHash: keccakUtf8(req.input),
        units,
        price: String(price),
        fee: String(fee),
        label: out.label,
        probs: out.probs,
        outputHash: out.outputHash,
        weights: tuples,
      })
      this.pending.push({ localId, modelId: m.id, payer, payerId, units, fee, weights: tuples })
      this.stats.answered++
      if (this.cfg.settle && this.pending.length >= this.cfg.batchSize) void this.settle('full')
      return {
        localId,
        modelId: req.model,
        adapterVersion: a.version,
        label: out.label,
        probs: out.probs,
        units,
        fee: String(fee),
        outputHash: out.outputHash,
        weights: weights.slice(0, 5).map((w: WeightEntry) => ({ datanetId: String(w.datanetId), contributor: w.contributor, weight: w.weight })),
      }
    } catch (e) {
      this.reserved.set(payer, (this.reserved.get(payer) ?? 0n) - fee)
      throw e
    }
  }

  usageOf(payer: string): { payer: string; pendingReceipts: number; reserved: string } {
    if (!ADDRESS.test(payer)) throw new NodeRequestError(400, 'BAD_REQUEST', 'payer must be a 0x address')
    const p = payer.toLowerCase()
    return { payer: p, pendingReceipts: this.pending.filter((x) => x.payer === p).length, reserved: String(this.reserved.get(p) ?? 0n) }
  }

  // ---------------------------------------------------------------- settlement

  /**
   * Settles pending receipts (serialized). 'full': full batches only, while there are some (a
   * batch filled up); 'due': everything answered so far, in batches (the batch timer, stop, tests).
   * Each kind is queued at most once, so a burst of requests queues one settlement run, not one
   * per request.
   */
  settle(kind: 'full' | 'due' = 'due'): Promise<void> {
    if (this.queued.has(kind)) return this.settling
    this.queued.add(kind)
    const run = this.settling.then(async () => {
      this.queued.delete(kind)
      const upTo = this.nextLocalId
      for (;;) {
        if (!this.pending.length || this.stopped) return
        if (kind === 'full' ? this.pending.length < this.cfg.batchSize : this.pending[0].localId >= upTo) return
        await this.settleBatch(this.pending.slice(0, this.cfg.batchSize))
      }
    })
    this.settling = run.catch((e: Error) => this.log.error({ err: e.message }, 'settlement failed; will retry'))
    return this.settling
  }

  private async settleBatch(batch: Pending[]): Promise<void> {
    const intent = await this.usage.append({ kind: 'settlement-intent', firstSeq: String(this.nextSeq), localIds: batch.map((p) => p.localId), usageLogHead: this.usage.head })
    const b = buildBatch(batch.map((p) => ({ modelId: p.modelId, payerId: p.payerId, units: p.units, fee: p.fee })))
    const abi = artifact('InferenceSettlement').abi
    let hash: Hex
    try {
      hash = await this.wallet.writeContract({
        address: this.cfg.manifest.contracts.InferenceSettlement,
        abi,
        functionName: 'settleBatch',
        args: [this.nextSeq, intent.usageLogHead, b.modelIds, b.payerIds, b.packed],
        chain: null,
        gas: 200_000n + 20_000n * BigInt(batch.length),
      } as never)
    } catch (e) {
      return this.rejected(batch, e)
    }
    const receipt = await this.receiptOf(hash)
    if (receipt.status !== 'success') return this.rejected(batch, new Error(`settlement tx ${hash} reverted`))
    // test-only fault injection: die after the chain settled, before the log says so
    if (process.env.UPKEEP_FAULT_NODE_CRASH === 'after-settlement-tx') process.kill(process.pid, 'SIGKILL')
    await this.recordSettlement(intent, receipt)
  }

  /** The receipt, polled from right away (an automining chain has it at once) with backoff. */
  private async receiptOf(hash: Hex) {
    const deadline = Date.now() + 180_000
    for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 1_000)) {
      const r = await this.view.client.getTransactionReceipt({ hash }).catch(() => undefined)
      if (r) return r
      await new Promise((res) => setTimeout(res, wait))
    }
    throw new Error(`no receipt for settlement tx ${hash} after 180 s`)
  }

  private async recordSettlement(intent: SettlementIntentBody, receipt: { transactionHash: Hex; blockNumber: bigint; gasUsed: bigint; logs: { address: Address; data: Hex; topics: Hex[] }[] }): Promise<void> {
    // the indexer's typed bindings decode the receipt (one decode path, and several times faster than a generic ABI decoder)
    const shares: string[] = []
    let policyVersion = 0
    const at = this.cfg.manifest.contracts.InferenceSettlement.toLowerCase()
    for (const l of receipt.logs) {
      if (l.address.toLowerCase() !== at) continue
      if (l.topics[0] === SettlementAbi.events.InferenceSettled.topic) shares.push(String(SettlementAbi.events.InferenceSettled.decode(l).contributorsShare))
      else if (l.topics[0] === SettlementAbi.events.BatchSettled.topic) policyVersion = SettlementAbi.events.BatchSettled.decode(l).policyVersion
    }
    await this.usage.append({
      kind: 'settlement',
      firstSeq: intent.firstSeq,
      count: intent.localIds.length,
      txHash: receipt.transactionHash,
      blockNumber: Number(receipt.blockNumber),
      policyVersion,
      contributorsShares: shares,
    })
    const ids = new Set(intent.localIds)
    const done = this.pending.filter((p) => ids.has(p.localId))
    for (const p of done) {
      this.reserved.set(p.payer, (this.reserved.get(p.payer) ?? 0n) - p.fee)
      this.balances.delete(p.payer)
    }
    done.forEach((p, i) => this.toAttribute.set(p.localId, { modelId: String(p.modelId), share: BigInt(shares[i] ?? 0), weights: p.weights }))
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => !ids.has(p.localId)))
    this.nextSeq = BigInt(intent.firstSeq) + BigInt(intent.localIds.length)
    this.stats.settledBatches++
    this.stats.settledReceipts += intent.localIds.length
    this.stats.gasUsed += receipt.gasUsed
  }

  /** A batch the contract refused: the offending receipts are logged unpaid, the rest retried. */
  private async rejected(batch: Pending[], e: unknown): Promise<void> {
    const data = (e as { cause?: { data?: Hex }; walk?: (f: (x: unknown) => boolean) => unknown }).walk?.((x) => typeof (x as { data?: unknown }).data === 'string') as { data?: Hex } | undefined
    let reason = (e as Error).message.split('\n')[0]
    let drop: Pending[] = []
    try {
      const err = decodeErrorResult({ abi: artifact('InferenceSettlement').abi, data: data?.data ?? '0x' })
      reason = `${err.errorName}(${(err.args ?? []).map(String).join(', ')})`
      if (err.errorName === 'InsufficientEscrow') drop = batch.filter((p) => p.payerId === Number(err.args?.[0]))
      else if (err.errorName === 'FeeMismatch' || err.errorName === 'BadReceipt') drop = [batch[Number(err.args?.[0])]]
      else if (err.errorName === 'SequenceMismatch') this.nextSeq = BigInt(err.args?.[0] as bigint)
    } catch {
      // not a contract error (RPC trouble): retry the whole batch later
    }
    if (drop.length) {
      await this.usage.append({ kind: 'unpaid', localIds: drop.map((p) => p.localId), reason })
      const ids = new Set(drop.map((p) => p.localId))
      for (const p of drop) this.reserved.set(p.payer, (this.reserved.get(p.payer) ?? 0n) - p.fee)
      this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => !ids.has(p.localId)))
    }
    throw new Error(`settlement refused: ${reason}`)
  }

  // --------------------------------------------------------------- attribution

  /** Posts one attribution epoch per model with settled, unattributed answers. */
  attribute(): Promise<void> {
    this.attributing = this.attributing.then(() => this.attributeOnce()).catch((e: Error) => this.log.error({ err: e.message }, 'attribution epoch failed; will retry'))
    return this.attributing
  }

  private async attributeOnce(): Promise<void> {
    if (!this.attributorWallet || this.stopped) return
    const byModel = new Map<string, number[]>()
    for (const [id, a] of this.toAttribute) byModel.set(a.modelId, [...(byModel.get(a.modelId) ?? []), id])
    const c = this.cfg.manifest.contracts
    for (const [modelId, ids] of byModel) {
      const answers = ids.map((id) => this.toAttribute.get(id)!)
      const entries = combineEpochWeights(answers.map((a) => ({ contributorsShare: a.share, weights: a.weights.map(([d, who, w]) => ({ datanetId: BigInt(d), contributor: who as Address, weight: w })) })))
      if (!entries.length) continue
      const [, pool] = (await this.view.client.readContract({ address: c.InferenceSettlement, abi: artifact('InferenceSettlement').abi, functionName: 'accruals', args: [BigInt(modelId)] })) as [bigint, bigint]
      if (pool === 0n) continue
      const epoch = (await this.view.client.readContract({ address: c.AttributionSettlement, abi: artifact('AttributionSettlement').abi, functionName: 'nextEpoch', args: [BigInt(modelId)] })) as bigint
      const hash = await this.attributorWallet.sendTransaction({
        to: c.AttributionSettlement,
        data: encodeSettleEpoch(epoch, BigInt(modelId), entries),
        chain: null,
        gas: 300_000n + 80_000n * BigInt(entries.length),
      } as never)
      const receipt = await this.receiptOf(hash)
      if (receipt.status !== 'success') throw new Error(`attribution epoch ${epoch} of model ${modelId} reverted (tx ${hash})`)
      let paidPool = 0n
      for (const l of receipt.logs) {
        try {
          const ev = decodeEventLog({ abi: artifact('AttributionSettlement').abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, unknown> }
          if (ev.eventName === 'EpochClosed') paidPool = ev.args.pool as bigint
        } catch {
          // a token Transfer
        }
      }
      await this.usage.append({
        kind: 'attribution',
        modelId,
        epoch: String(epoch),
        localIds: ids,
        entries: entries.map((e) => [String(e.datanetId), e.contributor, e.weight]),
        pool: String(paidPool),
        txHash: hash,
        blockNumber: Number(receipt.blockNumber),
      })
      for (const id of ids) this.toAttribute.delete(id)
      this.stats.epochs++
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.timers) clearInterval(t)
    this.view.stop()
    await this.settling.catch(() => {})
    await this.attributing.catch(() => {})
    await this.usage.close()
    await this.runtime.close()
  }
}
