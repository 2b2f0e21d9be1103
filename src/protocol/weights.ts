// Fixed-point attribution weights: integers that sum exactly to SCALE before they become money.
export const WEIGHT_SCALE = 1_000_000n

/**
 * Largest-remainder apportionment of SCALE over non-negative integer scores: each entry gets
 * floor(score * SCALE / total), then the leftover units go one each to the entries with the
 * largest remainders, ties broken by lower index. Returns weights in input order.
 */
export function toFixedPointWeights(scores: readonly bigint[], scale: bigint = WEIGHT_SCALE): bigint[] {
  if (scores.length === 0) throw new RangeError('no scores to apportion')
  let total = 0n
  for (const s of scores) {
    if (s < 0n) throw new RangeError('scores must be non-negative')
    total += s
  }
  if (total === 0n) throw new RangeError('scores sum to zero')
  const weights = scores.map((s) => (s * scale) / total)
  let left = scale - weights.reduce((a, b) => a + b, 0n)
  const order = scores
    .map((s, i) => ({ i, rem: (s * scale) % total }))
    .sort((a, b) => (a.rem !== b.rem ? (b.rem > a.rem ? 1 : -1) : a.i - b.i))
  for (let k = 0; left > 0n; k++, left--) weights[order[k].i] += 1n
  return weights
}
