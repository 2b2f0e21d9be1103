// `upkeep soak` (npm run soak): faults, reorgs, kill -9 and a Postgres restart while the chain
// runs, then an exact reconciliation; exits 0 only when nothing was lost or duplicated.
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { formatSoak, runSoak } from '../../faults/soak'
import { intOption } from '../options'

export function registerSoak(program: Command, config: UpkeepConfig): void {
  program
    .command('soak')
    .description('follow a devnet through a faulty RPC with reorgs (1-20), kill -9 and a Postgres restart; then reconcile exactly')
    .option('--minutes <n>', 'how long to inject faults', intOption('--minutes', 1, 24 * 60), 10)
    .option('--seconds <n>', 'how long to inject faults, in seconds (overrides --minutes)', intOption('--seconds', 10, 24 * 3600))
    .option('--seed <n>', 'seed of the fault and disruption schedule', intOption('--seed'), 1)
    .option('--json', 'print the summary as JSON too')
    .action(async (o: { minutes: number; seconds?: number; seed: number; json?: boolean }) => {
      const summary = await runSoak({ durationSec: o.seconds ?? o.minutes * 60, seed: o.seed })
      process.stdout.write(formatSoak(summary) + '\n')
      if (o.json) process.stdout.write(JSON.stringify(summary) + '\n')
      process.exitCode = summary.ok ? 0 : 1
    })
}
