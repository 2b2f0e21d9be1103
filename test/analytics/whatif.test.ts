// Governance what-ifs (issue 17, item 2) over the indexed small chain, through GraphQL and the
// report. Every expectation is computed here from the raw chain logs (eth_getLogs decoded with
// viem: FeePolicySet for the split in force at each log's position, InferenceSettled for units,
// fees and shares) with plain bigint arithmetic after FeePolicy.sol / InferenceSettlement.sol;
// the cost side comes from the independent test/helpers/expected-metrics.ts. Nothing is read back
// from our SQL.
import pg from 'pg'
import { keccak256, toHex, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { actors } from '../helpers/activity'
import type { LoadedDevnet } from '../helpers/devnet'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { ASSUMPTIONS_FILE, BEFORE_GENESIS, expectedUpkeep, loadFacts, WHOLE } from '../helpers/expected-metrics'
import { Metrics, readAssumptions, type Period } from '../../src/analytics'
import { buildReportData } from '../../src/report/data'
import { renderCsv, renderMarkdown } from '../../src/report/render'
import { artifact } from '../../src/chain/artifacts'
import { buildBatch } from '../../src/protocol/receipts'
import { ChargeDomain } from '../../src/protocol/charge-auth'
import { devnetPrivateKey } from '../../src/chain/keys'

const PARTIES = ['creator', 'contributors', 'infra', 'treasury', 'burn'] as const
type Party = (typeof PARTIES)[number]
type Bps = Record<Party, bigint>

interface Settled {
  t: number
  model: string
  operator: string
  units: bigint
  fee: bigint
  shares: Bps
  /** the FeePolicySet split last emitted before this log, in chain order */
  policy: Bps
  version: number
}

/** odd prices and bps: every share of these settlements leaves a rounding remainder for the treasury */
const P1 = 1_000_000_000_007n
const P2 = 999_999_999_989n
const ODD_SPLIT = [3333, 3333, 1667, 1000, 667] as const

/**
 * What the seeded chain lacks, settled on top of it as the contracts allow: an odd price (a fee
 * whose bps shares do not divide evenly), a price change with receipts settled at the grace
 * (previous) price under an authorisation signed before it, and a fee-policy change with odd bps.
 */
async function mineWhatIfCases(devnet: LoadedDevnet): Promise<number> {
  const c = devnet.manifest.contracts
  const a = await actors(devnet)
  const read = (address: Address, name: Parameters<typeof artifact>[0], functionName: string, args: unknown[] = []) => devnet.publicClient.readContract({ address, abi: artifact(name).abi, functionName, args })
  const send = async (from: Address, address: Address, name: Parameters<typeof artifact>[0], functionName: string, args: unknown[]) => {
    const hash = await devnet.wallet(from).writeContract({ address, abi: artifact(name).abi, functionName, args, chain: null, account: from } as never)
    const r = await devnet.publicClient.waitForTransactionReceipt({ hash })
    if (r.status !== 'success') throw new Error(`${functionName} reverted`)
    return Number(r.blockNumber)
  }
  let modelId = 0n
  while (!(await read(c.ModelRegistry, 'ModelRegistry', 'isLive', [modelId]))) modelId++
  const owner = (await read(c.ModelRegistry, 'ModelRegistry', 'ownerOf', [modelId])) as Address
  await send(a.payer, c.InferenceSettlement, 'InferenceSettlement', 'deposit', [10n ** 18n])
  const payerId = Number(await read(c.InferenceSettlement, 'InferenceSettlement', 'payerIdOf', [a.payer]))
  const operatorId = Number(await read(c.InferenceSettlement, 'InferenceSettlement', 'operatorIdOf', [a.operator]))
  await send(owner, c.ModelRegistry, 'ModelRegistry', 'setPrice', [modelId, P1])
  // one authorisation, signed before the second price change, covers every batch below
  const charged = (await read(c.InferenceSettlement, 'InferenceSettlement', 'charged', [payerId, operatorId])) as bigint
  const recentBlock = Number(await devnet.publicClient.getBlockNumber())
  const authorization = new ChargeDomain(devnet.manifest.chainId, c.InferenceSettlement).sign(devnetPrivateKey(62), { payer: a.payer, operator: a.operator, cumulativeAmount: charged + 10n ** 18n, recentBlock, expiryBlock: recentBlock + 1_000 })
  const settle = async (receipts: [bigint, number][], label: string) => {
    const firstSeq = (await read(c.InferenceSettlement, 'InferenceSettlement', 'nextSequence', [a.operator])) as bigint
    const b = buildBatch(receipts.map(([price, units]) => ({ modelId, payerId, units, fee: BigInt(units) * price, authorization })))
    return send(a.operator, c.InferenceSettlement, 'InferenceSettlement', 'settleBatch', [firstSeq, keccak256(toHex(`whatif-${label}`)), b.modelIds, b.payerIds, b.packed, b.cpuMicros, b.adapterByteSeconds, b.authorizations])
  }
  await settle([[P1, 3], [P1, 7], [P1, 11]], 'odd price')
  await send(owner, c.ModelRegistry, 'ModelRegistry', 'setPrice', [modelId, P2])
  await settle([[P1, 13], [P2, 17], [P1, 19]], 'grace price')
  await send(devnet.manifest.accounts.governance, c.FeePolicy, 'FeePolicy', 'setPolicy', [...ODD_SPLIT])
  return settle([[P2, 23], [P1, 29]], 'odd policy')
}

let t: IndexedApi
let events: RawEvent[]
let settled: Settled[] = []
/** the month with a FeePolicySet after the first one: inferences under two versions */
let change: Period
/** the days of the settlements mineWhatIfCases added (a grace price, odd prices, a policy change) */
let extension: Period
/** the seeded run and the extension */
let all: Period

/** Per-inference replay after the contract: price = fee ÷ units, floor(price × n ÷ d), four floors, treasury the rest. */
function replay(xs: Settled[], split: Bps | null, n = 1n, d = 1n) {
  const out = { fee: 0n, creator: 0n, contributors: 0n, infra: 0n, treasury: 0n, burn: 0n }
  for (const x of xs) {
    const s = split ?? x.policy
    const fee = x.units * (((x.fee / x.units) * n) / d)
    const c = (fee * s.creator) / 10_000n
    const k = (fee * s.contributors) / 10_000n
    const i = (fee * s.infra) / 10_000n
    const b = (fee * s.burn) / 10_000n
    out.fee += fee
    out.creator += c
    out.contributors += k
    out.infra += i
    out.burn += b
    out.treasury += fee - c - k - i - b
  }
  return out
}

const inP = (p: Period) => settled.filter((x) => x.t * 1000 >= p.from.getTime() && x.t * 1000 < p.to.getTime())

const Q = `query($from: DateTime!, $to: DateTime!, $split: [WhatIfShare!], $m: String) {
  feeWhatIf(from: $from, to: $to, split: $split, priceMultiplier: $m) {
    split priceMultiplier inferences units settledFees whatIfFees identityHolds upkeepCost
    settledMaintainerFeeIncome whatIfMaintainerFeeIncome settledCoverage whatIfCoverage
    parties { party bps settled whatIf change }
    models { modelId settledIncome whatIfIncome upkeepCost settledCoverage whatIfCoverage }
    operators { operatorId settledInfraFees whatIfInfraFees servingCost whatIfCoverage whatIfMargin }
    unknowns { field reason }
  } }`

type Answer = {
  feeWhatIf: {
    split: string
    priceMultiplier: string
    inferences: number
    units: string
    settledFees: string
    whatIfFees: string
    identityHolds: boolean
    upkeepCost: string | null
    settledMaintainerFeeIncome: string
    whatIfMaintainerFeeIncome: string
    settledCoverage: string | null
    whatIfCoverage: string | null
    parties: { party: string; bps: number | null; settled: string; whatIf: string; change: string }[]
    models: { modelId: string; settledIncome: string; whatIfIncome: string; upkeepCost: string | null; settledCoverage: string | null; whatIfCoverage: string | null }[]
    operators: { operatorId: string; settledInfraFees: string; whatIfInfraFees: string; servingCost: string | null; whatIfCoverage: string | null; whatIfMargin: string | null }[]
    unknowns: { field: string; reason: string }[]
  }
}

const ask = (p: Period, split?: Record<string, number> | { party: string; bps: number }[] | null, m?: string | null) =>
  t.gql<Answer>(Q, {
    from: p.from.toISOString(),
    to: p.to.toISOString(),
    split: split == null ? split : Array.isArray(split) ? split : Object.entries(split).map(([party, bps]) => ({ party, bps })),
    m,
  })

beforeAll(async () => {
  t = await indexedApi({ extend: mineWhatIfCases })
  events = await rawEvents(t.devnet, Number(await t.devnet.publicClient.getBlockNumber()))
  loadFacts(events, t.devnet.manifest)
  let policy: Bps | null = null
  let version = 0
  for (const e of events) {
    const a = e.args
    if (e.key === 'FeePolicy.FeePolicySet') {
      policy = { creator: BigInt(a.creatorBps as number), contributors: BigInt(a.contributorsBps as number), infra: BigInt(a.infraBps as number), treasury: BigInt(a.treasuryBps as number), burn: BigInt(a.burnBps as number) }
      version = Number(a.version)
    }
    if (e.key !== 'InferenceSettlement.InferenceSettled') continue
    settled.push({
      t: e.t,
      model: String(a.modelId),
      operator: String((a.requestId as bigint) >> 64n),
      units: a.units as bigint,
      fee: a.fee as bigint,
      shares: { creator: a.creatorShare as bigint, contributors: a.contributorsShare as bigint, infra: a.infraShare as bigint, treasury: a.treasuryShare as bigint, burn: a.burnShare as bigint },
      policy: policy!,
      version,
    })
  }
  const second = events.filter((e) => e.key === 'FeePolicy.FeePolicySet')[1]
  const d = new Date(second.t * 1000)
  change = { from: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)), to: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)) }
  const DAY = 86_400_000
  const added = events.filter((e) => e.block > t.devnet.endBlock)
  extension = { from: new Date(Math.floor((added[0].t * 1000) / DAY) * DAY), to: new Date(Math.floor((added[added.length - 1].t * 1000) / DAY) * DAY + DAY) }
  all = { from: WHOLE.from, to: new Date(Math.max(WHOLE.to.getTime(), extension.to.getTime())) }
}, 300_000)

afterAll(async () => {
  await t?.close()
})

describe('the chain under test', () => {
  it('has a policy change inside the seeded run and inside the extension, grace-price settlements and rounding remainders, all fees units × a price', () => {
    expect(new Set(inP(change).map((x) => x.version)).size).toBeGreaterThan(1)
    expect(new Set(inP(extension).map((x) => x.version)).size).toBeGreaterThan(1)
    expect(settled.length).toBeGreaterThan(1_000)
    for (const x of settled) expect(x.fee % x.units).toBe(0n)
    // the price in force per model from the registry's own logs: a settled price that differs is a grace price
    const price = new Map<string, bigint>()
    let grace = 0
    for (const e of events) {
      if (e.key === 'ModelRegistry.ModelRegistered') price.set(String(e.args.modelId), e.args.pricePerUnit as bigint)
      if (e.key === 'ModelRegistry.ModelPriceChanged') price.set(String(e.args.modelId), e.args.newPrice as bigint)
      if (e.key === 'InferenceSettlement.InferenceSettled' && (e.args.fee as bigint) / (e.args.units as bigint) !== price.get(String(e.args.modelId))) grace++
    }
    expect(grace).toBe(3)
    // the treasury's remainder is not just its own floor share in the extension
    expect(inP(extension).some((x) => x.shares.treasury !== (x.fee * x.policy.treasury) / 10_000n)).toBe(true)
    // the contract's rule (the one this file replays) reproduces every settled share
    for (const x of settled) {
      const r = replay([x], null)
      for (const q of PARTIES) expect(r[q], q).toBe(x.shares[q])
    }
  })
})

describe('feeWhatIf over GraphQL', () => {
  for (const [name, p] of [
    ['the month of the seeded policy change', () => change],
    ['the extension (odd price, grace price, odd policy)', () => extension],
    ['the whole chain', () => all],
  ] as const) {
    it(`identity (no split, no multiplier), ${name}: the settled figures to the wei, per party, from raw logs`, async () => {
      const r = await ask(p())
      expect(r.errors).toBeUndefined()
      const w = r.data!.feeWhatIf
      const xs = inP(p())
      const raw = { fee: 0n, creator: 0n, contributors: 0n, infra: 0n, treasury: 0n, burn: 0n }
      for (const x of xs) {
        raw.fee += x.fee
        for (const q of PARTIES) raw[q] += x.shares[q]
      }
      expect(w.identityHolds).toBe(true)
      expect(w.split).toBe('in force')
      expect(w.priceMultiplier).toBe('1/1')
      expect(w.inferences).toBe(xs.length)
      expect(w.settledFees).toBe(raw.fee.toString())
      expect(w.whatIfFees).toBe(raw.fee.toString())
      expect(w.parties.map((x) => [x.party, x.bps, x.settled, x.whatIf, x.change])).toEqual(PARTIES.map((q) => [q, null, raw[q].toString(), raw[q].toString(), '0']))
      const up = expectedUpkeep(p())
      expect(w.upkeepCost).toBe(up.upkeepCost?.toString() ?? null)
      const maint = raw.creator + raw.contributors + raw.infra
      expect(w.whatIfCoverage).toBe(frac(maint, up.upkeepCost!))
      expect(w.settledCoverage).toBe(w.whatIfCoverage)
    })
  }

  for (const [name, period] of [
    ['the seeded policy change', () => change],
    ['the extension', () => extension],
  ] as const)
  it(`another split (5000/2000/1500/1000/500) and a 1.5 multiplier across ${name}: every party, model and operator from raw logs`, async () => {
    const split = { creator: 5000, contributors: 2000, infra: 1500, treasury: 1000, burn: 500 }
    const big = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, BigInt(v)])) as Bps
    const p = period()
    const r = await ask(p, split, '1.5')
    expect(r.errors).toBeUndefined()
    const w = r.data!.feeWhatIf
    const xs = inP(p)
    const want = replay(xs, big, 3n, 2n)
    const base = replay(xs, null)
    expect(w.split).toBe('5000/2000/1500/1000/500')
    expect(w.priceMultiplier).toBe('3/2')
    expect(w.whatIfFees).toBe(want.fee.toString())
    expect(w.parties.map((x) => [x.party, x.bps, x.whatIf, x.change])).toEqual(PARTIES.map((q) => [q, split[q], want[q].toString(), (want[q] - base[q]).toString()]))
    const up = expectedUpkeep(p)
    /** the what-if replay of one model's or operator's inferences */
    const whatIfOf = (mine: (x: Settled) => boolean) => replay(xs.filter(mine), big, 3n, 2n)
    expect(w.whatIfMaintainerFeeIncome).toBe((want.creator + want.contributors + want.infra).toString())
    expect(w.whatIfCoverage).toBe(frac(want.creator + want.contributors + want.infra, up.upkeepCost!))
    for (const m of up.models) {
      const mine = whatIfOf((x) => x.model === m.modelId)
      const got = w.models.find((x) => x.modelId === m.modelId)!
      expect(got, `model ${m.modelId}`).toEqual({
        modelId: m.modelId,
        settledIncome: xs.filter((x) => x.model === m.modelId).reduce((a, x) => a + x.shares.creator + x.shares.contributors, 0n).toString(),
        whatIfIncome: (mine.creator + mine.contributors).toString(),
        upkeepCost: m.upkeepCost?.toString() ?? null,
        settledCoverage: m.upkeepCost === null ? null : frac(m.maintainerFeeIncome, m.upkeepCost),
        whatIfCoverage: m.upkeepCost === null ? null : frac(mine.creator + mine.contributors, m.upkeepCost),
      })
    }
    expect(w.operators.length).toBe(up.operators.length)
    for (const o of up.operators) {
      const mine = whatIfOf((x) => x.operator === o.operatorId)
      const got = w.operators.find((x) => x.operatorId === o.operatorId)!
      expect(got, `operator ${o.operatorId}`).toEqual({
        operatorId: o.operatorId,
        settledInfraFees: o.infraFees.toString(),
        whatIfInfraFees: mine.infra.toString(),
        servingCost: o.servingCost.toString(),
        whatIfCoverage: frac(mine.infra, o.servingCost),
        whatIfMargin: (mine.infra - o.servingCost).toString(),
      })
    }
  })

  it('a multiplier that floors prices ("2/3") under the policies in force; an omitted party is 0 bps', async () => {
    const xs = inP(all)
    const r = await ask(all, null, '2/3')
    expect(r.errors).toBeUndefined()
    const want = replay(xs, null, 2n, 3n)
    expect(xs.some((x) => ((x.fee / x.units) * 2n) % 3n !== 0n)).toBe(true)
    expect(r.data!.feeWhatIf.parties.map((x) => x.whatIf)).toEqual(PARTIES.map((q) => want[q].toString()))
    const noBurn = { creator: 4000, contributors: 3000, infra: 2000, treasury: 1000 }
    const r2 = await ask(all, noBurn)
    expect(r2.errors).toBeUndefined()
    const nb = replay(xs, { creator: 4000n, contributors: 3000n, infra: 2000n, treasury: 1000n, burn: 0n })
    expect(nb.burn).toBe(0n)
    expect(r2.data!.feeWhatIf.parties.map((x) => [x.party, x.bps, x.whatIf])).toEqual(PARTIES.map((q) => [q, q === 'burn' ? 0 : noBurn[q], nb[q].toString()]))
  })

  it('a period before any activity: known zeros for the amounts, coverage null with a reason (never 0)', async () => {
    const r = await ask(BEFORE_GENESIS, { creator: 10_000 }, '2')
    expect(r.errors).toBeUndefined()
    const w = r.data!.feeWhatIf
    expect([w.inferences, w.whatIfFees, w.identityHolds, w.whatIfCoverage, w.settledCoverage]).toEqual([0, '0', true, null, null])
    // the assumptions' OPEN price path starts after this period: the cost is unknown, with its reason
    expect(w.upkeepCost).toBeNull()
    expect(w.unknowns.map((u) => u.field)).toContain('upkeepCost')
    expect(w.parties.map((x) => x.whatIf)).toEqual(['0', '0', '0', '0', '0'])
    expect(w.unknowns.map((u) => u.field)).toContain('whatIfCoverage')
  })

  it('refuses bad input with BAD_USER_INPUT and a clear message, and changes nothing', async () => {
    const before = await ask(change)
    const pool = new pg.Pool({ connectionString: t.db.url })
    const policies = async () => (await pool.query('select * from fee_policy_version order by version')).rows
    const policiesBefore = await policies()
    const bad: [string, Parameters<typeof ask>, RegExp][] = [
      ['sum below 10000', [change, { creator: 5000, contributors: 2000, infra: 1500, treasury: 1000, burn: 400 }], /sum to 10000 bps.*9900/],
      ['sum above 10000', [change, { creator: 9000, contributors: 2000 }], /sum to 10000 bps.*11000/],
      ['an empty split', [change, []], /sum to 10000/],
      ['an unknown party', [change, [{ party: 'stakers', bps: 10_000 }]], /unknown party "stakers"/],
      ['a party twice', [change, [{ party: 'creator', bps: 5000 }, { party: 'creator', bps: 5000 }]], /twice/],
      ['negative bps', [change, { creator: 11000, burn: -1000 }], /whole number from 0/],
      ['a negative multiplier', [change, null, '-1.5'], /must not be negative/],
      ['a malformed multiplier', [change, null, '1.5x'], /decimal such as/],
      ['a zero multiplier', [change, null, '0'], /above 0/],
      ['a zero denominator', [change, null, '3/0'], /denominator/],
      ['an empty period', [{ from: change.to, to: change.from }], /must be before/],
      ['an equal-ends period', [{ from: change.from, to: change.from }], /must be before/],
    ]
    for (const [name, args, message] of bad) {
      const r = await ask(...args)
      expect(r.data?.feeWhatIf ?? null, name).toBeNull()
      expect(r.errors?.[0]?.extensions?.code, name).toBe('BAD_USER_INPUT')
      expect(r.errors?.[0]?.message, name).toMatch(message)
    }
    const malformedPeriod = await t.gql(Q, { from: 'yesterday', to: change.to.toISOString() })
    expect(malformedPeriod.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT')
    expect(await ask(change)).toEqual(before)
    expect(await policies()).toEqual(policiesBefore)
    await pool.end()
  })
})

describe('the governance report', () => {
  it('shows the what-ifs of the month: the identity reproduces the chain, other scenarios equal the raw-log replay', async () => {
    const pool = new pg.Pool({ connectionString: t.db.url })
    const metrics = new Metrics(t.warehouse, pool, {
      treasury: t.devnet.manifest.accounts.treasury,
      distributor: t.devnet.manifest.contracts.RewardsDistributor,
      stakingBank: t.devnet.manifest.accounts.stakingBank,
      assumptions: readAssumptions(ASSUMPTIONS_FILE),
    })
    try {
      const month = change.from.toISOString().slice(0, 7)
      const data = await buildReportData(metrics, pool, month, { dbUrl: t.db.url })
      const xs = inP(change)
      const policies = events.filter((e) => e.key === 'FeePolicy.FeePolicySet' && e.t * 1000 < change.to.getTime())
      const last = policies[policies.length - 1].args
      const latest: Bps = { creator: BigInt(last.creatorBps as number), contributors: BigInt(last.contributorsBps as number), infra: BigInt(last.infraBps as number), treasury: BigInt(last.treasuryBps as number), burn: BigInt(last.burnBps as number) }
      const want: [string, ReturnType<typeof replay>][] = [
        ['as settled (identity)', replay(xs, null)],
        ['month-end split all month', replay(xs, latest)],
        ['prices × 1/2', replay(xs, null, 1n, 2n)],
        ['prices × 3/2', replay(xs, null, 3n, 2n)],
      ]
      expect(data.whatIfs.map((w) => [w.scenario, w.result.whatIfFees, ...w.result.parties.map((x) => x.whatIf), w.result.identityHolds])).toEqual(
        want.map(([s, r]) => [s, r.fee, ...PARTIES.map((q) => r[q]), true]),
      )
      // the month-end split differs from the one in force early in the month: the replay moves money
      expect(want[1][1].creator).not.toBe(want[0][1].creator)
      const md = renderMarkdown(data)
      expect(md).toContain('## Governance what-ifs')
      expect(md).toMatch(/\| as settled \(identity\) \| in force \| 1\/1 \|.*\| yes \|/)
      const csv = renderCsv(data)
      const title = 'Governance what-ifs: the month replayed under another split or price (same units; docs/METRICS.md)'
      const cell = (v: bigint) => (openText(v).includes(',') ? `"${openText(v)}"` : openText(v))
      expect(csv).toContain(`${title},prices × 3/2,burn (OPEN),${cell(want[3][1].burn)}\n`)
      expect(csv).toContain(`${title},as settled (identity),treasury (OPEN),${cell(want[0][1].treasury)}\n`)
      expect(csv).toContain(`${title},month-end split all month,creator (OPEN),${cell(want[1][1].creator)}\n`)
    } finally {
      metrics.close()
      await pool.end()
    }
  })
})

/** OPEN with all decimals, trailing zeros trimmed, thousands separated (written here again) */
function openText(v: bigint): string {
  const neg = v < 0n
  const a = neg ? -v : v
  const whole = (a / 10n ** 18n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const f = (a % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return (neg ? '-' : '') + whole + (f ? '.' + f : '')
}
