// Deterministic training in plain TypeScript: per-example SGD in a seeded order, float64
// arithmetic, float32 storage. Same examples and seed give byte-identical weights.
import { Rng } from '../../util/rng'
import { featurize, type SparseFeatures } from './featurize'
import { CLASSES, DIM, HIDDEN, RANK, effectiveHidden, forward, type Adapter, type BaseWeights, argmax } from './network'

export interface LabelledText {
  text: string
  /** 0 = ham, 1 = spam */
  label: number
}

interface Example {
  x: SparseFeatures
  y: number
}

function prepare(examples: LabelledText[]): Example[] {
  return examples.map((e) => ({ x: featurize(e.text), y: e.label }))
}

function randn(rng: Rng, scale: number): number {
  return rng.normal() * scale
}

/** Trains the shared base (E, M, W, b) on labelled texts. */
export function trainBase(examples: LabelledText[], opts: { seed: number; epochs?: number; lr?: number } = { seed: 1 }): BaseWeights {
  const rng = new Rng(opts.seed)
  const epochs = opts.epochs ?? 6
  const lr0 = opts.lr ?? 0.05
  const E = new Float64Array(DIM * HIDDEN).map(() => randn(rng, 0.1))
  const M = new Float64Array(HIDDEN * HIDDEN).map(() => randn(rng, 1 / Math.sqrt(HIDDEN)))
  const W = new Float64Array(HIDDEN * CLASSES).map(() => randn(rng, 1 / Math.sqrt(HIDDEN)))
  const b = new Float64Array(CLASSES)
  const data = prepare(examples)
  const order = data.map((_, i) => i)
  const h2 = new Float64Array(HIDDEN)
  const h1 = new Float64Array(HIDDEN)
  const dh2 = new Float64Array(HIDDEN)
  const dh1 = new Float64Array(HIDDEN)
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = lr0 / (1 + epoch)
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    for (const idx of order) {
      const { x, y } = data[idx]
      // forward
      h1.fill(0)
      for (let n = 0; n < x.indices.length; n++) {
        const row = x.indices[n] * HIDDEN
        for (let k = 0; k < HIDDEN; k++) h1[k] += x.values[n] * E[row + k]
      }
      for (let k = 0; k < HIDDEN; k++) if (h1[k] < 0) h1[k] = 0
      h2.fill(0)
      for (let a = 0; a < HIDDEN; a++) if (h1[a] !== 0) for (let k = 0; k < HIDDEN; k++) h2[k] += h1[a] * M[a * HIDDEN + k]
      for (let k = 0; k < HIDDEN; k++) if (h2[k] < 0) h2[k] = 0
      const logits = [b[0], b[1]]
      for (let k = 0; k < HIDDEN; k++) for (let c = 0; c < CLASSES; c++) logits[c] += h2[k] * W[k * CLASSES + c]
      const mx = Math.max(logits[0], logits[1])
      const e0 = Math.exp(logits[0] - mx)
      const e1 = Math.exp(logits[1] - mx)
      const d = [e0 / (e0 + e1) - (y === 0 ? 1 : 0), e1 / (e0 + e1) - (y === 1 ? 1 : 0)]
      // backward
      for (let k = 0; k < HIDDEN; k++) dh2[k] = h2[k] > 0 ? W[k * CLASSES] * d[0] + W[k * CLASSES + 1] * d[1] : 0
      dh1.fill(0)
      for (let a = 0; a < HIDDEN; a++) {
        if (h1[a] === 0) continue
        let s = 0
        for (let k = 0; k < HIDDEN; k++) s += M[a * HIDDEN + k] * dh2[k]
        dh1[a] = s
      }
      for (let k = 0; k < HIDDEN; k++) for (let c = 0; c < CLASSES; c++) W[k * CLASSES + c] -= lr * h2[k] * d[c]
      b[0] -= lr * d[0]
      b[1] -= lr * d[1]
      for (let a = 0; a < HIDDEN; a++) if (h1[a] !== 0) for (let k = 0; k < HIDDEN; k++) M[a * HIDDEN + k] -= lr * h1[a] * dh2[k]
      for (let n = 0; n < x.indices.length; n++) {
        const row = x.indices[n] * HIDDEN
        const v = x.values[n]
        for (let k = 0; k < HIDDEN; k++) E[row + k] -= lr * v * dh1[k]
      }
    }
  }
  return { E: Float32Array.from(E), M: Float32Array.from(M), W: Float32Array.from(W), b: Float32Array.from(b) }
}

/** Trains a low-rank adapter on a model's data with the base frozen (LoRA init: B = 0). */
export function trainAdapter(base: BaseWeights, examples: LabelledText[], opts: { seed: number; epochs?: number; lr?: number } = { seed: 1 }): Adapter {
  const rng = new Rng(opts.seed)
  const epochs = opts.epochs ?? 4
  const lr0 = opts.lr ?? 0.02
  const A = new Float64Array(HIDDEN * RANK).map(() => randn(rng, 0.1))
  const B = new Float64Array(RANK * HIDDEN)
  const data = prepare(examples)
  const order = data.map((_, i) => i)
  const Mf = Float64Array.from(base.M)
  const eff = new Float64Array(HIDDEN * HIDDEN)
  const recompute = () => {
    for (let i = 0; i < HIDDEN; i++)
      for (let j = 0; j < HIDDEN; j++) {
        let s = Mf[i * HIDDEN + j]
        for (let k = 0; k < RANK; k++) s += A[i * RANK + k] * B[k * HIDDEN + j]
        eff[i * HIDDEN + j] = s
      }
  }
  const dh2 = new Float64Array(HIDDEN)
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = lr0 / (1 + epoch)
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i)
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    for (const idx of order) {
      const { x, y } = data[idx]
      recompute()
      const f = forward(base, eff, x)
      const d = [f.probs[0] - (y === 0 ? 1 : 0), f.probs[1] - (y === 1 ? 1 : 0)]
      for (let k = 0; k < HIDDEN; k++) dh2[k] = f.h2[k] > 0 ? base.W[k * CLASSES] * d[0] + base.W[k * CLASSES + 1] * d[1] : 0
      // dA[i,k] = h1_i (B dh2)_k ; dB[k,j] = (A^T h1)_k dh2_j
      const Bd = new Float64Array(RANK)
      const Ah = new Float64Array(RANK)
      for (let k = 0; k < RANK; k++) {
        let s = 0
        for (let j = 0; j < HIDDEN; j++) s += B[k * HIDDEN + j] * dh2[j]
        Bd[k] = s
        let t = 0
        for (let i = 0; i < HIDDEN; i++) t += A[i * RANK + k] * f.h1[i]
        Ah[k] = t
      }
      for (let i = 0; i < HIDDEN; i++) if (f.h1[i] !== 0) for (let k = 0; k < RANK; k++) A[i * RANK + k] -= lr * f.h1[i] * Bd[k]
      for (let k = 0; k < RANK; k++) for (let j = 0; j < HIDDEN; j++) B[k * HIDDEN + j] -= lr * Ah[k] * dh2[j]
    }
  }
  return { A: Float32Array.from(A), B: Float32Array.from(B) }
}

/** Share of examples whose argmax matches the label. */
export function accuracy(base: BaseWeights, adapter: Adapter, examples: LabelledText[]): number {
  const eff = effectiveHidden(base, adapter)
  let ok = 0
  for (const e of examples) if (argmax(forward(base, eff, featurize(e.text)).probs) === e.label) ok++
  return ok / examples.length
}
