// Child process of the node benchmark: resident memory of the model runtime with N adapters
// loaded (decoded from their on-chain byte format) and each used once. Prints one JSON line.
import crypto from 'node:crypto'
import { ModelRuntime } from '../inference/model/runtime'
import { decodeAdapter, encodeAdapter, ADAPTER_BYTES } from '../inference/model/adapter-codec'
import { HIDDEN, RANK, type Adapter } from '../inference/model/network'

function rssAfterGc(): number {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().rss
}

function randomAdapter(i: number): Adapter {
  const r = crypto.createHash('sha256').update(`adapter-${i}`).digest()
  const A = new Float32Array(HIDDEN * RANK).map((_, k) => ((r[k % 32] / 255) - 0.5) * 0.01)
  const B = new Float32Array(RANK * HIDDEN).map((_, k) => ((r[(k + 7) % 32] / 255) - 0.5) * 0.01)
  return { A, B }
}

async function main(): Promise<void> {
  const n = Number(process.argv[2])
  if (!Number.isInteger(n) || n < 1) throw new Error('usage: adapter-rss <adapters>')
  const runtime = await ModelRuntime.load()
  await runtime.infer('warm up the session', randomAdapter(-1))
  const base = rssAfterGc()
  const held: Adapter[] = []
  for (let i = 0; i < n; i++) {
    const a = decodeAdapter(encodeAdapter(randomAdapter(i)))
    held.push(a)
    await runtime.infer(`request ${i} for adapter ${i}`, a)
  }
  const withAdapters = rssAfterGc()
  process.stdout.write(JSON.stringify({ adapters: held.length, baseRss: base, rss: withAdapters, adapterBytes: n * ADAPTER_BYTES }) + '\n')
  await runtime.close()
}

main().catch((e: Error) => {
  process.stderr.write(`adapter-rss: ${e.message}\n`)
  process.exit(1)
})
