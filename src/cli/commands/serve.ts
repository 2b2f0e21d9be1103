// `upkeep serve`: the GraphQL API and dashboard as a process of its own. Embedded chDB can be
// open in one process only: alongside a running `upkeep index`, serve needs CLICKHOUSE_URL.
import path from 'node:path'
import { Command } from 'commander'
import type { UpkeepConfig } from '../../config'
import { startApi } from '../../api/server'
import { ensurePostgres, redact } from '../../db/postgres'
import { readManifest } from '../../devnet/manifest'
import { openWarehouse } from '../../warehouse/client'
import { intOption } from '../options'
import { apiOptions } from '../../api/config'

export function registerServe(program: Command, config: UpkeepConfig): void {
  program
    .command('serve')
    .description('serve the GraphQL API, /dashboard, /health, /ready and /metrics')
    .option('--port <n>', 'port (API_PORT)', intOption('--port', 0, 65535), config.api.port)
    .option('--host <host>', 'interface to bind (API_HOST)', config.api.host)
    .option('--manifest <file>', 'deployment manifest: the contracts on this network (any subset) and the treasury, distributor and staking bank', path.join(config.dataDir, 'manifest.json'))
    .action(async (o: { port: number; host: string; manifest: string }) => {
      // any manifest: a metric whose contract it does not name answers null with the reason
      // CONTRACT_<NAME> overrides the manifest here as in the indexer (src/processor/config.ts)
      const m = readManifest(o.manifest)
      const manifest = { ...m, contracts: { ...m.contracts, ...config.chain.contracts } }
      const pg = await ensurePostgres(config.dataDir, config.postgresUrl)
      const warehouse = await openWarehouse(config.warehouse)
      const api = await startApi(
        { dbUrl: config.api.dbUrl ?? pg.url, warehouse, ...apiOptions(manifest, config.api) },
        o.port,
        o.host,
      )
      process.stdout.write(`upkeep api ready: ${api.url}/graphql (dashboard ${api.url}/dashboard) on ${redact(config.api.dbUrl ?? pg.url)}\n`)
      const stop = async () => {
        await api.close()
        await warehouse.close()
        await pg.stop()
        process.exit(0)
      }
      process.once('SIGINT', () => void stop())
      process.once('SIGTERM', () => void stop())
    })
}
