// The in-memory structures behind the served answers (src/analytics/served.ts): cumulative sums
// per key and point (a block timestamp in ms, or a day), exact distinct ids per scope over any
// range of points, and the views that ask them for a period's days clipped to its [from, to).
import { DAY_MS } from './sql'

/** First index in sorted `xs` whose value is >= x. */
export function lowerBound(xs: ArrayLike<number>, x: number): number {
  let lo = 0
  let hi = xs.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (xs[mid] < x) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Sums of each key's fields over a range of days [a, b). */
export interface DaySums {
  /** undefined when the key has no rows in [a, b) */
  sum(key: string, a: number, b: number): bigint[] | undefined
  /** every key with rows in [a, b) and its sums */
  all(a: number, b: number): [string, bigint[]][]
  /** the sums or zeros (the warehouse's sum() of no rows) */
  sumOr0(key: string, a: number, b: number, width: number): bigint[]
}

/** Exact distinct ids per scope over a range of days [a, b). */
export interface DayCounts {
  count(scope: string, a: number, b: number): number
}

/** Where (scope, point, id) triples are put. */
export interface IdSink {
  add(scope: string, at: number, id: string): void
}

interface Points {
  /** the points the key has rows at, ascending */
  at: number[]
  /** the running sums of its `width` fields up to and including each point, flat: entry i at [i·width, (i+1)·width) */
  cum: bigint[]
  width: number
}

/**
 * Per key: the points it has rows at and the running sums of its fields up to each of them, so
 * the sums over any range of points [a, b) are two binary searches and a subtraction. Points are
 * whatever the caller adds in (block timestamps in ms, or days); only points with rows are held.
 */
export class Cumulative {
  private readonly keys = new Map<string, Points>()

  /** Rows must come in point order per key, each point once. */
  add(key: string, at: number, values: bigint[]): void {
    let k = this.keys.get(key)
    if (!k) this.keys.set(key, (k = { at: [], cum: [], width: values.length }))
    const base = k.cum.length - k.width
    k.at.push(at)
    for (let f = 0; f < k.width; f++) {
      const v = values[f]
      // a field with nothing at this point keeps the previous running sum's bigint (no new one held)
      k.cum.push(base < 0 ? v : v === 0n ? k.cum[base + f] : v + k.cum[base + f])
    }
  }

  sum(key: string, a: number, b: number): bigint[] | undefined {
    const k = this.keys.get(key)
    return k && this.sumOf(k, a, b)
  }

  private sumOf(k: Points, a: number, b: number): bigint[] | undefined {
    const i = lowerBound(k.at, a)
    const j = lowerBound(k.at, b)
    if (i >= j) return undefined
    const w = k.width
    const hi = k.cum.slice((j - 1) * w, j * w)
    if (i === 0) return hi
    return hi.map((v, f) => v - k.cum[(i - 1) * w + f])
  }

  all(a: number, b: number): [string, bigint[]][] {
    const out: [string, bigint[]][] = []
    for (const [key, k] of this.keys) {
      const s = this.sumOf(k, a, b)
      if (s) out.push([key, s])
    }
    return out
  }

  sumOr0(key: string, a: number, b: number, width: number): bigint[] {
    return this.sum(key, a, b) ?? new Array<bigint>(width).fill(0n)
  }

  /** (key, point) entries held */
  get size(): number {
    let n = 0
    for (const k of this.keys.values()) n += k.at.length
    return n
  }
}

/** Amounts per key and point (a day, or a time in ms), in any order, added to `c` in point order as [rows, amount]. */
export class DayLedger {
  private readonly m = new Map<string, Map<number, bigint[]>>()

  add(key: string, day: number, amount: bigint, rows = 1n): void {
    let k = this.m.get(key)
    if (!k) this.m.set(key, (k = new Map()))
    const v = k.get(day)
    if (v) {
      v[0] += rows
      v[1] += amount
    } else k.set(day, [rows, amount])
  }

  into(c: Cumulative): Cumulative {
    for (const [key, days] of this.m) for (const d of [...days.keys()].sort((x, y) => x - y)) c.add(key, d, days.get(d)!)
    return c
  }
}

/**
 * Exact distinct ids per scope over any range of points. For every (point, id) the point the id
 * was last seen at before, so the ids of [a, b) not seen in [a, p) are counted once each (Σ over
 * points p in [a, b) of #{prev < a}, one binary search per point).
 */
export class Distinct implements IdSink {
  private readonly scopes = new Map<string, { at: number[]; prev: Float64Array[]; open: number[] }>()
  /** per scope and id: the last point it was seen at so far */
  private readonly last = new Map<string, number>()

  /** (point, id) pairs of a scope, in point order, each pair once. */
  add(scope: string, at: number, id: string): void {
    let s = this.scopes.get(scope)
    if (!s) this.scopes.set(scope, (s = { at: [], prev: [], open: [] }))
    if (s.at[s.at.length - 1] !== at) {
      this.close(s)
      s.at.push(at)
    }
    const key = `${scope}\u0000${id}`
    s.open.push(this.last.get(key) ?? -Infinity)
    this.last.set(key, at)
  }

  private close(s: { prev: Float64Array[]; open: number[]; at: number[] }): void {
    if (s.at.length > s.prev.length) s.prev.push(Float64Array.from(s.open).sort())
    s.open = []
  }

  /** Call once after the last add. */
  seal(): void {
    for (const s of this.scopes.values()) this.close(s)
    this.last.clear()
  }

  count(scope: string, a: number, b: number): number {
    const s = this.scopes.get(scope)
    if (!s) return 0
    let n = 0
    for (let i = lowerBound(s.at, a); i < s.at.length && s.at[i] < b; i++) n += lowerBound(s.prev[i], a)
    return n
  }

  /** (scope, point) entries held */
  get size(): number {
    let n = 0
    for (const s of this.scopes.values()) n += s.at.length
    return n
  }
}

/**
 * Sums held per block timestamp (ms), asked by days: days [x, y) of a period [from, to) are the
 * times [max(x·day, from), min(y·day, to)). A period that is not whole days is thereby answered
 * from memory exactly as its whole days are: its partial first and last days are the rows with
 * timestamps in the period's part of them.
 */
export class Clipped implements DaySums, DayCounts {
  constructor(
    private readonly held: { sum?: Cumulative['sum']; all?: Cumulative['all']; count?: Distinct['count'] },
    private readonly from = -Infinity,
    private readonly to = Infinity,
  ) {}

  private lo(x: number): number {
    return Math.max(x * DAY_MS, this.from)
  }
  private hi(y: number): number {
    return Math.min(y * DAY_MS, this.to)
  }

  sum(key: string, x: number, y: number): bigint[] | undefined {
    const [a, b] = [this.lo(x), this.hi(y)]
    return a < b ? this.held.sum!(key, a, b) : undefined
  }

  all(x: number, y: number): [string, bigint[]][] {
    const [a, b] = [this.lo(x), this.hi(y)]
    return a < b ? this.held.all!(a, b) : []
  }

  sumOr0(key: string, x: number, y: number, width: number): bigint[] {
    return this.sum(key, x, y) ?? new Array<bigint>(width).fill(0n)
  }

  count(scope: string, x: number, y: number): number {
    const [a, b] = [this.lo(x), this.hi(y)]
    return a < b ? this.held.count!(scope, a, b) : 0
  }
}
