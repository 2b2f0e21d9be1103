// keccak256 for the replay's hot path (every log record's hash): the `keccak` package's native
// state used directly and reused, where its createKeccak builds a stream object per hash (about a
// third of the hashing time in a profile of verify over a 27k-record log). util/hash.ts keccakParts
// when the native add-on is not there.
import path from 'node:path'
import type { Hex } from 'viem'
import { keccakParts } from '../util/hash'

interface KeccakState {
  initialize(rate: number, capacity: number): void
  absorb(data: Buffer): void
  squeeze(length: number): Buffer
}

let state: KeccakState | null | undefined

function nativeState(): KeccakState | null {
  if (state === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Addon = require('node-gyp-build')(path.dirname(require.resolve('keccak/package.json'))) as unknown
      state = typeof Addon === 'function' ? new (Addon as new () => KeccakState)() : null
    } catch {
      state = null
    }
  }
  return state
}

/** keccak256 of the concatenation of byte ranges (what keccakParts gives). */
export function keccakOf(...parts: Buffer[]): Hex {
  const s = nativeState()
  if (!s) return keccakParts(...parts)
  s.initialize(1088, 512)
  for (const p of parts) s.absorb(p)
  return ('0x' + s.squeeze(32).toString('hex')) as Hex
}
