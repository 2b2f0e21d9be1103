// Per-timestamp rows of the facts for the served answers (src/analytics/served.ts), one query per
// family, read over all the facts when the sums are built. Rows are grouped by block timestamp
// (ms), not by day: only timestamps with rows are held, so memory follows the events, and any
// period, whole days or not, is answered from memory by clipping to its [from, to).
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
  /** the block timestamps (ms) it changed stake at */
  at: number[]
  stake: string[]
  kind: string[]
}

/** What the families hold per block timestamp (ms); `I` keeps the distinct ids. */
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
  /** per contributor: the time (ms) of their first contribution in each month they contributed in, in order */
  contributorMonths: Map<string, number[]>
  /** [rows, amount, to treasury, burned] */
  slashes: Cumulative
  /** per agent: the times it changed stake at and its last change at each (stake after, kind) */
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

/** The first day of the month holding time `ms`. */
export const monthStart = (ms: number): number => {
  const t = new Date(ms)
  return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / 86_400_000
}

/** a row's point: its block timestamp in ms (the rows of one block share it) */
const D = 'toUnixTimestamp64Milli(timestamp) AS t'
const big = (r: Row, names: readonly string[]) => names.map((n) => BigInt(r[n]))
const NO_IDS = `CAST([], 'Array(String)')`

/** Reads the families' per-timestamp rows into `out`; rows reach each structure in time order per key. */
export async function readDays<I extends IdSink>(db: Sql, families: readonly DayFamily[], out: DayFacts<I>): Promise<void> {
  const t = (x: string) => db.t(x)
  const W = (extra?: string) => (extra ? `WHERE ${extra}` : '')
  const q = (sql: string) => db.q(sql)
  for (const family of families) {
    switch (family) {
      case 'network': {
                const rows = await q(
          `SELECT part, t, vals, ids FROM (
             SELECT 'inf' AS part, ${D}, [toString(count()), toString(count()), toString(sum(units)), toString(sum(fee)), toString(sum(creator_share)),
               toString(sum(contributors_share)), toString(sum(infra_share)), toString(sum(treasury_share)), toString(sum(burn_share)),
               toString(sumIf(fee, payer_is_agent))] AS vals, groupUniqArray(payer_id) AS ids
             FROM ${t('inference')} ${W()} GROUP BY t
             UNION ALL SELECT 'incentives', ${D}, [toString(count()), toString(sumIf(amount, role IN ('creator','contributor','operator'))),
               toString(sumIf(amount, role = 'staker')), toString(sumIf(amount, role NOT IN ('creator','contributor','operator','staker')))], ${NO_IDS}
             FROM ${t('incentive_payment')} ${W()} GROUP BY t
             UNION ALL SELECT 'interest', ${D}, [toString(count()), toString(sum(${ACCRUED}))], ${NO_IDS} FROM ${t('stake_accrual')} ${W()} GROUP BY t
             UNION ALL SELECT 'interestPaid', ${D}, [toString(count()), toString(sum(ifNull(interest, 0)))], ${NO_IDS} FROM ${t('stake_event')} ${W(`kind = 'unstaked'`)} GROUP BY t
             UNION ALL SELECT 'unlocks', ${D}, [toString(count()), toString(sum(amount))], ${NO_IDS} FROM ${t('vesting_release')} ${W()} GROUP BY t
             UNION ALL SELECT 'burns', ${D}, [toString(count()), toString(sum(amount))], ${NO_IDS} FROM ${t('burn')} ${W()} GROUP BY t
           ) ORDER BY part, t`,
        )
        for (const r of rows) {
          const at = Number(r.t)
          out.network.add(r.part, at, (r.vals as unknown as string[]).map(BigInt))
          for (const id of r.ids as unknown as string[]) out.payers.add('', at, id)
        }
        break
      }
      case 'models':
        for (const r of await q(
          `SELECT model_id, t, toString(sum(rows)) AS rows, toString(sum(n)) AS n, toString(sum(u)) AS u, toString(sum(f)) AS f, toString(sum(c)) AS c, toString(sum(k)) AS k,
                  toString(sum(a)) AS a, toString(sum(i)) AS i FROM (
             SELECT model_id, ${D}, toUInt64(count()) AS rows, toUInt64(count()) AS n, toUInt256(sum(units)) AS u, toUInt256(sum(fee)) AS f, toUInt256(sum(creator_share)) AS c,
                    toUInt256(sum(contributors_share)) AS k, toUInt256(0) AS a, toUInt256(sum(infra_share)) AS i FROM ${t('inference')} ${W()} GROUP BY model_id, t
             UNION ALL
             SELECT model_id, ${D}, toUInt64(count()), toUInt64(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(0), toUInt256(sum(amount)), toUInt256(0) FROM ${t('attribution_payout')} ${W()} GROUP BY model_id, t
           ) GROUP BY model_id, t ORDER BY model_id, t`,
        ))
          out.models.add(r.model_id, Number(r.t), big(r, ['rows', 'n', 'u', 'f', 'c', 'k', 'a', 'i']))
        break
      case 'datanets':
        for (const r of await q(
          `SELECT datanet_id, t, toString(sum(rows)) AS rows, toString(sum(a)) AS a, toString(sum(n)) AS n, toString(sum(c)) AS c, groupUniqArrayArray(who) AS ids FROM (
             SELECT datanet_id, ${D}, toUInt64(count()) AS rows, toUInt256(sum(amount)) AS a, toUInt64(count()) AS n, toUInt64(0) AS c, ${NO_IDS} AS who
             FROM ${t('attribution_payout')} ${W()} GROUP BY datanet_id, t
             UNION ALL
             SELECT datanet_id, ${D}, toUInt64(count()), toUInt256(0), toUInt64(0), toUInt64(count()), groupUniqArray(contributor_id) FROM ${t('contribution')} ${W()} GROUP BY datanet_id, t
           ) GROUP BY datanet_id, t ORDER BY datanet_id, t`,
        )) {
          const at = Number(r.t)
          out.datanets.add(r.datanet_id, at, big(r, ['rows', 'a', 'n', 'c']))
          for (const id of r.ids as unknown as string[]) out.contributors.add(r.datanet_id, at, id)
        }
        break
      case 'operators':
        for (const r of await q(
          `SELECT operator_id, ${D}, toString(count()) AS rows, toString(count()) AS n, toString(sum(fee)) AS f, toString(sum(infra_share)) AS i, toString(sum(units)) AS u
           FROM ${t('inference')} ${W()} GROUP BY operator_id, t ORDER BY operator_id, t`,
        ))
          out.operators.add(r.operator_id, Number(r.t), big(r, ['rows', 'n', 'f', 'i', 'u']))
        break
      case 'recipients':
        for (const r of await q(
          `SELECT who, t, toString(sum(amount)) AS amount FROM (
             SELECT contributor_id AS who, ${D}, amount FROM ${t('attribution_payout')} ${W()}
             UNION ALL SELECT creator_id AS who, ${D}, amount FROM ${t('creator_payout')} ${W()}
             UNION ALL SELECT account_id AS who, ${D}, amount FROM ${t('operator_payout')} ${W()}
           ) GROUP BY who, t ORDER BY who, t`,
        ))
          out.recipients.add(r.who, Number(r.t), [BigInt(r.amount)])
        break
      case 'earners':
        for (const r of await q(
          `SELECT who, t, toString(sum(e)) AS e, toString(sum(a)) AS a, toString(sum(i)) AS i, toString(sum(c)) AS c FROM (
             SELECT contributor_id AS who, ${D}, toUInt64(count()) AS e, toUInt256(sum(amount)) AS a, toUInt256(0) AS i, toUInt64(0) AS c FROM ${t('attribution_payout')} ${W()} GROUP BY who, t
             UNION ALL
             SELECT recipient_id, ${D}, toUInt64(count()), toUInt256(0), toUInt256(sum(amount)), toUInt64(0) FROM ${t('incentive_payment')} ${W(`role = 'contributor'`)} GROUP BY recipient_id, t
             UNION ALL
             SELECT contributor_id, ${D}, toUInt64(0), toUInt256(0), toUInt256(0), toUInt64(count()) FROM ${t('contribution')} ${W()} GROUP BY contributor_id, t
           ) GROUP BY who, t ORDER BY who, t`,
        ))
          out.earners.add(r.who, Number(r.t), big(r, ['e', 'a', 'i', 'c']))
        break
      case 'contributions':
        for (const r of await q(`SELECT contributor_id, ${D}, datanet_id FROM ${t('contribution')} ${W()} GROUP BY contributor_id, t, datanet_id ORDER BY t`)) {
          const d = Number(r.t)
          out.contributorDatanets.add(r.contributor_id, d, r.datanet_id)
          const months = out.contributorMonths.get(r.contributor_id) ?? []
          if (!months.length || monthStart(months[months.length - 1]) !== monthStart(d)) months.push(d)
          out.contributorMonths.set(r.contributor_id, months)
        }
        break
      case 'slashes':
        for (const r of await q(
          `SELECT ${D}, toString(count()) AS n, toString(sum(amount)) AS amount, toString(sum(to_treasury)) AS treasury, toString(sum(to_burn)) AS burn FROM ${t('slash')} ${W()} GROUP BY t ORDER BY t`,
        ))
          out.slashes.add('', Number(r.t), big(r, ['n', 'amount', 'treasury', 'burn']))
        break
      case 'agentStakes':
        // each agent's last stake change at each block timestamp, by (block, id) as the warehouse path's argMax
        for (const r of await q(
          `SELECT agent_id, ${D}, toString(argMax(stake_after, (block_number, id))) AS stake, argMax(kind, (block_number, id)) AS kind
           FROM ${t('agent_stake_change')} ${W()} GROUP BY agent_id, t ORDER BY agent_id, t`,
        )) {
          const a = out.agentStakes.get(r.agent_id) ?? { at: [], stake: [], kind: [] }
          a.at.push(Number(r.t))
          a.stake.push(r.stake)
          a.kind.push(r.kind)
          out.agentStakes.set(r.agent_id, a)
        }
        break
    }
  }
}
