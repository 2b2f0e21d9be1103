// RewardsDistributor: emissions by recipient role, and bucket transfers (not incentives).
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'

export const INCENTIVE_ROLES = ['creator', 'contributor', 'staker', 'operator', 'other'] as const
export const BUCKETS = ['community', 'ecosystem'] as const

export async function onIncentivePaid(s: FoldState, ev: EventContext, a: Args<'RewardsDistributor.IncentivePaid'>): Promise<void> {
  const recipient = await s.account(a.recipient, ev.blockNumber)
  const role = INCENTIVE_ROLES[a.role] ?? `role-${a.role}`
  s.rows.incentives.push(
    new M.IncentivePayment({
      id: ev.id,
      recipient,
      role,
      bucket: BUCKETS[a.bucket] ?? `bucket-${a.bucket}`,
      amount: a.amount,
      reason: a.reason,
      blockNumber: ev.blockNumber,
      timestamp: ev.timestamp,
      txHash: ev.txHash,
    }),
  )
  const day = await s.day(ev.timestamp)
  day.incentives += a.amount
  if (role === 'creator') day.incentivesToCreators += a.amount
  else if (role === 'contributor') day.incentivesToContributors += a.amount
  else if (role === 'staker') day.incentivesToStakers += a.amount
  else if (role === 'operator') day.incentivesToOperators += a.amount
}

export async function onBucketTransfer(s: FoldState, ev: EventContext, a: Args<'RewardsDistributor.BucketTransfer'>): Promise<void> {
  const to = await s.account(a.to, ev.blockNumber)
  s.rows.bucketTransfers.push(
    new M.BucketTransfer({ id: ev.id, bucket: BUCKETS[a.bucket] ?? `bucket-${a.bucket}`, to, amount: a.amount, purpose: a.purpose, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
  )
}
