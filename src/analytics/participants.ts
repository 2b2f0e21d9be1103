// Agents and inference operators.
import { concentrationOf, ratio } from './exact'
import { WHERE_PERIOD, type Row, type Sql } from './sql'
import type { AgentMetrics, OperatorMetrics, Period } from './types'

/** Agents: their share of fees, stake at risk, slashing and where slashed OPEN went. */
export async function agents(db: Sql, p: Period): Promise<AgentMetrics> {
  const r = db.range(p)
  const W = WHERE_PERIOD
  const [[fees], [slashes], stakes] = await Promise.all([
    db.q(`SELECT toString(sumIf(fee, payer_is_agent)) AS agent, toString(sum(fee)) AS gross FROM ${db.t('inference')} WHERE ${W}`, r),
    db.q(
      `SELECT count() AS n, toString(sum(amount)) AS amount, toString(sum(to_treasury)) AS treasury, toString(sum(to_burn)) AS burn FROM ${db.t('slash')} WHERE ${W}`,
      r,
    ),
    // stake at the end of the period: the last stake change of each agent before `to`
    db.q(
      `SELECT agent_id, toString(argMax(stake_after, (block_number, id))) AS stake, argMax(kind, (block_number, id)) AS kind
       FROM ${db.t('agent_stake_change')} WHERE timestamp < toDateTime64({to:String}, 3, 'UTC') GROUP BY agent_id`,
      r,
    ),
  ])
  return agentMetricsOf(fees, slashes, stakes)
}

/**
 * The agent metrics from the period's fee sums (agent, gross), its slash sums (n, amount,
 * treasury, burn) and each agent's last stake change before the period's end (stake, kind).
 */
export function agentMetricsOf(fees: Row | undefined, slashes: Row | undefined, stakes: Row[]): AgentMetrics {
  const agentFees = BigInt(fees?.agent ?? '0')
  const grossFees = BigInt(fees?.gross ?? '0')
  const live = stakes.filter((x) => x.kind !== 'withdrawn')
  return {
    agentFees,
    grossFees,
    agentFeeShare: ratio(agentFees, grossFees),
    agents: stakes.length,
    activeAgents: stakes.filter((x) => x.kind !== 'withdrawn' && x.kind !== 'exit_requested').length,
    stakeAtRisk: live.reduce((a, x) => a + BigInt(x.stake), 0n),
    slashed: BigInt(slashes?.amount ?? '0'),
    slashedToTreasury: BigInt(slashes?.treasury ?? '0'),
    slashedBurned: BigInt(slashes?.burn ?? '0'),
    slashes: Number(slashes?.n ?? 0),
  }
}

/** Inference operators: revenue (their infrastructure share), concentration and churn. */
export async function operators(db: Sql, p: Period): Promise<OperatorMetrics> {
  const r = db.range(p)
  const rows = await db.q(
    `SELECT operator_id, count() AS n, toString(sum(fee)) AS fees, toString(sum(infra_share)) AS infra FROM ${db.t('inference')}
     WHERE ${WHERE_PERIOD} GROUP BY operator_id ORDER BY sum(infra_share) DESC, operator_id`,
    r,
  )
  const ops = await db.pg.query<OperatorDim>('select id, account_id, active, registered_at, removed_at from operator')
  return operatorMetricsOf(rows, ops.rows, p)
}

export interface OperatorDim {
  id: string
  account_id: string
  active: boolean
  registered_at: Date
  removed_at: Date | null
}

/** Rows of sums per operator (operator_id, n, fees, infra; most infrastructure fees first) with the operators' record. */
export function operatorMetricsOf(rows: Row[], dims: OperatorDim[], p: Period): OperatorMetrics {
  const dim = new Map(dims.map((o) => [o.id, o]))
  const inRange = (t: Date | null) => t !== null && t >= p.from && t < p.to
  const operators = rows.map((x) => ({
    operatorId: x.operator_id,
    account: dim.get(x.operator_id)?.account_id ?? null,
    active: dim.get(x.operator_id)?.active ?? null,
    inferences: Number(x.n),
    fees: BigInt(x.fees),
    infraFees: BigInt(x.infra),
  }))
  return {
    operators,
    concentration: concentrationOf(operators.map((o) => o.infraFees)),
    registered: dims.filter((o) => inRange(o.registered_at)).length,
    removed: dims.filter((o) => inRange(o.removed_at)).length,
  }
}
