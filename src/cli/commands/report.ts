// `upkeep report`: the monthly maintenance-revenue report for governance (md, html or csv).
import fs from 'node:fs'
import path from 'node:path'
import { Command, Option } from 'commander'
import type { UpkeepConfig } from '../../config'
import pg from 'pg'
import { ensurePostgres } from '../../db/postgres'
import { readDeploymentManifest } from '../../devnet/manifest'
import { openWarehouse } from '../../warehouse/client'
import { Metrics } from '../../analytics'
import { buildReportData, monthRange, ReportError } from '../../report/data'
import { renderReport, type ReportFormat } from '../../report/render'
import { UsageError } from '../errors'

export function registerReport(program: Command, config: UpkeepConfig): void {
  program
    .command('report')
    .description('the monthly maintenance-revenue report: fees, incentives, coverage, models, retention, overhang, runway, verification')
    .requiredOption('--month <YYYY-MM>', 'the month to report')
    .addOption(new Option('--format <format>', 'output format').choices(['md', 'html', 'csv']).default('md'))
    .option('--out <file>', 'write here instead of stdout')
    .option('--manifest <file>', 'deployment manifest (treasury and distributor addresses)', path.join(config.dataDir, 'manifest.json'))
    .action(async (o: { month: string; format: ReportFormat; out?: string; manifest: string }) => {
      try {
        monthRange(o.month)
      } catch (e) {
        throw new UsageError((e as ReportError).message)
      }
      const manifest = readDeploymentManifest(o.manifest, '`upkeep report` (its metrics count from the treasury, distributor and staking bank)')
      const pgh = await ensurePostgres(config.dataDir, config.postgresUrl)
      const warehouse = await openWarehouse(config.warehouse)
      const pool = new pg.Pool({ connectionString: pgh.url, max: 4 })
      try {
        const metrics = new Metrics(warehouse, pool, { treasury: manifest.accounts.treasury, distributor: manifest.contracts.RewardsDistributor, stakingBank: manifest.accounts.stakingBank, assumptions: config.api.assumptions })
        const text = await renderReport(await buildReportData(metrics, pool, o.month, { dbUrl: pgh.url }), o.format)
        if (o.out) fs.writeFileSync(o.out, text)
        else process.stdout.write(text)
      } finally {
        await pool.end()
        await warehouse.close()
        await pgh.stop()
      }
    })
}
