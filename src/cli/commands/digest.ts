// `upkeep digest`: a deterministic hash of the indexed state.
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { stateDigest } from '../../db/digest'
import { ensurePostgres } from '../../db/postgres'

export function registerDigest(program: Command, config: UpkeepConfig): void {
  program
    .command('digest')
    .description('print a deterministic hash of the indexed state (tables ordered, bookkeeping excluded)')
    .option('--json', 'print per-table row counts and hashes as JSON')
    .action(async (o: { json?: boolean }) => {
      const pg = await ensurePostgres(config.dataDir, config.postgresUrl)
      try {
        const d = await stateDigest(pg.url)
        process.stdout.write(o.json ? JSON.stringify(d, null, 2) + '\n' : d.digest + '\n')
      } finally {
        await pg.stop()
      }
    })
}
