// Network profiles: what Upkeep knows about each public network, so `upkeep index --network
// openledger` works without a hand-written manifest. Only public facts live here (chain ids, the
// OPEN ERC-20's deployment on Ethereum from openledger-dev/openledger's ignition journal, the
// LayerZero adapter from openledger-dev/openledger-layerzero); everything else (contract
// addresses on chain 1612, the RPC) comes from the environment (src/config). None of it could be
// reached from the machines this was written on: docs/NETWORKS.md says what is verified where.
import type { Address } from 'viem'
import type { ContractName } from '../chain/artifacts'
import { ConfigError } from '../util/errors'
import { validateManifest, type NetworkManifest } from './manifest'

export const NETWORK_NAMES = ['devnet', 'openledger', 'openledger-testnet', 'ethereum'] as const
export type NetworkName = (typeof NETWORK_NAMES)[number]

export interface NetworkProfile {
  name: Exclude<NetworkName, 'devnet'>
  chainId: number
  /** the variable holding this network's RPC (RPC_URL overrides it) */
  rpcEnv: string
  startBlock: number
  contracts: Partial<Record<ContractName, Address>>
  nativeFees?: { opStack: boolean }
  labels?: Record<string, string>
}

/** OPEN on Ethereum: deployed in block 22846566, 1,000,000,000 OPEN minted to the first holder. */
export const ETHEREUM_OPEN = '0xA227Cc36938f0c9E09CE0e64dfab226cad739447'
export const ETHEREUM_OPEN_DEPLOY_BLOCK = 22846566
/** The LayerZero OFT adapter on Ethereum: OPEN it holds is locked, i.e. bridged out to other chains. */
export const ETHEREUM_OFT_ADAPTER = '0xb548A9D3E8A3fbd821BD52fB915d752BDc8Cf679'

export const PROFILES: Record<NetworkProfile['name'], NetworkProfile> = {
  // OP Stack L2 whose native gas token is OPEN: native fees and the fee vaults are the public
  // fee layer; protocol contracts are set with CONTRACT_<NAME> (e.g. CONTRACT_STAKING)
  openledger: { name: 'openledger', chainId: 1612, rpcEnv: 'OPENLEDGER_RPC_URL', startBlock: 0, contracts: {}, nativeFees: { opStack: true } },
  'openledger-testnet': { name: 'openledger-testnet', chainId: 161201, rpcEnv: 'OPENLEDGER_TESTNET_RPC_URL', startBlock: 0, contracts: {}, nativeFees: { opStack: true } },
  ethereum: {
    name: 'ethereum',
    chainId: 1,
    rpcEnv: 'ETHEREUM_RPC_URL',
    startBlock: ETHEREUM_OPEN_DEPLOY_BLOCK,
    contracts: { OpenToken: ETHEREUM_OPEN },
    labels: {
      [ETHEREUM_OFT_ADAPTER.toLowerCase()]: 'bridge:layerzero-oft-adapter',
      '0xe4ad6ef943bc8aecc80f304ec21761ce36437977': 'allocation:genesis-mint-recipient',
    },
  },
}

export function isNetworkName(v: string): v is NetworkName {
  return (NETWORK_NAMES as readonly string[]).includes(v)
}

/**
 * The manifest of a public network's profile. `rpcUrls` holds the RPC variables src/config read
 * (RPC_URL overrides them later, in indexerConfig); extra labels (allocation wallets) merge in.
 */
export function profileManifest(name: Exclude<NetworkName, 'devnet'>, rpcUrls: Record<string, string | undefined>, rpcOverride?: string, extraLabels: Record<string, string> = {}): NetworkManifest {
  const p = PROFILES[name]
  const rpcUrl = rpcOverride ?? rpcUrls[p.rpcEnv]
  if (!rpcUrl) throw new ConfigError(`--network ${name} needs an RPC of chain ${p.chainId}: set ${p.rpcEnv} (or RPC_URL)`)
  return validateManifest(
    {
      network: name,
      chainId: p.chainId,
      rpcUrl,
      startBlock: p.startBlock,
      contracts: { ...p.contracts },
      nativeFees: p.nativeFees,
      labels: { ...p.labels, ...extraLabels },
    },
    `network profile ${name}`,
  )
}
