// Supply, treasury and price: unlock overhang, runway, price-to-fees.
import { InputError } from '../util/errors'
import { chTime } from '../warehouse/time'
import { ratio, TOTAL_SUPPLY, vestedAt } from './exact'
import { sustainability } from './network'
import { DAY_MS, WHERE_PERIOD, type Sql } from './sql'
import type { PriceToFees, Runway, UnlockOverhang } from './types'

export async function feesBetween(db: Sql, from: Date, to: Date): Promise<bigint> {
  const [x] = await db.q(`SELECT toString(sum(fee)) AS fees FROM ${db.t('inference')} WHERE ${WHERE_PERIOD}`, { from: chTime(from), to: chTime(to) })
  return BigInt(x?.fees ?? '0')
}

/** Vesting unlocks coming in the next 30 and 90 days vs the trailing 30 days of fees. */
export async function unlockOverhang(db: Sql, at: Date): Promise<UnlockOverhang> {
  const schedules = await db.pg.query<{ id: string; total: string; start: string; cliff: string; duration: string; created_at_block: number }>(
    'select id, total::text, start::text, cliff::text, duration::text, created_at_block from vesting_schedule',
  )
  const released = await db.q(
    `SELECT schedule_id, toString(sum(amount)) AS amount FROM ${db.t('vesting_release')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY schedule_id`,
    { to: chTime(at) },
  )
  const rel = new Map(released.map((x) => [x.schedule_id, BigInt(x.amount)]))
  const now = BigInt(Math.floor(at.getTime() / 1000))
  let next30 = 0n
  let next90 = 0n
  let unreleased = 0n
  for (const s of schedules.rows) {
    const sched = { total: BigInt(s.total), start: BigInt(s.start), cliff: BigInt(s.cliff), duration: BigInt(s.duration) }
    const v = vestedAt(sched, now)
    next30 += vestedAt(sched, now + 30n * 86_400n) - v
    next90 += vestedAt(sched, now + 90n * 86_400n) - v
    unreleased += v - (rel.get(s.id) ?? 0n)
  }
  const fees = await feesBetween(db, new Date(at.getTime() - 30 * DAY_MS), at)
  return { at, next30, next90, vestedUnreleased: unreleased, trailing30Fees: fees, next30ToFees: ratio(next30, fees), next90ToFees: ratio(next90, fees) }
}

export async function balanceAt(db: Sql, address: string, at: Date): Promise<bigint> {
  const [x] = await db.q(
    `SELECT toString(sumIf(amount, to_id = {a:String}) - sumIf(amount, from_id = {a:String})) AS bal FROM ${db.t('token_transfer')}
     WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') AND (to_id = {a:String} OR from_id = {a:String})`,
    { a: address.toLowerCase(), to: chTime(at) },
  )
  // sumIf on UInt256 wraps below zero; the difference of the two sums is taken in Int256
  return BigInt(x?.bal ?? '0')
}

/**
 * Months the treasury lasts at its trailing-90-day outflow, and months the incentive budget
 * (distributor buckets + staking bank) lasts at the trailing-90-day emissions.
 */
export async function runway(db: Sql, at: Date): Promise<Runway> {
  const from90 = new Date(at.getTime() - 90 * DAY_MS)
  const treasury = db.cfg.treasury.toLowerCase()
  const [out] = await db.q(
    `SELECT toString(sum(amount)) AS out FROM ${db.t('token_transfer')} WHERE from_id = {a:String} AND ${WHERE_PERIOD}`,
    { a: treasury, from: chTime(from90), to: chTime(at) },
  )
  const treasuryBalance = await balanceAt(db, treasury, at)
  const treasuryMonthlyOutflow = BigInt(out?.out ?? '0') / 3n
  let incentiveBudget = await balanceAt(db, db.cfg.distributor, at)
  if (db.cfg.stakingBank) incentiveBudget += await balanceAt(db, db.cfg.stakingBank, at)
  const s = await sustainability(db, { from: from90, to: at }, 'month')
  const monthlyIncentives = s.totals.tokenIncentives / 3n
  return {
    at,
    treasuryBalance,
    treasuryMonthlyOutflow,
    treasuryRunwayMonths: ratio(treasuryBalance, treasuryMonthlyOutflow, 2),
    incentiveBudget,
    monthlyIncentives,
    incentiveRunwayMonths: ratio(incentiveBudget, monthlyIncentives, 2),
  }
}

/** Price-to-fees at a given OPEN price: fully diluted market cap / annualized trailing-30-day fees. */
export async function priceToFees(db: Sql, at: Date, priceUsd: string): Promise<PriceToFees> {
  if (!/^\d+(\.\d{1,18})?$/.test(priceUsd)) throw new InputError(`price must be a decimal number of USD, got "${priceUsd}"`)
  const [whole, frac = ''] = priceUsd.split('.')
  const price = BigInt(whole + frac.padEnd(18, '0')) // USD per OPEN, 18 decimals
  const [b] = await db.q(`SELECT toString(sum(amount)) AS burned FROM ${db.t('burn')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC')`, { to: chTime(at) })
  const supply = TOTAL_SUPPLY - BigInt(b?.burned ?? '0')
  const fees30 = await feesBetween(db, new Date(at.getTime() - 30 * DAY_MS), at)
  const annualizedFees = (fees30 * 365n) / 30n
  const usd = (amount: bigint) => ratio((amount * price) / 10n ** 18n, 10n ** 18n, 2)!
  return { priceUsd, supply, annualizedFees, marketCapUsd: usd(supply), annualizedFeesUsd: usd(annualizedFees), priceToFees: ratio(supply, annualizedFees, 2) }
}
