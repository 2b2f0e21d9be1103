// API settings (src/config reads them from the environment); every limit has a safe default
// (src/api/protection.ts).
import type { Address } from 'viem'
import type { DeploymentManifest } from '../devnet/manifest'
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

export function apiOptions(manifest: DeploymentManifest, s: ApiSettings): Omit<ApiOptions, 'dbUrl' | 'warehouse'> {
  return {
    metrics: {
      treasury: s.treasury ?? manifest.accounts.treasury,
      distributor: s.distributor ?? manifest.contracts.RewardsDistributor,
      stakingBank: s.stakingBank ?? manifest.accounts.stakingBank,
      assumptions: s.assumptions,
    },
    limits: s.limits,
    corsOrigins: s.corsOrigins,
    production: s.production,
  }
}
