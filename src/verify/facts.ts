// What a verification reads from the chain, as facts in chain order. Two sources deliver them:
// the chain itself (eth_getLogs, chain-source.ts) and the indexed record (index-source.ts). The
// replay (replay.ts) consumes either the same way, one batch of facts at a time, so no source
// has to hold the whole history.
import type { EpochPayouts, IndexedInference, PolicyVersion } from './index-reader'

export type { IndexedInference, PolicyVersion }

/** A position in the chain: block, then log index (null: the source does not know it). */
export interface ChainPosition {
  blockNumber: number
  logIndex: number | null
}

export interface PriceFact extends ChainPosition {
  kind: 'price'
  modelId: string
  price: bigint
  /** block time, ms */
  time: number
}

export interface EpochFact extends ChainPosition, EpochPayouts {
  kind: 'epoch'
  time: number
}

export interface BatchFact extends ChainPosition {
  kind: 'batch'
  operatorId: number
  firstSeq: bigint
  count: number
  usageLogHead: string
  txHash: string
}

export type Fact =
  | ({ kind: 'policy' } & PolicyVersion)
  | PriceFact
  | { kind: 'adapter'; modelId: string; version: number; adapterHash: string; blockNumber: number }
  | { kind: 'model'; modelId: string; datanets: string[]; blockNumber: number }
  | { kind: 'contribution'; id: string; datanetId: string; contributor: string; contentHash: string; blockNumber: number }
  | ({ kind: 'receipt' } & IndexedInference)
  | BatchFact
  | EpochFact

export interface FactQuery {
  /** the operators whose logs are verified: their receipts and batches are needed */
  operatorIds: number[]
  /** contributions are needed only to re-derive attribution weights */
  contributions: boolean
}

export interface FactSource {
  readonly name: 'chain' | 'index'
  /**
   * true: every receipt of every operator is delivered (the chain), so each epoch's pool can be
   * reconciled with the contributors' shares settled since the model's previous epoch.
   */
  readonly everyReceipt: boolean
  /**
   * true: the first answer is every fact at once (the index), held whole anyway, so the logs may be
   * read ahead a bounded number of records while it is prepared. Otherwise (the chain, streamed in
   * ranges) a log is read only as far as the first receipts need, so what is held follows the
   * settlement window however long the first answer takes.
   */
  readonly wholeAnswer?: boolean
  /** registered operators: lowercase account -> operator id */
  operators(): Promise<Map<string, number>>
  /** every fact in chain order, in batches */
  facts(q: FactQuery): AsyncIterable<Fact[]>
  close(): Promise<void>
}

/** Chain order of two positions; an unknown log index sorts after the known ones of its block. */
export function comparePositions(a: ChainPosition, b: ChainPosition): number {
  return a.blockNumber - b.blockNumber || (a.logIndex ?? Number.MAX_SAFE_INTEGER) - (b.logIndex ?? Number.MAX_SAFE_INTEGER)
}
