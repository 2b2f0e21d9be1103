// API throughput on the indexed bench chain: GraphQL entity and analytics queries under 32
// concurrent clients (autocannon), requests/s and exact p50/p95/p99, the API as its own server
// on a free loopback port with the read-only role.
import path from 'node:path'
import { readOnlyRoleUrl } from '../db/postgres'
import type { Devnet } from '../workload/devnet'
import { startApi } from '../api/server'
import { embeddedWarehouse } from '../config'
import { openWarehouse } from '../warehouse/client'
import type { IndexBench } from './index-bench'
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

/** [name, kind, GraphQL query]; several variants per case so caches do not answer everything. */
const CASES: [string, 'entity' | 'analytics', string[]][] = [
  ['model by id with owner', 'entity', Array.from({ length: 20 }, (_, i) => `{ modelById(id: "${i}") { id pricePerUnit totalFees inferenceCount owner { id balance } } }`)],
  [
    'latest 20 inferences of a model (paged, nested)',
    'entity',
    Array.from({ length: 20 }, (_, i) => `{ inferences(where: { model: { id_eq: "${i}" } }, orderBy: id_DESC, limit: 20) { id fee units payer { id } batch { id txHash } } }`),
  ],
  ['accounts by balance, page of 50', 'entity', Array.from({ length: 10 }, (_, i) => `{ accounts(orderBy: balance_DESC, limit: 50, offset: ${i * 50}) { id balance totalReceived } }`)],
  // every client asking for the same report: concurrent identical calls share one warehouse run
  ['network sustainability, monthly, same report', 'analytics', [`{ networkSustainability(${FULL}, interval: MONTH) { series { periodStart grossFees feeCoverageRatio } totals { grossFees } } }`]],
  // each request one of 256 periods at random: nearly every request is a warehouse run of its own
  ['network sustainability, monthly, random period', 'analytics', PERIODS.map((p) => `{ networkSustainability(${p}, interval: MONTH) { series { periodStart grossFees feeCoverageRatio } totals { grossFees } } }`)],
  ['revenue per model, top 10, random period', 'analytics', PERIODS.map((p) => `{ modelRevenue(${p}, limit: 10) { modelId fees inferences attributionPaid } }`)],
  ['payout concentration, random period', 'analytics', PERIODS.map((p) => `{ payoutConcentration(${p}) { gini hhi top10Share } }`)],
]

export async function bench({ devnet, indexed, runs, log }: Args) {
  const warehouse = await openWarehouse(embeddedWarehouse(indexed.dataDir))
  const m = devnet.manifest
  const dbUrl = await readOnlyRoleUrl(indexed.dbUrl, 'upkeep_bench_api')
  const api = await startApi({ dbUrl, warehouse, metrics: { treasury: m.accounts.treasury, distributor: m.contracts.RewardsDistributor, stakingBank: m.accounts.stakingBank } })
  const seconds = 8
  const rows: { name: string; kind: string; runs: LoadResult[]; reqPerSec: number; p50Ms: number; p95Ms: number; p99Ms: number; cpuMsPerRequest: number | null }[] = []
  try {
    for (const [name, kind, queries] of CASES) {
      // every variant must answer without errors before it is timed
      for (const q of queries) {
        const res = (await (await fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: q }) })).json()) as { errors?: { message: string }[] }
        if (res.errors?.length) throw new Error(`api bench: "${name}" failed: ${res.errors[0].message}`)
      }
      const bodies = queries.map((query) => JSON.stringify({ query }))
      await load({ url: `${api.url}/graphql`, seconds: 1, bodies })
      const results: LoadResult[] = []
      const cpu: number[] = []
      for (let i = 0; i < Math.max(3, runs); i++) {
        const c0 = cpuSeconds(process.pid)
        const r = await load({ url: `${api.url}/graphql`, seconds, bodies, checkBodies: true, pick: kind === 'analytics' ? 'random' : 'cycle' })
        const c1 = cpuSeconds(process.pid)
        if (r.non2xx || r.errors || r.errorBodies) throw new Error(`api bench: "${name}": ${r.non2xx} non-2xx, ${r.errors} errors and ${r.errorBodies} GraphQL error answers under load`)
        results.push(r)
        if (c0 !== null && c1 !== null) cpu.push(((c1 - c0) * 1000) / r.total)
        log(`api: ${name} run ${i + 1}: ${Math.round(r.requestsPerSec)} req/s, p50 ${r.p50Ms.toFixed(1)} ms, p95 ${r.p95Ms.toFixed(1)} ms`)
      }
      rows.push({
        name,
        kind,
        runs: results,
        reqPerSec: median(results.map((r) => r.requestsPerSec)),
        p50Ms: median(results.map((r) => r.p50Ms)),
        p95Ms: median(results.map((r) => r.p95Ms)),
        p99Ms: median(results.map((r) => r.p99Ms)),
        cpuMsPerRequest: cpu.length ? median(cpu) : null,
      })
    }
  } finally {
    await api.close()
    await warehouse.close()
  }
  const markdown = [
    '## API (`npm run bench -- api`)',
    '',
    `GraphQL over HTTP on loopback, 32 concurrent clients (autocannon in the same process as the API, so the two share the cores), ${seconds} s per run, ${Math.max(3, runs)} runs, median. Entity queries read Postgres through the read-only role; analytics read ClickHouse.`,
    '',
    '| query | kind | req/s | p50 | p95 | p99 |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${r.kind} | ${Math.round(r.reqPerSec).toLocaleString('en-US')} | ${r.p50Ms.toFixed(1)} ms | ${r.p95Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms |`),
  ]
  return { queries: rows, markdown }
}
