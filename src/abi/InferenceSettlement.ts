import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    BatchSettled: event("0x185065e80bc33e5455a3ec2293609baf78a1ac3a88e68000db39095d9c69f752", "BatchSettled(uint32,uint64,uint32,uint32,uint256,bytes32)", {"operatorId": indexed(p.uint32), "firstSeq": p.uint64, "count": p.uint32, "policyVersion": p.uint32, "totalFees": p.uint256, "usageLogHead": p.bytes32}),
    CreatorPaid: event("0x91ff91c2967c680116af2a02d0efdf47639de8c433bb2f9c77b1e19a1443aaf8", "CreatorPaid(uint256,address,uint256)", {"modelId": indexed(p.uint256), "creator": indexed(p.address), "amount": p.uint256}),
    EIP712DomainChanged: event("0x0a6387c9ea3628b88a633bb4f3b151770f70085117a15f9bf3787cda53f13d31", "EIP712DomainChanged()", {}),
    EscrowDeposited: event("0xce2e70c5cf60f8e00c5f1b00e661a68ad60ac067c151cf10368ed457e122830a", "EscrowDeposited(uint32,address,address,uint256)", {"payerId": indexed(p.uint32), "payer": indexed(p.address), "from": indexed(p.address), "amount": p.uint256}),
    EscrowWithdrawn: event("0x4a48fdd5acb3955b968cf81ebd616e4dec236bb56c46644ebb6f056f4c84ee7d", "EscrowWithdrawn(uint32,address,uint256)", {"payerId": indexed(p.uint32), "payer": indexed(p.address), "amount": p.uint256}),
    InferenceSettled: event("0xe523ab036fb8373bd7365784705ab2c3bed0079e4b6cd6fabd19e307dfb09c63", "InferenceSettled(uint256,uint256,address,uint256,uint256,uint256,uint256,uint256,uint256,uint256)", {"requestId": p.uint256, "modelId": indexed(p.uint256), "payer": indexed(p.address), "units": p.uint256, "fee": p.uint256, "creatorShare": p.uint256, "contributorsShare": p.uint256, "infraShare": p.uint256, "treasuryShare": p.uint256, "burnShare": p.uint256}),
    OperatorPaid: event("0x68829eb943dede697bfc399cd6dc0ba6cd067f7cf92778800960f7bdf25ad233", "OperatorPaid(uint32,address,uint256)", {"operatorId": indexed(p.uint32), "account": indexed(p.address), "amount": p.uint256}),
    OperatorRegistered: event("0x8336bdf3cb53b3e0d01902f4d655e0d2e42a69a3aa5c19d25ee48f9d7e13adde", "OperatorRegistered(uint32,address)", {"operatorId": indexed(p.uint32), "account": indexed(p.address)}),
    OperatorRemoved: event("0xb89224e978f84e8d08da6dcf8643e3b6f8fdfad3f555fd9c99b9edbd7ec41339", "OperatorRemoved(uint32,address)", {"operatorId": indexed(p.uint32), "account": indexed(p.address)}),
    PoolReleased: event("0x79ff6a75010eb5cb309d251732c36b27eb8ed128383cd43804945ab824695be0", "PoolReleased(uint256,address,uint256)", {"modelId": indexed(p.uint256), "to": indexed(p.address), "amount": p.uint256}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    ServingCostCommitted: event("0x50d789c80b6ff96e81028ca73988633525c50c31375813f9ab45a85f9b5051d5", "ServingCostCommitted(uint32,uint64,uint256,uint256,uint256,uint32)", {"operatorId": indexed(p.uint32), "firstSeq": p.uint64, "modelId": indexed(p.uint256), "cpuMicros": p.uint256, "adapterByteSeconds": p.uint256, "inferences": p.uint32}),
    TreasuryChanged: event("0x8c3aa5f43a388513435861bf27dfad7829cd248696fed367c62d441f62954496", "TreasuryChanged(address,address)", {"oldTreasury": indexed(p.address), "newTreasury": indexed(p.address)}),
    WithdrawDelayChanged: event("0xba7b8a694234877c8f81be5ceb7d9ed7e93c3abe4abdf5a44b35c10dfa2cdae5", "WithdrawDelayChanged(uint64,uint64)", {"oldDelay": p.uint64, "newDelay": p.uint64}),
    WithdrawalRequested: event("0x9f1d3ef379f51a5c2fb7fb773653f82d2ab0699e62aed27c9e0d62f1ccc09103", "WithdrawalRequested(uint32,address,uint256,uint64)", {"payerId": indexed(p.uint32), "payer": indexed(p.address), "amount": p.uint256, "availableAt": p.uint64}),
}

export const functions = {
    CHARGE_AUTHORIZATION_TYPEHASH: viewFun("0x28ff9bcc", "CHARGE_AUTHORIZATION_TYPEHASH()", {}, p.bytes32),
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    MAX_BATCH: viewFun("0x950bff9f", "MAX_BATCH()", {}, p.uint256),
    POOL_ROLE: viewFun("0x404ccd07", "POOL_ROLE()", {}, p.bytes32),
    accruals: viewFun("0x9f483fde", "accruals(uint256)", {"_0": p.uint256}, {"creatorAccrued": p.uint128, "contributorsPool": p.uint128}),
    balanceOfPayer: viewFun("0x87d0fa0f", "balanceOfPayer(address)", {"payer": p.address}, p.uint256),
    charged: viewFun("0x26ec5774", "charged(uint32,uint32)", {"payerId": p.uint32, "operatorId": p.uint32}, p.uint256),
    claimCreator: fun("0x79820810", "claimCreator(uint256)", {"modelId": p.uint256}, p.uint256),
    claimOperator: fun("0x0af758a4", "claimOperator(uint32)", {"operatorId": p.uint32}, p.uint256),
    deposit: fun("0xb6b55f25", "deposit(uint256)", {"amount": p.uint256}, p.uint32),
    depositFor: fun("0x2f4f21e2", "depositFor(address,uint256)", {"payer": p.address, "amount": p.uint256}, p.uint32),
    eip712Domain: viewFun("0x84b0196e", "eip712Domain()", {}, {"fields": p.bytes1, "name": p.string, "version": p.string, "chainId": p.uint256, "verifyingContract": p.address, "salt": p.bytes32, "extensions": p.array(p.uint256)}),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    models: viewFun("0x9986df2c", "models()", {}, p.address),
    nextSequence: viewFun("0x4cf842b5", "nextSequence(address)", {"account": p.address}, p.uint64),
    operatorCount: viewFun("0x7c6f3158", "operatorCount()", {}, p.uint32),
    operatorEarnings: viewFun("0x6c0e0b28", "operatorEarnings(uint32)", {"_0": p.uint32}, p.uint256),
    operatorIdOf: viewFun("0xb37855c8", "operatorIdOf(address)", {"_0": p.address}, p.uint32),
    operators: viewFun("0x3011aae1", "operators(uint32)", {"_0": p.uint32}, {"account": p.address, "active": p.bool, "nextSeq": p.uint64}),
    payerCount: viewFun("0xadda6621", "payerCount()", {}, p.uint32),
    payerIdOf: viewFun("0x488c266d", "payerIdOf(address)", {"_0": p.address}, p.uint32),
    payers: viewFun("0x8619e99e", "payers(uint32)", {"_0": p.uint32}, {"payer": p.address, "balance": p.uint96}),
    pendingWithdrawals: viewFun("0xa2f9f1ce", "pendingWithdrawals(uint32)", {"_0": p.uint32}, {"amount": p.uint96, "availableAt": p.uint64}),
    policy: viewFun("0x0505c8c9", "policy()", {}, p.address),
    registerOperator: fun("0x3682a450", "registerOperator(address)", {"account": p.address}, p.uint32),
    releasePool: fun("0xbc9ce92c", "releasePool(uint256)", {"modelId": p.uint256}, p.uint256),
    removeOperator: fun("0x2e1d2f05", "removeOperator(uint32)", {"operatorId": p.uint32}, ),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    requestWithdrawal: fun("0x9ee679e8", "requestWithdrawal(uint256)", {"amount": p.uint256}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    setTreasury: fun("0xf0f44260", "setTreasury(address)", {"newTreasury": p.address}, ),
    setWithdrawDelay: fun("0x0df25f1d", "setWithdrawDelay(uint64)", {"newDelay": p.uint64}, ),
    settleBatch: fun("0xab85662a", "settleBatch(uint64,bytes32,uint256[],uint32[],bytes32[],uint256[],uint256[],bytes32[])", {"firstSeq": p.uint64, "usageLogHead": p.bytes32, "modelIds": p.array(p.uint256), "payerIds": p.array(p.uint32), "receipts": p.array(p.bytes32), "cpuMicros": p.array(p.uint256), "adapterByteSeconds": p.array(p.uint256), "authorizations": p.array(p.bytes32)}, ),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
    treasury: viewFun("0x61d027b3", "treasury()", {}, p.address),
    withdraw: fun("0x3ccfd60b", "withdraw()", {}, p.uint256),
    withdrawDelay: viewFun("0x0288a39c", "withdrawDelay()", {}, p.uint64),
}

export class Contract extends ContractBase {

    CHARGE_AUTHORIZATION_TYPEHASH() {
        return this.eth_call(functions.CHARGE_AUTHORIZATION_TYPEHASH, {})
    }

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    MAX_BATCH() {
        return this.eth_call(functions.MAX_BATCH, {})
    }

    POOL_ROLE() {
        return this.eth_call(functions.POOL_ROLE, {})
    }

    accruals(_0: AccrualsParams["_0"]) {
        return this.eth_call(functions.accruals, {_0})
    }

    balanceOfPayer(payer: BalanceOfPayerParams["payer"]) {
        return this.eth_call(functions.balanceOfPayer, {payer})
    }

    charged(payerId: ChargedParams["payerId"], operatorId: ChargedParams["operatorId"]) {
        return this.eth_call(functions.charged, {payerId, operatorId})
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

    models() {
        return this.eth_call(functions.models, {})
    }

    nextSequence(account: NextSequenceParams["account"]) {
        return this.eth_call(functions.nextSequence, {account})
    }

    operatorCount() {
        return this.eth_call(functions.operatorCount, {})
    }

    operatorEarnings(_0: OperatorEarningsParams["_0"]) {
        return this.eth_call(functions.operatorEarnings, {_0})
    }

    operatorIdOf(_0: OperatorIdOfParams["_0"]) {
        return this.eth_call(functions.operatorIdOf, {_0})
    }

    operators(_0: OperatorsParams["_0"]) {
        return this.eth_call(functions.operators, {_0})
    }

    payerCount() {
        return this.eth_call(functions.payerCount, {})
    }

    payerIdOf(_0: PayerIdOfParams["_0"]) {
        return this.eth_call(functions.payerIdOf, {_0})
    }

    payers(_0: PayersParams["_0"]) {
        return this.eth_call(functions.payers, {_0})
    }

    pendingWithdrawals(_0: PendingWithdrawalsParams["_0"]) {
        return this.eth_call(functions.pendingWithdrawals, {_0})
    }

    policy() {
        return this.eth_call(functions.policy, {})
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

    withdrawDelay() {
        return this.eth_call(functions.withdrawDelay, {})
    }
}

/// Event types
export type BatchSettledEventArgs = EParams<typeof events.BatchSettled>
export type CreatorPaidEventArgs = EParams<typeof events.CreatorPaid>
export type EIP712DomainChangedEventArgs = EParams<typeof events.EIP712DomainChanged>
export type EscrowDepositedEventArgs = EParams<typeof events.EscrowDeposited>
export type EscrowWithdrawnEventArgs = EParams<typeof events.EscrowWithdrawn>
export type InferenceSettledEventArgs = EParams<typeof events.InferenceSettled>
export type OperatorPaidEventArgs = EParams<typeof events.OperatorPaid>
export type OperatorRegisteredEventArgs = EParams<typeof events.OperatorRegistered>
export type OperatorRemovedEventArgs = EParams<typeof events.OperatorRemoved>
export type PoolReleasedEventArgs = EParams<typeof events.PoolReleased>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>
export type ServingCostCommittedEventArgs = EParams<typeof events.ServingCostCommitted>
export type TreasuryChangedEventArgs = EParams<typeof events.TreasuryChanged>
export type WithdrawDelayChangedEventArgs = EParams<typeof events.WithdrawDelayChanged>
export type WithdrawalRequestedEventArgs = EParams<typeof events.WithdrawalRequested>

/// Function types
export type CHARGE_AUTHORIZATION_TYPEHASHParams = FunctionArguments<typeof functions.CHARGE_AUTHORIZATION_TYPEHASH>
export type CHARGE_AUTHORIZATION_TYPEHASHReturn = FunctionReturn<typeof functions.CHARGE_AUTHORIZATION_TYPEHASH>

export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type MAX_BATCHParams = FunctionArguments<typeof functions.MAX_BATCH>
export type MAX_BATCHReturn = FunctionReturn<typeof functions.MAX_BATCH>

export type POOL_ROLEParams = FunctionArguments<typeof functions.POOL_ROLE>
export type POOL_ROLEReturn = FunctionReturn<typeof functions.POOL_ROLE>

export type AccrualsParams = FunctionArguments<typeof functions.accruals>
export type AccrualsReturn = FunctionReturn<typeof functions.accruals>

export type BalanceOfPayerParams = FunctionArguments<typeof functions.balanceOfPayer>
export type BalanceOfPayerReturn = FunctionReturn<typeof functions.balanceOfPayer>

export type ChargedParams = FunctionArguments<typeof functions.charged>
export type ChargedReturn = FunctionReturn<typeof functions.charged>

export type ClaimCreatorParams = FunctionArguments<typeof functions.claimCreator>
export type ClaimCreatorReturn = FunctionReturn<typeof functions.claimCreator>

export type ClaimOperatorParams = FunctionArguments<typeof functions.claimOperator>
export type ClaimOperatorReturn = FunctionReturn<typeof functions.claimOperator>

export type DepositParams = FunctionArguments<typeof functions.deposit>
export type DepositReturn = FunctionReturn<typeof functions.deposit>

export type DepositForParams = FunctionArguments<typeof functions.depositFor>
export type DepositForReturn = FunctionReturn<typeof functions.depositFor>

export type Eip712DomainParams = FunctionArguments<typeof functions.eip712Domain>
export type Eip712DomainReturn = FunctionReturn<typeof functions.eip712Domain>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type ModelsParams = FunctionArguments<typeof functions.models>
export type ModelsReturn = FunctionReturn<typeof functions.models>

export type NextSequenceParams = FunctionArguments<typeof functions.nextSequence>
export type NextSequenceReturn = FunctionReturn<typeof functions.nextSequence>

export type OperatorCountParams = FunctionArguments<typeof functions.operatorCount>
export type OperatorCountReturn = FunctionReturn<typeof functions.operatorCount>

export type OperatorEarningsParams = FunctionArguments<typeof functions.operatorEarnings>
export type OperatorEarningsReturn = FunctionReturn<typeof functions.operatorEarnings>

export type OperatorIdOfParams = FunctionArguments<typeof functions.operatorIdOf>
export type OperatorIdOfReturn = FunctionReturn<typeof functions.operatorIdOf>

export type OperatorsParams = FunctionArguments<typeof functions.operators>
export type OperatorsReturn = FunctionReturn<typeof functions.operators>

export type PayerCountParams = FunctionArguments<typeof functions.payerCount>
export type PayerCountReturn = FunctionReturn<typeof functions.payerCount>

export type PayerIdOfParams = FunctionArguments<typeof functions.payerIdOf>
export type PayerIdOfReturn = FunctionReturn<typeof functions.payerIdOf>

export type PayersParams = FunctionArguments<typeof functions.payers>
export type PayersReturn = FunctionReturn<typeof functions.payers>

export type PendingWithdrawalsParams = FunctionArguments<typeof functions.pendingWithdrawals>
export type PendingWithdrawalsReturn = FunctionReturn<typeof functions.pendingWithdrawals>

export type PolicyParams = FunctionArguments<typeof functions.policy>
export type PolicyReturn = FunctionReturn<typeof functions.policy>

export type RegisterOperatorParams = FunctionArguments<typeof functions.registerOperator>
export type RegisterOperatorReturn = FunctionReturn<typeof functions.registerOperator>

export type ReleasePoolParams = FunctionArguments<typeof functions.releasePool>
export type ReleasePoolReturn = FunctionReturn<typeof functions.releasePool>

export type RemoveOperatorParams = FunctionArguments<typeof functions.removeOperator>
export type RemoveOperatorReturn = FunctionReturn<typeof functions.removeOperator>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RequestWithdrawalParams = FunctionArguments<typeof functions.requestWithdrawal>
export type RequestWithdrawalReturn = FunctionReturn<typeof functions.requestWithdrawal>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SetTreasuryParams = FunctionArguments<typeof functions.setTreasury>
export type SetTreasuryReturn = FunctionReturn<typeof functions.setTreasury>

export type SetWithdrawDelayParams = FunctionArguments<typeof functions.setWithdrawDelay>
export type SetWithdrawDelayReturn = FunctionReturn<typeof functions.setWithdrawDelay>

export type SettleBatchParams = FunctionArguments<typeof functions.settleBatch>
export type SettleBatchReturn = FunctionReturn<typeof functions.settleBatch>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

export type TreasuryParams = FunctionArguments<typeof functions.treasury>
export type TreasuryReturn = FunctionReturn<typeof functions.treasury>

export type WithdrawParams = FunctionArguments<typeof functions.withdraw>
export type WithdrawReturn = FunctionReturn<typeof functions.withdraw>

export type WithdrawDelayParams = FunctionArguments<typeof functions.withdrawDelay>
export type WithdrawDelayReturn = FunctionReturn<typeof functions.withdrawDelay>

