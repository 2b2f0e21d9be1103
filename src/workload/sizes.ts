// Workload sizes. `small` is for tests (~10k events, seconds); `bench` is >= 1M events, generated
// once and cached (see src/workload/cache.ts).
import { UsageError } from '../util/errors'

export interface WorkloadSize {
  name: 'small' | 'bench'
  /** simulated days from genesis (OPEN's TGE, 2025-09-08) */
  days: number
  creators: number
  contributors: number
  payers: number
  stakers: number
  agents: number
  models: number
  /** mean inferences per day at the start and the end of the run (growth is exponential) */
  inferencesPerDay: [number, number]
  /** receipts per settlement batch at most */
  batchSize: number
  /** a workload operator settles a partial batch after this many days */
  settleEveryDays: number
  /** attribution epoch length in days */
  epochDays: number
  /** mean contribution uploads per active contributor per week */
  uploadsPerWeek: number
  /** most entries an attribution epoch pays */
  maxAttributionEntries: number
  /** scales incentive amounts with traffic, so ratios look alike across sizes */
  economyScale: bigint
  /** scales wallet, escrow and stake amounts (bounded by the 50M OPEN liquidity bucket) */
  walletScale: bigint
}

export const SIZES: Record<WorkloadSize['name'], WorkloadSize> = {
  small: {
    name: 'small',
    days: 440,
    creators: 8,
    contributors: 36,
    payers: 24,
    stakers: 10,
    agents: 5,
    models: 12,
    inferencesPerDay: [3, 18],
    batchSize: 100,
    settleEveryDays: 3,
    epochDays: 28,
    uploadsPerWeek: 0.5,
    maxAttributionEntries: 12,
    economyScale: 1n,
    walletScale: 1n,
  },
  bench: {
    name: 'bench',
    days: 440,
    creators: 20,
    contributors: 120,
    payers: 200,
    stakers: 40,
    agents: 8,
    models: 40,
    inferencesPerDay: [750, 5000],
    batchSize: 100,
    settleEveryDays: 1,
    epochDays: 7,
    uploadsPerWeek: 0.6,
    maxAttributionEntries: 24,
    economyScale: 150n,
    walletScale: 10n,
  },
}

export function workloadSize(name: string): WorkloadSize {
  const s = SIZES[name as WorkloadSize['name']]
  if (!s) throw new UsageError(`unknown workload size "${name}" (expected one of: ${Object.keys(SIZES).join(', ')})`)
  return s
}

/** dev accounts a size needs: 18 protocol accounts, then the actors */
export function accountsNeeded(s: WorkloadSize): number {
  return 18 + s.creators + s.contributors + s.payers + s.stakers + s.agents
}
