// The analytics' output and input types: what every metric family returns. The GraphQL SDL
// (src/api/analytics-schema.ts) mirrors these; test/analytics/types.test.ts holds the two equal
// field for field (name and nullability), so this file is the one source of truth.

import type { Assumptions } from './assumptions'

export type Interval = 'day' | 'week' | 'month'

export interface Period {
  /** inclusive */
  from: Date
  /** exclusive */
  to: Date
}

export interface MetricsConfig {
  /** the cost-assumptions file (src/analytics/assumptions.ts); without it assumed values are null with a reason */
  assumptions?: Assumptions
  /** the protocol treasury (fee treasury share, deployment fees, slash share); absent: runway is null with the reason */
  treasury?: string
  /** RewardsDistributor: the community and ecosystem buckets that pay emissions */
  distributor?: string
  /**
   * the contracts configured on this network (absent: the whole reference protocol); a metric
   * computed from one that is not here is null with the reason (src/analytics/coverage.ts)
   */
  contracts?: readonly string[]
  /** the network profile's name */
  network?: string
  /** labelled accounts (lowercase address -> label; bridge:… and allocation:… feed tokenFlows) */
  labels?: Record<string, string>
  /** native gas fees are indexed (the manifest's nativeFees): the sustainability metrics' network fees */
  nativeFees?: { opStack: boolean }
  /** the staking bank that pays staking interest */
  stakingBank?: string
  /** ClickHouse max_execution_time per query, seconds */
  timeoutSec?: number
}

/**
 * Every field but periodStart is null when a contract it is computed from is not on this network
 * (src/analytics/coverage.ts); the report's unknowns say which and why.
 */
export interface SustainabilityPoint {
  periodStart: string
  inferences: number | null
  units: bigint | null
  payers: number | null
  /** Token Terminal / DefiLlama fees: inference fees + deployment fees */
  fees: bigint | null
  /** everything users paid for inference */
  inferenceFees: bigint | null
  /** model registration fees, 100 % to the treasury */
  deploymentFees: bigint | null
  creatorFees: bigint | null
  contributorFees: bigint | null
  infraFees: bigint | null
  /** creator + contributor + infrastructure fees */
  supplySideFees: bigint | null
  /** the treasury's share of inference fees (with every rounding remainder) */
  treasuryFees: bigint | null
  /** the burn share of inference fees */
  feeBurns: bigint | null
  /** treasury fees + deployment fees */
  treasuryRevenue: bigint | null
  /** DefiLlama holders revenue: fee burns (not the treasury's burns of its own income) */
  holdersRevenue: bigint | null
  /** fees − supply-side fees = treasury revenue + holders revenue */
  revenue: bigint | null
  /** all OPEN destroyed (fee burns, slashes, holder burns) */
  burns: bigint | null
  /** revenue / fees */
  takeRate: string | null
  rewardsEmissions: bigint | null
  /** staking interest accrued in the period (accrual basis: stake_accrual spans that start in it) */
  stakingInterest: bigint | null
  /** staking interest paid out in the period: payout − principal at unstake (cash basis) */
  stakingInterestPaid: bigint | null
  /** emissions to creators, contributors and operators */
  maintainerIncentives: bigint | null
  /** emissions to stakers + staking interest (accrued) */
  stakerIncentives: bigint | null
  /** emissions with role other */
  otherIncentives: bigint | null
  /** maintainer + staker + other incentives */
  tokenIncentives: bigint | null
  vestingUnlocks: bigint | null
  /** revenue − token incentives */
  earnings: bigint | null
  /** creator + contributor + infrastructure fees */
  maintainerFeePayouts: bigint | null
  /** maintainer fee payouts / (maintainer fee payouts + maintainer incentives) */
  feeFundedShare: string | null
  agentFees: bigint | null
  /** agent fees / inference fees */
  agentFeeShare: string | null
  /** native gas fees the chain's users paid (execution + L1 data fees), in the native token (OPEN on OpenLedger) */
  networkFees: bigint | null
  /** Σ gas used × effective gas price */
  networkExecutionFees: bigint | null
  /** Σ the receipts' L1 data fee (OP Stack only) */
  networkL1Fees: bigint | null
  networkGasUsed: bigint | null
  /** fee-paying transactions (deposits excluded) */
  networkTxCount: number | null
  /** distinct senders of fee-paying transactions (whole UTC days only) */
  networkActiveSenders: number | null
}

export interface ModelRevenue {
  modelId: string
  owner: string | null
  retired: boolean | null
  inferences: number
  units: bigint
  fees: bigint
  creatorFees: bigint
  contributorFees: bigint
  attributionPaid: bigint
}

export interface DatanetRevenue {
  datanetId: string
  name: string | null
  attributionPaid: bigint
  payouts: number
  contributors: number
  contributions: number
  /** datanet yield: attribution paid in the period ÷ contributions made in it (OPEN base units, 6 places) */
  attributionPerContribution: string | null
}

export interface ContributorEarnings {
  contributor: string
  attributionPaid: bigint
  incentives: bigint
  contributions: number
  datanets: number
}

export interface FeePolicyPeriod {
  version: number
  creatorBps: number
  contributorsBps: number
  infraBps: number
  treasuryBps: number
  burnBps: number
  fromBlock: number
  toBlock: number | null
  since: Date
  inferences: number
  fees: bigint
}

export interface RetentionCohort {
  cohort: string
  size: number
  /** active contributors in the cohort's month + k, k = 0.. */
  active: number[]
  /** active[k] / size, decimal strings */
  rates: string[]
}

export interface Concentration {
  recipients: number
  total: bigint
  gini: string | null
  /** Herfindahl-Hirschman index on the 0..10000 scale */
  hhi: string | null
  top10Share: string | null
}

export interface ModelDecay {
  modelId: string
  /** retired before `at`: never flagged */
  retired: boolean
  unitsLast30: bigint
  unitsPrev30: bigint
  feesLast30: bigint
  feesPrev30: bigint
  /** (units last 30 − units previous 30) ÷ units previous 30 */
  change: string | null
  decaying: boolean
}

export interface UnlockOverhang {
  at: Date
  next30: bigint
  next90: bigint
  vestedUnreleased: bigint
  trailing30Fees: bigint
  next30ToFees: string | null
  next90ToFees: string | null
}

/** A labelled account's OPEN (an allocation wallet, a bridge adapter): its balance at the period's end and its flows in it. */
export interface LabelledFlow {
  label: string
  account: string
  balance: bigint
  inflow: bigint
  outflow: bigint
}

/** OPEN held and moved by the configured labelled accounts (the manifest's labels). */
export interface TokenFlows {
  from: Date
  to: Date
  accounts: LabelledFlow[]
  /** OPEN locked in bridge adapters (labels bridge:…) at the period's end: bridged out to other chains */
  bridgedOut: bigint | null
  /** OPEN that left allocation wallets (labels allocation:…) in the period: unlock flows */
  allocationOutflow: bigint | null
  unknowns: Unknown[]
}

/** What a network has, and what is null on it and why. */
export interface NetworkCoverage {
  network: string | null
  contracts: string[]
  unavailable: Unknown[]
}

/** A value that is null, and why. */
export interface Unknown {
  field: string
  reason: string
}

export interface Liabilities {
  /** principal of stakes not yet paid out (staked + topped up) */
  stakedPrincipal: bigint | null
  /** the staking bank's OPEN: principal and the interest reserve together (null: no bank configured) */
  stakingBankBalance: bigint | null
  /** creators' and operators' accrued fee shares not yet claimed */
  unclaimedAccruals: bigint | null
  /** contributors' pools not yet paid out by attribution */
  undistributedPools: bigint | null
  /** payers' escrow: deposits − withdrawals − fees charged */
  prepaidEscrow: bigint | null
  /** each null liability and why */
  unknowns: Unknown[]
}

export interface Runway {
  at: Date
  treasuryBalance: bigint
  treasuryMonthlyOutflow: bigint
  treasuryMonthlyInflow: bigint
  /** outflow − inflow per month (negative: the treasury grows) */
  treasuryMonthlyNetBurn: bigint
  /** balance / net burn; null when there is no net burn */
  treasuryRunwayMonths: string | null
  distributorBalance: bigint
  /** incentives paid and bucket transfers, ever, before `at` */
  distributedToDate: bigint
  /** assumed: the buckets' unlock schedule is not on chain */
  unlockedToDate: bigint | null
  /** min(distributor balance, unlocked to date − distributed to date), at least 0 */
  incentiveBudget: bigint | null
  /** "assumed" when the budget comes from the assumptions file */
  incentiveBudgetProvenance: string | null
  assumptionsHash: string | null
  /** the distributor's emissions in the 90 days before `at`, per month */
  monthlyIncentives: bigint
  incentiveRunwayMonths: string | null
  liabilities: Liabilities
  unknowns: Unknown[]
}

export interface PriceToFees {
  priceUsd: string
  supply: bigint
  annualizedFees: bigint
  marketCapUsd: string
  annualizedFeesUsd: string
  priceToFees: string | null
}

export interface AgentMetrics {
  agentFees: bigint
  grossFees: bigint
  agentFeeShare: string | null
  agents: number
  activeAgents: number
  stakeAtRisk: bigint
  slashed: bigint
  slashedToTreasury: bigint
  slashedBurned: bigint
  slashes: number
}

export interface OperatorRevenue {
  operatorId: string
  account: string | null
  active: boolean | null
  inferences: number
  fees: bigint
  infraFees: bigint
}

export interface OperatorMetrics {
  operators: OperatorRevenue[]
  concentration: Concentration
  registered: number
  removed: number
}


/** One component of the upkeep cost and where its number comes from. */
export interface CostLine {
  component: string
  /** measured (the node's own measurements on chain), declared (on chain) or assumed (the assumptions file) */
  provenance: string
  /** what the number is made of, and any fallback to assumptions */
  note: string
  /** USD, 6 places */
  usd: string | null
  /** OPEN base units at the assumed price */
  amount: bigint | null
}

export interface ModelUpkeep {
  modelId: string
  units: bigint
  /** creator + contributor fees of the model */
  maintainerFeeIncome: bigint
  /** the model's serving compute: its committed CPU µs (measured), else the per-unit model (assumed) */
  servingCost: bigint | null
  /** measured, assumed or measured+assumed */
  servingProvenance: string
  /** declared, assumed or declared+assumed */
  maintenanceProvenance: string
  /** serving compute + storage + maintenance work of the model while live in the period */
  upkeepCost: bigint | null
  margin: bigint | null
  maintenanceCoverage: string | null
  deploymentFee: bigint
  /** months of this period's margin that repay the deployment fee (null: no positive margin) */
  paybackMonths: string | null
}

export interface OperatorUpkeep {
  operatorId: string
  units: bigint
  infraFees: bigint
  /** the operator's own committed CPU µs (measured), else the per-unit model (assumed) */
  servingCost: bigint | null
  /** measured, assumed or measured+assumed */
  servingProvenance: string
  /** infrastructure fees − serving cost */
  infraMargin: bigint | null
}

export interface UpkeepCoverage {
  from: Date
  to: Date
  provenance: string
  assumptionsHash: string | null
  assumptionsSource: string | null
  /** the assumed OPEN price (USD) at the period's start */
  openPriceUsd: string | null
  costs: CostLine[]
  upkeepCost: bigint | null
  /** creator + contributor + infrastructure fees */
  maintainerFeeIncome: bigint
  /** maintainer fee income / upkeep cost */
  maintenanceCoverage: string | null
  stakedPrincipal: bigint
  /** stakers' share of fees: none under the protocol's fee split */
  stakerFeeIncome: bigint
  /** staker fee income, annualized, / staked principal at the period's end */
  stakerRealYield: string | null
  /** emissions to stakers + staking interest accrued in the period */
  stakerIncentives: bigint
  /** staker incentives, annualized, / staked principal at the period's end (token-funded, not real yield) */
  stakerIncentiveYield: string | null
  models: ModelUpkeep[]
  operators: OperatorUpkeep[]
  unknowns: Unknown[]
}

/** A period's changes governance should see, and self-paid traffic. */
export interface PeriodChanges {
  priceChanges: { modelId: string; oldPrice: bigint; newPrice: bigint; block: number }[]
  adapterUpdates: { modelId: string; version: number; block: number }[]
  /** inference fees paid by a model's own owner (wash-traffic suspicion) */
  selfPaidFees: bigint
  /** inference fees of the period */
  fees: bigint
}

/** An operator's wash-trading signal (docs/METRICS.md, "Wash trading"). */
export interface OperatorWashSignal {
  operatorId: string
  account: string | null
  /** inference fees the operator served in the period */
  fees: bigint
  /** of those, the fees paid by payers the operator funded */
  fundedFees: bigint
  /** payers the operator funded who paid it fees in the period */
  fundedPayers: number
  /** funded fees / fees; null when the operator served no fees */
  signal: string | null
  /** signal at or above the threshold */
  flagged: boolean
  reason: string
}

export interface WashTrading {
  from: Date
  to: Date
  threshold: string
  operators: OperatorWashSignal[]
}

/** One trailing 30-day window of the outlook: what maintainers keep if incentives stopped. */
export interface OutlookPeriod {
  from: Date
  to: Date
  /** creator + contributor + infrastructure fees */
  maintainerFeeIncome: bigint
  /** IncentivePaid with role creator, contributor or operator */
  maintainerIncentives: bigint
  /** fee income + incentives */
  maintainerIncome: bigint
  /** what remains if incentives stopped: the fee income */
  incomeIfIncentivesStopped: bigint
  /** the part of the income that remains: fee income / income */
  remainingShare: string | null
  upkeepCost: bigint | null
  /** fee income / upkeep cost */
  maintenanceCoverage: string | null
}

/** Months until maintainers' fee income covers upkeep cost at the trailing trend. */
export interface BreakEven {
  /** decimal months (one place); "0.0" when already covered; null with the reason when unknown */
  months: string | null
  /** the coverage trend per 30 days, fitted log-linearly: e.g. "-0.120000" is 12 % a month down */
  monthlyTrend: string | null
  method: string
  reason: string | null
}

export interface Outlook {
  at: Date
  trailingMonths: number
  periods: OutlookPeriod[]
  breakEven: BreakEven
}

// ---- governance what-ifs (src/analytics/whatif.ts)

/** One party's fee income in the period: as settled and under the what-if. */
export interface WhatIfParty {
  /** creator, contributors, infra, treasury or burn */
  party: string
  /** the what-if split's bps; null when each inference keeps the FeePolicy version in force */
  bps: number | null
  settled: bigint
  whatIf: bigint
  /** what-if − settled */
  change: bigint
}

/** A model's maintainers (creator + contributors) against its upkeep cost (upkeep.ts). */
export interface WhatIfModel {
  modelId: string
  units: bigint
  settledIncome: bigint
  whatIfIncome: bigint
  upkeepCost: bigint | null
  settledCoverage: string | null
  whatIfCoverage: string | null
}

/** An operator's infrastructure fees against its own serving cost (upkeep.ts). */
export interface WhatIfOperator {
  operatorId: string
  units: bigint
  settledInfraFees: bigint
  whatIfInfraFees: bigint
  servingCost: bigint | null
  settledCoverage: string | null
  whatIfCoverage: string | null
  whatIfMargin: bigint | null
}

/** The period's inferences replayed under another split and/or price multiplier. */
export interface FeeWhatIf {
  from: Date
  to: Date
  /** "creator/contributors/infra/treasury/burn" bps, or "in force" */
  split: string
  /** the reduced multiplier "n/d" */
  priceMultiplier: string
  inferences: number
  units: bigint
  settledFees: bigint
  whatIfFees: bigint
  parties: WhatIfParty[]
  /** replaying every inference under its FeePolicy version at its settled price gives the settled shares to the wei */
  identityHolds: boolean
  upkeepCost: bigint | null
  provenance: string
  assumptionsHash: string | null
  /** creator + contributor + infrastructure fees */
  settledMaintainerFeeIncome: bigint
  whatIfMaintainerFeeIncome: bigint
  settledCoverage: string | null
  whatIfCoverage: string | null
  models: WhatIfModel[]
  operators: WhatIfOperator[]
  unknowns: Unknown[]
}
