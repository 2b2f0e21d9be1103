// Text -> sparse hashed n-gram features. Tokens are the metering tokens (src/protocol/units.ts),
// lowercased; features are unigrams and bigrams hashed (FNV-1a, 32 bit) into DIM buckets with
// sublinear term frequency, L2-normalised. Same text, same features, on every machine.
import { InputError } from '../../util/errors'

export const DIM = 1 << 14
export const MAX_INPUT_CHARS = 16_384

const TOKEN = /[\p{L}\p{N}]+/gu

export interface SparseFeatures {
  /** bucket indexes, ascending, unique */
  indices: Int32Array
  values: Float32Array
}

export { InputError }

function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

export function tokenize(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(TOKEN), (m) => m[0])
}

export function featurize(text: string): SparseFeatures {
  if (typeof text !== 'string' || text.trim() === '') throw new InputError('input text is empty')
  if (text.length > MAX_INPUT_CHARS) throw new InputError(`input text is ${text.length} characters; at most ${MAX_INPUT_CHARS} are accepted`)
  const tokens = tokenize(text)
  const tf = new Map<number, number>()
  const add = (f: string) => {
    const b = fnv1a(f) % DIM
    tf.set(b, (tf.get(b) ?? 0) + 1)
  }
  for (let i = 0; i < tokens.length; i++) {
    add(tokens[i])
    if (i > 0) add(tokens[i - 1] + ' ' + tokens[i])
  }
  if (tf.size === 0) add('<empty>') // punctuation only: one stable feature, never an empty input
  const indices = Int32Array.from([...tf.keys()].sort((a, b) => a - b))
  const values = new Float32Array(indices.length)
  let norm = 0
  for (let i = 0; i < indices.length; i++) {
    const v = 1 + Math.log(tf.get(indices[i])!)
    values[i] = v
    norm += v * v
  }
  norm = Math.sqrt(norm)
  for (let i = 0; i < values.length; i++) values[i] = values[i] / norm
  return { indices, values }
}
