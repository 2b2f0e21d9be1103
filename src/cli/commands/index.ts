// `upkeep index`: run the indexer to a block (and exit) or following the head.
import path from 'node:path'
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { runIndexer } from '../../indexer/run'
import { intOption } from '../options'

export function registerIndex(program: Command, config: UpkeepConfig): void {
  program
    .command('index')
    .description('index the protocol into Postgres (embedded unless DB_URL is set)')
    .option('--to <block>', 'stop after this block and exit', intOption('--to'))
    .option('--manifest <file>', 'deployment manifest', path.join(config.dataDir, 'manifest.json'))
    .action(async (o: { to?: number; manifest: string }) => {
      const indexer = await runIndexer({ manifest: o.manifest, toBlock: o.to, config })
      const shutdown = () => {
        void indexer.stop().finally(() => process.exit(0))
      }
      process.once('SIGTERM', shutdown)
      process.once('SIGINT', shutdown)
      await new Promise(() => {}) // the processor exits the process when it is done
    })
}
