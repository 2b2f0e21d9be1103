// Supply, treasury and price: unlock overhang, runway, price-to-fees.
import { InputError } from '../util/errors'
import { chTime } from '../warehouse/time'
import { ratio, TOTAL_SUPPLY, vestedAt } from './exact'
import { sustainability } from './network'
import { DAY_MS, WHERE_PERIOD, type Row, type Sql } from './sql'
import { unlockedAt } from './assumptions'
import type { Liabilities, MetricsConfig, Period, PriceToFees, Runway, TokenFlows, Unknown, UnlockOverhang } from './types'

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
  const fees = await feesBetween(db, new Date(at.getTime() - 30 * DAY_MS), at)
  return unlockOverhangOf(schedules.rows, new Map(released.map((x) => [x.schedule_id, BigInt(x.amount)])), fees, at)
}

export interface VestingSchedule {
  id: string
  total: string
  start: string
  cliff: string
  duration: string
}

/** The overhang from the vesting schedules, each schedule's releases before `at` and the trailing 30 days' fees. */
export function unlockOverhangOf(schedules: VestingSchedule[], rel: Map<string, bigint>, fees: bigint, at: Date): UnlockOverhang {
  const now = BigInt(Math.floor(at.getTime() / 1000))
  let next30 = 0n
  let next90 = 0n
  let unreleased = 0n
  for (const s of schedules) {
    const sched = { total: BigInt(s.total), start: BigInt(s.start), cliff: BigInt(s.cliff), duration: BigInt(s.duration) }
    const v = vestedAt(sched, now)
    next30 += vestedAt(sched, now + 30n * 86_400n) - v
    next90 += vestedAt(sched, now + 90n * 86_400n) - v
    unreleased += v - (rel.get(s.id) ?? 0n)
  }
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
 * What protocol contracts hold for others at `at`: owed, so never budget. Staked principal (stakes
 * not yet paid out), creators' and operators' accrued fee shares not yet claimed, contributors'
 * pools not yet paid out by attribution, payers' prepaid escrow.
 */
export async function liabilities(db: Sql, at: Date): Promise<Liabilities> {
  const before = `timestamp < toDateTime64({to:String}, 3, 'UTC')`
  const [x] = await db.q(
    `SELECT
       (SELECT toString(sum(p)) FROM (SELECT stake_id, sumIf(ifNull(amount, 0), kind IN ('staked', 'opened', 'topped_up')) AS p, countIf(kind = 'unstaked') AS out
                                      FROM ${db.t('stake_event')} WHERE ${before} GROUP BY stake_id) WHERE out = 0) AS staked,
       (SELECT toString(sum(creator_share) + sum(infra_share)) FROM ${db.t('inference')} WHERE ${before}) AS accrued,
       (SELECT toString(sum(contributors_share)) FROM ${db.t('inference')} WHERE ${before}) AS pools,
       (SELECT toString(sum(fee)) FROM ${db.t('inference')} WHERE ${before}) AS charged,
       (SELECT toString(sum(amount)) FROM ${db.t('creator_payout')} WHERE ${before}) AS creator_paid,
       (SELECT toString(sum(amount)) FROM ${db.t('operator_payout')} WHERE ${before}) AS operator_paid,
       (SELECT toString(sum(amount)) FROM ${db.t('attribution_payout')} WHERE ${before}) AS attributed,
       (SELECT toString(sumIf(amount, kind = 'deposit')) FROM ${db.t('escrow_movement')} WHERE ${before}) AS deposited,
       (SELECT toString(sumIf(amount, kind = 'withdrawal')) FROM ${db.t('escrow_movement')} WHERE ${before}) AS withdrawn`,
    { to: chTime(at) },
  )
  return liabilitiesOf(x, db.cfg.stakingBank ? await balanceAt(db, db.cfg.stakingBank, at) : null)
}

/** Liabilities from the sums before `at` (staked, accrued, pools, charged, creator_paid, operator_paid, attributed, deposited, withdrawn) and the bank's balance. */
export function liabilitiesOf(x: Row | undefined, stakingBankBalance: bigint | null): Liabilities {
  const big = (v: string | undefined) => BigInt(v ?? '0')
  // null: no staking bank configured (the callers read a balance only when there is one)
  const unknowns: Unknown[] = stakingBankBalance !== null ? [] : [{ field: 'stakingBankBalance', reason: 'no staking bank account configured (STAKING_BANK_ADDRESS or the manifest\'s accounts.stakingBank)' }]
  return {
    stakedPrincipal: big(x?.staked),
    stakingBankBalance,
    unclaimedAccruals: big(x?.accrued) - big(x?.creator_paid) - big(x?.operator_paid),
    undistributedPools: big(x?.pools) - big(x?.attributed),
    prepaidEscrow: big(x?.deposited) - big(x?.withdrawn) - big(x?.charged),
    unknowns,
  }
}

/**
 * Treasury runway on net burn (outflow − inflow over the 90 days before `at`, per month), and the
 * incentive runway of the distributor's unlocked-to-date budget (assumed unlock schedule) at the
 * trailing-90-day emissions. Liabilities are reported beside, never counted as budget.
 */
export async function runway(db: Sql, at: Date): Promise<Runway> {
  const from90 = new Date(at.getTime() - 90 * DAY_MS)
  // the facade answers null before this when either is not configured (coverage.ts, FAMILY_NEEDS.runway)
  const treasury = db.cfg.treasury!.toLowerCase()
  const distributor = db.cfg.distributor!.toLowerCase()
  const [flows] = await db.q(
    `SELECT toString(sumIf(amount, from_id = {a:String} AND ${WHERE_PERIOD})) AS out, toString(sumIf(amount, to_id = {a:String} AND ${WHERE_PERIOD})) AS inflow,
            toString(sumIf(amount, from_id = {d:String} AND timestamp < toDateTime64({to:String}, 3, 'UTC'))) AS distributed
     FROM ${db.t('token_transfer')} WHERE from_id IN ({a:String}, {d:String}) OR to_id = {a:String}`,
    { a: treasury, d: distributor, from: chTime(from90), to: chTime(at) },
  )
  const [treasuryBalance, distributorBalance, s, owed] = [
    await balanceAt(db, treasury, at),
    await balanceAt(db, distributor, at),
    await sustainability(db, { from: from90, to: at }, 'month'),
    await liabilities(db, at),
  ]
  return runwayOf(db.cfg, at, { flows, treasuryBalance, distributorBalance, rewardsEmissions90: s.totals.rewardsEmissions!, liabilities: owed }) // computed here, masked only by the facade
}

/** What the runway is computed from: the flows row (out, inflow, distributed), balances at `at`, the 90 days' emissions, the liabilities. */
export interface RunwayInputs {
  flows: Row | undefined
  treasuryBalance: bigint
  distributorBalance: bigint
  rewardsEmissions90: bigint
  liabilities: Liabilities
}

export function runwayOf(cfg: MetricsConfig, at: Date, { flows, treasuryBalance, distributorBalance, rewardsEmissions90, liabilities }: RunwayInputs): Runway {
  const unknowns: Unknown[] = []
  const treasuryMonthlyOutflow = BigInt(flows?.out ?? '0') / 3n
  const treasuryMonthlyInflow = BigInt(flows?.inflow ?? '0') / 3n
  const treasuryMonthlyNetBurn = treasuryMonthlyOutflow - treasuryMonthlyInflow
  const treasuryRunwayMonths = treasuryMonthlyNetBurn > 0n ? ratio(treasuryBalance, treasuryMonthlyNetBurn, 2) : null
  if (treasuryRunwayMonths === null) unknowns.push({ field: 'treasuryRunwayMonths', reason: 'no net burn: the treasury took in at least what it paid out in the 90 days before' })
  const distributedToDate = BigInt(flows?.distributed ?? '0')
  const a = cfg.assumptions
  let unlockedToDate: bigint | null = null
  let incentiveBudget: bigint | null = null
  if (!a) unknowns.push({ field: 'incentiveBudget', reason: 'the buckets\' unlock schedule is not on chain and no assumptions file was given' })
  else if (!a.unlocks.length) unknowns.push({ field: 'incentiveBudget', reason: `the assumptions (${a.source}) give no bucket unlock schedule` })
  else {
    unlockedToDate = a.unlocks.reduce((s, u) => s + unlockedAt(u, at), 0n)
    const left = unlockedToDate - distributedToDate
    incentiveBudget = left < 0n ? 0n : left > distributorBalance ? distributorBalance : left
  }
  const monthlyIncentives = rewardsEmissions90 / 3n
  const incentiveRunwayMonths = incentiveBudget === null ? null : ratio(incentiveBudget, monthlyIncentives, 2)
  if (incentiveBudget !== null && incentiveRunwayMonths === null) unknowns.push({ field: 'incentiveRunwayMonths', reason: 'no emissions in the 90 days before' })
  else if (incentiveBudget === null) unknowns.push({ field: 'incentiveRunwayMonths', reason: 'the incentive budget is unknown' })
  return {
    at,
    treasuryBalance,
    treasuryMonthlyOutflow,
    treasuryMonthlyInflow,
    treasuryMonthlyNetBurn,
    treasuryRunwayMonths,
    distributorBalance,
    distributedToDate,
    unlockedToDate,
    incentiveBudget,
    incentiveBudgetProvenance: a && a.unlocks.length ? 'assumed' : null,
    assumptionsHash: a?.hash ?? null,
    monthlyIncentives,
    incentiveRunwayMonths,
    liabilities,
    unknowns,
  }
}

/**
 * The labelled accounts' OPEN: balance at the period's end, inflow and outflow in it (Transfers);
 * bridged out = Σ balances of bridge:… accounts (a lock-and-mint adapter holds what left the
 * chain), unlock flows = Σ outflows of allocation:… accounts. Null with the reason when no
 * account of that kind is configured.
 */
export async function tokenFlows(db: Sql, p: Period): Promise<TokenFlows> {
  const labels = Object.entries(db.cfg.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
  const addresses = labels.map(([a]) => a)
  const rows = addresses.length
    ? await db.q(
        `SELECT a, toString(sumIf(amount, to_id = a AND timestamp < toDateTime64({to:String}, 3, 'UTC')) - sumIf(amount, from_id = a AND timestamp < toDateTime64({to:String}, 3, 'UTC'))) AS balance,
           toString(sumIf(amount, to_id = a AND ${WHERE_PERIOD})) AS inflow, toString(sumIf(amount, from_id = a AND ${WHERE_PERIOD})) AS outflow
         FROM ${db.t('token_transfer')} ARRAY JOIN arrayDistinct([from_id, to_id]) AS a WHERE a IN {addresses:Array(String)} GROUP BY a`,
        { ...db.range(p), addresses },
      )
    : []
  const byAccount = new Map(rows.map((r) => [r.a, r]))
  const accounts = labels.map(([account, label]) => {
    const r = byAccount.get(account)
    return { label, account, balance: BigInt(r?.balance ?? '0'), inflow: BigInt(r?.inflow ?? '0'), outflow: BigInt(r?.outflow ?? '0') }
  })
  const unknowns: Unknown[] = []
  const sum = (prefix: string, field: 'balance' | 'outflow', name: string, what: string) => {
    const xs = accounts.filter((x) => x.label.startsWith(prefix))
    if (!xs.length) unknowns.push({ field: name, reason: `no ${what} account is labelled (a label starting with "${prefix}" in the manifest's labels)` })
    return xs.length ? xs.reduce((s, x) => s + x[field], 0n) : null
  }
  return { from: p.from, to: p.to, accounts, bridgedOut: sum('bridge:', 'balance', 'bridgedOut', 'bridge adapter'), allocationOutflow: sum('allocation:', 'outflow', 'allocationOutflow', 'allocation wallet'), unknowns }
}

/** Price-to-fees at a given OPEN price: fully diluted market cap / annualized trailing-30-day fees. */
export async function priceToFees(db: Sql, at: Date, priceUsd: string): Promise<PriceToFees> {
  checkPriceUsd(priceUsd)
  const [b] = await db.q(`SELECT toString(sum(amount)) AS burned FROM ${db.t('burn')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC')`, { to: chTime(at) })
  return priceToFeesOf(priceUsd, BigInt(b?.burned ?? '0'), await feesBetween(db, new Date(at.getTime() - 30 * DAY_MS), at))
}

/** A USD price of OPEN as a decimal string; refused when malformed. */
export function checkPriceUsd(priceUsd: string): void {
  if (!/^\d+(\.\d{1,18})?$/.test(priceUsd)) throw new InputError(`price must be a decimal number of USD, got "${priceUsd}"`)
}

/** P/F from everything burned before `at` and the trailing 30 days' fees. */
export function priceToFeesOf(priceUsd: string, burned: bigint, fees30: bigint): PriceToFees {
  checkPriceUsd(priceUsd)
  const [whole, frac = ''] = priceUsd.split('.')
  const price = BigInt(whole + frac.padEnd(18, '0')) // USD per OPEN, 18 decimals
  const supply = TOTAL_SUPPLY - burned
  const annualizedFees = (fees30 * 365n) / 30n
  const usd = (amount: bigint) => ratio((amount * price) / 10n ** 18n, 10n ** 18n, 2)!
  return { priceUsd, supply, annualizedFees, marketCapUsd: usd(supply), annualizedFeesUsd: usd(annualizedFees), priceToFees: ratio(supply, annualizedFees, 2) }
}
