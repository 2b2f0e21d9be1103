// [warehouse] acceptance: every metric of src/analytics/ on the small workload equals an
// independent computation made here from raw chain logs (eth_getLogs decoded with viem and the
// ABI JSON, block timestamps from getBlock), in plain TypeScript with bigint arithmetic, following
// the definitions of docs/METRICS.md. Nothing here imports the metrics module's helpers (ratio,
// concentrationOf, vestedAt): ratios, concentration and vesting are derived again below.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { Metrics, readAssumptions, type Interval, type Period } from '../../src/analytics'
import { AssumptionError, InputError } from '../../src/util/errors'

const ZERO = '0x0000000000000000000000000000000000000000'
const DAY = 86_400
const DAY_MS = DAY * 1000
const E18 = 10n ** 18n
const SUPPLY = 1_000_000_000n * E18

// ------------------------------------------------------------------ independent arithmetic

function sumOf(xs: bigint[]): bigint {
  let s = 0n
  for (const x of xs) s += x
  return s
}

/** Gini, HHI (0..10 000) and top-10 share, from the formulas of docs/METRICS.md. */
function concentration(totals: Iterable<bigint>) {
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
function usd(amount: bigint, price: string): string {
  const [w, f = ''] = price.split('.')
  const scaled = BigInt(w + f) // price × 10^f.length
  return frac(amount * scaled, E18 * 10n ** BigInt(f.length), 2)!
}

// ------------------------------------------------------------------ time

const sec = (d: Date) => d.getTime() / 1000
const inPeriod = (t: number, p: Period) => t * 1000 >= p.from.getTime() && t * 1000 < p.to.getTime()
const before = (t: number, at: Date) => t * 1000 < at.getTime()
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function bucketOf(t: number, interval: Interval): string {
  const d = new Date(t * 1000)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth()
  if (interval === 'month') return isoDay(Date.UTC(y, m, 1))
  const dayStart = Date.UTC(y, m, d.getUTCDate())
  if (interval === 'day') return isoDay(dayStart)
  const sinceMonday = (d.getUTCDay() + 6) % 7
  return isoDay(dayStart - sinceMonday * DAY_MS)
}

const utc = (s: string) => new Date(s)
const period = (from: string, to: string): Period => ({ from: utc(from), to: utc(to) })

// the whole run (genesis is 2025-09-08, 440 days), one month in the middle, and an odd window
// whose edges are not midnight and whose first week starts before it
const WHOLE = period('2025-09-01T00:00:00Z', '2026-12-01T00:00:00Z')
const MONTH = period('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z')
const ODD = period('2026-02-10T12:00:00Z', '2026-05-20T06:30:00Z')
const PERIODS: [string, Period][] = [
  ['whole run', WHOLE],
  ['2026-03', MONTH],
  ['odd window', ODD],
]
const BEFORE_GENESIS = period('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')

// ------------------------------------------------------------------ facts folded from raw logs

interface Inference {
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
interface Timed {
  t: number
  amount: bigint
}

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let warehouse: Warehouse
let pool: pg.Pool
let metrics: Metrics
let events: RawEvent[]
let endTime: number

const F = {
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
}

function fold(): void {
  const agentAccounts = new Set<string>()
  const principal = new Map<string, bigint>()
  const bank = devnet.manifest.accounts.stakingBank.toLowerCase()
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

function expectedSustainability(p: Period, interval: Interval) {
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
  for (const x of F.unstakes.filter((x) => inPeriod(x.t, p))) for (const a of accs(x.t)) a.interest += x.amount
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

const byAmountThenId = <T>(amount: (x: T) => bigint, id: (x: T) => string) => (a: T, b: T) =>
  amount(a) !== amount(b) ? (amount(a) > amount(b) ? -1 : 1) : Number(id(a)) - Number(id(b)) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0)

function expectedModels(p: Period, limit: number) {
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

function expectedDatanets(p: Period, limit: number) {
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

function expectedContributors(p: Period, limit: number, who?: string) {
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

function expectedRetention(p: Period) {
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

function expectedConcentration(p: Period) {
  const per = new Map<string, bigint>()
  const add = (who: string, v: bigint) => per.set(who, (per.get(who) ?? 0n) + v)
  for (const x of F.attribution.filter((x) => inPeriod(x.t, p))) add(x.contributor, x.amount)
  for (const x of F.creatorPaid.filter((x) => inPeriod(x.t, p))) add(x.who, x.amount)
  for (const x of F.operatorPaid.filter((x) => inPeriod(x.t, p))) add(x.who, x.amount)
  return concentration(per.values())
}

/** decaying when last·10^6 < k·prev, with the threshold k/10^6 given to 6 decimals */
function expectedDecay(at: Date, thresholdMicros: bigint) {
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

const feesIn = (from: number, to: number) => sumOf(F.inferences.filter((i) => i.t >= from && i.t < to).map((i) => i.fee))

function vested(s: (typeof F.schedules)[number], t: bigint): bigint {
  // 0 before start + cliff, then total × min(t − start − cliff, duration) ÷ duration, floored
  if (t < s.start + s.cliff) return 0n
  const elapsed = t - s.start - s.cliff
  return (s.total * (elapsed < s.duration ? elapsed : s.duration)) / s.duration
}

function expectedOverhang(at: Date) {
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

function balanceAt(who: string, at: Date): bigint {
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
const ASSUMPTIONS_FILE = path.resolve(__dirname, '..', '..', 'assumptions', 'devnet.json')
const A = JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8')) as {
  openPriceUsd: { from: string; usd: string }[]
  unlocks: { totalOpen: string; atStartOpen: string; start: string; durationDays: number }[]
} & Record<string, string>
/** a decimal string as [numerator, denominator] */
const fr = (s: string): [bigint, bigint] => {
  const [w, f = ''] = s.split('.')
  return [BigInt(w + f), 10n ** BigInt(f.length)]
}

function expectedLiabilities(at: Date) {
  const inf = F.inferences.filter((x) => before(x.t, at))
  const paid = (xs: Timed[]) => sumOf(xs.filter((x) => before(x.t, at)).map((x) => x.amount))
  let staked = 0n
  for (const s of F.stakes.values()) {
    if (s.unstakedAt !== null && before(s.unstakedAt, at)) continue
    staked += sumOf(s.events.filter((x) => before(x.t, at)).map((x) => x.amount))
  }
  return {
    stakedPrincipal: staked,
    stakingBankBalance: balanceAt(devnet.manifest.accounts.stakingBank, at),
    unclaimedAccruals: sumOf(inf.map((i) => i.creator + i.infra)) - paid(F.creatorPaid) - paid(F.operatorPaid),
    undistributedPools: sumOf(inf.map((i) => i.contributors)) - paid(F.attribution),
    prepaidEscrow: sumOf(F.escrow.filter((x) => before(x.t, at)).map((x) => x.sign * x.amount)) - sumOf(inf.map((i) => i.fee)),
  }
}

function expectedRunway(at: Date) {
  const from = sec(at) - 90 * DAY
  const to = sec(at)
  const treasury = devnet.manifest.accounts.treasury.toLowerCase()
  const distributor = devnet.manifest.contracts.RewardsDistributor.toLowerCase()
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
    assumptionsHash: crypto.createHash('sha256').update(fs.readFileSync(ASSUMPTIONS_FILE)).digest('hex'),
    monthlyIncentives: emissions / 3n,
    incentiveRunwayMonths,
    liabilities: expectedLiabilities(at),
    unknowns,
  }
}

/** Upkeep cost and coverage from raw logs and the assumptions JSON (docs/METRICS.md, "Does usage pay for upkeep?"). */
function expectedUpkeep(p: Period, over: Record<string, string> = {}) {
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

function expectedPriceToFees(at: Date, priceUsd: string) {
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

function expectedAgents(p: Period) {
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

function expectedOperators(p: Period) {
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

// ------------------------------------------------------------------ setup

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('metrics')
  dataDir = newDataDir()
  const indexed = indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  events = await rawEvents(devnet)
  await indexed // the child has exited: its chDB directory is free for this process
  fold()
  endTime = events[events.length - 1].t
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  pool = new pg.Pool({ connectionString: db.url })
  metrics = new Metrics(warehouse, pool, {
    treasury: devnet.manifest.accounts.treasury,
    distributor: devnet.manifest.contracts.RewardsDistributor,
    stakingBank: devnet.manifest.accounts.stakingBank,
    assumptions: readAssumptions(ASSUMPTIONS_FILE),
  })
}, 240_000)

afterAll(async () => {
  await pool?.end()
  await warehouse?.close().catch(() => {})
  await devnet?.stop()
  await db?.drop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

// ------------------------------------------------------------------ tests

describe('the workload exercises every metric', () => {
  it('has fees, incentives, interest, unlocks, burns, agents, slashes and churn in the run', () => {
    expect(F.inferences.length).toBeGreaterThan(1_000)
    expect(F.incentives.length).toBeGreaterThan(0)
    for (const role of [0, 1, 2, 3]) expect(F.incentives.some((x) => x.role === role), `incentives with role ${role}`).toBe(true)
    expect(F.deployments.some((x) => x.amount > 0n)).toBe(true)
    expect(F.unstakes.length).toBeGreaterThan(0)
    expect(F.unstakes.every((u) => u.amount > 0n)).toBe(true)
    expect(F.releases.length).toBeGreaterThan(0)
    expect(F.burns.length).toBeGreaterThan(0)
    expect(F.inferences.some((i) => i.agent)).toBe(true)
    expect(F.slashes.length).toBeGreaterThan(0)
    expect(F.policies.length).toBeGreaterThan(1)
    expect([...F.operators.values()].some((o) => o.removedAt !== null)).toBe(true)
    expect(F.inferences.filter((i) => inPeriod(i.t, MONTH)).length).toBeGreaterThan(50)
  })
})

describe('sustainability', () => {
  for (const [name, p] of PERIODS) {
    for (const interval of ['day', 'week', 'month'] as const) {
      it(`${name} by ${interval}: totals and every series point`, async () => {
        const want = expectedSustainability(p, interval)
        const got = await metrics.sustainability(p, interval)
        expect(got.totals).toEqual(want.totals)
        expect(got.series.map((x) => x.periodStart)).toEqual(want.series.map((x) => x.periodStart))
        for (let i = 0; i < want.series.length; i++) expect(got.series[i], want.series[i].periodStart).toEqual(want.series[i])
        expect(want.series.length).toBeGreaterThan(interval === 'month' && p === MONTH ? 0 : 1)
      })
    }
  }

  it('the series adds up to the totals (amounts), and buckets start on the interval', async () => {
    const got = await metrics.sustainability(ODD, 'week')
    for (const f of ['fees', 'deploymentFees', 'revenue', 'treasuryFees', 'maintainerIncentives', 'stakerIncentives', 'tokenIncentives', 'burns', 'vestingUnlocks', 'agentFees'] as const) {
      expect(sumOf(got.series.map((x) => x[f])), f).toBe(got.totals[f])
    }
    for (const x of got.series) expect(new Date(x.periodStart + 'T00:00:00Z').getUTCDay(), x.periodStart).toBe(1)
    // the first week of the window starts before it (2026-02-10 is a Tuesday)
    expect(got.series[0].periodStart).toBe('2026-02-09')
  })
})

describe('models, datanets, contributors', () => {
  for (const [name, p] of PERIODS) {
    it(`models, ${name} (default limit and all)`, async () => {
      expect(await metrics.models(p)).toEqual(expectedModels(p, 10))
      expect(await metrics.models(p, 1000)).toEqual(expectedModels(p, 1000))
      expect(await metrics.models(p, 3)).toEqual(expectedModels(p, 3))
    })

    it(`datanets, ${name}`, async () => {
      expect(await metrics.datanets(p)).toEqual(expectedDatanets(p, 10))
      expect(await metrics.datanets(p, 1000)).toEqual(expectedDatanets(p, 1000))
      expect(await metrics.datanets(p, 2)).toEqual(expectedDatanets(p, 2))
    })

    it(`contributors, ${name}`, async () => {
      const want = expectedContributors(p, 1000)
      expect(await metrics.contributors(p)).toEqual(want.slice(0, 10))
      expect(await metrics.contributors(p, 3)).toEqual(want.slice(0, 3))
      if (p === WHOLE) expect(await metrics.contributors(p, 1000)).toEqual(want)
    })
  }

  it('models: a model paid attribution in the period without inferences in it is listed (retired model 10, 2026-10)', async () => {
    const p = period('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z')
    const want = expectedModels(p, 1000)
    const paidInPeriod = sumOf(F.attribution.filter((x) => inPeriod(x.t, p)).map((x) => x.amount))
    expect(sumOf(want.map((m) => m.attributionPaid))).toBe(paidInPeriod)
    expect(want.find((m) => m.inferences === 0 && m.attributionPaid > 0n)).toBeDefined()
    const got = await metrics.models(p, 1000)
    expect(sumOf(got.map((m) => m.attributionPaid)), 'Σ attributionPaid over the models = attribution paid in the period').toBe(paidInPeriod)
    expect(got).toEqual(want)
  })

  it('datanets: a datanet with contributions but no payouts in the period is listed (2025-10)', async () => {
    const p = period('2025-10-01T00:00:00Z', '2025-11-01T00:00:00Z')
    const want = expectedDatanets(p, 10)
    expect(want.some((d) => d.payouts === 0 && d.contributions > 0)).toBe(true)
    const got = await metrics.datanets(p)
    expect(got.reduce((a, d) => a + d.contributions, 0), 'Σ contributions over the datanets = contributions in the period').toBe(F.contributions.filter((x) => inPeriod(x.t, p)).length)
    expect(got).toEqual(want)
  })

  it('contributors: one paid only by incentives in the period is listed, also when asked for by address (2026-03)', async () => {
    const paid = new Set(F.attribution.filter((x) => inPeriod(x.t, MONTH)).map((x) => x.contributor))
    const only = F.incentives.find((x) => inPeriod(x.t, MONTH) && x.role === 1 && !paid.has(x.recipient))!
    expect(only).toBeDefined()
    const want = expectedContributors(MONTH, 10, only.recipient)
    expect(want).toEqual([expect.objectContaining({ contributor: only.recipient, attributionPaid: 0n })])
    expect(want[0].incentives).toBeGreaterThan(0n)
    expect(await metrics.contributors(MONTH, 10, only.recipient)).toEqual(want)
    expect(await metrics.contributors(MONTH, 1000)).toEqual(expectedContributors(MONTH, 1000))
  })

  it('contributors filtered by one address (any case)', async () => {
    const all = expectedContributors(WHOLE, 1000)
    expect(all.length).toBeGreaterThan(3)
    const who = all[Math.floor(all.length / 2)].contributor
    const want = expectedContributors(WHOLE, 10, who)
    expect(want).toHaveLength(1)
    expect(await metrics.contributors(WHOLE, 10, who)).toEqual(want)
    const mixed = '0x' + who.slice(2).toUpperCase()
    expect(await metrics.contributors(WHOLE, 10, mixed)).toEqual(want)
    expect(await metrics.contributors(MONTH, 10, who)).toEqual(expectedContributors(MONTH, 10, who))
    expect(await metrics.contributors(WHOLE, 10, '0x000000000000000000000000000000000000dead')).toEqual([])
  })
})

describe('fee-policy history', () => {
  it('every version, its blocks and what was settled under it (from BatchSettled)', async () => {
    const got = await metrics.feePolicyHistory()
    const want = F.policies.map((e, i) => {
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
        toBlock: got[i]?.toBlock ?? null, // checked below and in the next test
        since: new Date(e.t * 1000),
        inferences: batches.reduce((a, b) => a + Number(b.args.count), 0),
        fees: sumOf(batches.map((b) => b.args.totalFees as bigint)),
      }
    })
    expect(got).toEqual(want)
    // in force until the next version's block (ending just before it or in it), the last one open-ended
    got.forEach((v, i) => {
      if (i + 1 === F.policies.length) expect(v.toBlock).toBeNull()
      else expect([F.policies[i + 1].block - 1, F.policies[i + 1].block]).toContain(v.toBlock)
    })
    expect(want.every((v) => v.inferences > 0)).toBe(true)
    expect(want.reduce((a, v) => a + v.inferences, 0)).toBe(F.inferences.length)
  })

  // Block 542 settles a batch under version 1 (log 2) and then sets version 2 (log 5): version 1 was
  // still in force in block 542, so its range must include it.
  it('every batch settled under a version lies in the block range reported for it', async () => {
    const got = await metrics.feePolicyHistory()
    const outside = F.batches
      .map((b) => ({ block: b.block, v: Number(b.args.policyVersion), tx: b.tx }))
      .filter((b) => {
        const v = got.find((x) => x.version === b.v)!
        return b.block < v.fromBlock || (v.toBlock !== null && b.block > v.toBlock)
      })
    expect(outside, JSON.stringify(outside.slice(0, 3))).toEqual([])
  })
})

describe('retention', () => {
  for (const [name, p] of [...PERIODS, ['from 2026-03 on', period('2026-03-01T00:00:00Z', '2026-12-01T00:00:00Z')] as [string, Period]]) {
    it(`monthly cohorts, ${name}`, async () => {
      const want = expectedRetention(p)
      expect(await metrics.retention(p)).toEqual(want)
    })
  }

  it('has cohorts with members that come back', () => {
    const r = expectedRetention(WHOLE)
    expect(r.length).toBeGreaterThan(1)
    expect(r[0].active[0]).toBe(r[0].size)
    expect(r.some((c) => c.active.slice(1).some((a) => a > 0))).toBe(true)
  })
})

describe('concentration', () => {
  for (const [name, p] of PERIODS) {
    it(`Gini, HHI and top-10 share of fee-funded payouts, ${name}`, async () => {
      const want = expectedConcentration(p)
      expect(want.recipients).toBeGreaterThan(0)
      expect(await metrics.concentration(p)).toEqual(want)
    })
  }

  it('the formulas on hand-checked inputs (the test formatter itself)', () => {
    // equal shares: Gini 0, HHI 10000/n, top-10 share 1
    expect(concentration([5n, 5n, 5n, 5n])).toEqual({ recipients: 4, total: 20n, gini: '0.000000', hhi: '2500.00', top10Share: '1.000000' })
    // one of n takes all (zeros dropped): a single recipient
    expect(concentration([0n, 7n])).toEqual({ recipients: 1, total: 7n, gini: '0.000000', hhi: '10000.00', top10Share: '1.000000' })
    // 1,2,3: Gini = 2·14/(3·6) − 4/3 = 2/9
    expect(concentration([3n, 1n, 2n]).gini).toBe('0.222222')
    expect(frac(-1n, 3n)).toBe('-0.333333')
    expect(frac(2n, 3n, 2)).toBe('0.66')
    expect(frac(1n, 0n)).toBeNull()
  })
})

describe('model decay', () => {
  const THRESHOLD = 500_000n // 0.5

  /** midnights from 60 days after genesis to the end of the run where some model decays */
  function decayingDates(): Date[] {
    const out: Date[] = []
    const start = Math.ceil((F.inferences[0].t + 60 * DAY) / DAY) * DAY
    for (let t = start; t <= endTime + DAY; t += DAY) {
      const at = new Date(t * 1000)
      if (expectedDecay(at, THRESHOLD).some((m) => m.decaying)) out.push(at)
    }
    return out
  }

  it('at a date where a model is decaying, at the end of the run and on a grid of dates', async () => {
    const dates = decayingDates()
    expect(dates.length).toBeGreaterThan(0)
    const grid = [dates[0], dates[Math.floor(dates.length / 2)], dates[dates.length - 1], new Date((endTime + 1) * 1000)]
    for (let t = sec(WHOLE.from); t < endTime; t += 45 * DAY) grid.push(new Date(t * 1000))
    for (const at of grid) {
      const want = expectedDecay(at, THRESHOLD)
      expect(await metrics.modelDecay(at), at.toISOString()).toEqual(want)
      expect(await metrics.modelDecay(at, 0.5), at.toISOString()).toEqual(want)
    }
    const at = dates[Math.floor(dates.length / 2)]
    expect((await metrics.modelDecay(at)).filter((m) => m.decaying).length).toBeGreaterThan(0)
    expect(await metrics.modelDecay(at, 1)).toEqual(expectedDecay(at, 1_000_000n))
    expect(await metrics.modelDecay(at, 0.1)).toEqual(expectedDecay(at, 100_000n))
  })

  it('the threshold edge: decaying only when last < threshold × previous (strictly)', async () => {
    const candidates: { at: Date; modelId: string; last: bigint; prev: bigint }[] = []
    for (const at of decayingDates()) {
      for (const m of expectedDecay(at, THRESHOLD)) if (!m.retired && m.unitsLast30 > 0n && m.unitsLast30 < m.unitsPrev30) candidates.push({ at, modelId: m.modelId, last: m.unitsLast30, prev: m.unitsPrev30 })
    }
    expect(candidates.length).toBeGreaterThan(0)
    const c = candidates[0]
    // k/10^6 ≤ last/prev < (k+1)/10^6
    const k = (c.last * 1_000_000n) / c.prev
    const exact = k * c.prev === c.last * 1_000_000n
    const lo = Number(k) / 1e6
    const hi = Number(k + 1n) / 1e6
    const pick = async (threshold: number) => (await metrics.modelDecay(c.at, threshold)).find((m) => m.modelId === c.modelId)!
    expect((await pick(lo)).decaying, `threshold ${lo}, last ${c.last}, prev ${c.prev}`).toBe(false) // last ≥ lo × prev
    expect((await pick(hi)).decaying, `threshold ${hi}, last ${c.last}, prev ${c.prev}`).toBe(true)
    if (!exact) expect((await pick(lo)).change).toBe(frac(c.last - c.prev, c.prev))
    expect(await metrics.modelDecay(c.at, lo)).toEqual(expectedDecay(c.at, k))
    expect(await metrics.modelDecay(c.at, hi)).toEqual(expectedDecay(c.at, k + 1n))
    // a model with no fees in the previous 30 days is never decaying and its change is unknown
    for (const at of [new Date((F.inferences[0].t + 10 * DAY) * 1000)]) {
      const got = await metrics.modelDecay(at)
      expect(got.length).toBeGreaterThan(0)
      for (const m of got) expect(m).toMatchObject({ unitsPrev30: 0n, feesPrev30: 0n, change: null, decaying: false })
    }
  })

  it('a retired model whose usage fell is listed as retired, never flagged; a price change alone is not decay', async () => {
    // the first date after a retirement where the retired model's units fell below half
    let found: { at: Date; modelId: string } | undefined
    for (const [modelId, life] of F.modelLife) {
      if (life.retiredAt === null) continue
      for (let t = Math.ceil(life.retiredAt / DAY) * DAY; t < life.retiredAt + 60 * DAY && !found; t += DAY) {
        const m = expectedDecay(new Date(t * 1000), THRESHOLD).find((x) => x.modelId === modelId)
        if (m && m.unitsPrev30 > 0n && m.unitsLast30 * 2n < m.unitsPrev30) found = { at: new Date(t * 1000), modelId }
      }
    }
    expect(found, 'a retired model with falling usage in the run').toBeDefined()
    const got = (await metrics.modelDecay(found!.at)).find((m) => m.modelId === found!.modelId)!
    expect(got).toMatchObject({ retired: true, decaying: false })
    // the price per unit moves in the run, so the change in fees and the change in units differ: `change` follows the units
    let apart = false
    for (const at of decayingDates()) for (const m of expectedDecay(at, THRESHOLD)) if (m.feesPrev30 > 0n && frac(m.feesLast30 - m.feesPrev30, m.feesPrev30) !== m.change) apart = true
    expect(apart, 'fees and units disagree somewhere (price changes in the run)').toBe(true)
  })

  it('a threshold outside (0, 1] is an InputError', async () => {
    const at = new Date((endTime + 1) * 1000)
    for (const bad of [0, -0.5, 1.0001, 2, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(metrics.modelDecay(at, bad), String(bad)).rejects.toThrow(InputError)
    }
  })
})

describe('unlock overhang', () => {
  const AT = [
    '2026-06-01T00:00:00Z', // before the cliff: nothing unlocks in the next 90 days
    '2026-08-20T00:00:00Z', // the cliff (2026-09-08) is within 30 days
    '2026-09-08T00:00:00Z', // exactly at the cliff
    '2026-10-01T12:34:56Z',
    '2026-11-15T00:00:00Z', // after the cliff
  ]
  for (const at of AT) {
    it(`at ${at}`, async () => {
      const want = expectedOverhang(utc(at))
      expect(await metrics.unlockOverhang(utc(at))).toEqual(want)
    })
  }

  it('before the cliff next30 is 0, after it unlocks are due and some were released', () => {
    expect(F.schedules.length).toBeGreaterThan(0)
    const early = expectedOverhang(utc('2026-06-01T00:00:00Z'))
    expect(early.next30).toBe(0n)
    expect(early.next90).toBe(0n)
    expect(early.next30ToFees).toBe('0.000000')
    expect(expectedOverhang(utc('2026-08-20T00:00:00Z')).next30).toBeGreaterThan(0n)
    const late = expectedOverhang(utc('2026-11-15T00:00:00Z'))
    expect(late.next30).toBeGreaterThan(0n)
    expect(late.trailing30Fees).toBeGreaterThan(0n)
    expect(F.releases.filter((r) => before(r.t, utc('2026-11-15T00:00:00Z'))).length).toBeGreaterThan(0)
  })

  it('vesting as the contract computes it (vestedAt on chain at the end block)', async () => {
    const abi = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'abi', 'TokenVesting.json'), 'utf8'))
    for (const s of F.schedules.slice(0, 3)) {
      for (const at of ['2026-09-07T23:59:59Z', '2026-09-08T00:00:00Z', '2026-11-15T00:00:00Z', '2029-10-01T00:00:00Z']) {
        const t = BigInt(sec(utc(at)))
        const onChain = await devnet.publicClient.readContract({ address: devnet.manifest.contracts.TokenVesting, abi, functionName: 'vestedAt', args: [BigInt(s.id), t] })
        expect(onChain, `${s.id} ${at}`).toBe(vested(s, t))
      }
    }
  })
})

describe('runway', () => {
  for (const at of ['2025-10-15T00:00:00Z', '2026-03-01T00:00:00Z', '2026-07-04T08:00:00Z', '2026-11-15T00:00:00Z']) {
    it(`treasury and incentive runway at ${at}`, async () => {
      const want = expectedRunway(utc(at))
      expect(want.treasuryBalance).toBeGreaterThan(0n)
      expect(await metrics.runway(utc(at))).toEqual(want)
    })
  }

  it('at the end of the run the balances and liabilities equal the contracts on chain', async () => {
    const at = new Date((endTime + 1) * 1000)
    const got = await metrics.runway(at)
    expect(got).toEqual(expectedRunway(at))
    const erc20 = [{ type: 'function', name: 'balanceOf', stateMutability: 'view', inputs: [{ name: 'a', type: 'address' }], outputs: [{ name: '', type: 'uint256' }] }] as const
    const bal = (a: string) => devnet.publicClient.readContract({ address: devnet.manifest.contracts.OpenToken, abi: erc20, functionName: 'balanceOf', args: [a as `0x${string}`], blockNumber: BigInt(devnet.endBlock) })
    expect(got.treasuryBalance).toBe(await bal(devnet.manifest.accounts.treasury))
    expect(got.distributorBalance).toBe(await bal(devnet.manifest.contracts.RewardsDistributor))
    expect(got.liabilities.stakingBankBalance).toBe(await bal(devnet.manifest.accounts.stakingBank))
    // what InferenceSettlement holds is exactly what it owes: escrow, unclaimed shares, contributor pools not yet released
    const released = sumOf(events.filter((e) => e.key === 'InferenceSettlement.PoolReleased').map((e) => e.args.amount as bigint))
    const pools = sumOf(F.inferences.map((i) => i.contributors)) - released
    const owedBySettlement = got.liabilities.prepaidEscrow + got.liabilities.unclaimedAccruals + pools
    expect(owedBySettlement).toBe(await bal(devnet.manifest.contracts.InferenceSettlement))
    // the staking bank holds at least the principal it owes
    expect(got.liabilities.stakingBankBalance!).toBeGreaterThanOrEqual(got.liabilities.stakedPrincipal)
    expect(got.liabilities.stakedPrincipal).toBeGreaterThan(0n)
    // the budget is the unlocked, undistributed part only: far below the distributor's balance
    expect(got.incentiveBudget!).toBeLessThan(got.distributorBalance)
    const late = await metrics.runway(utc('2026-11-15T00:00:00Z'))
    expect(late.incentiveRunwayMonths).not.toBeNull()
  })

  it('without an assumptions file the incentive budget is unknown, with the reason', async () => {
    const bare = new Metrics(warehouse, pool, { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor, stakingBank: devnet.manifest.accounts.stakingBank })
    const at = utc('2026-03-01T00:00:00Z')
    const got = await bare.runway(at)
    expect(got).toMatchObject({ unlockedToDate: null, incentiveBudget: null, incentiveBudgetProvenance: null, assumptionsHash: null, incentiveRunwayMonths: null })
    expect(got.unknowns.map((u) => u.field)).toEqual(expect.arrayContaining(['incentiveBudget', 'incentiveRunwayMonths']))
    expect(got.unknowns.find((u) => u.field === 'incentiveBudget')!.reason).toMatch(/not on chain/)
    expect(got.treasuryBalance).toBe(expectedRunway(at).treasuryBalance)
  })
})

describe('upkeep cost and maintenance coverage', () => {
  const hash = () => crypto.createHash('sha256').update(fs.readFileSync(ASSUMPTIONS_FILE)).digest('hex')
  for (const [name, p] of PERIODS) {
    it(`costs with provenance, coverage per network, model and operator, ${name}`, async () => {
      const want = expectedUpkeep(p)
      expect(want.upkeepCost).toBeGreaterThan(0n)
      expect(want.models.length).toBeGreaterThan(0)
      const got = await metrics.upkeep(p)
      expect(got).toEqual({ ...want, assumptionsHash: hash(), assumptionsSource: ASSUMPTIONS_FILE, unknowns: [] })
    })
  }

  it('other assumptions change the answer as the formulas say (sensitivity), and are hashed apart', async () => {
    // the per-unit serving model only prices inferences without a committed cost (none here): changing it changes nothing
    const over = { openPriceUsd: '0.10', cpuSecondUsd: '0.0001', maintenanceUsdPerModelMonth: '40', servingCpuSecondsPerUnit: '0.5' }
    const got = await metrics.upkeep(MONTH, over)
    const want = expectedUpkeep(MONTH, over)
    expect(got).toMatchObject({ ...want, unknowns: [] })
    expect(got.assumptionsHash).not.toBe(hash())
    expect(got.upkeepCost).toBeGreaterThan((await metrics.upkeep(MONTH)).upkeepCost!)
  })

  it('a model with a positive margin repays its deployment fee in a finite number of months; a loss gives none', async () => {
    const got = await metrics.upkeep(WHOLE)
    expect(got.models.some((m) => m.margin! > 0n && m.paybackMonths !== null)).toBe(true)
    const cheap = await metrics.upkeep(WHOLE, { maintenanceUsdPerModelMonth: '100000' })
    expect(cheap.models.every((m) => m.margin! <= 0n && m.paybackMonths === null)).toBe(true)
  })

  it('a period of no data: costs of no live model, coverage null with its reason, never 0', async () => {
    // before the assumed price path starts: the cost itself is unknown
    const got = await metrics.upkeep(BEFORE_GENESIS)
    expect([got.upkeepCost, got.maintenanceCoverage, got.models]).toEqual([null, null, []])
    expect(got.unknowns.map((u) => u.field)).toEqual(['upkeepCost', 'models'])
    // with a price: nothing live costs nothing, and coverage of nothing is unknown, not 0
    const priced = await metrics.upkeep(BEFORE_GENESIS, { openPriceUsd: '1' })
    expect([priced.upkeepCost, priced.maintainerFeeIncome, priced.maintenanceCoverage, priced.stakerRealYield]).toEqual([0n, 0n, null, null])
    expect(priced.unknowns.map((u) => u.field)).toEqual(['maintenanceCoverage', 'models'])
  })

  it('a period before the first assumed OPEN price: every cost is null with the reason', async () => {
    const early = { ...JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8')), openPriceUsd: [{ from: '2026-06-01', usd: '0.5' }] }
    const file = path.join(dataDir, 'late-price.json')
    fs.writeFileSync(file, JSON.stringify(early))
    const m = new Metrics(warehouse, pool, { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor, assumptions: readAssumptions(file) })
    const got = await m.upkeep(MONTH)
    expect(got.upkeepCost).toBeNull()
    expect(got.maintenanceCoverage).toBeNull()
    expect(got.costs.every((c) => c.amount === null && c.usd === null)).toBe(true)
    expect(got.unknowns[0]).toEqual({ field: 'upkeepCost', reason: expect.stringMatching(/no OPEN price on 2026-03-01/) })
  })

  it('malformed assumptions are an AssumptionError (code ASSUMPTION): negative cost, unknown field, bad JSON, bad date, zero price', async () => {
    const base = JSON.parse(fs.readFileSync(ASSUMPTIONS_FILE, 'utf8'))
    const bad: [string, string, RegExp][] = [
      ['negative', JSON.stringify({ ...base, cpuSecondUsd: '-0.1' }), /cpuSecondUsd must not be negative/],
      ['unknown', JSON.stringify({ ...base, gpuHourUsd: '1' }), /unknown field "gpuHourUsd"/],
      ['missing', JSON.stringify({ ...base, adapterGb: undefined }), /missing field "adapterGb"/],
      ['json', '{ "cpuSecondUsd": ', /is not JSON/],
      ['date', JSON.stringify({ ...base, openPriceUsd: [{ from: '2026-02-30', usd: '1' }] }), /must be a date YYYY-MM-DD/],
      ['zero', JSON.stringify({ ...base, openPriceUsd: [{ from: '2026-01-01', usd: '0' }] }), /must be above 0/],
      ['number', JSON.stringify({ ...base, storageUsdPerGbMonth: 0.023 }), /must be a decimal string/],
    ]
    for (const [name, text, msg] of bad) {
      const file = path.join(dataDir, `bad-${name}.json`)
      fs.writeFileSync(file, text)
      let err: unknown
      try {
        readAssumptions(file)
      } catch (e) {
        err = e
      }
      expect(err, name).toBeInstanceOf(AssumptionError)
      expect((err as AssumptionError).code).toBe('ASSUMPTION')
      expect((err as Error).message).toMatch(msg)
    }
    await expect(metrics.upkeep(MONTH, { cpuSecondUsd: '-1' })).rejects.toThrow(AssumptionError)
    await expect(metrics.upkeep(MONTH, { openPriceUsd: '0' })).rejects.toThrow(/above 0/)
  })
})

describe('price to fees', () => {
  for (const [at, price] of [
    ['2026-11-15T00:00:00Z', '0.5'],
    ['2026-03-01T00:00:00Z', '1.234567890123456789'],
    ['2026-07-04T08:00:00Z', '12'],
    ['2026-11-15T00:00:00Z', '0'],
  ] as const) {
    it(`at ${at}, price ${price}`, async () => {
      const want = expectedPriceToFees(utc(at), price)
      expect(want.annualizedFees).toBeGreaterThan(0n)
      expect(await metrics.priceToFees(utc(at), price)).toEqual(want)
    })
  }

  it('a malformed price is an InputError', async () => {
    const at = utc('2026-11-15T00:00:00Z')
    for (const bad of ['', 'abc', '-1', '1e3', '1.', '.5', '1.2.3', ' 1', 'NaN', '1,5', '0x10', '1.0000000000000000001']) {
      await expect(metrics.priceToFees(at, bad), JSON.stringify(bad)).rejects.toThrow(InputError)
    }
  })
})

describe('agents', () => {
  for (const [name, p] of [...PERIODS, ['from 2026-06 on', period('2026-06-01T00:00:00Z', '2026-12-01T00:00:00Z')] as [string, Period]]) {
    it(`fee share, stake at risk and slashing, ${name}`, async () => {
      expect(await metrics.agents(p)).toEqual(expectedAgents(p))
    })
  }

  it('slashes split into treasury and burn, and one agent has withdrawn by the end', () => {
    const a = expectedAgents(WHOLE)
    expect(a.slashes).toBeGreaterThan(0)
    expect(a.slashedToTreasury + a.slashedBurned).toBe(a.slashed)
    expect(a.activeAgents).toBeLessThan(a.agents)
    expect(a.agentFees).toBeGreaterThan(0n)
  })
})

describe('operators', () => {
  for (const [name, p] of PERIODS) {
    it(`revenue, concentration and churn, ${name}`, async () => {
      const want = expectedOperators(p)
      expect(want.operators.length).toBeGreaterThan(0)
      expect(await metrics.operators(p)).toEqual(want)
    })
  }
})

describe('no data and bad periods', () => {
  it('a period before genesis: zero amounts, empty lists, unknown ratios are null', async () => {
    const p = BEFORE_GENESIS
    const s = await metrics.sustainability(p, 'day')
    expect(s.series).toEqual([])
    expect(s.totals).toEqual(expectedSustainability(p, 'day').totals)
    expect(s.totals).toMatchObject({ periodStart: '2025-01-01', fees: 0n, revenue: 0n, burns: 0n, earnings: 0n, takeRate: null, feeFundedShare: null, agentFeeShare: null, payers: 0 })
    expect(await metrics.models(p)).toEqual([])
    expect(await metrics.datanets(p)).toEqual([])
    expect(await metrics.contributors(p)).toEqual([])
    expect(await metrics.retention(p)).toEqual([])
    expect(await metrics.concentration(p)).toEqual({ recipients: 0, total: 0n, gini: null, hhi: null, top10Share: null })
    expect(await metrics.agents(p)).toEqual({
      agentFees: 0n,
      grossFees: 0n,
      agentFeeShare: null,
      agents: 0,
      activeAgents: 0,
      stakeAtRisk: 0n,
      slashed: 0n,
      slashedToTreasury: 0n,
      slashedBurned: 0n,
      slashes: 0,
    })
    expect(await metrics.operators(p)).toEqual({ operators: [], concentration: { recipients: 0, total: 0n, gini: null, hhi: null, top10Share: null }, registered: 0, removed: 0 })
    const at = utc('2025-06-01T00:00:00Z')
    expect(await metrics.modelDecay(at)).toEqual([])
    expect(await metrics.unlockOverhang(at)).toEqual({ at, next30: 0n, next90: 0n, vestedUnreleased: 0n, trailing30Fees: 0n, next30ToFees: null, next90ToFees: null })
    const runway = await metrics.runway(at)
    expect(runway).toEqual(expectedRunway(at))
    expect(runway).toMatchObject({ treasuryBalance: 0n, treasuryMonthlyNetBurn: 0n, treasuryRunwayMonths: null, unlockedToDate: 0n, incentiveBudget: 0n, incentiveRunwayMonths: null })
    expect(runway.unknowns.map((u) => u.field)).toEqual(['treasuryRunwayMonths', 'incentiveRunwayMonths'])
    expect(await metrics.priceToFees(at, '2')).toEqual({ priceUsd: '2', supply: SUPPLY, annualizedFees: 0n, marketCapUsd: '2000000000.00', annualizedFeesUsd: '0.00', priceToFees: null })
  })

  it('an empty or inverted period is an InputError for every period metric', async () => {
    const same = utc('2026-03-01T00:00:00Z')
    const bad: Period[] = [
      { from: same, to: same },
      { from: utc('2026-04-01T00:00:00Z'), to: utc('2026-03-01T00:00:00Z') },
    ]
    for (const p of bad) {
      await expect(metrics.sustainability(p, 'day')).rejects.toThrow(InputError)
      await expect(metrics.sustainability(p, 'month')).rejects.toThrow(InputError)
      await expect(metrics.models(p)).rejects.toThrow(InputError)
      await expect(metrics.datanets(p)).rejects.toThrow(InputError)
      await expect(metrics.contributors(p)).rejects.toThrow(InputError)
      await expect(metrics.contributors(p, 10, '0x000000000000000000000000000000000000dead')).rejects.toThrow(InputError)
      await expect(metrics.retention(p)).rejects.toThrow(InputError)
      await expect(metrics.concentration(p)).rejects.toThrow(InputError)
      await expect(metrics.agents(p)).rejects.toThrow(InputError)
      await expect(metrics.operators(p)).rejects.toThrow(InputError)
    }
  })
})
