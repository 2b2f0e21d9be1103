// `upkeep bench [suite...]` (npm run bench): the benchmarks; see BENCHMARKS.md.
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { runBench, SUITES, type Suite } from '../../bench/run'
import { intOption, scenarioOption } from '../options'
import { DEFAULT_SCENARIO, SCENARIOS, type ScenarioName } from '../../workload/scenarios'
import { UsageError } from '../errors'

export function registerBench(program: Command, config: UpkeepConfig): void {
  program
    .command('bench')
    .description(`run benchmarks on the bench chain (${SUITES.join(', ')}; all by default) and write bench/results.json and BENCHMARKS.md`)
    .argument('[suites...]', 'which suites')
    .option('--seed <n>', 'bench chain seed', intOption('--seed'), 7)
    .option('--scenario <name>', `bench chain workload scenario: ${SCENARIOS.join(', ')}`, scenarioOption, DEFAULT_SCENARIO)
    .option('--runs <n>', 'runs per figure (the median is reported)', intOption('--runs', 1, 20), 3)
    .action(async (suites: string[], o: { seed: number; runs: number; scenario: ScenarioName }) => {
      const chosen = suites.length ? suites : [...SUITES]
      const unknown = chosen.filter((s) => !SUITES.includes(s as Suite))
      if (unknown.length) throw new UsageError(`unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`)
      await runBench(chosen as Suite[], { seed: o.seed, runs: o.runs, scenario: o.scenario })
    })
}
