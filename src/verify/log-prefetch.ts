// A usage log read ahead in a worker thread: the worker reads the file in blocks of whole lines,
// updates the file's sha256 and hashes each line's record content (the line's bytes up to its
// `,"hash":"0x…","sig":"0x…"}` suffix, closed with `}`: what log-stream.ts hashes for a record as
// written), so the replay's thread only parses and checks. The reader stays synchronous: it takes
// the next block with receiveMessageOnPort, waiting on a shared counter when the worker is
// behind. The main thread still compares every hash with the one the record claims, and hashes a
// record itself wherever the suffix is not the standard one.
import path from 'node:path'
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'

/** bytes of `,"hash":"0x<64>","sig":"0x<130>"}` */
export const SUFFIX_LEN = 9 + 66 + 9 + 132 + 2

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads')
const fs = require('node:fs')
const crypto = require('node:crypto')
const { file, chunk, ahead, signal, port, nodeGypBuild, keccakDir, keccakModule, suffixLen } = workerData
const counters = new Int32Array(signal)
let state = null
try {
  const Addon = require(nodeGypBuild)(keccakDir)
  state = typeof Addon === 'function' ? new Addon() : null
} catch {}
const createKeccak = require(keccakModule)
const CLOSE = Buffer.from('}')
const hashInto = (bytes, out, at) => {
  if (state) {
    state.initialize(1088, 512)
    state.absorb(bytes)
    state.absorb(CLOSE)
    state.squeeze(32).copy(out, at)
  } else createKeccak('keccak256').update(bytes).update(CLOSE).digest().copy(out, at)
}
try {
  const fd = fs.openSync(file, 'r')
  const sha = crypto.createHash('sha256')
  let rest = Buffer.alloc(0)
  let offset = 0
  for (;;) {
    while (Atomics.load(counters, 0) - Atomics.load(counters, 1) >= ahead) Atomics.wait(counters, 1, Atomics.load(counters, 1), 1000)
    const buf = Buffer.allocUnsafeSlow(Math.max(chunk, rest.length * 2))
    rest.copy(buf, 0)
    const n = fs.readSync(fd, buf, rest.length, buf.length - rest.length, offset)
    if (n > 0) sha.update(buf.subarray(rest.length, rest.length + n))
    offset += n
    const eof = n === 0
    const len = rest.length + n
    const cut = eof ? len : buf.lastIndexOf(10, len - 1) + 1
    if (!eof && cut === 0) {
      rest = Buffer.from(buf.subarray(0, len))
      continue
    }
    rest = Buffer.from(buf.subarray(cut, len))
    let lines = 0
    for (let from = 0; from < cut; ) {
      const end = buf.indexOf(10, from)
      lines++
      if (end < 0 || end >= cut) break
      from = end + 1
    }
    const digests = Buffer.allocUnsafeSlow(32 * lines)
    for (let from = 0, i = 0; from < cut; i++) {
      let end = buf.indexOf(10, from)
      if (end < 0 || end >= cut) end = cut
      if (end - from > suffixLen) hashInto(buf.subarray(from, end - suffixLen), digests, 32 * i)
      from = end + 1
    }
    port.postMessage({ buf: buf.buffer, len: cut, digests: digests.buffer, eof, sha: eof ? sha.digest('hex') : undefined }, [buf.buffer, digests.buffer])
    Atomics.add(counters, 0, 1)
    Atomics.notify(counters, 0)
    if (eof) break
  }
  fs.closeSync(fd)
} catch (e) {
  port.postMessage({ error: String(e && e.stack || e) })
  Atomics.add(counters, 0, 1)
  Atomics.notify(counters, 0)
}
`

export interface Block {
  /** whole lines (the last one may lack its newline at the end of the file) */
  buf: Buffer
  /** per line of buf, in order: keccak256 of its bytes before the last SUFFIX_LEN, then `}` (lines longer than SUFFIX_LEN) */
  digests: Buffer
  eof: boolean
  /** sha256 of the file, with the last block */
  sha?: string
}

/** blocks a worker reads ahead of the replay at most (then it waits): the read-ahead's memory is bounded, whatever the log's length */
export const AHEAD_BLOCKS = 3

/** prefetchers alive in this process (each holds a thread and a few blocks) */
let live = 0
const MAX_LIVE = 2

export class LogPrefetch {
  private readonly worker: Worker
  private readonly port: MessagePort
  private readonly counters: Int32Array
  private received = 0
  private closed = false

  /** A prefetcher, or undefined when the process has enough of them (the caller reads the file itself). */
  static open(file: string, chunk: number): LogPrefetch | undefined {
    if (live >= MAX_LIVE) return undefined
    try {
      return new LogPrefetch(file, chunk)
    } catch {
      return undefined
    }
  }

  private constructor(file: string, chunk: number) {
    const signal = new SharedArrayBuffer(8)
    this.counters = new Int32Array(signal)
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    const keccakDir = path.dirname(require.resolve('keccak/package.json'))
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, chunk, ahead: AHEAD_BLOCKS, signal, port: port2, nodeGypBuild: require.resolve('node-gyp-build'), keccakDir, keccakModule: require.resolve('keccak'), suffixLen: SUFFIX_LEN },
      transferList: [port2],
    })
    this.worker.unref()
    this.port.unref()
    live++
  }

  /** blocks read by the worker and not yet taken (the worker stops at AHEAD) */
  get ahead(): number {
    return Atomics.load(this.counters, 0) - this.received
  }

  /** The next block (blocking until the worker has it). */
  next(): Block {
    const started = Date.now()
    for (;;) {
      const m = receiveMessageOnPort(this.port)
      if (m) {
        this.received++
        Atomics.add(this.counters, 1, 1)
        Atomics.notify(this.counters, 1)
        const x = m.message as { buf: ArrayBuffer; len: number; digests: ArrayBuffer; eof: boolean; sha?: string; error?: string }
        if (x.error) throw new Error(`reading the usage log ahead failed: ${x.error}`)
        return { buf: Buffer.from(x.buf, 0, x.len), digests: Buffer.from(x.digests), eof: x.eof, sha: x.sha }
      }
      if (Date.now() - started > 300_000) throw new Error('reading the usage log ahead: no block from the reader thread in 300 s')
      Atomics.wait(this.counters, 0, this.received, 50)
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    live--
    this.port.close()
    void this.worker.terminate()
  }
}
