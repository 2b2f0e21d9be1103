// TokenVesting: schedules and releases (the unlock overhang).
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'

export const VESTING_CATEGORIES = ['team', 'investors'] as const

export async function onScheduleCreated(s: FoldState, ev: EventContext, a: Args<'TokenVesting.ScheduleCreated'>): Promise<void> {
  const beneficiary = await s.account(a.beneficiary, ev.blockNumber)
  beneficiary.isVestingBeneficiary = true
  const id = a.scheduleId.toString()
  await s.schedules.upsert(s.store, id, () =>
    new M.VestingSchedule({
      id,
      beneficiary,
      category: VESTING_CATEGORIES[a.category] ?? `category-${a.category}`,
      total: a.total,
      start: a.start,
      cliff: a.cliff,
      duration: a.duration,
      released: 0n,
      createdAtBlock: ev.blockNumber,
    }),
  )
}

export async function onTokensReleased(s: FoldState, ev: EventContext, a: Args<'TokenVesting.TokensReleased'>): Promise<void> {
  const schedule = await s.schedules.must(s.store, a.scheduleId.toString(), 'vesting schedule')
  schedule.released += a.amount
  s.schedules.touch(schedule)
  const beneficiary = await s.account(a.beneficiary, ev.blockNumber)
  s.rows.vestingReleases.push(
    new M.VestingRelease({ id: ev.id, schedule, beneficiary, category: schedule.category, amount: a.amount, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
  )
  ;(await s.day(ev.timestamp)).vestingReleased += a.amount
}
