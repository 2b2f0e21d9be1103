// Staking (public openledger-staking events). Its events carry no config parameters and no
// payout: parameters come from the setConfig/stake call input that emitted the event (no archive
// eth_call), and the payout is the Transfer to the recipient that follows Unstaked in its
// transaction (from the config's bank).
import * as M from '../../model'
import * as StakingAbi from '../../abi/Staking'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'
import { IndexStateError } from '../../util/errors'

type Tx = { from?: string; to?: string; input?: string } | undefined

/** Decodes the call that emitted a Staking event, if it was a direct call to Staking. */
function directCall<F extends { sighash: string; decode(input: string): unknown }>(s: FoldState, tx: Tx, fn: F): ReturnType<F['decode']> | undefined {
  if (!tx?.input || tx.to?.toLowerCase() !== s.contracts.Staking.toLowerCase() || !tx.input.startsWith(fn.sighash)) return undefined
  try {
    return fn.decode(tx.input) as ReturnType<F['decode']>
  } catch {
    return undefined
  }
}

export async function onConfigChanged(s: FoldState, ev: EventContext, configId: bigint, created: boolean, tx: Tx): Promise<void> {
  const id = configId.toString()
  const cfg = await s.stakeConfigs.upsert(s.store, id, () =>
    new M.StakeConfig({ id, createdAtBlock: ev.blockNumber, updatedAtBlock: ev.blockNumber, changes: 0 }),
  )
  const call = directCall(s, tx, StakingAbi.functions.setConfig)
  const c = call && call.configId === configId ? call.config : undefined
  Object.assign(cfg, {
    // setConfig makes its caller the bank of a new config; an update keeps the bank
    bank: created ? (c && tx?.from ? tx.from.toLowerCase() : null) : (cfg.bank ?? null),
    token: c ? c.token.toLowerCase() : null,
    interestRate: c?.interestRate ?? null,
    stakeDuration: c?.stakeDuration ?? null,
    cooldownDuration: c?.cooldownDuration ?? null,
    minStake: c?.minStake ?? null,
    maxStake: c?.maxStake ?? null,
    isActive: c?.isActive ?? null,
    isTopupEnabled: c?.isTopupEnabled ?? null,
    isPublic: c?.isPublic ?? null,
    updatedAtBlock: ev.blockNumber,
  })
  if (!created) cfg.changes++
}

function stakeEvent(ev: EventContext, stake: M.Stake, kind: string, amount: bigint | null, interest: bigint | null = null): M.StakeEvent {
  return new M.StakeEvent({ id: ev.id, stake, kind, amount, interest, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash })
}

export async function onStaked(s: FoldState, ev: EventContext, a: Args<'Staking.Staked'>, tx: Tx): Promise<void> {
  const call = directCall(s, tx, StakingAbi.functions.stake)
  const config = call ? ((await s.stakeConfigs.get(s.store, call.configId.toString())) ?? null) : null
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
  const recipient = a.recipient.toLowerCase()
  const bank = stake.config?.bank ?? null
  const payout = s
    .laterInTx(ev)
    .find((e) => e.event.key === 'OpenToken.Transfer' && e.event.args.to.toLowerCase() === recipient && (bank === null || e.event.args.from.toLowerCase() === bank))
  if (!payout || payout.event.key !== 'OpenToken.Transfer') throw new IndexStateError(`Unstaked ${stake.id} in tx ${ev.txHash} has no payout transfer to ${recipient}`)
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
