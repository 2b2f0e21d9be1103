// Network totals per bucket and for the period: fees and their split, revenue, burns, token
// incentives, earnings and the fee-funded share (docs/METRICS.md, "Fees and revenue").
import { ratio } from './exact'
import { ACCRUED, BUCKET, DAY_BUCKET, splitTotals, WHERE_DAYS, WHERE_PERIOD, wholeDays, type Row, type Sql } from './sql'
import type { Interval, Period, SustainabilityPoint } from './types'

/**
 * Inference totals per bucket and for the period: from agg_daily (+ the mergeable payer sets)
 * for whole days, ~50x less to read than the facts; from the facts for any other period.
 */
export async function inferenceTotals(db: Sql, p: Period, interval: Interval): Promise<{ rows: Row[]; totals: Row }> {
  const r = db.range(p)
  if (!wholeDays(p)) {
    return splitTotals(
      await db.q(
        `SELECT toString(toDate(${BUCKET[interval]})) AS bucket, grouping(bucket) AS is_total, count() AS inferences, toString(sum(units)) AS units, uniqExact(payer_id) AS payers,
           toString(sum(fee)) AS fees, toString(sum(creator_share)) AS creator, toString(sum(contributors_share)) AS contributors,
           toString(sum(infra_share)) AS infra, toString(sum(treasury_share)) AS treasury, toString(sum(burn_share)) AS burn,
           toString(sumIf(fee, payer_is_agent)) AS agent
         FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY GROUPING SETS ((bucket), ())`,
        r,
      ),
    )
  }
  return splitTotals(
    await db.q(
      `SELECT toString(${DAY_BUCKET[interval]}) AS bucket, grouping(bucket) AS is_total, toString(sum(inferences)) AS inferences, toString(sum(units)) AS units,
         toString(uniqExactMerge(p.payers)) AS payers, toString(sum(fees)) AS fees, toString(sum(creator_share)) AS creator,
         toString(sum(contributors_share)) AS contributors, toString(sum(infra_share)) AS infra, toString(sum(treasury_share)) AS treasury,
         toString(sum(burn_share)) AS burn, toString(sum(agent_fees)) AS agent
       FROM ${db.t('agg_daily')} AS d LEFT JOIN ${db.t('agg_daily_payers')} AS p ON p.day = d.day
       WHERE ${WHERE_DAYS} GROUP BY GROUPING SETS ((bucket), ())`,
      r,
    ),
  )
}

/** Deployment fees per bucket and for the period, from the model registrations (Postgres). */
async function deploymentFees(db: Sql, p: Period, interval: Interval): Promise<{ rows: Row[]; totals: Row }> {
  const trunc = { day: 'day', week: 'week', month: 'month' }[interval] // Postgres weeks start on Monday, as toMonday
  const { rows } = await db.pg.query<{ bucket: string; amount: string }>(
    `select to_char(date_trunc('${trunc}', registered_at at time zone 'UTC'), 'YYYY-MM-DD') as bucket, sum(deployment_fee)::text as amount
     from model where registered_at >= $1 and registered_at < $2 group by 1`,
    [p.from, p.to],
  )
  const total = rows.reduce((s, x) => s + BigInt(x.amount), 0n)
  return { rows: rows.map((x) => ({ bucket: x.bucket, amount: x.amount })), totals: rows.length ? { amount: total.toString() } : {} }
}

/** Fees, revenue, incentives and the fee-funded share per interval, and the totals of the period. */
export async function sustainability(db: Sql, p: Period, interval: Interval = 'day'): Promise<{ totals: SustainabilityPoint; series: SustainabilityPoint[] }> {
  const r = db.range(p)
  const b = BUCKET[interval]
  const W = WHERE_PERIOD
  // one query per store shape: chDB answers one query at a time (~5 ms each however small), so
  // every table goes in one UNION ALL and the period totals come from GROUPING SETS
  const side = (part: string, table: string, a: string, b2: string, c: string, extra = '') =>
    `SELECT '${part}' AS part, toString(toDate(${b})) AS bucket, grouping(bucket) AS is_total, ${a} AS a, ${b2} AS b, ${c} AS c
     FROM ${db.t(table)} WHERE ${W} ${extra} GROUP BY GROUPING SETS ((bucket), ())`
  const [inf, deployments, others] = await Promise.all([
    inferenceTotals(db, p, interval),
    deploymentFees(db, p, interval),
    db.q(
      [
        side(
          'incentives',
          'incentive_payment',
          `toString(sumIf(amount, role IN ('creator','contributor','operator')))`,
          `toString(sumIf(amount, role = 'staker'))`,
          `toString(sumIf(amount, role NOT IN ('creator','contributor','operator','staker')))`,
        ),
        side('interest', 'stake_accrual', `toString(sum(${ACCRUED}))`, `'0'`, `'0'`),
        side('interestPaid', 'stake_event', 'toString(sum(ifNull(interest, 0)))', `'0'`, `'0'`, `AND kind = 'unstaked'`),
        side('unlocks', 'vesting_release', 'toString(sum(amount))', `'0'`, `'0'`),
        side('burns', 'burn', 'toString(sum(amount))', `'0'`, `'0'`),
      ].join(' UNION ALL '),
      r,
    ),
  ])
  const of = (part: string, names: [string, string, string]) =>
    splitTotals(others.filter((x) => x.part === part).map((x) => ({ bucket: x.bucket, is_total: x.is_total, [names[0]]: x.a, [names[1]]: x.b, [names[2]]: x.c })))
  const incentives = of('incentives', ['maintainers', 'stakers', 'other'])
  const interest = of('interest', ['interest', '_', '_'])
  const interestPaid = of('interestPaid', ['paid', '_', '_'])
  const unlocks = of('unlocks', ['amount', '_', '_'])
  const burns = of('burns', ['amount', '_', '_'])
  const parts = { inf, deployments, incentives, interest, interestPaid, unlocks, burns }
  const buckets = new Set<string>()
  for (const part of Object.values(parts)) for (const x of part.rows) buckets.add(x.bucket)
  const point = (bucket: string, pick: (part: { rows: Row[]; totals: Row }) => Row | undefined) => sustainabilityPoint(bucket, (k) => pick(parts[k]))
  const series = [...buckets].sort().map((bucket) => point(bucket, (part) => part.rows.find((x) => x.bucket === bucket)))
  const totals = point(r.from.slice(0, 10), (part) => part.totals)
  return { totals, series }
}

/** The parts a sustainability point is computed from (each a row of sums, absent when the part had no rows). */
export type SustainabilityPart = 'inf' | 'deployments' | 'incentives' | 'interest' | 'interestPaid' | 'unlocks' | 'burns'

/** One point from its parts' sums (shared by the warehouse path and the in-memory day aggregates). */
export function sustainabilityPoint(bucket: string, pick: (part: SustainabilityPart) => Row | undefined): SustainabilityPoint {
  const i = pick('inf') ?? {}
  const big = (v: string | undefined) => (v ? BigInt(v) : 0n)
  const inferenceFees = big(i.fees)
  const deploymentFees = big(pick('deployments')?.amount)
  const fees = inferenceFees + deploymentFees
  const creatorFees = big(i.creator)
  const contributorFees = big(i.contributors)
  const infraFees = big(i.infra)
  const supplySideFees = creatorFees + contributorFees + infraFees
  const treasuryFees = big(i.treasury)
  const feeBurns = big(i.burn)
  const treasuryRevenue = treasuryFees + deploymentFees
  const holdersRevenue = feeBurns
  const revenue = treasuryRevenue + holdersRevenue
  const inc = pick('incentives')
  // accrual basis (stake_accrual); the cash figure (payout − principal at unstake) beside it
  const stakingInterest = big(pick('interest')?.interest)
  const stakingInterestPaid = big(pick('interestPaid')?.paid)
  const maintainerIncentives = big(inc?.maintainers)
  const stakerIncentives = big(inc?.stakers) + stakingInterest
  const otherIncentives = big(inc?.other)
  const tokenIncentives = maintainerIncentives + stakerIncentives + otherIncentives
  const maintainerFeePayouts = supplySideFees
  const agentFees = big(i.agent)
  return {
    periodStart: bucket,
    inferences: Number(i.inferences ?? 0),
    units: big(i.units),
    payers: Number(i.payers ?? 0),
    fees,
    inferenceFees,
    deploymentFees,
    creatorFees,
    contributorFees,
    infraFees,
    supplySideFees,
    treasuryFees,
    feeBurns,
    treasuryRevenue,
    holdersRevenue,
    revenue,
    burns: big(pick('burns')?.amount),
    takeRate: ratio(revenue, fees),
    rewardsEmissions: tokenIncentives - stakingInterest,
    stakingInterest,
    stakingInterestPaid,
    maintainerIncentives,
    stakerIncentives,
    otherIncentives,
    tokenIncentives,
    vestingUnlocks: big(pick('unlocks')?.amount),
    earnings: revenue - tokenIncentives,
    maintainerFeePayouts,
    feeFundedShare: ratio(maintainerFeePayouts, maintainerFeePayouts + maintainerIncentives),
    agentFees,
    agentFeeShare: ratio(agentFees, inferenceFees),
  }
}
