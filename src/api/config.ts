// API settings from the environment; every limit has a safe default (src/api/protection.ts).
import type { DeploymentManifest } from '../devnet/manifest'
import type { ApiOptions } from './server'
import { DEFAULT_LIMITS, type Limits } from './protection'

const LIMIT_ENV: Record<keyof Limits, string> = {
  maxDepth: 'API_MAX_DEPTH',
  maxAliases: 'API_MAX_ALIASES',
  maxDirectives: 'API_MAX_DIRECTIVES',
  maxCost: 'API_MAX_COST',
  maxRootFields: 'API_MAX_ROOT_FIELDS',
  maxPageSize: 'API_MAX_PAGE_SIZE',
  maxResponseNodes: 'API_MAX_RESPONSE_NODES',
  maxRequestBytes: 'API_MAX_REQUEST_BYTES',
  sqlTimeoutMs: 'API_SQL_TIMEOUT_MS',
  analyticsTimeoutMs: 'API_ANALYTICS_TIMEOUT_MS',
}

export function apiOptionsFromEnv(manifest: DeploymentManifest, env: NodeJS.ProcessEnv = process.env): Omit<ApiOptions, 'dbUrl' | 'warehouse'> {
  const limits: Partial<Limits> = {}
  for (const [k, name] of Object.entries(LIMIT_ENV) as [keyof Limits, string][]) {
    const v = env[name]
    if (v === undefined || v === '') continue
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new Error(`${name} must be a positive whole number, got "${v}" (default ${DEFAULT_LIMITS[k]})`)
    limits[k] = Number(v)
  }
  return {
    metrics: {
      treasury: env.TREASURY_ADDRESS ?? manifest.accounts.treasury,
      distributor: env.DISTRIBUTOR_ADDRESS ?? manifest.contracts.RewardsDistributor,
      stakingBank: env.STAKING_BANK_ADDRESS ?? manifest.accounts.stakingBank,
    },
    limits,
    corsOrigins: env.API_CORS_ORIGINS ? env.API_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    production: env.NODE_ENV === 'production',
  }
}
