// `upkeep devnet`: anvil + the reference protocol + the seeded workload.
import path from 'node:path'
import { Command, Option } from 'commander'
import type { UpkeepConfig } from '../../config'
import { startDevnet } from '../../workload/devnet'
import { writeManifest } from '../../devnet/manifest'
import { countEvents } from '../../workload/summary'
import { JsonRpc } from '../../chain/rpc'
import { progress } from '../../util/progress'
import { intOption, scenarioOption } from '../options'
import { DEFAULT_SCENARIO, SCENARIOS } from '../../workload/scenarios'

export function registerDevnet(program: Command, config: UpkeepConfig): void {
  program
    .command('devnet')
    .description('start anvil, deploy the protocol, run the seeded workload')
    .addOption(new Option('--workload <size>', 'workload size').choices(['small', 'bench']).default('small'))
    .option('--seed <n>', 'workload seed', intOption('--seed'), 7)
    .option('--scenario <name>', `traffic shape: ${SCENARIOS.join(', ')}`, scenarioOption, DEFAULT_SCENARIO)
    .option('--summary', 'print one JSON object: chain, contracts, block range, event counts')
    .option('--keep', 'leave the chain up (RPC URL on stdout) until Ctrl-C')
    .option('--state-out <file>', 'save the chain (and FILE.manifest.json) when it stops')
    .option('--state-in <file>', 'load a saved chain instead of running the workload')
    .option('--manifest <file>', 'also write the deployment manifest here')
    .option('--content-dir <dir>', 'content-addressed store for contribution texts', path.join(config.dataDir, 'content'))
    .action(async (o: { workload: string; seed: number; scenario: string; summary?: boolean; keep?: boolean; stateOut?: string; stateIn?: string; manifest?: string; contentDir: string }) => {
      let bar: ReturnType<typeof progress> | undefined
      const devnet = await startDevnet({
        workload: o.workload,
        seed: o.seed,
        scenario: o.scenario,
        contentDir: o.contentDir,
        stateIn: o.stateIn,
        stateOut: o.stateOut,
        onProgress: (day, days, info) => {
          bar ??= progress(`workload ${o.workload} ${o.scenario} (days)`, days)
          bar.update(day, { txs: info.txs, blocks: info.blocks })
        },
      })
      bar?.stop()
      try {
        if (o.manifest) writeManifest(o.manifest, devnet.manifest)
        if (devnet.stats) {
          const s = devnet.stats
          process.stderr.write(`workload: ${s.txs} txs in ${s.blocks} blocks, ${s.gasUsed} gas, ${s.seconds.toFixed(1)}s\n`)
        }
        if (o.summary) {
          const m = devnet.manifest
          const counted = await countEvents(new JsonRpc(m.rpcUrl), m.contracts, m.startBlock, devnet.endBlock)
          const summary = {
            chainId: m.chainId,
            rpcUrl: m.rpcUrl,
            contracts: m.contracts,
            startBlock: m.startBlock,
            endBlock: devnet.endBlock,
            totalEvents: counted.total,
            events: counted.events,
          }
          process.stdout.write(JSON.stringify(summary, null, 2) + '\n')
        }
        if (o.keep) {
          process.stdout.write(devnet.manifest.rpcUrl + '\n')
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve)
            process.once('SIGTERM', resolve)
          })
        }
      } finally {
        await devnet.anvil.stop()
      }
    })
}
