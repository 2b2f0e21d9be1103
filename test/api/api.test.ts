// The API over the indexed small workload: every query kind (lists with where/orderBy/limit/
// offset, byId, connections with cursors, operators, nested relation filters, squidStatus,
// analytics) returns what a direct SQL query in the test returns, with exact money strings;
// abuse is refused with a code while the server keeps serving; HTTP endpoints behave.
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { query } from '../helpers/pg'

let t: IndexedApi
const sql = <T extends pg.QueryResultRow = Record<string, string>>(text: string, params: unknown[] = []) => query<T>(t.db.url, text, params)

beforeAll(async () => {
  t = await indexedApi()
}, 180_000)

afterAll(async () => {
  await t?.close()
})

describe('entity queries (OpenReader conventions)', () => {
  it('lists with where, orderBy, limit and offset equal SQL', async () => {
    const [{ m }] = await sql<{ m: string }>(`select model_id as m from inference group by model_id order by count(*) desc limit 1`)
    const [{ median }] = await sql<{ median: string }>(`select percentile_disc(0.5) within group (order by fee)::text as median from inference where model_id = $1`, [m])
    const r = await t.gql<{ inferences: { id: string; fee: string; units: string; model: { id: string }; payer: { id: string } }[] }>(
      `query($m: String!, $fee: BigInt!) { inferences(where: { fee_gt: $fee, model: { id_eq: $m } }, orderBy: [fee_DESC, id_ASC], limit: 7, offset: 3) { id fee units model { id } payer { id } } }`,
      { m, fee: median },
    )
    expect(r.errors).toBeUndefined()
    const want = await sql(
      `select id, fee::text as fee, units::text as units, model_id, payer_id from inference where fee > $1 and model_id = $2 order by fee desc, id asc limit 7 offset 3`,
      [median, m],
    )
    expect(want.length).toBe(7)
    expect(r.data!.inferences).toEqual(want.map((w) => ({ id: w.id, fee: w.fee, units: w.units, model: { id: w.model_id }, payer: { id: w.payer_id } })))
  })

  it('byId and relations resolve like SQL joins', async () => {
    const r = await t.gql<{ modelById: { id: string; pricePerUnit: string; owner: { id: string; balance: string }; datanets: { datanet: { id: string; name: string } }[] } }>(
      `{ modelById(id: "1") { id pricePerUnit owner { id balance } datanets(orderBy: datanet_id_ASC) { datanet { id name } } } }`,
    )
    const [m] = await sql(`select m.id, m.price_per_unit::text as price, a.id as owner, a.balance::text as balance from model m join account a on a.id = m.owner_id where m.id = '1'`)
    const ds = await sql(`select d.id, d.name from model_datanet md join datanet d on d.id = md.datanet_id where md.model_id = '1' order by d.id`)
    expect(r.data!.modelById).toEqual({ id: '1', pricePerUnit: m.price, owner: { id: m.owner, balance: m.balance }, datanets: ds.map((d) => ({ datanet: { id: d.id, name: d.name } })) })
    expect((await t.gql(`{ modelById(id: "no-such-model") { id } }`)).data).toEqual({ modelById: null })
  })

  it('connections page with totalCount and cursors exactly like SQL', async () => {
    const where = `{ payer: { isAgent_eq: true } }`
    const [{ n }] = await sql<{ n: string }>(`select count(*)::text as n from inference i join account a on a.id = i.payer_id where a.is_agent`)
    const all = await sql<{ id: string }>(`select i.id from inference i join account a on a.id = i.payer_id where a.is_agent order by i.id limit 25`)
    const page1 = await t.gql<{ inferencesConnection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] } }>(
      `{ inferencesConnection(where: ${where}, orderBy: id_ASC, first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
    )
    expect(page1.data!.inferencesConnection.totalCount).toBe(Number(n))
    expect(page1.data!.inferencesConnection.edges.map((e) => e.node.id)).toEqual(all.slice(0, 10).map((a) => a.id))
    expect(page1.data!.inferencesConnection.pageInfo.hasNextPage).toBe(true)
    const page2 = await t.gql<typeof page1.data>(
      `query($after: String) { inferencesConnection(where: ${where}, orderBy: id_ASC, first: 15, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
      { after: page1.data!.inferencesConnection.pageInfo.endCursor },
    )
    expect(page2.data!.inferencesConnection.edges.map((e) => e.node.id)).toEqual(all.slice(10, 25).map((a) => a.id))
  })

  it('where operators: _eq _not_eq _gt _gte _lt _lte _in _not_in _isNull, string ops, AND/OR', async () => {
    const cases: [string, string, string][] = [
      ['models(where: { retiredAt_isNull: false }, orderBy: id_ASC)', 'select id from model where retired_at is not null order by id', 'models'],
      ['models(where: { id_in: ["1", "3", "5"], retired_eq: false }, orderBy: id_ASC)', `select id from model where id in ('1','3','5') and not retired order by id`, 'models'],
      ['models(where: { id_not_in: ["0", "1"], inferenceCount_gte: 100 }, orderBy: id_ASC)', `select id from model where id not in ('0','1') and inference_count >= 100 order by id`, 'models'],
      ['datanets(where: { name_containsInsensitive: "SPAM" }, orderBy: id_ASC)', `select id from datanet where name ilike '%spam%' order by id`, 'datanets'],
      ['datanets(where: { name_startsWith: "Spam", id_not_eq: "3" }, orderBy: id_ASC)', `select id from datanet where name like 'Spam%' and id <> '3' order by id`, 'datanets'],
      [
        'models(where: { OR: [{ inferenceCount_lt: 50 }, { AND: [{ retired_eq: true }, { inferenceCount_lte: 1000 }] }] }, orderBy: id_ASC)',
        'select id from model where inference_count < 50 or (retired and inference_count <= 1000) order by id',
        'models',
      ],
      [
        'accounts(where: { balance_gt: "1000000000000000000", isContributor_eq: true }, orderBy: id_ASC, limit: 50)',
        `select id from account where balance > 1000000000000000000 and is_contributor order by id limit 50`,
        'accounts',
      ],
    ]
    for (const [q, s, field] of cases) {
      const r = await t.gql<Record<string, { id: string }[]>>(`{ ${q} { id } }`)
      expect(r.errors, q).toBeUndefined()
      const want = await sql<{ id: string }>(s)
      expect(r.data![field].map((x) => x.id), q).toEqual(want.map((w) => w.id))
      expect(want.length, `${q} should select something`).toBeGreaterThan(0)
    }
  })

  it('nested relation filters (to-one and to-many) equal SQL', async () => {
    const r = await t.gql<{ datanets: { id: string }[] }>(`{ datanets(where: { contributions_some: { contributor: { isAgent_eq: false } }, models_every: { model: { retired_eq: false } } }, orderBy: id_ASC) { id } }`)
    const want = await sql<{ id: string }>(
      `select d.id from datanet d where exists (select 1 from contribution c join account a on a.id = c.contributor_id where c.datanet_id = d.id and not a.is_agent)
         and not exists (select 1 from model_datanet md join model m on m.id = md.model_id where md.datanet_id = d.id and m.retired) order by d.id`,
    )
    expect(r.data!.datanets.map((d) => d.id)).toEqual(want.map((w) => w.id))
  })

  it('squidStatus reports the processor height', async () => {
    const r = await t.gql<{ squidStatus: { height: number; finalizedHeight: number } }>(`{ squidStatus { height finalizedHeight } }`)
    const [s] = await sql<{ height: number }>('select height from squid_processor.status')
    const [h] = await sql<{ h: number | null }>('select max(height) as h from squid_processor.hot_block')
    expect(r.data!.squidStatus).toEqual({ height: Math.max(s.height, h.h ?? -1), finalizedHeight: s.height })
    expect(r.data!.squidStatus.height).toBe(t.devnet.endBlock)
  })

  it('money is an exact decimal string, beyond 2^53', async () => {
    const [big] = await sql(`select id, balance::text as balance from account where balance > 9007199254740993 order by balance desc limit 1`)
    const r = await t.gql<{ accountById: { balance: string } }>(`query($id: String!) { accountById(id: $id) { balance } }`, { id: big.id })
    expect(r.data!.accountById.balance).toBe(big.balance)
    expect(typeof r.data!.accountById.balance).toBe('string')
  })
})

describe('analytics queries', () => {
  const from = '2025-09-01T00:00:00.000Z'
  const to = '2026-12-01T00:00:00.000Z'

  it('network sustainability per month equals SQL over the Postgres record; renamed fields answer as deprecated aliases', async () => {
    const r = await t.gql<{ networkSustainability: { token: { symbol: string; decimals: number }; totals: Record<string, string>; series: Record<string, string>[] } }>(
      `query($from: DateTime!, $to: DateTime!) { networkSustainability(from: $from, to: $to, interval: MONTH) {
        token { symbol decimals } totals { fees inferenceFees deploymentFees revenue rewardsEmissions vestingUnlocks inferences grossFees protocolRevenue feeCoverageRatio feeFundedShare treasuryFees }
        series { periodStart inferenceFees deploymentFees creatorFees contributorFees infraFees treasuryFees feeBurns revenue inferences } } }`,
      { from, to },
    )
    expect(r.errors).toBeUndefined()
    const ns = r.data!.networkSustainability
    expect(ns.token).toEqual({ symbol: 'OPEN', decimals: 18 })
    const months = await sql(
      `select i.m, i.fees, coalesce(d.dep, '0') dep, i.c, i.k, i.t, i.b, (i.t::numeric + i.b::numeric + coalesce(d.dep, '0')::numeric)::text rev, i.n from
         (select to_char(date_trunc('month', timestamp at time zone 'UTC'), 'YYYY-MM-DD') as m, sum(fee)::text fees, sum(creator_share)::text c, sum(contributors_share)::text k,
                 sum(infra_share)::text i_, sum(treasury_share)::text t, sum(burn_share)::text b, count(*)::int n
          from inference group by 1) i
         left join (select to_char(date_trunc('month', registered_at at time zone 'UTC'), 'YYYY-MM-DD') as m, sum(deployment_fee)::text dep from model group by 1) d on d.m = i.m
       order by 1`,
    )
    const infra = await sql(`select to_char(date_trunc('month', timestamp at time zone 'UTC'), 'YYYY-MM-DD') as m, sum(infra_share)::text i from inference group by 1 order by 1`)
    const withInference = ns.series.filter((p) => Number(p.inferences) > 0)
    expect(withInference.map((p) => [p.periodStart, p.inferenceFees, p.deploymentFees, p.creatorFees, p.contributorFees, p.treasuryFees, p.feeBurns, p.revenue, p.inferences])).toEqual(
      months.map((m) => [m.m, m.fees, m.dep, m.c, m.k, m.t, m.b, m.rev, m.n]),
    )
    expect(withInference.map((p) => p.infraFees)).toEqual(infra.map((m) => m.i))
    const [tot] = await sql(
      `select (select sum(fee)::text from inference) f, (select sum(deployment_fee)::text from model) d, (select sum(amount)::text from incentive_payment) r, (select sum(amount)::text from vesting_release) v`,
    )
    expect(BigInt(tot.d)).toBeGreaterThan(0n)
    expect([ns.totals.inferenceFees, ns.totals.deploymentFees, ns.totals.fees, ns.totals.rewardsEmissions, ns.totals.vestingUnlocks]).toEqual([
      tot.f,
      tot.d,
      (BigInt(tot.f) + BigInt(tot.d)).toString(),
      tot.r,
      tot.v,
    ])
    // the deprecated aliases answer what their new names answer
    expect([ns.totals.grossFees, ns.totals.protocolRevenue, ns.totals.feeCoverageRatio]).toEqual([ns.totals.inferenceFees, ns.totals.treasuryFees, ns.totals.feeFundedShare])
  })

  it('the renamed fields are marked deprecated with a reason in the schema', async () => {
    const r = await t.gql<{ __type: { fields: { name: string; isDeprecated: boolean; deprecationReason: string | null }[] } }>(
      `{ __type(name: "SustainabilityPoint") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } } }`,
    )
    const dep = r.data!.__type.fields.filter((f) => f.isDeprecated)
    expect(dep.map((f) => f.name).sort()).toEqual(['feeCoverageRatio', 'grossFees', 'protocolRevenue'])
    for (const f of dep) expect(f.deprecationReason).toMatch(/^renamed \w+/)
  })

  it('model and datanet revenue, fee-policy history equal SQL', async () => {
    const r = await t.gql<{ modelRevenue: { modelId: string; fees: string; inferences: number }[]; datanetRevenue: { datanetId: string; attributionPaid: string; name: string }[]; feePolicyHistory: { version: number; fees: string; inferences: number }[] }>(
      `query($from: DateTime!, $to: DateTime!) { modelRevenue(from: $from, to: $to, limit: 5) { modelId fees inferences }
        datanetRevenue(from: $from, to: $to, limit: 5) { datanetId name attributionPaid } feePolicyHistory { version fees inferences } }`,
      { from, to },
    )
    const models = await sql(`select model_id as id, sum(fee)::text fees, count(*)::int n from inference group by model_id order by sum(fee) desc, model_id limit 5`)
    expect(r.data!.modelRevenue).toEqual(models.map((m) => ({ modelId: m.id, fees: m.fees, inferences: m.n })))
    const datanets = await sql(`select p.datanet_id as id, d.name, sum(p.amount)::text paid from attribution_payout p join datanet d on d.id = p.datanet_id group by p.datanet_id, d.name order by sum(p.amount) desc, p.datanet_id limit 5`)
    expect(r.data!.datanetRevenue).toEqual(datanets.map((d) => ({ datanetId: d.id, name: d.name, attributionPaid: d.paid })))
    const policies = await sql(`select v.version, coalesce((select sum(fee)::text from inference i where i.policy_version = v.version), '0') fees, (select count(*)::int from inference i where i.policy_version = v.version) n from fee_policy_version v order by v.version`)
    expect(r.data!.feePolicyHistory).toEqual(policies.map((p) => ({ version: p.version, fees: p.fees, inferences: p.n })))
    expect(policies.length).toBe(2)
  })

  it('network sustainability: `to` before `from` is BAD_USER_INPUT; a period with no activity has its ratios null with reasons, never 0', async () => {
    const back = await t.gql(`{ networkSustainability(from: "2026-03-01T00:00:00Z", to: "2026-01-01T00:00:00Z", interval: MONTH) { totals { fees } } }`)
    expect(back.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(back.errors?.[0]?.message).toBe('"from" (2026-03-01T00:00:00.000Z) must be before "to" (2026-01-01T00:00:00.000Z)')
    type S = { networkSustainability: { totals: Record<string, unknown>; series: unknown[]; unknowns: { field: string; reason: string }[] } }
    // whole days (the day sums in memory) and part days (the facts) alike
    for (const [from, to] of [
      ['2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z'],
      ['2024-01-01T06:30:00Z', '2024-02-01T18:00:00Z'],
    ]) {
      const r = await t.gql<S>(`{ networkSustainability(from: "${from}", to: "${to}", interval: WEEK) { totals { inferences payers fees revenue takeRate feeFundedShare agentFeeShare } series { periodStart } unknowns { field reason } } }`)
      expect(r.errors).toBeUndefined()
      const n = r.data!.networkSustainability
      expect(n.series).toEqual([])
      expect(n.totals).toEqual({ inferences: 0, payers: 0, fees: '0', revenue: '0', takeRate: null, feeFundedShare: null, agentFeeShare: null })
      const idle = ' (nothing was settled, paid or emitted in the period)'
      // the devnet's manifest indexes no native gas fees: those fields are null with that reason first
      const noNativeFees = 'native gas fees are not indexed on this network (the manifest has no nativeFees)'
      expect(n.unknowns).toEqual([
        ...['networkFees', 'networkExecutionFees', 'networkL1Fees', 'networkGasUsed', 'networkTxCount', 'networkActiveSenders'].map((f) => ({ field: `totals.${f}`, reason: noNativeFees })),
        { field: 'totals.takeRate', reason: `no fees in the period${idle}` },
        { field: 'totals.feeFundedShare', reason: `no maintainer fee payouts or maintainer incentives in the period${idle}` },
        { field: 'totals.agentFeeShare', reason: `no inference fees in the period${idle}` },
      ])
    }
    // a period with activity has no unknowns
    const busy = await t.gql<S>(`{ networkSustainability(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z") { unknowns { field } } }`)
    expect(busy.data!.networkSustainability.unknowns.filter((u) => !u.field.startsWith('totals.network'))).toEqual([])
  })

  it('refuses bad analytics input with BAD_USER_INPUT and a hint', async () => {
    const cases = [
      `{ modelRevenue(from: "2026-03-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { modelId } }`,
      `{ modelRevenue(from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z", limit: 0) { modelId } }`,
      `{ contributorEarnings(from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z", contributor: "bob") { contributor } }`,
      `{ modelDecay(at: "2026-06-01T00:00:00Z", threshold: 7) { modelId } }`,
      `{ priceToFees(at: "2026-06-01T00:00:00Z", priceUsd: "-1") { priceToFees } }`,
    ]
    for (const q of cases) {
      const r = await t.gql(q)
      expect(r.errors?.[0]?.extensions?.code, q).toBe('BAD_USER_INPUT')
    }
    const r = await t.gql(`{ modelRevenue(from: "yesterday", to: "2026-03-01T00:00:00Z") { modelId } }`)
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it('every period query refuses `to` before `from`, an empty period and month 13 with a code and one line', async () => {
    const queries: [string, string][] = [
      ['networkSustainability', '{ totals { fees } }'],
      ['modelRevenue', '{ modelId }'],
      ['datanetRevenue', '{ datanetId }'],
      ['contributorEarnings', '{ contributor }'],
      ['contributorRetention', '{ cohort }'],
      ['payoutConcentration', '{ gini }'],
      ['agentMetrics', '{ agentFeeShare }'],
      ['operatorMetrics', '{ registered }'],
      ['upkeepCoverage', '{ maintenanceCoverage }'],
    ]
    for (const [name, fields] of queries) {
      // whole days (the day sums) and part days (the facts) are refused alike
      for (const [from, to] of [
        ['2026-03-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
        ['2026-03-01T10:30:00.000Z', '2026-03-01T10:29:59.999Z'],
        ['2026-03-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
      ]) {
        const r = await t.gql(`{ ${name}(from: "${from}", to: "${to}") ${fields} }`)
        // a nullable query (null on a network without its contracts) is null beside the error; a non-null one nulls data
        expect((r.data as Record<string, unknown> | undefined)?.[name] ?? null, name).toBeNull()
        expect(r.errors?.map((e) => [e.extensions?.code, e.message]), name).toEqual([['BAD_USER_INPUT', `"from" (${from}) must be before "to" (${to})`]])
      }
      const month13 = await t.gql(`{ ${name}(from: "2026-13-01T00:00:00Z", to: "2027-01-01T00:00:00Z") ${fields} }`)
      expect(month13.errors?.[0]?.extensions?.code, name).toBe('GRAPHQL_VALIDATION_FAILED')
      expect(month13.errors?.[0]?.message, name).toMatch(/2026-13-01T00:00:00Z/)
    }
  })
})

describe('upkeep coverage over GraphQL', () => {
  const A = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json'), 'utf8')) as Record<string, string> & { openPriceUsd: { from: string; usd: string }[] }
  const fr = (s: string): [bigint, bigint] => {
    const [w, f = ''] = s.split('.')
    return [BigInt(w + f), 10n ** BigInt(f.length)]
  }
  const Q = `query($from: DateTime!, $to: DateTime!, $a: AssumptionOverrides) { upkeepCoverage(from: $from, to: $to, assumptions: $a) {
      provenance assumptionsHash openPriceUsd upkeepCost maintainerFeeIncome maintenanceCoverage stakerRealYield
      costs { component provenance note usd amount } operators { operatorId units infraFees servingCost servingProvenance infraMargin } unknowns { field reason } } }`
  type U = { upkeepCoverage: { provenance: string; assumptionsHash: string; openPriceUsd: string | null; upkeepCost: string | null; maintainerFeeIncome: string; maintenanceCoverage: string | null; stakerRealYield: string | null; costs: { component: string; provenance: string; note: string; usd: string | null; amount: string | null }[]; operators: { operatorId: string; units: string; infraFees: string; servingCost: string | null; servingProvenance: string; infraMargin: string | null }[]; unknowns: { field: string; reason: string }[] } }
  const from = '2026-03-01T00:00:00.000Z'
  const to = '2026-04-01T00:00:00.000Z'

  it('fee income and each operator\'s serving cost equal SQL and the assumptions file; every cost says where it comes from', async () => {
    const r = await t.gql<U>(Q, { from, to })
    expect(r.errors).toBeUndefined()
    const u = r.data!.upkeepCoverage
    const [inc] = await sql(`select (sum(creator_share) + sum(contributors_share) + sum(infra_share))::text s from inference where timestamp >= $1 and timestamp < $2`, [from, to])
    expect(u.maintainerFeeIncome).toBe(inc.s)
    // every inference of the month was settled with a committed serving cost: serving compute is measured
    const [gap] = await sql(
      `select count(*)::int n from inference i where timestamp >= $1 and timestamp < $2
         and not exists (select 1 from serving_cost c where c.tx_hash = i.tx_hash and c.operator_id = i.operator_id and c.model_id = i.model_id)`,
      [from, to],
    )
    expect(gap.n).toBe(0)
    // maintenance is declared for the models with an AdapterCostDeclared in force, assumed for the others
    const [dec] = await sql(`select count(distinct model_id)::int n from adapter_cost_declaration where timestamp < $1`, [to])
    // a live model with no declaration in force from the start of its time in the month is (partly) assumed
    const [undeclared] = await sql(
      `select count(*)::int n from model m where registered_at < $2 and (retired_at is null or retired_at > $1)
         and not exists (select 1 from adapter_cost_declaration d where d.model_id = m.id and d.timestamp <= greatest(m.registered_at, $1::timestamptz))`,
      [from, to],
    )
    expect(dec.n).toBeGreaterThan(0)
    const work = undeclared.n === 0 ? 'declared' : 'declared+assumed'
    expect(u.costs.map((c) => [c.component, c.provenance])).toEqual([['serving compute', 'measured'], ['storage', 'assumed'], ['maintenance work', work]])
    expect(u.provenance).toBe('measured+declared+assumed')
    expect(u.openPriceUsd).toBe('0.45')
    // an operator's serving cost = its committed CPU µs × USD/CPU s ÷ USD/OPEN, in base units
    const [usd, usdD] = fr(A.cpuSecondUsd)
    const [p, pd] = fr(u.openPriceUsd!)
    const open = (micros: bigint) => (micros * usd * 10n ** 18n * pd) / (1_000_000n * usdD * p)
    const rows = await sql(
      `select i.op, i.u, i.i, coalesce(c.cpu, '0') cpu from
         (select operator_id as op, sum(units)::text u, sum(infra_share)::text i from inference where timestamp >= $1 and timestamp < $2 group by 1) i
         left join (select operator_id as op, sum(cpu_micros)::text cpu from serving_cost where timestamp >= $1 and timestamp < $2 group by 1) c using (op)
       order by 1`,
      [from, to],
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(u.operators.map((o) => [o.operatorId, o.units, o.infraFees, o.servingProvenance])).toEqual(rows.map((x) => [x.op, x.u, x.i, 'measured']))
    for (const [i, o] of u.operators.entries()) {
      const cost = open(BigInt(rows[i].cpu))
      expect(cost).toBeGreaterThan(0n)
      expect(o.servingCost).toBe(cost.toString())
      expect(o.infraMargin).toBe((BigInt(o.infraFees) - cost).toString())
    }
    // the network's serving cost is the cost of all committed CPU µs, floored once
    const [all] = await sql(`select sum(cpu_micros)::text cpu from serving_cost where timestamp >= $1 and timestamp < $2`, [from, to])
    expect(u.costs[0].amount).toBe(open(BigInt(all.cpu)).toString())
    expect(u.costs[0].note).toContain('ServingCostCommitted')
  })

  it('liabilities, runway and datanet yield over GraphQL equal SQL over the Postgres record', async () => {
    const at = '2026-11-01T00:00:00.000Z'
    const r = await t.gql<{
      liabilities: Record<string, string>
      runway: { incentiveBudgetProvenance: string; treasuryMonthlyNetBurn: string; liabilities: Record<string, string>; unknowns: { field: string }[] }
      datanetRevenue: { datanetId: string; attributionPaid: string; contributions: number; attributionPerContribution: string | null }[]
    }>(
      `query($at: DateTime!, $from: DateTime!) { liabilities(at: $at) { stakedPrincipal unclaimedAccruals undistributedPools prepaidEscrow }
        runway(at: $at) { incentiveBudgetProvenance treasuryMonthlyNetBurn liabilities { prepaidEscrow } unknowns { field } }
        datanetRevenue(from: $from, to: $at, limit: 100) { datanetId attributionPaid contributions attributionPerContribution } }`,
      { at, from: '2026-10-01T00:00:00.000Z' },
    )
    expect(r.errors).toBeUndefined()
    const [x] = await sql(
      `select
         (select coalesce(sum(amount), 0) from escrow_movement where kind = 'deposit' and timestamp < $1)
           - (select coalesce(sum(amount), 0) from escrow_movement where kind = 'withdrawal' and timestamp < $1)
           - (select coalesce(sum(fee), 0) from inference where timestamp < $1) as escrow,
         (select coalesce(sum(creator_share + infra_share), 0) from inference where timestamp < $1)
           - (select coalesce(sum(amount), 0) from creator_payout where timestamp < $1)
           - (select coalesce(sum(amount), 0) from operator_payout where timestamp < $1) as accrued,
         (select coalesce(sum(contributors_share), 0) from inference where timestamp < $1)
           - (select coalesce(sum(amount), 0) from attribution_payout where timestamp < $1) as pools`,
      [at],
    )
    expect(r.data!.liabilities).toMatchObject({ prepaidEscrow: String(x.escrow), unclaimedAccruals: String(x.accrued), undistributedPools: String(x.pools) })
    expect(r.data!.runway.liabilities.prepaidEscrow).toBe(String(x.escrow))
    expect(r.data!.runway.incentiveBudgetProvenance).toBe('assumed')
    for (const d of r.data!.datanetRevenue) {
      const want = d.contributions === 0 ? null : BigInt(d.attributionPaid) * 1_000_000n / BigInt(d.contributions)
      expect(d.attributionPerContribution, d.datanetId).toBe(want === null ? null : `${want / 1_000_000n}.${(want % 1_000_000n).toString().padStart(6, '0')}`)
    }
    expect(r.data!.datanetRevenue.filter((d) => d.attributionPerContribution !== null).length).toBeGreaterThan(0)
  })

  it('other assumptions as arguments move the answer (sensitivity); a malformed one is BAD_ASSUMPTION and changes nothing', async () => {
    const base = (await t.gql<U>(Q, { from, to })).data!.upkeepCoverage
    const dear = (await t.gql<U>(Q, { from, to, a: { openPriceUsd: '0.045' } })).data!.upkeepCoverage
    // a tenth of the price: the same USD, ten times the OPEN (up to the floor of each)
    expect(dear.costs[2].usd).toBe(base.costs[2].usd)
    const ten = BigInt(base.costs[2].amount!) * 10n
    expect(BigInt(dear.costs[2].amount!) >= ten && BigInt(dear.costs[2].amount!) < ten + 10n).toBe(true)
    expect(dear.assumptionsHash).not.toBe(base.assumptionsHash)
    for (const a of [{ cpuSecondUsd: '-0.1' }, { openPriceUsd: '0' }, { adapterGb: 'lots' }]) {
      const r = await t.gql<U>(Q, { from, to, a })
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(a)).toBe('BAD_ASSUMPTION')
    }
    expect((await t.gql<U>(Q, { from, to })).data!.upkeepCoverage).toEqual(base)
  })

  it('a period of no data answers null with a reason, never 0', async () => {
    const u = (await t.gql<U>(Q, { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z', a: { openPriceUsd: '1' } })).data!.upkeepCoverage
    expect([u.upkeepCost, u.maintainerFeeIncome, u.maintenanceCoverage, u.stakerRealYield]).toEqual(['0', '0', null, null])
    expect(u.unknowns.map((x) => x.field)).toEqual(['maintenanceCoverage', 'models', 'stakerRealYield', 'stakerIncentiveYield'])
    const bare = (await t.gql<U>(Q, { from: '2024-01-01T00:00:00Z', to: '2024-02-01T00:00:00Z' })).data!.upkeepCoverage
    expect(bare.upkeepCost).toBeNull()
    expect(bare.unknowns[0].reason).toMatch(/no OPEN price/)
  })
})

describe('abuse is refused with a code, and the server keeps serving', () => {
  const normal = `{ token { symbol } models(limit: 1, orderBy: id_ASC) { id } }`

  it('refuses depth 50, 10k aliases, a 2 MB query and a page of 1e6', async () => {
    // a valid cyclic path (model -> datanets -> datanet -> models -> model ...) 50 levels deep
    let deep = 'id'
    for (let i = 0; i < 12; i++) deep = `datanets { datanet { models { model { ${deep} } } } }`
    const abuses: [string, string, number?][] = [
      [`{ models(limit: 1) { ${deep} } }`, 'QUERY_TOO_DEEP'],
      [`{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: token { symbol }`).join(' ')} }`, 'TOO_MANY_ALIASES'],
      [`{ token { symbol } } #${'x'.repeat(2 * 1024 * 1024)}`, 'REQUEST_TOO_LARGE', 413],
      [`{ inferences(limit: 1000000) { id } }`, 'PAGE_TOO_LARGE'],
      [`{ ${Array.from({ length: 25 }, (_, i) => `m${i}: token { symbol }`).join(' ')} }`, 'TOO_MANY_ROOT_FIELDS'],
    ]
    // all at once, with a normal query among them: the normal one is answered
    const results = await Promise.all([...abuses.map(([q]) => t.gql(q)), t.gql(normal)])
    abuses.forEach(([q, code, status], i) => {
      const codes = (results[i].errors ?? []).map((e) => e.extensions?.code)
      expect(codes, q.slice(0, 60)).toContain(code)
      if (status) expect(results[i].status).toBe(status)
      expect(results[i].data ?? null).toBeNull()
    })
    expect(results.at(-1)!.errors).toBeUndefined()
    expect((results.at(-1)!.data as { token: { symbol: string } }).token.symbol).toBe('OPEN')
  })

  it('a large page passed through a variable is refused by the response size limit', async () => {
    const r = await t.gql(`query($n: Int!) { inferences(limit: $n) { id model { id } payer { id } } }`, { n: 1_000_000 })
    expect(r.errors?.[0]?.extensions?.code).toBe('RESPONSE_TOO_LARGE')
  })

  it('a slow analytics query is stopped with QUERY_TIMEOUT while entity queries go on', async () => {
    const slow = await t.withLimits({ analyticsTimeoutMs: 1 })
    const [timedOut, ok] = await Promise.all([
      t.gql(`{ networkSustainability(from: "2025-09-01T00:00:00Z", to: "2026-12-01T00:00:00Z", interval: DAY) { totals { fees } } }`, undefined, slow),
      t.gql(normal, undefined, slow),
    ])
    expect(timedOut.errors?.[0]?.extensions?.code).toBe('QUERY_TIMEOUT')
    expect(timedOut.errors?.[0]?.message).toMatch(/narrow the period/)
    expect(ok.errors).toBeUndefined()
  })

  it('a slow SQL statement is cancelled with QUERY_TIMEOUT', async () => {
    const slow = await t.withLimits({ sqlTimeoutMs: 1 })
    const r = await t.gql(`{ inferences(orderBy: fee_DESC, limit: 500, where: { payer: { balance_gt: "0" } }) { id } }`, undefined, slow)
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_TIMEOUT')
  })
})

describe('HTTP endpoints', () => {
  it('health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${t.api.url}/health`)).status).toBe(200)
    const ready = await fetch(`${t.api.url}/ready`)
    expect(ready.status).toBe(200)
    const r = (await ready.json()) as { served: { ready: boolean; head: number | null; builds: number } }
    // the in-memory day sums are reported, not required: without them the warehouse answers
    expect(r).toEqual({ status: 'ready', checks: { postgres: 'ok', clickhouse: 'ok', index: 'ok' }, served: r.served })
    expect(r.served).toMatchObject({ ready: true, head: t.devnet.endBlock, builds: 1 })
    const metrics = await (await fetch(`${t.api.url}/metrics`)).text()
    expect(metrics).toMatch(/upkeep_graphql_operations_total\{outcome="ok"\} \d+/)
    expect(metrics).toContain('process_resident_memory_bytes')
    const missing = await fetch(`${t.api.url}/nope`)
    expect(missing.status).toBe(404)
    expect(((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND')
  })

  it('CORS: same origin only by default; configured origins allowed', async () => {
    const probe = (url: string, origin: string) => fetch(`${url}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
    expect((await probe(t.api.url, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
    const open = await t.withLimits({}, ['https://analyst.example'])
    expect((await probe(open.url, 'https://analyst.example')).headers.get('access-control-allow-origin')).toBe('https://analyst.example')
  })

  it('Postgres dropping the idle API connections does not stop the server: the next query reconnects', async () => {
    const q = `{ models(orderBy: id_ASC, limit: 3) { id } }`
    const before = await t.gql<{ models: { id: string }[] }>(q)
    expect(before.data!.models.length).toBe(3)
    const role = `ro_${new URL(t.db.url).pathname.slice(1)}`.slice(0, 60)
    const killed = await sql<{ n: string }>(
      `select count(pg_terminate_backend(pid))::text n from pg_stat_activity where usename = $1 and datname = current_database() and state = 'idle'`,
      [role],
    )
    expect(Number(killed[0].n)).toBeGreaterThan(0)
    await new Promise((r) => setTimeout(r, 300)) // the pool sees the connections close
    expect(await t.gql(q)).toEqual({ status: 200, data: before.data })
  })

  it('the API database role can only read', async () => {
    const role = `ro_${new URL(t.db.url).pathname.slice(1)}`.slice(0, 60)
    const c = new pg.Client({ connectionString: t.db.url.replace('postgres@', `${role}@`) })
    await c.connect()
    try {
      expect((await c.query('select count(*)::int as n from model')).rows[0].n).toBeGreaterThan(0)
      await expect(c.query(`update account set balance = 0`)).rejects.toThrow(/permission denied/)
      await expect(c.query(`create table x (a int)`)).rejects.toThrow(/permission denied/)
    } finally {
      await c.end()
    }
  })
})
