// The epoch poster: settled answers not yet attributed are grouped by model and posted as one
// attribution epoch per model (the attributor's key), each journaled in the usage log.
import { decodeEventLog, type Address, type WalletClient } from 'viem'
import type { Logger } from 'pino'
import { artifact } from '../chain/artifacts'
import type { DeploymentManifest } from '../devnet/manifest'
import { encodeSettleEpoch } from '../protocol/calls'
import { combineEpochWeights } from './attribution'
import type { ProtocolView } from './protocol-view'
import type { UsageLog } from './usage-log'
import type { NodeStats, Unattributed } from './settler'
import { waitForReceipt } from './tx-receipt'

export interface EpochPosterOptions {
  manifest: DeploymentManifest
  view: ProtocolView
  /** the attributor's wallet; none: epochs are never posted */
  wallet?: WalletClient
  usage: () => UsageLog
  stats: NodeStats
  log: Logger
}

export class EpochPoster {
  private readonly toAttribute = new Map<number, Unattributed>()
  private attributing: Promise<void> = Promise.resolve()
  private stopped = false

  constructor(private readonly o: EpochPosterOptions) {}

  /** Settled answers, in settlement order. */
  add(entries: [number, Unattributed][]): void {
    for (const [id, a] of entries) this.toAttribute.set(id, a)
  }

  /** Posts one attribution epoch per model with settled, unattributed answers. */
  attribute(): Promise<void> {
    this.attributing = this.attributing.then(() => this.attributeOnce()).catch((e: Error) => this.o.log.error({ err: e.message }, 'attribution epoch failed; will retry'))
    return this.attributing
  }

  private async attributeOnce(): Promise<void> {
    const wallet = this.o.wallet
    if (!wallet || this.stopped) return
    const client = this.o.view.client
    const byModel = new Map<string, number[]>()
    for (const [id, a] of this.toAttribute) byModel.set(a.modelId, [...(byModel.get(a.modelId) ?? []), id])
    const c = this.o.manifest.contracts
    for (const [modelId, ids] of byModel) {
      const answers = ids.map((id) => this.toAttribute.get(id)!)
      const entries = combineEpochWeights(answers.map((a) => ({ contributorsShare: a.share, weights: a.weights.map(([d, who, w]) => ({ datanetId: BigInt(d), contributor: who as Address, weight: w })) })))
      if (!entries.length) continue
      const [, pool] = (await client.readContract({ address: c.InferenceSettlement, abi: artifact('InferenceSettlement').abi, functionName: 'accruals', args: [BigInt(modelId)] })) as [bigint, bigint]
      if (pool === 0n) continue
      const epoch = (await client.readContract({ address: c.AttributionSettlement, abi: artifact('AttributionSettlement').abi, functionName: 'nextEpoch', args: [BigInt(modelId)] })) as bigint
      const hash = await wallet.sendTransaction({
        to: c.AttributionSettlement,
        data: encodeSettleEpoch(epoch, BigInt(modelId), entries),
        chain: null,
        gas: 300_000n + 80_000n * BigInt(entries.length),
      } as never)
      const receipt = await waitForReceipt(client, hash, 'attribution')
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
      await this.o.usage().append({
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
      this.o.stats.epochs++
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.attributing.catch(() => {})
  }
}
