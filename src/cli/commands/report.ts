// `upkeep report`: the monthly maintenance-revenue report for governance (md, html or csv).
import fs from 'node:fs'
import path from 'node:path'
import { Command, Option } from 'commander'
import type { UpkeepConfig } from '../../config'
import pg from 'pg'
import { ensurePostgres } from '../../db/postgres'
import { readManifest } from '../../devnet/manifest'
import { openWarehouse } from '../../warehouse/client'
import { Metrics } from '../../analytics'
import { buildReportData, monthRange, ReportError } from '../../report/data'
import { renderReport, type ReportFormat } from '../../report/render'
import { UsageError } from '../errors'
import { apiOptions } from '../../api/config'
import { chdbHolder, lockedMessage, type ChdbHolder } from '../../warehouse/holder'
import { ChdbLockedError } from '../../util/errors'
import { logger } from '../../util/log'

export function registerReport(program: Command, config: UpkeepConfig): void {
  program
    .command('report')
    .description('the monthly maintenance-revenue report: fees, incentives, coverage, models, retention, overhang, runway, verification')
    .requiredOption('--month <YYYY-MM>', 'the month to report')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html', 'csv']).default('md'))
    .option('--out <file>', 'write here instead of stdout')
    .option('--manifest <file>', 'deployment manifest: the contracts on this network (any subset) and the treasury, distributor and staking bank', path.join(config.dataDir, 'manifest.json'))
    .action(async (o: { month: string; format: ReportFormat; out?: string; manifest: string }) => {
      try {
        monthRange(o.month)
      } catch (e) {
        throw new UsageError((e as ReportError).message)
      }
      const write = (text: string): void => {
        if (o.out) fs.writeFileSync(o.out, text)
        else process.stdout.write(text)
      }
      // a running service (npm start, upkeep serve) holds the embedded warehouse: ask it instead
      const holder = config.warehouse.mode === 'embedded' ? chdbHolder(config.warehouse.path!) : null
      if (holder) return write(await fromService(config.warehouse.path!, holder, o.month, o.format))
      // any manifest: a metric whose contract it does not name is "unknown (no … on this network)"
      // CONTRACT_<NAME> overrides the manifest here as in the indexer (src/processor/config.ts)
      const m = readManifest(o.manifest)
      const manifest = { ...m, contracts: { ...m.contracts, ...config.chain.contracts } }
      const pgh = await ensurePostgres(config.dataDir, config.postgresUrl)
      const warehouse = await openWarehouse(config.warehouse)
      const pool = new pg.Pool({ connectionString: pgh.url, max: 4 })
      try {
        const metrics = new Metrics(warehouse, pool, apiOptions(manifest, config.api).metrics)
        write(await renderReport(await buildReportData(metrics, pool, o.month, { dbUrl: pgh.url }), o.format))
      } finally {
        await pool.end()
        await warehouse.close()
        await pgh.stop()
      }
    })
}

/** The report from the service that holds the warehouse, or the one line saying who holds it. */
async function fromService(dir: string, holder: ChdbHolder, month: string, format: ReportFormat): Promise<string> {
  if (!holder.apiUrl) throw new ChdbLockedError(lockedMessage(dir, holder))
  const url = `${holder.apiUrl}/reports/${month}.${format}`
  logger('report').info(`embedded chDB is held by process ${holder.pid}: reading the report from its API, ${url}`)
  let res: Response
  try {
    res = await fetch(url)
  } catch (e) {
    throw new ChdbLockedError(`${lockedMessage(dir, holder)} (${url} did not answer: ${(e as Error).message})`)
  }
  const body = await res.text()
  if (res.ok) return body
  let message = body
  try {
    message = (JSON.parse(body) as { errors: { message: string }[] }).errors[0].message
  } catch {
    // not our JSON error: the body as it came
  }
  // the service refused the month (malformed, not indexed, not final): the same one line
  if (res.status < 500) throw new ReportError(message)
  throw new ChdbLockedError(`${lockedMessage(dir, holder)} (${url} answered ${res.status}: ${message.split('\n')[0]})`)
}
