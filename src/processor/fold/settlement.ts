// FeePolicy and InferenceSettlement: policy versions, operators, escrow, settled inferences.
import * as M from '../../model'
import { splitRequestId } from '../../protocol/receipts'
import { addInferenceToDay } from '../tables'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'
import { IndexStateError } from '../../util/errors'

export async function onPolicySet(s: FoldState, ev: EventContext, a: Args<'FeePolicy.FeePolicySet'>): Promise<void> {
  if (a.version > 1) {
    const prev = await s.policies.get(s.store, String(a.version - 1))
    if (prev) {
      prev.activeUntilBlock = ev.blockNumber
      s.policies.touch(prev)
    }
  }
  const id = String(a.version)
  await s.policies.upsert(s.store, id, () =>
    new M.FeePolicyVersion({
      id,
      version: a.version,
      creatorBps: a.creatorBps,
      contributorsBps: a.contributorsBps,
      infraBps: a.infraBps,
      treasuryBps: a.treasuryBps,
      burnBps: a.burnBps,
      blockNumber: ev.blockNumber,
      timestamp: ev.timestamp,
      txHash: ev.txHash,
      logIndex: ev.logIndex,
      activeUntilBlock: null,
    }),
  )
}

export async function onOperatorRegistered(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.OperatorRegistered'>): Promise<void> {
  const account = await s.account(a.account, ev.blockNumber)
  account.isOperator = true
  const id = String(a.operatorId)
  await s.operators.upsert(s.store, id, () =>
    new M.Operator({ id, account, active: true, registeredAtBlock: ev.blockNumber, registeredAt: ev.timestamp, removedAtBlock: null, removedAt: null, nextSeq: 0n, inferenceCount: 0, totalFees: 0n, infraEarned: 0n, paidOut: 0n }),
  )
}

export async function onOperatorRemoved(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.OperatorRemoved'>): Promise<void> {
  const op = await s.operators.must(s.store, String(a.operatorId), 'operator')
  op.active = false
  op.removedAtBlock = ev.blockNumber
  op.removedAt = ev.timestamp
  s.operators.touch(op)
}

async function escrow(s: FoldState, ev: EventContext, payerId: number, payer: string): Promise<M.EscrowAccount> {
  const account = await s.account(payer, ev.blockNumber)
  account.isPayer = true
  return s.escrows.upsert(s.store, account.id, () =>
    new M.EscrowAccount({ id: account.id, payerId, account, balance: 0n, deposited: 0n, withdrawn: 0n, spent: 0n, pendingWithdrawal: 0n }),
  )
}

function movement(ev: EventContext, e: M.EscrowAccount, kind: string, amount: bigint, from: M.Account | null): M.EscrowMovement {
  return new M.EscrowMovement({ id: ev.id, escrow: e, kind, amount, from, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash })
}

export async function onEscrowDeposited(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.EscrowDeposited'>): Promise<void> {
  const e = await escrow(s, ev, a.payerId, a.payer)
  e.balance += a.amount
  e.deposited += a.amount
  s.rows.escrowMovements.push(movement(ev, e, 'deposit', a.amount, await s.account(a.from, ev.blockNumber)))
}

export async function onWithdrawalRequested(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.WithdrawalRequested'>): Promise<void> {
  const e = await escrow(s, ev, a.payerId, a.payer)
  e.pendingWithdrawal = a.amount
  s.rows.escrowMovements.push(movement(ev, e, 'withdrawal_request', a.amount, null))
}

export async function onEscrowWithdrawn(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.EscrowWithdrawn'>): Promise<void> {
  const e = await escrow(s, ev, a.payerId, a.payer)
  e.balance -= a.amount
  e.withdrawn += a.amount
  e.pendingWithdrawal = 0n
  s.rows.escrowMovements.push(movement(ev, e, 'withdrawal', a.amount, null))
}

export async function onInferenceSettled(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.InferenceSettled'>): Promise<void> {
  const { operatorId, seq } = splitRequestId(a.requestId)
  const operator = await s.operators.must(s.store, String(operatorId), 'operator')
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  const payer = await s.account(a.payer, ev.blockNumber)
  const e = await s.escrows.must(s.store, payer.id, 'escrow of payer')
  e.balance -= a.fee
  e.spent += a.fee
  s.escrows.touch(e)
  model.inferenceCount++
  model.totalUnits += a.units
  model.totalFees += a.fee
  model.creatorShare += a.creatorShare
  model.contributorsShare += a.contributorsShare
  s.models.touch(model)
  operator.inferenceCount++
  operator.totalFees += a.fee
  operator.infraEarned += a.infraShare
  operator.nextSeq = seq + 1n
  s.operators.touch(operator)
  const row = new M.Inference({
    id: a.requestId.toString(),
    operator,
    seq,
    model,
    payer,
    payerIsAgent: payer.isAgent,
    units: a.units,
    fee: a.fee,
    creatorShare: a.creatorShare,
    contributorsShare: a.contributorsShare,
    infraShare: a.infraShare,
    treasuryShare: a.treasuryShare,
    burnShare: a.burnShare,
    blockNumber: ev.blockNumber,
    timestamp: ev.timestamp,
    txHash: ev.txHash,
    logIndex: ev.logIndex,
  })
  const pending = s.pendingInferences.get(ev.txHash)
  if (pending) pending.push(row)
  else s.pendingInferences.set(ev.txHash, [row])
  addInferenceToDay(await s.day(ev.timestamp), row)
  const opDay = await s.operatorDay(operator, ev.timestamp)
  opDay.inferences++
  opDay.fees += a.fee
  opDay.infraShare += a.infraShare
  if (payer.isAgent) opDay.agentFees += a.fee
}

export async function onServingCostCommitted(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.ServingCostCommitted'>): Promise<void> {
  const operator = await s.operators.must(s.store, String(a.operatorId), 'operator')
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  s.rows.servingCosts.push(
    new M.ServingCost({
      id: `${a.operatorId}-${a.firstSeq}-${a.modelId}`,
      operator,
      model,
      firstSeq: a.firstSeq,
      cpuMicros: a.cpuMicros,
      adapterByteSeconds: a.adapterByteSeconds,
      inferences: a.inferences,
      blockNumber: ev.blockNumber,
      timestamp: ev.timestamp,
      txHash: ev.txHash,
    }),
  )
}

export async function onBatchSettled(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.BatchSettled'>): Promise<void> {
  const operator = await s.operators.must(s.store, String(a.operatorId), 'operator')
  const batch = new M.SettlementBatch({
    id: `${a.operatorId}-${a.firstSeq}`,
    operator,
    firstSeq: a.firstSeq,
    count: a.count,
    policyVersion: a.policyVersion,
    totalFees: a.totalFees,
    usageLogHead: a.usageLogHead,
    blockNumber: ev.blockNumber,
    timestamp: ev.timestamp,
    txHash: ev.txHash,
  })
  s.rows.batches.push(batch)
  const inferences = s.pendingInferences.get(ev.txHash) ?? []
  s.pendingInferences.delete(ev.txHash)
  const mine = inferences.filter((i) => i.operator.id === operator.id && i.seq >= a.firstSeq && i.seq < a.firstSeq + BigInt(a.count))
  if (mine.length !== a.count) throw new IndexStateError(`batch ${batch.id} in tx ${ev.txHash} announces ${a.count} inferences, the log holds ${mine.length}`)
  for (const i of mine) {
    i.batch = batch
    i.policyVersion = a.policyVersion
    s.rows.inferences.push(i)
  }
  const taken = new Set(mine)
  const rest = inferences.filter((i) => !taken.has(i))
  if (rest.length) s.pendingInferences.set(ev.txHash, rest)
}

export async function onCreatorPaid(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.CreatorPaid'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  model.creatorPaid += a.amount
  s.models.touch(model)
  const creator = await s.account(a.creator, ev.blockNumber)
  s.rows.creatorPayouts.push(new M.CreatorPayout({ id: ev.id, model, creator, amount: a.amount, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }))
  ;(await s.day(ev.timestamp)).creatorPaid += a.amount
}

export async function onOperatorPaid(s: FoldState, ev: EventContext, a: Args<'InferenceSettlement.OperatorPaid'>): Promise<void> {
  const operator = await s.operators.must(s.store, String(a.operatorId), 'operator')
  operator.paidOut += a.amount
  s.operators.touch(operator)
  const account = await s.account(a.account, ev.blockNumber)
  s.rows.operatorPayouts.push(new M.OperatorPayout({ id: ev.id, operator, account, amount: a.amount, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }))
  ;(await s.day(ev.timestamp)).operatorPaid += a.amount
  const opDay = await s.operatorDay(operator, ev.timestamp)
  opDay.paidOut += a.amount
}
