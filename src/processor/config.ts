// Indexer configuration: from the deployment manifest, overridable by environment variables.
// Validated once at the edge; every mistake is one actionable line.
import { getAddress, isAddress, type Address } from 'viem'
import { readManifest, type DeploymentManifest } from '../devnet/manifest'
import { CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import { ConfigError } from '../util/errors'

export interface IndexerConfig {
  rpcUrl: string
  gatewayUrl?: string
  chainId: number
  startBlock: number
  toBlock?: number
  finalityConfirmation: number
  rpcRateLimit?: number
  rpcTimeoutMs: number
  headPollMs: number
  contracts: Record<ContractName, Address>
  watchedAddresses: Address[]
}

export { ConfigError }

function envInt(env: NodeJS.ProcessEnv, name: string, def: number | undefined, min = 0): number | undefined {
  const v = env[name]
  if (v === undefined || v === '') return def
  if (!/^\d+$/.test(v) || Number(v) < min) throw new ConfigError(`${name} must be a whole number >= ${min}, got "${v}"`)
  return Number(v)
}

/**
 * Builds the config from a manifest (file path or object) and env:
 * RPC_URL, SQD_GATEWAY, START_BLOCK, FINALITY_CONFIRMATION, RPC_RATE_LIMIT, RPC_TIMEOUT_MS,
 * HEAD_POLL_MS and CONTRACT_<NAME> (e.g. CONTRACT_INFERENCESETTLEMENT) for addresses.
 */
export function indexerConfig(manifest: string | DeploymentManifest, env: NodeJS.ProcessEnv = process.env, toBlock?: number): IndexerConfig {
  const m = typeof manifest === 'string' ? readManifest(manifest) : manifest
  const contracts = { ...m.contracts }
  for (const n of CONTRACT_NAMES) {
    const v = env[`CONTRACT_${n.toUpperCase()}`]
    if (v !== undefined) {
      if (!isAddress(v)) throw new ConfigError(`CONTRACT_${n.toUpperCase()} is not an address: "${v}"`)
      contracts[n] = getAddress(v)
    }
  }
  const rpcUrl = env.RPC_URL || m.rpcUrl
  try {
    const u = new URL(rpcUrl)
    if (!/^(https?|wss?):$/.test(u.protocol)) throw new Error()
  } catch {
    throw new ConfigError(`RPC URL must be http(s):// or ws(s)://, got "${rpcUrl}"`)
  }
  const finalityConfirmation = envInt(env, 'FINALITY_CONFIRMATION', 10)!
  if (toBlock !== undefined && (!Number.isSafeInteger(toBlock) || toBlock < 0)) throw new ConfigError(`--to must be a block number, got ${toBlock}`)
  return {
    rpcUrl,
    gatewayUrl: env.SQD_GATEWAY || undefined,
    chainId: m.chainId,
    startBlock: envInt(env, 'START_BLOCK', m.startBlock)!,
    toBlock,
    finalityConfirmation,
    rpcRateLimit: envInt(env, 'RPC_RATE_LIMIT', undefined, 1),
    rpcTimeoutMs: envInt(env, 'RPC_TIMEOUT_MS', 30_000, 100)!,
    headPollMs: envInt(env, 'HEAD_POLL_MS', 1_000, 10)!,
    contracts,
    watchedAddresses: Object.values(contracts).map((a) => a.toLowerCase() as Address),
  }
}
