// The settler: receipts owed by answered requests, reserved against each payer's escrow, settled
// on chain in batches (serialized), each batch journaled in the usage log before and after its
// transaction so a crash in between neither loses nor doubles a receipt; and the recovery that
// rebuilds all of it from the log on start.
import { decodeErrorResult, decodeEventLog, serializeTransaction, type Address, type Hex, type PublicClient, type TransactionSerializableEIP1559 } from 'viem'
import type { Logger } from 'pino'
import { artifact } from '../chain/artifacts'
import type { DeploymentManifest } from '../devnet/manifest'
import * as SettlementAbi from '../abi/InferenceSettlement'
import { buildBatch } from '../protocol/receipts'
import type { SignedCharge } from '../protocol/charge-auth'
import type { ProtocolView } from './protocol-view'
import type { InferenceBody, LogRecord, SettlementIntentBody, UsageLog, WeightTuple } from './usage-log'
import { waitForRpcReceipt, type MinedReceipt } from './tx-receipt'
import { KeepAliveRpc } from './keepalive-rpc'
import type { KeyHandle } from '../chain/keys'
import { ADDRESS, NodeRequestError } from './requests'
import { keccakBytes } from '../util/hash'

/** Fault hooks that tests and benchmarks inject; production passes none. */
export interface SettlerHooks {
  /** after a settlement transaction is mined, before the usage log records it */
  afterSettlementTx?(): void
}

export interface NodeStats {
  answered: number
  refused: number
  settledBatches: number
  settledReceipts: number
  gasUsed: bigint
  epochs: number
}

export interface Pending {
  localId: number
  modelId: bigint
  payer: string
  payerId: number
  units: number
  fee: bigint
  /** the node's own measurement of serving this answer (CPU µs of the process, adapter bytes × wall µs / 10^6) */
  cpuMicros: bigint
  adapterByteSeconds: bigint
  weights: WeightTuple[]
  /** the payer's authorisation that came with the request (it covers this receipt and the payer's earlier ones) */
  authorization: SignedCharge
}

/** A settled answer not yet attributed: its model, the contributors' share, the weights. */
export interface Unattributed {
  modelId: string
  share: bigint
  weights: WeightTuple[]
}

export interface SettlerOptions {
  manifest: DeploymentManifest
  view: ProtocolView
  /** the operator's key: its address sends the batches, its native signer signs their transactions */
  operator: Pick<KeyHandle, 'address' | 'signHash'>
  /** where the batches are sent (kept-alive JSON-RPC) */
  rpcUrl: string
  operatorId: number
  usage: UsageLog
  batchSize: number
  stats: NodeStats
  log: Logger
  hooks: SettlerHooks
  /** the local id the next answer will get ('due' settles everything answered before it) */
  nextLocalId(): number
  /** receives answers as their settlement is recorded, in order */
  onSettled(entries: [number, Unattributed][]): void
}

export class Settler {
  readonly pending: Pending[] = []
  private readonly reserved = new Map<string, bigint>()
  private readonly balances = new Map<string, { balance: bigint; at: number }>()
  /** per payer, the escrow read in flight: the requests that find the balance stale share it */
  private readonly reading = new Map<string, Promise<void>>()
  /** per payer, what this operator has billed it in total (charged on chain + receipts not yet settled) */
  private readonly billed = new Map<string, bigint>()
  nextSeq = 0n
  private settling: Promise<void> = Promise.resolve()
  private readonly queued = new Set<'full' | 'due'>()
  private stopped = false
  private readonly rpc: KeepAliveRpc

  constructor(private readonly o: SettlerOptions) {
    this.rpc = new KeepAliveRpc(o.rpcUrl, 60_000)
  }

  private get client(): PublicClient {
    return this.o.view.client
  }

  /** What the payer's escrow still covers after the receipts reserved against it. */
  async available(payer: string): Promise<bigint> {
    const c = this.balances.get(payer)
    if (!c || Date.now() - c.at > 1_000) await this.readBalance(payer)
    return this.balances.get(payer)!.balance - (this.reserved.get(payer) ?? 0n)
  }

  /**
   * One escrow read per payer at a time: the concurrent requests that find the balance stale wait
   * for the same read instead of each sending its own (32 connections made 32 eth_calls a second).
   * `at` is when the read came back, as recordSettlement compares it with a batch's send.
   */
  private readBalance(payer: string): Promise<void> {
    let r = this.reading.get(payer)
    if (!r) {
      r = this.o.view
        .escrowBalance(payer)
        .then((balance) => void this.balances.set(payer, { balance, at: Date.now() }))
        .finally(() => this.reading.delete(payer))
      this.reading.set(payer, r)
    }
    return r
  }

  /**
   * What this operator has billed the payer in total, settled or not: an authorisation must cap
   * at least this plus the next fee. Read from the chain the first time a payer is seen (no
   * receipt of a payer first seen can be in a batch on its way).
   */
  async billedTo(payer: string, payerId: number): Promise<bigint> {
    if (!this.billed.has(payer)) {
      const onChain = await this.o.view.charged(payerId, this.o.operatorId)
      if (!this.billed.has(payer)) this.billed.set(payer, onChain + this.pending.filter((p) => p.payer === payer).reduce((s, p) => s + p.fee, 0n))
    }
    return this.billed.get(payer)!
  }

  /** billedTo's figure as it stands (after billedTo resolved once for the payer) */
  billedNow(payer: string): bigint {
    return this.billed.get(payer)!
  }

  /** Reserves the fee against the escrow and bills it (after billedTo). */
  reserve(payer: string, fee: bigint): void {
    this.reserved.set(payer, (this.reserved.get(payer) ?? 0n) + fee)
    const b = this.billed.get(payer)
    if (b !== undefined) this.billed.set(payer, b + fee)
  }

  /** The fee settled: no longer reserved, still billed. */
  release(payer: string, fee: bigint): void {
    this.reserved.set(payer, (this.reserved.get(payer) ?? 0n) - fee)
  }

  /** The fee will never be charged (the request failed, or its receipt is unpaid). */
  cancel(payer: string, fee: bigint): void {
    this.release(payer, fee)
    const b = this.billed.get(payer)
    if (b !== undefined) this.billed.set(payer, b - fee)
  }

  /** A receipt owed by an answered request; settles a full batch right away. */
  add(p: Pending, settle: boolean): void {
    this.pending.push(p)
    if (settle && this.pending.length >= this.o.batchSize) void this.settle('full')
  }

  async usageOf(payer: string): Promise<{ payer: string; pendingReceipts: number; reserved: string; billed: string | null }> {
    if (!ADDRESS.test(payer)) throw new NodeRequestError(400, 'BAD_REQUEST', 'payer must be a 0x address')
    const p = payer.toLowerCase()
    const payerId = this.o.view.payerIds.get(p)
    // billed: the cumulative amount a new authorisation must exceed by the next fee (null: the payer has no escrow)
    const billed = payerId === undefined ? null : String(await this.billedTo(p, payerId))
    return { payer: p, pendingReceipts: this.pending.filter((x) => x.payer === p).length, reserved: String(this.reserved.get(p) ?? 0n), billed }
  }

  /** Rebuilds pending receipts, open settlements and unattributed answers from the log; returns the next local id. */
  async recover(records: LogRecord[]): Promise<number> {
    let nextLocalId = 0
    const inferences = new Map<number, InferenceBody>()
    const settled = new Set<number>()
    const unpaid = new Set<number>()
    const attributed = new Set<number>()
    const lastIntent = new Map<string, SettlementIntentBody>()
    const confirmed = new Set<string>()
    const toAttribute = new Map<number, Unattributed>()
    for (const r of records) {
      if (r.kind === 'inference') {
        inferences.set(r.localId, r)
        nextLocalId = Math.max(nextLocalId, r.localId + 1)
      } else if (r.kind === 'settlement-intent') lastIntent.set(r.firstSeq, r)
      else if (r.kind === 'settlement') {
        confirmed.add(r.firstSeq)
        const intent = lastIntent.get(r.firstSeq)
        intent?.localIds.forEach((id, i) => {
          settled.add(id)
          const inf = inferences.get(id)
          if (inf) toAttribute.set(id, { modelId: inf.modelId, share: BigInt(r.contributorsShares[i]), weights: inf.weights ?? [] })
        })
      } else if (r.kind === 'unpaid') r.localIds.forEach((id) => unpaid.add(id))
      else if (r.kind === 'attribution') r.localIds.forEach((id) => attributed.add(id))
    }
    for (const id of attributed) toAttribute.delete(id)
    this.o.onSettled([...toAttribute])
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
      const payerId = this.o.view.payerIds.get(inf.payer.toLowerCase())
      if (payerId === undefined) continue
      this.pending.push({ localId: id, modelId: BigInt(inf.modelId), payer: inf.payer.toLowerCase(), payerId, units: inf.units, fee: BigInt(inf.fee), cpuMicros: BigInt(inf.cpuMicros), adapterByteSeconds: BigInt(inf.adapterByteSeconds), weights: inf.weights ?? [], authorization: inf.authorization })
      this.reserve(inf.payer.toLowerCase(), BigInt(inf.fee))
    }
    // what each recovered payer was billed, before any batch is on its way
    for (const p of new Set(this.pending.map((x) => x.payer))) await this.billedTo(p, this.o.view.payerIds.get(p)!)
    if (this.pending.length) this.o.log.info({ receipts: this.pending.length }, 'unsettled receipts found in the usage log; settling them once')
    return nextLocalId
  }

  /** A batch the chain settled but the log did not confirm (the node died in between). */
  private async confirmFromChain(intent: SettlementIntentBody): Promise<void> {
    const abi = artifact('InferenceSettlement').abi
    const logs = await this.client.getLogs({ address: this.o.manifest.contracts.InferenceSettlement, fromBlock: BigInt(this.o.manifest.startBlock), toBlock: 'latest' })
    for (const l of logs) {
      let ev: { eventName: string; args: Record<string, unknown> }
      try {
        ev = decodeEventLog({ abi, data: l.data, topics: l.topics }) as never
      } catch {
        continue
      }
      if (ev.eventName === 'BatchSettled' && Number(ev.args.operatorId) === this.o.operatorId && String(ev.args.firstSeq) === intent.firstSeq) {
        const receipt = await this.client.getTransactionReceipt({ hash: l.transactionHash! })
        await this.recordSettlement(intent, receipt)
        return
      }
    }
    throw new Error(`settlement of sequence ${intent.firstSeq} is on chain but its BatchSettled event was not found`)
  }

  /**
   * Settles pending receipts (serialized). 'full': full batches only, while there are some (a
   * batch filled up); 'due': everything answered so far, in batches (the batch timer, stop,
   * tests). Each kind is queued at most once, so a burst of requests queues one settlement
   * run, not one per request.
   */
  settle(kind: 'full' | 'due'): Promise<void> {
    if (this.queued.has(kind)) return this.settling
    this.queued.add(kind)
    const run = this.settling.then(async () => {
      this.queued.delete(kind)
      const upTo = this.o.nextLocalId()
      for (;;) {
        if (!this.pending.length || this.stopped) return
        if (kind === 'full' ? this.pending.length < this.o.batchSize : this.pending[0].localId >= upTo) return
        await this.settleBatch(this.batchOf(this.pending.slice(0, this.o.batchSize)))
      }
    })
    this.settling = run.catch((e: Error) => this.o.log.error({ err: e.message }, 'settlement failed; will retry'))
    return this.settling
  }

  /**
   * The longest prefix the chain accepts as one batch: a batch carries each payer's latest
   * authorisation, and a receipt at a model's previous (grace) price needs that authorisation to
   * predate the price change, so the batch ends before a payer's first authorisation signed
   * after a change its earlier grace-price receipts depend on.
   */
  private batchOf(candidates: Pending[]): Pending[] {
    const graceUntil = new Map<string, number>() // payer -> the earliest price change its grace receipts need an authorisation before
    for (let i = 0; i < candidates.length; i++) {
      const p = candidates[i]
      const limit = graceUntil.get(p.payer)
      if (i > 0 && limit !== undefined && p.authorization.recentBlock >= limit) return candidates.slice(0, i)
      const m = this.o.view.models.get(String(p.modelId))
      if (m && m.priceChangedAtBlock > 0 && p.fee !== BigInt(p.units) * m.price) graceUntil.set(p.payer, Math.min(limit ?? Infinity, m.priceChangedAtBlock))
    }
    return candidates
  }

  private async settleBatch(batch: Pending[]): Promise<void> {
    const usage = this.o.usage
    const intent = await usage.append({ kind: 'settlement-intent', firstSeq: String(this.nextSeq), localIds: batch.map((p) => p.localId), usageLogHead: usage.head })
    const b = buildBatch(batch.map((p) => ({ modelId: p.modelId, payerId: p.payerId, units: p.units, fee: p.fee, cpuMicros: p.cpuMicros, adapterByteSeconds: p.adapterByteSeconds, authorization: p.authorization })))
    let hash: Hex
    let sentAt: number
    try {
      // the typed binding: the same bytes as viem's encodeFunctionData at two thirds of its CPU
      const data = SettlementAbi.functions.settleBatch.encode({
        firstSeq: this.nextSeq,
        usageLogHead: intent.usageLogHead,
        modelIds: b.modelIds,
        payerIds: b.payerIds,
        receipts: b.packed,
        cpuMicros: b.cpuMicros,
        adapterByteSeconds: b.adapterByteSeconds,
        authorizations: b.authorizations,
      }) as Hex
      sentAt = Date.now()
      hash = await this.send(data, 200_000n + 20_000n * BigInt(batch.length) + 40_000n * BigInt(b.payerIds.length))
    } catch (e) {
      return this.rejected(batch, e)
    }
    const receipt = await waitForRpcReceipt(this.rpc, hash, 'settlement')
    if (receipt.status !== 'success') return this.rejected(batch, new Error(`settlement tx ${hash} reverted`))
    this.o.hooks.afterSettlementTx?.()
    await this.recordSettlement(intent, receipt, sentAt)
  }

  /**
   * Sends a transaction of the operator to the settlement contract: its nonce and fees in one
   * batched round trip (the fees viem's wallet would set: the latest base fee × 1.2 plus the
   * node's priority fee), signed with the native secp256k1 binding, sent raw. What viem's
   * writeContract did with a round trip per field and a pure-JS signature, at a fraction of the
   * node's CPU per batch.
   */
  private async send(data: Hex, gas: bigint): Promise<Hex> {
    const [nonce, block, tip] = await this.rpc.batch([
      { method: 'eth_getTransactionCount', params: [this.o.operator.address, 'pending'] },
      { method: 'eth_getBlockByNumber', params: ['latest', false] },
      { method: 'eth_maxPriorityFeePerGas' },
    ])
    const baseFee = BigInt((block as { baseFeePerGas?: Hex | null }).baseFeePerGas ?? '0x0')
    const maxPriorityFeePerGas = BigInt(tip as Hex)
    const tx: TransactionSerializableEIP1559 = {
      type: 'eip1559',
      chainId: this.o.manifest.chainId,
      nonce: Number(BigInt(nonce as Hex)),
      to: this.o.manifest.contracts.InferenceSettlement,
      data,
      gas,
      maxPriorityFeePerGas,
      maxFeePerGas: (baseFee * 12n) / 10n + maxPriorityFeePerGas,
    }
    const unsigned = serializeTransaction(tx)
    const sig = this.o.operator.signHash(('0x' + keccakBytes(Buffer.from(unsigned.slice(2), 'hex')).toString('hex')) as Hex)
    const signed = serializeTransaction(tx, { r: `0x${sig.slice(2, 66)}`, s: `0x${sig.slice(66, 130)}`, yParity: parseInt(sig.slice(130), 16) - 27 })
    return this.rpc.call<Hex>('eth_sendRawTransaction', [signed])
  }

  /** `sentAt`: when the batch's transaction was sent (a balance read before it does not include the batch's charges) */
  private async recordSettlement(intent: SettlementIntentBody, receipt: Omit<MinedReceipt, 'status'>, sentAt?: number): Promise<void> {
    // the indexer's typed bindings decode the receipt (one decode path, and several times faster than a generic ABI decoder)
    const shares: string[] = []
    let policyVersion = 0
    const at = this.o.manifest.contracts.InferenceSettlement.toLowerCase()
    for (const l of receipt.logs) {
      if (l.address.toLowerCase() !== at) continue
      if (l.topics[0] === SettlementAbi.events.InferenceSettled.topic) shares.push(String(SettlementAbi.events.InferenceSettled.decode(l).contributorsShare))
      else if (l.topics[0] === SettlementAbi.events.BatchSettled.topic) policyVersion = SettlementAbi.events.BatchSettled.decode(l).policyVersion
    }
    await this.o.usage.append({
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
      this.release(p.payer, p.fee)
      // the escrow paid the fee: a balance read before the transaction was sent follows it (no round
      // trip per batch; it is re-read within a second as any balance); one read later is read again
      const c = this.balances.get(p.payer)
      if (c && sentAt !== undefined && c.at < sentAt) c.balance -= p.fee
      else this.balances.delete(p.payer)
    }
    this.o.onSettled(done.map((p, i) => [p.localId, { modelId: String(p.modelId), share: BigInt(shares[i] ?? 0), weights: p.weights }]))
    this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => !ids.has(p.localId)))
    this.nextSeq = BigInt(intent.firstSeq) + BigInt(intent.localIds.length)
    this.o.stats.settledBatches++
    this.o.stats.settledReceipts += intent.localIds.length
    this.o.stats.gasUsed += receipt.gasUsed
  }

  /** A batch the contract refused: the offending receipts are logged unpaid, the rest retried. */
  private async rejected(batch: Pending[], e: unknown): Promise<void> {
    // the revert data: on the RPC's error (the kept-alive client's RpcError) or somewhere in a viem error's causes
    const hasData = (x: unknown) => typeof (x as { data?: unknown } | undefined)?.data === 'string'
    const data = (hasData(e) ? e : (e as { walk?: (f: (x: unknown) => boolean) => unknown }).walk?.(hasData)) as { data?: Hex } | undefined
    let reason = (e as Error).message.split('\n')[0]
    let drop: Pending[] = []
    try {
      const err = decodeErrorResult({ abi: artifact('InferenceSettlement').abi, data: data?.data ?? '0x' })
      reason = `${err.errorName}(${(err.args ?? []).map(String).join(', ')})`
      // a payer's receipts the chain will not charge it: short escrow, or an authorisation it refuses
      const byPayer = ['InsufficientEscrow', 'UnauthorizedCharge', 'AuthorizationExpired', 'ChargeExceedsAuthorization']
      if (byPayer.includes(err.errorName)) drop = batch.filter((p) => p.payerId === Number(err.args?.[0]))
      else if (err.errorName === 'FeeMismatch' || err.errorName === 'BadReceipt' || err.errorName === 'GracePriceNotAuthorized') drop = [batch[Number(err.args?.[0])]]
      else if (err.errorName === 'SequenceMismatch') this.nextSeq = BigInt(err.args?.[0] as bigint)
    } catch {
      // not a contract error (RPC trouble): retry the whole batch later
    }
    if (drop.length) {
      await this.o.usage.append({ kind: 'unpaid', localIds: drop.map((p) => p.localId), reason })
      const ids = new Set(drop.map((p) => p.localId))
      for (const p of drop) this.cancel(p.payer, p.fee)
      this.pending.splice(0, this.pending.length, ...this.pending.filter((p) => !ids.has(p.localId)))
    }
    throw new Error(`settlement refused: ${reason}`)
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.settling.catch(() => {})
    this.rpc.close()
  }
}
