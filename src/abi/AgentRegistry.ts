import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    AgentExitRequested: event("0x634e8f79627f3ac54d1642e9827247ed6bbfcdf4416432ef8903f41706d8fb61", "AgentExitRequested(uint256,address,uint64)", {"agentId": indexed(p.uint256), "account": indexed(p.address), "availableAt": p.uint64}),
    AgentRegistered: event("0x558e507ba1e44b2212f77c3dbf718a359e1a1ac1608d68c5549c9c90d5c00548", "AgentRegistered(uint256,address,uint32,uint256)", {"agentId": indexed(p.uint256), "account": indexed(p.address), "operatorId": indexed(p.uint32), "stake": p.uint256}),
    AgentSlashed: event("0xe3439bd0806fa04366ff01160c08ffddeb3adda88fd25478a7184dd090a9eb76", "AgentSlashed(uint256,address,uint8,uint256,uint256,uint256)", {"agentId": indexed(p.uint256), "account": indexed(p.address), "reason": indexed(p.uint8), "amount": p.uint256, "toTreasury": p.uint256, "toBurn": p.uint256}),
    AgentStakeIncreased: event("0x9b9cc7213c00cc9e7a51379abe8b9ed88c9d5a62f72c25c77c3693d4b26e0cc8", "AgentStakeIncreased(uint256,address,uint256,uint256)", {"agentId": indexed(p.uint256), "account": indexed(p.address), "amount": p.uint256, "newStake": p.uint256}),
    AgentWithdrawn: event("0x05668f122286fb315fa4efecdf48fe11ef05bd73d3e88b0c9873d98548645fd9", "AgentWithdrawn(uint256,address,uint256)", {"agentId": indexed(p.uint256), "account": indexed(p.address), "amount": p.uint256}),
    ExitCooldownChanged: event("0x2e4333ee999d4665d35721fbc4b55d8fd319cf16dbdeaa547bbc693dac9b0dad", "ExitCooldownChanged(uint64,uint64)", {"oldCooldown": p.uint64, "newCooldown": p.uint64}),
    MinStakeChanged: event("0xca11c8a4c461b60c9f485404c272650c2aaae260b2067d72e9924abb68556593", "MinStakeChanged(uint256,uint256)", {"oldMinStake": p.uint256, "newMinStake": p.uint256}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    SlashBurnShareChanged: event("0x60f6de10e21eac3f26cfa5732571d2cd84ab455f170cef6e6d26683bc8e0ac1d", "SlashBurnShareChanged(uint16,uint16)", {"oldBps": p.uint16, "newBps": p.uint16}),
}

export const functions = {
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    SLASHER_ROLE: viewFun("0x5095af64", "SLASHER_ROLE()", {}, p.bytes32),
    agent: viewFun("0xddf5d0a3", "agent(uint256)", {"agentId": p.uint256}, p.struct({"account": p.address, "operatorId": p.uint32, "exitAvailableAt": p.uint64, "stake": p.uint256})),
    agentCount: viewFun("0xb7dc1284", "agentCount()", {}, p.uint256),
    agentIdOf: viewFun("0xe9c9ec73", "agentIdOf(address)", {"_0": p.address}, p.uint256),
    exitCooldown: viewFun("0x0b80a0b2", "exitCooldown()", {}, p.uint64),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    minStake: viewFun("0x375b3c0a", "minStake()", {}, p.uint256),
    register: fun("0x5b1e1c43", "register(uint32,uint256)", {"operatorId": p.uint32, "stake": p.uint256}, p.uint256),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    requestExit: fun("0x7f8e3b4e", "requestExit()", {}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    setExitCooldown: fun("0x81921839", "setExitCooldown(uint64)", {"newCooldown": p.uint64}, ),
    setMinStake: fun("0x8c80fd90", "setMinStake(uint256)", {"newMinStake": p.uint256}, ),
    setSlashBurnBps: fun("0x814cc6cf", "setSlashBurnBps(uint16)", {"bps": p.uint16}, ),
    settlement: viewFun("0x51160630", "settlement()", {}, p.address),
    slash: fun("0xde039dbd", "slash(address,uint256,uint8)", {"account": p.address, "amount": p.uint256, "reason": p.uint8}, ),
    slashBurnBps: viewFun("0x4a928939", "slashBurnBps()", {}, p.uint16),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
    topUp: fun("0x50017f3e", "topUp(uint256)", {"amount": p.uint256}, ),
    treasury: viewFun("0x61d027b3", "treasury()", {}, p.address),
    withdraw: fun("0x3ccfd60b", "withdraw()", {}, p.uint256),
}

export class Contract extends ContractBase {

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    SLASHER_ROLE() {
        return this.eth_call(functions.SLASHER_ROLE, {})
    }

    agent(agentId: AgentParams["agentId"]) {
        return this.eth_call(functions.agent, {agentId})
    }

    agentCount() {
        return this.eth_call(functions.agentCount, {})
    }

    agentIdOf(_0: AgentIdOfParams["_0"]) {
        return this.eth_call(functions.agentIdOf, {_0})
    }

    exitCooldown() {
        return this.eth_call(functions.exitCooldown, {})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    minStake() {
        return this.eth_call(functions.minStake, {})
    }

    settlement() {
        return this.eth_call(functions.settlement, {})
    }

    slashBurnBps() {
        return this.eth_call(functions.slashBurnBps, {})
    }

    supportsInterface(interfaceId: SupportsInterfaceParams["interfaceId"]) {
        return this.eth_call(functions.supportsInterface, {interfaceId})
    }

    token() {
        return this.eth_call(functions.token, {})
    }

    treasury() {
        return this.eth_call(functions.treasury, {})
    }
}

/// Event types
export type AgentExitRequestedEventArgs = EParams<typeof events.AgentExitRequested>
export type AgentRegisteredEventArgs = EParams<typeof events.AgentRegistered>
export type AgentSlashedEventArgs = EParams<typeof events.AgentSlashed>
export type AgentStakeIncreasedEventArgs = EParams<typeof events.AgentStakeIncreased>
export type AgentWithdrawnEventArgs = EParams<typeof events.AgentWithdrawn>
export type ExitCooldownChangedEventArgs = EParams<typeof events.ExitCooldownChanged>
export type MinStakeChangedEventArgs = EParams<typeof events.MinStakeChanged>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>
export type SlashBurnShareChangedEventArgs = EParams<typeof events.SlashBurnShareChanged>

/// Function types
export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type SLASHER_ROLEParams = FunctionArguments<typeof functions.SLASHER_ROLE>
export type SLASHER_ROLEReturn = FunctionReturn<typeof functions.SLASHER_ROLE>

export type AgentParams = FunctionArguments<typeof functions.agent>
export type AgentReturn = FunctionReturn<typeof functions.agent>

export type AgentCountParams = FunctionArguments<typeof functions.agentCount>
export type AgentCountReturn = FunctionReturn<typeof functions.agentCount>

export type AgentIdOfParams = FunctionArguments<typeof functions.agentIdOf>
export type AgentIdOfReturn = FunctionReturn<typeof functions.agentIdOf>

export type ExitCooldownParams = FunctionArguments<typeof functions.exitCooldown>
export type ExitCooldownReturn = FunctionReturn<typeof functions.exitCooldown>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type MinStakeParams = FunctionArguments<typeof functions.minStake>
export type MinStakeReturn = FunctionReturn<typeof functions.minStake>

export type RegisterParams = FunctionArguments<typeof functions.register>
export type RegisterReturn = FunctionReturn<typeof functions.register>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RequestExitParams = FunctionArguments<typeof functions.requestExit>
export type RequestExitReturn = FunctionReturn<typeof functions.requestExit>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SetExitCooldownParams = FunctionArguments<typeof functions.setExitCooldown>
export type SetExitCooldownReturn = FunctionReturn<typeof functions.setExitCooldown>

export type SetMinStakeParams = FunctionArguments<typeof functions.setMinStake>
export type SetMinStakeReturn = FunctionReturn<typeof functions.setMinStake>

export type SetSlashBurnBpsParams = FunctionArguments<typeof functions.setSlashBurnBps>
export type SetSlashBurnBpsReturn = FunctionReturn<typeof functions.setSlashBurnBps>

export type SettlementParams = FunctionArguments<typeof functions.settlement>
export type SettlementReturn = FunctionReturn<typeof functions.settlement>

export type SlashParams = FunctionArguments<typeof functions.slash>
export type SlashReturn = FunctionReturn<typeof functions.slash>

export type SlashBurnBpsParams = FunctionArguments<typeof functions.slashBurnBps>
export type SlashBurnBpsReturn = FunctionReturn<typeof functions.slashBurnBps>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

export type TopUpParams = FunctionArguments<typeof functions.topUp>
export type TopUpReturn = FunctionReturn<typeof functions.topUp>

export type TreasuryParams = FunctionArguments<typeof functions.treasury>
export type TreasuryReturn = FunctionReturn<typeof functions.treasury>

export type WithdrawParams = FunctionArguments<typeof functions.withdraw>
export type WithdrawReturn = FunctionReturn<typeof functions.withdraw>

