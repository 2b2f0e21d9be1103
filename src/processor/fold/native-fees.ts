// Native gas fees (OPEN on OpenLedger, which emits no Transfer log for them): per block and per
// UTC day, gas used × effective gas price plus, on OP Stack, each receipt's L1 data fee; the
// transaction count and the day's distinct senders; the OP Stack fee vault predeploys'
// withdrawals (their legacy Withdrawal event) and balances (eth_getBalance at a batch's last
// block). Deposit transactions (type 0x7e) are minted by the rollup and pay no L2 gas: skipped.
import * as M from '../../model'
import * as FeeVault from '../../abi/OpFeeVault'
import { OP_FEE_VAULTS, type FeeVaultName } from '../../devnet/manifest'
import type { JsonRpc } from '../../chain/rpc'
import type { FoldState } from './state'

export const OP_DEPOSIT_TX_TYPE = 126
const WITHDRAWAL = FeeVault.events['Withdrawal(uint256,address,address)']
export const WITHDRAWAL_TOPICS = [WITHDRAWAL.topic]
export const FEE_VAULT_ADDRESSES = Object.values(OP_FEE_VAULTS).map((a) => a.toLowerCase())
const VAULT_BY_ADDRESS = new Map(Object.entries(OP_FEE_VAULTS).map(([n, a]) => [a.toLowerCase(), n as FeeVaultName]))
/** a balance snapshot at least this often (block time), and after every withdrawal */
const SNAPSHOT_EVERY_MS = 3_600_000

export interface FeeTx {
  from: string
  type?: number
  gasUsed: bigint
  effectiveGasPrice: bigint
  l1Fee?: bigint
}

export interface NativeFeeSettings {
  opStack: boolean
  /** for the vault balances */
  rpc: JsonRpc
}

export function isVaultWithdrawal(log: { address: string; topics: string[] }): boolean {
  return VAULT_BY_ADDRESS.has(log.address.toLowerCase()) && log.topics[0] === WITHDRAWAL.topic
}

export class NativeFeeFold {
  private lastSnapshotMs = -Infinity
  private withdrawalInBatch = false

  constructor(private readonly s: NativeFeeSettings) {}

  /** After a rollback: the next batch snapshots again. */
  invalidate(): void {
    this.lastSnapshotMs = -Infinity
  }

  async onBlock(state: FoldState, height: number, timestamp: Date, txs: FeeTx[]): Promise<void> {
    let gasUsed = 0n
    let execution = 0n
    let l1 = 0n
    let count = 0
    const senders = new Set<string>()
    for (const tx of txs) {
      if (tx.type === OP_DEPOSIT_TX_TYPE) continue
      count++
      gasUsed += tx.gasUsed
      execution += tx.gasUsed * tx.effectiveGasPrice
      l1 += tx.l1Fee ?? 0n
      senders.add(tx.from.toLowerCase())
    }
    if (count === 0) return
    const l1Fees = this.s.opStack ? l1 : null
    const fees = execution + l1
    state.rows.feeBlocks.push(
      new M.NetworkFeeBlock({ id: String(height).padStart(10, '0'), blockNumber: height, timestamp, txCount: count, gasUsed, executionFees: execution, l1Fees, fees }),
    )
    const dayId = timestamp.toISOString().slice(0, 10)
    const date = new Date(dayId + 'T00:00:00.000Z')
    const day = await state.feeDays.upsert(state.store, dayId, () =>
      new M.DailyNetworkFees({ id: dayId, date, txCount: 0, gasUsed: 0n, executionFees: 0n, l1Fees: this.s.opStack ? 0n : null, fees: 0n, activeSenders: 0 }),
    )
    day.txCount += count
    day.gasUsed += gasUsed
    day.executionFees += execution
    if (day.l1Fees !== null && day.l1Fees !== undefined) day.l1Fees += l1
    day.fees += fees
    for (const sender of senders) {
      const id = `${dayId}-${sender}`
      if (await state.feeSenders.get(state.store, id)) continue
      state.feeSenders.touch(new M.DailyActiveSender({ id, date, sender }))
      day.activeSenders++
    }
  }

  onWithdrawal(state: FoldState, ev: { id: string; blockNumber: number; timestamp: Date; txHash: string }, log: { address: string; topics: string[]; data: string }): void {
    const a = WITHDRAWAL.decode(log)
    const vault = VAULT_BY_ADDRESS.get(log.address.toLowerCase())!
    state.rows.feeVaultWithdrawals.push(
      new M.FeeVaultWithdrawal({ id: ev.id, vault, amount: a.value, to: a.to.toLowerCase(), blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
    )
    this.withdrawalInBatch = true
  }

  /** The vaults' balances at the batch's last block: the first batch, hourly after, and after a withdrawal. */
  async onBatchEnd(state: FoldState, height: number, timestamp: Date): Promise<void> {
    if (!this.s.opStack) return
    const due = this.withdrawalInBatch || timestamp.getTime() - this.lastSnapshotMs >= SNAPSHOT_EVERY_MS
    this.withdrawalInBatch = false
    if (!due) return
    const tag = '0x' + height.toString(16)
    const names = Object.keys(OP_FEE_VAULTS) as FeeVaultName[]
    const balances = await this.s.rpc.batch<string>(names.map((n) => ({ method: 'eth_getBalance', params: [OP_FEE_VAULTS[n], tag] })))
    names.forEach((vault, i) =>
      state.rows.feeVaultBalances.push(
        new M.FeeVaultBalance({ id: `${String(height).padStart(10, '0')}-${vault}`, vault, balance: BigInt(balances[i]), blockNumber: height, timestamp }),
      ),
    )
    this.lastSnapshotMs = timestamp.getTime()
  }
}
