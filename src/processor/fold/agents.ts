// AgentRegistry: agents, their stake history and slashes.
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'

function change(ev: EventContext, agent: M.Agent, kind: string, amount: bigint): M.AgentStakeChange {
  return new M.AgentStakeChange({ id: ev.id, agent, kind, amount, stakeAfter: agent.stake, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash })
}

export async function onAgentRegistered(s: FoldState, ev: EventContext, a: Args<'AgentRegistry.AgentRegistered'>): Promise<void> {
  const account = await s.account(a.account, ev.blockNumber)
  account.isAgent = true
  const operator = await s.operators.must(s.store, String(a.operatorId), 'operator')
  const id = a.agentId.toString()
  const agent = await s.agents.upsert(s.store, id, () =>
    new M.Agent({ id, account, operator, stake: a.stake, status: 'active', registeredAtBlock: ev.blockNumber, exitAvailableAt: null, withdrawnAtBlock: null, slashedTotal: 0n }),
  )
  s.rows.agentStakeChanges.push(change(ev, agent, 'registered', a.stake))
}

export async function onAgentStakeIncreased(s: FoldState, ev: EventContext, a: Args<'AgentRegistry.AgentStakeIncreased'>): Promise<void> {
  const agent = await s.agents.must(s.store, a.agentId.toString(), 'agent')
  agent.stake = a.newStake
  s.agents.touch(agent)
  s.rows.agentStakeChanges.push(change(ev, agent, 'topped_up', a.amount))
}

export async function onAgentExitRequested(s: FoldState, ev: EventContext, a: Args<'AgentRegistry.AgentExitRequested'>): Promise<void> {
  const agent = await s.agents.must(s.store, a.agentId.toString(), 'agent')
  agent.status = 'exiting'
  agent.exitAvailableAt = new Date(Number(a.availableAt) * 1000)
  s.agents.touch(agent)
  s.rows.agentStakeChanges.push(change(ev, agent, 'exit_requested', 0n))
}

export async function onAgentWithdrawn(s: FoldState, ev: EventContext, a: Args<'AgentRegistry.AgentWithdrawn'>): Promise<void> {
  const agent = await s.agents.must(s.store, a.agentId.toString(), 'agent')
  agent.stake -= a.amount
  agent.status = 'withdrawn'
  agent.withdrawnAtBlock = ev.blockNumber
  s.agents.touch(agent)
  s.rows.agentStakeChanges.push(change(ev, agent, 'withdrawn', a.amount))
}

export async function onAgentSlashed(s: FoldState, ev: EventContext, a: Args<'AgentRegistry.AgentSlashed'>): Promise<void> {
  const agent = await s.agents.must(s.store, a.agentId.toString(), 'agent')
  agent.stake -= a.amount
  agent.slashedTotal += a.amount
  s.agents.touch(agent)
  const account = await s.account(a.account, ev.blockNumber)
  s.rows.agentStakeChanges.push(change(ev, agent, 'slashed', a.amount))
  s.rows.slashes.push(
    new M.Slash({ id: ev.id, agent, account, reason: a.reason, amount: a.amount, toTreasury: a.toTreasury, toBurn: a.toBurn, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
  )
  ;(await s.day(ev.timestamp)).slashed += a.amount
}
