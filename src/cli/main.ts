// `upkeep` — the command line (commander). One file per command under ./commands.
import { Command, CommanderError } from 'commander'
import { registerDevnet } from './commands/devnet'
import { registerIndex } from './commands/index'
import { registerDigest } from './commands/digest'
import { registerStart } from './commands/start'
import { registerServe } from './commands/serve'
import { registerNode } from './commands/node'
import { registerVerify } from './commands/verify'
import { registerReport } from './commands/report'
import { registerBench } from './commands/bench'
import { registerSoak } from './commands/soak'

import { CODES, exitCodeOf } from '../util/errors'
import { loadConfig, type UpkeepConfig } from '../config'
import { setLogLevel } from '../util/log'
import type { SettlerHooks } from '../inference/settler'

/** Hooks that tests and benchmarks inject (fault injection); production passes none. */
export interface CliHooks {
  node?: SettlerHooks
}

export function buildCli(config: UpkeepConfig, hooks: CliHooks = {}): Command {
  const program = new Command('upkeep')
    .description('Indexes OpenLedger\'s inference economy and proves whether usage pays for model upkeep')
    .exitOverride()
  registerDevnet(program, config)
  registerIndex(program, config)
  registerDigest(program, config)
  registerStart(program, config)
  registerServe(program, config)
  registerNode(program, config, hooks.node)
  registerVerify(program, config)
  registerReport(program, config)
  registerBench(program, config)
  registerSoak(program, config)
  return program
}

export async function main(argv: string[], hooks: CliHooks = {}): Promise<void> {
  try {
    // every setting is read and checked before any command runs
    const config = loadConfig()
    setLogLevel(config.logLevel)
    await buildCli(config, hooks).parseAsync(argv)
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander printed its own line; --help and --version end with 0, a malformed command is a usage error
      process.exitCode = e.exitCode === 0 ? 0 : CODES.USAGE.exit
      return
    }
    // one actionable line, no stack trace, for every expected failure
    process.stderr.write(`upkeep: ${(e as Error).message}\n`)
    process.exitCode = exitCodeOf(e)
  }
}
