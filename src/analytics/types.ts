// The analytics' output and input types: what every metric family returns. The GraphQL SDL
// (src/api/analytics-schema.ts) mirrors these; test/analytics/types.test.ts holds the two equal
// field for field (name and nullability), so this file is the one source of truth.

export type Interval = 'day' | 'week' | 'month'

export interface Period {
  /** inclusive */
  from: Date
  /** exclusive */
  to: Date
}

export interface MetricsConfig {
  /** the protocol treasury (fee treasury share, deployment fees, slash share) */
  treasury: string
  /** RewardsDistributor: the community and ecosystem buckets that pay emissions */
  distributor: string
  /** the staking bank that pays staking interest */
  stakingBank?: string
  /** ClickHouse max_execution_time per query, seconds */
  timeoutSec?: number
}

export interface SustainabilityPoint {
  periodStart: string
  inferences: number
  units: bigint
  payers: number
  /** Token Terminal / DefiLlama fees: inference fees + deployment fees */
  fees: bigint
  /** everything users paid for inference */
  inferenceFees: bigint
  /** model registration fees, 100 % to the treasury */
  deploymentFees: bigint
  creatorFees: bigint
  contributorFees: bigint
  infraFees: bigint
  /** creator + contributor + infrastructure fees */
  supplySideFees: bigint
  /** the treasury's share of inference fees (with every rounding remainder) */
  treasuryFees: bigint
  /** the burn share of inference fees */
  feeBurns: bigint
  /** treasury fees + deployment fees */
  treasuryRevenue: bigint
  /** DefiLlama holders revenue: fee burns (not the treasury's burns of its own income) */
  holdersRevenue: bigint
  /** fees − supply-side fees = treasury revenue + holders revenue */
  revenue: bigint
  /** all OPEN destroyed (fee burns, slashes, holder burns) */
  burns: bigint
  /** revenue / fees */
  takeRate: string | null
  rewardsEmissions: bigint
  stakingInterest: bigint
  /** emissions to creators, contributors and operators */
  maintainerIncentives: bigint
  /** emissions to stakers + staking interest */
  stakerIncentives: bigint
  /** emissions with role other */
  otherIncentives: bigint
  /** maintainer + staker + other incentives */
  tokenIncentives: bigint
  vestingUnlocks: bigint
  /** revenue − token incentives */
  earnings: bigint
  /** creator + contributor + infrastructure fees */
  maintainerFeePayouts: bigint
  /** maintainer fee payouts / (maintainer fee payouts + maintainer incentives) */
  feeFundedShare: string | null
  agentFees: bigint
  /** agent fees / inference fees */
  agentFeeShare: string | null
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
  feesLast30: bigint
  feesPrev30: bigint
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

export interface Runway {
  at: Date
  treasuryBalance: bigint
  treasuryMonthlyOutflow: bigint
  treasuryRunwayMonths: string | null
  incentiveBudget: bigint
  monthlyIncentives: bigint
  incentiveRunwayMonths: string | null
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

