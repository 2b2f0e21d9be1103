import * as p from '@subsquid/evm-codec'
import { event, fun, viewFun, indexed, ContractBase } from '@subsquid/evm-abi'
import type { EventParams as EParams, FunctionArguments, FunctionReturn } from '@subsquid/evm-abi'

export const events = {
    ContributionRecorded: event("0x50fc3f91a3bfd9ae64e5783dfa26c743afa5854d12610cfa75cde654e0a3676f", "ContributionRecorded(uint256,uint256,address,bytes32)", {"contributionId": indexed(p.uint256), "datanetId": indexed(p.uint256), "contributor": indexed(p.address), "contentHash": p.bytes32}),
    DatanetClosed: event("0x7fefc3c74f684ff7a30bb1f2c1757752238798dea07ae2944eed817dae95c507", "DatanetClosed(uint256)", {"datanetId": indexed(p.uint256)}),
    DatanetCreated: event("0x905d125593f637bdc317df62b6d32c64533fead31655b6d11d002d25278f74cf", "DatanetCreated(uint256,address,string,bytes32)", {"datanetId": indexed(p.uint256), "owner": indexed(p.address), "name": p.string, "metadataHash": p.bytes32}),
}

export const functions = {
    closeDatanet: fun("0x0c8dd795", "closeDatanet(uint256)", {"datanetId": p.uint256}, ),
    contribute: fun("0x5b71d67b", "contribute(uint256,bytes32[])", {"datanetId": p.uint256, "contentHashes": p.array(p.bytes32)}, p.uint256),
    contributionCount: viewFun("0x5b18056b", "contributionCount()", {}, p.uint256),
    contributionsOf: viewFun("0x85c34b88", "contributionsOf(uint256,address)", {"_0": p.uint256, "_1": p.address}, p.uint256),
    createDatanet: fun("0xcf875dd6", "createDatanet(string,bytes32)", {"name": p.string, "metadataHash": p.bytes32}, p.uint256),
    datanet: viewFun("0x71111b41", "datanet(uint256)", {"datanetId": p.uint256}, p.struct({"owner": p.address, "closed": p.bool, "contributions": p.uint64})),
    datanetCount: viewFun("0x49f62af4", "datanetCount()", {}, p.uint256),
    exists: viewFun("0x4f558e79", "exists(uint256)", {"datanetId": p.uint256}, p.bool),
    hasContent: viewFun("0x19522d0c", "hasContent(uint256,bytes32)", {"_0": p.uint256, "_1": p.bytes32}, p.bool),
}

export class Contract extends ContractBase {

    contributionCount() {
        return this.eth_call(functions.contributionCount, {})
    }

    contributionsOf(_0: ContributionsOfParams["_0"], _1: ContributionsOfParams["_1"]) {
        return this.eth_call(functions.contributionsOf, {_0, _1})
    }

    datanet(datanetId: DatanetParams["datanetId"]) {
        return this.eth_call(functions.datanet, {datanetId})
    }

    datanetCount() {
        return this.eth_call(functions.datanetCount, {})
    }

    exists(datanetId: ExistsParams["datanetId"]) {
        return this.eth_call(functions.exists, {datanetId})
    }

    hasContent(_0: HasContentParams["_0"], _1: HasContentParams["_1"]) {
        return this.eth_call(functions.hasContent, {_0, _1})
    }
}

/// Event types
export type ContributionRecordedEventArgs = EParams<typeof events.ContributionRecorded>
export type DatanetClosedEventArgs = EParams<typeof events.DatanetClosed>
export type DatanetCreatedEventArgs = EParams<typeof events.DatanetCreated>

/// Function types
export type CloseDatanetParams = FunctionArguments<typeof functions.closeDatanet>
export type CloseDatanetReturn = FunctionReturn<typeof functions.closeDatanet>

export type ContributeParams = FunctionArguments<typeof functions.contribute>
export type ContributeReturn = FunctionReturn<typeof functions.contribute>

export type ContributionCountParams = FunctionArguments<typeof functions.contributionCount>
export type ContributionCountReturn = FunctionReturn<typeof functions.contributionCount>

export type ContributionsOfParams = FunctionArguments<typeof functions.contributionsOf>
export type ContributionsOfReturn = FunctionReturn<typeof functions.contributionsOf>

export type CreateDatanetParams = FunctionArguments<typeof functions.createDatanet>
export type CreateDatanetReturn = FunctionReturn<typeof functions.createDatanet>

export type DatanetParams = FunctionArguments<typeof functions.datanet>
export type DatanetReturn = FunctionReturn<typeof functions.datanet>

export type DatanetCountParams = FunctionArguments<typeof functions.datanetCount>
export type DatanetCountReturn = FunctionReturn<typeof functions.datanetCount>

export type ExistsParams = FunctionArguments<typeof functions.exists>
export type ExistsReturn = FunctionReturn<typeof functions.exists>

export type HasContentParams = FunctionArguments<typeof functions.hasContent>
export type HasContentReturn = FunctionReturn<typeof functions.hasContent>

