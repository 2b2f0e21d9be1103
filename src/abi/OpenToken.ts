import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    Approval: event("0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925", "Approval(address,address,uint256)", {"owner": indexed(p.address), "spender": indexed(p.address), "value": p.uint256}),
    Transfer: event("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef", "Transfer(address,address,uint256)", {"from": indexed(p.address), "to": indexed(p.address), "value": p.uint256}),
}

export const functions = {
    COMMUNITY: viewFun("0xf8d7f790", "COMMUNITY()", {}, p.uint256),
    ECOSYSTEM: viewFun("0xd381f212", "ECOSYSTEM()", {}, p.uint256),
    INVESTORS: viewFun("0x4581d3cd", "INVESTORS()", {}, p.uint256),
    LIQUIDITY: viewFun("0x2861c7d1", "LIQUIDITY()", {}, p.uint256),
    TEAM: viewFun("0xcecdc6aa", "TEAM()", {}, p.uint256),
    TOTAL_SUPPLY: viewFun("0x902d55a5", "TOTAL_SUPPLY()", {}, p.uint256),
    allowance: viewFun("0xdd62ed3e", "allowance(address,address)", {"owner": p.address, "spender": p.address}, p.uint256),
    approve: fun("0x095ea7b3", "approve(address,uint256)", {"spender": p.address, "value": p.uint256}, p.bool),
    balanceOf: viewFun("0x70a08231", "balanceOf(address)", {"account": p.address}, p.uint256),
    burn: fun("0x42966c68", "burn(uint256)", {"value": p.uint256}, ),
    burnFrom: fun("0x79cc6790", "burnFrom(address,uint256)", {"account": p.address, "value": p.uint256}, ),
    decimals: viewFun("0x313ce567", "decimals()", {}, p.uint8),
    name: viewFun("0x06fdde03", "name()", {}, p.string),
    symbol: viewFun("0x95d89b41", "symbol()", {}, p.string),
    totalSupply: viewFun("0x18160ddd", "totalSupply()", {}, p.uint256),
    transfer: fun("0xa9059cbb", "transfer(address,uint256)", {"to": p.address, "value": p.uint256}, p.bool),
    transferFrom: fun("0x23b872dd", "transferFrom(address,address,uint256)", {"from": p.address, "to": p.address, "value": p.uint256}, p.bool),
}

export class Contract extends ContractBase {

    COMMUNITY() {
        return this.eth_call(functions.COMMUNITY, {})
    }

    ECOSYSTEM() {
        return this.eth_call(functions.ECOSYSTEM, {})
    }

    INVESTORS() {
        return this.eth_call(functions.INVESTORS, {})
    }

    LIQUIDITY() {
        return this.eth_call(functions.LIQUIDITY, {})
    }

    TEAM() {
        return this.eth_call(functions.TEAM, {})
    }

    TOTAL_SUPPLY() {
        return this.eth_call(functions.TOTAL_SUPPLY, {})
    }

    allowance(owner: AllowanceParams["owner"], spender: AllowanceParams["spender"]) {
        return this.eth_call(functions.allowance, {owner, spender})
    }

    balanceOf(account: BalanceOfParams["account"]) {
        return this.eth_call(functions.balanceOf, {account})
    }

    decimals() {
        return this.eth_call(functions.decimals, {})
    }

    name() {
        return this.eth_call(functions.name, {})
    }

    symbol() {
        return this.eth_call(functions.symbol, {})
    }

    totalSupply() {
        return this.eth_call(functions.totalSupply, {})
    }
}

/// Event types
export type ApprovalEventArgs = EParams<typeof events.Approval>
export type TransferEventArgs = EParams<typeof events.Transfer>

/// Function types
export type COMMUNITYParams = FunctionArguments<typeof functions.COMMUNITY>
export type COMMUNITYReturn = FunctionReturn<typeof functions.COMMUNITY>

export type ECOSYSTEMParams = FunctionArguments<typeof functions.ECOSYSTEM>
export type ECOSYSTEMReturn = FunctionReturn<typeof functions.ECOSYSTEM>

export type INVESTORSParams = FunctionArguments<typeof functions.INVESTORS>
export type INVESTORSReturn = FunctionReturn<typeof functions.INVESTORS>

export type LIQUIDITYParams = FunctionArguments<typeof functions.LIQUIDITY>
export type LIQUIDITYReturn = FunctionReturn<typeof functions.LIQUIDITY>

export type TEAMParams = FunctionArguments<typeof functions.TEAM>
export type TEAMReturn = FunctionReturn<typeof functions.TEAM>

export type TOTAL_SUPPLYParams = FunctionArguments<typeof functions.TOTAL_SUPPLY>
export type TOTAL_SUPPLYReturn = FunctionReturn<typeof functions.TOTAL_SUPPLY>

export type AllowanceParams = FunctionArguments<typeof functions.allowance>
export type AllowanceReturn = FunctionReturn<typeof functions.allowance>

export type ApproveParams = FunctionArguments<typeof functions.approve>
export type ApproveReturn = FunctionReturn<typeof functions.approve>

export type BalanceOfParams = FunctionArguments<typeof functions.balanceOf>
export type BalanceOfReturn = FunctionReturn<typeof functions.balanceOf>

export type BurnParams = FunctionArguments<typeof functions.burn>
export type BurnReturn = FunctionReturn<typeof functions.burn>

export type BurnFromParams = FunctionArguments<typeof functions.burnFrom>
export type BurnFromReturn = FunctionReturn<typeof functions.burnFrom>

export type DecimalsParams = FunctionArguments<typeof functions.decimals>
export type DecimalsReturn = FunctionReturn<typeof functions.decimals>

export type NameParams = FunctionArguments<typeof functions.name>
export type NameReturn = FunctionReturn<typeof functions.name>

export type SymbolParams = FunctionArguments<typeof functions.symbol>
export type SymbolReturn = FunctionReturn<typeof functions.symbol>

export type TotalSupplyParams = FunctionArguments<typeof functions.totalSupply>
export type TotalSupplyReturn = FunctionReturn<typeof functions.totalSupply>

export type TransferParams = FunctionArguments<typeof functions.transfer>
export type TransferReturn = FunctionReturn<typeof functions.transfer>

export type TransferFromParams = FunctionArguments<typeof functions.transferFrom>
export type TransferFromReturn = FunctionReturn<typeof functions.transferFrom>

