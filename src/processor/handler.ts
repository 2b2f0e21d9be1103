// The batch handler: decode every log, fold the events in chain order into FoldState, write once.
import type { Logger } from '@subsquid/logger'
import * as M from '../model'
import type { ContractName } from '../chain/artifacts'
import { EventDecoder } from './decode'
import { FoldState, type DecodedLog, type EventContext } from './fold/state'
import * as token from './fold/token'
import * as registry from './fold/registry'
import * as settlement from './fold/settlement'
import * as attribution from './fold/attribution'
import * as incentives from './fold/incentives'
import * as staking from './fold/staking'
import { closeDays } from './fold/accrual'
import * as vesting from './fold/vesting'
import * as agents from './fold/agents'
import { onRoleChange } from './fold/roles'
import { NativeFeeFold, isVaultWithdrawal, type NativeFeeSettings } from './fold/native-fees'
import type { ProcessorContext } from './processor'
import { addStage } from '../util/stage-times'

export interface BatchStats {
  blocks: number
  logs: number
  unknown: number
  upserted: number
  inserted: number
}

export function eventId(blockNumber: number, logIndex: number): string {
  return `${String(blockNumber).padStart(10, '0')}-${String(logIndex).padStart(6, '0')}`
}

export class BatchHandler {
  readonly state: FoldState
  private readonly decoder: EventDecoder

  private readonly fees?: NativeFeeFold

  constructor(
    private readonly contracts: Partial<Record<ContractName, string>>,
    nativeFees?: NativeFeeSettings,
  ) {
    this.state = new FoldState(contracts)
    this.decoder = new EventDecoder(contracts)
    if (nativeFees) this.fees = new NativeFeeFold(nativeFees)
  }

  /** After a rollback: forget cached entities (and when the fee vaults were last read). */
  invalidate(): void {
    this.state.invalidate()
    this.fees?.invalidate()
  }

  /** Receives every batch's new event rows after they are written (the warehouse sink). */
  onRows?: (entity: new (...a: never[]) => object, rows: object[]) => void

  async handle(ctx: ProcessorContext, log: Logger): Promise<BatchStats> {
    const t0 = performance.now()
    const decoded: DecodedLog[] = []
    let logs = 0
    let unknown = 0
    const fees = this.fees
    const feeLogs: { ev: EventContext; log: (typeof ctx.blocks)[number]['logs'][number] }[] = []
    for (const block of ctx.blocks) {
      const timestamp = new Date(block.header.timestamp)
      for (const l of block.logs) {
        logs++
        const ev: EventContext = { id: eventId(block.header.height, l.logIndex), blockNumber: block.header.height, timestamp, txHash: l.transactionHash, logIndex: l.logIndex }
        if (fees && isVaultWithdrawal(l)) {
          feeLogs.push({ ev, log: l })
          continue
        }
        const r = this.decoder.decode(l)
        if (r.ok) {
          decoded.push({ ctx: ev, event: r.event, tx: l.transaction ? { from: l.transaction.from, to: l.transaction.to, input: l.transaction.input } : undefined })
        } else {
          // skipped and counted, never a crash: an unknown event must not stop the index
          unknown++
          this.state.rows.unknownLogs.push(new M.UnknownLog({ id: ev.id, address: l.address, topic0: l.topics[0] ?? null, blockNumber: ev.blockNumber, txHash: ev.txHash }))
          log.warn(`skipped ${r.reason} log at block ${ev.blockNumber} index ${l.logIndex} from ${l.address} topic0 ${l.topics[0] ?? 'none'}${r.error ? `: ${r.error}` : ''}`)
        }
      }
    }
    const t1 = performance.now()
    addStage('decode', t1 - t0)
    this.state.begin(ctx.store, decoded)
    for (const d of decoded) {
      const closing = closeDays(this.state, d.ctx) // staking accrual up to the start of the event's UTC day
      if (closing) await closing
      const applying = this.apply(d)
      if (applying) await applying
    }
    if (fees) {
      for (const block of ctx.blocks) await fees.onBlock(this.state, block.header.height, new Date(block.header.timestamp), block.transactions)
      for (const { ev, log } of feeLogs) fees.onWithdrawal(this.state, ev, log)
      const last = ctx.blocks[ctx.blocks.length - 1]
      if (last) await fees.onBatchEnd(this.state, last.header.height, new Date(last.header.timestamp))
    }
    addStage('fold', performance.now() - t1)
    const w = await this.state.flush(this.onRows)
    return { blocks: ctx.blocks.length, logs, unknown, ...w }
  }

  private apply(d: DecodedLog): Promise<void> | undefined {
    const s = this.state
    const ev = d.ctx
    const e = d.event
    switch (e.key) {
      case 'OpenToken.Transfer':
        return token.onTransfer(s, ev, e.args)
      case 'DatanetRegistry.DatanetCreated':
        return registry.onDatanetCreated(s, ev, e.args)
      case 'DatanetRegistry.DatanetClosed':
        return registry.onDatanetClosed(s, ev, e.args)
      case 'DatanetRegistry.ContributionRecorded':
        return registry.onContribution(s, ev, e.args)
      case 'ModelRegistry.ModelRegistered':
        return registry.onModelRegistered(s, ev, e.args)
      case 'ModelRegistry.ModelPriceChanged':
        return registry.onPriceChanged(s, ev, e.args)
      case 'ModelRegistry.AdapterUpdated':
        return registry.onAdapterUpdated(s, ev, e.args)
      case 'ModelRegistry.AdapterCostDeclared':
        return registry.onAdapterCostDeclared(s, ev, e.args)
      case 'ModelRegistry.ModelRetired':
        return registry.onModelRetired(s, ev, e.args)
      case 'FeePolicy.FeePolicySet':
        return settlement.onPolicySet(s, ev, e.args)
      case 'InferenceSettlement.OperatorRegistered':
        return settlement.onOperatorRegistered(s, ev, e.args)
      case 'InferenceSettlement.OperatorRemoved':
        return settlement.onOperatorRemoved(s, ev, e.args)
      case 'InferenceSettlement.EscrowDeposited':
        return settlement.onEscrowDeposited(s, ev, e.args)
      case 'InferenceSettlement.WithdrawalRequested':
        return settlement.onWithdrawalRequested(s, ev, e.args)
      case 'InferenceSettlement.EscrowWithdrawn':
        return settlement.onEscrowWithdrawn(s, ev, e.args)
      case 'InferenceSettlement.InferenceSettled':
        return settlement.onInferenceSettled(s, ev, e.args)
      case 'InferenceSettlement.BatchSettled':
        return settlement.onBatchSettled(s, ev, e.args)
      case 'InferenceSettlement.ServingCostCommitted':
        return settlement.onServingCostCommitted(s, ev, e.args)
      case 'InferenceSettlement.CreatorPaid':
        return settlement.onCreatorPaid(s, ev, e.args)
      case 'InferenceSettlement.OperatorPaid':
        return settlement.onOperatorPaid(s, ev, e.args)
      case 'AttributionSettlement.AttributionPaid':
        return attribution.onAttributionPaid(s, ev, e.args)
      case 'AttributionSettlement.EpochClosed':
        return attribution.onEpochClosed(s, ev, e.args)
      case 'RewardsDistributor.IncentivePaid':
        return incentives.onIncentivePaid(s, ev, e.args)
      case 'RewardsDistributor.BucketTransfer':
        return incentives.onBucketTransfer(s, ev, e.args)
      case 'Staking.ConfigCreated':
        return staking.onConfigChanged(s, ev, e.args.configId, true, d.tx)
      case 'Staking.ConfigSet':
        return staking.onConfigChanged(s, ev, e.args.configId, false, d.tx)
      case 'Staking.Staked':
        return staking.onStaked(s, ev, e.args, d.tx)
      case 'Staking.ToppedUp':
        return staking.onToppedUp(s, ev, e.args)
      case 'Staking.RequestUnstake':
        return staking.onRequestUnstake(s, ev, e.args, d.tx)
      case 'Staking.Unstaked':
        return staking.onUnstaked(s, ev, e.args, d.tx)
      case 'Staking.CommitStake':
        return staking.onCommitStake(s, ev, e.args)
      case 'TokenVesting.ScheduleCreated':
        return vesting.onScheduleCreated(s, ev, e.args)
      case 'TokenVesting.TokensReleased':
        return vesting.onTokensReleased(s, ev, e.args)
      case 'AgentRegistry.AgentRegistered':
        return agents.onAgentRegistered(s, ev, e.args)
      case 'AgentRegistry.AgentStakeIncreased':
        return agents.onAgentStakeIncreased(s, ev, e.args)
      case 'AgentRegistry.AgentExitRequested':
        return agents.onAgentExitRequested(s, ev, e.args)
      case 'AgentRegistry.AgentWithdrawn':
        return agents.onAgentWithdrawn(s, ev, e.args)
      case 'AgentRegistry.AgentSlashed':
        return agents.onAgentSlashed(s, ev, e.args)
      default:
        if (e.key.endsWith('.RoleGranted') || e.key.endsWith('.RoleRevoked')) {
          const args = e.args as { role: string; account: string }
          return onRoleChange(s, ev, e.contract, args.role, args.account, e.key.endsWith('.RoleGranted'))
        }
      // Approval, RoleAdminChanged and governance parameter events carry nothing the index keeps
    }
  }
}
