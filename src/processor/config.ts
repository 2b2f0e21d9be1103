// Indexer configuration: from the deployment manifest, with the overrides src/config read from
// the environment. Every mistake is one actionable line.
import type { Address } from 'viem'
import { readManifest, type NetworkManifest } from '../devnet/manifest'
import type { ContractName } from '../chain/artifacts'
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
  /** the contracts configured on this network; the indexer folds only these */
  contracts: Partial<Record<ContractName, Address>>
  watchedAddresses: Address[]
  /** the profile name (devnet, openledger, ...) for messages */
  network?: string
  /** native gas fees per block and day (OP Stack: with L1 data fees and the fee vaults) */
  nativeFees?: { opStack: boolean }
  /** account labels (lowercase address -> label) */
  labels: Record<string, string>
}

export { ConfigError }

/** What the environment may set for the indexer (src/config reads it). */
export interface ChainSettings {
  /** RPC_URL: overrides the manifest's */
  rpcUrl?: string
  gatewayUrl?: string
  startBlock?: number
  finalityConfirmation: number
  rpcRateLimit?: number
  rpcTimeoutMs: number
  headPollMs: number
  /** CONTRACT_<NAME> overrides of the manifest's addresses */
  contracts: Partial<Record<ContractName, Address>>
  /** the RPC of each network profile: OPENLEDGER_RPC_URL, OPENLEDGER_TESTNET_RPC_URL, ETHEREUM_RPC_URL */
  profileRpcUrls: Record<string, string | undefined>
  /** the processor's Prometheus port on 127.0.0.1 (0 = ephemeral) */
  prometheusPort: number
  /** UPKEEP_COALESCE_BATCHES (default off until a bench and soaks run with it): join finalized batches while backfilling */
  coalesceBatches?: boolean
  /** UPKEEP_BACKFILL_BATCH_LOGS: a joined batch's size in logs */
  backfillBatchLogs?: number
  /** UPKEEP_STAGE_DETAIL: a file the indexer appends its per-table write counters to at exit (diagnostics) */
  stageDetailFile?: string
}

/** RPC_URL, or the manifest's endpoint, must be http(s) or ws(s). */
export function checkRpcUrl(rpcUrl: string, name = 'RPC URL'): void {
  let ok = false
  try {
    ok = /^(https?|wss?):$/.test(new URL(rpcUrl).protocol)
  } catch {
    ok = false
  }
  if (!ok) throw new ConfigError(`${name} must be http(s):// or ws(s)://, got "${rpcUrl}"`)
}

/** The indexer's config: the manifest (a file path or an object) with the settings' overrides. */
export function indexerConfig(manifest: string | NetworkManifest, s: ChainSettings, toBlock?: number): IndexerConfig {
  const m = typeof manifest === 'string' ? readManifest(manifest) : manifest
  const contracts = { ...m.contracts, ...s.contracts }
  const rpcUrl = s.rpcUrl ?? m.rpcUrl
  checkRpcUrl(rpcUrl)
  if (toBlock !== undefined && (!Number.isSafeInteger(toBlock) || toBlock < 0)) throw new ConfigError(`--to must be a block number, got ${toBlock}`)
  return {
    rpcUrl,
    gatewayUrl: s.gatewayUrl,
    chainId: m.chainId,
    startBlock: s.startBlock ?? m.startBlock,
    toBlock,
    finalityConfirmation: s.finalityConfirmation,
    rpcRateLimit: s.rpcRateLimit,
    rpcTimeoutMs: s.rpcTimeoutMs,
    headPollMs: s.headPollMs,
    contracts,
    watchedAddresses: Object.values(contracts).map((a) => a.toLowerCase() as Address),
    network: m.network,
    nativeFees: m.nativeFees,
    labels: m.labels ?? {},
  }
}
