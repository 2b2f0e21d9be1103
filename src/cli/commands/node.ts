// `upkeep node`: the reference inference node (HTTP on loopback; keys from env or a keystore).
import path from 'node:path'
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { readDeploymentManifest } from '../../devnet/manifest'
import { KeyError, keyFromSource } from '../../chain/keys'
import { InferenceNode } from '../../inference/node'
import type { SettlerHooks } from '../../inference/settler'
import { serveNode } from '../../inference/http'
import { intOption } from '../options'

export function registerNode(program: Command, config: UpkeepConfig, hooks?: SettlerHooks): void {
  program
    .command('node')
    .description('run the inference node: serve models, meter, log, settle, attribute (OPERATOR_KEY or OPERATOR_KEYSTORE)')
    .option('--port <n>', 'port (NODE_PORT)', intOption('--port', 0, 65535), config.node.port)
    .option('--host <host>', 'interface (NODE_HOST)', config.node.host)
    .option('--manifest <file>', 'deployment manifest', path.join(config.dataDir, 'manifest.json'))
    .option('--log <file>', 'usage log', path.join(config.dataDir, 'node', 'usage.jsonl'))
    .option('--content-dir <dir>', 'content store (contributions and adapters)', path.join(config.dataDir, 'content'))
    .option('--batch-size <n>', 'settle every n receipts', intOption('--batch-size', 1, 1000), 100)
    .option('--batch-interval-ms <n>', '... or every n ms', intOption('--batch-interval-ms', 10), 2_000)
    .option('--no-settle', 'answer and log, but never settle on chain (a dry run; the benchmark baseline)')
    .option('--epoch-seconds <n>', 'post attribution epochs every n s (0 = off; needs ATTRIBUTOR_KEY)', intOption('--epoch-seconds', 0), 0)
    .option('--private-inputs', "keep request inputs out of the usage log (only their hash): validators then check those requests without re-running them (docs/VERIFY.md, \"Privacy\")")
    .action(async (o: { port: number; host: string; manifest: string; log: string; contentDir: string; batchSize: number; batchIntervalMs: number; epochSeconds: number; settle: boolean; privateInputs?: boolean }) => {
      const manifest = readDeploymentManifest(o.manifest, '`upkeep node`')
      const operator = config.keys.operator && keyFromSource(config.keys.operator, manifest.chainId)
      if (!operator) throw new KeyError('set OPERATOR_KEY (0x…) or OPERATOR_KEYSTORE with OPERATOR_KEYSTORE_PASSWORD[_FILE]')
      const attributor = config.keys.attributor && keyFromSource(config.keys.attributor, manifest.chainId)
      const node = await InferenceNode.start({
        manifest,
        rpcUrl: config.chain.rpcUrl,
        operator,
        attributor,
        logFile: o.log,
        contentDir: o.contentDir,
        batchSize: o.batchSize,
        batchIntervalMs: o.batchIntervalMs,
        epochSeconds: o.epochSeconds,
        settle: o.settle,
        privateInputs: o.privateInputs ?? false,
        hooks,
      })
      const server = await serveNode(node, o.port, o.host)
      process.stdout.write(`upkeep node ready: ${server.url} (operator ${node.operatorId}, ${operator.address})\n`)
      const stop = async () => {
        await server.close()
        await node.stop()
        process.exit(0)
      }
      process.once('SIGINT', () => void stop())
      process.once('SIGTERM', () => void stop())
    })
}
