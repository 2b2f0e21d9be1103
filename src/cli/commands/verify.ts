// `upkeep verify`: replay the node's usage log against the index; exit 0 only when clean.
import fs from 'node:fs'
import path from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import type { UpkeepConfig } from '../../config'
import { ensurePostgres } from '../../db/postgres'
import { readIndex } from '../../verify/index-reader'
import { verifyUsageLog, type VerificationReport } from '../../verify/replay'
import { saveRun } from '../../verify/store'
import { progress } from '../../util/progress'
import { intOption } from '../options'
import { UsageError } from '../errors'

export function dateOption(name: string) {
  return (v: string): Date => {
    const d = new Date(v)
    if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new InvalidArgumentError(`${name} must be an ISO date or time (e.g. 2026-11-01), got "${v}"`)
    return d
  }
}

export function summarize(r: VerificationReport): string {
  const lines = [
    `verified ${r.summary.inferences} inferences, ${r.summary.settled} settled receipts, ${r.summary.attributionEpochs} attribution epochs of operator ${r.operator.id}` +
      ` (${r.summary.checks} checks${r.rerun ? ', every request re-run' : ', no re-run'})`,
  ]
  if (r.ok) lines.push('no discrepancies: the log, the chain and the index agree')
  else {
    lines.push(`${r.summary.discrepancies} discrepancies: ${Object.entries(r.summary.byClass).filter(([, n]) => n).map(([c, n]) => `${c} ${n}`).join(', ')}`)
    for (const d of r.discrepancies.slice(0, 20)) {
      const where = Object.entries(d.location).map(([k, v]) => `${k}=${v}`).join(' ')
      lines.push(`  ${d.class} [${where}] ${d.detail}`)
    }
    if (r.discrepancies.length > 20) lines.push(`  … ${r.discrepancies.length - 20} more in the JSON report`)
  }
  return lines.join('\n') + '\n'
}

export function registerVerify(program: Command, config: UpkeepConfig): void {
  program
    .command('verify')
    .description("replay the inference node's usage log: chain, signatures, outputs, fees, splits, weights, payouts")
    .requiredOption('--log <file>', 'the usage log (JSON lines)')
    .option('--from <time>', 'only requests at or after this time', dateOption('--from'))
    .option('--to <time>', 'only requests before this time', dateOption('--to'))
    .option('--json <file>', 'write the JSON report here')
    .option('--operator <id>', 'operator id of the node', intOption('--operator', 1), 1)
    .option('--content-dir <dir>', 'content store (contributions and adapters)', path.join(config.dataDir, 'content'))
    .option('--no-rerun', 'skip re-running the model (faster: no output or answer-weight checks)')
    .option('--no-store', 'do not record the run in Postgres')
    .action(async (o: { log: string; from?: Date; to?: Date; json?: string; operator: number; contentDir: string; rerun: boolean; store: boolean }) => {
      if (!fs.existsSync(o.log)) throw new UsageError(`--log ${o.log}: no such file`)
      if (o.from && o.to && !(o.from < o.to)) throw new UsageError('--from must be before --to')
      const pg = await ensurePostgres(config.dataDir, config.postgresUrl)
      try {
        const index = await readIndex(pg.url, o.operator)
        let bar: ReturnType<typeof progress> | undefined
        const report = await verifyUsageLog({
          logFile: o.log,
          index,
          operatorId: o.operator,
          contentDir: o.contentDir,
          rerun: o.rerun,
          from: o.from,
          to: o.to,
          onProgress: (done, total) => {
            bar ??= progress('verify (requests)', total)
            bar.update(done)
          },
        })
        bar?.stop()
        if (o.json) fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n')
        if (o.store) await saveRun(pg.url, report)
        process.stdout.write(summarize(report))
        process.exitCode = report.ok ? 0 : 1
      } finally {
        await pg.stop()
      }
    })
}
