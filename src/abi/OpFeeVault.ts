import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    'Withdrawal(uint256,address,address)': event("0xc8a211cc64b6ed1b50595a9fcb1932b6d1e5a6e8ef15b60e5b1f988ea9086bba", "Withdrawal(uint256,address,address)", {"value": p.uint256, "to": p.address, "from": p.address}),
    'Withdrawal(uint256,address,address,uint8)': event("0x38e04cbeb8c10f8f568618aa75be0f10b6729b8b4237743b4de20cbcde2839ee", "Withdrawal(uint256,address,address,uint8)", {"value": p.uint256, "to": p.address, "from": p.address, "withdrawalNetwork": p.uint8}),
}

export const functions = {
    recipient: viewFun("0x66d003ac", "recipient()", {}, p.address),
    setRecipient: fun("0x3bbed4a0", "setRecipient(address)", {"to": p.address}, ),
    totalProcessed: viewFun("0x84411d65", "totalProcessed()", {}, p.uint256),
    withdraw: fun("0x3ccfd60b", "withdraw()", {}, ),
}

export class Contract extends ContractBase {

    recipient() {
        return this.eth_call(functions.recipient, {})
    }

    totalProcessed() {
        return this.eth_call(functions.totalProcessed, {})
    }
}

/// Event types
export type WithdrawalEventArgs_0 = EParams<typeof events['Withdrawal(uint256,address,address)']>
export type WithdrawalEventArgs_1 = EParams<typeof events['Withdrawal(uint256,address,address,uint8)']>

/// Function types
export type RecipientParams = FunctionArguments<typeof functions.recipient>
export type RecipientReturn = FunctionReturn<typeof functions.recipient>

export type SetRecipientParams = FunctionArguments<typeof functions.setRecipient>
export type SetRecipientReturn = FunctionReturn<typeof functions.setRecipient>

export type TotalProcessedParams = FunctionArguments<typeof functions.totalProcessed>
export type TotalProcessedReturn = FunctionReturn<typeof functions.totalProcessed>

export type WithdrawParams = FunctionArguments<typeof functions.withdraw>
export type WithdrawReturn = FunctionReturn<typeof functions.withdraw>

