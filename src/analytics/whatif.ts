// Governance what-ifs: the period's settled inferences replayed under another fee split and/or
// price multiplier, exactly as InferenceSettlement would have settled them (contracts/FeePolicy.sol,
// contracts/InferenceSettlement.sol): per inference, price = fee ÷ units as settled (grace prices
// included), what-if price = floor(price × n ÷ d), fee = units × price; creator, contributors,
// infrastructure and burn get floor(fee × bps ÷ 10,000) each and the treasury the rest. Sums of
// per-inference floors, never a floor of sums. Coverage uses the cost side of upkeep.ts. With no
// split and no multiplier the replay is the identity and equals the settled shares to the wei.
import { ratio } from './exact'
import { WHERE_PERIOD, type Sql } from './sql'
import { upkeep, type AssumptionOverrides } from './upkeep'
import { IndexStateError, InputError } from '../util/errors'
import type { FeeWhatIf, Period, Unknown, WhatIfModel, WhatIfOperator, WhatIfParty } from './types'

export const PARTIES = ['creator', 'contributors', 'infra', 'treasury', 'burn'] as const
export type Party = (typeof PARTIES)[number]
export type Split = Record<Party, number>

const BPS = 10_000
/** bound on a multiplier's reduced numerator and denominator: keeps units × price × n × bps far inside UInt256 */
const MAX_TERM = 10n ** 18n

export interface WhatIfScenario {
  /** null: the FeePolicy version in force for each inference */
  split: Split | null
  /** null: prices as settled */
  multiplier: { n: bigint; d: bigint } | null
}

/** A split given as party → bps entries: known parties, each once, whole bps, summing to 10,000; a party left out gets 0. */
export function parseSplit(entries: readonly { party: string; bps: number }[]): Split {
  const split: Split = { creator: 0, contributors: 0, infra: 0, treasury: 0, burn: 0 }
  const seen = new Set<string>()
  for (const { party, bps } of entries) {
    if (!(PARTIES as readonly string[]).includes(party)) throw new InputError(`unknown party "${party}" in the split (known: ${PARTIES.join(', ')})`)
    if (seen.has(party)) throw new InputError(`party "${party}" appears twice in the split`)
    seen.add(party)
    if (!Number.isInteger(bps) || bps < 0 || bps > BPS) throw new InputError(`the split's ${party} bps must be a whole number from 0 to ${BPS}, got ${bps}`)
    split[party as Party] = bps
  }
  const sum = PARTIES.reduce((a, p) => a + split[p], 0)
  if (sum !== BPS) throw new InputError(`the split must sum to ${BPS} bps (as FeePolicy requires), got ${sum}`)
  return split
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b))

/** A positive exact multiplier: a decimal ("1.5", at most 18 places) or a fraction ("3/2"), reduced. */
export function parseMultiplier(text: string): { n: bigint; d: bigint } {
  const t = text.trim()
  let n: bigint
  let d: bigint
  const dec = /^(\d{1,30})(?:\.(\d{1,18}))?$/.exec(t)
  const frac = /^(\d{1,30})\/(\d{1,30})$/.exec(t)
  if (dec) {
    n = BigInt(dec[1] + (dec[2] ?? ''))
    d = 10n ** BigInt((dec[2] ?? '').length)
  } else if (frac) {
    n = BigInt(frac[1])
    d = BigInt(frac[2])
  } else {
    const why = t.startsWith('-') ? 'must not be negative' : 'must be a decimal such as "1.5" or a fraction such as "3/2"'
    throw new InputError(`the price multiplier ${why}, got "${text}"`)
  }
  if (d === 0n) throw new InputError(`the price multiplier's denominator must not be 0, got "${text}"`)
  if (n === 0n) throw new InputError(`the price multiplier must be above 0 (a price of 0 is refused on chain), got "${text}"`)
  const g = gcd(n, d)
  n /= g
  d /= g
  if (n > MAX_TERM || d > MAX_TERM) throw new InputError(`the price multiplier "${text}" is out of range: numerator and denominator (reduced) must be at most 10^18`)
  return { n, d }
}

/** The split as "creator/contributors/infra/treasury/burn" bps. */
export const splitText = (s: Split): string => PARTIES.map((p) => s[p]).join('/')

type Sums = Record<Party, bigint> & { fee: bigint }
const zero = (): Sums => ({ fee: 0n, creator: 0n, contributors: 0n, infra: 0n, treasury: 0n, burn: 0n })
const addTo = (a: Sums, b: Sums) => {
  a.fee += b.fee
  for (const p of PARTIES) a[p] += b[p]
}

/** The five parties of a group's row: the four floors summed, the treasury the remainder of the fee. */
function sums(x: Record<string, string>, prefix: string): Sums {
  const fee = BigInt(x[`${prefix}fee`])
  const s: Sums = { fee, creator: BigInt(x[`${prefix}creator`]), contributors: BigInt(x[`${prefix}contributors`]), infra: BigInt(x[`${prefix}infra`]), burn: BigInt(x[`${prefix}burn`]), treasury: 0n }
  // Σ(fee − four floors) per inference = Σfee − Σ each floor: the contract's remainder rule, summed
  s.treasury = fee - s.creator - s.contributors - s.infra - s.burn
  return s
}

export async function whatIf(db: Sql, p: Period, sc: WhatIfScenario, overrides: AssumptionOverrides = {}): Promise<FeeWhatIf> {
  const r = db.range(p)
  const versions = await db.pg.query<{ version: number; creator_bps: number; contributors_bps: number; infra_bps: number; burn_bps: number }>(
    'select version, creator_bps, contributors_bps, infra_bps, burn_bps from fee_policy_version order by version',
  )
  const v = versions.rows
  // the what-if split per policy version: the version's own (in force) or the same for every version
  const inForce = (party: 'creator' | 'contributors' | 'infra' | 'burn') => v.map((x) => x[`${party}_bps`])
  const whatIfBps = (party: 'creator' | 'contributors' | 'infra' | 'burn') => (sc.split ? v.map(() => sc.split![party]) : inForce(party))
  const params = {
    ...r,
    versions: v.map((x) => x.version),
    ic: inForce('creator'),
    ik: inForce('contributors'),
    ii: inForce('infra'),
    ib: inForce('burn'),
    wc: whatIfBps('creator'),
    wk: whatIfBps('contributors'),
    wi: whatIfBps('infra'),
    wb: whatIfBps('burn'),
    num: (sc.multiplier?.n ?? 1n).toString(),
    den: (sc.multiplier?.d ?? 1n).toString(),
  }
  const bps = (name: string) => `transform(policy_version, {versions:Array(UInt32)}, {${name}:Array(UInt16)}, toUInt16(0))`
  const floors = (prefix: string, fee: string, set: string) =>
    ['creator', 'contributors', 'infra', 'burn'].map((party, i) => `toString(sum(intDiv(${fee} * ${bps(`${set}${'ckib'[i]}`)}, ${BPS}))) AS ${prefix}${party}`).join(', ')
  const [rows, cost] = await Promise.all([
    db.q(
      `SELECT model_id, operator_id, count() AS n, toString(sum(units)) AS units_sum,
              toString(sum(fee)) AS s_fee, toString(sum(creator_share)) AS s_creator, toString(sum(contributors_share)) AS s_contributors,
              toString(sum(infra_share)) AS s_infra, toString(sum(treasury_share)) AS s_treasury, toString(sum(burn_share)) AS s_burn,
              toString(sum(fee)) AS i_fee, ${floors('i_', 'fee', 'i')},
              toString(sum(wfee)) AS w_fee, ${floors('w_', 'wfee', 'w')},
              countIf(NOT has({versions:Array(UInt32)}, policy_version)) AS unknown_version, countIf(units = 0 OR fee % units != 0) AS off_price
       FROM (SELECT *, units * intDiv(intDiv(fee, units) * {num:UInt256}, {den:UInt256}) AS wfee FROM ${db.t('inference')} WHERE ${WHERE_PERIOD})
       GROUP BY model_id, operator_id`,
      params,
    ),
    upkeep(db, p, overrides),
  ])
  // the contract settles fee = units × price, and every settlement names a FeePolicy version: anything else is a broken index
  for (const x of rows) {
    if (Number(x.unknown_version)) throw new IndexStateError(`${x.unknown_version} inferences of model ${x.model_id} name a fee-policy version that is not indexed`)
    if (Number(x.off_price)) throw new IndexStateError(`${x.off_price} inferences of model ${x.model_id} have a fee that is not units × a price`)
  }
  const settled = zero()
  const identity = zero()
  const replay = zero()
  let inferences = 0
  let units = 0n
  const byModel = new Map<string, { units: bigint; s: Sums; w: Sums }>()
  const byOperator = new Map<string, { units: bigint; s: Sums; w: Sums }>()
  const at = (m: Map<string, { units: bigint; s: Sums; w: Sums }>, k: string) => m.get(k) ?? (m.set(k, { units: 0n, s: zero(), w: zero() }), m.get(k)!)
  for (const x of rows) {
    const s: Sums = { fee: BigInt(x.s_fee), creator: BigInt(x.s_creator), contributors: BigInt(x.s_contributors), infra: BigInt(x.s_infra), treasury: BigInt(x.s_treasury), burn: BigInt(x.s_burn) }
    const w = sums(x, 'w_')
    addTo(settled, s)
    addTo(identity, sums(x, 'i_'))
    addTo(replay, w)
    inferences += Number(x.n)
    units += BigInt(x.units_sum)
    for (const [m, k] of [
      [byModel, x.model_id],
      [byOperator, x.operator_id],
    ] as const) {
      const g = at(m, k)
      g.units += BigInt(x.units_sum)
      addTo(g.s, s)
      addTo(g.w, w)
    }
  }
  const identityHolds = identity.fee === settled.fee && PARTIES.every((q) => identity[q] === settled[q])
  const unknowns: Unknown[] = [...cost.unknowns]
  if (!identityHolds) unknowns.push({ field: 'identityHolds', reason: 'replaying the period under the policies in force does not give the settled shares: the index disagrees with the contract' })
  if (cost.upkeepCost === null) unknowns.push({ field: 'whatIfCoverage', reason: 'the upkeep cost is unknown (see upkeepCost)' })
  else if (cost.upkeepCost === 0n) unknowns.push({ field: 'whatIfCoverage', reason: 'no upkeep cost in the period (no live model, no usage)' })

  const maintainers = (x: Sums) => x.creator + x.contributors + x.infra
  const cov = (income: bigint, c: bigint | null) => (c === null ? null : ratio(income, c))
  const parties: WhatIfParty[] = PARTIES.map((party) => ({ party, bps: sc.split ? sc.split[party] : null, settled: settled[party], whatIf: replay[party], change: replay[party] - settled[party] }))
  const models: WhatIfModel[] = cost.models.map((m) => {
    const g = byModel.get(m.modelId)
    const s = g ? g.s.creator + g.s.contributors : 0n
    const w = g ? g.w.creator + g.w.contributors : 0n
    return { modelId: m.modelId, units: m.units, settledIncome: s, whatIfIncome: w, upkeepCost: m.upkeepCost, settledCoverage: cov(s, m.upkeepCost), whatIfCoverage: cov(w, m.upkeepCost) }
  })
  const operators: WhatIfOperator[] = cost.operators.map((o) => {
    const g = byOperator.get(o.operatorId)
    const w = g ? g.w.infra : 0n
    return {
      operatorId: o.operatorId,
      units: o.units,
      settledInfraFees: o.infraFees,
      whatIfInfraFees: w,
      servingCost: o.servingCost,
      settledCoverage: cov(o.infraFees, o.servingCost),
      whatIfCoverage: cov(w, o.servingCost),
      whatIfMargin: o.servingCost === null ? null : w - o.servingCost,
    }
  })
  return {
    from: p.from,
    to: p.to,
    split: sc.split ? splitText(sc.split) : 'in force',
    priceMultiplier: sc.multiplier ? `${sc.multiplier.n}/${sc.multiplier.d}` : '1/1',
    inferences,
    units,
    settledFees: settled.fee,
    whatIfFees: replay.fee,
    parties,
    identityHolds,
    upkeepCost: cost.upkeepCost,
    provenance: cost.provenance,
    assumptionsHash: cost.assumptionsHash,
    settledMaintainerFeeIncome: maintainers(settled),
    whatIfMaintainerFeeIncome: maintainers(replay),
    settledCoverage: cov(maintainers(settled), cost.upkeepCost),
    whatIfCoverage: cov(maintainers(replay), cost.upkeepCost),
    models,
    operators,
    unknowns,
  }
}
