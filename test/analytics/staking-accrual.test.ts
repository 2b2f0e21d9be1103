// [economics] Staking interest on an accrual basis, on the small devnet: the index's accrual per
// stake and UTC day (Postgres, GraphQL entity query) equals the contract's own value of each
// stake at the day boundaries (eth_call of Staking.calculateAmount with the block time set to the
// boundary: test/helpers/stake-values.ts), a paid-out stake accrues exactly its payout − principal
// (raw Transfer logs), the analytics (ClickHouse, over GraphQL) book stakingInterest on the accrual
// basis and keep the cash figure as stakingInterestPaid, and a period with no stake answers null
// with a reason where a ratio is unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { query } from '../helpers/pg'
import { rawEvents } from '../helpers/raw-events'
import { F, loadAccruals, loadFacts, sumOf } from '../helpers/expected-metrics'
import { perStakeDay } from '../helpers/stake-values'

let t: IndexedApi

beforeAll(async () => {
  t = await indexedApi()
  loadFacts(await rawEvents(t.devnet), t.devnet.manifest)
  await loadAccruals(t.devnet.publicClient as never)
}, 300_000)

afterAll(async () => {
  await t?.close()
})

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

async function indexedPerStakeDay(): Promise<Map<string, bigint>> {
  const rows = await query<{ k: string; s: string }>(
    t.db.url,
    `select stake_id || ' ' || to_char(timestamp at time zone 'UTC', 'YYYY-MM-DD') k, sum(value_to - value_from)::text s from stake_accrual group by 1`,
  )
  return new Map(rows.map((r) => [r.k, BigInt(r.s)]))
}

describe('accrued staking interest per stake and UTC day', () => {
  it('Postgres equals the contract\'s own values at the day boundaries (eth_call)', async () => {
    const want = perStakeDay(F.accruals)
    expect(want.size).toBeGreaterThan(500)
    expect([...want.values()].some((v) => v > 0n)).toBe(true)
    expect(await indexedPerStakeDay()).toEqual(want)
  })

  it('GraphQL (the StakeAccrual entity, paged) equals the same', async () => {
    const got = new Map<string, bigint>()
    for (let offset = 0; ; offset += 1000) {
      const r = await t.gql<{ stakeAccruals: { stake: { id: string }; timestamp: string; valueFrom: string; valueTo: string }[] }>(
        `query($offset: Int!) { stakeAccruals(orderBy: id_ASC, limit: 1000, offset: $offset) { stake { id } timestamp valueFrom valueTo } }`,
        { offset },
      )
      expect(r.errors).toBeUndefined()
      for (const x of r.data!.stakeAccruals) {
        const k = `${x.stake.id} ${dayOf(Date.parse(x.timestamp))}`
        got.set(k, (got.get(k) ?? 0n) + BigInt(x.valueTo) - BigInt(x.valueFrom))
      }
      if (r.data!.stakeAccruals.length < 1000) break
    }
    expect(got).toEqual(perStakeDay(F.accruals))
  })

  it('a paid-out stake accrued exactly its payout − principal (the bank\'s Transfer in the raw logs), no residue', async () => {
    expect(F.unstakes.length).toBeGreaterThan(3)
    const got = await indexedPerStakeDay()
    for (const u of F.unstakes) {
      const accrued = sumOf([...got.entries()].filter(([k]) => k.startsWith(`${u.stakingId} `)).map(([, v]) => v))
      expect(accrued, `stake ${u.stakingId}`).toBe(u.amount)
    }
    expect(await query(t.db.url, `select id from stake_accrual where kind <> 'accrual'`)).toEqual([])
  })
})

describe('the analytics on the accrual basis, over GraphQL', () => {
  const Q = `query($from: DateTime!, $to: DateTime!) {
    networkSustainability(from: $from, to: $to, interval: MONTH) { totals { stakingInterest stakingInterestPaid stakerIncentives tokenIncentives rewardsEmissions } }
  }`

  it('every month: stakingInterest = the accrual of the spans in it, stakingInterestPaid = payouts − principal of its unstakes', async () => {
    const months = [...new Set(F.accruals.map((s) => dayOf(s.from * 1000).slice(0, 7)))].sort()
    expect(months.length).toBeGreaterThan(10)
    let differ = 0
    for (const m of months) {
      const from = new Date(`${m}-01T00:00:00Z`)
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1))
      const inMonth = (s: number) => s * 1000 >= from.getTime() && s * 1000 < to.getTime()
      const accrued = sumOf(F.accruals.filter((s) => inMonth(s.from)).map((s) => s.interest))
      const paid = sumOf(F.unstakes.filter((u) => inMonth(u.t)).map((u) => u.amount))
      const emitted = sumOf(F.incentives.filter((x) => x.role === 2 && inMonth(x.t)).map((x) => x.amount))
      const r = await t.gql<{ networkSustainability: { totals: Record<string, string> } }>(Q, { from: from.toISOString(), to: to.toISOString() })
      expect(r.errors, m).toBeUndefined()
      const x = r.data!.networkSustainability.totals
      expect([x.stakingInterest, x.stakingInterestPaid, x.stakerIncentives], m).toEqual([String(accrued), String(paid), String(emitted + accrued)])
      expect(BigInt(x.tokenIncentives) - BigInt(x.rewardsEmissions), m).toBe(accrued)
      if (accrued !== paid) differ++
    }
    expect(differ).toBeGreaterThan(0) // the two bases differ: payouts land in one month, accrual spreads
  })

  it('a period with no stake: interest a known 0, the stakers\' yields null with the reason', async () => {
    const r = await t.gql<{ upkeepCoverage: { stakedPrincipal: string; stakerIncentives: string; stakerIncentiveYield: string | null; stakerRealYield: string | null; unknowns: { field: string; reason: string }[] }; networkSustainability: { totals: Record<string, string> } }>(
      `query($from: DateTime!, $to: DateTime!) {
        upkeepCoverage(from: $from, to: $to, assumptions: { openPriceUsd: "1" }) { stakedPrincipal stakerIncentives stakerIncentiveYield stakerRealYield unknowns { field reason } }
        networkSustainability(from: $from, to: $to, interval: MONTH) { totals { stakingInterest stakingInterestPaid stakerIncentives tokenIncentives rewardsEmissions } }
      }`,
      { from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z' },
    )
    expect(r.errors).toBeUndefined()
    const u = r.data!.upkeepCoverage
    expect([u.stakedPrincipal, u.stakerIncentives, u.stakerIncentiveYield, u.stakerRealYield]).toEqual(['0', '0', null, null])
    expect(u.unknowns.filter((x) => x.field.startsWith('staker'))).toEqual([
      { field: 'stakerRealYield', reason: "nothing staked at the period's end" },
      { field: 'stakerIncentiveYield', reason: "nothing staked at the period's end" },
    ])
    expect(r.data!.networkSustainability.totals.stakingInterest).toBe('0')
  })

  it('a month with stakes: the staker incentive yield is the accrued interest and emissions, annualized, over the principal', async () => {
    const from = new Date('2026-03-01T00:00:00Z')
    const to = new Date('2026-04-01T00:00:00Z')
    const r = await t.gql<{ upkeepCoverage: { stakedPrincipal: string; stakerIncentives: string; stakerIncentiveYield: string | null } }>(
      `query($from: DateTime!, $to: DateTime!) { upkeepCoverage(from: $from, to: $to) { stakedPrincipal stakerIncentives stakerIncentiveYield } }`,
      { from: from.toISOString(), to: to.toISOString() },
    )
    expect(r.errors).toBeUndefined()
    const u = r.data!.upkeepCoverage
    const inMonth = (s: number) => s * 1000 >= from.getTime() && s * 1000 < to.getTime()
    const incentives = sumOf(F.accruals.filter((s) => inMonth(s.from)).map((s) => s.interest)) + sumOf(F.incentives.filter((x) => x.role === 2 && inMonth(x.t)).map((x) => x.amount))
    expect(u.stakerIncentives).toBe(String(incentives))
    // ×365 days ÷ 31 days, truncated to 6 places, by hand
    const n = incentives * 365n * 1_000_000n
    const d = BigInt(u.stakedPrincipal) * 31n
    expect(BigInt(u.stakedPrincipal)).toBeGreaterThan(0n)
    expect(u.stakerIncentiveYield).toBe(`${n / d / 1_000_000n}.${String((n / d) % 1_000_000n).padStart(6, '0')}`)
  })
})
