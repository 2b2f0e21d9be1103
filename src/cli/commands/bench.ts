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
    .option('--scale <n>', 'index suite only: run it again on a chain this many times the size (its workload runs N times the days; generated once and cached)', intOption('--scale', 1, 10), 1)
    .action(async (suites: string[], o: { seed: number; runs: number; scenario: ScenarioName; scale: number }) => {
      const chosen = suites.length ? suites : [...SUITES]
      const unknown = chosen.filter((s) => !SUITES.includes(s as Suite))
      if (unknown.length) throw new UsageError(`unknown suite(s) ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`)
      if (o.scale !== 1 && (chosen.length !== 1 || chosen[0] !== 'index')) throw new UsageError(`--scale ${o.scale} runs the index suite only: npm run bench -- index --scale ${o.scale}`)
      await runBench(chosen as Suite[], { seed: o.seed, runs: o.runs, scenario: o.scenario, scale: o.scale })
    })
}
