// The governance report: its headline numbers equal an independent computation from raw chain
// logs, md and csv carry the same numbers, and the HTML rendered by headless Chromium to PNG shows
// its charts with data.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEventLog, type Abi, type Address } from 'viem'
import { loadDevnet, rawLogs, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { rawEvents } from '../helpers/raw-events'
import { F, loadAccruals, loadFacts } from '../helpers/expected-metrics'
import { launchChromium } from '../helpers/browser'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { Metrics, readAssumptions } from '../../src/analytics'
import { saveRun } from '../../src/verify/store'
import { buildReportData, type ReportData } from '../../src/report/data'
import { renderCsv, renderMarkdown } from '../../src/report/render'
import { spawnSync } from 'node:child_process'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')

const MONTH = '2026-10'
const FROM = Date.UTC(2026, 9, 1) / 1000
const TO = Date.UTC(2026, 10, 1) / 1000
let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let warehouse: Warehouse
let pool: pg.Pool
let data: ReportData
const expected: Record<string, bigint> = {}
const ASSUMPTIONS = path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json')
let metrics: Metrics
let monthBlocks: bigint[] = []
let monthInferences: { t: number; operator: string; fee: bigint }[] = []

/** OPEN rounded half away from zero to cents, thousands separated (written here again) */
function roundedText(v: bigint): string {
  const neg = v < 0n
  const a = neg ? -v : v
  const cents = (a * 100n + 5n * 10n ** 17n) / 10n ** 18n
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${neg && cents > 0n ? '-' : ''}${whole}.${(cents % 100n).toString().padStart(2, '0')}`
}

/** OPEN with all decimals, trailing zeros trimmed, thousands separated (written here again) */
function openText(v: bigint): string {
  const neg = v < 0n
  const a = neg ? -v : v
  const whole = (a / 10n ** 18n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const frac = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return (neg ? '-' : '') + whole + (frac ? '.' + frac : '')
}

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('report')
  dataDir = newDataDir()
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  pool = new pg.Pool({ connectionString: db.url })
  metrics = new Metrics(warehouse, pool, {
    treasury: devnet.manifest.accounts.treasury,
    distributor: devnet.manifest.contracts.RewardsDistributor,
    stakingBank: devnet.manifest.accounts.stakingBank,
    assumptions: readAssumptions(ASSUMPTIONS),
  })
  data = await buildReportData(metrics, pool, MONTH, { dbUrl: db.url })

  // independent: decode the month's logs, sum fees, shares and incentives, interest from transfers
  const abis = new Map<string, { name: string; abi: Abi }>()
  for (const [name, address] of Object.entries(devnet.manifest.contracts)) abis.set(address.toLowerCase(), { name, abi: JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'abi', `${name}.json`), 'utf8')) })
  const logs = await rawLogs(devnet.publicClient, Object.values(devnet.manifest.contracts) as Address[], devnet.manifest.startBlock, devnet.endBlock)
  const times = new Map<bigint, number>()
  const events = []
  for (const l of logs) {
    if (!times.has(l.blockNumber!)) times.set(l.blockNumber!, Number((await devnet.publicClient.getBlock({ blockNumber: l.blockNumber! })).timestamp))
    const c = abis.get(l.address.toLowerCase())!
    const d = decodeEventLog({ abi: c.abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, unknown> }
    events.push({ key: `${c.name}.${d.eventName}`, args: d.args, t: times.get(l.blockNumber!)!, tx: l.transactionHash })
  }
  const inMonth = events.filter((e) => e.t >= FROM && e.t < TO)
  monthInferences = inMonth
    .filter((e) => e.key === 'InferenceSettlement.InferenceSettled')
    .map((e) => ({ t: e.t, operator: String((e.args.requestId as bigint) >> 64n), fee: e.args.fee as bigint }))
  monthBlocks = logs.filter((l) => { const tt = times.get(l.blockNumber!)!; return tt >= FROM && tt < TO }).map((l) => l.blockNumber!)
  const sum = (key: string, f: string, filter: (e: (typeof events)[number]) => boolean = () => true) =>
    inMonth.filter((e) => e.key === key && filter(e)).reduce((a, e) => a + BigInt(e.args[f] as bigint), 0n)
  expected.grossFees = sum('InferenceSettlement.InferenceSettled', 'fee')
  expected.creator = sum('InferenceSettlement.InferenceSettled', 'creatorShare')
  expected.contributors = sum('InferenceSettlement.InferenceSettled', 'contributorsShare')
  expected.infra = sum('InferenceSettlement.InferenceSettled', 'infraShare')
  expected.treasury = sum('InferenceSettlement.InferenceSettled', 'treasuryShare')
  expected.feeBurns = sum('InferenceSettlement.InferenceSettled', 'burnShare')
  expected.deployment = sum('ModelRegistry.ModelRegistered', 'deploymentFee')
  expected.rewards = sum('RewardsDistributor.IncentivePaid', 'amount')
  // roles: 0 creator, 1 contributor, 2 staker, 3 operator, 4 other; stakers are not maintainers
  expected.maintainerRewards = sum('RewardsDistributor.IncentivePaid', 'amount', (e) => [0, 1, 3].includes(Number(e.args.role)))
  expected.unlocks = sum('TokenVesting.TokensReleased', 'amount')
  let interest = 0n
  for (const u of inMonth.filter((e) => e.key === 'Staking.Unstaked')) {
    const id = u.args.stakingId
    const principal = events.filter((e) => (e.key === 'Staking.Staked' || e.key === 'Staking.ToppedUp') && e.args.stakingId === id).reduce((a, e) => a + BigInt(e.args.amount as bigint), 0n)
    const payout = events.find((e) => e.key === 'OpenToken.Transfer' && e.tx === u.tx && String(e.args.to).toLowerCase() === String(u.args.recipient).toLowerCase())!
    interest += BigInt(payout.args.value as bigint) - principal
  }
  expected.interestPaid = interest
  // staking interest counts on the accrual basis: the contract's own stake values by eth_call
  loadFacts(await rawEvents(devnet), devnet.manifest)
  await loadAccruals(devnet.publicClient as never)
  expected.interest = F.accruals.filter((s) => s.from >= FROM && s.from < TO).reduce((a, s) => a + s.interest, 0n)
}, 240_000)

afterAll(async () => {
  await pool?.end()
  await warehouse?.close().catch(() => {})
  await devnet?.stop()
  await db?.drop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe(`the ${MONTH} report`, () => {
  it('has the numbers an independent computation from raw logs gives', () => {
    expect(expected.grossFees).toBeGreaterThan(0n)
    const t = data.totals
    const revenue = expected.treasury + expected.feeBurns + expected.deployment
    expect(t.inferenceFees).toBe(expected.grossFees)
    expect(t.fees).toBe(expected.grossFees + expected.deployment)
    expect(t.supplySideFees).toBe(expected.creator + expected.contributors + expected.infra)
    expect(t.revenue).toBe(revenue)
    expect(t.tokenIncentives).toBe(expected.rewards + expected.interest)
    expect(t.stakingInterest).toBe(expected.interest)
    expect(t.stakingInterestPaid).toBe(expected.interestPaid)
    expect(expected.interest).toBeGreaterThan(0n)
    expect(t.vestingUnlocks).toBe(expected.unlocks)
    expect(t.earnings).toBe(revenue - expected.rewards - expected.interest)
    const fee = expected.creator + expected.contributors + expected.infra
    const share = (fee * 1_000_000n) / (fee + expected.maintainerRewards)
    expect(t.feeFundedShare).toBe(`0.${share.toString().padStart(6, '0')}`)
  })

  it('prints the numbers rounded for reading in Markdown and exact in CSV; unknown is never 0', () => {
    const md = renderMarkdown(data)
    const csv = renderCsv(data)
    for (const [label, v] of [
      ['Fees (OPEN)', expected.grossFees + expected.deployment],
      ['Token incentives (OPEN)', expected.rewards + expected.interest],
      ['Vesting unlocks (OPEN)', expected.unlocks],
      ['Revenue (OPEN)', expected.treasury + expected.feeBurns + expected.deployment],
    ] as const) {
      expect(md).toContain(`| ${label} | ${roundedText(v)} |`)
      expect(csv).toContain(`headline,${label.includes(',') ? `"${label}"` : label},value,${openText(v).includes(',') ? `"${openText(v)}"` : openText(v)}`)
    }
    const share = data.totals.feeFundedShare!
    // 6 places exact in the CSV, 3 (half up) in Markdown
    const micro = BigInt(share.replace('.', ''))
    const milli = (micro + 500n) / 1000n
    expect(md).toContain(`| Fee-funded share of maintainers' income | ${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')} |`)
    expect(csv).toContain(`headline,Fee-funded share of maintainers' income,value,${share}`)
    expect(md).toMatch(/Verification: not verified/)
  })

  it('opens with a five-line summary, month-over-month deltas, risk flags, changes and liabilities', () => {
    const md = renderMarkdown(data)
    const lines = md.split('## Summary')[1].split('## Does usage')[0].trim().split('\n')
    expect(lines.length).toBe(5)
    expect(lines[0]).toMatch(/^- Coverage: .*maintenance coverage \d+\.\d{3}/)
    expect(lines[1]).toMatch(/^- Versus last month \(2026-09\)/)
    expect(lines[2]).toMatch(/^- Versus three months ago \(2026-07\)/)
    expect(lines[3]).toBe(`- Biggest risk: ${data.risks[0] ?? 'none flagged'}.`)
    expect(lines[4]).toMatch(/^- Verification: not verified/)
    for (const h of ['## Month over month', '## Risk flags', '## Policy, price and operator changes', '## Upkeep per model (serving compute, storage assumed, maintenance work)', '## Operators: infrastructure margin (their own serving cost)', '## Computed from'])
      expect(md).toContain(h)
    expect(md).toContain('Liabilities: staked principal (OPEN)')
    // every cost says where it comes from (the values themselves: test/warehouse/metrics.test.ts)
    expect(data.upkeep.costs.map((c) => [c.component, c.provenance.split('+')[0]])).toEqual([['serving compute', 'measured'], ['storage', 'assumed'], ['maintenance work', 'declared']])
    for (const c of data.upkeep.costs) {
      expect(md).toContain(`| — ${c.component} (${c.provenance}) |`)
      expect(renderCsv(data)).toContain(`headline,${c.component} (${c.provenance}),value,`)
    }
    for (const m of data.upkeep.models) expect(md).toMatch(new RegExp(`\\| ${m.modelId} \\| [^|]+ \\| [^|]+ \\| ${m.servingProvenance} \\| ${m.maintenanceProvenance.replace('+', '\\+')} \\|`))
    // the month-over-month fees row: exact in CSV
    const prev = data.previous.totals.fees
    expect(renderCsv(data)).toContain(`Month over month,fees (OPEN),2026-09,${openText(prev).includes(',') ? `"${openText(prev)}"` : openText(prev)}`)
  })

  it('a month with no data prints unknown, not 0, for what cannot be known', async () => {
    const empty = await buildReportData(metrics, pool, '2025-07', { dbUrl: db.url })
    const md = renderMarkdown(empty)
    expect(md).toContain('| Take rate (revenue / fees) | unknown |')
    expect(md).toContain('| Maintenance coverage (fee income / upkeep cost) | unknown |')
    expect(md).toContain('| blocks | unknown (no event in the month) |')
    expect(renderCsv(empty)).toContain('headline,Take rate (revenue / fees),value,unknown')
  })

  it('states what it was computed from: the month\'s blocks, a finalized head, the state digest, the assumptions hash', async () => {
    const b = data.basis
    expect(monthBlocks.length).toBeGreaterThan(0)
    const lo = monthBlocks.reduce((a, x) => (x < a ? x : a))
    const hi = monthBlocks.reduce((a, x) => (x > a ? x : a))
    expect([b.blockFrom, b.blockTo]).toEqual([Number(lo), Number(hi)])
    expect(b.finalizedHeight).toBeGreaterThanOrEqual(b.blockTo!)
    expect(b.stateDigest).toMatch(/^[0-9a-f]{64}$/)
    expect(b.assumptionsHash).toBe(crypto.createHash('sha256').update(fs.readFileSync(ASSUMPTIONS)).digest('hex'))
    expect(renderMarkdown(data)).toContain(`| blocks | ${b.blockFrom} to ${b.blockTo} |`)
  })

  it('a fresh index of the same chain reproduces the report exactly (same digest, same CSV)', async () => {
    const db2 = await freshDatabase('report2')
    const dir2 = newDataDir()
    try {
      await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db2.url, dataDir: dir2 }, devnet.endBlock)
      // the CLI as governance runs it, on the second index (its own process: chDB is one directory per process)
      const r = spawnSync(process.execPath, [BIN, 'report', '--month', MONTH, '--format', 'csv', '--manifest', devnet.manifestFile], {
        env: { ...process.env, DB_URL: db2.url, UPKEEP_DATA_DIR: dir2 },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toBe(renderCsv(data))
      expect(r.stdout).toContain(`computed from,state digest,value,${data.basis.stateDigest}`)
    } finally {
      await db2.drop()
      fs.rmSync(dir2, { recursive: true, force: true })
    }
  }, 240_000)

  it('renders as HTML whose SVG charts Chromium draws with data (upkeep report --format html)', async () => {
    const file = path.resolve(__dirname, '..', '..', 'test-results', `report-${MONTH}.html`)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    // the CLI, as governance runs it (the embedded chDB is one process at a time: release it)
    await warehouse.close()
    const r = spawnSync(process.execPath, [BIN, 'report', '--month', MONTH, '--format', 'html', '--out', file, '--manifest', devnet.manifestFile], {
      env: { ...process.env, DB_URL: db.url, UPKEEP_DATA_DIR: dataDir },
      encoding: 'utf8',
    })
    expect(r.status, r.stderr).toBe(0)
    const chromium = await launchChromium()
    try {
      const page = await chromium.context.newPage()
      await page.goto(`file://${file}`)
      const figures = await page.$$eval('figure.chart', (fs2) =>
        fs2.map((f) => ({ title: f.querySelector('figcaption')!.textContent, marks: f.querySelectorAll('svg .mark-rect path, svg .mark-line path, svg .mark-symbol path').length, width: f.querySelector('svg')!.getBoundingClientRect().width })),
      )
      expect(figures.length).toBe(4)
      for (const f of figures) {
        expect(f.marks, f.title!).toBeGreaterThan(2)
        expect(f.width, f.title!).toBeGreaterThan(200)
      }
      const png = path.resolve(__dirname, '..', '..', 'test-results', `report-${MONTH}.png`)
      await page.screenshot({ path: png, fullPage: true })
      expect(fs.statSync(png).size).toBeGreaterThan(30_000)
      expect(await page.textContent('body')).toContain(roundedText(expected.grossFees + expected.deployment))
    } finally {
      await chromium.close()
    }
  }, 120_000)
  it('counts the share of the month\'s fees clean verification runs covered: overlaps once, failed runs not at all (runs saved last: the tests above see none)', async () => {
    const op = monthInferences[0].operator
    const at = (s: string) => new Date(s).toISOString()
    const run = (ok: boolean, from: string, to: string) =>
      saveRun(db.url, {
        version: 1,
        log: { file: 'usage.jsonl', sha256: '0'.repeat(64), records: 1 },
        operator: { id: Number(op), account: null },
        range: { from: null, to: null },
        rerun: false,
        summary: { coverage: { from: at(from), to: at(to) }, inferences: 1, settled: 1, attributionEpochs: 0, checks: 1, discrepancies: ok ? 0 : 1, byClass: {} as never },
        ok,
        discrepancies: [],
      })
    const a = await run(true, '2026-10-05T00:00:00Z', '2026-10-15T00:00:00Z')
    const b = await run(true, '2026-10-10T00:00:00Z', '2026-10-20T00:00:00Z') // overlaps a
    await run(false, '2026-10-20T00:00:00Z', '2026-10-31T00:00:00Z') // found discrepancies: covers nothing
    const lo = Date.parse('2026-10-05T00:00:00Z') / 1000
    const hi = Date.parse('2026-10-20T00:00:00Z') / 1000 // inclusive
    const covered = monthInferences.filter((i) => i.operator === op && i.t >= lo && i.t <= hi).reduce((s, i) => s + i.fee, 0n)
    const total = monthInferences.reduce((s, i) => s + i.fee, 0n)
    expect(covered).toBeGreaterThan(0n)
    // the HTML test handed chDB to the CLI: open it again in this process
    warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
    metrics = new Metrics(warehouse, pool, { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor, assumptions: readAssumptions(ASSUMPTIONS) })
    const d = await buildReportData(metrics, pool, MONTH, { dbUrl: db.url })
    expect(d.verifiedShare.fees).toBe(covered)
    const micro = (covered * 1_000_000n) / total
    expect(d.verifiedShare.share).toBe(`0.${micro.toString().padStart(6, '0')}`)
    expect(d.basis.verificationRunIds.sort()).toEqual([a, b].sort())
    expect(renderMarkdown(d)).toMatch(/- Verification: 0\.\d{3} of the month's inference fees lie in the range of a clean verification run/)
  })
})
