// Staking (public openledger-staking events). Its events carry no config or payout, so the
// config is read from the contract at the event's block (deterministic), and the payout is the
// bank's Transfer to the recipient in the Unstaked transaction.
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'

export async function onConfigChanged(s: FoldState, ev: EventContext, configId: bigint, created: boolean): Promise<void> {
  const c = await s.chain.stakeConfig(configId, ev.blockNumber)
  const id = configId.toString()
  const cfg = await s.stakeConfigs.upsert(s.store, id, () =>
    new M.StakeConfig({ id, createdAtBlock: ev.blockNumber, updatedAtBlock: ev.blockNumber, changes: 0 }),
  )
  Object.assign(cfg, {
    bank: c.bank.toLowerCase(),
    token: c.token.toLowerCase(),
    interestRate: c.interestRate,
    stakeDuration: c.stakeDuration,
    cooldownDuration: c.cooldownDuration,
    minStake: c.minStake,
    maxStake: c.maxStake,
    isActive: c.isActive,
    isTopupEnabled: c.isTopupEnabled,
    isPublic: c.isPublic,
    updatedAtBlock: ev.blockNumber,
  })
  if (!created) cfg.changes++
}

function stakeEvent(ev: EventContext, stake: M.Stake, kind: string, amount: bigint | null, interest: bigint | null = null): M.StakeEvent {
  return new M.StakeEvent({ id: ev.id, stake, kind, amount, interest, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash })
}

export async function onStaked(s: FoldState, ev: EventContext, a: Args<'Staking.Staked'>): Promise<void> {
  const configId = await s.chain.stakeConfigIdOf(a.stakingId, ev.blockNumber)
  const config = await s.stakeConfigs.must(s.store, configId.toString(), 'stake config')
  const staker = await s.account(a.recipient, ev.blockNumber)
  staker.isStaker = true
  const id = a.stakingId.toString()
  const stake = await s.stakes.upsert(s.store, id, () =>
    new M.Stake({
      id,
      config,
      staker,
      initialAmount: a.amount,
      toppedUp: 0n,
      principal: a.amount,
      status: 'active',
      stakedAtBlock: ev.blockNumber,
      stakedAt: ev.timestamp,
      requestedAtBlock: null,
      unstakedAtBlock: null,
      unstakedAt: null,
      payout: null,
      interest: null,
    }),
  )
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'staked', a.amount))
}

export async function onToppedUp(s: FoldState, ev: EventContext, a: Args<'Staking.ToppedUp'>): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  stake.toppedUp += a.amount
  stake.principal += a.amount
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'topped_up', a.amount))
}

export async function onRequestUnstake(s: FoldState, ev: EventContext, a: Args<'Staking.RequestUnstake'>): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  stake.status = 'unstake_requested'
  stake.requestedAtBlock = ev.blockNumber
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'unstake_requested', null))
}

export async function onUnstaked(s: FoldState, ev: EventContext, a: Args<'Staking.Unstaked'>): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  const bank = stake.config.bank
  const recipient = a.recipient.toLowerCase()
  const payout = s
    .laterInTx(ev)
    .find((e) => e.event.key === 'OpenToken.Transfer' && e.event.args.from.toLowerCase() === bank && e.event.args.to.toLowerCase() === recipient)
  if (!payout || payout.event.key !== 'OpenToken.Transfer') throw new Error(`Unstaked ${stake.id} in tx ${ev.txHash} has no bank transfer to ${recipient}`)
  const amount = payout.event.args.value
  stake.status = 'unstaked'
  stake.unstakedAtBlock = ev.blockNumber
  stake.unstakedAt = ev.timestamp
  stake.payout = amount
  stake.interest = amount - stake.principal
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'unstaked', amount, stake.interest))
  ;(await s.day(ev.timestamp)).stakingInterest += stake.interest
}
