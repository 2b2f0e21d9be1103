import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    ScheduleCreated: event("0xcd3cd476da99a91d49cb5408ebe47514c5e7de5811234ac2637cd6385dc0dc93", "ScheduleCreated(uint256,address,uint8,uint256,uint64,uint64,uint64)", {"scheduleId": indexed(p.uint256), "beneficiary": indexed(p.address), "category": indexed(p.uint8), "total": p.uint256, "start": p.uint64, "cliff": p.uint64, "duration": p.uint64}),
    TokensReleased: event("0x302bab68ae563141f1f8d7530597edee0ff26d39a81dbeaa338415bd83da9a46", "TokensReleased(uint256,address,uint8,uint256)", {"scheduleId": indexed(p.uint256), "beneficiary": indexed(p.address), "category": indexed(p.uint8), "amount": p.uint256}),
}

export const functions = {
    CATEGORY_INVESTORS: viewFun("0xad2378aa", "CATEGORY_INVESTORS()", {}, p.uint8),
    CATEGORY_TEAM: viewFun("0x01241599", "CATEGORY_TEAM()", {}, p.uint8),
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    createSchedule: fun("0xd54d41e9", "createSchedule(address,uint8,uint256,uint64,uint64,uint64)", {"beneficiary": p.address, "category": p.uint8, "total": p.uint256, "start": p.uint64, "cliff": p.uint64, "duration": p.uint64}, p.uint256),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    releasable: viewFun("0xe4bf01a8", "releasable(uint256)", {"scheduleId": p.uint256}, p.uint256),
    release: fun("0x37bdc99b", "release(uint256)", {"scheduleId": p.uint256}, p.uint256),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    schedule: viewFun("0x6fbfd409", "schedule(uint256)", {"scheduleId": p.uint256}, p.struct({"beneficiary": p.address, "category": p.uint8, "start": p.uint64, "cliff": p.uint64, "duration": p.uint64, "total": p.uint256, "released": p.uint256})),
    scheduleCount: viewFun("0xb7ef81e1", "scheduleCount()", {}, p.uint256),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
    unallocated: viewFun("0xb5308ace", "unallocated(uint8)", {"_0": p.uint8}, p.uint256),
    vestedAt: viewFun("0x9b612e1a", "vestedAt(uint256,uint64)", {"scheduleId": p.uint256, "timestamp": p.uint64}, p.uint256),
}

export class Contract extends ContractBase {

    CATEGORY_INVESTORS() {
        return this.eth_call(functions.CATEGORY_INVESTORS, {})
    }

    CATEGORY_TEAM() {
        return this.eth_call(functions.CATEGORY_TEAM, {})
    }

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    releasable(scheduleId: ReleasableParams["scheduleId"]) {
        return this.eth_call(functions.releasable, {scheduleId})
    }

    schedule(scheduleId: ScheduleParams["scheduleId"]) {
        return this.eth_call(functions.schedule, {scheduleId})
    }

    scheduleCount() {
        return this.eth_call(functions.scheduleCount, {})
    }

    supportsInterface(interfaceId: SupportsInterfaceParams["interfaceId"]) {
        return this.eth_call(functions.supportsInterface, {interfaceId})
    }

    token() {
        return this.eth_call(functions.token, {})
    }

    unallocated(_0: UnallocatedParams["_0"]) {
        return this.eth_call(functions.unallocated, {_0})
    }

    vestedAt(scheduleId: VestedAtParams["scheduleId"], timestamp: VestedAtParams["timestamp"]) {
        return this.eth_call(functions.vestedAt, {scheduleId, timestamp})
    }
}

/// Event types
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>
export type ScheduleCreatedEventArgs = EParams<typeof events.ScheduleCreated>
export type TokensReleasedEventArgs = EParams<typeof events.TokensReleased>

/// Function types
export type CATEGORY_INVESTORSParams = FunctionArguments<typeof functions.CATEGORY_INVESTORS>
export type CATEGORY_INVESTORSReturn = FunctionReturn<typeof functions.CATEGORY_INVESTORS>

export type CATEGORY_TEAMParams = FunctionArguments<typeof functions.CATEGORY_TEAM>
export type CATEGORY_TEAMReturn = FunctionReturn<typeof functions.CATEGORY_TEAM>

export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type CreateScheduleParams = FunctionArguments<typeof functions.createSchedule>
export type CreateScheduleReturn = FunctionReturn<typeof functions.createSchedule>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type ReleasableParams = FunctionArguments<typeof functions.releasable>
export type ReleasableReturn = FunctionReturn<typeof functions.releasable>

export type ReleaseParams = FunctionArguments<typeof functions.release>
export type ReleaseReturn = FunctionReturn<typeof functions.release>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type ScheduleParams = FunctionArguments<typeof functions.schedule>
export type ScheduleReturn = FunctionReturn<typeof functions.schedule>

export type ScheduleCountParams = FunctionArguments<typeof functions.scheduleCount>
export type ScheduleCountReturn = FunctionReturn<typeof functions.scheduleCount>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

export type UnallocatedParams = FunctionArguments<typeof functions.unallocated>
export type UnallocatedReturn = FunctionReturn<typeof functions.unallocated>

export type VestedAtParams = FunctionArguments<typeof functions.vestedAt>
export type VestedAtReturn = FunctionReturn<typeof functions.vestedAt>

