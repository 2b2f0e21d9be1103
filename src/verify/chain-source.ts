// Verification straight from the chain: the facts a replay needs, read with eth_getLogs in block
// ranges and decoded by the indexer's decoder (src/processor/decode.ts, the squid-evm-typegen
// bindings), so a validator needs neither our indexer nor our database. Ranges adapt to the
// number of logs an answer carries and the next range is fetched while one is decoded; nothing
// but the current range is held.
import type { ContractName } from '../chain/artifacts'
import { JsonRpc } from '../chain/rpc'
import { CONTRACT_EVENTS, EventDecoder, type ProtocolEvent } from '../processor/decode'
import { RpcError } from '../util/errors'
import type { EpochFact, Fact, FactQuery, FactSource } from './facts'

export interface RpcLog {
  address: string
  topics: string[]
  data: string
  blockNumber: string
  logIndex: string
  transactionHash: string
  /** not every RPC sends it; anvil and recent geth/reth do */
  blockTimestamp?: string
}

export interface ChainTarget {
  rpcUrl: string
  contracts: Record<ContractName, string>
  startBlock: number
  /** last block to read (default: the head when the run starts) */
  toBlock?: number
  rpcTimeoutMs?: number
}

type EventRef = { [C in keyof typeof CONTRACT_EVENTS]: [C, keyof (typeof CONTRACT_EVENTS)[C] & string] }[keyof typeof CONTRACT_EVENTS]

/** The events a replay reads (contributions only when weights are re-derived). */
export function verifyEvents(contributions: boolean): EventRef[] {
  return [
    ['FeePolicy', 'FeePolicySet'],
    ['ModelRegistry', 'ModelRegistered'],
    ['ModelRegistry', 'ModelPriceChanged'],
    ['ModelRegistry', 'AdapterUpdated'],
    ...(contributions ? ([['DatanetRegistry', 'ContributionRecorded']] as EventRef[]) : []),
    ['InferenceSettlement', 'InferenceSettled'],
    ['InferenceSettlement', 'BatchSettled'],
    ['AttributionSettlement', 'AttributionPaid'],
    ['AttributionSettlement', 'EpochClosed'],
  ]
}

const topicOf = ([c, e]: EventRef): string => (CONTRACT_EVENTS[c] as Record<string, { topic: string }>)[e].topic

const MIN_LOGS = 1_000
const MAX_LOGS = 5_000

/**
 * eth_getLogs over [from, to] for the given events, range by range, in chain order. The range
 * grows while answers are small and shrinks when they are large or refused as too large.
 */
export async function* scanLogs(rpc: JsonRpc, t: { contracts: Record<ContractName, string>; events: EventRef[]; from: number; to: number }): AsyncGenerator<RpcLog[]> {
  const address = [...new Set(t.events.map(([c]) => t.contracts[c].toLowerCase()))]
  const topics = [[...new Set(t.events.map(topicOf))]]
  let span = 64
  const get = (from: number, to: number) => {
    const logs = rpc.call<RpcLog[]>('eth_getLogs', [{ address, topics, fromBlock: '0x' + from.toString(16), toBlock: '0x' + to.toString(16) }])
    logs.catch(() => {}) // a prefetch nobody awaits (the reader stopped) must not become an unhandled rejection
    return logs
  }
  let from = t.from
  let next: { from: number; to: number; logs: Promise<RpcLog[]> } | undefined
  while (from <= t.to) {
    const to = Math.min(t.to, from + span - 1)
    const current = next && next.from === from && next.to === to ? next : { from, to, logs: get(from, to) }
    next = undefined
    let logs: RpcLog[]
    try {
      logs = await current.logs
    } catch (e) {
      if (e instanceof RpcError && span > 1 && /too many|limit|exceed|size|range/i.test(e.message)) {
        span = Math.max(1, span >> 1)
        continue
      }
      throw e
    }
    if (logs.length < MIN_LOGS) span = Math.min(span * 2, 100_000)
    else if (logs.length > MAX_LOGS) span = Math.max(1, span >> 1)
    from = to + 1
    if (from <= t.to) {
      const nextTo = Math.min(t.to, from + span - 1)
      next = { from, to: nextTo, logs: get(from, nextTo) }
    }
    await fillTimestamps(rpc, logs)
    yield logs
  }
}

/** Block times for an RPC whose logs lack blockTimestamp: one batched header request per range. */
async function fillTimestamps(rpc: JsonRpc, logs: RpcLog[]): Promise<void> {
  const missing = [...new Set(logs.filter((l) => l.blockTimestamp === undefined).map((l) => l.blockNumber))]
  if (!missing.length) return
  const blocks = await rpc.batch<{ timestamp: string } | null>(missing.map((b) => ({ method: 'eth_getBlockByNumber', params: [b, false] })))
  const time = new Map(missing.map((b, i) => [b, blocks[i]?.timestamp]))
  for (const l of logs) l.blockTimestamp ??= time.get(l.blockNumber)
}

export class ChainSource implements FactSource {
  readonly name = 'chain' as const
  readonly everyReceipt = true
  private readonly rpc: JsonRpc
  private readonly decoder: EventDecoder
  private head: number | undefined

  constructor(private readonly t: ChainTarget) {
    this.rpc = new JsonRpc(t.rpcUrl, t.rpcTimeoutMs ?? 120_000)
    this.decoder = new EventDecoder(t.contracts)
  }

  /** The last block read: --to-block, or the head when the run started (asked once). */
  async toBlock(): Promise<number> {
    this.head ??= this.t.toBlock ?? Number(BigInt(await this.rpc.call<string>('eth_blockNumber')))
    return this.head
  }

  async operators(): Promise<Map<string, number>> {
    const out = new Map<string, number>()
    const to = await this.toBlock()
    for await (const logs of scanLogs(this.rpc, { contracts: this.t.contracts, events: [['InferenceSettlement', 'OperatorRegistered']], from: this.t.startBlock, to })) {
      for (const l of logs) {
        const d = this.decoder.decode(l)
        if (d.ok && d.event.key === 'InferenceSettlement.OperatorRegistered') out.set(d.event.args.account.toLowerCase(), d.event.args.operatorId)
      }
    }
    return out
  }

  async *facts(q: FactQuery): AsyncGenerator<Fact[]> {
    const to = await this.toBlock()
    for await (const logs of scanLogs(this.rpc, { contracts: this.t.contracts, events: verifyEvents(q.contributions), from: this.t.startBlock, to })) {
      yield this.toFacts(logs)
    }
  }

  /** Decoded logs of one range as facts; a transaction's receipts wait for its BatchSettled (their policy version). */
  private toFacts(logs: RpcLog[]): Fact[] {
    const out: Fact[] = []
    let receipts: Extract<Fact, { kind: 'receipt' }>[] = []
    let payouts: EpochFact['payouts'] = []
    for (const l of logs) {
      const d = this.decoder.decode(l)
      if (!d.ok) continue // a log that is not a protocol event of ours (the source asked by topic, so rare)
      const blockNumber = Number(BigInt(l.blockNumber))
      const logIndex = Number(BigInt(l.logIndex))
      const time = Number(BigInt(l.blockTimestamp ?? '0')) * 1000
      const ev: ProtocolEvent = d.event
      switch (ev.key) {
        case 'FeePolicy.FeePolicySet': {
          const a = ev.args
          out.push({ kind: 'policy', version: a.version, creatorBps: a.creatorBps, contributorsBps: a.contributorsBps, infraBps: a.infraBps, treasuryBps: a.treasuryBps, burnBps: a.burnBps, blockNumber, logIndex, activeUntilBlock: null })
          break
        }
        case 'ModelRegistry.ModelRegistered': {
          const a = ev.args
          const modelId = String(a.modelId)
          out.push({ kind: 'model', modelId, datanets: a.datanetIds.map(String), blockNumber })
          out.push({ kind: 'price', modelId, price: a.pricePerUnit, blockNumber, logIndex, time })
          out.push({ kind: 'adapter', modelId, version: 1, adapterHash: a.adapterHash, blockNumber })
          break
        }
        case 'ModelRegistry.ModelPriceChanged':
          out.push({ kind: 'price', modelId: String(ev.args.modelId), price: ev.args.newPrice, blockNumber, logIndex, time })
          break
        case 'ModelRegistry.AdapterUpdated':
          out.push({ kind: 'adapter', modelId: String(ev.args.modelId), version: ev.args.version, adapterHash: ev.args.adapterHash, blockNumber })
          break
        case 'DatanetRegistry.ContributionRecorded': {
          const a = ev.args
          out.push({ kind: 'contribution', id: String(a.contributionId), datanetId: String(a.datanetId), contributor: a.contributor.toLowerCase(), contentHash: a.contentHash, blockNumber })
          break
        }
        case 'InferenceSettlement.InferenceSettled': {
          const a = ev.args
          receipts.push({
            kind: 'receipt',
            requestId: a.requestId,
            seq: a.requestId & 0xffff_ffff_ffff_ffffn,
            modelId: String(a.modelId),
            payer: a.payer.toLowerCase(),
            units: a.units,
            fee: a.fee,
            creatorShare: a.creatorShare,
            contributorsShare: a.contributorsShare,
            infraShare: a.infraShare,
            treasuryShare: a.treasuryShare,
            burnShare: a.burnShare,
            policyVersion: 0,
            blockNumber,
            logIndex,
            timestamp: new Date(time),
            txHash: l.transactionHash,
          })
          break
        }
        case 'InferenceSettlement.BatchSettled': {
          const a = ev.args
          for (const r of receipts) if (r.txHash === l.transactionHash) r.policyVersion = a.policyVersion
          out.push(...receipts)
          receipts = []
          out.push({ kind: 'batch', operatorId: a.operatorId, firstSeq: a.firstSeq, count: a.count, usageLogHead: a.usageLogHead, txHash: l.transactionHash, blockNumber, logIndex })
          break
        }
        case 'AttributionSettlement.AttributionPaid': {
          const a = ev.args
          payouts.push({ datanetId: String(a.datanetId), contributor: a.contributor.toLowerCase(), weight: a.weight, amount: a.amount })
          break
        }
        case 'AttributionSettlement.EpochClosed': {
          const a = ev.args
          out.push({ kind: 'epoch', modelId: String(a.modelId), epoch: a.epoch, pool: a.pool, txHash: l.transactionHash, blockNumber, logIndex, time, payouts })
          payouts = []
          break
        }
      }
    }
    out.push(...receipts) // a batch without its BatchSettled cannot happen on a sound chain; keep them visible
    return out
  }

  async close(): Promise<void> {}
}
