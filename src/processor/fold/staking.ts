// Staking (the public openledger-staking contract). Its events carry no config parameters, no
// commitment amounts and no payout: parameters come from the call that emitted the event
// (Staking.setConfig or the public Bank's setConfig(staking, id, config); stake;
// requestUnstakeWithCommitment), read from the transaction input (no archive eth_call), and the
// payout is the Transfer from the config's bank to the recipient in the same transaction. The
// public contract emits that Transfer BEFORE Unstaked (older reference versions after): the
// nearest unclaimed one before, else after, is taken. A config update stores the config as
// given, so it may replace the bank: the fold follows it.
import { createLogger } from '@subsquid/logger'
import * as M from '../../model'
import * as StakingAbi from '../../abi/Staking'
import * as StakingBankAbi from '../../abi/StakingBank'
import type { Args } from './args'
import { accrueTopUp, freezeAccrual, settleAccrual, startAccrual } from './accrual'
import type { DecodedLog, EventContext, FoldState } from './state'

type Tx = { from?: string; to?: string; input?: string } | undefined
type ConfigArgs = ReturnType<typeof StakingAbi.functions.setConfig.decode>['config']
const log = createLogger('upkeep:staking')

function isStaking(s: FoldState, a: string | undefined): boolean {
  return !!a && a.toLowerCase() === s.contracts.Staking?.toLowerCase()
}

function decodeInput<F extends { sighash: string; decode(input: string): unknown }>(tx: Tx, fn: F): ReturnType<F['decode']> | undefined {
  if (!tx?.input || !tx.input.startsWith(fn.sighash)) return undefined
  try {
    return fn.decode(tx.input) as ReturnType<F['decode']>
  } catch {
    return undefined
  }
}

/** Decodes the call that emitted a Staking event, if it was a direct call to Staking. */
function directCall<F extends { sighash: string; decode(input: string): unknown }>(s: FoldState, tx: Tx, fn: F): ReturnType<F['decode']> | undefined {
  return isStaking(s, tx?.to) ? decodeInput(tx, fn) : undefined
}

/** setConfig's arguments and the caller Staking saw: a direct call, or one through the public Bank. */
function setConfigCall(s: FoldState, tx: Tx): { configId: bigint; config: ConfigArgs; caller: string } | undefined {
  const direct = directCall(s, tx, StakingAbi.functions.setConfig)
  if (direct && tx?.from) return { ...direct, caller: tx.from.toLowerCase() }
  const viaBank = decodeInput(tx, StakingBankAbi.functions.setConfig)
  if (viaBank && tx?.to && isStaking(s, viaBank.staking)) return { configId: viaBank.configId, config: viaBank.config, caller: tx.to.toLowerCase() }
  return undefined
}

export async function onConfigChanged(s: FoldState, ev: EventContext, configId: bigint, created: boolean, tx: Tx): Promise<void> {
  const id = configId.toString()
  const cfg = await s.stakeConfigs.upsert(s.store, id, () =>
    new M.StakeConfig({ id, bank: null, createdAtBlock: ev.blockNumber, updatedAtBlock: ev.blockNumber, changes: 0 }),
  )
  const call = setConfigCall(s, tx)
  const c = call && call.configId === configId ? call.config : undefined
  Object.assign(cfg, {
    // creating makes the caller the bank; an update stores the config as given, its bank included
    // (unknown when the call cannot be read: the old bank is kept, and a payout from elsewhere is not taken)
    bank: created ? (call && c ? call.caller : null) : c ? c.bank.toLowerCase() : (cfg.bank ?? null),
    manager: c ? c.manager.toLowerCase() : null,
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

function newStake(id: string, init: Partial<M.Stake>): M.Stake {
  return new M.Stake({
    id,
    config: null,
    staker: null,
    initialAmount: null,
    toppedUp: 0n,
    principal: null,
    status: 'active',
    commitment: null,
    requestedAtBlock: null,
    unstakedAtBlock: null,
    unstakedAt: null,
    payout: null,
    interest: null,
    accrualAmount: null,
    accrualAnchor: null,
    accruedTo: null,
    accruedValue: null,
    ...init,
  })
}

export async function onStaked(s: FoldState, ev: EventContext, a: Args<'Staking.Staked'>, tx: Tx): Promise<void> {
  const call = directCall(s, tx, StakingAbi.functions.stake)
  const config = call ? ((await s.stakeConfigs.get(s.store, call.configId.toString())) ?? null) : null
  const staker = await s.account(a.recipient, ev.blockNumber)
  staker.isStaker = true
  const id = a.stakingId.toString()
  const stake = await s.stakes.upsert(s.store, id, () =>
    newStake(id, { config, staker, initialAmount: a.amount, principal: a.amount, stakedAtBlock: ev.blockNumber, stakedAt: ev.timestamp }),
  )
  startAccrual(stake, a.amount, ev.timestamp)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'staked', a.amount))
}

/** CommitStake: a stake id reserved by a manager-signed commitment; no tokens move, no staker yet. */
export async function onCommitStake(s: FoldState, ev: EventContext, a: Args<'Staking.CommitStake'>): Promise<void> {
  const id = a.stakingId.toString()
  const stake = await s.stakes.upsert(s.store, id, () => newStake(id, { status: 'committed', commitment: a.commitment, stakedAtBlock: ev.blockNumber, stakedAt: ev.timestamp }))
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'committed', null))
}

/**
 * A committed stake is opened by requestUnstakeWithCommitment (no event of its own: the
 * RequestUnstake or payout + Unstaked that follow): staker, config, amount and start come from the
 * call. Through another contract the amount is unknown: principal and interest stay null.
 */
async function openCommitment(s: FoldState, ev: EventContext, stake: M.Stake, recipient: string, tx: Tx): Promise<void> {
  const call = directCall(s, tx, StakingAbi.functions.requestUnstakeWithCommitment)
  const opened = call && call.stakingId.toString() === stake.id ? call : undefined
  const staker = await s.account(recipient, ev.blockNumber)
  staker.isStaker = true
  stake.staker = staker
  stake.status = 'active'
  if (opened) {
    stake.config = (await s.stakeConfigs.get(s.store, opened.configId.toString())) ?? null
    stake.initialAmount = opened.amount
    stake.principal = opened.amount
    stake.stakedAt = new Date(Number(opened.startTime) * 1000)
    // the contract stores it as staked at startTime: it accrues from then (booked now, backdated)
    startAccrual(stake, opened.amount, stake.stakedAt)
  } else {
    log.warn(`stake ${stake.id}: commitment opened in tx ${ev.txHash} through another contract; its amount is unknown (principal and interest stay null)`)
  }
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent({ ...ev, id: `${ev.id}-opened` }, stake, 'opened', stake.initialAmount ?? null))
}

export async function onToppedUp(s: FoldState, ev: EventContext, a: Args<'Staking.ToppedUp'>): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  await accrueTopUp(s, ev, stake, a.amount)
  stake.toppedUp += a.amount
  if (stake.principal !== null && stake.principal !== undefined) stake.principal += a.amount
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'topped_up', a.amount))
}

export async function onRequestUnstake(s: FoldState, ev: EventContext, a: Args<'Staking.RequestUnstake'>, tx: Tx): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  if (stake.status === 'committed') await openCommitment(s, ev, stake, a.recipient, tx)
  await freezeAccrual(s, ev, stake)
  stake.status = 'unstake_requested'
  stake.requestedAtBlock = ev.blockNumber
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'unstake_requested', null))
}

/** The bank's payout to `recipient` for the Unstaked at `ev`: the nearest unclaimed Transfer before it in the tx, else after. */
function findPayout(s: FoldState, ev: EventContext, recipient: string, bank: string | null): DecodedLog | undefined {
  const isPayout = (e: DecodedLog) =>
    e.event.key === 'OpenToken.Transfer' && e.event.args.to.toLowerCase() === recipient && (bank === null || e.event.args.from.toLowerCase() === bank) && !s.claimedInTx.has(e.ctx.id)
  const before = s.earlierInTx(ev).filter(isPayout)
  return before[before.length - 1] ?? s.laterInTx(ev).find(isPayout)
}

export async function onUnstaked(s: FoldState, ev: EventContext, a: Args<'Staking.Unstaked'>, tx: Tx): Promise<void> {
  const stake = await s.stakes.must(s.store, a.stakingId.toString(), 'stake')
  const recipient = a.recipient.toLowerCase()
  // no cooldown: requestUnstakeWithCommitment pays at once, with no RequestUnstake
  if (stake.status === 'committed') await openCommitment(s, ev, stake, recipient, tx)
  await freezeAccrual(s, ev, stake) // no cooldown: paid at the request, which froze the value
  const bank = stake.config?.bank ?? null
  const payout = findPayout(s, ev, recipient, bank)
  if (payout?.event.key === 'OpenToken.Transfer') s.claimedInTx.add(payout.ctx.id)
  else log.warn(`Unstaked ${stake.id} in tx ${ev.txHash}: no payout Transfer to ${recipient}${bank ? ` from bank ${bank}` : ''} (is the staked token configured as OpenToken?); payout and interest stay null`)
  const amount = payout?.event.key === 'OpenToken.Transfer' ? payout.event.args.value : null
  stake.status = 'unstaked'
  stake.unstakedAtBlock = ev.blockNumber
  stake.unstakedAt = ev.timestamp
  stake.payout = amount
  stake.interest = amount !== null && stake.principal !== null && stake.principal !== undefined ? amount - stake.principal : null
  s.stakes.touch(stake)
  s.rows.stakeEvents.push(stakeEvent(ev, stake, 'unstaked', amount, stake.interest))
  if (amount !== null) await settleAccrual(s, ev, stake, amount)
  if (stake.interest !== null) (await s.day(ev.timestamp)).stakingInterestPaid += stake.interest
}
