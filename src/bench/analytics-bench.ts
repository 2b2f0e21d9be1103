// Analytics latency: each headline metric on ClickHouse (the metrics module) and the same metric
// computed on Postgres, p50/p95 over repeated runs, on the indexed bench chain.
import path from 'node:path'
import pg from 'pg'
import { embeddedWarehouse } from '../config'
import { openWarehouse } from '../warehouse/client'
import { Metrics, concentrationOf, type Period } from '../analytics'
import type { Devnet } from '../workload/devnet'
import type { IndexBench } from './index-bench'
import { percentile } from './common'

interface Args {
  devnet: Devnet
  indexed: IndexBench
  runs: number
  log: (s: string) => void
}

type Timed = { name: string; clickhouse: () => Promise<unknown>; postgres: () => Promise<unknown>; served?: () => Promise<unknown> }

async function time(f: () => Promise<unknown>, n: number): Promise<number[]> {
  await f() // warm
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint()
    await f()
    out.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return out
}

export async function bench({ devnet, indexed, runs, log }: Args) {
  const w = await openWarehouse(embeddedWarehouse(indexed.dataDir))
  const pool = new pg.Pool({ connectionString: indexed.dbUrl, max: 4 })
  const m = devnet.manifest
  const metrics = new Metrics(w, pool, { treasury: m.accounts.treasury, distributor: m.contracts.RewardsDistributor, stakingBank: m.accounts.stakingBank })
  // the same metrics answered from the day sums held in memory (whole-day periods; src/analytics/served.ts)
  const inMemory = new Metrics(w, pool, { treasury: m.accounts.treasury, distributor: m.contracts.RewardsDistributor, stakingBank: m.accounts.stakingBank }, { served: true })
  await inMemory.served!.rebuild()
  const full: Period = { from: new Date('2025-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params).then((r) => r.rows)
  const P = [full.from, full.to]
  // the same span starting and ending inside a day: in memory, the sums over the timestamps inside it
  const sub: Period = { from: new Date('2025-09-01T13:37:00Z'), to: new Date('2026-11-30T13:37:00Z') }
  const networkOnPostgres = (P: Date[]) =>
    Promise.all([
      q(`select date_trunc('day', timestamp) d, count(*), sum(units), count(distinct payer_id), sum(fee), sum(creator_share), sum(contributors_share), sum(infra_share), sum(treasury_share), sum(burn_share), sum(fee) filter (where payer_is_agent) from inference where timestamp >= $1 and timestamp < $2 group by 1 order by 1`, P),
      q(`select count(*), sum(units), count(distinct payer_id), sum(fee), sum(creator_share), sum(contributors_share), sum(infra_share), sum(treasury_share), sum(burn_share) from inference where timestamp >= $1 and timestamp < $2`, P),
      q(`select date_trunc('day', timestamp) d, sum(amount), sum(amount) filter (where role in ('creator','contributor','operator','staker')) from incentive_payment where timestamp >= $1 and timestamp < $2 group by 1`, P),
      q(`select date_trunc('day', timestamp) d, sum(interest) from stake_event where kind = 'unstaked' and timestamp >= $1 and timestamp < $2 group by 1`, P),
      q(`select date_trunc('day', timestamp) d, sum(amount) from vesting_release where timestamp >= $1 and timestamp < $2 group by 1`, P),
      q(`select date_trunc('day', timestamp) d, sum(amount) from burn where timestamp >= $1 and timestamp < $2 group by 1`, P),
    ])
  const cases: Timed[] = [
    {
      name: 'network sustainability, daily series + totals (440 days)',
      clickhouse: () => metrics.sustainability(full, 'day'),
      served: () => inMemory.sustainability(full, 'day'),
      postgres: () => networkOnPostgres(P),
    },
    {
      name: 'network sustainability, the same span from and to 13:37 UTC (in memory: the sums per timestamp)',
      clickhouse: () => metrics.sustainability(sub, 'day'),
      served: () => inMemory.sustainability(sub, 'day'),
      postgres: () => networkOnPostgres([sub.from, sub.to]),
    },
    {
      name: 'revenue per model (top 10)',
      clickhouse: () => metrics.models(full, 10),
      served: () => inMemory.models(full, 10),
      postgres: () =>
        Promise.all([
          q(`select model_id, count(*), sum(units), sum(fee), sum(creator_share), sum(contributors_share) from inference where timestamp >= $1 and timestamp < $2 group by model_id order by sum(fee) desc limit 10`, P),
          q(`select model_id, sum(amount) from attribution_payout where timestamp >= $1 and timestamp < $2 group by model_id`, P),
        ]),
    },
    {
      name: 'payout concentration (Gini, HHI, top 10)',
      clickhouse: () => metrics.concentration(full),
      served: () => inMemory.concentration(full),
      postgres: async () =>
        concentrationOf(
          (
            await q(
              `select who, sum(amount)::text as amount from (select contributor_id who, amount from attribution_payout where timestamp >= $1 and timestamp < $2
               union all select creator_id, amount from creator_payout where timestamp >= $1 and timestamp < $2 union all select account_id, amount from operator_payout where timestamp >= $1 and timestamp < $2) x group by who`,
              P,
            )
          ).map((r) => BigInt(r.amount)),
        ),
    },
    {
      name: 'contributor retention by monthly cohort',
      clickhouse: () => metrics.retention(full),
      served: () => inMemory.retention(full),
      postgres: () => q(`select contributor_id, date_trunc('month', timestamp) m from contribution where timestamp < $1 group by 1, 2 order by 1, 2`, [full.to]),
    },
    {
      name: 'model decay (30 d vs the 30 before)',
      clickhouse: () => metrics.modelDecay(new Date('2026-11-15T00:00:00Z')),
      served: () => inMemory.modelDecay(new Date('2026-11-15T00:00:00Z')),
      postgres: () =>
        q(`select model_id, sum(fee) filter (where timestamp >= $2), sum(fee) filter (where timestamp < $2) from inference where timestamp >= $1 and timestamp < $3 group by model_id`, [
          new Date('2026-09-16T00:00:00Z'),
          new Date('2026-10-16T00:00:00Z'),
          new Date('2026-11-15T00:00:00Z'),
        ]),
    },
  ]
  const n = Math.max(20, runs * 10)
  const rows = []
  for (const c of cases) {
    const ch = await time(c.clickhouse, n)
    const pgt = await time(c.postgres, Math.max(5, Math.floor(n / 4)))
    let mem: number[] | null = null
    if (c.served) {
      // the in-memory answer must be the warehouse's, to the wei, before it is timed
      const [a, b] = [await c.served(), await c.clickhouse()]
      const text = (x: unknown) => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? v.toString() : v))
      if (text(a) !== text(b)) throw new Error(`analytics bench: "${c.name}" from the day sums differs from the warehouse`)
      mem = await time(c.served, n)
    }
    const r = {
      metric: c.name,
      clickhouse: { p50: percentile(ch, 50), p95: percentile(ch, 95) },
      postgres: { p50: percentile(pgt, 50), p95: percentile(pgt, 95) },
      served: mem && { p50: percentile(mem, 50), p95: percentile(mem, 95) },
    }
    rows.push({ ...r, speedup: r.postgres.p50 / r.clickhouse.p50 })
    log(`analytics: ${c.name}: ClickHouse p50 ${r.clickhouse.p50.toFixed(1)} ms p95 ${r.clickhouse.p95.toFixed(1)} ms; Postgres p50 ${r.postgres.p50.toFixed(0)} ms p95 ${r.postgres.p95.toFixed(0)} ms`)
  }
  // sanity: both stores hold the same total
  const [chTotal] = (await metrics.sustainability(full, 'month')).totals.inferenceFees!.toString().split(' ')
  const [pgTotal] = (await q('select sum(fee)::text as s from inference'))
  if (chTotal !== pgTotal.s) throw new Error(`ClickHouse and Postgres disagree on gross fees: ${chTotal} vs ${pgTotal.s}`)
  inMemory.close()
  await pool.end()
  await w.close()
  const markdown = [
    '## Analytics (`npm run bench -- analytics`)',
    '',
    `Each metric over the whole bench chain (${n} runs on ClickHouse, warm). Targets: p95 < 50 ms on ClickHouse and >= 10x faster than Postgres. "In memory": the same period answered from the day sums the serving process holds (src/analytics/served.ts; held per block timestamp, so a sub-day period needs no warehouse query), checked equal to the ClickHouse answer first; "—" where the metric has no in-memory path.`,
    '',
    '| metric | ClickHouse p50 | ClickHouse p95 | in memory p50 | in memory p95 | Postgres p50 | Postgres p95 | speed-up (p50) | p95 / 50 ms target |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.metric} | ${r.clickhouse.p50.toFixed(1)} ms | ${r.clickhouse.p95.toFixed(1)} ms | ${r.served ? `${r.served.p50.toFixed(2)} ms` : '—'} | ${r.served ? `${r.served.p95.toFixed(2)} ms` : '—'} | ${r.postgres.p50.toFixed(0)} ms | ${r.postgres.p95.toFixed(0)} ms | ${r.speedup.toFixed(1)}x | ${(r.clickhouse.p95 / 50).toFixed(2)} |`,
    ),
  ]
  return { metrics: rows, markdown }
}
