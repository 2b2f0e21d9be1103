import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    AttributionPaid: event("0x94622601a82eea78ece8e915c2c666b19d0d590b683db0217bb8e3cdd570fe7a", "AttributionPaid(uint64,uint256,address,uint256,uint32,uint256)", {"epoch": indexed(p.uint64), "modelId": indexed(p.uint256), "contributor": indexed(p.address), "datanetId": p.uint256, "weight": p.uint32, "amount": p.uint256}),
    EpochClosed: event("0xb66f833df8fac69c15af49be648cb6d74c6fe53b923ded5331baf7b433c7efc6", "EpochClosed(uint64,uint256,uint256,uint32,bytes32)", {"epoch": indexed(p.uint64), "modelId": indexed(p.uint256), "pool": p.uint256, "entries": p.uint32, "weightsHash": p.bytes32}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
}

export const functions = {
    ATTRIBUTOR_ROLE: viewFun("0xb5eb54f9", "ATTRIBUTOR_ROLE()", {}, p.bytes32),
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    MAX_ENTRIES: viewFun("0x7d4cb964", "MAX_ENTRIES()", {}, p.uint256),
    SCALE: viewFun("0xeced5526", "SCALE()", {}, p.uint32),
    datanets: viewFun("0xea7fd377", "datanets()", {}, p.address),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    nextEpoch: viewFun("0x342a7b01", "nextEpoch(uint256)", {"_0": p.uint256}, p.uint64),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    settleEpoch: fun("0x8d4749ec", "settleEpoch(uint64,uint256,(uint256,address,uint32)[])", {"epoch": p.uint64, "modelId": p.uint256, "entries": p.array(p.struct({"datanetId": p.uint256, "contributor": p.address, "weight": p.uint32}))}, p.uint256),
    settlement: viewFun("0x51160630", "settlement()", {}, p.address),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
}

export class Contract extends ContractBase {

    ATTRIBUTOR_ROLE() {
        return this.eth_call(functions.ATTRIBUTOR_ROLE, {})
    }

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    MAX_ENTRIES() {
        return this.eth_call(functions.MAX_ENTRIES, {})
    }

    SCALE() {
        return this.eth_call(functions.SCALE, {})
    }

    datanets() {
        return this.eth_call(functions.datanets, {})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    nextEpoch(_0: NextEpochParams["_0"]) {
        return this.eth_call(functions.nextEpoch, {_0})
    }

    settlement() {
        return this.eth_call(functions.settlement, {})
    }

    supportsInterface(interfaceId: SupportsInterfaceParams["interfaceId"]) {
        return this.eth_call(functions.supportsInterface, {interfaceId})
    }

    token() {
        return this.eth_call(functions.token, {})
    }
}

/// Event types
export type AttributionPaidEventArgs = EParams<typeof events.AttributionPaid>
export type EpochClosedEventArgs = EParams<typeof events.EpochClosed>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>

/// Function types
export type ATTRIBUTOR_ROLEParams = FunctionArguments<typeof functions.ATTRIBUTOR_ROLE>
export type ATTRIBUTOR_ROLEReturn = FunctionReturn<typeof functions.ATTRIBUTOR_ROLE>

export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type MAX_ENTRIESParams = FunctionArguments<typeof functions.MAX_ENTRIES>
export type MAX_ENTRIESReturn = FunctionReturn<typeof functions.MAX_ENTRIES>

export type SCALEParams = FunctionArguments<typeof functions.SCALE>
export type SCALEReturn = FunctionReturn<typeof functions.SCALE>

export type DatanetsParams = FunctionArguments<typeof functions.datanets>
export type DatanetsReturn = FunctionReturn<typeof functions.datanets>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type NextEpochParams = FunctionArguments<typeof functions.nextEpoch>
export type NextEpochReturn = FunctionReturn<typeof functions.nextEpoch>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SettleEpochParams = FunctionArguments<typeof functions.settleEpoch>
export type SettleEpochReturn = FunctionReturn<typeof functions.settleEpoch>

export type SettlementParams = FunctionArguments<typeof functions.settlement>
export type SettlementReturn = FunctionReturn<typeof functions.settlement>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

