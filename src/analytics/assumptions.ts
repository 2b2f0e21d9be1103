// The cost-assumptions file: what Upkeep does not measure and the chain does not say (the price of
// a CPU/GPU second, storage, model maintenance work, the OPEN price path, the distributor buckets'
// unlock schedule). Every answer computed from it is labelled `assumed` and carries the file's
// hash. A malformed file or argument is an AssumptionError (code ASSUMPTION): a missing or unknown
// field, a negative or non-decimal number, a bad date, prices out of order.
import crypto from 'node:crypto'
import fs from 'node:fs'
import { AssumptionError } from '../util/errors'

/** An exact non-negative decimal as numerator / 10^scale. */
export interface Dec {
  n: bigint
  d: bigint
  text: string
}

export interface UnlockAssumption {
  bucket: 'community' | 'ecosystem'
  /** base units */
  total: bigint
  /** base units unlocked at `start` */
  atStart: bigint
  start: Date
  durationDays: number
}

export interface Assumptions {
  /** sha256 of the file's bytes (or of the canonical JSON for arguments) */
  hash: string
  source: string
  /** USD per OPEN, each in force from its date (UTC midnight) until the next */
  openPriceUsd: { from: Date; usd: Dec }[]
  cpuSecondUsd: Dec
  gpuSecondUsd: Dec
  servingCpuSecondsPerUnit: Dec
  servingGpuSecondsPerUnit: Dec
  adapterGb: Dec
  storageUsdPerGbMonth: Dec
  maintenanceUsdPerModelMonth: Dec
  unlocks: UnlockAssumption[]
}

const SCALARS = [
  'cpuSecondUsd',
  'gpuSecondUsd',
  'servingCpuSecondsPerUnit',
  'servingGpuSecondsPerUnit',
  'adapterGb',
  'storageUsdPerGbMonth',
  'maintenanceUsdPerModelMonth',
] as const
export type ScalarAssumption = (typeof SCALARS)[number]
const KEYS = new Set<string>(['about', 'openPriceUsd', 'unlocks', ...SCALARS])
const E18 = 10n ** 18n

export function dec(v: unknown, what: string): Dec {
  if (typeof v !== 'string') throw new AssumptionError(`${what} must be a decimal string such as "0.25", got ${JSON.stringify(v)}`)
  if (/^-/.test(v.trim())) throw new AssumptionError(`${what} must not be negative, got "${v}"`)
  const m = /^(\d+)(?:\.(\d{1,18}))?$/.exec(v)
  if (!m) throw new AssumptionError(`${what} must be a decimal string with at most 18 decimals, got "${v}"`)
  const frac = m[2] ?? ''
  return { n: BigInt(m[1] + frac), d: 10n ** BigInt(frac.length), text: v }
}

function day(v: unknown, what: string): Date {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)) || new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) !== v)
    throw new AssumptionError(`${what} must be a date YYYY-MM-DD, got ${JSON.stringify(v)}`)
  return new Date(`${v}T00:00:00Z`)
}

/** Checks a parsed assumptions object; `hash` and `source` name where it came from. */
export function checkAssumptions(raw: unknown, hash: string, source: string): Assumptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new AssumptionError(`${source}: the assumptions must be a JSON object`)
  const o = raw as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k))
  if (unknown.length) throw new AssumptionError(`${source}: unknown field ${unknown.map((k) => `"${k}"`).join(', ')} (known: ${[...KEYS].join(', ')})`)
  for (const k of [...SCALARS, 'openPriceUsd', 'unlocks']) if (!(k in o)) throw new AssumptionError(`${source}: missing field "${k}"`)
  const scalars = Object.fromEntries(SCALARS.map((k) => [k, dec(o[k], `${source}: ${k}`)])) as Record<ScalarAssumption, Dec>
  if (!Array.isArray(o.openPriceUsd) || o.openPriceUsd.length === 0) throw new AssumptionError(`${source}: openPriceUsd must be a non-empty list of { from, usd }`)
  const prices = o.openPriceUsd.map((x: unknown, i: number) => {
    const e = (x ?? {}) as Record<string, unknown>
    const usd = dec(e.usd, `${source}: openPriceUsd[${i}].usd`)
    if (usd.n === 0n) throw new AssumptionError(`${source}: openPriceUsd[${i}].usd must be above 0`)
    return { from: day(e.from, `${source}: openPriceUsd[${i}].from`), usd }
  })
  for (let i = 1; i < prices.length; i++)
    if (!(prices[i].from > prices[i - 1].from)) throw new AssumptionError(`${source}: openPriceUsd must be in increasing date order (entry ${i})`)
  if (!Array.isArray(o.unlocks)) throw new AssumptionError(`${source}: unlocks must be a list of { bucket, totalOpen, atStartOpen, start, durationDays }`)
  const unlocks = o.unlocks.map((x: unknown, i: number): UnlockAssumption => {
    const e = (x ?? {}) as Record<string, unknown>
    const what = `${source}: unlocks[${i}]`
    if (e.bucket !== 'community' && e.bucket !== 'ecosystem') throw new AssumptionError(`${what}.bucket must be "community" or "ecosystem", got ${JSON.stringify(e.bucket)}`)
    const open = (v: unknown, f: string) => {
      const d = dec(v, `${what}.${f}`)
      return (d.n * E18) / d.d
    }
    const total = open(e.totalOpen, 'totalOpen')
    const atStart = open(e.atStartOpen, 'atStartOpen')
    if (atStart > total) throw new AssumptionError(`${what}.atStartOpen must not exceed totalOpen`)
    if (!Number.isInteger(e.durationDays) || (e.durationDays as number) < 1) throw new AssumptionError(`${what}.durationDays must be a whole number of days, 1 or more`)
    return { bucket: e.bucket, total, atStart, start: day(e.start, `${what}.start`), durationDays: e.durationDays as number }
  })
  return { hash, source, openPriceUsd: prices, ...scalars, unlocks }
}

/** Reads and checks an assumptions file; its hash is the sha256 of its bytes. */
export function readAssumptions(file: string): Assumptions {
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (e) {
    throw new AssumptionError(`cannot read the assumptions file ${file}: ${(e as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(bytes.toString('utf8'))
  } catch (e) {
    throw new AssumptionError(`${file} is not JSON: ${(e as Error).message}`)
  }
  return checkAssumptions(raw, crypto.createHash('sha256').update(bytes).digest('hex'), file)
}

/** `base` with some scalars and the price replaced (GraphQL sensitivity arguments); hashed anew. */
export function withOverrides(base: Assumptions, o: Partial<Record<ScalarAssumption, string>> & { openPriceUsd?: string }): Assumptions {
  const out: Assumptions = { ...base }
  for (const k of SCALARS) if (o[k] !== undefined && o[k] !== null) out[k] = dec(o[k], k)
  if (o.openPriceUsd !== undefined && o.openPriceUsd !== null) {
    const usd = dec(o.openPriceUsd, 'openPriceUsd')
    if (usd.n === 0n) throw new AssumptionError('openPriceUsd must be above 0')
    out.openPriceUsd = [{ from: new Date(0), usd }]
  }
  const changed = Object.entries(o).filter(([, v]) => v !== undefined && v !== null)
  if (!changed.length) return base
  const canonical = JSON.stringify({ base: base.hash, overrides: Object.fromEntries(changed.sort(([a], [b]) => (a < b ? -1 : 1))) })
  out.hash = crypto.createHash('sha256').update(canonical).digest('hex')
  out.source = `${base.source} with ${changed.map(([k, v]) => `${k}=${v}`).join(', ')}`
  return out
}

/** The OPEN price in force at `at`, or null when the path starts later. */
export function priceAt(a: Assumptions, at: Date): Dec | null {
  let p: Dec | null = null
  for (const x of a.openPriceUsd) if (x.from <= at) p = x.usd
  return p
}

/** Unlocked-to-date amount of one assumed bucket schedule at `at`: atStart at start, then linear. */
export function unlockedAt(u: UnlockAssumption, at: Date): bigint {
  if (at < u.start) return 0n
  const ms = BigInt(at.getTime() - u.start.getTime())
  const dur = BigInt(u.durationDays) * 86_400_000n
  if (ms >= dur) return u.total
  return u.atStart + ((u.total - u.atStart) * ms) / dur
}
