// The metrics of src/analytics computed independently from raw chain logs (eth_getLogs decoded
// with viem and the ABI JSON, block timestamps from getBlock), in plain TypeScript with bigint
// arithmetic, following the definitions of docs/METRICS.md. Nothing here imports the metrics
// module's helpers (ratio, concentrationOf, vestedAt): ratios, concentration and vesting are
// derived again below. Used by test/warehouse/metrics.test.ts (the small workload) and
// test/indexer/reorg-metrics.test.ts (the same chain after state-changing reorgs, kills and a
// ClickHouse failure).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { Address, PublicClient } from 'viem'
import type { RawEvent } from './raw-events'
import { ChainStakeValues, type Span, type StakeLife } from './stake-values'
import { frac } from './fraction'
import type { Interval, Period } from '../../src/analytics'
import type { DeploymentManifest } from '../../src/devnet/manifest'

export const ZERO = '0x0000000000000000000000000000000000000000'
export const DAY = 86_400
export const DAY_MS = DAY * 1000
export const E18 = 10n ** 18n
export const SUPPLY = 1_000_000_000n * E18

// ------------------------------------------------------------------ independent arithmetic

export function sumOf(xs: bigint[]): bigint {
  let s = 0n
  for (const x of xs) s += x
  return s
}

/** Gini, HHI (0..10 000) and top-10 share, from the formulas of docs/METRICS.md. */
export function concentration(totals: Iterable<bigint>) {
  const xs = [...totals].filter((x) => x > 0n).sort((a, b) => (a === b ? 0 : a < b ? -1 : 1))
  const n = BigInt(xs.length)
  const total = sumOf(xs)
  if (xs.length === 0) return { recipients: 0, total: 0n, gini: null, hhi: null, top10Share: null }
  let iw = 0n
  for (let i = 0; i < xs.length; i++) iw += BigInt(i + 1) * xs[i]
  // (2 Σ i·x(i)) / (n Σx) − (n+1)/n, as one fraction over n Σx
  const gini = frac(2n * iw - (n + 1n) * total, n * total)
  const hhi = frac(10_000n * sumOf(xs.map((x) => x * x)), total * total, 2)
  const desc = [...xs].reverse()
  const top10 = frac(sumOf(desc.slice(0, 10)), total)
  return { recipients: xs.length, total, gini, hhi, top10Share: top10 }
}

/** USD amount of `amount` base units at a decimal price, truncated to cents. */
export function usd(amount: bigint, price: string): string {
  const [w, f = ''] = price.split('.')
  const scaled = BigInt(w + f) // price × 10^f.length
  return frac(amount * scaled, E18 * 10n ** BigInt(f.length), 2)!
}

// ------------------------------------------------------------------ time

export const sec = (d: Date) => d.getTime() / 1000
export const inPeriod = (t: number, p: Period) => t * 1000 >= p.from.getTime() && t * 1000 < p.to.getTime()
export const before = (t: number, at: Date) => t * 1000 < at.getTime()
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

export function bucketOf(t: number, interval: Interval): string {
  const d = new Date(t * 1000)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  if (interval === 'month') return isoDay(Date.UTC(y, m, 1))
  const dayStart = Date.UTC(y, m, d.getUTCDate())
  if (interval === 'day') return isoDay(dayStart)
  const sinceMonday = (d.getUTCDay() + 6) % 7
  return isoDay(dayStart - sinceMonday * DAY_MS)
}

export const utc = (s: string) => new Date(s)
export const period = (from: string, to: string): Period => ({ from: utc(from), to: utc(to) })

// the whole run (genesis is 2025-09-08, 440 days), one month in the middle, and an odd window
// whose edges are not midnight and whose first week starts before it
export const WHOLE = period('2025-09-01T00:00:00Z', '2026-12-01T00:00:00Z')
export const MONTH = period('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')
export const ODD = period('2026-02-10T12:00:00Z', '2026-05-20T06:30:00Z')
export const PERIODS: [string, Period][] = [
  ['whole run', WHOLE],
  ['2026-03', MONTH],
  ['odd window', ODD],
]
export const BEFORE_GENESIS = period('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')

// ------------------------------------------------------------------ facts folded from raw logs

export interface Inference {
  t: number
  /** the settling transaction (a batch's ServingCostCommitted logs share it) */
  tx: string
  modelId: string
  operatorId: string
  payer: string
  agent: boolean
  units: bigint
  fee: bigint
  creator: bigint
  contributors: bigint
  infra: bigint
  treasury: bigint
  burn: bigint
}
export interface Timed {
  t: number
  amount: bigint
}

let manifest: DeploymentManifest
let events: RawEvent[] = []

export function blankFacts() {
  return {
    inferences: [] as Inference[],
    incentives: [] as (Timed & { recipient: string; role: number })[],
    deployments: [] as Timed[], // amount = the deployment fee paid at registration
    stakes: new Map<string, { principal: bigint; unstakedAt: number | null; events: { t: number; amount: bigint }[] }>(),
    escrow: [] as (Timed & { sign: 1n | -1n })[], // deposits +, withdrawals −
    modelLife: new Map<string, { registeredAt: number; retiredAt: number | null; deploymentFee: bigint }>(),
    unstakes: [] as (Timed & { stakingId: string })[], // amount = interest
    releases: [] as (Timed & { scheduleId: string })[],
    burns: [] as Timed[],
    transfers: [] as (Timed & { from: string; to: string })[],
    attribution: [] as (Timed & { modelId: string; contributor: string; datanetId: string })[],
    creatorPaid: [] as (Timed & { who: string })[],
    operatorPaid: [] as (Timed & { who: string })[],
    contributions: [] as { t: number; contributor: string; datanetId: string }[],
    schedules: [] as { id: string; t: number; total: bigint; start: bigint; cliff: bigint; duration: bigint }[],
    slashes: [] as (Timed & { toTreasury: bigint; toBurn: bigint })[],
    agentEvents: [] as RawEvent[],
    operators: new Map<string, { account: string; registeredAt: number; removedAt: number | null }>(),
    models: new Map<string, { owner: string; retired: boolean }>(),
    datanetNames: new Map<string, string>(),
    policies: [] as RawEvent[],
    batches: [] as RawEvent[],
    /** ServingCostCommitted: CPU µs an operator committed for one model's receipts of a batch */
    servingCosts: [] as { t: number; tx: string; operatorId: string; modelId: string; cpuMicros: bigint }[],
    /** AdapterCostDeclared, in chain order */
    declarations: [] as { t: number; modelId: string; microUsdPerMonth: bigint }[],
    /** staking interest accrued, per span (from the contract's own values: loadAccruals) */
    accruals: [] as Span[],
  }
}

/** The facts of one chain, folded from its raw logs by loadFacts (one chain per test file at a time). */
export const F = blankFacts()

/**
 * Staking interest on an accrual basis from the chain (test/helpers/stake-values.ts): the stakes'
 * lives from the raw Staking logs, their values from eth_calls of the contract's calculateAmount.
 * Call after loadFacts; the index has closed the days before the last event's day.
 */
export async function loadAccruals(client: PublicClient): Promise<void> {
  const lives = new Map<string, StakeLife>()
  // the shared devnet is loaded from a state dump (no history): stakes are followed through the logs
  // and valued by the contract at the head, which needs the one config the workload stakes on
  // (config 1, src/workload/run.ts) never to have changed
  expect(events.filter((e) => e.key === 'Staking.ConfigCreated').map((e) => String(e.args.configId))).toEqual(['1'])
  expect(events.filter((e) => e.key === 'Staking.ConfigSet' || e.key === 'Staking.CommitStake')).toEqual([])
  for (const e of events) {
    const id = String(e.args.stakingId)
    if (e.key === 'Staking.Staked') lives.set(id, { id, start: e.t, adds: [{ t: e.t, amount: e.args.amount as bigint }], stop: null, configId: 1n })
    else if (e.key === 'Staking.ToppedUp') lives.get(id)!.adds.push({ t: e.t, amount: e.args.amount as bigint })
    else if (e.key === 'Staking.RequestUnstake' || e.key === 'Staking.Unstaked') lives.get(id)!.stop ??= e.t
  }
  const values = new ChainStakeValues(client, manifest.contracts.Staking as Address, 'head')
  const horizon = Math.floor(events[events.length - 1].t / DAY) * DAY
  F.accruals = []
  const all = [...lives.values()]
  for (let i = 0; i < all.length; i += 8) F.accruals.push(...(await Promise.all(all.slice(i, i + 8).map((l) => values.spans(l, horizon)))).flat())
}

/** Folds a chain's raw logs (in chain order) into F; replaces what an earlier call folded. */
export function loadFacts(chainEvents: RawEvent[], m: DeploymentManifest): void {
  events = chainEvents
  manifest = m
  Object.assign(F, blankFacts())
  fold()
}

function fold(): void {
  const agentAccounts = new Set<string>()
  const principal = new Map<string, bigint>()
  const bank = manifest.accounts.stakingBank.toLowerCase()
  for (const e of events) {
    const a = e.args
    switch (e.key) {
      case 'InferenceSettlement.InferenceSettled': {
        const payer = String(a.payer).toLowerCase()
        F.inferences.push({
          t: e.t,
          tx: e.tx,
          modelId: String(a.modelId),
          operatorId: String((a.requestId as bigint) >> 64n),
          payer,
          agent: agentAccounts.has(payer), // the payer's agent flag at settlement time
          units: a.units as bigint,
          fee: a.fee as bigint,
          creator: a.creatorShare as bigint,
          contributors: a.contributorsShare as bigint,
          infra: a.infraShare as bigint,
          treasury: a.treasuryShare as bigint,
          burn: a.burnShare as bigint,
        })
        break
      }
      case 'AgentRegistry.AgentRegistered':
        agentAccounts.add(String(a.account).toLowerCase())
        F.agentEvents.push(e)
        break
      case 'AgentRegistry.AgentStakeIncreased':
      case 'AgentRegistry.AgentExitRequested':
      case 'AgentRegistry.AgentWithdrawn':
        F.agentEvents.push(e)
        break
      case 'AgentRegistry.AgentSlashed':
        F.agentEvents.push(e)
        F.slashes.push({ t: e.t, amount: a.amount as bigint, toTreasury: a.toTreasury as bigint, toBurn: a.toBurn as bigint })
        break
      case 'RewardsDistributor.IncentivePaid':
        F.incentives.push({ t: e.t, amount: a.amount as bigint, recipient: String(a.recipient).toLowerCase(), role: Number(a.role) })
        break
      case 'Staking.Staked':
        principal.set(String(a.stakingId), a.amount as bigint)
        F.stakes.set(String(a.stakingId), { principal: 0n, unstakedAt: null, events: [{ t: e.t, amount: a.amount as bigint }] })
        break
      case 'Staking.ToppedUp':
        principal.set(String(a.stakingId), principal.get(String(a.stakingId))! + (a.amount as bigint))
        F.stakes.get(String(a.stakingId))!.events.push({ t: e.t, amount: a.amount as bigint })
        break
      case 'InferenceSettlement.EscrowDeposited':
        F.escrow.push({ t: e.t, amount: a.amount as bigint, sign: 1n })
        break
      case 'InferenceSettlement.EscrowWithdrawn':
        F.escrow.push({ t: e.t, amount: a.amount as bigint, sign: -1n })
        break
      case 'Staking.Unstaked': {
        const to = String(a.recipient).toLowerCase()
        const payout = events.find(
          (x) => x.tx === e.tx && x.key === 'OpenToken.Transfer' && String(x.args.from).toLowerCase() === bank && String(x.args.to).toLowerCase() === to,
        )
        if (!payout) throw new Error(`no bank payout in unstake tx ${e.tx}`)
        F.unstakes.push({ t: e.t, stakingId: String(a.stakingId), amount: (payout.args.value as bigint) - principal.get(String(a.stakingId))! })
        F.stakes.get(String(a.stakingId))!.unstakedAt = e.t
        break
      }
      case 'TokenVesting.ScheduleCreated':
        F.schedules.push({ id: String(a.scheduleId), t: e.t, total: a.total as bigint, start: BigInt(a.start as bigint), cliff: BigInt(a.cliff as bigint), duration: BigInt(a.duration as bigint) })
        break
      case 'TokenVesting.TokensReleased':
        F.releases.push({ t: e.t, amount: a.amount as bigint, scheduleId: String(a.scheduleId) })
        break
      case 'OpenToken.Transfer': {
        const from = String(a.from).toLowerCase()
        const to = String(a.to).toLowerCase()
        F.transfers.push({ t: e.t, amount: a.value as bigint, from, to })
        if (to === ZERO) F.burns.push({ t: e.t, amount: a.value as bigint })
        break
      }
      case 'AttributionSettlement.AttributionPaid':
        F.attribution.push({ t: e.t, amount: a.amount as bigint, modelId: String(a.modelId), contributor: String(a.contributor).toLowerCase(), datanetId: String(a.datanetId) })
        break
      case 'InferenceSettlement.CreatorPaid':
        F.creatorPaid.push({ t: e.t, amount: a.amount as bigint, who: String(a.creator).toLowerCase() })
        break
      case 'InferenceSettlement.OperatorPaid':
        F.operatorPaid.push({ t: e.t, amount: a.amount as bigint, who: String(a.account).toLowerCase() })
        break
      case 'DatanetRegistry.ContributionRecorded':
        F.contributions.push({ t: e.t, contributor: String(a.contributor).toLowerCase(), datanetId: String(a.datanetId) })
        break
      case 'DatanetRegistry.DatanetCreated':
        F.datanetNames.set(String(a.datanetId), String(a.name))
        break
      case 'InferenceSettlement.OperatorRegistered':
        F.operators.set(String(a.operatorId), { account: String(a.account).toLowerCase(), registeredAt: e.t, removedAt: null })
        break
      case 'InferenceSettlement.OperatorRemoved':
        F.operators.get(String(a.operatorId))!.removedAt = e.t
        break
      case 'ModelRegistry.ModelRegistered':
        F.models.set(String(a.modelId), { owner: String(a.owner).toLowerCase(), retired: false })
        F.deployments.push({ t: e.t, amount: a.deploymentFee as bigint })
        F.modelLife.set(String(a.modelId), { registeredAt: e.t, retiredAt: null, deploymentFee: a.deploymentFee as bigint })
        break
      case 'ModelRegistry.ModelRetired':
        F.models.get(String(a.modelId))!.retired = true
        F.modelLife.get(String(a.modelId))!.retiredAt = e.t
        break
      case 'FeePolicy.FeePolicySet':
        F.policies.push(e)
        break
      case 'InferenceSettlement.BatchSettled':
        F.batches.push(e)
        break
      case 'InferenceSettlement.ServingCostCommitted':
        F.servingCosts.push({ t: e.t, tx: e.tx, operatorId: String(a.operatorId), modelId: String(a.modelId), cpuMicros: a.cpuMicros as bigint })
        break
      case 'ModelRegistry.AdapterCostDeclared':
        F.declarations.push({ t: e.t, modelId: String(a.modelId), microUsdPerMonth: a.microUsdPerMonth as bigint })
        break
    }
  }
}

// ------------------------------------------------------------------ expected metrics

export function expectedSustainability(p: Period, interval: Interval) {
  const blank = () => ({
    inferences: 0,
    units: 0n,
    payers: new Set<string>(),
    fees: 0n,
    creator: 0n,
    contributors: 0n,
    infra: 0n,
    treasury: 0n,
    burn: 0n,
    agent: 0n,
    deployment: 0n,
    rewards: 0n,
    maintainerRewards: 0n,
    stakerRewards: 0n,
    interest: 0n,
    interestPaid: 0n,
    unlocks: 0n,
    burns: 0n,
  })
  type Acc = ReturnType<typeof blank>
  const total = blank()
  const buckets = new Map<string, Acc>()
  const accs = (t: number): Acc[] => {
    const k = bucketOf(t, interval)
    if (!buckets.has(k)) buckets.set(k, blank())
    return [buckets.get(k)!, total]
  }
  for (const i of F.inferences.filter((x) => inPeriod(x.t, p))) {
    for (const a of accs(i.t)) {
      a.inferences++
      a.units += i.units
      a.payers.add(i.payer)
      a.fees += i.fee
      a.creator += i.creator
      a.contributors += i.contributors
      a.infra += i.infra
      a.treasury += i.treasury
      a.burn += i.burn
      if (i.agent) a.agent += i.fee
    }
  }
  for (const x of F.incentives.filter((x) => inPeriod(x.t, p))) {
    for (const a of accs(x.t)) {
      a.rewards += x.amount
      if (x.role === 0 || x.role === 1 || x.role === 3) a.maintainerRewards += x.amount // creator, contributor, operator
      if (x.role === 2) a.stakerRewards += x.amount // staker
    }
  }
  for (const x of F.deployments.filter((x) => inPeriod(x.t, p))) for (const a of accs(x.t)) a.deployment += x.amount
  for (const x of F.unstakes.filter((x) => inPeriod(x.t, p))) for (const a of accs(x.t)) a.interestPaid += x.amount
  // accrual basis: the spans that start in the period (docs/METRICS.md, "Staking interest")
  for (const x of F.accruals.filter((x) => inPeriod(x.from, p))) for (const a of accs(x.from)) a.interest += x.interest
  for (const x of F.releases.filter((x) => inPeriod(x.t, p))) for (const a of accs(x.t)) a.unlocks += x.amount
  for (const x of F.burns.filter((x) => inPeriod(x.t, p))) for (const a of accs(x.t)) a.burns += x.amount
  const point = (periodStart: string, a: Acc) => {
    // Token Terminal / DefiLlama: fees = what users paid (inference + deployment); revenue = fees
    // − supply-side fees, i.e. what the treasury keeps plus what is burned for holders
    const fees = a.fees + a.deployment
    const supply = a.creator + a.contributors + a.infra
    const revenue = fees - supply
    const stakers = a.stakerRewards + a.interest
    const other = a.rewards - a.maintainerRewards - a.stakerRewards
    return {
      periodStart,
      inferences: a.inferences,
      units: a.units,
      payers: a.payers.size,
      fees,
      inferenceFees: a.fees,
      deploymentFees: a.deployment,
      creatorFees: a.creator,
      contributorFees: a.contributors,
      infraFees: a.infra,
      supplySideFees: supply,
      treasuryFees: a.treasury,
      feeBurns: a.burn,
      treasuryRevenue: a.treasury + a.deployment,
      holdersRevenue: a.burn,
      revenue,
      burns: a.burns,
      takeRate: frac(revenue, fees),
      rewardsEmissions: a.rewards,
      stakingInterest: a.interest,
      stakingInterestPaid: a.interestPaid,
      maintainerIncentives: a.maintainerRewards,
      stakerIncentives: stakers,
      otherIncentives: other,
      tokenIncentives: a.rewards + a.interest,
      vestingUnlocks: a.unlocks,
      earnings: revenue - (a.rewards + a.interest),
      maintainerFeePayouts: supply,
      feeFundedShare: frac(supply, supply + a.maintainerRewards),
      agentFees: a.agent,
      agentFeeShare: frac(a.agent, a.fees),
    }
  }
  return {
    totals: point(isoDay(p.from.getTime()), total),
    series: [...buckets.keys()].sort().map((k) => point(k, buckets.get(k)!)),
  }
}

export const byAmountThenId = <T>(amount: (x: T) => bigint, id: (x: T) => string) => (a: T, b: T) =>
  amount(a) !== amount(b) ? (amount(a) > amount(b) ? -1 : 1) : Number(id(a)) - Number(id(b)) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)

export function expectedModels(p: Period, limit: number) {
  const m = new Map<string, { inferences: number; units: bigint; fees: bigint; creator: bigint; contributors: bigint }>()
  for (const i of F.inferences.filter((x) => inPeriod(x.t, p))) {
    const r = m.get(i.modelId) ?? { inferences: 0, units: 0n, fees: 0n, creator: 0n, contributors: 0n }
    r.inferences++
    r.units += i.units
    r.fees += i.fee
    r.creator += i.creator
    r.contributors += i.contributors
    m.set(i.modelId, r)
  }
  const paid = new Map<string, bigint>()
  for (const x of F.attribution.filter((x) => inPeriod(x.t, p))) paid.set(x.modelId, (paid.get(x.modelId) ?? 0n) + x.amount)
  // every model with fees or attribution paid in the period (a retired model's last epoch is paid
  // after its last inference: its payout belongs to it all the same)
  for (const modelId of paid.keys()) if (!m.has(modelId)) m.set(modelId, { inferences: 0, units: 0n, fees: 0n, creator: 0n, contributors: 0n })
  return [...m.entries()]
    .map(([modelId, r]) => ({
      modelId,
      owner: F.models.get(modelId)!.owner,
      retired: F.models.get(modelId)!.retired,
      inferences: r.inferences,
      units: r.units,
      fees: r.fees,
      creatorFees: r.creator,
      contributorFees: r.contributors,
      attributionPaid: paid.get(modelId) ?? 0n,
    }))
    .sort(byAmountThenId((x) => x.fees, (x) => x.modelId))
    .slice(0, limit)
}

export function expectedDatanets(p: Period, limit: number) {
  const paid = new Map<string, { amount: bigint; n: number }>()
  for (const x of F.attribution.filter((x) => inPeriod(x.t, p))) {
    const r = paid.get(x.datanetId) ?? { amount: 0n, n: 0 }
    r.amount += x.amount
    r.n++
    paid.set(x.datanetId, r)
  }
  const contribs = F.contributions.filter((x) => inPeriod(x.t, p))
  // every datanet with payouts or contributions in the period
  for (const c of contribs) if (!paid.has(c.datanetId)) paid.set(c.datanetId, { amount: 0n, n: 0 })
  return [...paid.entries()]
    .map(([datanetId, r]) => {
      const mine = contribs.filter((c) => c.datanetId === datanetId)
      return {
        datanetId,
        name: F.datanetNames.get(datanetId) ?? null,
        attributionPaid: r.amount,
        payouts: r.n,
        contributors: new Set(mine.map((c) => c.contributor)).size,
        contributions: mine.length,
        // datanet yield: OPEN paid by attribution per contribution made in the period
        attributionPerContribution: frac(r.amount, BigInt(mine.length)),
      }
    })
    .sort(byAmountThenId((x) => x.attributionPaid, (x) => x.datanetId))
    .slice(0, limit)
}

export function expectedContributors(p: Period, limit: number, who?: string) {
  const paid = new Map<string, bigint>()
  for (const x of F.attribution.filter((x) => inPeriod(x.t, p) && (!who || x.contributor === who.toLowerCase())))
    paid.set(x.contributor, (paid.get(x.contributor) ?? 0n) + x.amount)
  const contribs = F.contributions.filter((x) => inPeriod(x.t, p))
  const incentives = F.incentives.filter((x) => inPeriod(x.t, p) && x.role === 1)
  // every contributor who earned in the period: attribution (fees) or contributor incentives (emissions)
  for (const x of incentives) if (!paid.has(x.recipient) && (!who || x.recipient === who.toLowerCase())) paid.set(x.recipient, 0n)
  return [...paid.entries()]
    .map(([contributor, amount]) => {
      const mine = contribs.filter((c) => c.contributor === contributor)
      return {
        contributor,
        attributionPaid: amount,
        incentives: sumOf(incentives.filter((x) => x.recipient === contributor).map((x) => x.amount)),
        contributions: mine.length,
        datanets: new Set(mine.map((c) => c.datanetId)).size,
      }
    })
    .sort((a, b) => (a.attributionPaid !== b.attributionPaid ? (a.attributionPaid > b.attributionPaid ? -1 : 1) : a.contributor < b.contributor ? -1 : 1))
    .slice(0, limit)
}

export function expectedRetention(p: Period) {
  const monthIdx = (t: number) => {
    const d = new Date(t * 1000)
    return d.getUTCFullYear() * 12 + d.getUTCMonth()
  }
  const label = (i: number) => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`
  const fromM = monthIdx(sec(p.from))
  const lastM = monthIdx(sec(p.to) - 0.001)
  const months = new Map<string, Set<number>>()
  const first = new Map<string, number>()
  for (const c of F.contributions.filter((x) => before(x.t, p.to))) {
    const m = monthIdx(c.t)
    if (!months.has(c.contributor)) months.set(c.contributor, new Set())
    months.get(c.contributor)!.add(m)
    if (!first.has(c.contributor) || m < first.get(c.contributor)!) first.set(c.contributor, m)
  }
  const cohorts = new Map<number, string[]>()
  for (const [who, m] of first) if (m >= fromM) cohorts.set(m, [...(cohorts.get(m) ?? []), who])
  return [...cohorts.keys()]
    .sort((a, b) => a - b)
    .map((m) => {
      const members = cohorts.get(m)!
      const active: number[] = []
      for (let k = 0; m + k <= lastM; k++) active.push(members.filter((w) => months.get(w)!.has(m + k)).length)
      return { cohort: label(m), size: members.length, active, rates: active.map((a) => frac(BigInt(a), BigInt(members.length))!) }
    })
}

export function expectedConcentration(p: Period) {
  const per = new Map<string, bigint>()
  const add = (who: string, v: bigint) => per.set(who, (per.get(who) ?? 0n) + v)
  for (const x of F.attribution.filter((x) => inPeriod(x.t, p))) add(x.contributor, x.amount)
  for (const x of F.creatorPaid.filter((x) => inPeriod(x.t, p))) add(x.who, x.amount)
  for (const x of F.operatorPaid.filter((x) => inPeriod(x.t, p))) add(x.who, x.amount)
  return concentration(per.values())
}

/** decaying when last·10^6 < k·prev, with the threshold k/10^6 given to 6 decimals */
export function expectedDecay(at: Date, thresholdMicros: bigint) {
  const end = sec(at)
  const per = new Map<string, { last: bigint; prev: bigint; uLast: bigint; uPrev: bigint }>()
  for (const i of F.inferences) {
    if (i.t >= end || i.t < end - 60 * DAY) continue
    const r = per.get(i.modelId) ?? { last: 0n, prev: 0n, uLast: 0n, uPrev: 0n }
    if (i.t >= end - 30 * DAY) {
      r.last += i.fee
      r.uLast += i.units
    } else {
      r.prev += i.fee
      r.uPrev += i.units
    }
    per.set(i.modelId, r)
  }
  return [...per.entries()]
    .map(([modelId, r]) => {
      const life = F.modelLife.get(modelId)!
      const retired = life.retiredAt !== null && life.retiredAt < end
      // decay is measured in units (a price change is not decay); a retired model is never flagged
      return {
        modelId,
        retired,
        unitsLast30: r.uLast,
        unitsPrev30: r.uPrev,
        feesLast30: r.last,
        feesPrev30: r.prev,
        change: frac(r.uLast - r.uPrev, r.uPrev),
        decaying: !retired && r.uPrev > 0n && r.uLast * 1_000_000n < thresholdMicros * r.uPrev,
      }
    })
    .sort((a, b) => (a.decaying === b.decaying ? Number(a.modelId) - Number(b.modelId) : a.decaying ? -1 : 1))
}

export const feesIn = (from: number, to: number) => sumOf(F.inferences.filter((i) => i.t >= from && i.t < to).map((i) => i.fee))

export function vested(s: (typeof F.schedules)[number], t: bigint): bigint {
  // 0 before start + cliff, then total × min(t − start − cliff, duration) ÷ duration, floored
  if (t < s.start + s.cliff) return 0n
  const elapsed = t - s.start - s.cliff
  return (s.total * (elapsed < s.duration ? elapsed : s.duration)) / s.duration
}

export function expectedOverhang(at: Date) {
  const now = BigInt(Math.floor(sec(at)))
  let next30 = 0n
  let next90 = 0n
  let vestedNow = 0n
  for (const s of F.schedules.filter((x) => before(x.t, at))) {
    const v = vested(s, now)
    vestedNow += v
    next30 += vested(s, now + 30n * BigInt(DAY)) - v
    next90 += vested(s, now + 90n * BigInt(DAY)) - v
  }
  const released = sumOf(F.releases.filter((r) => before(r.t, at)).map((r) => r.amount))
  const trailing30Fees = feesIn(sec(at) - 30 * DAY, sec(at))
  return { at, next30, next90, vestedUnreleased: vestedNow - released, trailing30Fees, next30ToFees: frac(next30, trailing30Fees), next90ToFees: frac(next90, trailing30Fees) }
}

export function balanceAt(who: string, at: Date): bigint {
  const a = who.toLowerCase()
  let b = 0n
  for (const x of F.transfers) {
    if (!before(x.t, at)) continue
    if (x.to === a) b += x.amount
    if (x.from === a) b -= x.amount
  }
  return b
}

/** The assumptions file as the test reads it itself (plain JSON, its own fractions). */
export const ASSUMPTIONS_FILE = path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json')
export const A = JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8')) as {
  openPriceUsd: { from: string; usd: string }[]
  unlocks: { totalOpen: string; atStartOpen: string; start: string; durationDays: number }[]
} & Record<string, string>
/** sha256 of the assumptions file, as the answers cite it */
export const assumptionsHash = () => crypto.createHash('sha256').update(fs.readFileSync(ASSUMPTIONS_FILE)).digest('hex')
/** a decimal string as [numerator, denominator] */
export const fr = (s: string): [bigint, bigint] => {
  const [w, f = ''] = s.split('.')
  return [BigInt(w + f), 10n ** BigInt(f.length)]
}

export function expectedLiabilities(at: Date) {
  const inf = F.inferences.filter((x) => before(x.t, at))
  const paid = (xs: Timed[]) => sumOf(xs.filter((x) => before(x.t, at)).map((x) => x.amount))
  let staked = 0n
  for (const s of F.stakes.values()) {
    if (s.unstakedAt !== null && before(s.unstakedAt, at)) continue
    staked += sumOf(s.events.filter((x) => before(x.t, at)).map((x) => x.amount))
  }
  return {
    stakedPrincipal: staked,
    stakingBankBalance: balanceAt(manifest.accounts.stakingBank, at),
    unclaimedAccruals: sumOf(inf.map((i) => i.creator + i.infra)) - paid(F.creatorPaid) - paid(F.operatorPaid),
    undistributedPools: sumOf(inf.map((i) => i.contributors)) - paid(F.attribution),
    prepaidEscrow: sumOf(F.escrow.filter((x) => before(x.t, at)).map((x) => x.sign * x.amount)) - sumOf(inf.map((i) => i.fee)),
  }
}

export function expectedRunway(at: Date) {
  const from = sec(at) - 90 * DAY
  const to = sec(at)
  const treasury = manifest.accounts.treasury.toLowerCase()
  const distributor = manifest.contracts.RewardsDistributor.toLowerCase()
  const outflow = sumOf(F.transfers.filter((x) => x.from === treasury && x.t >= from && x.t < to).map((x) => x.amount))
  const inflow = sumOf(F.transfers.filter((x) => x.to === treasury && x.t >= from && x.t < to).map((x) => x.amount))
  const treasuryBalance = balanceAt(treasury, at)
  const net = outflow / 3n - inflow / 3n
  const distributorBalance = balanceAt(distributor, at)
  const distributed = sumOf(F.transfers.filter((x) => x.from === distributor && before(x.t, at)).map((x) => x.amount))
  // the assumed unlock schedules: atStart at start, then linear over durationDays
  let unlocked = 0n
  for (const u of A.unlocks) {
    const start = Date.parse(`${u.start}T00:00:00Z`)
    const [tn, td] = fr(u.totalOpen)
    const [sn, sd] = fr(u.atStartOpen)
    const total = (tn * E18) / td
    const atStart = (sn * E18) / sd
    const ms = BigInt(at.getTime() - start)
    const dur = BigInt(u.durationDays) * BigInt(DAY_MS)
    unlocked += ms < 0n ? 0n : ms >= dur ? total : atStart + ((total - atStart) * ms) / dur
  }
  const left = unlocked - distributed
  const budget = left < 0n ? 0n : left > distributorBalance ? distributorBalance : left
  const emissions = sumOf(F.incentives.filter((x) => x.t >= from && x.t < to).map((x) => x.amount))
  const unknowns: { field: string; reason: string }[] = []
  const treasuryRunwayMonths = net > 0n ? frac(treasuryBalance, net, 2) : null
  if (treasuryRunwayMonths === null) unknowns.push({ field: 'treasuryRunwayMonths', reason: expect.stringMatching(/^no net burn/) as unknown as string })
  const incentiveRunwayMonths = frac(budget, emissions / 3n, 2)
  if (incentiveRunwayMonths === null) unknowns.push({ field: 'incentiveRunwayMonths', reason: expect.stringMatching(/^no emissions/) as unknown as string })
  return {
    at,
    treasuryBalance,
    treasuryMonthlyOutflow: outflow / 3n,
    treasuryMonthlyInflow: inflow / 3n,
    treasuryMonthlyNetBurn: net,
    treasuryRunwayMonths,
    distributorBalance,
    distributedToDate: distributed,
    unlockedToDate: unlocked,
    incentiveBudget: budget,
    incentiveBudgetProvenance: 'assumed',
    assumptionsHash: assumptionsHash(),
    monthlyIncentives: emissions / 3n,
    incentiveRunwayMonths,
    liabilities: expectedLiabilities(at),
    unknowns,
  }
}

/** Upkeep cost and coverage from raw logs and the assumptions JSON (docs/METRICS.md, "Does usage pay for upkeep?"). */
export function expectedUpkeep(p: Period, over: Record<string, string> = {}) {
  const get = (k: string) => fr(over[k] ?? A[k])
  const MONTH = 30n * BigInt(DAY_MS)
  const priceEntry = over.openPriceUsd ?? [...A.openPriceUsd].reverse().find((x) => Date.parse(`${x.from}T00:00:00Z`) <= p.from.getTime())?.usd
  const [pn, pd] = fr(priceEntry!)
  // USD n/d → OPEN base units: n × 1e18 × pd / (d × pn), floored
  const open = (n: bigint, d: bigint) => (n * E18 * pd) / (d * pn)
  /** a sum of fractions [n, d] as one fraction */
  const sum = (xs: [bigint, bigint][]): [bigint, bigint] => xs.reduce<[bigint, bigint]>(([n, d], [xn, xd]) => [n * xd + xn * d, d * xd], [0n, 1n])
  const [cpu, cpuD] = get('servingCpuSecondsPerUnit')
  const [cpuUsd, cpuUsdD] = get('cpuSecondUsd')
  const [gpu, gpuD] = get('servingGpuSecondsPerUnit')
  const [gpuUsd, gpuUsdD] = get('gpuSecondUsd')
  const [gb, gbD] = get('adapterGb')
  const [st, stD] = get('storageUsdPerGbMonth')
  const [mw, mwD] = get('maintenanceUsdPerModelMonth')
  // the assumed serving USD per unit (fallback) = cpu·cpuUsd + gpu·gpuUsd over one common denominator
  const perUnitD = cpuD * cpuUsdD * gpuD * gpuUsdD
  const perUnitN = cpu * cpuUsd * gpuD * gpuUsdD + gpu * gpuUsd * cpuD * cpuUsdD
  const inf = F.inferences.filter((x) => inPeriod(x.t, p))
  const committed = F.servingCosts.filter((x) => inPeriod(x.t, p))
  // an inference is measured when its settling transaction committed a cost for its operator and model
  const covered = new Set(F.servingCosts.map((c) => `${c.tx} ${c.operatorId} ${c.modelId}`))
  const uncovered = inf.filter((i) => !covered.has(`${i.tx} ${i.operatorId} ${i.modelId}`))
  /** serving USD of the committed costs and uncovered inferences matching `pick`: measured CPU µs × USD/CPU s + units × per-unit model */
  const serving = (pick: (x: { operatorId: string; modelId: string }) => boolean) => {
    const micros = sumOf(committed.filter(pick).map((c) => c.cpuMicros))
    const mine = uncovered.filter(pick)
    const units = sumOf(mine.map((i) => i.units))
    return {
      usd: sum([[micros * cpuUsd, 1_000_000n * cpuUsdD], [units * perUnitN, perUnitD]]),
      provenance: mine.length === 0 ? 'measured' : micros === 0n ? 'assumed' : 'measured+assumed',
    }
  }
  const periodMs = BigInt(p.to.getTime() - p.from.getTime())
  const window = (m: { registeredAt: number; retiredAt: number | null }) => {
    const a = Math.max(m.registeredAt * 1000, p.from.getTime())
    const b = Math.min(m.retiredAt === null ? Infinity : m.retiredAt * 1000, p.to.getTime())
    return [a, Math.max(a, b)] as const
  }
  const live = (m: { registeredAt: number; retiredAt: number | null }) => {
    const [a, b] = window(m)
    return BigInt(b - a)
  }
  /** maintenance USD over [a, b): each declaration from its block until the model's next one, else the assumed rate */
  const work = (id: string, a: number, b: number) => {
    const ds = F.declarations.filter((d) => d.modelId === id)
    const parts: [bigint, bigint][] = []
    let declaredMs = 0n
    ds.forEach((d, i) => {
      const lo = Math.max(d.t * 1000, a)
      const hi = Math.min(i + 1 < ds.length ? ds[i + 1].t * 1000 : Infinity, b)
      if (hi <= lo) return
      declaredMs += BigInt(hi - lo)
      parts.push([BigInt(hi - lo) * d.microUsdPerMonth, MONTH * 1_000_000n])
    })
    const assumedMs = BigInt(b - a) - declaredMs
    parts.push([assumedMs * mw, MONTH * mwD])
    return { usd: sum(parts), provenance: declaredMs === 0n ? 'assumed' : assumedMs === 0n ? 'declared' : 'declared+assumed' }
  }
  const ids = new Set<string>(inf.map((i) => i.modelId))
  for (const [id, m] of F.modelLife) if (live(m) > 0n) ids.add(id)
  let msAll = 0n
  const works: [bigint, bigint][] = []
  const workProvenance = new Set<string>()
  const models = [...ids]
    .sort((a, b) => Number(a) - Number(b))
    .map((id) => {
      const mine = inf.filter((i) => i.modelId === id)
      const income = sumOf(mine.map((i) => i.creator + i.contributors))
      const life = F.modelLife.get(id)!
      const ms = live(life)
      msAll += ms
      const w = work(id, ...window(life))
      works.push(w.usd)
      if (ms > 0n) for (const x of w.provenance.split('+')) workProvenance.add(x)
      const sv = serving((x) => x.modelId === id)
      // serving + (ms / MONTH) × gb × st + maintenance work, as one fraction
      const usd = sum([sv.usd, [ms * gb * st, MONTH * gbD * stD], w.usd])
      const cost = open(...usd)
      const margin = income - cost
      const fee = life.deploymentFee
      return {
        modelId: id,
        units: sumOf(mine.map((i) => i.units)),
        maintainerFeeIncome: income,
        servingCost: open(...sv.usd),
        servingProvenance: sv.provenance,
        maintenanceProvenance: w.provenance,
        upkeepCost: cost,
        margin,
        maintenanceCoverage: frac(income, cost),
        deploymentFee: fee,
        paybackMonths: margin > 0n ? frac(fee * periodMs, margin * MONTH, 2) : null,
      }
    })
  const ops = new Map<string, { units: bigint; infra: bigint }>()
  for (const i of inf) {
    const o = ops.get(i.operatorId) ?? { units: 0n, infra: 0n }
    o.units += i.units
    o.infra += i.infra
    ops.set(i.operatorId, o)
  }
  const storage: [bigint, bigint] = [msAll * gb * st, MONTH * gbD * stD]
  const workAll = sum(works)
  const servingAll = serving(() => true)
  const usd6 = (n: bigint, d: bigint) => frac(n, d)
  const total = open(...sum([servingAll.usd, storage, workAll]))
  const income = sumOf(inf.map((i) => i.creator + i.contributors + i.infra))
  const staked = expectedLiabilities(p.to).stakedPrincipal
  const stakerIncentives =
    sumOf(F.accruals.filter((x) => inPeriod(x.from, p)).map((x) => x.interest)) + sumOf(F.incentives.filter((x) => x.role === 2 && inPeriod(x.t, p)).map((x) => x.amount))
  const workLabel = ['declared', 'assumed'].filter((x) => workProvenance.has(x)).join('+') || 'assumed'
  const overall = ['measured', 'declared', 'assumed'].filter((x) => [servingAll.provenance, 'assumed', workLabel].some((l) => l.split('+').includes(x))).join('+')
  return {
    from: p.from,
    to: p.to,
    provenance: overall,
    openPriceUsd: priceEntry,
    costs: [
      { component: 'serving compute', provenance: servingAll.provenance, note: expect.stringContaining('ServingCostCommitted'), usd: usd6(...servingAll.usd), amount: open(...servingAll.usd) },
      { component: 'storage', provenance: 'assumed', note: expect.any(String), usd: usd6(...storage), amount: open(...storage) },
      { component: 'maintenance work', provenance: workLabel, note: expect.any(String), usd: usd6(...workAll), amount: open(...workAll) },
    ],
    upkeepCost: total,
    maintainerFeeIncome: income,
    maintenanceCoverage: frac(income, total),
    stakedPrincipal: staked,
    stakerFeeIncome: 0n,
    stakerRealYield: staked > 0n ? '0.000000' : null,
    stakerIncentives: stakerIncentives,
    stakerIncentiveYield: frac(stakerIncentives * 365n * BigInt(DAY_MS), staked * periodMs),
    models,
    operators: [...ops.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([operatorId, o]) => {
        const sv = serving((x) => x.operatorId === operatorId)
        const cost = open(...sv.usd)
        return { operatorId, units: o.units, infraFees: o.infra, servingCost: cost, servingProvenance: sv.provenance, infraMargin: o.infra - cost }
      }),
  }
}

export function expectedPriceToFees(at: Date, priceUsd: string) {
  const burned = sumOf(F.burns.filter((b) => before(b.t, at)).map((b) => b.amount))
  const supply = SUPPLY - burned
  const fees30 = feesIn(sec(at) - 30 * DAY, sec(at))
  const annualizedFees = (fees30 * 365n) / 30n
  return {
    priceUsd,
    supply,
    annualizedFees,
    marketCapUsd: usd(supply, priceUsd),
    annualizedFeesUsd: usd(annualizedFees, priceUsd),
    // supply ÷ (fees30 × 365 ÷ 30), exactly
    priceToFees: frac(supply * 30n, fees30 * 365n, 2),
  }
}

export function expectedAgents(p: Period) {
  const inf = F.inferences.filter((x) => inPeriod(x.t, p))
  const agentFees = sumOf(inf.filter((i) => i.agent).map((i) => i.fee))
  const grossFees = sumOf(inf.map((i) => i.fee))
  const state = new Map<string, { stake: bigint; exiting: boolean; withdrawn: boolean }>()
  for (const e of F.agentEvents.filter((x) => before(x.t, p.to))) {
    const id = String(e.args.agentId)
    const a = state.get(id)
    if (e.name === 'AgentRegistered') state.set(id, { stake: e.args.stake as bigint, exiting: false, withdrawn: false })
    else if (e.name === 'AgentStakeIncreased') a!.stake = e.args.newStake as bigint
    else if (e.name === 'AgentSlashed') a!.stake -= e.args.amount as bigint
    else if (e.name === 'AgentExitRequested') a!.exiting = true
    else if (e.name === 'AgentWithdrawn') {
      a!.withdrawn = true
      a!.stake -= e.args.amount as bigint
    }
  }
  const agents = [...state.values()]
  const slashes = F.slashes.filter((x) => inPeriod(x.t, p))
  return {
    agentFees,
    grossFees,
    agentFeeShare: frac(agentFees, grossFees),
    agents: agents.length,
    activeAgents: agents.filter((a) => !a.exiting && !a.withdrawn).length,
    stakeAtRisk: sumOf(agents.filter((a) => !a.withdrawn).map((a) => a.stake)),
    slashed: sumOf(slashes.map((s) => s.amount)),
    slashedToTreasury: sumOf(slashes.map((s) => s.toTreasury)),
    slashedBurned: sumOf(slashes.map((s) => s.toBurn)),
    slashes: slashes.length,
  }
}

export function expectedOperators(p: Period) {
  const per = new Map<string, { n: number; fees: bigint; infra: bigint }>()
  for (const i of F.inferences.filter((x) => inPeriod(x.t, p))) {
    const r = per.get(i.operatorId) ?? { n: 0, fees: 0n, infra: 0n }
    r.n++
    r.fees += i.fee
    r.infra += i.infra
    per.set(i.operatorId, r)
  }
  const operators = [...per.entries()]
    .map(([operatorId, r]) => ({
      operatorId,
      account: F.operators.get(operatorId)!.account,
      active: F.operators.get(operatorId)!.removedAt === null,
      inferences: r.n,
      fees: r.fees,
      infraFees: r.infra,
    }))
    .sort(byAmountThenId((x) => x.infraFees, (x) => x.operatorId))
  const ops = [...F.operators.values()]
  return {
    operators,
    concentration: concentration(operators.map((o) => o.infraFees)),
    registered: ops.filter((o) => inPeriod(o.registeredAt, p)).length,
    removed: ops.filter((o) => o.removedAt !== null && inPeriod(o.removedAt, p)).length,
  }
}

/** Events that become rows of the fact tables governance.blockRange reads (docs/METRICS.md, "block range"). */
const RANGE_EVENTS = new Set([
  'InferenceSettlement.InferenceSettled',
  'OpenToken.Transfer',
  'RewardsDistributor.IncentivePaid',
  'Staking.Staked',
  'Staking.ToppedUp',
  'Staking.RequestUnstake',
  'Staking.Unstaked',
  'DatanetRegistry.ContributionRecorded',
  'AttributionSettlement.AttributionPaid',
  'TokenVesting.TokensReleased',
  'ModelRegistry.ModelRegistered', // the first price and adapter version
  'ModelRegistry.ModelPriceChanged',
  'ModelRegistry.AdapterUpdated',
  'InferenceSettlement.BatchSettled',
])

/** The first and last block of the period with such an event, null when none. */
export function expectedBlockRange(p: Period) {
  const blocks = events.filter((e) => RANGE_EVENTS.has(e.key) && inPeriod(e.t, p)).map((e) => e.block)
  return blocks.length ? { from: Math.min(...blocks), to: Math.max(...blocks) } : { from: null, to: null }
}

/** Price changes (not first prices) and adapter versions (first ones included) of the period, fees paid by a model's own owner. */
export function expectedChanges(p: Period) {
  const inP = events.filter((e) => inPeriod(e.t, p))
  const priceChanges = inP
    .filter((e) => e.key === 'ModelRegistry.ModelPriceChanged')
    .map((e) => ({ modelId: String(e.args.modelId), oldPrice: e.args.oldPrice as bigint, newPrice: e.args.newPrice as bigint, block: e.block }))
  const adapterUpdates = inP
    .filter((e) => e.key === 'ModelRegistry.ModelRegistered' || e.key === 'ModelRegistry.AdapterUpdated')
    .map((e) => ({ modelId: String(e.args.modelId), version: e.key === 'ModelRegistry.ModelRegistered' ? 1 : Number(e.args.version), block: e.block }))
    .sort((a, b) => a.block - b.block || (`${a.modelId}-${a.version}` < `${b.modelId}-${b.version}` ? -1 : 1))
  const inf = F.inferences.filter((i) => inPeriod(i.t, p))
  return {
    priceChanges,
    adapterUpdates,
    selfPaidFees: sumOf(inf.filter((i) => i.payer === F.models.get(i.modelId)!.owner).map((i) => i.fee)),
    fees: sumOf(inf.map((i) => i.fee)),
  }
}

/** The fee-policy versions with what was settled under each (BatchSettled); `toBlocks` are the reported ends, checked apart. */
export function expectedFeePolicyHistory(toBlocks: (number | null | undefined)[]) {
  return F.policies.map((e, i) => {
    const v = Number(e.args.version)
    const batches = F.batches.filter((b) => Number(b.args.policyVersion) === v)
    return {
      version: v,
      creatorBps: Number(e.args.creatorBps),
      contributorsBps: Number(e.args.contributorsBps),
      infraBps: Number(e.args.infraBps),
      treasuryBps: Number(e.args.treasuryBps),
      burnBps: Number(e.args.burnBps),
      fromBlock: e.block,
      toBlock: toBlocks[i] ?? null,
      since: new Date(e.t * 1000),
      inferences: batches.reduce((a, b) => a + Number(b.args.count), 0),
      fees: sumOf(batches.map((b) => b.args.totalFees as bigint)),
    }
  })
}
