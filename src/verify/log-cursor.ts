// One operator's usage log as the replay reads it: in step with the chain, never whole. A record
// is read when the chain reaches the block its settlement or attribution record names, and kept
// only while the chain may still need it: an inference until its receipt is settled on chain (then
// only its weights and contributors' share, until the epoch that pays it out), an intent until
// its batch. What every record must be checked against later is kept compactly: which local ids
// were settled under which sequence numbers (runs of consecutive ids, one run for an in-order log).
import type { Hex } from 'viem'
import type { AttributionBody, InferenceBody, LogRecord, WeightTuple } from '../inference/usage-log'
import { requestId as makeRequestId } from '../protocol/receipts'
import { LogStream } from './log-stream'
import { countInputTokens } from './tokens'

/** an inference record as held: its weights apart (OpenInference.weights) */
export type Inference = Omit<LogRecord & InferenceBody, 'weights'>
/** an answer's attribution weights: parsed, or the text the log holds (weightsOf parses it) */
export type Weights = WeightTuple[] | null | string

export function weightsOf(w: Weights): WeightTuple[] | null {
  return typeof w === 'string' ? (JSON.parse(w) as WeightTuple[] | null) : w
}

/**
 * What a replay that does not re-run the model reads of an inference record: its metering, charge
 * and authorisation. Held instead of the whole record (hashes, signature, input) while the record
 * waits for its receipt, so a replay promotes a fraction of the bytes to the old generation.
 */
export type MeteredInference = Pick<Inference, 'kind' | 'n' | 'localId' | 'at' | 'modelId' | 'payer' | 'units' | 'price' | 'fee' | 'label' | 'authorization'> & { input?: undefined }

export interface OpenInference {
  /** the whole record when the replay keeps inputs (to re-run them); else its metered part (then `tokens` holds its input's metering) */
  rec: Inference | MeteredInference
  line: number
  /** the highest block of a settlement or attribution record before it (-1: none) */
  anchorBefore: number
  weights: Weights
  /** the input's tokens, counted when the record was read (undefined: the log withholds the input, or the record keeps it) */
  tokens?: number
}

export interface LoggedAttribution {
  record: LogRecord & AttributionBody
  line: number
}

/** A problem the log shows by itself (kept apart from the chain checks' discrepancies). */
export interface LogFinding {
  class: 'broken-chain' | 'double-settlement'
  line: number
  n: number
  localId?: number
  requestId?: string
  txHash?: string
  expected?: string
  actual?: string
  detail: string
}

/** local id -> sequence number it was settled under, as runs of consecutive ids and sequence numbers */
export class SettledRuns {
  private readonly starts: number[] = []
  private readonly seqs: bigint[] = []
  private readonly lens: number[] = []

  get runs(): number {
    return this.starts.length
  }

  /** index of the last run starting at or before `id` (-1: none) */
  private find(id: number): number {
    let lo = 0
    let hi = this.starts.length - 1
    let at = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (this.starts[mid] <= id) {
        at = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return at
  }

  get(id: number): bigint | undefined {
    const i = this.find(id)
    return i >= 0 && id < this.starts[i] + this.lens[i] ? this.seqs[i] + BigInt(id - this.starts[i]) : undefined
  }

  /** records `id` as settled under `seq` (the caller checked it was not) */
  add(id: number, seq: bigint): void {
    const i = this.find(id)
    if (i >= 0 && this.starts[i] + this.lens[i] === id && this.seqs[i] + BigInt(this.lens[i]) === seq && (i + 1 >= this.starts.length || this.starts[i + 1] > id)) {
      this.lens[i]++
      return
    }
    this.starts.splice(i + 1, 0, id)
    this.seqs.splice(i + 1, 0, seq)
    this.lens.splice(i + 1, 0, 1)
  }
}

/** a list of local ids as [first, count] pairs of consecutive ids (an intent's ids are usually one pair) */
function toRuns(ids: number[]): number[] {
  const out: number[] = []
  for (const id of ids) {
    const n = out.length
    if (n && out[n - 2] + out[n - 1] === id) out[n - 1]++
    else out.push(id, 1)
  }
  return out
}

function fromRuns(runs: number[]): number[] {
  const out: number[] = []
  for (let i = 0; i < runs.length; i += 2) for (let k = 0; k < runs[i + 1]; k++) out.push(runs[i] + k)
  return out
}

export class LogCursor {
  readonly stream: LogStream
  /** the highest block a settlement or attribution record read so far names */
  anchor = -1
  /** inference records read and not yet settled on chain, by local id */
  readonly open = new Map<number, OpenInference>()
  /** an earlier record of a local id the log repeats (checked at the end) */
  readonly repeated: OpenInference[] = []
  /** settled on chain, not yet paid out by an epoch: the answer's weights and the contributors' share */
  readonly awaiting = new Map<number, { weights: Weights; share: bigint }>()
  /** request id -> local id, from the log's settlement records, until its receipt is seen on chain */
  readonly localOf = new Map<bigint, number>()
  /** request ids the log settles a second time */
  readonly doubles = new Set<bigint>()
  readonly settled = new SettledRuns()
  /** per firstSeq: the local ids of its last intent (a refused batch is retried under a new intent) */
  private readonly lastIntent = new Map<string, number[]>()
  /** per firstSeq: the log's head before each of its intents, until the chain's batch is checked */
  readonly intents = new Map<string, { head: Hex; line: number; n: number }[]>()
  readonly unpaid = new Set<number>()
  /** per payer: what the chain has charged the payer for this operator so far */
  readonly charged = new Map<string, bigint>()

  constructor(
    file: string,
    readonly operatorId: number | null,
    readonly account: string | null,
    private readonly onAttribution: (a: LoggedAttribution) => void,
    private readonly onFinding: (f: LogFinding) => void,
    /** false (no model re-run): an input is metered when read and not held until its receipt (no kilobyte strings promoted to the old generation) */
    private readonly keepInputs = true,
  ) {
    this.stream = new LogStream(file, account ?? undefined)
  }

  /** inference records and settlement residue held now (what the boundedness check counts) */
  get retained(): number {
    return this.open.size + this.repeated.length + this.awaiting.size
  }

  /** Reads on until a record names a block after `block` (or the log ends). */
  advance(block: number): void {
    while (this.anchor <= block && this.readOne()) {
      // reading
    }
  }

  /** Reads up to `records` more records; false once the log is read to its end. */
  readAhead(records: number): boolean {
    for (let i = 0; i < records; i++) if (!this.readOne()) return false
    return true
  }

  /**
   * Reads up to `records` more records, and no further than its first settlement or attribution
   * record (what the chain's first receipts need anyway); true while there is more to read so.
   */
  readToFirstAnchor(records: number): boolean {
    for (let i = 0; i < records; i++) if (this.anchor >= 0 || !this.readOne()) return false
    return this.anchor < 0
  }

  /** Reads the rest of the log. */
  drain(): void {
    while (this.readOne()) {
      // reading
    }
  }

  private readOne(): boolean {
    const s = this.stream.next()
    if (!s) return false
    const { record: r, line, before } = s
    switch (r.kind) {
      case 'inference': {
        const earlier = this.open.get(r.localId)
        if (earlier) this.repeated.push(earlier)
        const entry: OpenInference = { rec: r, line, anchorBefore: this.anchor, weights: s.weights ?? r.weights }
        if (!this.keepInputs) {
          if (r.input !== undefined) entry.tokens = countInputTokens(r.input)
          entry.rec = { kind: r.kind, n: r.n, localId: r.localId, at: r.at, modelId: r.modelId, payer: r.payer, units: r.units, price: r.price, fee: r.fee, label: r.label, authorization: r.authorization }
        }
        this.open.set(r.localId, entry)
        break
      }
      case 'settlement-intent': {
        this.lastIntent.set(r.firstSeq, toRuns(r.localIds))
        const list = this.intents.get(r.firstSeq)
        if (list) list.push({ head: before, line, n: r.n })
        else this.intents.set(r.firstSeq, [{ head: before, line, n: r.n }])
        break
      }
      case 'unpaid':
        r.localIds.forEach((x) => this.unpaid.add(x))
        break
      case 'attribution':
        this.anchor = Math.max(this.anchor, r.blockNumber)
        this.onAttribution({ record: r, line })
        break
      case 'settlement': {
        this.anchor = Math.max(this.anchor, r.blockNumber)
        const runs = this.lastIntent.get(r.firstSeq)
        if (!runs) {
          this.onFinding({ class: 'broken-chain', line, n: r.n, txHash: r.txHash, detail: `settlement of sequence ${r.firstSeq} has no intent record` })
          break
        }
        if (this.operatorId === null) break
        const id = this.operatorId
        fromRuns(runs).forEach((localId, k) => {
          const rid = makeRequestId(id, BigInt(r.firstSeq) + BigInt(k))
          const seq = this.settled.get(localId)
          if (seq !== undefined) {
            const before = makeRequestId(id, seq)
            this.onFinding({
              class: 'double-settlement',
              line,
              n: r.n,
              localId,
              requestId: String(rid),
              txHash: r.txHash,
              expected: String(before),
              actual: String(rid),
              detail: `request ${localId} was settled twice: as ${before} and again as ${rid}`,
            })
            this.doubles.add(rid)
          } else {
            this.settled.add(localId, BigInt(r.firstSeq) + BigInt(k))
            this.localOf.set(rid, localId)
          }
        })
        break
      }
    }
    return true
  }
}
