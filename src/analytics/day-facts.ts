// Per-day rows of the facts for the served answers (src/analytics/served.ts), one query per family:
// read over every day when the sums are built, and over a period's partial edge days (at most
// two, each inside one day) when a period is not whole days, narrowed to the day's block span so
// the warehouse reads a few granules. The same SQL serves both, so an edge day's rows are exactly
// what the build would have summed for those hours.
import { chTime } from '../warehouse/time'
import { Cumulative, type IdSink } from './day-sums'
import { ACCRUED, type Row, type Sql } from './sql'

export type DayFamily = 'network' | 'models' | 'datanets' | 'operators' | 'recipients' | 'earners' | 'contributions' | 'slashes' | 'agentStakes'
export const DAY_FAMILIES: readonly DayFamily[] = ['network', 'models', 'datanets', 'operators', 'recipients', 'earners', 'contributions', 'slashes', 'agentStakes']

/** Field lists of each network part, in the order they are read and summed (the first is the row count). */
export const NETWORK = {
  inf: ['rows', 'inferences', 'units', 'fees', 'creator', 'contributors', 'infra', 'treasury', 'burn', 'agent'],
  deployments: ['rows', 'amount'],
  incentives: ['rows', 'maintainers', 'stakers', 'other'],
  interest: ['rows', 'interest'],
  interestPaid: ['rows', 'paid'],
  unlocks: ['rows', 'amount'],
  burns: ['rows', 'amount'],
} as const

export interface AgentStakes {
  days: number[]
  stake: string[]
  kind: string[]
}

/** What the families hold per day; `I` keeps distinct ids (the held Distinct, or an edge's id lists). */
export interface DayFacts<I extends IdSink> {
  /** per part of NETWORK (deployments are added from Postgres by the caller) */
  network: Cumulative
  /** distinct payers (scope '') */
  payers: I
  /** per model: [rows, inferences, units, fees, creator, contributors, attribution paid, infrastructure fees] */
  models: Cumulative
  /** per datanet: [rows, attribution paid, payouts, contributions] */
  datanets: Cumulative
  /** distinct contributors per datanet */
  contributors: I
  /** per operator: [rows, inferences, fees, infrastructure fees, units] */
  operators: Cumulative
  /** per payout recipient: [amount] of attribution, creator and operator payouts */
  recipients: Cumulative
  /** per contributor: [earning rows (attribution, contributor incentives), attribution, incentives, contributions] */
  earners: Cumulative
  /** distinct datanets each contributor contributed to */
  contributorDatanets: I
  /** per contributor: the first day they contributed in each month they did, in order */
  contributorMonths: Map<string, number[]>
  /** [rows, amount, to treasury, burned] */
  slashes: Cumulative
  /** per agent: the days it changed stake on and its last change of each (stake after, kind) */
  agentStakes: Map<string, AgentStakes>
}

export function emptyDayFacts<I extends IdSink>(ids: () => I): DayFacts<I> {
  return {
    network: new Cumulative(),
    payers: ids(),
    models: new Cumulative(),
    datanets: new Cumulative(),
    contributors: ids(),
    operators: new Cumulative(),
    recipients: new Cumulative(),
    earners: new Cumulative(),
    contributorDatanets: ids(),
    contributorMonths: new Map(),
    slashes: new Cumulative(),
    agentStakes: new Map(),
  }
}

/** The first day of the month holding day `d`. */
export const monthStart = (d: number): number => {
  const t = new Date(d * 86_400_000)
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / 86_400_000
}

/** Every fact table the families read: a day's block span is taken over all of them. */
const TABLES = [
  'inference',
  'incentive_payment',
  'stake_accrual',
  'stake_event',
  'vesting_release',
  'burn',
  'attribution_payout',
  'contribution',
  'creator_payout',
  'operator_payout',
  'slash',
  'agent_stake_change',
]

/** Per day with rows in any of the families' tables: the lowest and highest block_number of those rows. */
export async function readBlockSpans(db: Sql): Promise<Map<number, [string, string]>> {
  const rows = await db.q(
    `SELECT day, toString(min(lo)) AS lo, toString(max(hi)) AS hi FROM (
       ${TABLES.map((x) => `SELECT ${D}, min(block_number) AS lo, max(block_number) AS hi FROM ${db.t(x)} GROUP BY day`).join(' UNION ALL ')}
     ) GROUP BY day`,
  )
  return new Map(rows.map((r) => [Number(r.day), [r.lo, r.hi]]))
}

/**
 * Rows with `timestamp` in any of the ranges (each [from, to) inside one day), narrowed to the
 * day's block span so the warehouse reads a few granules of each table (its key starts with
 * block_number) instead of scanning it. A range on a day with no rows is left out; null when none
 * is left (nothing to read).
 */
export function timeRanges(ranges: { day: number; from: Date; to: Date }[], spans: Map<number, [string, string]>): { cond: string; params: Record<string, string> } | null {
  const params: Record<string, string> = {}
  const parts: string[] = []
  for (const r of ranges) {
    const span = spans.get(r.day)
    if (!span) continue
    const i = parts.length
    Object.assign(params, { [`edge_lo_${i}`]: span[0], [`edge_hi_${i}`]: span[1], [`edge_from_${i}`]: chTime(r.from), [`edge_to_${i}`]: chTime(r.to) })
    parts.push(
      `(block_number >= {edge_lo_${i}:UInt64} AND block_number <= {edge_hi_${i}:UInt64} AND timestamp >= toDateTime64({edge_from_${i}:String}, 3, 'UTC') AND timestamp < toDateTime64({edge_to_${i}:String}, 3, 'UTC'))`,
    )
  }
  return parts.length ? { cond: `(${parts.join(' OR ')})`, params } : null
}

const D = 'toUInt32(toDate(timestamp)) AS day'
const big = (r: Row, names: readonly string[]) => names.map((n) => BigInt(r[n]))
const NO_IDS = `CAST([], 'Array(String)')`

/**
 * Reads the families' per-day rows into `out`: over all the facts (`where` null), or only the
 * rows the condition keeps (a period's edge days). Rows reach each structure in day order per key.
 */
export async function readDays<I extends IdSink>(db: Sql, where: { cond: string; params: Record<string, string> } | null, families: readonly DayFamily[], out: DayFacts<I>): Promise<void> {
  const t = (x: string) => db.t(x)
  const W = (extra?: string) => {
    const c = [where?.cond, extra].filter(Boolean)
    return c.length ? `WHERE ${c.join(' AND ')}` : ''
  }
  const q = (sql: string, params: Record<string, unknown> = {}) => db.q(sql, { ...where?.params, ...params })
  for (const family of families) {
    switch (family) {
      case 'network': {
        // one query for every part and the payers: a sub-day period's edges cost one warehouse run
        const rows = await q(
          `SELECT part, day, vals, ids FROM (
             SELECT 'inf' AS part, ${D}, [toString(count()), toString(count()), toString(sum(units)), toString(sum(fee)), toString(sum(creator_share)),
               toString(sum(contributors_share)), toString(sum(infra_share)), toString(sum(treasury_share)), toString(sum(burn_share)),
               toString(sumIf(fee, payer_is_agent))] AS vals, groupUniqArray(payer_id) AS ids
             FROM ${t('inference')} ${W()} GROUP BY day
             UNION ALL SELECT 'incentives', ${D}, [toString(count()), toString(sumIf(amount, role IN ('creator','contributor','operator'))),
               toString(sumIf(amount, role = 'staker')), toString(sumIf(amount, role NOT IN ('creator','contributor','operator','staker')))], ${NO_IDS}
             FROM ${t('incentive_payment')} ${W()} GROUP BY day
             UNION ALL SELECT 'interest', ${D}, [toString(count()), toString(sum(${ACCRUED}))], ${NO_IDS} FROM ${t('stake_accrual')} ${W()} GROUP BY day
             UNION ALL SELECT 'interestPaid', ${D}, [toString(count()), toString(sum(ifNull(interest, 0)))], ${NO_IDS} FROM ${t('stake_event')} ${W(`kind = 'unstaked'`)} GROUP BY day
             UNION ALL SELECT 'unlocks', ${D}, [toString(count()), toString(sum(amount))], ${NO_IDS} FROM ${t('vesting_release')} ${W()} GROUP BY day
             UNION ALL SELECT 'burns', ${D}, [toString(count()), toString(sum(amount))], ${NO_IDS} FROM ${t('burn')} ${W()} GROUP BY day
           ) ORDER BY part, day`,
        )
        for (const r of rows) {
          const day = Number(r.day)
          out.network.add(r.part, day, (r.vals as unknown as string[]).map(BigInt))
          for (const id of r.ids as unknown as string[]) out.payers.add('', day, id)
        }
        break
      }
      case 'models':
        for (const r of await q(
          `SELECT model_id, day, toString(sum(rows)) AS rows, toString(sum(n)) AS n, toString(sum(u)) AS u, toString(sum(f)) AS f, toString(sum(c)) AS c, toString(sum(k)) AS k,
                  toString(sum(a)) AS a, toString(sum(i)) AS i FROM (
             SELECT model_id, ${D}, toUInt64(count()) AS rows, toUInt64(count()) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fee)) AS f, toUInt256(sum(creator_share)) AS c,
                    toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a, toUInt256(sum(infra_share)) AS i FROM ${t('inference')} ${W()} GROUP BY model_id, day
             UNION ALL
             SELECT model_id, ${D}, toUInt64(count()), toUInt64(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(sum(amount)), toUInt256(0) FROM ${t('attribution_payout')} ${W()} GROUP BY model_id, day
           ) GROUP BY model_id, day ORDER BY model_id, day`,
        ))
          out.models.add(r.model_id, Number(r.day), big(r, ['rows', 'n', 'u', 'f', 'c', 'k', 'a', 'i']))
        break
      case 'datanets':
        for (const r of await q(
          `SELECT datanet_id, day, toString(sum(rows)) AS rows, toString(sum(a)) AS a, toString(sum(n)) AS n, toString(sum(c)) AS c, groupUniqArrayArray(who) AS ids FROM (
             SELECT datanet_id, ${D}, toUInt64(count()) AS rows, toUInt256(sum(amount)) AS a, toUInt64(count()) AS n, toUInt64(0) AS c, ${NO_IDS} AS who
             FROM ${t('attribution_payout')} ${W()} GROUP BY datanet_id, day
             UNION ALL
             SELECT datanet_id, ${D}, toUInt64(count()), toUInt256(0), toUInt64(0), toUInt64(count()), groupUniqArray(contributor_id) FROM ${t('contribution')} ${W()} GROUP BY datanet_id, day
           ) GROUP BY datanet_id, day ORDER BY datanet_id, day`,
        )) {
          const day = Number(r.day)
          out.datanets.add(r.datanet_id, day, big(r, ['rows', 'a', 'n', 'c']))
          for (const id of r.ids as unknown as string[]) out.contributors.add(r.datanet_id, day, id)
        }
        break
      case 'operators':
        for (const r of await q(
          `SELECT operator_id, ${D}, toString(count()) AS rows, toString(count()) AS n, toString(sum(fee)) AS f, toString(sum(infra_share)) AS i, toString(sum(units)) AS u
           FROM ${t('inference')} ${W()} GROUP BY operator_id, day ORDER BY operator_id, day`,
        ))
          out.operators.add(r.operator_id, Number(r.day), big(r, ['rows', 'n', 'f', 'i', 'u']))
        break
      case 'recipients':
        for (const r of await q(
          `SELECT who, day, toString(sum(amount)) AS amount FROM (
             SELECT contributor_id AS who, ${D}, amount FROM ${t('attribution_payout')} ${W()}
             UNION ALL SELECT creator_id AS who, ${D}, amount FROM ${t('creator_payout')} ${W()}
             UNION ALL SELECT account_id AS who, ${D}, amount FROM ${t('operator_payout')} ${W()}
           ) GROUP BY who, day ORDER BY who, day`,
        ))
          out.recipients.add(r.who, Number(r.day), [BigInt(r.amount)])
        break
      case 'earners':
        for (const r of await q(
          `SELECT who, day, toString(sum(e)) AS e, toString(sum(a)) AS a, toString(sum(i)) AS i, toString(sum(c)) AS c FROM (
             SELECT contributor_id AS who, ${D}, toUInt64(count()) AS e, toUInt256(sum(amount)) AS a, toUInt256(0) AS i, toUInt64(0) AS c FROM ${t('attribution_payout')} ${W()} GROUP BY who, day
             UNION ALL
             SELECT recipient_id, ${D}, toUInt64(count()), toUInt256(0), toUInt256(sum(amount)), toUInt64(0) FROM ${t('incentive_payment')} ${W(`role = 'contributor'`)} GROUP BY recipient_id, day
             UNION ALL
             SELECT contributor_id, ${D}, toUInt64(0), toUInt256(0), toUInt256(0), toUInt64(count()) FROM ${t('contribution')} ${W()} GROUP BY contributor_id, day
           ) GROUP BY who, day ORDER BY who, day`,
        ))
          out.earners.add(r.who, Number(r.day), big(r, ['e', 'a', 'i', 'c']))
        break
      case 'contributions':
        for (const r of await q(`SELECT contributor_id, ${D}, datanet_id FROM ${t('contribution')} ${W()} GROUP BY contributor_id, day, datanet_id ORDER BY day`)) {
          const d = Number(r.day)
          out.contributorDatanets.add(r.contributor_id, d, r.datanet_id)
          const months = out.contributorMonths.get(r.contributor_id) ?? []
          if (!months.length || monthStart(months[months.length - 1]) !== monthStart(d)) months.push(d)
          out.contributorMonths.set(r.contributor_id, months)
        }
        break
      case 'slashes':
        for (const r of await q(
          `SELECT ${D}, toString(count()) AS n, toString(sum(amount)) AS amount, toString(sum(to_treasury)) AS treasury, toString(sum(to_burn)) AS burn FROM ${t('slash')} ${W()} GROUP BY day ORDER BY day`,
        ))
          out.slashes.add('', Number(r.day), big(r, ['n', 'amount', 'treasury', 'burn']))
        break
      case 'agentStakes':
        // each agent's last stake change of each day, by (block, id) as the warehouse path's argMax
        for (const r of await q(
          `SELECT agent_id, ${D}, toString(argMax(stake_after, (block_number, id))) AS stake, argMax(kind, (block_number, id)) AS kind
           FROM ${t('agent_stake_change')} ${W()} GROUP BY agent_id, day ORDER BY agent_id, day`,
        )) {
          const a = out.agentStakes.get(r.agent_id) ?? { days: [], stake: [], kind: [] }
          a.days.push(Number(r.day))
          a.stake.push(r.stake)
          a.kind.push(r.kind)
          out.agentStakes.set(r.agent_id, a)
        }
        break
    }
  }
}
