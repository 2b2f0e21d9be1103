// Exact decimal ratios for expectations, computed with bigint long division (no floats).

/** num/den by long division, truncated toward zero to `digits` places; null when den is 0. */
export function frac(num: bigint, den: bigint, digits = 6): string | null {
  if (den === 0n) return null
  const negative = num !== 0n && num < 0n !== den < 0n
  const n = num < 0n ? -num : num
  const d = den < 0n ? -den : den
  let rem = n % d
  let decimals = ''
  for (let i = 0; i < digits; i++) {
    rem *= 10n
    decimals += String(rem / d)
    rem %= d
  }
  return `${negative ? '-' : ''}${n / d}.${decimals}`
}
