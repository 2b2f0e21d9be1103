// OPEN Transfer -> balances, transfers, burns.
import * as M from '../../model'
import type { Args } from './args'
import { ZERO_ADDRESS } from './args'
import type { EventContext, FoldState } from './state'

export async function onTransfer(s: FoldState, ev: EventContext, a: Args<'OpenToken.Transfer'>): Promise<void> {
  const from = await s.account(a.from, ev.blockNumber)
  const to = await s.account(a.to, ev.blockNumber)
  if (a.from !== ZERO_ADDRESS) {
    from.balance -= a.value
    from.totalSent += a.value
  }
  if (a.to !== ZERO_ADDRESS) {
    to.balance += a.value
    to.totalReceived += a.value
  }
  s.rows.transfers.push(new M.TokenTransfer({ id: ev.id, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash, from, to, amount: a.value }))
  if (a.to === ZERO_ADDRESS && a.from !== ZERO_ADDRESS) {
    const source =
      a.from === s.contracts.InferenceSettlement?.toLowerCase() ? 'settlement' : a.from === s.contracts.AgentRegistry?.toLowerCase() ? 'slash' : 'holder'
    s.rows.burns.push(new M.Burn({ id: ev.id, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash, from, amount: a.value, source }))
    ;(await s.day(ev.timestamp)).burned += a.value
  }
}
