// The workload operators' usage logs: the reference node's format and hash chain
// (src/inference/usage-log.ts), signed with each operator's key, kept in the content store
// (src/content/usage-logs.ts). Each settled batch commits the real head of its operator's log on
// chain, so `upkeep verify --network-history` can check the whole history from the chain.
//
// What differs from the node's log, and why: the workload's traffic is synthetic. No model answers
// it, so an inference record's answer and weights are null, and its input is kept out of the log
// (inputHash commits to the corpus text it stands for). Its payers sign one authorisation per batch
// (docs/VERIFY.md), so a request's record is written when its batch is cut, carrying the
// authorisation of that batch; its `at` is still the time it was served. The epochs paying the
// workload's receipts are posted by the attributor with synthetic weights; each operator whose
// receipts an epoch paid out records it (the weights paid, the pool, its own answers).
import fs from 'node:fs'
import type { Address, Hex } from 'viem'
import * as SettlementAbi from '../abi/InferenceSettlement'
import * as AttributionAbi from '../abi/AttributionSettlement'
import { keyHandle } from '../chain/keys'
import { usageLogDir, usageLogFile } from '../content/usage-logs'
import { UsageLog, type WeightTuple } from '../inference/usage-log'
import type { SignedCharge } from '../protocol/charge-auth'
import { syntheticServingCost } from '../protocol/receipts'
import type { Receipt } from '../devnet/driver'

export interface ServedRequest {
  /** unix seconds */
  at: number
  modelId: bigint
  adapterVersion: number
  adapterHash: Hex
  payer: Address
  inputHash: Hex
  units: number
  price: bigint
  fee: bigint
}

interface OperatorLog {
  log: UsageLog
  nextLocalId: number
  /** served, not yet in a batch */
  served: Map<number, ServedRequest>
  /** per batch (firstSeq): its localIds in receipt order, until the batch is mined */
  batches: Map<bigint, number[]>
  /** per model: localIds settled since the model's last epoch */
  unattributed: Map<string, number[]>
}

export class OperatorLogs {
  private failure: Error | undefined

  private constructor(private readonly logs: Map<number, OperatorLog>) {}

  /** Starts a fresh log per operator (a previous run's logs in this content store are replaced). */
  static async open(contentDir: string, operators: { id: number; key: Hex }[]): Promise<OperatorLogs> {
    fs.rmSync(usageLogDir(contentDir), { recursive: true, force: true })
    const logs = new Map<number, OperatorLog>()
    for (const o of operators) {
      // the workload awaits the chain often: a group commit every few ms keeps fsyncs few
      const { log } = await UsageLog.open(usageLogFile(contentDir, o.id), keyHandle(o.key), 5)
      logs.set(o.id, { log, nextLocalId: 0, served: new Map(), batches: new Map(), unattributed: new Map() })
    }
    return new OperatorLogs(logs)
  }

  private of(operatorId: number): OperatorLog {
    const l = this.logs.get(operatorId)
    if (!l) throw new Error(`operator ${operatorId} keeps no workload usage log`)
    return l
  }

  private append(l: OperatorLog, body: Parameters<UsageLog['append']>[0]): void {
    l.log.append(body).catch((e: Error) => (this.failure ??= e))
  }

  /** A request an operator served: its local id (the record is written when its batch is cut). */
  served(operatorId: number, r: ServedRequest): number {
    const l = this.of(operatorId)
    const localId = l.nextLocalId++
    l.served.set(localId, r)
    return localId
  }

  /**
   * A batch is cut: its requests' records (each with its payer's authorisation for the batch), then
   * the settlement intent. Returns the head the batch commits on chain: the hash of the record
   * before the intent, as the node commits it.
   */
  batch(operatorId: number, firstSeq: bigint, receipts: { localId: number; authorization: SignedCharge }[]): Hex {
    const l = this.of(operatorId)
    for (const { localId, authorization } of receipts) {
      const r = l.served.get(localId)
      if (!r) throw new Error(`operator ${operatorId}: request ${localId} was not served or is already in a batch`)
      l.served.delete(localId)
      const cost = syntheticServingCost(r.units)
      this.append(l, {
        kind: 'inference',
        localId,
        at: new Date(r.at * 1000).toISOString(),
        modelId: String(r.modelId),
        adapterVersion: r.adapterVersion,
        adapterHash: r.adapterHash,
        payer: r.payer.toLowerCase(),
        inputHash: r.inputHash,
        authorization,
        units: r.units,
        price: String(r.price),
        fee: String(r.fee),
        cpuMicros: String(cost.cpuMicros),
        adapterByteSeconds: String(cost.adapterByteSeconds),
        label: null,
        probs: null,
        outputHash: null,
        weights: null,
      })
    }
    const usageLogHead = l.log.head
    const localIds = receipts.map((r) => r.localId)
    this.append(l, { kind: 'settlement-intent', firstSeq: String(firstSeq), localIds, usageLogHead })
    l.batches.set(firstSeq, localIds)
    return usageLogHead
  }

  /** The batch's settlement is mined: its confirmation, with the shares the chain settled. */
  settled(operatorId: number, firstSeq: bigint, receipt: Receipt, block: { number: number }): void {
    const l = this.of(operatorId)
    const localIds = l.batches.get(firstSeq)
    if (!localIds) throw new Error(`operator ${operatorId}: no batch from sequence ${firstSeq} was cut`)
    l.batches.delete(firstSeq)
    const shares: string[] = []
    let policyVersion = 0
    const models: string[] = []
    for (const e of receipt.logs) {
      if (e.topics[0] === SettlementAbi.events.InferenceSettled.topic) {
        const ev = SettlementAbi.events.InferenceSettled.decode(e)
        shares.push(String(ev.contributorsShare))
        models.push(String(ev.modelId))
      } else if (e.topics[0] === SettlementAbi.events.BatchSettled.topic) policyVersion = SettlementAbi.events.BatchSettled.decode(e).policyVersion
    }
    if (shares.length !== localIds.length) throw new Error(`operator ${operatorId}: batch ${firstSeq} settled ${shares.length} receipts, ${localIds.length} were sent`)
    this.append(l, { kind: 'settlement', firstSeq: String(firstSeq), count: localIds.length, txHash: receipt.transactionHash, blockNumber: block.number, policyVersion, contributorsShares: shares })
    localIds.forEach((id, i) => l.unattributed.set(models[i], [...(l.unattributed.get(models[i]) ?? []), id]))
  }

  /** An epoch of a model is mined: every operator whose settled receipts it paid out records it. */
  epoch(modelId: bigint, receipt: Receipt, block: { number: number }): void {
    let closed: { epoch: bigint; pool: bigint } | undefined
    const entries: WeightTuple[] = []
    for (const e of receipt.logs) {
      if (e.topics[0] === AttributionAbi.events.EpochClosed.topic) closed = AttributionAbi.events.EpochClosed.decode(e)
      else if (e.topics[0] === AttributionAbi.events.AttributionPaid.topic) {
        const p = AttributionAbi.events.AttributionPaid.decode(e)
        entries.push([String(p.datanetId), p.contributor.toLowerCase(), p.weight])
      }
    }
    if (!closed) throw new Error(`epoch of model ${modelId}: no EpochClosed in tx ${receipt.transactionHash}`)
    const key = String(modelId)
    for (const l of this.logs.values()) {
      const localIds = l.unattributed.get(key)
      if (!localIds?.length) continue
      l.unattributed.delete(key)
      this.append(l, { kind: 'attribution', modelId: key, epoch: String(closed.epoch), localIds, entries, pool: String(closed.pool), txHash: receipt.transactionHash, blockNumber: block.number })
    }
  }

  async close(): Promise<void> {
    for (const l of this.logs.values()) await l.log.close()
    if (this.failure) throw this.failure
  }
}
