// Proof of Attribution for the served model (docs/ATTRIBUTION.md). The influence of a training
// contribution j on an answer z is the cosine similarity of their loss gradients on the output
// layer (normalised single-checkpoint TracIn, "gradient cosine"), taken in the base model's
// shared representation. For the head W the gradient is h ⊗ (p − onehot(y)), so
//     I(z, j) = cos(h1_z, h1_j) × cos(p_z − onehot(ŷ_z), p_j − onehot(y_j))
// with h1 the embedding-bag layer and ŷ_z the answer. For two classes the second factor is +1
// when j's label is the answer and −1 otherwise: similar examples with the answer's label
// support it, similar examples with the other label oppose it. Influences are summed per
// (datanet, contributor), clipped at zero, and apportioned as fixed-point integers summing
// exactly to 1e6 before any of it becomes money. The per-contribution vectors depend only on the
// base, so one index serves every adapter.
import type { Address } from 'viem'
import { toFixedPointWeights, WEIGHT_SCALE } from '../protocol/weights'
import { featurize } from './model/featurize'
import { CLASSES, HIDDEN, effectiveHidden, forward, zeroAdapter, type BaseWeights } from './model/network'

export interface TrainingContribution {
  contributionId: bigint
  datanetId: bigint
  contributor: Address
  blockNumber: number
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
  return entries.sort((a, b) => {
    if (a.datanetId !== b.datanetId) return a.datanetId < b.datanetId ? -1 : 1
    const x = a.contributor.toLowerCase()
    const y = b.contributor.toLowerCase()
    return x < y ? -1 : x > y ? 1 : 0
  })
}

/** Influence scores are floats; they become integers at this resolution before apportioning. */
const SCORE_RESOLUTION = 1e12

/** The training side of attribution for one model version: which contributions, in which groups. */
export interface MemberSet {
  groups: { datanetId: bigint; contributor: Address; members: Int32Array }[]
}

export class ContributionIndex {
  private h1 = new Float32Array(1024 * HIDDEN)
  private grad = new Float32Array(1024 * CLASSES)
  private readonly meta: { contributionId: bigint; datanetId: bigint; contributor: Address; blockNumber: number }[] = []
  private readonly ids = new Set<bigint>()
  private readonly baseHidden: Float64Array

  constructor(private readonly base: BaseWeights) {
    this.baseHidden = effectiveHidden(base, zeroAdapter())
  }

  get size(): number {
    return this.meta.length
  }

  has(contributionId: bigint): boolean {
    return this.ids.has(contributionId)
  }

  /** Adds a contribution (its base representation and output gradient); idempotent by id. */
  add(c: TrainingContribution): void {
    if (this.ids.has(c.contributionId)) return
    const j = this.meta.length
    if ((j + 1) * HIDDEN > this.h1.length) {
      const h = new Float32Array(this.h1.length * 2)
      h.set(this.h1)
      this.h1 = h
      const g = new Float32Array(this.grad.length * 2)
      g.set(this.grad)
      this.grad = g
    }
    const f = forward(this.base, this.baseHidden, featurize(c.text))
    // stored unit-length: the dot products below are cosines
    const hn = Math.hypot(...f.h1) || 1
    for (let k = 0; k < HIDDEN; k++) this.h1[j * HIDDEN + k] = f.h1[k] / hn
    const g = Array.from({ length: CLASSES }, (_, k) => f.probs[k] - (k === c.label ? 1 : 0))
    const gn = Math.hypot(...g) || 1
    for (let k = 0; k < CLASSES; k++) this.grad[j * CLASSES + k] = g[k] / gn
    this.meta.push({ contributionId: c.contributionId, datanetId: c.datanetId, contributor: c.contributor.toLowerCase() as Address, blockNumber: c.blockNumber })
    this.ids.add(c.contributionId)
  }

  /** Contributions of `datanets` recorded up to `atBlock` (the block of the adapter version), grouped. */
  members(datanets: bigint[], atBlock: number): MemberSet {
    const want = new Set(datanets.map(String))
    const groups = new Map<string, { datanetId: bigint; contributor: Address; list: number[] }>()
    this.meta.forEach((m, j) => {
      if (!want.has(String(m.datanetId)) || m.blockNumber > atBlock) return
      const key = `${m.datanetId}:${m.contributor}`
      const g = groups.get(key) ?? { datanetId: m.datanetId, contributor: m.contributor, list: [] }
      g.list.push(j)
      groups.set(key, g)
    })
    return { groups: sortEntries([...groups.values()]).map((g) => ({ datanetId: g.datanetId, contributor: g.contributor, members: Int32Array.from(g.list) })) }
  }

  /**
   * Fixed-point weights of the groups for one answer: the top `topK` groups by positive
   * influence, apportioned to sum exactly to 1e6. If no group has positive influence, the
   * weights follow the number of contributions (the documented fallback).
   */
  weights(set: MemberSet, zH1: ArrayLike<number>, zProbs: ArrayLike<number>, zLabel: number, topK = 32): WeightEntry[] {
    if (!set.groups.length) return []
    const hn = Math.hypot(...Array.from(zH1, Number)) || 1
    const g = Array.from({ length: CLASSES }, (_, k) => Number(zProbs[k]) - (k === zLabel ? 1 : 0))
    const gn = Math.hypot(...g) || 1
    const gz0 = g[0] / gn
    const gz1 = g[1] / gn
    const scored = set.groups.map((grp, order) => {
      let s = 0
      for (const j of grp.members) {
        let hh = 0
        const o = j * HIDDEN
        for (let k = 0; k < HIDDEN; k++) hh += zH1[k] * this.h1[o + k]
        s += (hh / hn) * (gz0 * this.grad[j * CLASSES] + gz1 * this.grad[j * CLASSES + 1])
      }
      return { g: grp, order, score: s > 0 ? BigInt(Math.round(s * SCORE_RESOLUTION)) : 0n }
    })
    let ranked = scored.filter((x) => x.score > 0n)
    if (!ranked.length) ranked = scored.map((x) => ({ ...x, score: BigInt(x.g.members.length) }))
    // highest score first; ties keep the (datanet, contributor) order
    ranked.sort((a, b) => (a.score !== b.score ? (b.score > a.score ? 1 : -1) : a.order - b.order))
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
  const kept = list
    .map((x, order) => ({ x, order }))
    .sort((a, b) => (a.x.score !== b.x.score ? (b.x.score > a.x.score ? 1 : -1) : a.order - b.order))
    .slice(0, maxEntries)
  const w = toFixedPointWeights(kept.map((k) => k.x.score), WEIGHT_SCALE)
  return sortEntries(kept.map((k, i) => ({ datanetId: k.x.datanetId, contributor: k.x.contributor, weight: Number(w[i]) })).filter((e) => e.weight > 0))
}
