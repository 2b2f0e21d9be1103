import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    CommitStake: event("0x620370f45870d6716490cfd0daae2e9d26c79f2e6d4022f899f5fafc08116cb1", "CommitStake(uint256,bytes)", {"stakingId": indexed(p.uint256), "commitment": p.bytes}),
    ConfigCreated: event("0x39ad3953ff6a9b643b040822ccccb53a0c37652671a6ec3c412742198fffe596", "ConfigCreated(uint256)", {"configId": indexed(p.uint256)}),
    ConfigSet: event("0x9c933b25f5dbb75d1692620ebb23b49abcc3af5dc6aa3af2cf0bd663053915e8", "ConfigSet(uint256)", {"configId": indexed(p.uint256)}),
    EIP712DomainChanged: event("0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31", "EIP712DomainChanged()", {}),
    RequestUnstake: event("0x31159605084327548f769cbdbd72e8abca5a043cd0a976d4fa97cfd932efd8ec", "RequestUnstake(uint256,address)", {"stakingId": indexed(p.uint256), "recipient": indexed(p.address)}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    Staked: event("0x18dcd430020e4d4899772fd94a8b40451dc5044dfb70bc46b532eeae431c864f", "Staked(uint256,address,uint256)", {"stakingId": indexed(p.uint256), "recipient": indexed(p.address), "amount": indexed(p.uint256)}),
    ToppedUp: event("0xf19b343790b563def8e3295fefceb8287c0389331561e09afd814bca77f1850a", "ToppedUp(uint256,address,uint256)", {"stakingId": indexed(p.uint256), "recipient": indexed(p.address), "amount": p.uint256}),
    Unstaked: event("0x81b0ac4b13aab1ab3b86d524dd62924e99a9d694e94e235f627bb41589717ff7", "Unstaked(uint256,address)", {"stakingId": indexed(p.uint256), "recipient": indexed(p.address)}),
}

export const functions = {
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    TRUSTED_BANK: viewFun("0x3cb469d0", "TRUSTED_BANK()", {}, p.bytes32),
    accured: viewFun("0xef10d525", "accured((address,uint256,uint256,uint256,uint256,uint256))", {"s": p.struct({"recipient": p.address, "configId": p.uint256, "updatedAt": p.uint256, "amount": p.uint256, "startTime": p.uint256, "principal": p.uint256})}, p.struct({"recipient": p.address, "configId": p.uint256, "updatedAt": p.uint256, "amount": p.uint256, "startTime": p.uint256, "principal": p.uint256})),
    calculateAmount: viewFun("0xc6b1863d", "calculateAmount((address,uint256,uint256,uint256,uint256,uint256))", {"s": p.struct({"recipient": p.address, "configId": p.uint256, "updatedAt": p.uint256, "amount": p.uint256, "startTime": p.uint256, "principal": p.uint256})}, p.uint256),
    commitStake: fun("0xd2406a4f", "commitStake(bytes)", {"permit": p.bytes}, ),
    configs: viewFun("0x0098fa22", "configs(uint256)", {"configId": p.uint256}, p.struct({"bank": p.address, "manager": p.address, "token": p.address, "interestRate": p.uint256, "stakeDuration": p.uint256, "cooldownDuration": p.uint256, "maxStake": p.uint256, "minStake": p.uint256, "isActive": p.bool, "isTopupEnabled": p.bool, "isPublic": p.bool})),
    eip712Domain: viewFun("0x84b0196e", "eip712Domain()", {}, {"fields": p.bytes1, "name": p.string, "version": p.string, "chainId": p.uint256, "verifyingContract": p.address, "salt": p.bytes32, "extensions": p.array(p.uint256)}),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    nextStakeId: viewFun("0x75506c96", "nextStakeId()", {}, p.uint256),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    replayGuard: viewFun("0xe5db7c18", "replayGuard(bytes32)", {"_0": p.bytes32}, p.bool),
    requestUnstake: fun("0x23095721", "requestUnstake(uint256)", {"stakingId": p.uint256}, ),
    requestUnstakeWithCommitment: fun("0x50027f84", "requestUnstakeWithCommitment(uint256,uint256,uint256,uint256,uint256)", {"stakingId": p.uint256, "configId": p.uint256, "startTime": p.uint256, "nonce": p.uint256, "amount": p.uint256}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    setConfig: fun("0x92f47666", "setConfig(uint256,(address,address,address,uint256,uint256,uint256,uint256,uint256,bool,bool,bool))", {"configId": p.uint256, "config": p.struct({"bank": p.address, "manager": p.address, "token": p.address, "interestRate": p.uint256, "stakeDuration": p.uint256, "cooldownDuration": p.uint256, "maxStake": p.uint256, "minStake": p.uint256, "isActive": p.bool, "isTopupEnabled": p.bool, "isPublic": p.bool})}, ),
    stake: fun("0x6e9c931c", "stake(uint256,address,uint256)", {"configId": p.uint256, "onBehalfOf": p.address, "amount": p.uint256}, ),
    stakeCommitments: viewFun("0xe5c0599b", "stakeCommitments(uint256)", {"_0": p.uint256}, p.bytes),
    stakedAmounts: viewFun("0x8c1f6195", "stakedAmounts(uint256,address)", {"_0": p.uint256, "_1": p.address}, p.uint256),
    stakes: viewFun("0xd5a44f86", "stakes(uint256)", {"_0": p.uint256}, {"recipient": p.address, "configId": p.uint256, "updatedAt": p.uint256, "amount": p.uint256, "startTime": p.uint256, "principal": p.uint256}),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    topUpStake: fun("0x08c3c4d5", "topUpStake(uint256,uint256)", {"stakingId": p.uint256, "topupAmount": p.uint256}, ),
    unstake: fun("0x2e17de78", "unstake(uint256)", {"stakingId": p.uint256}, ),
    unstakeRequests: viewFun("0xf87975af", "unstakeRequests(uint256)", {"_0": p.uint256}, {"requestAt": p.uint256, "stake": p.struct({"recipient": p.address, "configId": p.uint256, "updatedAt": p.uint256, "amount": p.uint256, "startTime": p.uint256, "principal": p.uint256})}),
}

export class Contract extends ContractBase {

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    TRUSTED_BANK() {
        return this.eth_call(functions.TRUSTED_BANK, {})
    }

    accured(s: AccuredParams["s"]) {
        return this.eth_call(functions.accured, {s})
    }

    calculateAmount(s: CalculateAmountParams["s"]) {
        return this.eth_call(functions.calculateAmount, {s})
    }

    configs(configId: ConfigsParams["configId"]) {
        return this.eth_call(functions.configs, {configId})
    }

    eip712Domain() {
        return this.eth_call(functions.eip712Domain, {})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    nextStakeId() {
        return this.eth_call(functions.nextStakeId, {})
    }

    replayGuard(_0: ReplayGuardParams["_0"]) {
        return this.eth_call(functions.replayGuard, {_0})
    }

    stakeCommitments(_0: StakeCommitmentsParams["_0"]) {
        return this.eth_call(functions.stakeCommitments, {_0})
    }

    stakedAmounts(_0: StakedAmountsParams["_0"], _1: StakedAmountsParams["_1"]) {
        return this.eth_call(functions.stakedAmounts, {_0, _1})
    }

    stakes(_0: StakesParams["_0"]) {
        return this.eth_call(functions.stakes, {_0})
    }

    supportsInterface(interfaceId: SupportsInterfaceParams["interfaceId"]) {
        return this.eth_call(functions.supportsInterface, {interfaceId})
    }

    unstakeRequests(_0: UnstakeRequestsParams["_0"]) {
        return this.eth_call(functions.unstakeRequests, {_0})
    }
}

/// Event types
export type CommitStakeEventArgs = EParams<typeof events.CommitStake>
export type ConfigCreatedEventArgs = EParams<typeof events.ConfigCreated>
export type ConfigSetEventArgs = EParams<typeof events.ConfigSet>
export type EIP712DomainChangedEventArgs = EParams<typeof events.EIP712DomainChanged>
export type RequestUnstakeEventArgs = EParams<typeof events.RequestUnstake>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>
export type StakedEventArgs = EParams<typeof events.Staked>
export type ToppedUpEventArgs = EParams<typeof events.ToppedUp>
export type UnstakedEventArgs = EParams<typeof events.Unstaked>

/// Function types
export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type TRUSTED_BANKParams = FunctionArguments<typeof functions.TRUSTED_BANK>
export type TRUSTED_BANKReturn = FunctionReturn<typeof functions.TRUSTED_BANK>

export type AccuredParams = FunctionArguments<typeof functions.accured>
export type AccuredReturn = FunctionReturn<typeof functions.accured>

export type CalculateAmountParams = FunctionArguments<typeof functions.calculateAmount>
export type CalculateAmountReturn = FunctionReturn<typeof functions.calculateAmount>

export type CommitStakeParams = FunctionArguments<typeof functions.commitStake>
export type CommitStakeReturn = FunctionReturn<typeof functions.commitStake>

export type ConfigsParams = FunctionArguments<typeof functions.configs>
export type ConfigsReturn = FunctionReturn<typeof functions.configs>

export type Eip712DomainParams = FunctionArguments<typeof functions.eip712Domain>
export type Eip712DomainReturn = FunctionReturn<typeof functions.eip712Domain>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type NextStakeIdParams = FunctionArguments<typeof functions.nextStakeId>
export type NextStakeIdReturn = FunctionReturn<typeof functions.nextStakeId>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type ReplayGuardParams = FunctionArguments<typeof functions.replayGuard>
export type ReplayGuardReturn = FunctionReturn<typeof functions.replayGuard>

export type RequestUnstakeParams = FunctionArguments<typeof functions.requestUnstake>
export type RequestUnstakeReturn = FunctionReturn<typeof functions.requestUnstake>

export type RequestUnstakeWithCommitmentParams = FunctionArguments<typeof functions.requestUnstakeWithCommitment>
export type RequestUnstakeWithCommitmentReturn = FunctionReturn<typeof functions.requestUnstakeWithCommitment>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SetConfigParams = FunctionArguments<typeof functions.setConfig>
export type SetConfigReturn = FunctionReturn<typeof functions.setConfig>

export type StakeParams = FunctionArguments<typeof functions.stake>
export type StakeReturn = FunctionReturn<typeof functions.stake>

export type StakeCommitmentsParams = FunctionArguments<typeof functions.stakeCommitments>
export type StakeCommitmentsReturn = FunctionReturn<typeof functions.stakeCommitments>

export type StakedAmountsParams = FunctionArguments<typeof functions.stakedAmounts>
export type StakedAmountsReturn = FunctionReturn<typeof functions.stakedAmounts>

export type StakesParams = FunctionArguments<typeof functions.stakes>
export type StakesReturn = FunctionReturn<typeof functions.stakes>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TopUpStakeParams = FunctionArguments<typeof functions.topUpStake>
export type TopUpStakeReturn = FunctionReturn<typeof functions.topUpStake>

export type UnstakeParams = FunctionArguments<typeof functions.unstake>
export type UnstakeReturn = FunctionReturn<typeof functions.unstake>

export type UnstakeRequestsParams = FunctionArguments<typeof functions.unstakeRequests>
export type UnstakeRequestsReturn = FunctionReturn<typeof functions.unstakeRequests>

