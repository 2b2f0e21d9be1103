// The deployment manifest: everything the indexer, the node and the tests need to find the
// protocol on a chain. Written by `upkeep devnet`, read by every other command.
import fs from 'node:fs'
import { getAddress, isAddress, type Address } from 'viem'
import { CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import { ManifestError } from '../util/errors'

export interface DeploymentManifest {
  chainId: number
  rpcUrl: string
  /** block of the first protocol deployment: indexing starts here */
  startBlock: number
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
  /** the content-addressed store holding contribution texts and adapters */
  contentDir?: string
}

export { ManifestError }

export function readManifest(file: string): DeploymentManifest {
  if (!fs.existsSync(file)) throw new ManifestError(`deployment manifest ${file} not found (run \`upkeep devnet --keep --manifest ${file}\` or set it with --manifest)`)
  let m: DeploymentManifest
  try {
    m = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (e) {
    throw new ManifestError(`deployment manifest ${file} is not valid JSON: ${(e as Error).message}`)
  }
  return validateManifest(m, file)
}

export function validateManifest(m: DeploymentManifest, source = 'manifest'): DeploymentManifest {
  if (!Number.isSafeInteger(m.chainId) || m.chainId <= 0) throw new ManifestError(`${source}: chainId must be a positive integer`)
  if (!Number.isSafeInteger(m.startBlock) || m.startBlock < 0) throw new ManifestError(`${source}: startBlock must be a block number`)
  for (const n of CONTRACT_NAMES) {
    const a = m.contracts?.[n]
    if (!a || !isAddress(a)) throw new ManifestError(`${source}: contracts.${n} is not an address: ${String(a)}`)
    m.contracts[n] = getAddress(a)
  }
  return m
}

export function writeManifest(file: string, m: DeploymentManifest): void {
  fs.writeFileSync(file, JSON.stringify(m, null, 2) + '\n')
}
