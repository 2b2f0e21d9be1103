// The report's governance what-ifs: the month replayed (src/analytics/whatif.ts) as settled (the
// identity check), under the split in force at the month's end for the whole month, and at half
// and one and a half times the settled prices. GraphQL's feeWhatIf answers any other scenario.
import type { FeePolicyPeriod, FeeWhatIf, Metrics, Period, Split, WhatIfScenario } from '../analytics'
import type { NumberFormat } from './data'

export interface ReportWhatIf {
  scenario: string
  result: FeeWhatIf
}

/** The split of the policy version in force at `at` (the latest one that took effect before it), if any. */
function splitAt(policies: FeePolicyPeriod[], at: Date): Split | null {
  const v = policies.filter((x) => x.since < at).at(-1)
  return v ? { creator: v.creatorBps, contributors: v.contributorsBps, infra: v.infraBps, treasury: v.treasuryBps, burn: v.burnBps } : null
}

export async function reportWhatIfs(metrics: Metrics, p: Period, policies: FeePolicyPeriod[]): Promise<ReportWhatIf[]> {
  const latest = splitAt(policies, p.to)
  const scenarios: [string, WhatIfScenario][] = [
    ['as settled (identity)', { split: null, multiplier: null }],
    ...(latest ? [["month-end split all month", { split: latest, multiplier: null }] as [string, WhatIfScenario]] : []),
    ['prices × 1/2', { split: null, multiplier: { n: 1n, d: 2n } }],
    ['prices × 3/2', { split: null, multiplier: { n: 3n, d: 2n } }],
  ]
  return Promise.all(scenarios.map(async ([scenario, sc]) => ({ scenario, result: await metrics.whatIf(p, sc) })))
}

export const WHAT_IF_HEAD = ['scenario', 'split (creator/contributors/infra/treasury/burn bps)', 'price multiplier', 'fees (OPEN)', 'creator (OPEN)', 'contributors (OPEN)', 'infrastructure (OPEN)', 'treasury (OPEN)', 'burn (OPEN)', "maintainers' fee income (OPEN)", 'maintenance coverage', 'replay of the settled month equals the chain']

export function whatIfRows(ws: ReportWhatIf[], f: NumberFormat): string[][] {
  return ws.map(({ scenario, result: w }) => [
    scenario,
    w.split,
    w.priceMultiplier,
    f.amount(w.whatIfFees),
    ...w.parties.map((x) => f.amount(x.whatIf)),
    f.amount(w.whatIfMaintainerFeeIncome),
    f.ratio(w.whatIfCoverage),
    w.identityHolds ? 'yes' : 'NO',
  ])
}
