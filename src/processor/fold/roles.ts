// AccessControl role changes on any protocol contract.
import * as M from '../../model'
import type { EventContext, FoldState } from './state'

export async function onRoleChange(s: FoldState, ev: EventContext, contract: string, role: string, account: string, granted: boolean): Promise<void> {
  const acct = await s.account(account, ev.blockNumber)
  s.rows.roleChanges.push(new M.RoleChange({ id: ev.id, contract, role, account: acct, granted, blockNumber: ev.blockNumber, txHash: ev.txHash }))
}
