// The one place environment variables are read: every variable of the README's configuration
// table is parsed and validated here, once, at the edge (the CLI, the bench and soak runners);
// a wrong value is a ConfigError of one line naming the variable. Modules below take the typed
// objects this returns, never process.env.
import path from 'node:path'
import fs from 'node:fs'
import { getAddress, isAddress, type Address } from 'viem'
import { CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import { keyFromSource, type KeyHandle, type KeySource } from '../chain/keys'
import { AssumptionError, ConfigError, KeyError } from '../util/errors'
import { readAssumptions, type Assumptions } from '../analytics/assumptions'
import { PROJECT_ROOT } from '../util/paths'
import { redact } from '../util/url'
import { embeddedWarehouse, type WarehouseConfig } from '../warehouse/config'

export { embeddedWarehouse }
import { DEFAULT_LIMITS, type Limits } from '../api/protection'
import type { ApiSettings } from '../api/config'
import { checkRpcUrl, type ChainSettings } from '../processor/config'

export type { ApiSettings, ChainSettings }

type Env = Record<string, string | undefined>

export interface NodeSettings {
  port: number
  host: string
  attributionEpochSeconds: number
}

export interface UpkeepConfig {
  dataDir: string
  logLevel: string
  /** an external Postgres (DB_URL or DB_*), else the embedded one */
  postgresUrl?: string
  /** UPKEEP_WAREHOUSE=off indexes into Postgres only */
  warehouseEnabled: boolean
  warehouse: WarehouseConfig
  chain: ChainSettings
  api: ApiSettings
  node: NodeSettings
  keys: { operator?: KeySource; attributor?: KeySource }
  /** the admin connection tests and benchmarks create their databases through */
  testPostgresUrl: string
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

function set(env: Env, name: string): string | undefined {
  const v = env[name]
  return v === undefined || v === '' ? undefined : v
}

function int(env: Env, name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = set(env, name)
  if (v === undefined) return undefined
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(max === Number.MAX_SAFE_INTEGER ? `${name} must be a whole number >= ${min}, got "${v}"` : `${name} must be a whole number from ${min} to ${max}, got "${v}"`)
  }
  return Number(v)
}

/** 1/0 (also on/off, true/false), or `dflt` when unset. */
function onOff(env: Env, name: string, dflt: boolean): boolean {
  const v = set(env, name)
  if (v === undefined) return dflt
  if (/^(1|on|true)$/i.test(v)) return true
  if (/^(0|off|false)$/i.test(v)) return false
  throw new ConfigError(`${name} must be 1 or 0, got "${v}"`)
}

function address(env: Env, name: string): Address | undefined {
  const v = set(env, name)
  if (v === undefined) return undefined
  if (!isAddress(v)) throw new ConfigError(`${name} is not an address: "${v}"`)
  return getAddress(v)
}

function url(env: Env, name: string, protocols: RegExp, what: string): string | undefined {
  const v = set(env, name)
  if (v === undefined) return undefined
  checkUrl(v, protocols, `${name} must be ${what}, got "${v}"`)
  return v
}

function checkUrl(v: string, protocols: RegExp, message: string): void {
  let ok = false
  try {
    ok = protocols.test(new URL(v).protocol)
  } catch {
    ok = false
  }
  if (!ok) throw new ConfigError(message)
}


/** DB_URL, or one built from DB_HOST / DB_PORT / DB_NAME / DB_USER / DB_PASS. */
export function externalDbUrl(env: Env = process.env): string | undefined {
  const direct = set(env, 'DB_URL')
  if (direct) {
    if (!/^postgres(ql)?:\/\//.test(direct)) throw new ConfigError(`DB_URL must start with postgres:// (got ${redact(direct)})`)
    return direct
  }
  if (env.DB_HOST || env.DB_PORT || env.DB_NAME) {
    const port = int(env, 'DB_PORT', 1, 65535) ?? 5432
    const u = new URL('postgres://localhost')
    u.hostname = env.DB_HOST ?? 'localhost'
    u.port = String(port)
    u.pathname = '/' + (env.DB_NAME ?? 'postgres')
    u.username = env.DB_USER ?? 'postgres'
    u.password = env.DB_PASS ?? 'postgres'
    return u.toString()
  }
  return undefined
}

/** The admin connection the tests and benchmarks create their databases through (TEST_PG_URL). */
export function testPostgresUrl(env: Env = process.env): string {
  return url(env, 'TEST_PG_URL', /^postgres(ql)?:$/, 'a postgres:// URL') ?? 'postgres://postgres@127.0.0.1:5432/postgres'
}

/** The warehouse: embedded chDB under the data directory, or CLICKHOUSE_URL's server (+ cluster). */
export function warehouseConfig(dataDir: string, env: Env = process.env): WarehouseConfig {
  const database = set(env, 'CLICKHOUSE_DATABASE') ?? 'upkeep'
  if (!IDENT.test(database)) throw new ConfigError(`CLICKHOUSE_DATABASE must be an identifier, got "${database}"`)
  const cluster = set(env, 'CLICKHOUSE_CLUSTER')
  if (cluster && !IDENT.test(cluster)) throw new ConfigError(`CLICKHOUSE_CLUSTER must be an identifier, got "${cluster}"`)
  // test wiring: a transient ClickHouse outage (a table detached) while the batch holding this block is written
  const atBlock = int(env, 'UPKEEP_FAULT_CLICKHOUSE_AT_BLOCK')
  const outageMs = int(env, 'UPKEEP_FAULT_CLICKHOUSE_OUTAGE_MS', 1, 600_000) ?? 1_500
  const fault = atBlock === undefined ? undefined : { atBlock, outageMs }
  const server = url(env, 'CLICKHOUSE_URL', /^https?:$/, 'an http(s) URL')
  if (server) return { mode: 'server', url: server, user: env.CLICKHOUSE_USER, password: env.CLICKHOUSE_PASSWORD, database, cluster, fault }
  if (cluster) throw new ConfigError('CLICKHOUSE_CLUSTER needs a ClickHouse server (CLICKHOUSE_URL); embedded chDB is a single node')
  return { ...embeddedWarehouse(dataDir, database), fault }
}

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

export function apiSettings(env: Env = process.env): ApiSettings {
  const limits: Partial<Limits> = {}
  for (const [k, name] of Object.entries(LIMIT_ENV) as [keyof Limits, string][]) {
    const v = set(env, name)
    if (v === undefined) continue
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new ConfigError(`${name} must be a positive whole number, got "${v}" (default ${DEFAULT_LIMITS[k]})`)
    limits[k] = Number(v)
  }
  const dbUrl = set(env, 'API_DB_URL')
  if (dbUrl && !/^postgres(ql)?:\/\//.test(dbUrl)) throw new ConfigError(`API_DB_URL must start with postgres:// (got ${redact(dbUrl)})`)
  const nodeEnv = set(env, 'NODE_ENV')
  return {
    port: int(env, 'API_PORT', 0, 65535) ?? 4350,
    host: set(env, 'API_HOST') ?? '127.0.0.1',
    dbUrl,
    corsOrigins: env.API_CORS_ORIGINS ? env.API_CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    limits,
    production: nodeEnv === 'production',
    treasury: address(env, 'TREASURY_ADDRESS'),
    distributor: address(env, 'DISTRIBUTOR_ADDRESS'),
    stakingBank: address(env, 'STAKING_BANK_ADDRESS'),
    assumptions: assumptions(env),
  }
}

/** The cost-assumptions file (UPKEEP_ASSUMPTIONS, default assumptions/devnet.json); a malformed one is an AssumptionError naming the variable. */
function assumptions(env: Env): Assumptions {
  const file = path.resolve(set(env, 'UPKEEP_ASSUMPTIONS') ?? path.join(PROJECT_ROOT, 'assumptions', 'devnet.json'))
  try {
    return readAssumptions(file)
  } catch (e) {
    if (e instanceof AssumptionError) throw new AssumptionError(`UPKEEP_ASSUMPTIONS: ${e.message}`)
    throw e
  }
}

export function chainSettings(env: Env = process.env): ChainSettings {
  const contracts: Partial<Record<ContractName, Address>> = {}
  for (const n of CONTRACT_NAMES) {
    const a = address(env, `CONTRACT_${n.toUpperCase()}`)
    if (a) contracts[n] = a
  }
  const rpcUrl = set(env, 'RPC_URL')
  if (rpcUrl) checkRpcUrl(rpcUrl)
  const gatewayUrl = url(env, 'SQD_GATEWAY', /^https?:$/, 'an http(s) URL')
  return {
    rpcUrl,
    gatewayUrl,
    startBlock: int(env, 'START_BLOCK'),
    finalityConfirmation: int(env, 'FINALITY_CONFIRMATION') ?? 10,
    rpcRateLimit: int(env, 'RPC_RATE_LIMIT', 1),
    rpcTimeoutMs: int(env, 'RPC_TIMEOUT_MS', 100) ?? 30_000,
    headPollMs: int(env, 'HEAD_POLL_MS', 10) ?? 1_000,
    contracts,
    profileRpcUrls: Object.fromEntries(
      ['OPENLEDGER_RPC_URL', 'OPENLEDGER_TESTNET_RPC_URL', 'ETHEREUM_RPC_URL'].map((n) => {
        const v = set(env, n)
        if (v) checkRpcUrl(v, n)
        return [n, v]
      }),
    ),
    prometheusPort: int(env, 'PROCESSOR_PROMETHEUS_PORT', 0, 65535) ?? 0,
    coalesceBatches: onOff(env, 'UPKEEP_COALESCE_BATCHES', false),
    backfillBatchLogs: int(env, 'UPKEEP_BACKFILL_BATCH_LOGS', 1),
    stageDetailFile: set(env, 'UPKEEP_STAGE_DETAIL'),
  }
}

/** NAME_KEY, or NAME_KEYSTORE with NAME_KEYSTORE_PASSWORD or NAME_KEYSTORE_PASSWORD_FILE. */
export function keySource(name: string, env: Env = process.env): KeySource | undefined {
  const key = set(env, `${name}_KEY`)
  if (key) {
    if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new KeyError(`${name}_KEY must be 0x followed by 64 hex digits`)
    return { name, key: key as `0x${string}` }
  }
  const keystore = set(env, `${name}_KEYSTORE`)
  if (!keystore) return undefined
  if (!fs.existsSync(keystore)) throw new KeyError(`${name}_KEYSTORE file ${keystore} not found`)
  const pwFile = set(env, `${name}_KEYSTORE_PASSWORD_FILE`)
  const password = env[`${name}_KEYSTORE_PASSWORD`] ?? (pwFile ? fs.readFileSync(pwFile, 'utf8').replace(/\r?\n$/, '') : undefined)
  if (password === undefined) throw new KeyError(`${name}_KEYSTORE needs ${name}_KEYSTORE_PASSWORD or ${name}_KEYSTORE_PASSWORD_FILE`)
  return { name, keystore, password }
}

/** NAME's key (see keySource), refused on any chain but the devnet if it is a public anvil key; undefined if unset. */
export function loadKey(name: string, chainId: number, env: Env = process.env): KeyHandle | undefined {
  const source = keySource(name, env)
  return source && keyFromSource(source, chainId)
}

/** Reads and validates every variable; throws a ConfigError (or KeyError) naming the first wrong one. */
export function loadConfig(env: Env = process.env): UpkeepConfig {
  const dataDir = path.resolve(set(env, 'UPKEEP_DATA_DIR') ?? path.join(PROJECT_ROOT, '.data'))
  const logLevel = set(env, 'LOG_LEVEL') ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`)
  const wh = set(env, 'UPKEEP_WAREHOUSE') ?? 'on'
  if (wh !== 'on' && wh !== 'off') throw new ConfigError(`UPKEEP_WAREHOUSE must be on or off, got "${wh}"`)
  return {
    dataDir,
    logLevel,
    postgresUrl: externalDbUrl(env),
    warehouseEnabled: wh === 'on',
    warehouse: warehouseConfig(dataDir, env),
    chain: chainSettings(env),
    api: apiSettings(env),
    node: {
      port: int(env, 'NODE_PORT', 0, 65535) ?? 4360,
      host: set(env, 'NODE_HOST') ?? '127.0.0.1',
      attributionEpochSeconds: int(env, 'ATTRIBUTION_EPOCH_SECONDS') ?? 60,
    },
    keys: { operator: keySource('OPERATOR', env), attributor: keySource('ATTRIBUTOR', env) },
    testPostgresUrl: testPostgresUrl(env),
  }
}
