// Staking interest on an accrual basis. A stake's value at time t is what the contract's
// calculateAmount gives at a block of time t (src/protocol/stake-interest.ts, the contract's own
// integer maths); the interest a stake accrues over a span is the change of that value. Spans end
// at every UTC day boundary (booked by the first indexed event at or after it, as the fold sees
// time only through blocks) and at every event that changes the stake: a top-up (the contract
// compounds the interest into the amount and restarts), a request to unstake (the value freezes)
// or a payout without a request (no cooldown). The values telescope: Σ accrued = value at the
// request − principal = payout − principal, and a payout that differs from the booked value books
// the difference as a `residue` span on the payout day (none when the mirror is exact). A
// commitment stake accrues from the start time its opening call names: its spans are booked,
// backdated, by the opening block. The value uses the config in force when the span is booked,
// as the contract does (a config update changes the value of every running stake of it).
import { createLogger } from '@subsquid/logger'
import { IsNull, Not } from 'typeorm'
import * as M from '../../model'
import { StakeMathError, stakeValueAt } from '../../protocol/stake-interest'
import type { EventContext, FoldState } from './state'

const DAY_MS = 86_400_000
const log = createLogger('upkeep:staking')
const seconds = (t: Date) => BigInt(Math.floor(t.getTime() / 1000))

/** The stake's value at `t` under its config now, or null when the contract's terms are unknown. */
async function valueAt(s: FoldState, stake: M.Stake, t: Date): Promise<bigint | null> {
  const cfg = stake.config ? await s.stakeConfigs.get(s.store, stake.config.id) : undefined
  if (!cfg || cfg.interestRate == null || cfg.stakeDuration == null || stake.accrualAmount == null || stake.accrualAnchor == null) return null
  try {
    return stakeValueAt({ amount: stake.accrualAmount, updatedAt: seconds(stake.accrualAnchor), interestRate: cfg.interestRate, stakeDuration: cfg.stakeDuration }, seconds(t))
  } catch (e) {
    if (e instanceof StakeMathError) return null
    throw e
  }
}

function span(stake: M.Stake, kind: string, from: Date, until: Date, valueFrom: bigint, valueTo: bigint, blockNumber: number): M.StakeAccrual {
  return new M.StakeAccrual({ id: `${stake.id}-${from.getTime()}-${until.getTime()}-${kind}`, stake, kind, timestamp: from, until, valueFrom, valueTo, blockNumber })
}

/** The stake stops accruing (its value is kept: it is what the contract will pay, or unknown). */
function stop(stake: M.Stake): void {
  stake.accrualAmount = null
  stake.accrualAnchor = null
  stake.accruedTo = null
}

/**
 * Books the stake's accrual from accruedTo up to `t`, one span per UTC day; returns the value at
 * `t`, or null when it cannot be computed (then the stake stops accruing and its interest is
 * booked as the residue at payout).
 */
async function bookTo(s: FoldState, blockNumber: number, stake: M.Stake, t: Date): Promise<bigint | null> {
  if (!stake.accruedTo || stake.accruedValue == null) return null
  let from: Date = stake.accruedTo
  let v0: bigint = stake.accruedValue
  for (;;) {
    const end: Date = from < t ? new Date(Math.min((Math.floor(from.getTime() / DAY_MS) + 1) * DAY_MS, t.getTime())) : t
    const v1 = await valueAt(s, stake, end)
    if (v1 === null) {
      log.warn(`stake ${stake.id}: its config's rate or duration is unknown (or the contract would revert) at ${end.toISOString()}; its interest is booked at payout`)
      stop(stake)
      s.stakes.touch(stake)
      return null
    }
    if (end > from || v1 !== v0) {
      s.rows.stakeAccruals.push(span(stake, 'accrual', from, end, v0, v1, blockNumber))
      ;(await s.day(from)).stakingInterest += v1 - v0
    }
    from = end
    v0 = v1
    if (from >= t) break
  }
  stake.accruedTo = from
  stake.accruedValue = v0
  s.stakes.touch(stake)
  return v0
}

/** A stake starts accruing: `amount` stored at `at` (stake(), or a commitment's start time). */
export function startAccrual(stake: M.Stake, amount: bigint, at: Date): void {
  stake.accrualAmount = amount
  stake.accrualAnchor = at
  stake.accruedTo = at
  stake.accruedValue = amount
}

/** topUpStake: interest so far is compounded into the amount and the stake restarts. */
export async function accrueTopUp(s: FoldState, ev: EventContext, stake: M.Stake, topUp: bigint): Promise<void> {
  const value = stake.accruedTo ? await bookTo(s, ev.blockNumber, stake, ev.timestamp) : null
  if (value !== null) startAccrual(stake, topUp + value, ev.timestamp)
  else if (stake.accruedValue != null) stake.accruedValue += topUp // not accruing: the residue at payout covers the interest
}

/** requestUnstake (or a payout without one): the contract freezes the value it will pay. */
export async function freezeAccrual(s: FoldState, ev: EventContext, stake: M.Stake): Promise<void> {
  if (!stake.accruedTo) return
  await bookTo(s, ev.blockNumber, stake, ev.timestamp)
  stop(stake)
  s.stakes.touch(stake)
}

/** The payout: what differs from the booked value is booked on the payout day (kind residue). */
export async function settleAccrual(s: FoldState, ev: EventContext, stake: M.Stake, payout: bigint): Promise<void> {
  const booked = stake.accruedValue ?? stake.principal
  if (booked == null || booked === payout) return
  s.rows.stakeAccruals.push(span(stake, 'residue', ev.timestamp, ev.timestamp, booked, payout, ev.blockNumber))
  ;(await s.day(ev.timestamp)).stakingInterest += payout - booked
  stake.accruedValue = payout
}

/**
 * Before the first event of a new UTC day: every running stake books its spans up to the day's
 * start, at the config in force then (the state before this block's events).
 */
export function closeDays(s: FoldState, ev: EventContext): Promise<void> | undefined {
  const edge = Math.floor(ev.timestamp.getTime() / DAY_MS) * DAY_MS
  // nearly every event is not the first of its day: no promise, no await for those
  if (s.accrualClosedTo !== undefined && s.accrualClosedTo >= edge) return undefined
  s.accrualClosedTo = edge
  return bookDays(s, ev, edge)
}

async function bookDays(s: FoldState, ev: EventContext, edge: number): Promise<void> {
  if (!s.contracts.Staking) return
  const at = new Date(edge)
  if (!s.accruingStakesCached) {
    // once per start-up or rollback: afterwards the cache holds every stake that can be accruing
    for (const x of await s.store.find(M.Stake, { where: { accruedTo: Not(IsNull()) }, relations: s.stakes.relations })) s.stakes.adopt(x)
    s.accruingStakesCached = true
  }
  const ids = new Set<string>()
  for (const x of s.stakes.values()) ids.add(x.id)
  for (const id of [...ids].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0))) {
    const stake = await s.stakes.get(s.store, id)
    if (stake?.accruedTo && stake.accruedTo < at) await bookTo(s, ev.blockNumber, stake, at)
  }
}
