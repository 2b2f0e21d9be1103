// API settings (src/config reads them from the environment); every limit has a safe default
// (src/api/protection.ts).
import type { Address } from 'viem'
import type { NetworkManifest } from '../devnet/manifest'
import type { ApiOptions } from './server'
import type { Limits } from './protection'
import type { Assumptions } from '../analytics/assumptions'

export interface ApiSettings {
  port: number
  host: string
  /** the connection the API reads through (API_DB_URL) */
  dbUrl?: string
  corsOrigins?: string[]
  limits: Partial<Limits>
  production: boolean
  /** overrides of the manifest's accounts for the metrics (TREASURY_ADDRESS, DISTRIBUTOR_ADDRESS, STAKING_BANK_ADDRESS) */
  treasury?: Address
  distributor?: Address
  stakingBank?: Address
  /** the cost-assumptions file (UPKEEP_ASSUMPTIONS) */
  assumptions?: Assumptions
}

/**
 * The API's and the report's options from a manifest, which may name only some contracts (a
 * network profile): the metrics then answer null with the reason where a contract is absent.
 */
export function apiOptions(manifest: NetworkManifest, s: ApiSettings): Omit<ApiOptions, 'dbUrl' | 'warehouse'> {
  return {
    metrics: {
      treasury: s.treasury ?? manifest.accounts?.treasury,
      distributor: s.distributor ?? manifest.contracts.RewardsDistributor,
      stakingBank: s.stakingBank ?? manifest.accounts?.stakingBank,
      contracts: Object.keys(manifest.contracts),
      network: manifest.network,
      nativeFees: manifest.nativeFees,
      labels: manifest.labels,
      assumptions: s.assumptions,
    },
    limits: s.limits,
    corsOrigins: s.corsOrigins,
    production: s.production,
  }
}
