// Proof of Attribution for the served model (docs/ATTRIBUTION.md): closed-form influence of each
// training contribution on an inference (TracIn on the output layer, one checkpoint), summed per
// (datanet, contributor), clipped at zero, turned into fixed-point weights that sum exactly to
// 1e6 before any of it becomes money.
import type { Address } from 'viem'
import { toFixedPointWeights, WEIGHT_SCALE } from '../protocol/weights'
import { featurize } from './model/featurize'
import { CLASSES, HIDDEN, effectiveHidden, forward, type Adapter, type BaseWeights } from './model/network'

export interface TrainingContribution {
  datanetId: bigint
  contributor: Address
  text: string
  /** 0 = ham, 1 = spam */
  label: number
}

export interface WeightEntry {
  datanetId: bigint
  contributor: Address
  /** fixed point, the entries of one answer sum to 1e6 */
  weight: number
}

/** Entries in the order AttributionSettlement requires: datanet id, then contributor address. */
export function sortEntries<T extends { datanetId: bigint; contributor: string }>(entries: T[]): T[] {
  return entries.sort((a, b) =>
    a.datanetId !== b.datanetId ? (a.datanetId < b.datanetId ? -1 : 1) : a.contributor.toLowerCase() < b.contributor.toLowerCase() ? -1 : a.contributor.toLowerCase() > b.contributor.toLowerCase() ? 1 : 0,
  )
}

interface Group {
  datanetId: bigint
  contributor: Address
  key: string
  members: number[]
}

/** Influence scores are floats; they become integers at this resolution before apportioning. */
const SCORE_RESOLUTION = 1e12

export class AttributionIndex {
  private constructor(
    private readonly hidden: Float64Array, // contributions x HIDDEN
    private readonly grad: Float64Array, // contributions x CLASSES: p_j - onehot(y_j)
    private readonly groups: Group[],
  ) {}

  get size(): number {
    return this.grad.length / CLASSES
  }

  /** Runs every training contribution through base + adapter once (when the adapter loads). */
  static build(base: BaseWeights, adapter: Adapter, contributions: TrainingContribution[]): AttributionIndex {
    const eff = effectiveHidden(base, adapter)
    const hidden = new Float64Array(contributions.length * HIDDEN)
    const grad = new Float64Array(contributions.length * CLASSES)
    const groups = new Map<string, Group>()
    contributions.forEach((c, j) => {
      const f = forward(base, eff, featurize(c.text))
      hidden.set(f.h2, j * HIDDEN)
      for (let k = 0; k < CLASSES; k++) grad[j * CLASSES + k] = f.probs[k] - (k === c.label ? 1 : 0)
      const key = `${c.datanetId}:${c.contributor.toLowerCase()}`
      const g = groups.get(key) ?? { datanetId: c.datanetId, contributor: c.contributor.toLowerCase() as Address, key, members: [] }
      g.members.push(j)
      groups.set(key, g)
    })
    return new AttributionIndex(hidden, grad, sortEntries([...groups.values()]))
  }

  /**
   * Fixed-point weights of the (datanet, contributor) groups for one answer: the top `topK`
   * groups by positive influence, apportioned to sum exactly to 1e6. If no group has positive
   * influence, weights follow the number of contributions (documented fallback).
   */
  weights(zHidden: ArrayLike<number>, zProbs: ArrayLike<number>, zLabel: number, topK = 32): WeightEntry[] {
    if (!this.groups.length) return []
    const gz = new Float64Array(CLASSES)
    for (let k = 0; k < CLASSES; k++) gz[k] = Number(zProbs[k]) - (k === zLabel ? 1 : 0)
    const scores = this.groups.map((g) => {
      let s = 0
      for (const j of g.members) {
        let hh = 0
        for (let k = 0; k < HIDDEN; k++) hh += zHidden[k] * this.hidden[j * HIDDEN + k]
        let gg = 0
        for (let k = 0; k < CLASSES; k++) gg += gz[k] * this.grad[j * CLASSES + k]
        s += hh * gg
      }
      return s > 0 ? BigInt(Math.round(s * SCORE_RESOLUTION)) : 0n
    })
    let ranked = this.groups.map((g, i) => ({ g, score: scores[i] })).filter((x) => x.score > 0n)
    if (!ranked.length) ranked = this.groups.map((g) => ({ g, score: BigInt(g.members.length) }))
    // highest score first; ties in the sorted (datanet, contributor) order
    ranked.sort((a, b) => (a.score !== b.score ? (b.score > a.score ? 1 : -1) : this.groups.indexOf(a.g) - this.groups.indexOf(b.g)))
    const kept = ranked.slice(0, topK)
    const w = toFixedPointWeights(kept.map((k) => k.score))
    return sortEntries(kept.map((k, i) => ({ datanetId: k.g.datanetId, contributor: k.g.contributor, weight: Number(w[i]) })).filter((e) => e.weight > 0))
  }
}

/**
 * Epoch weights of one model: Σ over its answers of contributorsShare × weight (exact bigint),
 * the top `maxEntries` groups apportioned again to sum exactly to 1e6.
 */
export function combineEpochWeights(answers: { contributorsShare: bigint; weights: WeightEntry[] }[], maxEntries = 100): WeightEntry[] {
  const acc = new Map<string, { datanetId: bigint; contributor: Address; score: bigint }>()
  for (const a of answers) {
    for (const e of a.weights) {
      const key = `${e.datanetId}:${e.contributor.toLowerCase()}`
      const x = acc.get(key) ?? { datanetId: e.datanetId, contributor: e.contributor.toLowerCase() as Address, score: 0n }
      x.score += a.contributorsShare * BigInt(e.weight)
      acc.set(key, x)
    }
  }
  const list = sortEntries([...acc.values()].filter((x) => x.score > 0n))
  if (!list.length) return []
  const kept = [...list].sort((a, b) => (a.score !== b.score ? (b.score > a.score ? 1 : -1) : list.indexOf(a) - list.indexOf(b))).slice(0, maxEntries)
  const w = toFixedPointWeights(kept.map((k) => k.score), WEIGHT_SCALE)
  return sortEntries(kept.map((k, i) => ({ datanetId: k.datanetId, contributor: k.contributor, weight: Number(w[i]) })).filter((e) => e.weight > 0))
}
