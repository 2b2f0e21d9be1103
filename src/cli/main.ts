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

import { exitCodeOf } from '../util/errors'

export function buildCli(): Command {
  const program = new Command('upkeep')
    .description('Indexes OpenLedger\'s inference economy and proves whether usage pays for model upkeep')
    .exitOverride()
  registerDevnet(program)
  registerIndex(program)
  registerDigest(program)
  registerStart(program)
  registerServe(program)
  registerNode(program)
  registerVerify(program)
  registerReport(program)
  registerBench(program)
  registerSoak(program)
  return program
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode
      return
    }
    // one actionable line, no stack trace, for every expected failure
    process.stderr.write(`upkeep: ${(e as Error).message}\n`)
    process.exitCode = exitCodeOf(e)
  }
}
