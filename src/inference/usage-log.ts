// The node's usage log: append-only JSON lines. Every record carries its index n, the hash of
// the previous record (prev), its own hash (keccak256 of the record's JSON without hash and sig)
// and the node key's signature of that hash. Records reach the disk (fsync) in small groups
// before anything that depends on them happens: an answer is returned, a receipt is settled.
import fs from 'node:fs'
import path from 'node:path'
import type { Address, Hex } from 'viem'
import type { KeyHandle } from '../chain/keys'
import { keccakParts, keccakUtf8, recoverSigner } from '../util/hash'
import type { SignedCharge } from '../protocol/charge-auth'

export const GENESIS_PREV = ('0x' + '00'.repeat(32)) as Hex

/** [datanetId, contributor, weight] */
export type WeightTuple = [string, string, number]

export interface InferenceBody {
  kind: 'inference'
  localId: number
  at: string
  modelId: string
  adapterVersion: number
  adapterHash: Hex
  payer: string
  /** the request's input; absent when it is kept out of the shared log (the node's private-inputs option, the workload): inputHash commits to it */
  input?: string
  inputHash: Hex
  /** the payer's signed ChargeAuthorization the request came with (it covers this fee) */
  authorization: SignedCharge
  units: number
  price: string
  fee: string
  /** CPU microseconds (user + system) the node process spent while this request was inferred */
  cpuMicros: string
  /** the adapter's resident bytes × the inference's wall time in µs / 10^6, floored */
  adapterByteSeconds: string
  /**
   * The model's answer and its attribution weights. Null in the workload operators' logs: their
   * traffic is synthetic, no model answers it, and the epochs that pay it out carry the
   * attributor's synthetic weights (docs/VERIFY.md, "What it trusts").
   */
  label: string | null
  probs: string[] | null
  outputHash: Hex | null
  weights: WeightTuple[] | null
}

export interface SettlementIntentBody {
  kind: 'settlement-intent'
  firstSeq: string
  localIds: number[]
  usageLogHead: Hex
}

export interface SettlementBody {
  kind: 'settlement'
  firstSeq: string
  count: number
  txHash: Hex
  blockNumber: number
  policyVersion: number
  /** contributors' share of each receipt, as settled on chain, in batch order */
  contributorsShares: string[]
}

export interface UnpaidBody {
  kind: 'unpaid'
  localIds: number[]
  reason: string
}

export interface AttributionBody {
  kind: 'attribution'
  modelId: string
  epoch: string
  localIds: number[]
  entries: WeightTuple[]
  pool: string
  txHash: Hex
  blockNumber: number
}

export type RecordBody = InferenceBody | SettlementIntentBody | SettlementBody | UnpaidBody | AttributionBody
export type LogRecord = RecordBody & { v: 1; n: number; prev: Hex; hash: Hex; sig: Hex }

export function recordHash(body: object): Hex {
  return keccakUtf8(JSON.stringify(body))
}

/**
 * The hash of a record's content. A line as the node writes it is the JSON of the hashed body with
 * `"hash"` and `"sig"` appended, so hashing the line's own text up to them is the same hash without
 * serializing the record again; a line in any other form is hashed the slow way, from its parsed body.
 */
export function contentHash(bytes: Buffer, start: number, end: number, r: LogRecord): Hex {
  const suffix = `,"hash":"${r.hash}","sig":"${r.sig}"}`
  if (end - start > suffix.length && bytes.toString('latin1', end - suffix.length, end) === suffix) {
    const fast = keccakParts(bytes.subarray(start, end - suffix.length), CLOSE)
    if (fast === r.hash) return fast
  }
  const { hash: _h, sig: _s, ...body } = r
  void _h
  void _s
  return recordHash(body)
}
const CLOSE = Buffer.from('}')

export interface LogProblem {
  n: number
  line: number
  kind: 'malformed' | 'broken-chain' | 'bad-signature'
  detail: string
}

/**
 * How signatures are checked: 'every' record's (the node, before it appends), or 'cover': each
 * intact stretch of the hash chain is covered by the signature of its last record (a signed hash
 * commits to every record before it), and only where that signature fails is the stretch
 * searched for its first record the node did not sign. Both find a log altered without the key.
 */
export type SignatureCheck = 'every' | 'cover'

/** Reads a log (a file, or its bytes) and checks every record's hash, chain link and (optionally) signer. */
export async function readLog(file: string | Buffer, signer?: Address, signatures: SignatureCheck = 'every'): Promise<{ records: LogRecord[]; problems: LogProblem[]; lines: number[] }> {
  const records: LogRecord[] = []
  const problems: LogProblem[] = []
  const lines: number[] = []
  if (typeof file === 'string' && !fs.existsSync(file)) return { records, problems, lines }
  const bytes = typeof file === 'string' ? fs.readFileSync(file) : file
  let prev: Hex = GENESIS_PREV
  let expectN = 0
  /** start of the current intact stretch (index into records) */
  let stretch = 0
  const want = signer?.toLowerCase()
  const sigProblem = (r: LogRecord, line: number): LogProblem | undefined => {
    const who = recoverSigner(r.hash, r.sig)
    if (who === null) return { n: r.n, line, kind: 'bad-signature', detail: `record ${r.n} has an invalid signature` }
    if (who !== want) return { n: r.n, line, kind: 'bad-signature', detail: `record ${r.n} is signed by ${who}, not the node ${want}` }
    return undefined
  }
  const closeStretch = (end: number) => {
    // records[stretch..end) are linked; the last one's signature covers them all
    if (!want || end <= stretch) return
    if (!sigProblem(records[end - 1], lines[end - 1])) return
    let lo = stretch
    let hi = end - 1 // first unsigned record is in [lo, hi]
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sigProblem(records[mid], lines[mid])) hi = mid
      else lo = mid + 1
    }
    const first = sigProblem(records[lo], lines[lo])!
    problems.push({ ...first, detail: `${first.detail}; records ${records[lo].n}..${records[end - 1].n} are not covered by the node's signature` })
  }
  for (let i = 0, start = 0; start < bytes.length; i++) {
    let end = bytes.indexOf(10, start)
    if (end < 0) end = bytes.length
    const from = start
    start = end + 1
    if (end === from) continue
    const line = bytes.toString('utf8', from, end)
    let r: LogRecord
    try {
      r = JSON.parse(line)
      if (typeof r !== 'object' || r === null || typeof r.hash !== 'string' || typeof r.sig !== 'string') throw new Error('missing hash or sig')
    } catch (e) {
      problems.push({ n: expectN, line: i + 1, kind: 'malformed', detail: `line ${i + 1} is not a log record: ${(e as Error).message}` })
      if (signatures === 'cover') {
        closeStretch(records.length)
        stretch = records.length
      }
      continue
    }
    const { hash } = r
    const actual = contentHash(bytes, from, end, r)
    let linked = true
    if (actual !== hash) {
      problems.push({ n: r.n, line: i + 1, kind: 'broken-chain', detail: `record ${r.n} was altered: its content hashes to ${actual}, it claims ${hash}` })
      linked = false
    }
    if (r.n !== expectN || r.prev !== prev) {
      problems.push({ n: r.n, line: i + 1, kind: 'broken-chain', detail: `record ${r.n} does not follow record ${expectN - 1} (expected n=${expectN}, prev ${prev}; got n=${r.n}, prev ${r.prev})` })
      linked = false
    }
    if (signatures === 'every') {
      const p = want ? sigProblem(r, i + 1) : undefined
      if (p) problems.push(p)
    } else if (!linked) {
      closeStretch(records.length)
      stretch = records.length
    }
    records.push(r)
    lines.push(i + 1)
    prev = hash
    expectN = r.n + 1
  }
  if (signatures === 'cover') closeStretch(records.length)
  return { records, problems, lines }
}

export class UsageLog {
  private fd: number
  private queue: { line: () => string; resolve: () => void; reject: (e: Error) => void }[] = []
  private flushing = false
  private timer: NodeJS.Timeout | undefined
  private failed: Error | undefined

  private constructor(
    readonly file: string,
    private readonly key: KeyHandle,
    private n: number,
    private prev: Hex,
    private readonly groupMs: number,
  ) {
    this.fd = fs.openSync(file, 'a')
  }

  /** Opens (or creates) the log; refuses a log whose chain is broken or signed by another key. */
  static async open(file: string, key: KeyHandle, groupMs = 2): Promise<{ log: UsageLog; records: LogRecord[] }> {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const { records, problems } = await readLog(file, key.address)
    if (problems.length) throw new Error(`usage log ${file} is damaged (${problems[0].detail}); refusing to append to it`)
    const last = records[records.length - 1]
    return { log: new UsageLog(file, key, last ? last.n + 1 : 0, last ? last.hash : GENESIS_PREV, groupMs), records }
  }

  get head(): Hex {
    return this.prev
  }

  /** Appends a record; resolves once it is on disk (fsync), with the record as written. */
  append<B extends RecordBody>(body: B): Promise<LogRecord & B> {
    if (this.failed) return Promise.reject(this.failed)
    const full = { v: 1 as const, n: this.n++, prev: this.prev, ...body }
    const hash = recordHash(full)
    this.prev = hash
    const record = { ...full, hash, sig: '0x' as Hex } as LogRecord & B
    return new Promise((resolve, reject) => {
      this.queue.push({
        line: () => {
          record.sig = this.key.signHash(hash)
          return JSON.stringify(record)
        },
        resolve: () => resolve(record),
        reject,
      })
      this.timer ??= setTimeout(() => void this.flush(), this.groupMs)
    })
  }

  private async flush(): Promise<void> {
    this.timer = undefined
    if (this.flushing) return
    this.flushing = true
    try {
      while (this.queue.length) {
        const group = this.queue
        this.queue = []
        try {
          const lines = group.map((g) => g.line())
          fs.writeSync(this.fd, lines.join('\n') + '\n')
          fs.fsyncSync(this.fd)
          for (const g of group) g.resolve()
        } catch (e) {
          this.failed = new Error(`usage log write failed: ${(e as Error).message}`)
          for (const g of group) g.reject(this.failed)
        }
      }
    } finally {
      this.flushing = false
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    await this.flush()
    fs.closeSync(this.fd)
  }
}
