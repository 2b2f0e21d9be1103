// The deployment manifest: everything the indexer, the node and the tests need to find the
// protocol on a chain. Written by `upkeep devnet`, read by every other command. A manifest for a
// real network (or a --network profile) may name only some contracts: every contract is optional
// and the indexer folds only what is configured; the node and `verify` need the whole reference
// protocol (`requireReferenceProtocol`).
import fs from 'node:fs'
import { getAddress, isAddress, type Address } from 'viem'
import { CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import { ManifestError } from '../util/errors'

/** The OP Stack fee vault predeploys (the same addresses on every OP Stack chain). */
export const OP_FEE_VAULTS = {
  SequencerFeeVault: '0x4200000000000000000000000000000000000011',
  BaseFeeVault: '0x4200000000000000000000000000000000000019',
  L1FeeVault: '0x420000000000000000000000000000000000001A',
} as const satisfies Record<string, Address>
export type FeeVaultName = keyof typeof OP_FEE_VAULTS

export interface NetworkManifest {
  /** the profile this manifest came from (devnet, openledger, openledger-testnet, ethereum), if any */
  network?: string
  chainId: number
  rpcUrl: string
  /** block of the first protocol deployment: indexing starts here */
  startBlock: number
  /** the contracts that exist on this network; an absent one is not indexed */
  contracts: Partial<Record<ContractName, Address>>
  accounts?: Partial<DeploymentManifest['accounts']>
  stakingConfigId?: number
  /**
   * Native gas fees (gas used × effective gas price, in the chain's native token) per block and
   * day, with the receipts' L1 data fee (`l1Fee`) and the fee vault predeploys when `opStack`.
   */
  nativeFees?: { opStack: boolean }
  /** labels for accounts (allocation wallets, bridge adapters), lowercase address -> label */
  labels?: Record<string, string>
  /** the content-addressed store holding contribution texts and adapters */
  contentDir?: string
}

/** The devnet's manifest: the whole reference protocol is deployed. */
export interface DeploymentManifest extends NetworkManifest {
  contracts: Record<ContractName, Address>
  accounts: {
    governance: Address
    treasury: Address
    liquidity: Address
    stakingBank: Address
    distributor: Address
    attributor: Address
    slasher: Address
    operators: Address[]
  }
  stakingConfigId: number
}

export { ManifestError }

export function readManifest(file: string): NetworkManifest {
  if (!fs.existsSync(file)) throw new ManifestError(`deployment manifest ${file} not found (run \`upkeep devnet --keep --manifest ${file}\` or set it with --manifest)`)
  let m: NetworkManifest
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    throw new ManifestError(`deployment manifest ${file} is not valid JSON: ${(e as Error).message}`)
  }
  return validateManifest(m, file)
}

/** A manifest with the whole reference protocol (the node, `verify`, the workload need it). */
export function readDeploymentManifest(file: string, what = 'this command'): DeploymentManifest {
  return requireReferenceProtocol(readManifest(file), what, file)
}

export function requireReferenceProtocol(m: NetworkManifest, what: string, source = 'manifest'): DeploymentManifest {
  const missing = CONTRACT_NAMES.filter((n) => !m.contracts[n])
  if (missing.length) throw new ManifestError(`${source}: ${what} needs the reference protocol, but contracts ${missing.join(', ')} are not configured`)
  if (!m.accounts?.treasury || !m.accounts.stakingBank || m.stakingConfigId === undefined) throw new ManifestError(`${source}: ${what} needs the devnet's accounts and stakingConfigId`)
  return m as DeploymentManifest
}

export function validateManifest<M extends NetworkManifest>(m: M, source = 'manifest'): M {
  if (typeof m !== 'object' || m === null) throw new ManifestError(`${source}: not a JSON object`)
  if (!Number.isSafeInteger(m.chainId) || m.chainId <= 0) throw new ManifestError(`${source}: chainId must be a positive integer`)
  if (!Number.isSafeInteger(m.startBlock) || m.startBlock < 0) throw new ManifestError(`${source}: startBlock must be a block number`)
  if (m.contracts !== undefined && (typeof m.contracts !== 'object' || m.contracts === null)) throw new ManifestError(`${source}: contracts must be an object of addresses`)
  m.contracts ??= {}
  for (const [n, a] of Object.entries(m.contracts)) {
    if (!(CONTRACT_NAMES as readonly string[]).includes(n)) throw new ManifestError(`${source}: contracts.${n} is not a known contract (known: ${CONTRACT_NAMES.join(', ')})`)
    if (typeof a !== 'string' || !isAddress(a)) throw new ManifestError(`${source}: contracts.${n} is not an address: ${String(a)}`)
    m.contracts[n as ContractName] = getAddress(a)
  }
  if (m.labels !== undefined) {
    if (typeof m.labels !== 'object' || m.labels === null) throw new ManifestError(`${source}: labels must be an object of address -> label`)
    const labels: Record<string, string> = {}
    for (const [a, l] of Object.entries(m.labels)) {
      if (!isAddress(a, { strict: false }) || typeof l !== 'string' || !l) throw new ManifestError(`${source}: labels.${a} must map an address to a non-empty label`)
      labels[a.toLowerCase()] = l
    }
    m.labels = labels
  }
  if (m.nativeFees !== undefined && typeof m.nativeFees?.opStack !== 'boolean') throw new ManifestError(`${source}: nativeFees must be { "opStack": true|false }`)
  return m
}

export function writeManifest(file: string, m: NetworkManifest): void {
  fs.writeFileSync(file, JSON.stringify(m, null, 2) + '\n')
}
