// A stake's value at a time, as Staking.calculateAmount computes it (contracts/Staking.sol, the
// public openledger-staking contract): amount × expWad(min(t − updatedAt, stakeDuration) ÷ 365 d ×
// interestRate), every step in Solady's WAD integer maths, mirrored here in bigint so an accrual
// equals what the contract pays to the wei. A float never touches an amount.

export const WAD = 10n ** 18n
const YEAR = 365n * 86_400n
const MAX_UINT256 = (1n << 256n) - 1n

/** The contract would revert (MulWadFailed, DivWadFailed, ExpOverflow): the value is unknown. */
export class StakeMathError extends Error {}

/** Solady mulWad: x × y ÷ 1e18 rounded down; reverts on overflow. */
export function mulWad(x: bigint, y: bigint): bigint {
  if (y !== 0n && x > MAX_UINT256 / y) throw new StakeMathError('MulWadFailed')
  return (x * y) / WAD
}

/** Solady divWad: x × 1e18 ÷ y rounded down; reverts on y = 0 or overflow. */
export function divWad(x: bigint, y: bigint): bigint {
  if (y === 0n || x > MAX_UINT256 / WAD) throw new StakeMathError('DivWadFailed')
  return (x * WAD) / y
}

/**
 * Solady expWad (FixedPointMathLib, the version solady 0.1.26 ships): e^(x ÷ 1e18) × 1e18 for a
 * signed WAD x, by the same (6, 7)-term rational approximation and the same truncations. BigInt
 * `/` truncates toward zero like sdiv and `>>` is arithmetic like sar; no intermediate leaves the
 * int256 range for x in the domain, so no wrap-around needs mirroring.
 */
export function expWad(x: bigint): bigint {
  if (x <= -41446531673892822313n) return 0n
  if (x >= 135305999368893231589n) throw new StakeMathError('ExpOverflow')
  x = (x << 78n) / 5n ** 18n
  const k = ((x << 96n) / 54916777467707473351141471128n + 2n ** 95n) >> 96n
  x = x - k * 54916777467707473351141471128n
  let y = x + 1346386616545796478920950773328n
  y = ((y * x) >> 96n) + 57155421227552351082224309758442n
  let p = y + x - 94201549194550492254356042504812n
  p = ((p * y) >> 96n) + 28719021644029726153956944680412240n
  p = p * x + (4385272521454847904659076985693276n << 96n)
  let q = x - 2855989394907223263936484059900n
  q = ((q * x) >> 96n) + 50020603652535783019961831881945n
  q = ((q * x) >> 96n) - 533845033583426703283633433725380n
  q = ((q * x) >> 96n) + 3604857256930695427073651918091429n
  q = ((q * x) >> 96n) - 14423608567350463180887372962807573n
  q = ((q * x) >> 96n) + 26449188498355588339934803723976023n
  const r = p / q
  return (r * 3822833074963236453042738258902158003155416615667n) >> (195n - k)
}

export interface StakeTerms {
  /** the stake's stored amount: principal plus interest compounded at its last top-up */
  amount: bigint
  /** when that amount was stored (unix seconds) */
  updatedAt: bigint
  /** the config's rate, WAD per year */
  interestRate: bigint
  /** seconds after updatedAt that accrue; 0 = no bound */
  stakeDuration: bigint
}

/** Staking.calculateAmount at block time `now` (unix seconds). */
export function stakeValueAt(s: StakeTerms, now: bigint): bigint {
  if (now < s.updatedAt) throw new StakeMathError('time before the stake was stored') // checked subtraction reverts
  let elapsed = now - s.updatedAt
  if (s.stakeDuration !== 0n && elapsed > s.stakeDuration) elapsed = s.stakeDuration
  const years = divWad(elapsed, YEAR)
  const growth = expWad(mulWad(years, s.interestRate))
  return mulWad(s.amount, growth)
}
