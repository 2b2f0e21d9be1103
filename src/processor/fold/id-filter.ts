// A compact superset of the ids a table holds (a Bloom filter, in layers as it grows), so the fold
// can create a row it has never seen without first asking Postgres for it: nearly every cache miss
// of an address-keyed entity (a new account, escrow or datanet contributor) was a round trip that
// found nothing. "Absent" answers are exact; "maybe" costs one lookup, as before.
//
// It stays a superset only while every id the table receives is added: the filter is built from
// the table once (start-up), then the fold adds each id it creates. A rollback only takes rows
// back to states they had before, whose ids are therefore in the filter already; ids of rolled
// back rows stay in it as harmless false positives.

const BITS_PER_ID = 10 // with 7 probes: ~1 % false positives at capacity
const PROBES = 7
const MIN_CAPACITY = 1 << 14

class Layer {
  readonly bits: Uint32Array
  readonly mask: number
  count = 0
  constructor(readonly capacity: number) {
    // a power of two of bits, so a probe is a mask, not a division
    let m = 1 << 5
    while (m < capacity * BITS_PER_ID) m *= 2
    this.bits = new Uint32Array(m >>> 5)
    this.mask = m - 1
  }
  add(h1: number, h2: number): void {
    for (let i = 0; i < PROBES; i++) {
      const b = (h1 + Math.imul(i, h2)) & this.mask
      this.bits[b >>> 5] |= 1 << (b & 31)
    }
    this.count++
  }
  has(h1: number, h2: number): boolean {
    for (let i = 0; i < PROBES; i++) {
      const b = (h1 + Math.imul(i, h2)) & this.mask
      if ((this.bits[b >>> 5] & (1 << (b & 31))) === 0) return false
    }
    return true
  }
}

let h1 = 0
let h2 = 0
/** Two 32-bit hashes of a string (FNV-1a and a murmur-style mix), into h1/h2. */
function hash(s: string): void {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
    b ^= b >>> 15
  }
  b ^= b >>> 13
  b = Math.imul(b, 0xc2b2ae35)
  b ^= b >>> 16
  h1 = a >>> 0
  h2 = (b | 1) >>> 0 // odd: the probes of one id never collapse onto one bit
}

export class IdFilter {
  private readonly layers: Layer[]

  /** `expected`: how many ids it is built with; it grows past that by adding layers. */
  constructor(expected = 0) {
    this.layers = [new Layer(Math.max(MIN_CAPACITY, expected * 2))]
  }

  /** Adds an id (nothing when it may be in already: bits are never cleared, so it stays "maybe"). */
  add(id: string): void {
    hash(id)
    if (this.hashed()) return
    let top = this.layers[this.layers.length - 1]
    if (top.count >= top.capacity) this.layers.push((top = new Layer(top.capacity * 2)))
    top.add(h1, h2)
  }

  /** false: the id was never added (exact); true: it may have been. */
  mayHave(id: string): boolean {
    hash(id)
    return this.hashed()
  }

  private hashed(): boolean {
    for (const l of this.layers) if (l.has(h1, h2)) return true
    return false
  }
}
