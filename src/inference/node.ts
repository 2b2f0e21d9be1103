// The reference inference node: serves every registered model (one ONNX base, low-rank adapters
// loaded just in time: adapter-cache.ts), meters and prices each answer, attributes it and logs it
// durably (here: request handling), settles receipts on chain in batches (settler.ts) and posts
// attribution epochs (epoch-poster.ts).
import { createWalletClient, http, type Address, type Hex } from 'viem'
import type { KeyHandle } from '../chain/keys'
import { keccakUtf8 } from '../util/hash'
import { artifact } from '../chain/artifacts'
import { ContentStore } from '../content/store'
import type { DeploymentManifest } from '../devnet/manifest'
import { countTokens, OUTPUT_TOKENS } from '../protocol/units'
import { ContributionIndex, type WeightEntry } from './attribution'
import { InputError } from './model/featurize'
import { LABELS } from './model/network'
import { ModelRuntime } from './model/runtime'
import { ProtocolView } from './protocol-view'
import { UsageLog, type WeightTuple } from './usage-log'
import { AdapterCache } from './adapter-cache'
import { EpochPoster } from './epoch-poster'
import { Settler, type NodeStats, type SettlerHooks } from './settler'
import { NodeRequestError, validateInferRequest, type InferResult } from './requests'
import { logger } from '../util/log'
import { ConfigError } from '../util/errors'
import { CHARGE_DOMAIN_NAME, CHARGE_DOMAIN_VERSION, CHARGE_TYPES, ChargeDomain, type SignedCharge } from '../protocol/charge-auth'

export { NodeRequestError, type InferRequest, type InferResult } from './requests'

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
  /**
   * true: the usage log keeps each request's input out (only inputHash commits to it), so the log
   * handed to validators reveals no input; they check those requests without re-running the model.
   */
  privateInputs?: boolean
  /** most tokens an input may have */
  maxInputTokens?: number
  /** an authorisation whose recent block is more than this many blocks behind the head is refused */
  authMaxAgeBlocks?: number
  /** an authorisation that expires within this many blocks of the head is refused (its batch could not settle) */
  authMinRemainingBlocks?: number
  /** fault hooks injected by tests and benchmarks (none in production) */
  hooks?: SettlerHooks
}

type Resolved = Required<Omit<NodeConfig, 'attributor' | 'rpcUrl' | 'hooks'>> & Pick<NodeConfig, 'attributor' | 'rpcUrl' | 'hooks'>

/** Defaults: a day of 12-second blocks; a few minutes' margin to settle. */
export const AUTH_MAX_AGE_BLOCKS = 7_200
export const AUTH_MIN_REMAINING_BLOCKS = 64

export class InferenceNode {
  private readonly log = logger('node')
  private usage!: UsageLog
  private runtime!: ModelRuntime
  private readonly view: ProtocolView
  private readonly content: ContentStore
  private index!: ContributionIndex
  private readonly adapters: AdapterCache
  private settler!: Settler
  private readonly poster: EpochPoster
  operatorId = 0
  private nextLocalId = 0
  private chargeDomain!: ChargeDomain
  /** per payer, the last authorisation whose signature checked out (an agent reuses one allowance for many requests) */
  private readonly verified = new Map<string, string>()
  private timers: NodeJS.Timeout[] = []
  readonly stats: NodeStats = { answered: 0, refused: 0, settledBatches: 0, settledReceipts: 0, gasUsed: 0n, epochs: 0 }

  private constructor(readonly cfg: Resolved) {
    const rpcUrl = cfg.rpcUrl ?? cfg.manifest.rpcUrl
    this.view = new ProtocolView(cfg.manifest, rpcUrl)
    this.content = new ContentStore(cfg.contentDir)
    this.adapters = new AdapterCache(cfg.contentDir, this.view, () => this.index, cfg.adapterBudgetBytes)
    const attributorWallet = cfg.attributor ? createWalletClient({ account: cfg.attributor.account, transport: http(rpcUrl, { timeout: 60_000 }) }) : undefined
    this.poster = new EpochPoster({ manifest: cfg.manifest, view: this.view, wallet: attributorWallet, usage: () => this.usage, stats: this.stats, log: this.log })
  }

  static async start(config: NodeConfig): Promise<InferenceNode> {
    const node = new InferenceNode({
      batchSize: 100,
      batchIntervalMs: 2_000,
      epochSeconds: 0,
      adapterBudgetBytes: 64 * 1024 * 1024,
      settle: true,
      privateInputs: false,
      maxInputTokens: 4_000,
      authMaxAgeBlocks: AUTH_MAX_AGE_BLOCKS,
      authMinRemainingBlocks: AUTH_MIN_REMAINING_BLOCKS,
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
    if (this.operatorId === 0) throw new ConfigError(`${this.cfg.operator.address} is not a registered operator of InferenceSettlement ${settlement.address}`)
    const nextSeq = (await this.view.client.readContract({ ...settlement, functionName: 'nextSequence', args: [this.cfg.operator.address] })) as bigint
    this.chargeDomain = new ChargeDomain(this.cfg.manifest.chainId, this.cfg.manifest.contracts.InferenceSettlement)
    const opened = await UsageLog.open(this.cfg.logFile, this.cfg.operator)
    this.usage = opened.log
    const rpcUrl = this.cfg.rpcUrl ?? this.cfg.manifest.rpcUrl
    this.settler = new Settler({
      manifest: this.cfg.manifest,
      view: this.view,
      operator: this.cfg.operator,
      rpcUrl,
      operatorId: this.operatorId,
      usage: this.usage,
      batchSize: this.cfg.batchSize,
      stats: this.stats,
      log: this.log,
      hooks: this.cfg.hooks ?? {},
      nextLocalId: () => this.nextLocalId,
      onSettled: (entries) => this.poster.add(entries),
    })
    this.settler.nextSeq = nextSeq
    this.nextLocalId = await this.settler.recover(opened.records)
    this.view.start(250)
    if (this.cfg.settle) this.timers.push(setInterval(() => void this.settle('due'), this.cfg.batchIntervalMs))
    if (this.cfg.epochSeconds > 0 && this.cfg.attributor) this.timers.push(setInterval(() => void this.attribute(), this.cfg.epochSeconds * 1000))
    for (const t of this.timers) t.unref()
    this.log.info(
      { operatorId: this.operatorId, nextSeq: String(nextSeq), pending: this.settler.pending.length, models: this.view.models.size, contributions: this.index.size },
      'inference node started',
    )
  }

  private indexContribution(c: { contributionId: bigint; datanetId: bigint; contributor: Address; contentHash: Hex; blockNumber: number }): void {
    if (this.index.has(c.contributionId) || !this.content.has(c.contentHash)) return
    const r = this.content.get(c.contentHash)
    this.index.add({ ...c, text: r.text, label: r.label === 'spam' ? 1 : 0 })
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

  /** Loaded adapters and their bytes (for the memory benchmark). */
  adapterStats(): { loaded: number; bytes: number } {
    return this.adapters.stats()
  }

  /** Warm-loads the adapters of the given models (benchmarks). */
  preload(modelIds: string[]): void {
    for (const id of modelIds) {
      const m = this.view.models.get(id)
      if (m) this.adapters.get(m)
    }
  }

  /** What a payer signs for this node: the EIP-712 domain, the operator and the message types. */
  chargeTerms(): { domain: { name: string; version: string; chainId: number; verifyingContract: Address }; operator: Address; primaryType: string; types: typeof CHARGE_TYPES; maxAgeBlocks: number; minRemainingBlocks: number; head: number } {
    return {
      domain: { name: CHARGE_DOMAIN_NAME, version: CHARGE_DOMAIN_VERSION, chainId: this.chargeDomain.chainId, verifyingContract: this.chargeDomain.verifyingContract },
      operator: this.cfg.operator.address,
      primaryType: 'ChargeAuthorization',
      types: CHARGE_TYPES,
      maxAgeBlocks: this.cfg.authMaxAgeBlocks,
      minRemainingBlocks: this.cfg.authMinRemainingBlocks,
      head: this.view.syncedBlock,
    }
  }

  /**
   * Refuses an authorisation the chain would refuse (another signer, expired, too old or from a
   * block the chain has not reached); the cap is checked against what was billed, later.
   */
  private async checkAuthorization(payer: string, a: SignedCharge): Promise<void> {
    const key = `${a.signature}:${a.cumulativeAmount}:${a.recentBlock}:${a.expiryBlock}`
    if (this.verified.get(payer) !== key) {
      const signer = this.chargeDomain.signer(payer, this.cfg.operator.address, a)
      if (signer !== payer) {
        throw new NodeRequestError(403, 'AUTHORIZATION_NOT_BY_PAYER', `the authorization is signed by ${signer ?? 'no valid key'}, not by the payer ${payer} (EIP-712 ChargeAuthorization for operator ${this.cfg.operator.address})`)
      }
      this.verified.set(payer, key)
    }
    // a recent block the node has not seen yet: catch up first (its prices may have changed)
    if (a.recentBlock > this.view.syncedBlock) await this.view.sync()
    const head = this.view.syncedBlock
    if (a.recentBlock > head) throw new NodeRequestError(403, 'AUTHORIZATION_FROM_FUTURE', `the authorization's recentBlock ${a.recentBlock} is ahead of the chain head ${head}`)
    if (a.recentBlock < head - this.cfg.authMaxAgeBlocks) throw new NodeRequestError(403, 'AUTHORIZATION_STALE', `the authorization's recentBlock ${a.recentBlock} is more than ${this.cfg.authMaxAgeBlocks} blocks behind the head ${head}: sign a new one`)
    if (a.expiryBlock < head + this.cfg.authMinRemainingBlocks) {
      throw new NodeRequestError(403, 'AUTHORIZATION_EXPIRED', `the authorization expires at block ${a.expiryBlock}; the head is ${head} and a charge needs ${this.cfg.authMinRemainingBlocks} blocks to settle`)
    }
  }

  async infer(body: unknown): Promise<InferResult> {
    const req = validateInferRequest(body)
    const m = this.view.models.get(req.model)
    if (!m) throw new NodeRequestError(404, 'UNKNOWN_MODEL', `model ${req.model} is not registered`)
    if (m.retired) throw new NodeRequestError(410, 'MODEL_RETIRED', `model ${req.model} is retired and serves no more requests`)
    const payer = req.payer.toLowerCase()
    const payerId = this.view.payerIds.get(payer)
    if (payerId === undefined) throw new NodeRequestError(402, 'NO_ESCROW', `payer ${req.payer} has no escrow: deposit OPEN into InferenceSettlement first`)
    const tokens = countTokens(req.input)
    if (tokens > this.cfg.maxInputTokens) throw new NodeRequestError(413, 'INPUT_TOO_LARGE', `the input has ${tokens} tokens; at most ${this.cfg.maxInputTokens} are accepted`)
    const units = tokens + OUTPUT_TOKENS
    await this.checkAuthorization(payer, req.authorization)
    const price = m.price
    const fee = BigInt(units) * price
    await this.settler.billedTo(payer, payerId)
    const available = await this.settler.available(payer)
    // checked with the reservation below, with no await in between
    const needed = this.settler.billedNow(payer) + fee
    if (BigInt(req.authorization.cumulativeAmount) < needed) {
      throw new NodeRequestError(402, 'AUTHORIZATION_EXCEEDED', `the authorization caps this operator's charges to ${req.authorization.cumulativeAmount} base units in total; with this request (${fee}) they would be ${needed}: sign a higher cumulativeAmount`)
    }
    if (available < fee) throw new NodeRequestError(402, 'INSUFFICIENT_ESCROW', `payer ${req.payer} has ${available} base units available in escrow, the request costs ${fee}: deposit more OPEN`)
    // reserve before any await, so concurrent requests cannot overdraw the escrow
    this.settler.reserve(payer, fee)
    try {
      const a = this.adapters.get(m)
      let out
      // metering: the process's CPU time and the adapter's residency while this request is inferred
      const cpu0 = process.cpuUsage()
      const wall0 = process.hrtime.bigint()
      try {
        out = await this.runtime.infer(req.input, a.adapter)
      } catch (e) {
        if (e instanceof InputError) throw new NodeRequestError(400, 'BAD_REQUEST', e.message)
        throw e
      }
      const cpu = process.cpuUsage(cpu0)
      const wallMicros = (process.hrtime.bigint() - wall0) / 1_000n
      const cpuMicros = BigInt(cpu.user + cpu.system)
      const adapterByteSeconds = (BigInt(a.bytes) * wallMicros) / 1_000_000n
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
        ...(this.cfg.privateInputs ? {} : { input: req.input }),
        inputHash: keccakUtf8(req.input),
        authorization: req.authorization,
        units,
        price: String(price),
        fee: String(fee),
        cpuMicros: String(cpuMicros),
        adapterByteSeconds: String(adapterByteSeconds),
        label: out.label,
        probs: out.probs,
        outputHash: out.outputHash,
        weights: tuples,
      })
      this.stats.answered++
      this.settler.add({ localId, modelId: m.id, payer, payerId, units, fee, cpuMicros, adapterByteSeconds, weights: tuples, authorization: req.authorization }, this.cfg.settle)
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
      this.settler.cancel(payer, fee)
      throw e
    }
  }

  usageOf(payer: string): Promise<{ payer: string; pendingReceipts: number; reserved: string; billed: string | null }> {
    return this.settler.usageOf(payer)
  }

  /** Settles pending receipts: 'full' batches only, or everything answered so far ('due'). */
  settle(kind: 'full' | 'due' = 'due'): Promise<void> {
    return this.settler.settle(kind)
  }

  /** Posts one attribution epoch per model with settled, unattributed answers. */
  attribute(): Promise<void> {
    return this.poster.attribute()
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.view.stop()
    // both stop at once, as one flag did: a settlement run may not start an epoch, nor the reverse
    await Promise.all([this.settler.stop(), this.poster.stop()])
    await this.usage.close()
    await this.runtime.close()
  }
}
