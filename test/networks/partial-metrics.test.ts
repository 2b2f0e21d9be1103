// The API and the report on a partial network: the small devnet indexed from a manifest that names
// only OpenToken and Staking (the openledger profile's public contracts). Metrics computed from
// those contracts equal an independent computation from the raw chain logs (and, for accrued
// staking interest, the contract's own calculateAmount by eth_call; test/helpers/expected-metrics.ts); every metric that needs an absent contract is null with
// the reason, never 0 (GraphQL: the field null and its reason in `unknowns` or the response's
// extensions.unknowns; report: "unknown (no InferenceSettlement on this network)"); bad input is
// still refused. A token-only manifest (the ethereum profile) on the same data nulls staking too.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { rawEvents } from '../helpers/raw-events'
import { MONTH, WHOLE, expectedLiabilities, expectedSustainability, loadAccruals, loadFacts } from '../helpers/expected-metrics'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { startApi, type ApiServer } from '../../src/api/server'
import { apiOptions } from '../../src/api/config'
import { readManifest, writeManifest, type NetworkManifest } from '../../src/devnet/manifest'
import { postGraphQL, type GraphQLAnswer } from '../helpers/api'
import { launchChromium } from '../helpers/browser'
import { runUpkeep } from '../helpers/cli'

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
/** the manifests (outside the data directory, which must hold only what upkeep writes) */
let manifestDir: string
let warehouse: Warehouse
let openledger: ApiServer
let ethereum: ApiServer
const files: Record<string, string> = {}
/** `upkeep report` on the partial manifest, printed before this process opened the warehouse */
const printed: Record<string, { code: number | null; stdout: string; stderr: string }> = {}
const MONTH_NAME = MONTH.from.toISOString().slice(0, 7)
const SETTINGS = { port: 0, host: '127.0.0.1', limits: {}, production: false }

// without the wall time: these tests compare the whole answer
const upkeep = (args: string[]) => runUpkeep(args, { DB_URL: db.url, UPKEEP_DATA_DIR: dataDir }).then(({ ms: _ms, ...r }) => r)

beforeAll(async () => {
  devnet = await loadDevnet()
  const m = devnet.manifest
  const partial = (contracts: NetworkManifest['contracts']): NetworkManifest => ({
    chainId: m.chainId,
    rpcUrl: m.rpcUrl,
    startBlock: m.startBlock,
    contracts,
    accounts: { stakingBank: m.accounts.stakingBank },
  })
  dataDir = newDataDir()
  manifestDir = newDataDir()
  files.openledger = path.join(manifestDir, 'openledger.json')
  files.ethereum = path.join(manifestDir, 'ethereum.json')
  files.broken = path.join(manifestDir, 'broken.json')
  writeManifest(files.openledger, partial({ OpenToken: m.contracts.OpenToken, Staking: m.contracts.Staking }))
  writeManifest(files.ethereum, partial({ OpenToken: m.contracts.OpenToken }))
  fs.writeFileSync(files.broken, JSON.stringify({ chainId: m.chainId, rpcUrl: m.rpcUrl, startBlock: 0, contracts: { InferenceSettlment: m.contracts.InferenceSettlement } }))
  db = await freshDatabase('partial')
  const indexed = indexTo({ manifestFile: files.openledger, dbUrl: db.url, dataDir }, devnet.endBlock)
  loadFacts(await rawEvents(devnet), m)
  await loadAccruals(devnet.publicClient as never) // staking interest on the accrual basis, from the contract's own values
  await indexed
  // the report CLI opens the embedded warehouse itself: before this process does
  for (const format of ['md', 'html', 'csv']) printed[format] = await upkeep(['report', '--month', MONTH_NAME, '--format', format, '--manifest', files.openledger])
  printed.broken = await upkeep(['report', '--month', MONTH_NAME, '--manifest', files.broken])
  printed.badMonth = await upkeep(['report', '--month', '2026-13', '--manifest', files.openledger])
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  openledger = await startApi({ dbUrl: db.url, warehouse, ...apiOptions(readManifest(files.openledger), SETTINGS) })
  ethereum = await startApi({ dbUrl: db.url, warehouse, ...apiOptions(readManifest(files.ethereum), SETTINGS) })
}, 300_000)

afterAll(async () => {
  await openledger?.close().catch(() => {})
  await ethereum?.close().catch(() => {})
  await warehouse?.close().catch(() => {})
  await devnet?.stop()
  await db?.drop()
  for (const d of [dataDir, manifestDir]) if (d) fs.rmSync(d, { recursive: true, force: true })
})

async function gql<T = Record<string, unknown>>(server: ApiServer, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  return (await postGraphQL<T>(server.url, query, variables)).body
}

const NO_SETTLEMENT = 'no InferenceSettlement on this network'
const POINT = `periodStart inferences payers fees inferenceFees deploymentFees revenue takeRate burns stakingInterest stakingInterestPaid rewardsEmissions tokenIncentives vestingUnlocks earnings feeFundedShare agentFees`
const SUSTAINABILITY = `query($from: DateTime!, $to: DateTime!) { networkSustainability(from: $from, to: $to, interval: MONTH) { totals { ${POINT} } series { ${POINT} } unknowns { field reason } } }`
type Point = Record<string, string | number | null>
type Sustainability = { networkSustainability: { totals: Point; series: Point[]; unknowns: { field: string; reason: string }[] } }
const vars = (p: { from: Date; to: Date }) => ({ from: p.from.toISOString(), to: p.to.toISOString() })

describe('openledger-like manifest (OpenToken + Staking)', () => {
  it('sustainability: burns and staking interest are the raw logs\' figures; everything needing another contract is null with its reason', async () => {
    for (const p of [WHOLE, MONTH]) {
      const r = await gql<Sustainability>(openledger, SUSTAINABILITY, vars(p))
      expect(r.errors).toBeUndefined()
      const s = r.data!.networkSustainability
      const want = expectedSustainability(p, 'month')
      expect(want.totals.burns).toBeGreaterThan(0n)
      expect(want.totals.stakingInterest).toBeGreaterThan(0n)
      expect(s.totals.burns).toBe(String(want.totals.burns))
      expect(s.totals.stakingInterest).toBe(String(want.totals.stakingInterest))
      expect(s.totals.stakingInterestPaid).toBe(String(want.totals.stakingInterestPaid))
      for (const f of ['inferences', 'payers', 'fees', 'inferenceFees', 'deploymentFees', 'revenue', 'takeRate', 'rewardsEmissions', 'tokenIncentives', 'vestingUnlocks', 'earnings', 'feeFundedShare', 'agentFees']) {
        expect(s.totals[f], f).toBeNull()
        expect(s.unknowns.find((u) => u.field === `totals.${f}`)?.reason, f).toMatch(/^no \w+ on this network/)
        for (const x of s.series) expect(x[f], `${x.periodStart} ${f}`).toBeNull()
      }
      expect(s.unknowns).toContainEqual({ field: 'totals.inferenceFees', reason: NO_SETTLEMENT })
      expect(s.unknowns).toContainEqual({ field: 'totals.vestingUnlocks', reason: 'no TokenVesting on this network' })
      expect(s.unknowns).toContainEqual({ field: 'totals.tokenIncentives', reason: 'no RewardsDistributor on this network' })
      // the known fields have no unknown entry
      expect(s.unknowns.some((u) => u.field === 'totals.burns' || u.field === 'totals.stakingInterest')).toBe(false)
      // per month: each point equals the raw logs' month
      const byMonth = new Map(want.series.map((x) => [x.periodStart, x]))
      expect(s.series.length).toBeGreaterThan(0)
      for (const x of s.series) {
        const w = byMonth.get(String(x.periodStart))
        expect(x.burns, String(x.periodStart)).toBe(String(w?.burns ?? 0n))
        expect(x.stakingInterest, String(x.periodStart)).toBe(String(w?.stakingInterest ?? 0n))
      }
    }
  })

  it('liabilities: staked principal and the bank balance from the raw logs; settlement-backed ones null with the reason', async () => {
    const at = MONTH.to
    const r = await gql<{ liabilities: Record<string, unknown> & { unknowns: { field: string; reason: string }[] } }>(
      openledger,
      `query($at: DateTime!) { liabilities(at: $at) { stakedPrincipal stakingBankBalance unclaimedAccruals undistributedPools prepaidEscrow unknowns { field reason } } }`,
      { at: at.toISOString() },
    )
    expect(r.errors).toBeUndefined()
    const want = expectedLiabilities(at)
    const l = r.data!.liabilities
    expect(want.stakedPrincipal).toBeGreaterThan(0n)
    expect(l.stakedPrincipal).toBe(String(want.stakedPrincipal))
    expect(l.stakingBankBalance).toBe(String(want.stakingBankBalance))
    expect([l.unclaimedAccruals, l.undistributedPools, l.prepaidEscrow]).toEqual([null, null, null])
    expect(l.unknowns).toEqual([
      { field: 'unclaimedAccruals', reason: NO_SETTLEMENT },
      { field: 'undistributedPools', reason: `${NO_SETTLEMENT}; no AttributionSettlement on this network` },
      { field: 'prepaidEscrow', reason: NO_SETTLEMENT },
    ])
  })

  it('whole families without their contracts: null, each reason in extensions.unknowns; networkCoverage lists them up front', async () => {
    const r = await gql<Record<string, unknown>>(
      openledger,
      `query($from: DateTime!, $to: DateTime!) {
        modelRevenue(from: $from, to: $to) { modelId } datanetRevenue(from: $from, to: $to) { datanetId } runway(at: $to) { treasuryBalance }
        upkeepCoverage(from: $from, to: $to) { upkeepCost } priceToFees(at: $to, priceUsd: "0.5") { priceToFees } operatorMetrics(from: $from, to: $to) { registered }
      }`,
      vars(MONTH),
    )
    expect(r.errors).toBeUndefined()
    expect(r.data).toEqual({ modelRevenue: null, datanetRevenue: null, runway: null, upkeepCoverage: null, priceToFees: null, operatorMetrics: null })
    // resolvers run side by side: the order of the reasons is not the query's
    const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field)
    expect([...(r.extensions?.unknowns ?? [])].sort(byField)).toEqual([
      { field: 'modelRevenue', reason: `${NO_SETTLEMENT}; no ModelRegistry on this network` },
      { field: 'datanetRevenue', reason: 'no DatanetRegistry on this network; no AttributionSettlement on this network' },
      { field: 'runway', reason: "no RewardsDistributor on this network; no treasury account configured (TREASURY_ADDRESS or the manifest's accounts.treasury)" },
      { field: 'upkeepCoverage', reason: `${NO_SETTLEMENT}; no ModelRegistry on this network` },
      { field: 'priceToFees', reason: NO_SETTLEMENT },
      { field: 'operatorMetrics', reason: NO_SETTLEMENT },
    ].sort(byField))
    const c = await gql<{ networkCoverage: { contracts: string[]; unavailable: { field: string; reason: string }[] } }>(openledger, '{ networkCoverage { contracts unavailable { field reason } } }')
    expect(c.data!.networkCoverage.contracts).toEqual(['OpenToken', 'Staking'])
    expect(c.data!.networkCoverage.unavailable).toContainEqual({ field: 'modelRevenue', reason: `${NO_SETTLEMENT}; no ModelRegistry on this network` })
    expect(c.data!.networkCoverage.unavailable).toContainEqual({ field: 'networkSustainability.inferenceFees', reason: NO_SETTLEMENT })
    expect(c.data!.networkCoverage.unavailable.some((u) => /stakingInterest|\.burns$|stakedPrincipal/.test(u.field))).toBe(false)
  })

  it('washTrading and outlook: null with the reason in extensions.unknowns, and listed by networkCoverage', async () => {
    // wash trading: operators and fees from the settlement (OpenToken is here); outlook: fee income, incentives, upkeep cost
    const wash = `${NO_SETTLEMENT}`
    const outlook = `${NO_SETTLEMENT}; no ModelRegistry on this network; no RewardsDistributor on this network`
    const r = await gql(openledger, `query($from: DateTime!, $to: DateTime!) { washTrading(from: $from, to: $to, threshold: "0.5") { threshold } outlook(at: $to, months: 3) { trailingMonths } }`, vars(MONTH))
    expect(r.errors).toBeUndefined()
    expect(r.data).toEqual({ washTrading: null, outlook: null })
    const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field)
    expect([...(r.extensions?.unknowns ?? [])].sort(byField)).toEqual([
      { field: 'outlook', reason: outlook },
      { field: 'washTrading', reason: wash },
    ])
    const c = await gql<{ networkCoverage: { unavailable: { field: string; reason: string }[] } }>(openledger, '{ networkCoverage { unavailable { field reason } } }')
    expect(c.data!.networkCoverage.unavailable).toContainEqual({ field: 'washTrading', reason: wash })
    expect(c.data!.networkCoverage.unavailable).toContainEqual({ field: 'outlook', reason: outlook })
  })

  it('the dashboard loads: no page error, each chart whose query is null says "unknown (<reason>)"', async () => {
    const chromium = await launchChromium()
    try {
      const page = await chromium.context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await page.goto(`${openledger.url}/dashboard`)
      await page.waitForSelector('body[data-ready]', { timeout: 60_000 })
      expect(errors).toEqual([])
      expect(await page.textContent('#error')).toBe('')
      expect(await page.getAttribute('body', 'data-ready')).toBe('1')
      const note = (id: string) => page.$eval(`#${id}`, (el) => (el.hidden ? el.parentElement!.querySelector('p.unknown:not([hidden])')?.textContent ?? null : 'shown'))
      expect(await note('topModels')).toBe(`unknown (${NO_SETTLEMENT}; no ModelRegistry on this network)`)
      expect(await note('operators')).toBe(`unknown (${NO_SETTLEMENT})`)
      expect(await note('agents')).toBe(`unknown (no AgentRegistry on this network; ${NO_SETTLEMENT})`)
      expect(await note('retention')).toBe('unknown (no DatanetRegistry on this network)')
      expect(await note('feesVsIncentives')).toBe(`unknown (${NO_SETTLEMENT}; no ModelRegistry on this network; no RewardsDistributor on this network)`)
      // the headline: an unknown amount reads "unknown" (the reason on hover), never 0.00
      const fees = await page.$eval('#kpis .kpi b', (b) => ({ text: b.textContent, title: b.getAttribute('title') }))
      expect(fees).toEqual({ text: 'unknown', title: `${NO_SETTLEMENT}; no ModelRegistry on this network` })
      await page.close()
    } finally {
      await chromium.close()
    }
  }, 120_000)

  it('bad input is refused with a clear error even where the metric would be null', async () => {
    const bad: [string, RegExp, string?][] = [
      ['{ modelRevenue(from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z") { modelId } }', /"from" .* must be before "to"/],
      ['{ modelRevenue(from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", limit: 0) { modelId } }', /"limit" must be between 1 and 100/],
      ['{ modelDecay(at: "2026-03-01T00:00:00Z", threshold: 2) { modelId } }', /threshold must be in \(0, 1\]/],
      ['{ priceToFees(at: "2026-03-01T00:00:00Z", priceUsd: "abc") { priceToFees } }', /price must be a decimal number of USD/],
      ['{ upkeepCoverage(from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", assumptions: { openPriceUsd: "-1" }) { upkeepCost } }', /openPriceUsd must not be negative/, 'BAD_ASSUMPTION'],
      ['{ networkSustainability(from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z") { totals { burns } } }', /"from" .* must be before "to"/],
      ['{ washTrading(from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z", threshold: "1.5") { threshold } }', /threshold must be above 0 and at most 1, got "1.5"/],
      ['{ washTrading(from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z") { threshold } }', /"from" .* must be before "to"/],
      ['{ outlook(at: "2026-03-01T00:00:00Z", months: 2) { trailingMonths } }', /"months" must be between 3 and 24, got 2/],
    ]
    for (const [q, message, code = 'BAD_USER_INPUT'] of bad) {
      const r = await gql(openledger, q)
      expect(r.errors?.[0].message, q).toMatch(message)
      expect(r.errors?.[0].extensions?.code, q).toBe(code)
      expect(r.extensions?.unknowns, q).toBeUndefined()
    }
  })

  it('`upkeep report` runs on the partial manifest: chain figures printed, the rest "unknown (no … on this network)"', () => {
    const want = expectedSustainability(MONTH, 'month').totals
    const md = printed.md
    expect(md.code, md.stderr).toBe(0)
    const row = (label: string) => md.stdout.split('\n').find((l) => l.startsWith(`| ${label} |`))
    expect(row('Fees (OPEN)')).toBe(`| Fees (OPEN) | unknown (${NO_SETTLEMENT}; no ModelRegistry on this network) |`)
    expect(row('— inference fees')).toBe(`| — inference fees | unknown (${NO_SETTLEMENT}) |`)
    expect(row('Vesting unlocks (OPEN)')).toBe('| Vesting unlocks (OPEN) | unknown (no TokenVesting on this network) |')
    expect(md.stdout).toContain(`| Top models by fees | unknown (${NO_SETTLEMENT}; no ModelRegistry on this network) |`)
    // the exact figures are in the CSV: they equal the raw logs'
    const csv = printed.csv
    expect(csv.code, csv.stderr).toBe(0)
    const cell = (key: string) => csv.stdout.split('\n').find((l) => l.startsWith(`headline,${key},value,`))?.split(',value,')[1]
    expect(cell('All burns (OPEN)')).toBe(exactOpen(want.burns))
    expect(cell('staking interest accrued')).toBe(exactOpen(want.stakingInterest))
    expect(cell('Fees (OPEN)')).toBe(`unknown (${NO_SETTLEMENT}; no ModelRegistry on this network)`)
    expect(csv.stdout).not.toMatch(/^headline,(Fees|Revenue|Earnings)[^,]*,value,0$/m)
    expect(printed.html.code, printed.html.stderr).toBe(0)
    expect(printed.html.stdout).toContain(`unknown (${NO_SETTLEMENT})`)
  })

  it('`upkeep report` with a malformed manifest or month: one line, nothing printed', () => {
    expect(printed.broken.code).toBe(3)
    expect(printed.broken.stdout).toBe('')
    expect(printed.broken.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toHaveLength(1)
    expect(printed.broken.stderr).toContain('contracts.InferenceSettlment is not a known contract')
    expect(printed.badMonth.code).toBe(2)
    expect(printed.badMonth.stderr).toContain('--month must be YYYY-MM, got "2026-13"')
  })
})

describe('ethereum-like manifest (OpenToken only)', () => {
  it('burns still equal the raw logs; staking interest is null: no Staking on this network', async () => {
    const r = await gql<Sustainability>(ethereum, SUSTAINABILITY, vars(WHOLE))
    expect(r.errors).toBeUndefined()
    const s = r.data!.networkSustainability
    expect(s.totals.burns).toBe(String(expectedSustainability(WHOLE, 'month').totals.burns))
    expect(s.totals.stakingInterest).toBeNull()
    expect(s.unknowns).toContainEqual({ field: 'totals.stakingInterest', reason: 'no Staking on this network' })
    const l = await gql<{ liabilities: { stakedPrincipal: string | null; unknowns: { field: string; reason: string }[] } }>(ethereum, `{ liabilities(at: "${MONTH.to.toISOString()}") { stakedPrincipal unknowns { field reason } } }`)
    expect(l.data!.liabilities.stakedPrincipal).toBeNull()
    expect(l.data!.liabilities.unknowns).toContainEqual({ field: 'stakedPrincipal', reason: 'no Staking on this network' })
  })
})

/** Exact OPEN from base units, written here (not the report's helper): 18 decimals, trailing zeros trimmed, thousands separated. */
function exactOpen(v: bigint): string {
  const whole = (v / 10n ** 18n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = (v % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  const text = frac ? `${whole}.${frac}` : whole
  return /[",]/.test(text) ? `"${text}"` : text
}
