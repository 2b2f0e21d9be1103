// The in-memory structures behind the served answers (src/analytics/served.ts): cumulative sums
// per key and day, exact distinct ids per scope over any range of days, and the views that add a
// period's partial edge days (read from the facts) to the whole days held in memory.
import { DAY_MS } from './sql'
import type { Period } from './types'

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

/** Where (scope, day, id) triples are put: the held Distinct, or a period's edge days. */
export interface IdSink {
  add(scope: string, day: number, id: string): void
}

const plus = (x: bigint[] | undefined, y: bigint[] | undefined): bigint[] | undefined => (x && y ? x.map((v, i) => v + y[i]) : (x ?? y))

/** Per key: the days it has rows on and the cumulative sums of its fields up to each of them. */
export class Cumulative implements DaySums {
  private readonly keys = new Map<string, { days: number[]; cum: bigint[][] }>()

  /** Rows must come in day order per key. */
  add(key: string, day: number, values: bigint[]): void {
    let k = this.keys.get(key)
    if (!k) this.keys.set(key, (k = { days: [], cum: [] }))
    const last = k.cum[k.cum.length - 1]
    k.days.push(day)
    k.cum.push(last ? values.map((v, i) => v + last[i]) : values.slice())
  }

  sum(key: string, a: number, b: number): bigint[] | undefined {
    const k = this.keys.get(key)
    return k && this.sumOf(k, a, b)
  }

  private sumOf(k: { days: number[]; cum: bigint[][] }, a: number, b: number): bigint[] | undefined {
    const i = lowerBound(k.days, a)
    const j = lowerBound(k.days, b)
    if (i >= j) return undefined
    const hi = k.cum[j - 1]
    if (i === 0) return hi
    const lo = k.cum[i - 1]
    return hi.map((v, f) => v - lo[f])
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

  get size(): number {
    let n = 0
    for (const k of this.keys.values()) n += k.days.length
    return n
  }
}

/** Amounts per key and day, in any order, added to `c` in day order as [rows, amount]. */
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
 * Exact distinct ids per scope over any range of days. For every (day, id) the day the id was
 * last seen before, so the ids of [a, b) not seen in [a, d) are counted once each (Σ over days d
 * in [a, b) of #{prev < a}, one binary search per day); and per id the days it was seen on, so a
 * period's edge-day ids can be checked against its whole days.
 */
export class Distinct implements DayCounts, IdSink {
  private readonly scopes = new Map<string, { days: number[]; prev: Int32Array[]; open: number[] }>()
  private readonly seenOn = new Map<string, number[]>()

  /** (day, id) pairs of a scope, in day order, each pair once. */
  add(scope: string, day: number, id: string): void {
    let s = this.scopes.get(scope)
    if (!s) this.scopes.set(scope, (s = { days: [], prev: [], open: [] }))
    if (s.days[s.days.length - 1] !== day) {
      this.close(s)
      s.days.push(day)
    }
    const key = `${scope}\u0000${id}`
    const days = this.seenOn.get(key)
    if (days) {
      s.open.push(days[days.length - 1])
      days.push(day)
    } else {
      s.open.push(-1)
      this.seenOn.set(key, [day])
    }
  }

  private close(s: { prev: Int32Array[]; open: number[]; days: number[] }): void {
    if (s.days.length > s.prev.length) s.prev.push(Int32Array.from(s.open).sort())
    s.open = []
  }

  /** Call once after the last add. */
  seal(): void {
    for (const s of this.scopes.values()) this.close(s)
  }

  count(scope: string, a: number, b: number): number {
    const s = this.scopes.get(scope)
    if (!s) return 0
    let n = 0
    for (let i = lowerBound(s.days, a); i < s.days.length && s.days[i] < b; i++) n += lowerBound(s.prev[i], a)
    return n
  }

  /** Whether the scope saw `id` on a day in [a, b). */
  seen(scope: string, id: string, a: number, b: number): boolean {
    const days = this.seenOn.get(`${scope}\u0000${id}`)
    if (!days) return false
    const i = lowerBound(days, a)
    return i < days.length && days[i] < b
  }
}

/** The ids seen on a period's edge days, per scope and day. */
export class EdgeIds implements IdSink {
  readonly scopes = new Map<string, Map<number, string[]>>()

  add(scope: string, day: number, id: string): void {
    let s = this.scopes.get(scope)
    if (!s) this.scopes.set(scope, (s = new Map()))
    const ids = s.get(day)
    if (ids) ids.push(id)
    else s.set(day, [id])
  }
}

/** A period as days: whole days from memory, at most two partial (edge) days from the facts. */
export interface Span {
  /** the days the period touches, [d0, d1) */
  d0: number
  d1: number
  /** the whole days inside it, [a, z) (none when a >= z); z is also the day the period ends in */
  a: number
  z: number
  /** the partial days: each [from, to) inside one day, in day order */
  edges: { day: number; from: Date; to: Date }[]
  /** [midnight of z, to) when the period ends inside a day: what "before the end" adds to the days before z */
  endEdge: { day: number; from: Date; to: Date } | undefined
}

export function spanOf(p: Period): Span {
  const f = p.from.getTime()
  const t = p.to.getTime()
  const a = Math.ceil(f / DAY_MS)
  const z = Math.floor(t / DAY_MS)
  const edges: Span['edges'] = []
  if (f % DAY_MS) edges.push({ day: Math.floor(f / DAY_MS), from: p.from, to: new Date(Math.min(t, a * DAY_MS)) })
  // when both ends are in one day the edge above is the whole period
  const endEdge = t % DAY_MS ? { day: z, from: new Date(z * DAY_MS), to: p.to } : undefined
  if (endEdge && z * DAY_MS >= f) edges.push(endEdge)
  return { d0: Math.floor(f / DAY_MS), d1: Math.ceil(t / DAY_MS), a, z, edges, endEdge }
}

/** Whole days [a, z) from memory and the edge days' sums (days outside [a, z)) read from the facts. */
export class EdgeSums implements DaySums {
  constructor(
    private readonly held: DaySums,
    private readonly edge: Cumulative,
    private readonly a: number,
    private readonly z: number,
  ) {}

  sum(key: string, x: number, y: number): bigint[] | undefined {
    const lo = Math.max(x, this.a)
    const hi = Math.min(y, this.z)
    return plus(lo < hi ? this.held.sum(key, lo, hi) : undefined, this.edge.sum(key, x, y))
  }

  all(x: number, y: number): [string, bigint[]][] {
    const lo = Math.max(x, this.a)
    const hi = Math.min(y, this.z)
    const m = new Map(lo < hi ? this.held.all(lo, hi) : [])
    for (const [k, s] of this.edge.all(x, y)) m.set(k, plus(m.get(k), s)!)
    return [...m]
  }

  sumOr0(key: string, x: number, y: number, width: number): bigint[] {
    return this.sum(key, x, y) ?? new Array<bigint>(width).fill(0n)
  }
}

/** Distinct ids of the whole days [a, z) held in memory united with the edge days' ids. */
export class EdgeDistinct implements DayCounts {
  constructor(
    private readonly held: Distinct,
    private readonly edge: EdgeIds,
    private readonly a: number,
    private readonly z: number,
  ) {}

  count(scope: string, x: number, y: number): number {
    const lo = Math.max(x, this.a)
    const hi = Math.min(y, this.z)
    const whole = lo < hi
    const n = whole ? this.held.count(scope, lo, hi) : 0
    const extra = new Set<string>()
    for (const [d, ids] of this.edge.scopes.get(scope) ?? []) {
      if (d < x || d >= y) continue
      for (const id of ids) if (!(whole && this.held.seen(scope, id, lo, hi))) extra.add(id)
    }
    return n + extra.size
  }
}
