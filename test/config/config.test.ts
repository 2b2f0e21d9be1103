// One typed configuration read at the edge: every variable of the README's table has a
// default, and a wrong value is refused with one line that names it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { AssumptionError, ConfigError, KeyError, exitCodeOf } from '../../src/util/errors'

const ROOT = path.resolve(__dirname, '..', '..')
const BIN = path.join(ROOT, 'bin', 'upkeep.js')

describe('defaults', () => {
  it('run everything embedded on loopback with nothing set', () => {
    const c = loadConfig({})
    expect(c.dataDir).toBe(path.join(ROOT, '.data'))
    expect(c.postgresUrl).toBeUndefined()
    expect(c.warehouse).toEqual({ mode: 'embedded', path: path.join(ROOT, '.data', 'chdb'), database: 'upkeep', fault: undefined })
    expect(c.warehouseEnabled).toBe(true)
    expect(c.api).toMatchObject({ port: 4350, host: '127.0.0.1', limits: {}, production: false })
    expect(c.node).toEqual({ port: 4360, host: '127.0.0.1', attributionEpochSeconds: 60 })
    expect(c.chain).toMatchObject({ finalityConfirmation: 10, rpcTimeoutMs: 30_000, headPollMs: 1_000, contracts: {}, prometheusPort: 0 })
    expect(c.keys).toEqual({ operator: undefined, attributor: undefined })
  })

  it('documents every variable it reads in the README', () => {
    const src = fs.readFileSync(path.join(ROOT, 'src', 'config', 'index.ts'), 'utf8')
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')
    const names = new Set([...src.matchAll(/'([A-Z][A-Z0-9_]{2,})'/g)].map((m) => m[1]).filter((n) => !n.startsWith('UPKEEP_FAULT_')))
    expect(names.size).toBeGreaterThan(30)
    for (const n of names) expect(readme, n).toContain('`' + n)
  })
})

describe('a wrong value is one line naming the variable', () => {
  const cases: [Record<string, string>, string][] = [
    [{ API_PORT: '70000' }, 'API_PORT must be a whole number from 0 to 65535, got "70000"'],
    [{ API_PORT: 'http' }, 'API_PORT must be a whole number from 0 to 65535, got "http"'],
    [{ NODE_PORT: '-1' }, 'NODE_PORT must be a whole number from 0 to 65535, got "-1"'],
    [{ ATTRIBUTION_EPOCH_SECONDS: '1.5' }, 'ATTRIBUTION_EPOCH_SECONDS must be a whole number >= 0, got "1.5"'],
    [{ TREASURY_ADDRESS: '0x12' }, 'TREASURY_ADDRESS is not an address: "0x12"'],
    [{ DISTRIBUTOR_ADDRESS: 'treasury' }, 'DISTRIBUTOR_ADDRESS is not an address: "treasury"'],
    [{ UPKEEP_WAREHOUSE: 'no' }, 'UPKEEP_WAREHOUSE must be on or off, got "no"'],
    [{ UPKEEP_COALESCE_BATCHES: 'yes please' }, 'UPKEEP_COALESCE_BATCHES must be 1 or 0, got "yes please"'],
    [{ UPKEEP_BACKFILL_BATCH_LOGS: '0' }, 'UPKEEP_BACKFILL_BATCH_LOGS must be a whole number >= 1, got "0"'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    [{ API_MAX_DEPTH: '0' }, 'API_MAX_DEPTH must be a positive whole number, got "0" (default 10)'],
    [{ API_DB_URL: 'mysql://x' }, 'API_DB_URL must start with postgres:// (got mysql://x)'],
    [{ DB_URL: 'mysql://root@127.0.0.1/x' }, 'DB_URL must start with postgres:// (got mysql://root@127.0.0.1/x)'],
    [{ DB_PORT: 'five' }, 'DB_PORT must be a whole number from 1 to 65535, got "five"'],
    [{ PROCESSOR_PROMETHEUS_PORT: '99999' }, 'PROCESSOR_PROMETHEUS_PORT must be a whole number from 0 to 65535, got "99999"'],
    [{ RPC_TIMEOUT_MS: '5' }, 'RPC_TIMEOUT_MS must be a whole number >= 100, got "5"'],
    [{ START_BLOCK: 'genesis' }, 'START_BLOCK must be a whole number >= 0, got "genesis"'],
    [{ SQD_GATEWAY: 'gateway' }, 'SQD_GATEWAY must be an http(s) URL, got "gateway"'],
    [{ RPC_URL: 'ftp://x' }, 'RPC URL must be http(s):// or ws(s)://, got "ftp://x"'],
    [{ OPENLEDGER_RPC_URL: 'rpc.openledger' }, 'OPENLEDGER_RPC_URL must be http(s):// or ws(s)://, got "rpc.openledger"'],
    [{ ETHEREUM_RPC_URL: 'ftp://x' }, 'ETHEREUM_RPC_URL must be http(s):// or ws(s)://, got "ftp://x"'],
    [{ CONTRACT_STAKING: '0xabc' }, 'CONTRACT_STAKING is not an address: "0xabc"'],
    [{ CLICKHOUSE_URL: 'ftp://x' }, 'CLICKHOUSE_URL must be an http(s) URL, got "ftp://x"'],
    [{ TEST_PG_URL: 'x' }, 'TEST_PG_URL must be a postgres:// URL, got "x"'],
  ]
  for (const [env, message] of cases) {
    it(Object.keys(env)[0], () => {
      let err: unknown
      try {
        loadConfig(env)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as Error).message).toBe(message)
      expect(exitCodeOf(err)).toBe(3)
    })
  }

  it('UPKEEP_ASSUMPTIONS: a missing or malformed cost-assumptions file is an AssumptionError naming the variable (exit 2)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-assumptions-'))
    const good = JSON.parse(fs.readFileSync(path.join(ROOT, 'assumptions', 'devnet.json'), 'utf8'))
    fs.writeFileSync(path.join(dir, 'negative.json'), JSON.stringify({ ...good, storageUsdPerGbMonth: '-1' }))
    for (const [file, message] of [
      [path.join(dir, 'missing.json'), /^UPKEEP_ASSUMPTIONS: cannot read the assumptions file .*missing\.json/],
      [path.join(dir, 'negative.json'), /^UPKEEP_ASSUMPTIONS: .*storageUsdPerGbMonth must not be negative, got "-1"$/],
    ] as const) {
      let err: unknown
      try {
        loadConfig({ UPKEEP_ASSUMPTIONS: file })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(AssumptionError)
      expect((err as Error).message).toMatch(message)
      expect(exitCodeOf(err)).toBe(2)
    }
    expect(loadConfig({}).api.assumptions!.hash).toMatch(/^[0-9a-f]{64}$/)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('a malformed key is refused without showing it', () => {
    const key = '0x' + 'ab'.repeat(31)
    let err: unknown
    try {
      loadConfig({ OPERATOR_KEY: key })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(KeyError)
    expect((err as Error).message).toBe('OPERATOR_KEY must be 0x followed by 64 hex digits')
  })

  it('the CLI prints the line, exits 3 and starts nothing', () => {
    const r = spawnSync(process.execPath, [BIN, 'digest'], { env: { ...process.env, API_PORT: 'http', UPKEEP_DATA_DIR: '/nonexistent/upkeep-config-test' }, encoding: 'utf8', timeout: 60_000 })
    expect(r.status).toBe(3)
    expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toEqual(['upkeep: API_PORT must be a whole number from 0 to 65535, got "http"'])
    expect(fs.existsSync('/nonexistent/upkeep-config-test')).toBe(false)
  })
})
