import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    OwnershipTransferred: event("0x8be0079c531659141344cd1fd0a4f28419497f9722a3daafe3b4186f6b6457e0", "OwnershipTransferred(address,address)", {"previousOwner": indexed(p.address), "newOwner": indexed(p.address)}),
}

export const functions = {
    approve: fun("0xe1f21c67", "approve(address,address,uint256)", {"token": p.address, "spender": p.address, "amount": p.uint256}, ),
    owner: viewFun("0x8da5cb5b", "owner()", {}, p.address),
    renounceOwnership: fun("0x715018a6", "renounceOwnership()", {}, ),
    setConfig: fun("0xbed8ed25", "setConfig(address,uint256,(address,address,address,uint256,uint256,uint256,uint256,uint256,bool,bool,bool))", {"staking": p.address, "configId": p.uint256, "config": p.struct({"bank": p.address, "manager": p.address, "token": p.address, "interestRate": p.uint256, "stakeDuration": p.uint256, "cooldownDuration": p.uint256, "maxStake": p.uint256, "minStake": p.uint256, "isActive": p.bool, "isTopupEnabled": p.bool, "isPublic": p.bool})}, ),
    transferOwnership: fun("0xf2fde38b", "transferOwnership(address)", {"newOwner": p.address}, ),
}

export class Contract extends ContractBase {

    owner() {
        return this.eth_call(functions.owner, {})
    }
}

/// Event types
export type OwnershipTransferredEventArgs = EParams<typeof events.OwnershipTransferred>

/// Function types
export type ApproveParams = FunctionArguments<typeof functions.approve>
export type ApproveReturn = FunctionReturn<typeof functions.approve>

export type OwnerParams = FunctionArguments<typeof functions.owner>
export type OwnerReturn = FunctionReturn<typeof functions.owner>

export type RenounceOwnershipParams = FunctionArguments<typeof functions.renounceOwnership>
export type RenounceOwnershipReturn = FunctionReturn<typeof functions.renounceOwnership>

export type SetConfigParams = FunctionArguments<typeof functions.setConfig>
export type SetConfigReturn = FunctionReturn<typeof functions.setConfig>

export type TransferOwnershipParams = FunctionArguments<typeof functions.transferOwnership>
export type TransferOwnershipReturn = FunctionReturn<typeof functions.transferOwnership>

