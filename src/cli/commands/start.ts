// `upkeep start` (npm start): the whole stack in one process on embedded defaults — devnet with
// the small workload (resumed from .data/devnet on later starts), the indexer following the head
// into Postgres + ClickHouse, then a "ready" line saying what runs where.
import fs from 'node:fs'
import path from 'node:path'
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import pg from 'pg'
import { startDevnet, manifestPathFor } from '../../workload/devnet'
import { writeManifest } from '../../devnet/manifest'
import { JsonRpc } from '../../chain/rpc'
import { ensurePostgres, readOnlyRoleUrl, redact } from '../../db/postgres'
import { openDataDir } from '../../db/data-format'
import { startApi, type ApiServer } from '../../api/server'
import { devnetPrivateKey, guardKey, keyFromSource, keyHandle } from '../../chain/keys'
import { InferenceNode } from '../../inference/node'
import { serveNode, type NodeServer } from '../../inference/http'
import { apiOptions } from '../../api/config'
import { runIndexer } from '../../indexer/run'
import { openWarehouse } from '../../warehouse/client'
import { progress } from '../../util/progress'
import { logger } from '../../util/log'
import { intOption, scenarioOption } from '../options'
import { DEFAULT_SCENARIO, SCENARIOS, type ScenarioName } from '../../workload/scenarios'
import { indexedHead, STATE_SCHEMA } from '../../squid/compat'

export function registerStart(program: Command, config: UpkeepConfig): void {
  program
    .command('start')
    .description('run everything on embedded defaults: devnet + workload, indexer, API, inference node')
    .option('--seed <n>', 'workload seed', intOption('--seed'), 7)
    .option('--scenario <name>', `traffic shape of the workload: ${SCENARIOS.join(', ')}`, scenarioOption, DEFAULT_SCENARIO)
    .option('--fresh', 'discard .data and start from a new chain')
    .action(async (o: { seed: number; scenario: ScenarioName; fresh?: boolean }) => {
      await start(o, config)
    })
}

async function start(o: { seed: number; scenario: ScenarioName; fresh?: boolean }, config: UpkeepConfig): Promise<void> {
  const log = logger('start')
  const dir = config.dataDir
  if (o.fresh) fs.rmSync(dir, { recursive: true, force: true })
  openDataDir(dir) // data another version wrote: migrated or refused before the devnet touches it
  // each scenario keeps its own saved chain (steady the one it always had); switching scenario
  // re-indexes, as the index then holds blocks this chain does not have (resetIfDiverged)
  const stateFile = path.join(dir, 'devnet', o.scenario === DEFAULT_SCENARIO ? 'state.json' : `state-${o.scenario}.json`)
  fs.mkdirSync(path.dirname(stateFile), { recursive: true })
  const resume = fs.existsSync(stateFile) && fs.existsSync(manifestPathFor(stateFile))
  log.info(resume ? `resuming the devnet from ${stateFile}` : `starting a devnet and running the small workload (${o.scenario})`)
  let bar: ReturnType<typeof progress> | undefined
  const devnet = await startDevnet({
    workload: 'small',
    seed: o.seed,
    scenario: o.scenario,
    contentDir: path.join(dir, 'content'),
    stateIn: resume ? stateFile : undefined,
    stateOut: stateFile,
    onProgress: (day, days) => {
      bar ??= progress('workload (days)', days)
      bar.update(day)
    },
  })
  bar?.stop()
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)

  const pgHandle = await ensurePostgres(dir, config.postgresUrl)
  await resetIfDiverged(pgHandle.url, devnet.manifest.rpcUrl, dir, log)
  const warehouse = await openWarehouse(config.warehouse)
  const indexer = await runIndexer({ manifest: devnet.manifest, config, warehouse })

  let api: ApiServer | undefined
  let nodeServer: NodeServer | undefined
  let stopNode: (() => Promise<void>) | undefined
  let stopping = false
  const shutdown = async (signal: string) => {
    // Ctrl-C under `npm start` arrives twice (from the terminal and forwarded by npm): stop once
    if (stopping) return
    stopping = true
    log.info(`${signal}: stopping (the chain is saved to ${stateFile})`)
    await api?.close().catch(() => {})
    await nodeServer?.close().catch(() => {})
    await stopNode?.().catch(() => {})
    await indexer.stop()
    await warehouse.close().catch(() => {})
    await devnet.anvil.stop()
    await pgHandle.stop().catch(() => {})
    process.exit(0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await waitCaughtUp(pgHandle.url, devnet.manifest.rpcUrl)
  // the reference inference node: the devnet's operator 1 and attributor accounts (anvil's public
  // keys, accepted because this is chain 31337); OPERATOR_KEY / ATTRIBUTOR_KEY override them
  const chainId = devnet.manifest.chainId
  const node = await InferenceNode.start({
    manifest: devnet.manifest,
    operator: (config.keys.operator && keyFromSource(config.keys.operator, chainId)) ?? guardKey(keyHandle(devnetPrivateKey(7)), chainId, 'the devnet operator key'),
    attributor: (config.keys.attributor && keyFromSource(config.keys.attributor, chainId)) ?? guardKey(keyHandle(devnetPrivateKey(5)), chainId, 'the devnet attributor key'),
    logFile: path.join(dir, 'node', 'usage.jsonl'),
    contentDir: path.join(dir, 'content'),
    epochSeconds: config.node.attributionEpochSeconds,
  })
  nodeServer = await serveNode(node, config.node.port, config.node.host)
  stopNode = () => node.stop()
  // the API reads through a role that can only SELECT (created once the processor's schema exists)
  api = await startApi(
    { dbUrl: await readOnlyRoleUrl(pgHandle.url), warehouse, ...apiOptions(devnet.manifest, config.api) },
    config.api.port,
    config.api.host,
  )
  const wh = warehouse.cfg.mode === 'embedded' ? `embedded chDB ${warehouse.cfg.path}` : redact(warehouse.cfg.url ?? '')
  process.stdout.write(
    `upkeep ready: graphql ${api.url}/graphql, dashboard ${api.url}/dashboard, inference node ${nodeServer.url}/v1/models; chain ${devnet.manifest.chainId} at ${devnet.manifest.rpcUrl} indexed to the head; ` +
      `postgres ${redact(pgHandle.url)}; clickhouse ${wh}; manifest ${manifestFile}\n`,
  )
}

/** Highest block the processor committed (final or hot), or null before it started. */
async function indexedHeadAt(url: string): Promise<{ height: number; hash: string } | null> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await indexedHead(c)
  } finally {
    await c.end()
  }
}

/**
 * A chain regenerated after an unclean stop is the same up to the workload's end but not after:
 * if the index holds a block the chain does not have, start the index over (Postgres and
 * ClickHouse) rather than refuse to run.
 */
async function resetIfDiverged(url: string, rpcUrl: string, dir: string, log: ReturnType<typeof logger>): Promise<void> {
  const head = await indexedHeadAt(url)
  if (!head || head.height < 0) return
  const block = await new JsonRpc(rpcUrl).call<{ hash: string } | null>('eth_getBlockByNumber', ['0x' + head.height.toString(16), false])
  if (block?.hash === head.hash) return
  log.warn(`the index holds block ${head.height} ${head.hash}, which this chain does not have: re-indexing from scratch`)
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query(`drop schema if exists ${STATE_SCHEMA} cascade; drop schema public cascade; create schema public`)
  await c.end()
  fs.rmSync(path.join(dir, 'chdb'), { recursive: true, force: true })
}

async function waitCaughtUp(url: string, rpcUrl: string): Promise<void> {
  const rpc = new JsonRpc(rpcUrl)
  for (;;) {
    const chainHead = Number(BigInt(await rpc.call<string>('eth_blockNumber')))
    const h = await indexedHeadAt(url)
    if (h && h.height >= chainHead) return
    await new Promise((r) => setTimeout(r, 200))
  }
}
