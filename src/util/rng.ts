// Seeded randomness for the workload (pure-rand's xoroshiro128+): same seed, same chain.
import prand from 'pure-rand'

export class Rng {
  private gen: prand.RandomGenerator
  constructor(seed: number) {
    this.gen = prand.xoroshiro128plus(seed)
  }
  /** integer in [min, max] */
  int(min: number, max: number): number {
    return prand.unsafeUniformIntDistribution(min, max, this.gen)
  }
  /** float in [0, 1) — for shaping traffic, never for amounts */
  float(): number {
    return this.int(0, 0x7fffffff) / 0x80000000
  }
  chance(p: number): boolean {
    return this.float() < p
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty list')
    return xs[this.int(0, xs.length - 1)]
  }
  /** index drawn with probability proportional to weights */
  weighted(weights: readonly number[]): number {
    let total = 0
    for (const w of weights) total += w
    if (!(total > 0)) throw new Error('weighted pick with no positive weight')
    let x = this.float() * total
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i]
      if (x < 0) return i
    }
    return weights.length - 1
  }
  /** Poisson-ish count with the given mean (normal approximation above 30) */
  count(mean: number): number {
    if (mean <= 0) return 0
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()))
    const l = Math.exp(-mean)
    let k = 0
    let p = 1
    do {
      k++
      p *= this.float()
    } while (p > l)
    return k - 1
  }
  normal(): number {
    const u = Math.max(this.float(), 1e-12)
    const v = this.float()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  /** a child stream, so adding draws in one part of the workload does not shift another */
  fork(label: string): Rng {
    let h = this.int(0, 0x7fffffff)
    for (let i = 0; i < label.length; i++) h = (Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0) & 0x7fffffff
    return new Rng(h)
  }
}
