// The network: a shared base (embedding bag E: DIM x H, hidden M: H x H, head W: H x C, bias b)
// and per-model low-rank adapters on the hidden layer (M + A·B, A: H x R, B: R x H) — the
// OpenLoRA idea: one base in memory, a few KB per specialised model.
//   h1 = relu(Σ v_i E[i]),  h2 = relu(h1 (M + A B)),  p = softmax(h2 W + b)
import { DIM, type SparseFeatures } from './featurize'

export const HIDDEN = 32
export const RANK = 4
export const CLASSES = 2
export const LABELS = ['ham', 'spam'] as const
export type Label = (typeof LABELS)[number]

export interface BaseWeights {
  E: Float32Array // DIM * HIDDEN, row-major
  M: Float32Array // HIDDEN * HIDDEN
  W: Float32Array // HIDDEN * CLASSES
  b: Float32Array // CLASSES
}

export interface Adapter {
  A: Float32Array // HIDDEN * RANK
  B: Float32Array // RANK * HIDDEN
}

export interface Forward {
  h1: Float64Array
  h2: Float64Array
  probs: Float64Array
}

export function zeroAdapter(): Adapter {
  return { A: new Float32Array(HIDDEN * RANK), B: new Float32Array(RANK * HIDDEN) }
}

/** The effective hidden matrix M + A·B (float64). */
export function effectiveHidden(base: BaseWeights, adapter: Adapter): Float64Array {
  const out = new Float64Array(HIDDEN * HIDDEN)
  for (let i = 0; i < HIDDEN; i++) {
    for (let j = 0; j < HIDDEN; j++) {
      let s = base.M[i * HIDDEN + j]
      for (let k = 0; k < RANK; k++) s += adapter.A[i * RANK + k] * adapter.B[k * HIDDEN + j]
      out[i * HIDDEN + j] = s
    }
  }
  return out
}

/** Plain TypeScript forward pass (training, attribution and the check of the ONNX graph). */
export function forward(base: BaseWeights, hidden: Float64Array, x: SparseFeatures): Forward {
  const h1 = new Float64Array(HIDDEN)
  for (let n = 0; n < x.indices.length; n++) {
    const row = x.indices[n] * HIDDEN
    const v = x.values[n]
    for (let j = 0; j < HIDDEN; j++) h1[j] += v * base.E[row + j]
  }
  for (let j = 0; j < HIDDEN; j++) if (h1[j] < 0) h1[j] = 0
  const h2 = new Float64Array(HIDDEN)
  for (let i = 0; i < HIDDEN; i++) {
    const a = h1[i]
    if (a === 0) continue
    for (let j = 0; j < HIDDEN; j++) h2[j] += a * hidden[i * HIDDEN + j]
  }
  for (let j = 0; j < HIDDEN; j++) if (h2[j] < 0) h2[j] = 0
  const logits = new Float64Array(CLASSES)
  for (let c = 0; c < CLASSES; c++) {
    let s = base.b[c]
    for (let j = 0; j < HIDDEN; j++) s += h2[j] * base.W[j * CLASSES + c]
    logits[c] = s
  }
  const max = Math.max(...logits)
  let z = 0
  const probs = new Float64Array(CLASSES)
  for (let c = 0; c < CLASSES; c++) z += probs[c] = Math.exp(logits[c] - max)
  for (let c = 0; c < CLASSES; c++) probs[c] /= z
  return { h1, h2, probs }
}

export function argmax(p: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < p.length; i++) if (p[i] > p[best]) best = i
  return best
}

export { DIM }
