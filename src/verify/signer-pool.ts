// Payer signatures recovered off the main thread: a replay hands each distinct authorisation's
// EIP-712 digest and signature to a small pool of worker threads in batches, and goes on parsing
// and hashing the log while they recover; each batch's answers come back in the order they were
// sent and are matched to their callbacks. Nothing is skipped: every signature handed in is
// recovered (by a worker, or on the main thread for a last short batch, or when a worker fails)
// and its callback called before drain() resolves. The recovery is recoverSigner's (util/hash.ts)
// on the same native secp256k1 and keccak.
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { recoverSigner } from '../util/hash'

export type SignerCallback = (signer: string | null) => void

/** recoverSigner on raw bytes (digest 32 bytes, signature r || s || v 65 bytes), in a worker */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const secp = require(workerData.secp256k1)
const createKeccak = require(workerData.keccak)
const recover = (digest, sig) => {
  const v = sig[64]
  const recid = v >= 27 ? v - 27 : v
  if (recid !== 0 && recid !== 1) return null
  try {
    const pub = secp.ecdsaRecover(sig.subarray(0, 64), recid, digest, false)
    return '0x' + createKeccak('keccak256').update(Buffer.from(pub.subarray(1))).digest().subarray(12).toString('hex')
  } catch {
    return null
  }
}
parentPort.on('message', ({ id, digests, sigs, n }) => {
  const d = Buffer.from(digests)
  const s = Buffer.from(sigs)
  const signers = new Array(n)
  for (let i = 0; i < n; i++) signers[i] = recover(d.subarray(i * 32, i * 32 + 32), s.subarray(i * 65, i * 65 + 65))
  parentPort.postMessage({ id, signers })
})
`

const HEX_SIGNATURE = /^0x[0-9a-fA-F]{130}$/

interface Batch {
  id: number
  digests: string[]
  signatures: string[]
  callbacks: SignerCallback[]
}

export class SignerPool {
  private readonly workers: Worker[] = []
  private readonly inFlight = new Map<number, { batch: Batch; worker: Worker }>()
  private next = 0
  /** batches sent to worker threads */
  batchesSent = 0
  private ids = 0
  private current: Batch = { id: 0, digests: [], signatures: [], callbacks: [] }
  private idle: (() => void)[] = []
  private failure: Error | undefined
  /** a worker failed: the rest is recovered on the main thread */
  private broken = false

  /**
   * @param threads worker threads (default: one fewer than the cores, at least one)
   * @param batchSize signatures per message to a worker; fewer than this at drain() are recovered on the main thread
   */
  constructor(
    private readonly threads = Math.max(1, Math.min(4, os.availableParallelism() - 1)),
    readonly batchSize = 500,
  ) {}

  /**
   * Starts the worker threads now (a thread takes ~0.1 s to boot): a replay calls it before its
   * source answers, so the first batch of signatures does not wait for a boot at the end.
   */
  start(): void {
    while (!this.broken && this.workers.length < this.threads) this.spawn()
  }

  /** signatures handed to workers and not yet answered */
  get pending(): number {
    let n = this.current.callbacks.length
    for (const { batch } of this.inFlight.values()) n += batch.callbacks.length
    return n
  }

  /** Recovers the signer of `digest` (0x + 32 bytes) under `signature` (0x + 65 bytes); `done` gets it (lowercase address, or null for a malformed or invalid signature), now or later. */
  recover(digest: string, signature: string, done: SignerCallback): void {
    if (!HEX_SIGNATURE.test(signature)) {
      done(null)
      return
    }
    const b = this.current
    b.digests.push(digest)
    b.signatures.push(signature)
    b.callbacks.push(done)
    if (b.callbacks.length >= this.batchSize) this.send()
  }

  /** Sends the signatures handed in so far to a worker, a batch short of batchSize included. */
  flush(): void {
    if (this.current.callbacks.length) this.send()
  }

  /** Resolves once batches in flight are at most `max` (a producer's brake on how many answers it waits for). */
  async settle(max: number): Promise<void> {
    while (this.inFlight.size > max) await new Promise<void>((r) => this.idle.push(r))
  }

  /** Every signature handed in is recovered and its callback called. */
  async drain(): Promise<void> {
    const rest = this.current
    this.current = { id: ++this.ids, digests: [], signatures: [], callbacks: [] }
    this.inline(rest)
    await this.settle(0)
    if (this.failure) throw this.failure
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0)
    await Promise.all(ws.map((w) => w.terminate()))
  }

  private inline(b: Batch): void {
    for (let i = 0; i < b.callbacks.length; i++) b.callbacks[i](recoverSigner(b.digests[i] as `0x${string}`, b.signatures[i] as `0x${string}`))
  }

  private worker(): Worker | undefined {
    if (this.broken) return undefined
    if (this.workers.length < this.threads) return this.spawn()
    return this.workers[this.next++ % this.workers.length]
  }

  private spawn(): Worker {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { secp256k1: require.resolve('secp256k1'), keccak: require.resolve('keccak') } })
    w.on('message', ({ id, signers }: { id: number; signers: (string | null)[] }) => {
      const f = this.inFlight.get(id)
      if (!f) return
      this.inFlight.delete(id)
      const cbs = f.batch.callbacks
      try {
        if (signers.length !== cbs.length) throw new Error(`a signer worker answered ${signers.length} of ${cbs.length} signatures`)
        for (let i = 0; i < cbs.length; i++) cbs[i](signers[i])
      } catch (e) {
        this.failure ??= e as Error
      }
      this.wake()
    })
    // a worker that fails or stops: its batches are recovered here instead, none is dropped
    const lost = () => {
      const at = this.workers.indexOf(w)
      if (at >= 0) this.workers.splice(at, 1)
      for (const [id, f] of [...this.inFlight]) {
        if (f.worker !== w) continue
        this.inFlight.delete(id)
        this.broken = true
        try {
          this.inline(f.batch)
        } catch (e) {
          this.failure ??= e as Error
        }
      }
      this.wake()
    }
    w.on('error', () => {
      this.broken = true
      lost()
    })
    w.on('exit', lost)
    this.workers.push(w)
    return w
  }

  private send(): void {
    const b = this.current
    this.current = { id: ++this.ids, digests: [], signatures: [], callbacks: [] }
    const w = this.worker()
    if (!w) {
      this.inline(b)
      return
    }
    const n = b.callbacks.length
    const digests = new ArrayBuffer(32 * n)
    const sigs = new ArrayBuffer(65 * n)
    const d = Buffer.from(digests)
    const s = Buffer.from(sigs)
    for (let i = 0; i < n; i++) {
      d.write(b.digests[i].slice(2), i * 32, 32, 'hex')
      s.write(b.signatures[i].slice(2), i * 65, 65, 'hex')
    }
    this.inFlight.set(b.id, { batch: b, worker: w })
    this.batchesSent++
    w.postMessage({ id: b.id, digests, sigs, n }, [digests, sigs])
  }

  private wake(): void {
    for (const r of this.idle.splice(0)) r()
  }
}
