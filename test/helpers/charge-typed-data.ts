// The EIP-712 domain and types of a payer's charge authorisation, written here from the contract's
// typehash and not imported from src/protocol/charge-auth: tests sign with viem against this
// independent copy, so a wrong type in src fails them.
import type { Address } from 'viem'

export function chargeTypedData(chainId: number, verifyingContract: Address) {
  return {
    domain: { name: 'Upkeep InferenceSettlement', version: '1', chainId, verifyingContract },
    types: {
      ChargeAuthorization: [
        { name: 'payer', type: 'address' },
        { name: 'operator', type: 'address' },
        { name: 'cumulativeAmount', type: 'uint256' },
        { name: 'recentBlock', type: 'uint64' },
        { name: 'expiryBlock', type: 'uint64' },
      ],
    },
    primaryType: 'ChargeAuthorization',
  } as const
}
