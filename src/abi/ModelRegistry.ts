import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    AdapterCostDeclared: event("0xa773c43a3beb5c52af1810a615f4a233556dbcac51ff7947dd62f67521711ede", "AdapterCostDeclared(uint256,uint32,uint256)", {"modelId": indexed(p.uint256), "adapterVersion": p.uint32, "microUsdPerMonth": p.uint256}),
    AdapterUpdated: event("0xfd12c529ed20e0b84ca91a2dc001fb45df3f7717cb9a357142a279fd71611a65", "AdapterUpdated(uint256,uint32,bytes32)", {"modelId": indexed(p.uint256), "version": p.uint32, "adapterHash": p.bytes32}),
    DeploymentFeeChanged: event("0x125d1460de07122a535886fca9b97c0ba3b9972e30c8f913565e615d784c87d4", "DeploymentFeeChanged(uint256,uint256)", {"oldFee": p.uint256, "newFee": p.uint256}),
    ModelPriceChanged: event("0xd647eb8bd22a412e7a1e9667a77354ea60d1facd0501e4df2671c13ace27fd99", "ModelPriceChanged(uint256,uint256,uint256)", {"modelId": indexed(p.uint256), "oldPrice": p.uint256, "newPrice": p.uint256}),
    ModelRegistered: event("0xaa8326b45047102cf2731226631b455fa5d5e680cca9d272801977d37a38611e", "ModelRegistered(uint256,address,bytes32,bytes32,uint256[],uint256,uint256)", {"modelId": indexed(p.uint256), "owner": indexed(p.address), "baseModel": indexed(p.bytes32), "adapterHash": p.bytes32, "datanetIds": p.array(p.uint256), "pricePerUnit": p.uint256, "deploymentFee": p.uint256}),
    ModelRetired: event("0x791bfce3bfc5ac11726f885364a02a911d7554b6bb98088264f2cb3be3a125fa", "ModelRetired(uint256)", {"modelId": indexed(p.uint256)}),
    PriceGraceChanged: event("0xae34b25176af2777f4d1848400b15045be0c9703dafaeae19f4c9abad0f5bdb8", "PriceGraceChanged(uint64,uint64)", {"oldGrace": p.uint64, "newGrace": p.uint64}),
    RoleAdminChanged: event("0xbd79b86ffe0ab8e8776151514217cd7cacd52c909f66475c3af44e129f0b00ff", "RoleAdminChanged(bytes32,bytes32,bytes32)", {"role": indexed(p.bytes32), "previousAdminRole": indexed(p.bytes32), "newAdminRole": indexed(p.bytes32)}),
    RoleGranted: event("0x2f8788117e7eff1d82e926ec794901d17c78024a50270940304540a733656f0d", "RoleGranted(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    RoleRevoked: event("0xf6391f5c32d9c69d2a47ea670b442974b53935d1edc7fd64eb21e047a839171b", "RoleRevoked(bytes32,address,address)", {"role": indexed(p.bytes32), "account": indexed(p.address), "sender": indexed(p.address)}),
    TreasuryChanged: event("0x8c3aa5f43a388513435861bf27dfad7829cd248696fed367c62d441f62954496", "TreasuryChanged(address,address)", {"oldTreasury": indexed(p.address), "newTreasury": indexed(p.address)}),
}

export const functions = {
    DEFAULT_ADMIN_ROLE: viewFun("0xa217fddf", "DEFAULT_ADMIN_ROLE()", {}, p.bytes32),
    datanets: viewFun("0xea7fd377", "datanets()", {}, p.address),
    declareAdapterCost: fun("0xd5e4b28f", "declareAdapterCost(uint256,uint32,uint256)", {"modelId": p.uint256, "adapterVersion": p.uint32, "microUsdPerMonth": p.uint256}, ),
    deploymentFee: viewFun("0xf2cff57f", "deploymentFee()", {}, p.uint256),
    getRoleAdmin: viewFun("0x248a9ca3", "getRoleAdmin(bytes32)", {"role": p.bytes32}, p.bytes32),
    gracePrice: viewFun("0x04674fa0", "gracePrice(uint256)", {"modelId": p.uint256}, p.uint256),
    graceTerms: viewFun("0xc380574c", "graceTerms(uint256)", {"modelId": p.uint256}, {"price": p.uint256, "changedAtBlock": p.uint256}),
    grantRole: fun("0x2f2ff15d", "grantRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    hasRole: viewFun("0x91d14854", "hasRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, p.bool),
    isLive: viewFun("0x27507458", "isLive(uint256)", {"modelId": p.uint256}, p.bool),
    livePrices: viewFun("0xdfe34c17", "livePrices(uint256[])", {"modelIds": p.array(p.uint256)}, p.array(p.uint256)),
    model: viewFun("0x4c5770d9", "model(uint256)", {"modelId": p.uint256}, {"_0": p.struct({"owner": p.address, "pricePerUnit": p.uint64, "retiredAt": p.uint32}), "_1": p.struct({"baseModel": p.bytes32, "adapterHash": p.bytes32, "adapterVersion": p.uint32}), "_2": p.array(p.uint256)}),
    modelCount: viewFun("0xc6a645fe", "modelCount()", {}, p.uint256),
    ownerOf: viewFun("0x6352211e", "ownerOf(uint256)", {"modelId": p.uint256}, p.address),
    previousPrice: viewFun("0x890f88b4", "previousPrice(uint256)", {"_0": p.uint256}, {"price": p.uint64, "validUntil": p.uint64, "changedAtBlock": p.uint64}),
    priceGrace: viewFun("0x98b2ad7e", "priceGrace()", {}, p.uint64),
    registerModel: fun("0x2c7a7382", "registerModel(bytes32,bytes32,uint256[],uint256)", {"baseModel": p.bytes32, "adapterHash": p.bytes32, "datanetIds": p.array(p.uint256), "pricePerUnit": p.uint256}, p.uint256),
    renounceRole: fun("0x36568abe", "renounceRole(bytes32,address)", {"role": p.bytes32, "callerConfirmation": p.address}, ),
    retire: fun("0x3790cf57", "retire(uint256)", {"modelId": p.uint256}, ),
    revokeRole: fun("0xd547741f", "revokeRole(bytes32,address)", {"role": p.bytes32, "account": p.address}, ),
    setDeploymentFee: fun("0xd002462b", "setDeploymentFee(uint256)", {"newFee": p.uint256}, ),
    setPrice: fun("0xf7d97577", "setPrice(uint256,uint256)", {"modelId": p.uint256, "newPrice": p.uint256}, ),
    setPriceGrace: fun("0x0ef8093b", "setPriceGrace(uint64)", {"newGrace": p.uint64}, ),
    setTreasury: fun("0xf0f44260", "setTreasury(address)", {"newTreasury": p.address}, ),
    supportsInterface: viewFun("0x01ffc9a7", "supportsInterface(bytes4)", {"interfaceId": p.bytes4}, p.bool),
    token: viewFun("0xfc0c546a", "token()", {}, p.address),
    treasury: viewFun("0x61d027b3", "treasury()", {}, p.address),
    updateAdapter: fun("0xc9c6e2a4", "updateAdapter(uint256,bytes32)", {"modelId": p.uint256, "adapterHash": p.bytes32}, ),
}

export class Contract extends ContractBase {

    DEFAULT_ADMIN_ROLE() {
        return this.eth_call(functions.DEFAULT_ADMIN_ROLE, {})
    }

    datanets() {
        return this.eth_call(functions.datanets, {})
    }

    deploymentFee() {
        return this.eth_call(functions.deploymentFee, {})
    }

    getRoleAdmin(role: GetRoleAdminParams["role"]) {
        return this.eth_call(functions.getRoleAdmin, {role})
    }

    gracePrice(modelId: GracePriceParams["modelId"]) {
        return this.eth_call(functions.gracePrice, {modelId})
    }

    graceTerms(modelId: GraceTermsParams["modelId"]) {
        return this.eth_call(functions.graceTerms, {modelId})
    }

    hasRole(role: HasRoleParams["role"], account: HasRoleParams["account"]) {
        return this.eth_call(functions.hasRole, {role, account})
    }

    isLive(modelId: IsLiveParams["modelId"]) {
        return this.eth_call(functions.isLive, {modelId})
    }

    livePrices(modelIds: LivePricesParams["modelIds"]) {
        return this.eth_call(functions.livePrices, {modelIds})
    }

    model(modelId: ModelParams["modelId"]) {
        return this.eth_call(functions.model, {modelId})
    }

    modelCount() {
        return this.eth_call(functions.modelCount, {})
    }

    ownerOf(modelId: OwnerOfParams["modelId"]) {
        return this.eth_call(functions.ownerOf, {modelId})
    }

    previousPrice(_0: PreviousPriceParams["_0"]) {
        return this.eth_call(functions.previousPrice, {_0})
    }

    priceGrace() {
        return this.eth_call(functions.priceGrace, {})
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
export type AdapterCostDeclaredEventArgs = EParams<typeof events.AdapterCostDeclared>
export type AdapterUpdatedEventArgs = EParams<typeof events.AdapterUpdated>
export type DeploymentFeeChangedEventArgs = EParams<typeof events.DeploymentFeeChanged>
export type ModelPriceChangedEventArgs = EParams<typeof events.ModelPriceChanged>
export type ModelRegisteredEventArgs = EParams<typeof events.ModelRegistered>
export type ModelRetiredEventArgs = EParams<typeof events.ModelRetired>
export type PriceGraceChangedEventArgs = EParams<typeof events.PriceGraceChanged>
export type RoleAdminChangedEventArgs = EParams<typeof events.RoleAdminChanged>
export type RoleGrantedEventArgs = EParams<typeof events.RoleGranted>
export type RoleRevokedEventArgs = EParams<typeof events.RoleRevoked>
export type TreasuryChangedEventArgs = EParams<typeof events.TreasuryChanged>

/// Function types
export type DEFAULT_ADMIN_ROLEParams = FunctionArguments<typeof functions.DEFAULT_ADMIN_ROLE>
export type DEFAULT_ADMIN_ROLEReturn = FunctionReturn<typeof functions.DEFAULT_ADMIN_ROLE>

export type DatanetsParams = FunctionArguments<typeof functions.datanets>
export type DatanetsReturn = FunctionReturn<typeof functions.datanets>

export type DeclareAdapterCostParams = FunctionArguments<typeof functions.declareAdapterCost>
export type DeclareAdapterCostReturn = FunctionReturn<typeof functions.declareAdapterCost>

export type DeploymentFeeParams = FunctionArguments<typeof functions.deploymentFee>
export type DeploymentFeeReturn = FunctionReturn<typeof functions.deploymentFee>

export type GetRoleAdminParams = FunctionArguments<typeof functions.getRoleAdmin>
export type GetRoleAdminReturn = FunctionReturn<typeof functions.getRoleAdmin>

export type GracePriceParams = FunctionArguments<typeof functions.gracePrice>
export type GracePriceReturn = FunctionReturn<typeof functions.gracePrice>

export type GraceTermsParams = FunctionArguments<typeof functions.graceTerms>
export type GraceTermsReturn = FunctionReturn<typeof functions.graceTerms>

export type GrantRoleParams = FunctionArguments<typeof functions.grantRole>
export type GrantRoleReturn = FunctionReturn<typeof functions.grantRole>

export type HasRoleParams = FunctionArguments<typeof functions.hasRole>
export type HasRoleReturn = FunctionReturn<typeof functions.hasRole>

export type IsLiveParams = FunctionArguments<typeof functions.isLive>
export type IsLiveReturn = FunctionReturn<typeof functions.isLive>

export type LivePricesParams = FunctionArguments<typeof functions.livePrices>
export type LivePricesReturn = FunctionReturn<typeof functions.livePrices>

export type ModelParams = FunctionArguments<typeof functions.model>
export type ModelReturn = FunctionReturn<typeof functions.model>

export type ModelCountParams = FunctionArguments<typeof functions.modelCount>
export type ModelCountReturn = FunctionReturn<typeof functions.modelCount>

export type OwnerOfParams = FunctionArguments<typeof functions.ownerOf>
export type OwnerOfReturn = FunctionReturn<typeof functions.ownerOf>

export type PreviousPriceParams = FunctionArguments<typeof functions.previousPrice>
export type PreviousPriceReturn = FunctionReturn<typeof functions.previousPrice>

export type PriceGraceParams = FunctionArguments<typeof functions.priceGrace>
export type PriceGraceReturn = FunctionReturn<typeof functions.priceGrace>

export type RegisterModelParams = FunctionArguments<typeof functions.registerModel>
export type RegisterModelReturn = FunctionReturn<typeof functions.registerModel>

export type RenounceRoleParams = FunctionArguments<typeof functions.renounceRole>
export type RenounceRoleReturn = FunctionReturn<typeof functions.renounceRole>

export type RetireParams = FunctionArguments<typeof functions.retire>
export type RetireReturn = FunctionReturn<typeof functions.retire>

export type RevokeRoleParams = FunctionArguments<typeof functions.revokeRole>
export type RevokeRoleReturn = FunctionReturn<typeof functions.revokeRole>

export type SetDeploymentFeeParams = FunctionArguments<typeof functions.setDeploymentFee>
export type SetDeploymentFeeReturn = FunctionReturn<typeof functions.setDeploymentFee>

export type SetPriceParams = FunctionArguments<typeof functions.setPrice>
export type SetPriceReturn = FunctionReturn<typeof functions.setPrice>

export type SetPriceGraceParams = FunctionArguments<typeof functions.setPriceGrace>
export type SetPriceGraceReturn = FunctionReturn<typeof functions.setPriceGrace>

export type SetTreasuryParams = FunctionArguments<typeof functions.setTreasury>
export type SetTreasuryReturn = FunctionReturn<typeof functions.setTreasury>

export type SupportsInterfaceParams = FunctionArguments<typeof functions.supportsInterface>
export type SupportsInterfaceReturn = FunctionReturn<typeof functions.supportsInterface>

export type TokenParams = FunctionArguments<typeof functions.token>
export type TokenReturn = FunctionReturn<typeof functions.token>

export type TreasuryParams = FunctionArguments<typeof functions.treasury>
export type TreasuryReturn = FunctionReturn<typeof functions.treasury>

export type UpdateAdapterParams = FunctionArguments<typeof functions.updateAdapter>
export type UpdateAdapterReturn = FunctionReturn<typeof functions.updateAdapter>

