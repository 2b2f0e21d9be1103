// Does usage pay for upkeep? Upkeep cost per period = serving compute + storage + maintenance work,
// each with its provenance, against the maintainers' fee income: per network, per model (margin,
// payback of the deployment fee) and per operator (infrastructure margin). Serving compute is
// `measured`: the CPU µs each operator committed per model and batch (ServingCostCommitted) at the
// assumed CPU-second price; inferences of a batch with no committed cost fall back to the assumed
// per-unit model (`assumed`). Maintenance work is `declared` (the model's latest AdapterCostDeclared
// in force, pro-rated) where declared, else `assumed`; storage is `assumed` (the assumptions file,
// hashed). A cost that cannot be computed is null with a reason, never 0.
import { dec, withOverrides, priceAt, type Assumptions, type Dec, type ScalarAssumption } from './assumptions'
import { ratio } from './exact'
import { liabilities } from './supply'
import { ACCRUED, WHERE_PERIOD, type Row, type Sql } from './sql'
import type { CostLine, Liabilities, ModelUpkeep, OperatorUpkeep, Period, Unknown, UpkeepCoverage } from './types'

const MONTH_MS = 30n * 86_400_000n
const YEAR_MS = 365n * 86_400_000n
const E18 = 10n ** 18n
const ORDER = ['measured', 'declared', 'assumed']

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

/** A malformed override is refused even when there is no file (or no network metric) to apply it to. */
export function checkOverrides(overrides: AssumptionOverrides): void {
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && v !== null) dec(v, k)
}

/** What upkeep reads from the facts: per model and per operator usage, committed and uncommitted serving, the liabilities at the end. */
export interface UpkeepFacts {
  /** per model with inferences: model_id, units, income, creator, contributors, infra */
  usage: Row[]
  /** per operator with inferences, in operator_id order: operator_id, units, infra */
  byOperator: Row[]
  /** committed CPU µs per (model_id, operator_id): cpu */
  measured: Row[]
  /** inferences of batches with no committed cost per (model_id, operator_id): units, n */
  fallback: Row[]
  owed: Liabilities
  /** staking interest accrued (interest) and staker emissions (emissions) in the period */
  stakers: Row | undefined
}

export async function upkeep(db: Sql, p: Period, overrides: AssumptionOverrides = {}): Promise<UpkeepCoverage> {
  return upkeepOf(db, p, overrides, (r) => upkeepFacts(db, p, r))
}

async function upkeepFacts(db: Sql, p: Period, r: Record<string, string>): Promise<UpkeepFacts> {
  // serving cost committed in the period, and the inferences of batches with none committed
  const uncovered = `concat(batch_id, '-', model_id) NOT IN (SELECT id FROM ${db.t('serving_cost')})`
  const [usage, byOperator, owed, measured, fallback, [stakers]] = await Promise.all([
    db.q(
      `SELECT model_id, toString(sum(units)) AS units, toString(sum(creator_share) + sum(contributors_share)) AS income,
              toString(sum(creator_share)) AS creator, toString(sum(contributors_share)) AS contributors, toString(sum(infra_share)) AS infra
       FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY model_id`,
      r,
    ),
    db.q(`SELECT operator_id, toString(sum(units)) AS units, toString(sum(infra_share)) AS infra FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY operator_id ORDER BY operator_id`, r),
    liabilities(db, p.to),
    db.q(`SELECT model_id, operator_id, toString(sum(cpu_micros)) AS cpu FROM ${db.t('serving_cost')} WHERE ${WHERE_PERIOD} GROUP BY model_id, operator_id`, r),
    db.q(`SELECT model_id, operator_id, toString(sum(units)) AS units, toString(count()) AS n FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} AND ${uncovered} GROUP BY model_id, operator_id`, r),
    db.q(
      `SELECT (SELECT toString(sum(${ACCRUED})) FROM ${db.t('stake_accrual')} WHERE ${WHERE_PERIOD}) AS interest,
              (SELECT toString(sum(amount)) FROM ${db.t('incentive_payment')} WHERE ${WHERE_PERIOD} AND role = 'staker') AS emissions`,
      r,
    ),
  ])
  return { usage, byOperator, owed, measured, fallback, stakers }
}

/** Upkeep coverage from the period's facts (read by `facts`, after the input is checked) and the models' record in Postgres. */
export async function upkeepOf(db: Sql, p: Period, overrides: AssumptionOverrides, facts: (range: Record<string, string>) => Promise<UpkeepFacts>): Promise<UpkeepCoverage> {
  const r = db.range(p)
  const base = db.cfg.assumptions
  const unknowns: Unknown[] = []
  // a malformed override is refused even when there is no file to apply it to
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined && v !== null) dec(v, k)
  const a: Assumptions | undefined = base ? withOverrides(base, overrides) : undefined
  const [{ usage, byOperator, owed, measured, fallback, stakers }, models, declarations] = await Promise.all([
    facts(r),
    db.pg.query<{ id: string; registered_at: Date; retired_at: Date | null; deployment_fee: string }>(
      'select id, registered_at, retired_at, deployment_fee::text from model where registered_at < $2 and (retired_at is null or retired_at > $1)',
      [p.from, p.to],
    ),
    db.pg.query<{ model_id: string; timestamp: Date; micro_usd: string }>(
      'select model_id, timestamp, micro_usd_per_month::text as micro_usd from adapter_cost_declaration where timestamp < $1 order by model_id, block_number, id',
      [p.to],
    ),
  ])
  const periodMs = BigInt(p.to.getTime() - p.from.getTime())
  const price = a ? priceAt(a, p.from) : null
  if (!a) unknowns.push({ field: 'upkeepCost', reason: 'no assumptions file: serving, storage and maintenance costs are not measured on this chain yet' })
  else if (!price) unknowns.push({ field: 'upkeepCost', reason: `the assumptions (${a.source}) give no OPEN price on ${p.from.toISOString().slice(0, 10)}` })
  const known = a && price ? { a, price } : null

  const servingPerUnit = known ? add(mul(known.a.servingCpuSecondsPerUnit, known.a.cpuSecondUsd), mul(known.a.servingGpuSecondsPerUnit, known.a.gpuSecondUsd)) : null
  /** serving USD of CPU µs measured on chain plus units priced by the assumed per-unit model */
  const servingUsd = (cpuMicros: bigint, assumedUnits: bigint) =>
    known && servingPerUnit ? add(mul(q(cpuMicros, 1_000_000n), known.a.cpuSecondUsd), mul(q(assumedUnits), servingPerUnit)) : null
  type Serving = { cpu: bigint; units: bigint; n: bigint }
  const servingBy = (key: 'model_id' | 'operator_id') => {
    const m = new Map<string, Serving>()
    const at = (k: string) => m.get(k) ?? (m.set(k, { cpu: 0n, units: 0n, n: 0n }), m.get(k)!)
    for (const x of measured) at(x[key]).cpu += BigInt(x.cpu)
    for (const x of fallback) {
      const s = at(x[key])
      s.units += BigInt(x.units)
      s.n += BigInt(x.n)
    }
    return m
  }
  const servingOfModel = servingBy('model_id')
  const servingOfOperator = servingBy('operator_id')
  const NONE: Serving = { cpu: 0n, units: 0n, n: 0n }
  /** measured, assumed (no committed cost at all) or measured+assumed */
  const servingProvenance = (s: Serving) => (s.n === 0n ? 'measured' : s.cpu === 0n ? 'assumed' : 'measured+assumed')
  // declared maintenance: each model's declarations, each in force from its block until the next
  const declared = new Map<string, { from: number; usd: Q }[]>()
  for (const d of declarations.rows) {
    const l = declared.get(d.model_id) ?? []
    l.push({ from: d.timestamp.getTime(), usd: q(BigInt(d.micro_usd), 1_000_000n) })
    declared.set(d.model_id, l)
  }
  const liveMs = (m: { registered_at: Date; retired_at: Date | null }) => {
    const from = Math.max(m.registered_at.getTime(), p.from.getTime())
    const to = Math.min(m.retired_at?.getTime() ?? Infinity, p.to.getTime())
    return BigInt(Math.max(0, to - from))
  }
  const storageUsd = (ms: bigint) => (known ? mul(q(ms, MONTH_MS), known.a.adapterGb, known.a.storageUsdPerGbMonth) : null)
  /** maintenance work over the model's live window [from, to): declared where a declaration is in force, else assumed */
  const workUsd = (id: string, from: number, to: number) => {
    if (!known) return null
    let declaredUsd = q(0n)
    let declaredMs = 0n
    const ds = declared.get(id) ?? []
    ds.forEach((d, i) => {
      const a = Math.max(d.from, from)
      const b = Math.min(ds[i + 1]?.from ?? Infinity, to)
      if (b <= a) return
      declaredMs += BigInt(b - a)
      declaredUsd = add(declaredUsd, mul(q(BigInt(b - a), MONTH_MS), d.usd))
    })
    const assumedMs = BigInt(Math.max(0, to - from)) - declaredMs
    return { usd: add(declaredUsd, mul(q(assumedMs, MONTH_MS), known.a.maintenanceUsdPerModelMonth)), declaredMs, assumedMs }
  }

  const use = new Map(usage.map((x) => [x.model_id, x]))
  const ids = new Set([...models.rows.map((m) => m.id), ...use.keys()])
  const dim = new Map(models.rows.map((m) => [m.id, m]))
  let creator = 0n
  let contributors = 0n
  let infra = 0n
  let storageAll = q(0n)
  let workAll = q(0n)
  let workDeclared = false
  let workAssumed = false
  const modelRows: ModelUpkeep[] = [...ids]
    .sort((x, y) => Number(x) - Number(y) || (x < y ? -1 : x > y ? 1 : 0))
    .map((id) => {
      const u = use.get(id)
      const m = dim.get(id)
      const units = BigInt(u?.units ?? '0')
      const income = BigInt(u?.income ?? '0')
      creator += BigInt(u?.creator ?? '0')
      contributors += BigInt(u?.contributors ?? '0')
      infra += BigInt(u?.infra ?? '0')
      const ms = m ? liveMs(m) : 0n
      const s = storageUsd(ms)
      const liveFrom = m ? Math.max(m.registered_at.getTime(), p.from.getTime()) : 0
      const w = m && ms > 0n ? workUsd(id, liveFrom, liveFrom + Number(ms)) : known ? { usd: q(0n), declaredMs: 0n, assumedMs: 0n } : null
      const sv = servingOfModel.get(id) ?? NONE
      const serving = servingUsd(sv.cpu, sv.units)
      let cost: bigint | null = null
      let servingCost: bigint | null = null
      if (known && s && w && serving) {
        storageAll = add(storageAll, s)
        workAll = add(workAll, w.usd)
        workDeclared ||= w.declaredMs > 0n
        workAssumed ||= w.assumedMs > 0n
        servingCost = toOpen(serving, known.price)
        cost = toOpen(add(serving, s, w.usd), known.price)
      }
      const margin = cost === null ? null : income - cost
      const deploymentFee = BigInt(m?.deployment_fee ?? '0')
      return {
        modelId: id,
        units,
        maintainerFeeIncome: income,
        servingCost,
        servingProvenance: servingProvenance(sv),
        maintenanceProvenance: !w || w.declaredMs === 0n ? 'assumed' : w.assumedMs === 0n ? 'declared' : 'declared+assumed',
        upkeepCost: cost,
        margin,
        maintenanceCoverage: cost === null ? null : ratio(income, cost),
        deploymentFee,
        // months of this period's margin that repay the deployment fee
        paybackMonths: margin !== null && margin > 0n ? ratio(deploymentFee * periodMs, margin * MONTH_MS, 2) : null,
      }
    })
  const operators: OperatorUpkeep[] = byOperator.map((x) => {
    const sv = servingOfOperator.get(x.operator_id) ?? NONE
    const usd = servingUsd(sv.cpu, sv.units)
    const cost = usd && known ? toOpen(usd, known.price) : null
    return {
      operatorId: x.operator_id,
      units: BigInt(x.units),
      infraFees: BigInt(x.infra),
      servingCost: cost,
      servingProvenance: servingProvenance(sv),
      infraMargin: cost === null ? null : BigInt(x.infra) - cost,
    }
  })

  const line = (component: string, provenance: string, note: string, usd: Q | null): CostLine => ({
    component,
    provenance,
    note,
    usd: usd ? usdText(usd) : null,
    amount: usd && known ? toOpen(usd, known.price) : null,
  })
  const all = [...servingOfModel.values()].reduce((t, x) => ({ cpu: t.cpu + x.cpu, units: t.units + x.units, n: t.n + x.n }), NONE)
  const serving = servingUsd(all.cpu, all.units)
  const servingNote =
    'CPU µs committed on chain (ServingCostCommitted) × the assumed CPU-second price' +
    (all.n === 0n ? '' : `; ${all.n} inferences (${all.units} units) of batches with no committed cost priced by the assumed per-unit model`)
  const workNote = workDeclared
    ? `the models' latest AdapterCostDeclared in force, pro-rated${workAssumed ? '; the assumed maintenance cost per model-month where none was declared' : ''}`
    : 'the assumed maintenance cost per model-month (no AdapterCostDeclared in force)'
  const costs = [
    line('serving compute', servingProvenance(all), servingNote, serving),
    line('storage', 'assumed', 'adapter size × the assumed storage price per GB-month while live', known ? storageAll : null),
    line('maintenance work', workDeclared ? (workAssumed ? 'declared+assumed' : 'declared') : 'assumed', workNote, known ? workAll : null),
  ]
  const upkeepCost = known && serving ? toOpen(add(serving, storageAll, workAll), known.price) : null
  const maintainerFeeIncome = creator + contributors + infra
  const maintenanceCoverage = upkeepCost === null ? null : ratio(maintainerFeeIncome, upkeepCost)
  if (upkeepCost !== null && maintenanceCoverage === null) unknowns.push({ field: 'maintenanceCoverage', reason: 'no upkeep cost in the period (no live model, no usage)' })
  if (!modelRows.length) unknowns.push({ field: 'models', reason: 'no model was live or used in the period' })
  // stakers get no share of fees under any FeePolicy version: their real yield is a known 0
  const stakerFeeIncome = 0n
  const stakerIncentives = BigInt(stakers?.interest ?? '0') + BigInt(stakers?.emissions ?? '0')
  if (owed.stakedPrincipal === 0n) {
    for (const field of ['stakerRealYield', 'stakerIncentiveYield']) unknowns.push({ field, reason: "nothing staked at the period's end" })
  }
  return {
    from: p.from,
    to: p.to,
    provenance: [...new Set(costs.flatMap((c) => c.provenance.split('+')))].sort((x, y) => ORDER.indexOf(x) - ORDER.indexOf(y)).join('+'),
    assumptionsHash: a?.hash ?? null,
    assumptionsSource: a?.source ?? null,
    openPriceUsd: price?.text ?? null,
    costs,
    upkeepCost,
    maintainerFeeIncome,
    maintenanceCoverage,
    // computed, not masked: the facade answers null before this without Staking (FAMILY_NEEDS.upkeepCoverage)
    stakedPrincipal: owed.stakedPrincipal!,
    stakerFeeIncome,
    stakerRealYield: ratio(stakerFeeIncome * YEAR_MS, owed.stakedPrincipal! * periodMs),
    stakerIncentives,
    stakerIncentiveYield: ratio(stakerIncentives * YEAR_MS, owed.stakedPrincipal! * periodMs),
    models: modelRows,
    operators,
    unknowns,
  }
}
