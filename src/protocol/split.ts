// The fee-split remainder rule, shared by everything that recomputes a split (workload mirror,
// inference node, verifier). Mirrors InferenceSettlement.settleBatch exactly.
export interface FeeSplitPolicy {
  version: number
  creatorBps: number
  contributorsBps: number
  infraBps: number
  treasuryBps: number
  burnBps: number
}

export interface FeeShares {
  creator: bigint
  contributors: bigint
  infra: bigint
  treasury: bigint
  burn: bigint
}

const BPS = 10_000n

/**
 * floor(fee * bps / 10_000) for creator, contributors, infrastructure and burn; the treasury gets
 * the rest (its own share plus every rounding remainder), so the shares always sum to the fee.
 */
export function splitFee(fee: bigint, p: FeeSplitPolicy): FeeShares {
  if (fee < 0n) throw new RangeError('fee must be non-negative')
  const creator = (fee * BigInt(p.creatorBps)) / BPS
  const contributors = (fee * BigInt(p.contributorsBps)) / BPS
  const infra = (fee * BigInt(p.infraBps)) / BPS
  const burn = (fee * BigInt(p.burnBps)) / BPS
  return { creator, contributors, infra, burn, treasury: fee - creator - contributors - infra - burn }
}
