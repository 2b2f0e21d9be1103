// `upkeep index`: run the indexer to a block (and exit) or following the head, on the devnet's
// manifest or a public network's profile (--network).
import path from 'node:path'
import { Command, Option } from 'commander'
import type { UpkeepConfig } from '../../config'
import { runIndexer } from '../../indexer/run'
import { NETWORK_NAMES, profileManifest, type NetworkName } from '../../devnet/networks'
import { intOption } from '../options'

export function registerIndex(program: Command, config: UpkeepConfig): void {
  program
    .command('index')
    .description('index the protocol into Postgres (embedded unless DB_URL is set)')
    .option('--to <block>', 'stop after this block and exit', intOption('--to'))
    .addOption(new Option('--network <name>', 'a network profile (devnet reads --manifest; see docs/NETWORKS.md)').choices(NETWORK_NAMES).default('devnet'))
    .option('--manifest <file>', 'deployment manifest (the devnet profile)', path.join(config.dataDir, 'manifest.json'))
    .action(async (o: { to?: number; manifest: string; network: NetworkName }) => {
      const manifest = o.network === 'devnet' ? o.manifest : profileManifest(o.network, config.chain.profileRpcUrls, config.chain.rpcUrl)
      const indexer = await runIndexer({ manifest, toBlock: o.to, config })
      const shutdown = () => {
        void indexer.stop().finally(() => process.exit(0))
      }
      process.once('SIGTERM', shutdown)
      process.once('SIGINT', shutdown)
      await new Promise(() => {}) // the processor exits the process when it is done
    })
}
