// Does usage pay for upkeep? Upkeep cost per period = serving compute + storage + maintenance work,
// each with its provenance, against the maintainers' fee income: per network, per model (margin,
// payback of the deployment fee) and per operator (infrastructure margin). The reference chain
// does not yet commit measured serving costs, so every cost here is `assumed` (the assumptions
// file, hashed); a cost that cannot be computed is null with a reason, never 0.
import { dec, withOverrides, priceAt, type Assumptions, type Dec, type ScalarAssumption } from './assumptions'
import { ratio } from './exact'
import { liabilities } from './supply'
import { WHERE_PERIOD, type Sql } from './sql'
import type { CostLine, ModelUpkeep, OperatorUpkeep, Period, Unknown, UpkeepCoverage } from './types'

const MONTH_MS = 30n * 86_400_000n
const YEAR_MS = 365n * 86_400_000n
const E18 = 10n ** 18n

/** An exact non-negative rational. */
interface Q {
  n: bigint
  d: bigint
}
const q = (n: bigint, d = 1n): Q => ({ n, d })
const mul = (...xs: (Q | Dec)[]): Q => xs.reduce<Q>((a, x) => ({ n: a.n * x.n, d: a.d * x.d }), q(1n))
const add = (...xs: Q[]): Q => xs.reduce<Q>((a, x) => ({ n: a.n * x.d + x.n * a.d, d: a.d * x.d }), q(0n))
/** USD → OPEN base units at `price` USD per OPEN, floored. */
const toOpen = (usd: Q, price: Dec): bigint => (usd.n * E18 * price.d) / (usd.d * price.n)
/** a USD amount as a decimal string with 6 places */
const usdText = (usd: Q): string => ratio(usd.n, usd.d)!

export type AssumptionOverrides = Partial<Record<ScalarAssumption | 'openPriceUsd', string>>

export async function upkeep(db: Sql, p: Period, overrides: AssumptionOverrides = {}): Promise<UpkeepCoverage> {
  const r = db.range(p)
  const base = db.cfg.assumptions
  const unknowns: Unknown[] = []
  // a malformed override is refused even when there is no file to apply it to
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && v !== null) dec(v, k)
  const a: Assumptions | undefined = base ? withOverrides(base, overrides) : undefined
  const [usage, byOperator, models, owed] = await Promise.all([
    db.q(
      `SELECT model_id, toString(sum(units)) AS units, toString(sum(creator_share) + sum(contributors_share)) AS income,
              toString(sum(creator_share)) AS creator, toString(sum(contributors_share)) AS contributors, toString(sum(infra_share)) AS infra
       FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY model_id`,
      r,
    ),
    db.q(`SELECT operator_id, toString(sum(units)) AS units, toString(sum(infra_share)) AS infra FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY operator_id ORDER BY operator_id`, r),
    db.pg.query<{ id: string; registered_at: Date; retired_at: Date | null; deployment_fee: string }>(
      'select id, registered_at, retired_at, deployment_fee::text from model where registered_at < $2 and (retired_at is null or retired_at > $1)',
      [p.from, p.to],
    ),
    liabilities(db, p.to),
  ])
  const periodMs = BigInt(p.to.getTime() - p.from.getTime())
  const price = a ? priceAt(a, p.from) : null
  if (!a) unknowns.push({ field: 'upkeepCost', reason: 'no assumptions file: serving, storage and maintenance costs are not measured on this chain yet' })
  else if (!price) unknowns.push({ field: 'upkeepCost', reason: `the assumptions (${a.source}) give no OPEN price on ${p.from.toISOString().slice(0, 10)}` })
  const known = a && price ? { a, price } : null

  const servingPerUnit = known ? add(mul(known.a.servingCpuSecondsPerUnit, known.a.cpuSecondUsd), mul(known.a.servingGpuSecondsPerUnit, known.a.gpuSecondUsd)) : null
  const servingUsd = (units: bigint) => (servingPerUnit ? mul(q(units), servingPerUnit) : null)
  const liveMs = (m: { registered_at: Date; retired_at: Date | null }) => {
    const from = Math.max(m.registered_at.getTime(), p.from.getTime())
    const to = Math.min(m.retired_at?.getTime() ?? Infinity, p.to.getTime())
    return BigInt(Math.max(0, to - from))
  }
  const storageUsd = (ms: bigint) => (known ? mul(q(ms, MONTH_MS), known.a.adapterGb, known.a.storageUsdPerGbMonth) : null)
  const workUsd = (ms: bigint) => (known ? mul(q(ms, MONTH_MS), known.a.maintenanceUsdPerModelMonth) : null)

  const use = new Map(usage.map((x) => [x.model_id, x]))
  const ids = new Set([...models.rows.map((m) => m.id), ...use.keys()])
  const dim = new Map(models.rows.map((m) => [m.id, m]))
  let totalUnits = 0n
  let creator = 0n
  let contributors = 0n
  let infra = 0n
  let storageAll = q(0n)
  let workAll = q(0n)
  const modelRows: ModelUpkeep[] = [...ids]
    .sort((x, y) => Number(x) - Number(y) || (x < y ? -1 : x > y ? 1 : 0))
    .map((id) => {
      const u = use.get(id)
      const m = dim.get(id)
      const units = BigInt(u?.units ?? '0')
      const income = BigInt(u?.income ?? '0')
      totalUnits += units
      creator += BigInt(u?.creator ?? '0')
      contributors += BigInt(u?.contributors ?? '0')
      infra += BigInt(u?.infra ?? '0')
      const ms = m ? liveMs(m) : 0n
      const s = storageUsd(ms)
      const w = workUsd(ms)
      let cost: bigint | null = null
      if (known && s && w) {
        storageAll = add(storageAll, s)
        workAll = add(workAll, w)
        cost = toOpen(add(s, w), known.price)
      }
      const margin = cost === null ? null : income - cost
      const deploymentFee = BigInt(m?.deployment_fee ?? '0')
      return {
        modelId: id,
        units,
        maintainerFeeIncome: income,
        upkeepCost: cost,
        margin,
        maintenanceCoverage: cost === null ? null : ratio(income, cost),
        deploymentFee,
        // months of this period's margin that repay the deployment fee
        paybackMonths: margin !== null && margin > 0n ? ratio(deploymentFee * periodMs, margin * MONTH_MS, 2) : null,
      }
    })
  const operators: OperatorUpkeep[] = byOperator.map((x) => {
    const usd = servingUsd(BigInt(x.units))
    const cost = usd && known ? toOpen(usd, known.price) : null
    return { operatorId: x.operator_id, units: BigInt(x.units), infraFees: BigInt(x.infra), servingCost: cost, infraMargin: cost === null ? null : BigInt(x.infra) - cost }
  })

  const line = (component: string, usd: Q | null): CostLine => ({
    component,
    provenance: 'assumed',
    usd: usd ? usdText(usd) : null,
    amount: usd && known ? toOpen(usd, known.price) : null,
  })
  const serving = servingUsd(totalUnits)
  const costs = [line('serving compute', serving), line('storage', known ? storageAll : null), line('maintenance work', known ? workAll : null)]
  const upkeepCost = known && serving ? toOpen(add(serving, storageAll, workAll), known.price) : null
  const maintainerFeeIncome = creator + contributors + infra
  const maintenanceCoverage = upkeepCost === null ? null : ratio(maintainerFeeIncome, upkeepCost)
  if (upkeepCost !== null && maintenanceCoverage === null) unknowns.push({ field: 'maintenanceCoverage', reason: 'no upkeep cost in the period (no live model, no usage)' })
  if (!modelRows.length) unknowns.push({ field: 'models', reason: 'no model was live or used in the period' })
  // stakers get no share of fees under any FeePolicy version: their real yield is a known 0
  const stakerFeeIncome = 0n
  return {
    from: p.from,
    to: p.to,
    provenance: 'assumed',
    assumptionsHash: a?.hash ?? null,
    assumptionsSource: a?.source ?? null,
    openPriceUsd: price?.text ?? null,
    costs,
    upkeepCost,
    maintainerFeeIncome,
    maintenanceCoverage,
    stakedPrincipal: owed.stakedPrincipal,
    stakerFeeIncome,
    stakerRealYield: ratio(stakerFeeIncome * YEAR_MS, owed.stakedPrincipal * periodMs),
    models: modelRows,
    operators,
    unknowns,
  }
}
