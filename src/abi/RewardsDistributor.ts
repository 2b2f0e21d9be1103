import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    BucketTransfer: event("0x41eab480b3b108415becf8d502fada7fdab94cdb853d031d657c4c70b9474bb4", "BucketTransfer(uint8,address,uint256,bytes32)", {"bucket": indexed(p.uint8), "to": indexed(p.address), "amount": p.uint256, "purpose": p.bytes32}),
    IncentivePaid: event("0x3b74249daa090e97541970df0d2b84eb9a76bf7d6d2e9a8a03bbfc5d1132c6d0", "IncentivePaid(address,uint8,uint8,uint256,bytes32)", {"recipient": indexed(p.address), "role": indexed(p.uint8), "bucket": indexed(p.uint8), "amount": p.uint256, "reason": p.bytes32}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
}

export const functions = {
    BUCKET_COMMUNITY: viewFun("0x5c8880bd", "BUCKET_COMMUNITY()", {}, p.uint8),
    BUCKET_ECOSYSTEM: viewFun("0x173110b4", "BUCKET_ECOSYSTEM()", {}, p.uint8),
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    DISTRIBUTOR_ROLE: viewFun("0xf0bd87cc", "DISTRIBUTOR_ROLE()", {}, p.bytes32),
    ROLE_CONTRIBUTOR: viewFun("0x694172f2", "ROLE_CONTRIBUTOR()", {}, p.uint8),
    ROLE_CREATOR: viewFun("0xaa9db0cb", "ROLE_CREATOR()", {}, p.uint8),
    ROLE_OPERATOR: viewFun("0x98a1b397", "ROLE_OPERATOR()", {}, p.uint8),
    ROLE_OTHER: viewFun("0x565a9200", "ROLE_OTHER()", {}, p.uint8),
    ROLE_STAKER: viewFun("0x5cd35a33", "ROLE_STAKER()", {}, p.uint8),
    bucketBalance: viewFun("0xe71ff6d7", "bucketBalance(uint8)", {"_0": p.uint8}, p.uint256),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    pay: fun("0x5a6432a4", "pay(address,uint8,uint8,uint256,bytes32)", {"recipient": p.address, "role": p.uint8, "bucket": p.uint8, "amount": p.uint256, "reason": p.bytes32}, ),
    payMany: fun("0x336e81b7", "payMany(address[],uint8[],uint256[],uint8,bytes32)", {"recipients": p.array(p.address), "roles": p.array(p.uint8), "amounts": p.array(p.uint256), "bucket": p.uint8, "reason": p.bytes32}, ),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
    transferOut: fun("0x47514755", "transferOut(uint8,address,uint256,bytes32)", {"bucket": p.uint8, "to": p.address, "amount": p.uint256, "purpose": p.bytes32}, ),
}

export class Contract extends ContractBase {

    BUCKET_COMMUNITY() {
        return this.eth_call(functions.BUCKET_COMMUNITY, {})
    }

    BUCKET_ECOSYSTEM() {
        return this.eth_call(functions.BUCKET_ECOSYSTEM, {})
    }

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    DISTRIBUTOR_ROLE() {
        return this.eth_call(functions.DISTRIBUTOR_ROLE, {})
    }

    ROLE_CONTRIBUTOR() {
        return this.eth_call(functions.ROLE_CONTRIBUTOR, {})
    }

    ROLE_CREATOR() {
        return this.eth_call(functions.ROLE_CREATOR, {})
    }

    ROLE_OPERATOR() {
        return this.eth_call(functions.ROLE_OPERATOR, {})
    }

    ROLE_OTHER() {
        return this.eth_call(functions.ROLE_OTHER, {})
    }

    ROLE_STAKER() {
        return this.eth_call(functions.ROLE_STAKER, {})
    }

    bucketBalance(_0: BucketBalanceParams["_0"]) {
        return this.eth_call(functions.bucketBalance, {_0})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    supportsInterface(interfaceId: SupportsInterfaceParams["interfaceId"]) {
        return this.eth_call(functions.supportsInterface, {interfaceId})
    }

    token() {
        return this.eth_call(functions.token, {})
    }
}

/// Event types
export type BucketTransferEventArgs = EParams<typeof events.BucketTransfer>
export type IncentivePaidEventArgs = EParams<typeof events.IncentivePaid>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>

/// Function types
export type BUCKET_COMMUNITYParams = FunctionArguments<typeof functions.BUCKET_COMMUNITY>
export type BUCKET_COMMUNITYReturn = FunctionReturn<typeof functions.BUCKET_COMMUNITY>

export type BUCKET_ECOSYSTEMParams = FunctionArguments<typeof functions.BUCKET_ECOSYSTEM>
export type BUCKET_ECOSYSTEMReturn = FunctionReturn<typeof functions.BUCKET_ECOSYSTEM>

export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type DISTRIBUTOR_ROLEParams = FunctionArguments<typeof functions.DISTRIBUTOR_ROLE>
export type DISTRIBUTOR_ROLEReturn = FunctionReturn<typeof functions.DISTRIBUTOR_ROLE>

export type ROLE_CONTRIBUTORParams = FunctionArguments<typeof functions.ROLE_CONTRIBUTOR>
export type ROLE_CONTRIBUTORReturn = FunctionReturn<typeof functions.ROLE_CONTRIBUTOR>

export type ROLE_CREATORParams = FunctionArguments<typeof functions.ROLE_CREATOR>
export type ROLE_CREATORReturn = FunctionReturn<typeof functions.ROLE_CREATOR>

export type ROLE_OPERATORParams = FunctionArguments<typeof functions.ROLE_OPERATOR>
export type ROLE_OPERATORReturn = FunctionReturn<typeof functions.ROLE_OPERATOR>

export type ROLE_OTHERParams = FunctionArguments<typeof functions.ROLE_OTHER>
export type ROLE_OTHERReturn = FunctionReturn<typeof functions.ROLE_OTHER>

export type ROLE_STAKERParams = FunctionArguments<typeof functions.ROLE_STAKER>
export type ROLE_STAKERReturn = FunctionReturn<typeof functions.ROLE_STAKER>

export type BucketBalanceParams = FunctionArguments<typeof functions.bucketBalance>
export type BucketBalanceReturn = FunctionReturn<typeof functions.bucketBalance>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type PayParams = FunctionArguments<typeof functions.pay>
export type PayReturn = FunctionReturn<typeof functions.pay>

export type PayManyParams = FunctionArguments<typeof functions.payMany>
export type PayManyReturn = FunctionReturn<typeof functions.payMany>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

export type TransferOutParams = FunctionArguments<typeof functions.transferOut>
export type TransferOutReturn = FunctionReturn<typeof functions.transferOut>

