// API throughput on the indexed bench chain: GraphQL entity and analytics queries under 32
// concurrent clients (autocannon), requests/s and exact p50/p95/p99, the API as its own server
// on a free loopback port with the read-only role.
import os from 'node:os'
import { readOnlyRoleUrl } from '../db/postgres'
import type { Devnet } from '../workload/devnet'
import { startApi } from '../api/server'
import { embeddedWarehouse } from '../config'
import { openWarehouse } from '../warehouse/client'
import type { IndexBench } from './index-bench'
import type { ServedStatus } from '../analytics/served'
import { cpuSeconds, median } from './common'
import { load, type LoadResult } from './load'

interface Args {
  devnet: Devnet
  indexed: IndexBench
  runs: number
  log: (s: string) => void
}

const FULL = 'from: "2025-09-01T00:00:00Z", to: "2026-12-01T00:00:00Z"'

// 256 whole-day periods (first day 2025-09-01 + i, last day 2026-11-30), asked at random
const PERIODS = Array.from({ length: 256 }, (_, i) => `from: "${new Date(Date.UTC(2025, 8, 1 + i)).toISOString()}", to: "2026-12-01T00:00:00Z"`)

// 256 sub-day periods (a random hour and minute at both ends): on the served API from the sums held
// per block timestamp, no warehouse query
const SUB_DAY = Array.from({ length: 256 }, (_, i) => {
  const from = Date.UTC(2025, 8, 1 + i, (i * 7) % 24, (i * 13) % 60)
  return `from: "${new Date(from).toISOString()}", to: "${new Date(from + (30 + (i % 60)) * 86_400_000 + ((i * 5) % 24) * 3_600_000).toISOString()}"`
})

type Path = 'served' | 'facts'

interface Row {
  name: string
  kind: string
  path: Path
  runs: LoadResult[]
  reqPerSec: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  cpuMsPerRequest: number | null
  /** requests answered or failed over the timed runs */
  requests: number
  failed: number
  /** failures over the timed runs by code (src/bench/load) */
  codes: Record<string, number>
  /** variants that failed when asked once before the load */
  warmCodes: Record<string, number>
}

const codesText = (codes: Record<string, number>) =>
  Object.entries(codes)
    .sort(([, a], [, b]) => b - a)
    .map(([c, n]) => `${c}: ${n.toLocaleString('en-US')}`)
    .join(', ')
/** [name, kind, GraphQL query, which API answers]; several variants per case so caches do not answer everything. */
const CASES: [string, 'entity' | 'analytics', string[], Path][] = [
  ['model by id with owner', 'entity', Array.from({ length: 20 }, (_, i) => `{ modelById(id: "${i}") { id pricePerUnit totalFees inferenceCount owner { id balance } } }`), 'served'],
  [
    'latest 20 inferences of a model (paged, nested)',
    'entity',
    Array.from({ length: 20 }, (_, i) => `{ inferences(where: { model: { id_eq: "${i}" } }, orderBy: id_DESC, limit: 20) { id fee units payer { id } batch { id txHash } } }`),
    'served',
  ],
  ['accounts by balance, page of 50', 'entity', Array.from({ length: 10 }, (_, i) => `{ accounts(orderBy: balance_DESC, limit: 50, offset: ${i * 50}) { id balance totalReceived } }`), 'served'],
]
// every client asking for the same report: concurrent identical calls share one warehouse run
const SAME = `{ networkSustainability(${FULL}, interval: MONTH) { series { periodStart fees revenue feeFundedShare } totals { fees revenue payers } } }`
const NETWORK = (p: string) => `{ networkSustainability(${p}, interval: MONTH) { series { periodStart fees revenue feeFundedShare } totals { fees revenue payers } } }`
const MODELS = (p: string) => `{ modelRevenue(${p}, limit: 10) { modelId fees inferences attributionPaid } }`
const PAYOUTS = (p: string) => `{ payoutConcentration(${p}) { gini hhi top10Share } }`
const UPKEEP = (p: string) => `{ upkeepCoverage(${p}) { upkeepCost maintainerFeeIncome maintenanceCoverage models { modelId margin } } }`
// each request one of 256 periods at random: on the facts path nearly every request is a warehouse run of its own
for (const [path, label, subDay] of [
  ['facts', 'facts (warehouse)', 'facts (warehouse)'],
  ['served', 'day sums in memory', 'sums per timestamp in memory'],
] as const) {
  CASES.push(
    [`network sustainability, monthly, same report, ${label}`, 'analytics', [SAME], path],
    [`network sustainability, monthly, random whole-day period, ${label}`, 'analytics', PERIODS.map(NETWORK), path],
    [`revenue per model, top 10, random whole-day period, ${label}`, 'analytics', PERIODS.map(MODELS), path],
    [`payout concentration, random whole-day period, ${label}`, 'analytics', PERIODS.map(PAYOUTS), path],
    [`upkeep coverage, random whole-day period, ${label}`, 'analytics', PERIODS.map(UPKEEP), path],
    [`network sustainability, monthly, random sub-day period, ${subDay}`, 'analytics', SUB_DAY.map(NETWORK), path],
    [`revenue per model, top 10, random sub-day period, ${subDay}`, 'analytics', SUB_DAY.map(MODELS), path],
  )
}
CASES.push(['payout concentration, random sub-day period, sums per timestamp in memory', 'analytics', SUB_DAY.map(PAYOUTS), 'served'])

export async function bench({ devnet, indexed, runs, log }: Args) {
  const warehouse = await openWarehouse(embeddedWarehouse(indexed.dataDir))
  const m = devnet.manifest
  const dbUrl = await readOnlyRoleUrl(indexed.dbUrl, 'upkeep_bench_api')
  const metrics = { treasury: m.accounts.treasury, distributor: m.contracts.RewardsDistributor, stakingBank: m.accounts.stakingBank }
  // today's path (every period a warehouse query) and the day sums held in memory, side by side
  const rssBefore = process.memoryUsage().rss
  const factsApi = await startApi({ dbUrl, warehouse, metrics, served: false })
  const servedApi = await startApi({ dbUrl, warehouse, metrics, served: true })
  const t0 = Date.now()
  const status = async () => ((await (await fetch(`${servedApi.url}/ready`)).json()) as { served: ServedStatus }).served
  let served = await status()
  while (!served.ready) {
    if (Date.now() - t0 > 600_000) throw new Error('api bench: the day sums were not built within 10 minutes')
    await new Promise((r) => setTimeout(r, 200))
    served = await status()
  }
  global.gc?.()
  const rss = { before: rssBefore, after: process.memoryUsage().rss }
  log(`api: day sums held for block ${served.head}: ${served.entries} key-timestamp and key-day entries, built in ${served.buildMs} ms; RSS ${Math.round(rss.before / 2 ** 20)} → ${Math.round(rss.after / 2 ** 20)} MiB`)
  const seconds = 8
  const loadAtStart = os.loadavg()[0]
  const rows: Row[] = []
  try {
    for (const [name, kind, queries, path] of CASES) {
      const api = path === 'served' ? servedApi : factsApi
      // every variant is asked once before it is timed: failures are recorded on the row, not fatal
      const warmCodes: Record<string, number> = {}
      for (const q of queries) {
        const res = (await (await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) })).json()) as {
          errors?: { message: string; extensions?: { code?: string } }[]
        }
        if (res.errors?.length) {
          const code = `GraphQL ${res.errors[0].extensions?.code ?? 'error'}`
          warmCodes[code] = (warmCodes[code] ?? 0) + 1
          log(`api: "${name}" failed before load: ${res.errors[0].message}`)
        }
      }
      const bodies = queries.map((query) => JSON.stringify({ query }))
      await load({ url: `${api.url}/graphql`, seconds: 1, bodies })
      const results: LoadResult[] = []
      const cpu: number[] = []
      for (let i = 0; i < Math.max(3, runs); i++) {
        const c0 = cpuSeconds(process.pid)
        const r = await load({ url: `${api.url}/graphql`, seconds, bodies, checkBodies: true, pick: kind === 'analytics' ? 'random' : 'cycle' })
        const c1 = cpuSeconds(process.pid)
        results.push(r)
        if (c0 !== null && c1 !== null) cpu.push(((c1 - c0) * 1000) / r.total)
        const failed = r.non2xx + r.errors + r.errorBodies
        log(`api: ${name} run ${i + 1}: ${Math.round(r.requestsPerSec)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms${failed ? `, ${failed} failed (${codesText(r.codes)})` : ''}`)
      }
      // failures of every timed run, by code: a row that failed under load is reported as it is
      const codes: Record<string, number> = {}
      for (const r of results) for (const [c, n] of Object.entries(r.codes)) codes[c] = (codes[c] ?? 0) + n
      const requests = results.reduce((a, r) => a + r.total, 0)
      rows.push({
        name,
        kind,
        path,
        runs: results,
        reqPerSec: median(results.map((r) => r.requestsPerSec)),
        p50Ms: median(results.map((r) => r.p50Ms)),
        p95Ms: median(results.map((r) => r.p95Ms)),
        p99Ms: median(results.map((r) => r.p99Ms)),
        cpuMsPerRequest: cpu.length ? median(cpu) : null,
        requests,
        failed: Object.values(codes).reduce((a, n) => a + n, 0),
        codes,
        warmCodes,
      })
    }
  } finally {
    await servedApi.close()
    await factsApi.close()
    await warehouse.close()
  }
  const same = (p: Path) => rows.find((r) => r.name.startsWith('network sustainability, monthly, same report') && r.path === p)!
  const ratio = (r: Row) => (r.kind === 'analytics' ? `${(r.reqPerSec / same(r.path).reqPerSec).toFixed(2)}×` : '')
  const p95Ratio = (r: Row) => (r.kind === 'analytics' ? `${(r.p95Ms / same(r.path).p95Ms).toFixed(2)}×` : '')
  const failures = (r: Row) =>
    (r.failed ? `${r.failed.toLocaleString('en-US')} of ${r.requests.toLocaleString('en-US')} (${codesText(r.codes)})` : '0') +
    (Object.keys(r.warmCodes).length ? `; before load: ${codesText(r.warmCodes)}` : '')
  const markdown = [
    '## API (`npm run bench -- api`)',
    '',
    `GraphQL over HTTP on loopback, 32 concurrent clients (autocannon in the same process as the API, so the two share the cores), ${seconds} s per run, ${Math.max(3, runs)} runs, median. Entity queries read Postgres through the read-only role; analytics read ClickHouse ("facts (warehouse)": every period a warehouse query, as before) or the sums the serving process holds in memory per block timestamp (src/analytics/served.ts): "day sums in memory" for whole-day periods, "sums per timestamp in memory" for sub-day periods (no warehouse query; their peer the same periods on the facts alone). "× same report" is req/s over the same-report row of the same API (targets: whole-day network ≥ 0.8×, per model and payouts ≥ 0.5×, sub-day ≥ 0.1×); "p95 × same" the p95 over that row's p95 (target for whole-day network: ≤ 2×). "failed": answers that were not a 2xx without GraphQL errors, over all timed runs, by code (an HTTP status, a GraphQL error code, \`timeout\`: no answer within 10 s); a row with failures is reported, not dropped, and its req/s counts the failed answers too.`,
    '',
    `1-minute load average of the machine (${os.cpus().length} cores, shared with whatever else runs on it): ${loadAtStart.toFixed(1)} when the suite started, ${os.loadavg()[0].toFixed(1)} when it ended; ratios within one run share that load.`,
    '',
    `Serving process RSS: ${Math.round(rss.before / 2 ** 20)} MiB before the APIs started, ${Math.round(rss.after / 2 ** 20)} MiB with the bench chain's day sums loaded (${served.entries.toLocaleString('en-US')} key-timestamp and key-day entries at block ${served.head}, built in ${served.buildMs} ms; the process also holds the embedded chDB).`,
    '',
    '| query | kind | req/s | × same report | p50 | p95 | p95 × same | p99 | failed |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.kind} | ${Math.round(r.reqPerSec).toLocaleString('en-US')} | ${ratio(r)} | ${r.p50Ms.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms | ${p95Ratio(r)} | ${r.p99Ms.toFixed(1)} ms | ${failures(r)} |`,
    ),
  ]
  return { queries: rows, rss, served, markdown }
}
