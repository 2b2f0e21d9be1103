// `upkeep serve`: the GraphQL API and dashboard as a process of its own. Embedded chDB can be
// open in one process only: alongside a running `upkeep index`, serve needs CLICKHOUSE_URL.
import path from 'node:path'
import { Command } from 'commander'
import { startApi } from '../../api/server'
import { ensurePostgres, redact } from '../../db/postgres'
import { readManifest } from '../../devnet/manifest'
import { openWarehouse } from '../../warehouse/client'
import { warehouseConfig } from '../../warehouse/config'
import { dataDir } from '../../util/paths'
import { intOption } from '../options'
import { apiOptionsFromEnv } from '../../api/config'

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the GraphQL API, /dashboard, /health, /ready and /metrics')
    .option('--port <n>', 'port (API_PORT)', intOption('--port', 0, 65535), Number(process.env.API_PORT ?? 4350))
    .option('--host <host>', 'interface to bind (API_HOST)', process.env.API_HOST ?? '127.0.0.1')
    .option('--manifest <file>', 'deployment manifest (treasury and distributor addresses)', path.join(dataDir(), 'manifest.json'))
    .action(async (o: { port: number; host: string; manifest: string }) => {
      const manifest = readManifest(o.manifest)
      const pg = await ensurePostgres(dataDir())
      const warehouse = await openWarehouse(warehouseConfig(dataDir()))
      const api = await startApi(
        { dbUrl: process.env.API_DB_URL ?? pg.url, warehouse, ...apiOptionsFromEnv(manifest) },
        o.port,
        o.host,
      )
      process.stdout.write(`upkeep api ready: ${api.url}/graphql (dashboard ${api.url}/dashboard) on ${redact(process.env.API_DB_URL ?? pg.url)}\n`)
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
