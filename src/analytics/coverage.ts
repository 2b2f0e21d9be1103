// Which contracts each metric is computed from, so that on a partial network (the openledger
// profile: OpenToken and Staking; ethereum: OpenToken only) a metric whose contract is not
// configured answers null with the reason, never the 0 an empty table would sum to.
// docs/METRICS.md, "On a partial network", lists the same dependencies.
import { CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import type { Liabilities, NetworkCoverage, SustainabilityPoint, Unknown } from './types'

/** A contract, an account the metric needs configured, or native fees indexed (on an OP Stack chain). */
export type Need = ContractName | 'treasury account' | 'native fees' | 'OP Stack'

const REASON: Record<Exclude<Need, ContractName>, string> = {
  'treasury account': "no treasury account configured (TREASURY_ADDRESS or the manifest's accounts.treasury)",
  'native fees': 'native gas fees are not indexed on this network (the manifest has no nativeFees)',
  'OP Stack': 'not an OP Stack chain: its receipts carry no L1 data fee',
}

const SETTLE: Need = 'InferenceSettlement'
const MODELS: Need = 'ModelRegistry'
const REWARDS: Need = 'RewardsDistributor'
const STAKING: Need = 'Staking'

type PointField = Exclude<keyof SustainabilityPoint, 'periodStart'>

/** Each sustainability field's sources (docs/METRICS.md, "Fees and revenue"). */
export const POINT_NEEDS: Record<PointField, Need[]> = {
  inferences: [SETTLE],
  units: [SETTLE],
  payers: [SETTLE],
  fees: [SETTLE, MODELS],
  inferenceFees: [SETTLE],
  deploymentFees: [MODELS],
  creatorFees: [SETTLE],
  contributorFees: [SETTLE],
  infraFees: [SETTLE],
  supplySideFees: [SETTLE],
  treasuryFees: [SETTLE],
  feeBurns: [SETTLE],
  treasuryRevenue: [SETTLE, MODELS],
  holdersRevenue: [SETTLE],
  revenue: [SETTLE, MODELS],
  burns: ['OpenToken'],
  takeRate: [SETTLE, MODELS],
  rewardsEmissions: [REWARDS],
  stakingInterest: [STAKING],
  stakingInterestPaid: [STAKING],
  maintainerIncentives: [REWARDS],
  stakerIncentives: [REWARDS, STAKING],
  otherIncentives: [REWARDS],
  tokenIncentives: [REWARDS, STAKING],
  vestingUnlocks: ['TokenVesting'],
  earnings: [SETTLE, MODELS, REWARDS, STAKING],
  maintainerFeePayouts: [SETTLE],
  feeFundedShare: [SETTLE, REWARDS],
  // payer_is_agent comes from the AgentRegistry: without it every payer would look human
  agentFees: [SETTLE, 'AgentRegistry'],
  agentFeeShare: [SETTLE, 'AgentRegistry'],
  networkFees: ['native fees'],
  networkExecutionFees: ['native fees'],
  networkL1Fees: ['native fees', 'OP Stack'],
  networkGasUsed: ['native fees'],
  networkTxCount: ['native fees'],
  networkActiveSenders: ['native fees'],
}

/** Each liability's sources. */
export const LIABILITY_NEEDS: Record<Exclude<keyof Liabilities, 'unknowns'>, Need[]> = {
  stakedPrincipal: [STAKING],
  stakingBankBalance: [STAKING, 'OpenToken'],
  unclaimedAccruals: [SETTLE],
  undistributedPools: [SETTLE, 'AttributionSettlement'],
  prepaidEscrow: [SETTLE],
}

/** Metric families answered whole (GraphQL query name -> sources). */
export const FAMILY_NEEDS = {
  modelRevenue: [SETTLE, MODELS],
  datanetRevenue: ['DatanetRegistry', 'AttributionSettlement'],
  contributorEarnings: ['DatanetRegistry', 'AttributionSettlement', REWARDS],
  feePolicyHistory: ['FeePolicy', SETTLE],
  contributorRetention: ['DatanetRegistry'],
  // payouts: attribution, creators' and operators' claims
  payoutConcentration: [SETTLE, 'AttributionSettlement'],
  modelDecay: [SETTLE, MODELS],
  unlockOverhang: ['TokenVesting', SETTLE],
  // its liabilities are masked field by field (LIABILITY_NEEDS)
  runway: ['OpenToken', REWARDS, 'treasury account'],
  priceToFees: ['OpenToken', SETTLE],
  agentMetrics: ['AgentRegistry', SETTLE],
  operatorMetrics: [SETTLE],
  upkeepCoverage: [SETTLE, MODELS, STAKING],
  periodChanges: [SETTLE, MODELS],
  tokenFlows: ['OpenToken'],
  // the month replayed: settled inferences, the policy versions, the upkeep cost
  feeWhatIf: [SETTLE, MODELS, 'FeePolicy', STAKING],
  // operators and their fees from the settlement, who funded the payers from OPEN transfers
  washTrading: [SETTLE, 'OpenToken'],
  // maintainers' fee income and incentives per window against each window's upkeep cost
  outlook: [SETTLE, MODELS, STAKING, REWARDS],
} satisfies Record<string, Need[]>
export type Family = keyof typeof FAMILY_NEEDS

/** What this network has: the configured contracts and accounts. */
export class Coverage {
  private readonly has: ReadonlySet<Need>

  /** `contracts` undefined: the whole reference protocol (the devnet). */
  constructor(contracts: readonly string[] | undefined, treasury: boolean, readonly nativeFees?: { opStack: boolean }, readonly network?: string) {
    const names = contracts ?? CONTRACT_NAMES
    const extra: Need[] = [...(treasury ? ['treasury account' as const] : []), ...(nativeFees ? ['native fees' as const] : []), ...(nativeFees?.opStack ? ['OP Stack' as const] : [])]
    this.has = new Set<Need>([...(names as Need[]), ...extra])
  }

  get contracts(): ContractName[] {
    return CONTRACT_NAMES.filter((n) => this.has.has(n))
  }

  get complete(): boolean {
    return this.contracts.length === CONTRACT_NAMES.length && this.has.has('treasury account')
  }

  /** Why a metric with these sources is unknown here, or null when all are present. */
  reason(needs: readonly Need[]): string | null {
    const missing = needs.filter((n) => !this.has.has(n))
    if (!missing.length) return null
    // native fees off already says why there is no L1 fee
    const shown = missing.includes('native fees') ? missing.filter((n) => n !== 'OP Stack') : missing
    return shown.map((n) => (n in REASON ? REASON[n as keyof typeof REASON] : `no ${n} on this network`)).join('; ')
  }

  /** Everything null on this network, for the API's networkCoverage. */
  describe(): NetworkCoverage {
    const families = (Object.keys(FAMILY_NEEDS) as Family[]).flatMap((f) => {
      const reason = this.unavailable(f)
      return reason ? [{ field: f, reason }] : []
    })
    return {
      network: this.network ?? null,
      contracts: this.contracts,
      unavailable: [...families, ...this.pointUnknowns('networkSustainability.'), ...this.liabilityUnknowns('liabilities.')],
    }
  }

  unavailable(family: Family): string | null {
    return this.reason(FAMILY_NEEDS[family])
  }

  /** The fields of a point whose sources are missing, with the reasons. */
  pointUnknowns(prefix = 'totals.'): Unknown[] {
    return unknownsOf(this, POINT_NEEDS, prefix)
  }

  liabilityUnknowns(prefix = ''): Unknown[] {
    return unknownsOf(this, LIABILITY_NEEDS, prefix)
  }

  /** The point with every field whose sources are missing set to null. */
  maskPoint(p: SustainabilityPoint): SustainabilityPoint {
    return masked(this, p, POINT_NEEDS)
  }

  maskLiabilities(l: Liabilities): Liabilities {
    const missing = this.liabilityUnknowns()
    // a missing contract is the first reason: it replaces any other for the same field
    return { ...masked(this, l, LIABILITY_NEEDS), unknowns: [...l.unknowns.filter((u) => !missing.some((m) => m.field === u.field)), ...missing] }
  }
}

function unknownsOf(c: Coverage, needs: Record<string, Need[]>, prefix: string): Unknown[] {
  return Object.entries(needs).flatMap(([field, n]) => {
    const reason = c.reason(n)
    return reason ? [{ field: prefix + field, reason }] : []
  })
}

function masked<T extends object>(c: Coverage, v: T, needs: Record<string, Need[]>): T {
  const out = { ...v } as Record<string, unknown>
  for (const [field, n] of Object.entries(needs)) if (c.reason(n)) out[field] = null
  return out as T
}
