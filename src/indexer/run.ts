// Runs the indexer (the processor with its Postgres store and the ClickHouse sink): Postgres (embedded or DB_URL) with migrations applied, preflight checks with
// one-line errors, then the squid processor to a block (and exit) or following the head forever.
import fs from 'node:fs'
import { createLogger } from '@subsquid/logger'
import { JsonRpc, RpcError } from '../chain/rpc'
import { applyMigrations, ensurePostgres, redact } from '../db/postgres'
import type { NetworkManifest } from '../devnet/manifest'
import { ConfigError, indexerConfig, type ChainSettings, type IndexerConfig } from '../processor/config'
import { IndexerDatabase } from '../processor/database'
import { openWarehouse, type Warehouse } from '../warehouse/client'
import type { WarehouseConfig } from '../warehouse/config'
import { migrateWarehouse } from '../warehouse/migrate'
import { WarehouseSink } from '../warehouse/sink'
import { BatchHandler } from '../processor/handler'
import { createProcessor } from '../processor/processor'
import { STAGE_LINE, collectStageDetail, detailTotals, memoryPeaksMiB, stageTotals, timeStage, watchGc } from '../util/stage-times'
import { coalesceFinalizedBatches, retryRpcProtocolErrors, serveProcessorMetricsOnLoopback, setSquidDbUrl } from '../squid/compat'

/** While backfilling, finalized batches are joined up to this many logs unless configured (see coalesceFinalizedBatches). */
export const BACKFILL_BATCH_LOGS = 5_000

/** The exit line (at --to) with the transactions committed: `{"final":N,"hot":M}`. */
export const COMMITTED_LINE = 'transactions committed: '

/** What the indexer needs of the configuration (src/config's UpkeepConfig has it). */
export interface IndexerSettings {
  dataDir: string
  /** an external Postgres, else the embedded one under dataDir */
  postgresUrl?: string
  warehouseEnabled: boolean
  warehouse: WarehouseConfig
  chain: ChainSettings
}

export interface IndexerOptions {
  manifest: string | NetworkManifest
  toBlock?: number
  config: IndexerSettings
  /** an already open warehouse (npm start shares one with the API); else opened from the config */
  warehouse?: Warehouse
}

/** transport attempts before the start-up check gives up (backoff 0.25, 0.5, 1, 2, 2 s) */
export const PREFLIGHT_ATTEMPTS = 6

/** Checks the RPC before the processor starts, so a wrong config fails in one line. */
export async function preflight(cfg: IndexerConfig): Promise<number> {
  const rpc = new JsonRpc(cfg.rpcUrl, 10_000)
  const configured = Object.entries(cfg.contracts) as [string, string][]
  let chainId = 0
  let head = 0
  let codes: string[] = []
  // a rate limit, a 5xx, a cut body or a blip at start is not a configuration error: retry the
  // transport (about 6 s in all), but an answer the node gave (a JSON-RPC error) is final
  for (let attempt = 1; ; attempt++) {
    try {
      chainId = Number(BigInt(await rpc.call<string>('eth_chainId')))
      head = Number(BigInt(await rpc.call<string>('eth_blockNumber')))
      codes = await rpc.batch<string>(configured.map(([, a]) => ({ method: 'eth_getCode', params: [a, 'latest'] })))
      break
    } catch (e) {
      if (!(e instanceof RpcError) || e.rpcCode !== undefined) throw e
      if (attempt >= PREFLIGHT_ATTEMPTS) throw new ConfigError(`RPC ${cfg.rpcUrl} is unreachable: ${e.message}`)
      await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** (attempt - 1))))
    }
  }
  const expected = cfg.network && cfg.network !== 'devnet' ? `the ${cfg.network} profile is for chain ${cfg.chainId}` : `the manifest is for chain ${cfg.chainId}`
  if (chainId !== cfg.chainId) throw new ConfigError(`RPC ${cfg.rpcUrl} serves chain ${chainId}, ${expected}`)
  if (cfg.startBlock > head) throw new ConfigError(`start block ${cfg.startBlock} is beyond the chain head ${head} (check START_BLOCK / the manifest)`)
  // every configured contract must exist: a wrong address would index nothing, silently
  const empty = configured.findIndex((_, i) => codes[i] === '0x')
  if (empty >= 0) throw new ConfigError(`no contract at ${configured[empty][0]} address ${configured[empty][1]} on chain ${chainId} (check CONTRACT_${configured[empty][0].toUpperCase()} / the manifest)`)
  if (!configured.length && !cfg.nativeFees) throw new ConfigError(`nothing to index on chain ${chainId}: no contract is configured (set CONTRACT_<NAME>) and native fees are off`)
  return head
}

export interface RunningIndexer {
  /** flushes what ClickHouse has not received yet; call before exiting */
  stop(): Promise<void>
}

export async function runIndexer(opts: IndexerOptions): Promise<RunningIndexer> {
  const log = createLogger('upkeep:indexer')
  watchGc()
  const cfg = indexerConfig(opts.manifest, opts.config.chain, opts.toBlock)
  const stageDetailFile = opts.config.chain.stageDetailFile
  collectStageDetail(!!stageDetailFile)
  const head = await preflight(cfg)
  const pg = await ensurePostgres(opts.config.dataDir, opts.config.postgresUrl)
  // open every store before changing any, so a bad config changes nothing
  const w = opts.config.warehouseEnabled ? (opts.warehouse ?? (await openWarehouse(opts.config.warehouse))) : undefined
  const applied = await applyMigrations(pg.url)
  if (applied.length) log.info(`applied migrations: ${applied.join(', ')}`)
  setSquidDbUrl(pg.url)
  const handler = new BatchHandler(cfg.contracts, cfg.nativeFees && { opStack: cfg.nativeFees.opStack, rpc: new JsonRpc(cfg.rpcUrl, cfg.rpcTimeoutMs) })
  let sink: WarehouseSink | undefined
  if (w) {
    const appliedCh = await migrateWarehouse(w)
    if (appliedCh.length) log.info(`applied ClickHouse migrations: ${appliedCh.join(', ')}`)
    sink = new WarehouseSink(w, pg.url, log, undefined, undefined, (e) => {
      log.fatal(e.message)
      // 1, like Subsquid's runner when a batch fails: which of the two sees the failure first is timing
      process.exit(1)
    })
    await sink.reconcile()
    sink.start()
    handler.onRows = (entity, rows) => sink!.addRows(entity, rows)
  }
  const onFork = () => {
    handler.invalidate()
    sink?.discardPending()
  }
  // --to: exit once the block is committed, final or not (an idle devnet never finalizes its tip;
  // hot blocks are kept with their rollback log, so a later run continues correctly)
  const db = new IndexerDatabase(onFork, sink, async (committed) => {
    if (cfg.toBlock !== undefined && committed >= cfg.toBlock) {
      await timeStage('ch final flush', () => sink?.flush())
      log.info(`${STAGE_LINE}${JSON.stringify({ wall: Math.round(performance.now()), ...stageTotals() })}`)
      // to a file: a long line here would push the stage line out of the tail the index bench reads
      if (stageDetailFile) fs.appendFileSync(stageDetailFile, JSON.stringify(detailTotals()) + '\n')
      log.info(`memory peaks at batch ends (MiB): ${JSON.stringify(memoryPeaksMiB())}`)
      log.info(`${COMMITTED_LINE}${JSON.stringify(db.committed)}`)
      log.info(`reached block ${committed}, exiting`)
      process.exit(0)
    }
  })
  log.info(
    `indexing chain ${cfg.chainId} from block ${cfg.startBlock}${cfg.toBlock !== undefined ? ` to ${cfg.toBlock}` : ' and following the head'} (head ${head}, finality ${cfg.finalityConfirmation}) into ${redact(pg.url)}`,
  )
  const processor = createProcessor(cfg)
  serveProcessorMetricsOnLoopback(processor, opts.config.chain.prometheusPort)
  retryRpcProtocolErrors(processor)
  // UPKEEP_COALESCE_BATCHES=1 (off by default, see the README): while backfilling, one Postgres
  // transaction per ~5k logs instead of per 10 blocks (only finalized batches are joined; hot
  // blocks at the head are untouched)
  if (opts.config.chain.coalesceBatches) coalesceFinalizedBatches(processor, opts.config.chain.backfillBatchLogs ?? BACKFILL_BATCH_LOGS, 200)
  processor.run(db, async (ctx) => {
    const s = await handler.handle(ctx, ctx.log)
    ctx.log.debug(`batch: ${s.blocks} blocks, ${s.logs} logs (${s.unknown} unknown), ${s.upserted} upserts, ${s.inserted} inserts`)
  })
  // processor.run owns the loop from here (it exits the process at --to or on a fatal error)
  return {
    async stop() {
      sink?.stop()
      await sink?.flush().catch((e: Error) => log.error(`final ClickHouse flush failed: ${e.message}`))
    },
  }
}
