// The sustainability analytics over GraphQL: thin resolvers over src/analytics/.
// Money is the BigInt scalar (a decimal string of OPEN base units, 18 decimals); ratios are
// exact decimal strings; unknown is null.
import { InputError, QueryTimeoutError } from '../util/errors'
import type { AssumptionOverrides, Family, Metrics, Period, SustainabilityPoint, Unknown, Coverage } from '../analytics'
import { parseMultiplier, parseSplit } from '../analytics'
import type { StoredRun } from '../verify/store'
import { OPEN_DECIMALS, TOTAL_SUPPLY } from '../analytics'

export const analyticsTypeDefs = /* GraphQL */ `
  enum Interval {
    DAY
    WEEK
    MONTH
  }

  "OPEN: every BigInt amount in this API is in base units of this token."
  type TokenInfo {
    symbol: String!
    decimals: Int!
    totalSupply: BigInt!
  }

  type SquidStatus {
    "highest block indexed (final or not)"
    height: Int
    "highest final block indexed"
    finalizedHeight: Int
    hash: String
  }

  "Definitions, formulas and source events: docs/METRICS.md. Every field but periodStart is null when a contract it is computed from is not on this network: the report's unknowns say which and why (the series' points are null for the same reasons)"
  type SustainabilityPoint {
    periodStart: String!
    inferences: Int
    units: BigInt
    payers: Int
    "inference fees + deployment fees (Token Terminal / DefiLlama fees)"
    fees: BigInt
    "everything users paid for inference"
    inferenceFees: BigInt
    "model registration fees, all to the treasury"
    deploymentFees: BigInt
    creatorFees: BigInt
    contributorFees: BigInt
    infraFees: BigInt
    "creator + contributor + infrastructure fees"
    supplySideFees: BigInt
    "the treasury's share of inference fees"
    treasuryFees: BigInt
    "the burn share of inference fees"
    feeBurns: BigInt
    "treasury fees + deployment fees"
    treasuryRevenue: BigInt
    "fee burns (DefiLlama holders revenue); the treasury's burns of its own income are not counted again"
    holdersRevenue: BigInt
    "fees - supply-side fees = treasury revenue + holders revenue"
    revenue: BigInt
    "all OPEN destroyed: fee burns, slashes, holder burns"
    burns: BigInt
    "revenue / fees"
    takeRate: String
    "IncentivePaid, every role"
    rewardsEmissions: BigInt
    "staking interest accrued in the period (accrual basis: the contract's value of each stake, per UTC day)"
    stakingInterest: BigInt
    "staking interest paid out in the period: payout - principal at unstake (cash basis)"
    stakingInterestPaid: BigInt
    "emissions to creators, contributors and operators"
    maintainerIncentives: BigInt
    "emissions to stakers + staking interest (accrued)"
    stakerIncentives: BigInt
    "emissions with role other"
    otherIncentives: BigInt
    "maintainer + staker + other incentives"
    tokenIncentives: BigInt
    vestingUnlocks: BigInt
    "revenue - token incentives (may be negative)"
    earnings: BigInt
    "creator + contributor + infrastructure fees: the maintainers' fee income"
    maintainerFeePayouts: BigInt
    "maintainer fee payouts / (maintainer fee payouts + maintainer incentives); stakers excluded"
    feeFundedShare: String
    agentFees: BigInt
    "agent fees / inference fees"
    agentFeeShare: String
    "native gas fees the chain's users paid, in its native token (OPEN on OpenLedger): execution + L1 data fees (docs/METRICS.md, Network fees)"
    networkFees: BigInt
    "sum of gas used x effective gas price"
    networkExecutionFees: BigInt
    "sum of the receipts' L1 data fee (OP Stack chains)"
    networkL1Fees: BigInt
    networkGasUsed: BigInt
    "fee-paying transactions (deposit transactions excluded)"
    networkTxCount: Int
    "distinct senders of fee-paying transactions (periods of whole UTC days only)"
    networkActiveSenders: Int
    grossFees: BigInt @deprecated(reason: "renamed inferenceFees; fees now also counts deployment fees")
    protocolRevenue: BigInt @deprecated(reason: "renamed treasuryFees (the treasury's share of inference fees); revenue is treasury fees + fee burns + deployment fees")
    feeCoverageRatio: String @deprecated(reason: "renamed feeFundedShare: it is a share of maintainers' income, not coverage of their costs, and no longer counts stakers")
  }

  type SustainabilityReport {
    from: DateTime!
    to: DateTime!
    interval: Interval!
    token: TokenInfo!
    totals: SustainabilityPoint!
    series: [SustainabilityPoint!]!
    "each null field of the totals, and why: a contract not on this network, or a ratio with nothing to divide by (a period with no activity has every ratio null, never 0)"
    unknowns: [Unknown!]!
  }

  type ModelRevenue {
    modelId: String!
    owner: String
    retired: Boolean
    inferences: Int!
    units: BigInt!
    fees: BigInt!
    creatorFees: BigInt!
    contributorFees: BigInt!
    attributionPaid: BigInt!
  }

  type DatanetRevenue {
    datanetId: String!
    name: String
    attributionPaid: BigInt!
    payouts: Int!
    contributors: Int!
    contributions: Int!
    "datanet yield: attribution paid / contributions in the period (OPEN base units)"
    attributionPerContribution: String
  }

  type ContributorEarnings {
    contributor: String!
    attributionPaid: BigInt!
    incentives: BigInt!
    contributions: Int!
    datanets: Int!
  }

  type FeePolicyPeriod {
    version: Int!
    creatorBps: Int!
    contributorsBps: Int!
    infraBps: Int!
    treasuryBps: Int!
    burnBps: Int!
    fromBlock: Int!
    toBlock: Int
    since: DateTime!
    inferences: Int!
    fees: BigInt!
  }

  type RetentionCohort {
    cohort: String!
    size: Int!
    active: [Int!]!
    rates: [String!]!
  }

  type Concentration {
    recipients: Int!
    total: BigInt!
    gini: String
    "Herfindahl-Hirschman index, 0..10000"
    hhi: String
    top10Share: String
  }

  "Usage decay by units (a price change is not decay); retired models are never flagged"
  type ModelDecay {
    modelId: String!
    retired: Boolean!
    unitsLast30: BigInt!
    unitsPrev30: BigInt!
    feesLast30: BigInt!
    feesPrev30: BigInt!
    "(units last 30 - units previous 30) / units previous 30"
    change: String
    decaying: Boolean!
  }

  type UnlockOverhang {
    at: DateTime!
    next30: BigInt!
    next90: BigInt!
    vestedUnreleased: BigInt!
    trailing30Fees: BigInt!
    next30ToFees: String
    next90ToFees: String
  }

  "A value that is null, and why"
  type Unknown {
    field: String!
    reason: String!
  }

  "What protocol contracts hold for others: owed, never budget"
  type Liabilities {
    "principal of stakes not yet paid out"
    stakedPrincipal: BigInt
    "the staking bank's OPEN: principal and interest reserve together (null: no bank configured)"
    stakingBankBalance: BigInt
    "creators' and operators' accrued fee shares not yet claimed"
    unclaimedAccruals: BigInt
    "contributors' pools not yet paid out by attribution"
    undistributedPools: BigInt
    "payers' escrow: deposits - withdrawals - fees charged"
    prepaidEscrow: BigInt
    "each null liability and why"
    unknowns: [Unknown!]!
  }

  type Runway {
    at: DateTime!
    treasuryBalance: BigInt!
    treasuryMonthlyOutflow: BigInt!
    treasuryMonthlyInflow: BigInt!
    "outflow - inflow per month (negative: the treasury grows)"
    treasuryMonthlyNetBurn: BigInt!
    "balance / net burn; null when there is no net burn"
    treasuryRunwayMonths: String
    distributorBalance: BigInt!
    distributedToDate: BigInt!
    "assumed (assumptions file): the buckets' unlock schedule is not on chain"
    unlockedToDate: BigInt
    "min(distributor balance, unlocked to date - distributed to date)"
    incentiveBudget: BigInt
    incentiveBudgetProvenance: String
    assumptionsHash: String
    "the distributor's emissions in the 90 days before, per month"
    monthlyIncentives: BigInt!
    incentiveRunwayMonths: String
    liabilities: Liabilities!
    unknowns: [Unknown!]!
  }

  "One component of the upkeep cost and where its number comes from"
  type CostLine {
    component: String!
    "measured, declared or assumed; two joined by + when part of the component falls back to assumptions"
    provenance: String!
    "what the number is made of, and any fallback to assumptions"
    note: String!
    "USD"
    usd: String
    "OPEN base units at the assumed price"
    amount: BigInt
  }

  type ModelUpkeep {
    modelId: String!
    units: BigInt!
    "creator + contributor fees"
    maintainerFeeIncome: BigInt!
    "the model's committed CPU time at the assumed CPU-second price (measured), else the per-unit model (assumed)"
    servingCost: BigInt
    "measured, assumed or measured+assumed"
    servingProvenance: String!
    "declared (AdapterCostDeclared in force), assumed or declared+assumed"
    maintenanceProvenance: String!
    "serving compute + storage + maintenance work while live in the period"
    upkeepCost: BigInt
    margin: BigInt
    maintenanceCoverage: String
    deploymentFee: BigInt!
    "months of this period's margin that repay the deployment fee"
    paybackMonths: String
  }

  type OperatorUpkeep {
    operatorId: String!
    units: BigInt!
    infraFees: BigInt!
    "the operator's own committed CPU time at the assumed CPU-second price (measured), else the per-unit model (assumed)"
    servingCost: BigInt
    "measured, assumed or measured+assumed"
    servingProvenance: String!
    "infrastructure fees - serving cost"
    infraMargin: BigInt
  }

  "Does usage pay for upkeep? Costs with provenance against maintainers' fee income"
  type UpkeepCoverage {
    from: DateTime!
    to: DateTime!
    provenance: String!
    assumptionsHash: String
    assumptionsSource: String
    openPriceUsd: String
    costs: [CostLine!]!
    upkeepCost: BigInt
    "creator + contributor + infrastructure fees"
    maintainerFeeIncome: BigInt!
    "maintainer fee income / upkeep cost"
    maintenanceCoverage: String
    stakedPrincipal: BigInt!
    stakerFeeIncome: BigInt!
    "staker fee income, annualized, / staked principal"
    stakerRealYield: String
    "emissions to stakers + staking interest accrued in the period"
    stakerIncentives: BigInt!
    "staker incentives, annualized, / staked principal at the period's end (token-funded: not real yield)"
    stakerIncentiveYield: String
    models: [ModelUpkeep!]!
    operators: [OperatorUpkeep!]!
    unknowns: [Unknown!]!
  }

  "Other assumptions than the file's, for sensitivity: decimal strings, each optional"
  input AssumptionOverrides {
    "USD per OPEN for the whole period"
    openPriceUsd: String
    cpuSecondUsd: String
    gpuSecondUsd: String
    servingCpuSecondsPerUnit: String
    servingGpuSecondsPerUnit: String
    adapterGb: String
    storageUsdPerGbMonth: String
    maintenanceUsdPerModelMonth: String
  }

  type PriceToFees {
    priceUsd: String!
    supply: BigInt!
    annualizedFees: BigInt!
    marketCapUsd: String!
    annualizedFeesUsd: String!
    priceToFees: String
  }

  type AgentMetrics {
    agentFees: BigInt!
    grossFees: BigInt!
    agentFeeShare: String
    agents: Int!
    activeAgents: Int!
    stakeAtRisk: BigInt!
    slashed: BigInt!
    slashedToTreasury: BigInt!
    slashedBurned: BigInt!
    slashes: Int!
  }

  type OperatorRevenue {
    operatorId: String!
    account: String
    active: Boolean
    inferences: Int!
    fees: BigInt!
    infraFees: BigInt!
  }

  type OperatorMetrics {
    operators: [OperatorRevenue!]!
    concentration: Concentration!
    registered: Int!
    removed: Int!
  }

  type VerificationDiscrepancy {
    class: String!
    "JSON: log line, record, request, model, epoch, transaction"
    location: String!
    expected: String
    actual: String
    detail: String!
  }

  "A replay of the inference node's usage log by upkeep verify"
  type VerificationRun {
    id: Int!
    createdAt: DateTime!
    logFile: String!
    logSha256: String!
    operatorId: Int!
    rerun: Boolean!
    ok: Boolean!
    inferences: Int!
    checks: Int!
    discrepancyCount: Int!
    discrepancies: [VerificationDiscrepancy!]!
  }

  "A labelled account's OPEN (manifest labels): balance at the period's end, flows in it"
  type LabelledFlow {
    label: String!
    account: String!
    balance: BigInt!
    inflow: BigInt!
    outflow: BigInt!
  }

  "OPEN held and moved by labelled accounts: bridge adapters (bridged out) and allocation wallets (unlock flows)"
  type TokenFlows {
    from: DateTime!
    to: DateTime!
    accounts: [LabelledFlow!]!
    "OPEN locked in bridge:... adapters at the period's end: bridged out to other chains"
    bridgedOut: BigInt
    "OPEN that left allocation:... wallets in the period: unlock flows"
    allocationOutflow: BigInt
    unknowns: [Unknown!]!
  }

  "What this network has, and the metrics that are null on it and why"
  type NetworkCoverage {
    "the network profile, if the manifest came from one"
    network: String
    "the contracts configured (indexed) on this network"
    contracts: [String!]!
    "each query (or field) that answers null here, and why"
    unavailable: [Unknown!]!
  }

  "An operator's wash-trading signal: the share of its fees paid by payers it funded (docs/METRICS.md)"
  type OperatorWashSignal {
    operatorId: String!
    account: String
    "inference fees the operator served in the period"
    fees: BigInt!
    "of those, fees paid by payers funded by the operator's account or a wallet only it funded"
    fundedFees: BigInt!
    fundedPayers: Int!
    "funded fees / fees; null when the operator served no fees"
    signal: String
    "signal at or above the threshold"
    flagged: Boolean!
    reason: String!
  }

  type WashTrading {
    from: DateTime!
    to: DateTime!
    threshold: String!
    operators: [OperatorWashSignal!]!
  }

  "One trailing 30-day window: what maintainers keep if token incentives stopped"
  type OutlookPeriod {
    from: DateTime!
    to: DateTime!
    "creator + contributor + infrastructure fees"
    maintainerFeeIncome: BigInt!
    "IncentivePaid to creators, contributors and operators"
    maintainerIncentives: BigInt!
    maintainerIncome: BigInt!
    "the fee income: what remains if incentives stopped"
    incomeIfIncentivesStopped: BigInt!
    "fee income / (fee income + incentives)"
    remainingShare: String
    upkeepCost: BigInt
    maintenanceCoverage: String
  }

  "Months until fee income covers upkeep cost at the trailing trend (docs/METRICS.md)"
  type BreakEven {
    "decimal months; 0.0 when covered now; null with the reason when diverging or too little data"
    months: String
    "fitted change of coverage per 30 days"
    monthlyTrend: String
    method: String!
    reason: String
  }

  type Outlook {
    at: DateTime!
    trailingMonths: Int!
    periods: [OutlookPeriod!]!
    breakEven: BreakEven!
  }

  """
  A query below whose contracts are not on this network answers null, and the response's
  extensions.unknowns holds { field, reason } for it (networkCoverage lists them all up front).
  """
  type Query {
    squidStatus: SquidStatus!
    networkCoverage: NetworkCoverage!
    "OPEN of the labelled accounts over [from, to): bridged out, unlock flows"
    tokenFlows(from: DateTime!, to: DateTime!): TokenFlows
    "verification runs, latest first"
    verificationRuns(limit: Int = 10, offset: Int = 0): [VerificationRun!]!
    verificationRunById(id: Int!): VerificationRun
    token: TokenInfo!
    "fees, revenue, incentives and the fee-funded share per interval over [from, to)"
    networkSustainability(from: DateTime!, to: DateTime!, interval: Interval = DAY): SustainabilityReport!
    modelRevenue(from: DateTime!, to: DateTime!, limit: Int = 10): [ModelRevenue!]
    datanetRevenue(from: DateTime!, to: DateTime!, limit: Int = 10): [DatanetRevenue!]
    contributorEarnings(from: DateTime!, to: DateTime!, limit: Int = 10, contributor: String): [ContributorEarnings!]
    feePolicyHistory: [FeePolicyPeriod!]
    contributorRetention(from: DateTime!, to: DateTime!): [RetentionCohort!]
    payoutConcentration(from: DateTime!, to: DateTime!): Concentration
    modelDecay(at: DateTime!, threshold: Float = 0.5): [ModelDecay!]
    unlockOverhang(at: DateTime!): UnlockOverhang
    runway(at: DateTime!): Runway
    priceToFees(at: DateTime!, priceUsd: String!): PriceToFees
    agentMetrics(from: DateTime!, to: DateTime!): AgentMetrics
    operatorMetrics(from: DateTime!, to: DateTime!): OperatorMetrics
    "upkeep cost (with provenance) vs maintainers' fee income over [from, to); pass assumptions to see the sensitivity"
    upkeepCoverage(from: DateTime!, to: DateTime!, assumptions: AssumptionOverrides): UpkeepCoverage
    "what protocol contracts hold for others at a time"
    liabilities(at: DateTime!): Liabilities!
    "per operator: share of its fees paid by payers it funded, flagged at or above the threshold (a decimal in (0, 1])"
    washTrading(from: DateTime!, to: DateTime!, threshold: String = "0.2"): WashTrading
    "if incentives stopped (per trailing 30-day window before at) and the break-even projection; months: 3 to 24 windows"
    outlook(at: DateTime!, months: Int = 6): Outlook
  }

  # ---- governance what-ifs (src/analytics/whatif.ts; docs/METRICS.md, "Governance what-ifs")

  "One party's share of a fee split, in basis points"
  input WhatIfShare {
    "creator, contributors, infra, treasury or burn"
    party: String!
    bps: Int!
  }

  "A party's fee income: as settled and under the what-if"
  type WhatIfParty {
    party: String!
    "the what-if split's bps; null when each inference keeps the FeePolicy version in force"
    bps: Int
    settled: BigInt!
    whatIf: BigInt!
    "what-if - settled"
    change: BigInt!
  }

  "A model's maintainers (creator + contributors) against its upkeep cost"
  type WhatIfModel {
    modelId: String!
    units: BigInt!
    settledIncome: BigInt!
    whatIfIncome: BigInt!
    upkeepCost: BigInt
    settledCoverage: String
    whatIfCoverage: String
  }

  "An operator's infrastructure fees against its own serving cost"
  type WhatIfOperator {
    operatorId: String!
    units: BigInt!
    settledInfraFees: BigInt!
    whatIfInfraFees: BigInt!
    servingCost: BigInt
    settledCoverage: String
    whatIfCoverage: String
    whatIfMargin: BigInt
  }

  "The period's settled inferences replayed under another fee split and/or price multiplier"
  type FeeWhatIf {
    from: DateTime!
    to: DateTime!
    "creator/contributors/infra/treasury/burn bps, or 'in force'"
    split: String!
    "the reduced multiplier n/d"
    priceMultiplier: String!
    inferences: Int!
    units: BigInt!
    settledFees: BigInt!
    whatIfFees: BigInt!
    parties: [WhatIfParty!]!
    "replaying every inference under its FeePolicy version at its settled price gives the settled shares to the wei"
    identityHolds: Boolean!
    upkeepCost: BigInt
    provenance: String!
    assumptionsHash: String
    "creator + contributor + infrastructure fees"
    settledMaintainerFeeIncome: BigInt!
    whatIfMaintainerFeeIncome: BigInt!
    settledCoverage: String
    whatIfCoverage: String
    models: [WhatIfModel!]!
    operators: [WhatIfOperator!]!
    unknowns: [Unknown!]!
  }

  extend type Query {
    "the period's inferences replayed under another split (bps summing to 10000; omitted: the policy in force for each inference) and/or price multiplier (1.5 or 3/2 as a string; omitted: 1)"
    feeWhatIf(from: DateTime!, to: DateTime!, split: [WhatIfShare!], priceMultiplier: String, assumptions: AssumptionOverrides): FeeWhatIf
  }
  # ---- end governance what-ifs
`

export interface AnalyticsContext {
  metrics: Metrics
  verificationRuns(limit: number, offset: number, id?: number): Promise<StoredRun[]>
  squidStatus(): Promise<{ height: number | null; finalizedHeight: number | null; hash: string | null }>
  /** analytics queries slower than this are refused */
  analyticsTimeoutMs: number
  /** this request's nulls for a contract not on this network: the response's extensions.unknowns */
  unknowns: Unknown[]
}

/** A malformed argument: answered as BAD_USER_INPUT (src/api/errors.ts). */
export function badInput(message: string): InputError {
  return new InputError(message)
}

const MAX_LIMIT = 100
const MAX_PERIOD_DAYS = 3660

function period(a: { from: Date; to: Date }): Period {
  if (!(a.from < a.to)) throw badInput(`"from" (${a.from.toISOString()}) must be before "to" (${a.to.toISOString()})`)
  if (a.to.getTime() - a.from.getTime() > MAX_PERIOD_DAYS * 86_400_000) throw badInput(`the period may span at most ${MAX_PERIOD_DAYS} days`)
  return { from: a.from, to: a.to }
}

function limit(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw badInput(`"limit" must be between 1 and ${MAX_LIMIT}, got ${n}`)
  return n
}

/** Runs an analytics query under the time budget: a slow one is refused, the server stays free. */
async function timed<T>(ctx: AnalyticsContext, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new QueryTimeoutError(`the analytics query took longer than ${ctx.analyticsTimeoutMs} ms and was stopped; narrow the period or the interval`)),
      ctx.analyticsTimeoutMs,
    )
  })
  try {
    // the error adapter codes what fails: InputError, a ClickHouse timeout (server code 159), ...
    return await Promise.race([work(), timeout])
  } finally {
    clearTimeout(timer)
  }
}

const INTERVAL = { DAY: 'day', WEEK: 'week', MONTH: 'month' } as const
const token = { symbol: 'OPEN', decimals: OPEN_DECIMALS, totalSupply: TOTAL_SUPPLY }

type P = { from: Date; to: Date }

/** Renamed fields kept for a release so saved queries keep working (each @deprecated in the SDL). */
const sustainabilityAliases = {
  grossFees: (p: SustainabilityPoint) => p.inferenceFees,
  protocolRevenue: (p: SustainabilityPoint) => p.treasuryFees,
  feeCoverageRatio: (p: SustainabilityPoint) => p.feeFundedShare,
}

/** Why each null field of a period's totals is null: a contract not on this network first, then ratios with nothing to divide by. */
export function sustainabilityUnknowns(t: SustainabilityPoint, coverage?: Coverage): { field: string; reason: string }[] {
  const out = coverage?.pointUnknowns('totals.') ?? []
  const idle = t.inferences === 0 && t.fees === 0n && t.tokenIncentives === 0n ? ' (nothing was settled, paid or emitted in the period)' : ''
  const add = (field: string, reason: string) => {
    if (!out.some((u) => u.field === field)) out.push({ field, reason })
  }
  if (t.takeRate === null) add('totals.takeRate', `no fees in the period${idle}`)
  if (t.feeFundedShare === null) add('totals.feeFundedShare', `no maintainer fee payouts or maintainer incentives in the period${idle}`)
  if (t.agentFeeShare === null) add('totals.agentFeeShare', `no inference fees in the period${idle}`)
  if (t.networkActiveSenders === null) add('totals.networkActiveSenders', 'active senders are kept per UTC day: ask for a period of whole UTC days')
  return out
}

/**
 * A family's answer; when it is null (a contract it is computed from is not on this network) the
 * reason goes into the response's extensions.unknowns (src/api/server.ts adds them).
 */
async function known<T>(ctx: AnalyticsContext, family: Family, answer: Promise<T | null>): Promise<T | null> {
  const v = await answer
  if (v === null) ctx.unknowns.push({ field: family, reason: ctx.metrics.coverage.unavailable(family) ?? 'unknown' })
  return v
}

export const analyticsResolvers = {
  SustainabilityPoint: sustainabilityAliases,
  Query: {
    squidStatus: (_: unknown, __: unknown, ctx: AnalyticsContext) => ctx.squidStatus(),
    verificationRuns: (_: unknown, a: { limit: number; offset: number }, ctx: AnalyticsContext) => {
      if (a.offset < 0) throw badInput('"offset" must not be negative')
      return ctx.verificationRuns(limit(a.limit), a.offset)
    },
    verificationRunById: async (_: unknown, a: { id: number }, ctx: AnalyticsContext) => (await ctx.verificationRuns(1, 0, a.id))[0] ?? null,
    token: () => token,
    networkCoverage: (_: unknown, __: unknown, ctx: AnalyticsContext) => ctx.metrics.coverage.describe(),
    networkSustainability: (_: unknown, a: P & { interval: keyof typeof INTERVAL }, ctx: AnalyticsContext) =>
      timed(ctx, async () => {
        const p = period(a)
        const r = await ctx.metrics.sustainability(p, INTERVAL[a.interval])
        return { from: p.from, to: p.to, interval: a.interval, token, ...r, unknowns: sustainabilityUnknowns(r.totals, ctx.metrics.coverage) }
      }),
    modelRevenue: (_: unknown, a: P & { limit: number }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'modelRevenue', ctx.metrics.models(period(a), limit(a.limit)))),
    datanetRevenue: (_: unknown, a: P & { limit: number }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'datanetRevenue', ctx.metrics.datanets(period(a), limit(a.limit)))),
    contributorEarnings: (_: unknown, a: P & { limit: number; contributor?: string }, ctx: AnalyticsContext) =>
      timed(ctx, () => {
        if (a.contributor !== undefined && a.contributor !== null && !/^0x[0-9a-fA-F]{40}$/.test(a.contributor)) throw badInput(`"contributor" must be a 0x address, got "${a.contributor}"`)
        return known(ctx, 'contributorEarnings', ctx.metrics.contributors(period(a), limit(a.limit), a.contributor ?? undefined))
      }),
    feePolicyHistory: (_: unknown, __: unknown, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'feePolicyHistory', ctx.metrics.feePolicyHistory())),
    contributorRetention: (_: unknown, a: P, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'contributorRetention', ctx.metrics.retention(period(a)))),
    payoutConcentration: (_: unknown, a: P, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'payoutConcentration', ctx.metrics.concentration(period(a)))),
    modelDecay: (_: unknown, a: { at: Date; threshold: number }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'modelDecay', ctx.metrics.modelDecay(a.at, a.threshold))),
    unlockOverhang: (_: unknown, a: { at: Date }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'unlockOverhang', ctx.metrics.unlockOverhang(a.at))),
    runway: (_: unknown, a: { at: Date }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'runway', ctx.metrics.runway(a.at))),
    priceToFees: (_: unknown, a: { at: Date; priceUsd: string }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'priceToFees', ctx.metrics.priceToFees(a.at, a.priceUsd))),
    agentMetrics: (_: unknown, a: P, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'agentMetrics', ctx.metrics.agents(period(a)))),
    operatorMetrics: (_: unknown, a: P, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'operatorMetrics', ctx.metrics.operators(period(a)))),
    tokenFlows: (_: unknown, a: P, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'tokenFlows', ctx.metrics.tokenFlows(period(a)))),
    upkeepCoverage: (_: unknown, a: P & { assumptions?: AssumptionOverrides | null }, ctx: AnalyticsContext) =>
      timed(ctx, () => known(ctx, 'upkeepCoverage', ctx.metrics.upkeep(period(a), { ...(a.assumptions ?? {}) }))),
    liabilities: (_: unknown, a: { at: Date }, ctx: AnalyticsContext) => timed(ctx, () => ctx.metrics.liabilities(a.at)),
    washTrading: (_: unknown, a: P & { threshold: string }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'washTrading', ctx.metrics.washTrading(period(a), a.threshold))),
    outlook: (_: unknown, a: { at: Date; months: number }, ctx: AnalyticsContext) => timed(ctx, () => known(ctx, 'outlook', ctx.metrics.outlook(a.at, a.months))),
    // ---- governance what-ifs
    feeWhatIf: (_: unknown, a: P & { split?: { party: string; bps: number }[] | null; priceMultiplier?: string | null; assumptions?: AssumptionOverrides | null }, ctx: AnalyticsContext) =>
      timed(ctx, () => {
        const p = period(a)
        const scenario = { split: a.split ? parseSplit(a.split) : null, multiplier: a.priceMultiplier != null ? parseMultiplier(a.priceMultiplier) : null }
        return known(ctx, 'feeWhatIf', ctx.metrics.whatIf(p, scenario, { ...(a.assumptions ?? {}) }))
      }),
  },
}
