// Where the fees go, broken down: per model, per datanet, per contributor, per fee-policy
// version.
import { ratio } from './exact'
import { WHERE_DAYS, WHERE_PERIOD, wholeDays, type Row, type Sql } from './sql'
import type { ContributorEarnings, DatanetRevenue, FeePolicyPeriod, ModelRevenue, Period } from './types'

/**
 * Revenue per model in the period, largest fees first (ties by numeric id): every model with
 * fees or attribution paid in it (a retired model's last epoch is paid after its last inference).
 */
export async function models(db: Sql, p: Period, limit = 10): Promise<ModelRevenue[]> {
  const r = db.range(p)
  const W = WHERE_PERIOD
  // whole days read the per-model daily aggregate, anything else the facts
  const usage = wholeDays(p)
    ? `SELECT model_id, toUInt64(sum(inferences)) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fees)) AS f, toUInt256(sum(creator_share)) AS c,
              toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a
       FROM ${db.t('agg_model_daily')} AS d WHERE ${WHERE_DAYS} GROUP BY model_id`
    : `SELECT model_id, toUInt64(count()) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fee)) AS f, toUInt256(sum(creator_share)) AS c,
              toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a
       FROM ${db.t('inference')} WHERE ${W} GROUP BY model_id`
  const rows = await db.q(
    `SELECT model_id, toString(sum(n)) AS inferences, toString(sum(u)) AS units, toString(sum(f)) AS fees,
            toString(sum(c)) AS creator, toString(sum(k)) AS contributors, toString(sum(a)) AS paid
     FROM (
       ${usage}
       UNION ALL
       SELECT model_id, toUInt64(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(sum(amount))
       FROM ${db.t('attribution_payout')} WHERE ${W} GROUP BY model_id
     )
     GROUP BY model_id ORDER BY sum(f) DESC, toUInt64OrZero(model_id), model_id LIMIT {limit:UInt32}`,
    { ...r, limit },
  )
  const dims = await db.pg.query<ModelDim>('select id, owner_id, retired from model where id = any($1)', [rows.map((x) => x.model_id)])
  return modelRevenueOf(rows, new Map(dims.rows.map((d) => [d.id, d])))
}

export interface ModelDim {
  id: string
  owner_id: string
  retired: boolean
}

/** Rows of sums (model_id, inferences, units, fees, creator, contributors, paid) with the models' owners. */
export function modelRevenueOf(rows: Row[], dim: Map<string, ModelDim>): ModelRevenue[] {
  return rows.map((x) => ({
    modelId: x.model_id,
    owner: dim.get(x.model_id)?.owner_id ?? null,
    retired: dim.get(x.model_id)?.retired ?? null,
    inferences: Number(x.inferences),
    units: BigInt(x.units),
    fees: BigInt(x.fees),
    creatorFees: BigInt(x.creator),
    contributorFees: BigInt(x.contributors),
    attributionPaid: BigInt(x.paid),
  }))
}

/**
 * Attribution paid per datanet with its contributors and contributions in the period: every
 * datanet with payouts or contributions in it, most paid first (ties by numeric id).
 */
export async function datanets(db: Sql, p: Period, limit = 10): Promise<DatanetRevenue[]> {
  const r = db.range(p)
  const W = WHERE_PERIOD
  const rows = await db.q(
    `SELECT datanet_id, toString(sum(a)) AS paid, toString(sum(n)) AS payouts, toString(sum(c)) AS contributions,
            toString(length(groupUniqArrayArray(who))) AS people
     FROM (
       SELECT datanet_id, toUInt256(sum(amount)) AS a, toUInt64(count()) AS n, toUInt64(0) AS c, CAST([], 'Array(String)') AS who
       FROM ${db.t('attribution_payout')} WHERE ${W} GROUP BY datanet_id
       UNION ALL
       SELECT datanet_id, toUInt256(0), toUInt64(0), toUInt64(count()), groupUniqArray(contributor_id)
       FROM ${db.t('contribution')} WHERE ${W} GROUP BY datanet_id
     )
     GROUP BY datanet_id ORDER BY sum(a) DESC, toUInt64OrZero(datanet_id), datanet_id LIMIT {limit:UInt32}`,
    { ...r, limit },
  )
  const names = await db.pg.query<{ id: string; name: string }>('select id, name from datanet where id = any($1)', [rows.map((x) => x.datanet_id)])
  return datanetRevenueOf(rows, new Map(names.rows.map((d) => [d.id, d.name])))
}

/** Rows of sums (datanet_id, paid, payouts, contributions, people) with the datanets' names. */
export function datanetRevenueOf(rows: Row[], name: Map<string, string>): DatanetRevenue[] {
  return rows.map((x) => ({
    datanetId: x.datanet_id,
    name: name.get(x.datanet_id) ?? null,
    attributionPaid: BigInt(x.paid),
    payouts: Number(x.payouts),
    contributors: Number(x.people),
    contributions: Number(x.contributions),
    attributionPerContribution: ratio(BigInt(x.paid), BigInt(x.contributions)),
  }))
}

/**
 * What contributors earned in the period: attribution (fee-funded) and contributor incentives
 * (emissions), for everyone who earned either; most attribution first, ties by address.
 */
export async function contributors(db: Sql, p: Period, limit = 10, contributor?: string): Promise<ContributorEarnings[]> {
  const r = { ...db.range(p), who: contributor?.toLowerCase() ?? '' }
  const W = WHERE_PERIOD
  const only = (col: string) => (contributor ? `AND ${col} = {who:String}` : '')
  const rows = await db.q(
    `SELECT who, toString(sum(a)) AS paid, toString(sum(i)) AS incentives
     FROM (
       SELECT contributor_id AS who, toUInt256(sum(amount)) AS a, toUInt256(0) AS i
       FROM ${db.t('attribution_payout')} WHERE ${W} ${only('contributor_id')} GROUP BY contributor_id
       UNION ALL
       SELECT recipient_id, toUInt256(0), toUInt256(sum(amount))
       FROM ${db.t('incentive_payment')} WHERE ${W} AND role = 'contributor' ${only('recipient_id')} GROUP BY recipient_id
     )
     GROUP BY who ORDER BY sum(a) DESC, who LIMIT {limit:UInt32}`,
    { ...r, limit },
  )
  const ids = rows.map((x) => x.who)
  if (!ids.length) return []
  const contribs = await db.q(
    `SELECT contributor_id, count() AS n, uniqExact(datanet_id) AS d FROM ${db.t('contribution')} WHERE ${W} AND contributor_id IN {ids:Array(String)} GROUP BY contributor_id`,
    { ...r, ids },
  )
  return contributorEarningsOf(rows, contribs)
}

/** Rows of earnings (who, paid, incentives) with the contributions (contributor_id, n, d: distinct datanets) of those contributors. */
export function contributorEarningsOf(rows: Row[], contribs: Row[]): ContributorEarnings[] {
  const c = new Map(contribs.map((x) => [x.contributor_id, x]))
  return rows.map((x) => ({
    contributor: x.who,
    attributionPaid: BigInt(x.paid),
    incentives: BigInt(x.incentives),
    contributions: Number(c.get(x.who)?.n ?? 0),
    datanets: Number(c.get(x.who)?.d ?? 0),
  }))
}

/** Every fee-policy version, the block range it was in force and what was settled under it. */
export async function feePolicyHistory(db: Sql): Promise<FeePolicyPeriod[]> {
  const versions = await db.pg.query<FeePolicyVersion>('select version, creator_bps, contributors_bps, infra_bps, treasury_bps, burn_bps, block_number, active_until_block, timestamp from fee_policy_version order by version')
  return feePolicyHistoryOf(versions.rows, await db.q(`SELECT policy_version, count() AS n, toString(sum(fee)) AS fees FROM ${db.t('inference')} GROUP BY policy_version`))
}

export interface FeePolicyVersion {
  version: number
  creator_bps: number
  contributors_bps: number
  infra_bps: number
  treasury_bps: number
  burn_bps: number
  block_number: number
  active_until_block: number | null
  timestamp: Date
}

/** The versions with what was settled under each (policy_version, n, fees). */
export function feePolicyHistoryOf(versions: FeePolicyVersion[], settled: Row[]): FeePolicyPeriod[] {
  const s = new Map(settled.map((x) => [Number(x.policy_version), x]))
  return versions.map((v) => ({
    version: v.version,
    creatorBps: v.creator_bps,
    contributorsBps: v.contributors_bps,
    infraBps: v.infra_bps,
    treasuryBps: v.treasury_bps,
    burnBps: v.burn_bps,
    fromBlock: v.block_number,
    toBlock: v.active_until_block,
    since: v.timestamp,
    inferences: Number(s.get(v.version)?.n ?? 0),
    fees: BigInt(s.get(v.version)?.fees ?? '0'),
  }))
}
