// A usage log read record by record, in chunks, with the checks readLog makes (src/inference/
// usage-log.ts: every record's hash, its link to the one before, signatures by 'cover'), so a
// replay holds only the records it still needs, never the whole file. Cover signatures: the last
// record of each intact stretch covers it; a long stretch is also settled at checkpoints (a valid
// signature there covers everything before it), so only the records since the last checkpoint
// are kept for the search of a first unsigned record. Where a log was altered from some record on
// (every forgery without the key), the record named is the one readLog names.
import crypto from 'node:crypto'
import fs from 'node:fs'
import type { Address, Hex } from 'viem'
import { GENESIS_PREV, contentHash, type LogProblem, type LogRecord } from '../inference/usage-log'
import { recoverSigner } from '../util/hash'
import { keccakOf } from './keccak'

const CHUNK = 4 << 20
const CLOSE = Buffer.from('}')
const CLOSE_BYTE = 0x7d
const COMMA_BYTE = 0x2c
/** bytes of `,"hash":"0x<64>","sig":"0x<130>"}`, how the node ends every record */
const SUFFIX_LEN = 9 + 66 + 9 + 132 + 2
const SUFFIX = /^,"hash":"(0x[0-9a-fA-F]{64})","sig":"(0x[0-9a-fA-F]{130})"\}$/
const WEIGHTS = Buffer.from(',"weights":')
/** records between signature checkpoints of one intact stretch */
const CHECKPOINT = 4096

export interface StreamedRecord {
  /** without `weights` when `weights` (its text) is given */
  record: LogRecord
  /** an inference record's weights as written (valid JSON, parsed again only where an epoch needs them): fewer small objects held until the epoch */
  weights?: string
  /** 1-based line in the file */
  line: number
  /** the hash the record before it claims (the log's head before this record), GENESIS_PREV for the first */
  before: Hex
}

interface Pending {
  n: number
  line: number
  hash: Hex
  sig: Hex
}

export class LogStream {
  readonly problems: LogProblem[] = []
  readonly totalBytes: number
  bytesRead = 0
  records = 0
  private fd: number
  private readonly sha = crypto.createHash('sha256')
  private buf = Buffer.alloc(0)
  private pos = 0
  private eof = false
  private lineNo = 0
  private prev: Hex = GENESIS_PREV
  private expectN = 0
  /** the current intact stretch since its last valid checkpoint */
  private stretch: Pending[] = []
  private readonly want: string | undefined

  constructor(file: string, signer?: Address | string) {
    this.fd = fs.openSync(file, 'r')
    this.totalBytes = fs.fstatSync(this.fd).size
    this.want = signer?.toLowerCase()
  }

  /** sha256 of the file (once every record is read) */
  digest(): string {
    return this.sha.digest('hex')
  }

  get done(): boolean {
    return this.eof && this.pos >= this.buf.length
  }

  /** The next record (checked), or undefined at the end of the file. */
  next(): StreamedRecord | undefined {
    for (;;) {
      let end = this.buf.indexOf(10, this.pos)
      if (end < 0 && !this.eof) {
        this.fill()
        continue
      }
      if (end < 0) end = this.buf.length
      if (this.pos >= this.buf.length) {
        this.finish()
        return undefined
      }
      const from = this.pos
      this.pos = end + 1
      const i = this.lineNo++
      if (end === from) continue
      const r = this.check(from, end, i + 1)
      if (r) return r
    }
  }

  private fill(): void {
    const rest = this.buf.subarray(this.pos)
    const chunk = Buffer.allocUnsafe(Math.max(CHUNK, rest.length * 2))
    rest.copy(chunk, 0)
    const n = fs.readSync(this.fd, chunk, rest.length, chunk.length - rest.length, this.bytesRead)
    if (n > 0) this.sha.update(chunk.subarray(rest.length, rest.length + n))
    this.bytesRead += n
    if (n === 0) this.eof = true
    this.buf = chunk.subarray(0, rest.length + n)
    this.pos = 0
  }

  /**
   * A record as the node writes it: the hash and signature read from the line's fixed suffix, the
   * content hashed natively from the bytes before it, and an inference's weights (its last field)
   * cut off and kept as text. Null for any other line (readLog's path in check() then decides).
   * Equivalent to parsing the whole line: the head parses as an object only if the cut is at its
   * top level, and the cut-off text must be one JSON value.
   */
  private standard(from: number, end: number): { record: LogRecord; weights?: string } | null {
    if (end - from <= SUFFIX_LEN) return null
    const m = SUFFIX.exec(this.buf.toString('latin1', end - SUFFIX_LEN, end))
    if (!m) return null
    const body = end - SUFFIX_LEN
    if (keccakOf(this.buf.subarray(from, body), CLOSE) !== m[1]) return null
    const w = this.buf.lastIndexOf(WEIGHTS, body - WEIGHTS.length)
    let record: LogRecord
    let weights: string | undefined
    // the head is closed in place (the byte at the cut is a comma, put back at once) and decoded
    // once: appending '}' to the decoded text makes a second, flattened copy of every record
    const cut = w > from ? w : body
    try {
      this.buf[cut] = CLOSE_BYTE
      record = JSON.parse(this.buf.toString('utf8', from, cut + 1))
      if (w > from) {
        weights = this.buf.toString('utf8', w + WEIGHTS.length, body)
        JSON.parse(weights)
      }
    } catch {
      return null
    } finally {
      this.buf[cut] = COMMA_BYTE
    }
    if (typeof record !== 'object' || record === null) return null
    // the suffix's keys come last: they win over any earlier ones, as in a parse of the whole line
    record.hash = m[1] as Hex
    record.sig = m[2] as Hex
    return { record, weights }
  }

  private check(from: number, end: number, line: number): StreamedRecord | undefined {
    const std = this.standard(from, end)
    if (std) return this.link(std.record, line, std.record.hash, std.weights)
    let r: LogRecord
    try {
      r = JSON.parse(this.buf.toString('utf8', from, end))
      if (typeof r !== 'object' || r === null || typeof r.hash !== 'string' || typeof r.sig !== 'string') throw new Error('missing hash or sig')
    } catch (e) {
      this.problems.push({ n: this.expectN, line, kind: 'malformed', detail: `line ${line} is not a log record: ${(e as Error).message}` })
      this.closeStretch()
      return undefined
    }
    // the record as written (its bytes up to its hash, closed): one native hash; anything else takes readLog's path
    const suffix = `,"hash":"${r.hash}","sig":"${r.sig}"}`
    const n = end - from
    const fast = n > suffix.length && this.buf.toString('latin1', end - suffix.length, end) === suffix ? keccakOf(this.buf.subarray(from, end - suffix.length), CLOSE) : undefined
    const actual = fast === r.hash ? fast : contentHash(this.buf, from, end, r)
    return this.link(r, line, actual)
  }

  /** The record's place in the chain: its hash as computed (`actual`), its index and link, its signature's stretch. */
  private link(r: LogRecord, line: number, actual: Hex, weights?: string): StreamedRecord {
    let linked = true
    if (actual !== r.hash) {
      this.problems.push({ n: r.n, line, kind: 'broken-chain', detail: `record ${r.n} was altered: its content hashes to ${actual}, it claims ${r.hash}` })
      linked = false
    }
    if (r.n !== this.expectN || r.prev !== this.prev) {
      this.problems.push({ n: r.n, line, kind: 'broken-chain', detail: `record ${r.n} does not follow record ${this.expectN - 1} (expected n=${this.expectN}, prev ${this.prev}; got n=${r.n}, prev ${r.prev})` })
      linked = false
    }
    if (!linked) this.closeStretch()
    const before = this.prev
    this.stretch.push({ n: r.n, line, hash: r.hash, sig: r.sig })
    if (this.stretch.length >= CHECKPOINT && this.want && !this.sigProblem(this.stretch[this.stretch.length - 1])) this.stretch = []
    this.records++
    this.prev = r.hash
    this.expectN = r.n + 1
    return weights === undefined ? { record: r, line, before } : { record: r, line, before, weights }
  }

  private sigProblem(p: Pending): LogProblem | undefined {
    const who = recoverSigner(p.hash, p.sig)
    if (who === null) return { n: p.n, line: p.line, kind: 'bad-signature', detail: `record ${p.n} has an invalid signature` }
    if (who !== this.want) return { n: p.n, line: p.line, kind: 'bad-signature', detail: `record ${p.n} is signed by ${who}, not the node ${this.want}` }
    return undefined
  }

  /** The stretch ends: its last record's signature covers it, or the first record the node did not sign is named. */
  private closeStretch(): void {
    const s = this.stretch
    this.stretch = []
    if (!this.want || !s.length || !this.sigProblem(s[s.length - 1])) return
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.sigProblem(s[mid])) hi = mid
      else lo = mid + 1
    }
    const first = this.sigProblem(s[lo])!
    this.problems.push({ ...first, detail: `${first.detail}; records ${s[lo].n}..${s[s.length - 1].n} are not covered by the node's signature` })
  }

  private finish(): void {
    if (this.fd < 0) return
    this.closeStretch()
    this.close()
  }

  /** Releases the file (a replay that stops early); reading on is not possible after it. */
  close(): void {
    if (this.fd < 0) return
    fs.closeSync(this.fd)
    this.fd = -1
    this.eof = true
    this.buf = Buffer.alloc(0)
    this.pos = 0
  }
}

/** The first line of a file (where its signer is read), without reading the rest. */
export function firstLine(file: string): string {
  const fd = fs.openSync(file, 'r')
  try {
    let buf = Buffer.alloc(0)
    const chunk = Buffer.allocUnsafe(64 << 10)
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, buf.length)
      buf = Buffer.concat([buf, chunk.subarray(0, n)])
      const nl = buf.indexOf(10)
      if (nl >= 0) return buf.toString('utf8', 0, nl)
      if (n === 0) return buf.toString('utf8')
    }
  } finally {
    fs.closeSync(fd)
  }
}
