// Call encoders that the squid typegen bindings cannot produce: @subsquid/evm-codec 0.3.0 drops
// the fields of structs inside arrays when encoding (decoding is fine), so
// AttributionSettlement.settleEpoch is encoded with viem from the compiled ABI.
import { encodeFunctionData, type Address, type Hex } from 'viem'
import { artifact } from '../chain/artifacts'

export interface AttributionEntry {
  datanetId: bigint
  contributor: Address
  weight: number
}

export function encodeSettleEpoch(epoch: bigint, modelId: bigint, entries: AttributionEntry[]): Hex {
  return encodeFunctionData({ abi: artifact('AttributionSettlement').abi, functionName: 'settleEpoch', args: [epoch, modelId, entries] })
}
