// Exact arithmetic on amounts: ratios as decimal strings from integers, concentration indices,
// the vesting curve. No float touches an amount.
import type { Concentration } from './types'

export const OPEN_DECIMALS = 18
export const TOTAL_SUPPLY = 1_000_000_000n * 10n ** 18n

/** num/den as an exact decimal string with `digits` places (truncated), null when den is 0. */
export function ratio(num: bigint, den: bigint, digits = 6): string | null {
  if (den === 0n) return null
  const neg = num < 0n !== den < 0n && num !== 0n
  const n = num < 0n ? -num : num
  const d = den < 0n ? -den : den
  const scale = 10n ** BigInt(digits)
  const q = (n * scale) / d
  const s = q.toString().padStart(digits + 1, '0')
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`
}

/** Gini, HHI and top-10 share of a list of non-negative amounts, all exact. */
export function concentrationOf(amounts: bigint[]): Concentration {
  const xs = amounts.filter((a) => a > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const n = BigInt(xs.length)
  const total = xs.reduce((a, b) => a + b, 0n)
  if (n === 0n || total === 0n) return { recipients: xs.length, total, gini: null, hhi: null, top10Share: null }
  let weighted = 0n
  xs.forEach((x, i) => (weighted += BigInt(i + 1) * x))
  // G = (2 Σ i·x_(i)) / (n Σx) − (n+1)/n, with x ascending and i from 1
  const gini = ratio(2n * weighted - (n + 1n) * total, n * total)
  const hhi = ratio(10_000n * xs.reduce((a, x) => a + x * x, 0n), total * total, 2)
  const top10 = xs.slice(-10).reduce((a, b) => a + b, 0n)
  return { recipients: xs.length, total, gini, hhi, top10Share: ratio(top10, total) }
}

/** Vested amount of a schedule at time t (seconds), exactly as TokenVesting.vestedAt. */
export function vestedAt(s: { total: bigint; start: bigint; cliff: bigint; duration: bigint }, t: bigint): bigint {
  const unlockStart = s.start + s.cliff
  if (t < unlockStart) return 0n
  const elapsed = t - unlockStart
  if (elapsed >= s.duration) return s.total
  return (s.total * elapsed) / s.duration
}
