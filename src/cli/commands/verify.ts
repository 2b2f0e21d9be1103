// `upkeep verify`: replay inference nodes' usage logs against the chain (or the index); exit 0 only when clean.
import fs from 'node:fs'
import path from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import type { UpkeepConfig } from '../../config'
import { ensurePostgres } from '../../db/postgres'
import { readDeploymentManifest } from '../../devnet/manifest'
import { indexerConfig } from '../../processor/config'
import { ChainSource } from '../../verify/chain-source'
import { IndexSource } from '../../verify/index-source'
import { verifyUsageLogs, type SourceName, type VerificationReport } from '../../verify/replay'
import { saveRun } from '../../verify/store'
import { progress } from '../../util/progress'
import { ChargeDomain } from '../../protocol/charge-auth'
import { storedUsageLogs, usageLogDir } from '../../content/usage-logs'
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
    `verified ${r.summary.inferences} inferences, ${r.summary.settled} settled receipts, ${r.summary.attributionEpochs} attribution epochs of operator${r.logs.length > 1 ? 's' : ''} ${r.logs.map((l) => l.operatorId ?? '?').join(', ')}` +
      ` and ${r.summary.epochsChecked} epochs on chain, from the ${r.source === 'both' ? 'chain and the index' : r.source} (${r.summary.checks} checks${r.rerun ? ', every request re-run' : ', no re-run'})`,
  ]
  const { withheldInputs, unanswered } = r.summary
  if (withheldInputs) {
    lines.push(
      `${withheldInputs} requests withheld their input (only its hash is logged): checked without re-running the model; their metering${unanswered < withheldInputs ? ', answers and answer weights are' : ' is'} the operator's word`,
    )
  }
  if (unanswered) lines.push(`${unanswered} requests are synthetic traffic (no model answer): their epochs' weights are the attributor's, checked for arithmetic and pool only`)
  if (r.ok) lines.push(`no discrepancies: the log${r.logs.length > 1 ? 's' : ''} and the ${r.source === 'both' ? 'chain and the index' : r.source} agree`)
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

/** `--log` values: files, or directories whose *.jsonl files are all logs (sorted by name). */
export function expandLogs(paths: string[]): string[] {
  if (!paths.length) throw new UsageError('--log is required: a usage log file or a directory of them')
  const out: string[] = []
  for (const p of paths) {
    let st: fs.Stats
    try {
      st = fs.statSync(p)
    } catch {
      throw new UsageError(`--log ${p}: no such file or directory`)
    }
    if (st.isDirectory()) {
      const files = fs.readdirSync(p).filter((f) => f.endsWith('.jsonl')).sort()
      if (!files.length) throw new UsageError(`--log ${p}: the directory holds no usage log (*.jsonl)`)
      out.push(...files.map((f) => path.join(p, f)))
    } else if (st.isFile()) out.push(p)
    else throw new UsageError(`--log ${p}: not a file or directory`)
  }
  const seen = new Set<string>()
  for (const f of out) {
    const real = fs.realpathSync(f)
    if (seen.has(real)) throw new UsageError(`--log ${f} is given twice`)
    seen.add(real)
  }
  return out
}

const SOURCES = ['chain', 'index', 'both'] as const

function sourceOption(v: string): SourceName {
  if (!(SOURCES as readonly string[]).includes(v)) throw new InvalidArgumentError(`--source must be chain, index or both, got "${v}"`)
  return v as SourceName
}

export function registerVerify(program: Command, config: UpkeepConfig): void {
  program
    .command('verify')
    .description("replay inference nodes' usage logs against the chain: log heads, signatures, outputs, fees at block time, splits, weights, epochs, pools, payouts")
    .option('--log <path>', 'a usage log (JSON lines) or a directory of them; repeat for several operators', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--source <source>', 'where the chain facts come from: chain (eth_getLogs), index (Postgres) or both (chain, and every difference with the index reported)', sourceOption, 'chain' as SourceName)
    .option('--manifest <file>', 'deployment manifest (RPC URL, contracts, start block; RPC_URL, CONTRACT_* and START_BLOCK override it)', path.join(config.dataDir, 'manifest.json'))
    .option('--to-block <n>', 'read the chain up to this block (default: the head when the run starts)', intOption('--to-block'))
    .option('--from <time>', 'only requests at or after this time', dateOption('--from'))
    .option('--to <time>', 'only requests before this time', dateOption('--to'))
    .option('--json <file>', 'write the JSON report here')
    .option('--operator <id>', "with one log: the operator whose key must have signed it (default: the signer of the log's first record)", intOption('--operator', 1))
    .option('--content-dir <dir>', 'content store (contributions and adapters)', path.join(config.dataDir, 'content'))
    .option('--no-rerun', 'skip re-running the model (faster: no output or answer-weight checks)')
    .option('--no-store', 'do not record the run in Postgres (a chain-only run records it only when DB_URL is set)')
    .option('--network-history', "replay the whole chain's history from the chain: every usage log in the content store (the workload's operators), plus any --log; an operator that settled on chain without a log is a discrepancy")
    .action(async (o: { log: string[]; source: SourceName; manifest: string; toBlock?: number; from?: Date; to?: Date; json?: string; operator?: number; contentDir: string; rerun: boolean; store: boolean; networkHistory?: boolean }) => {
      if (o.networkHistory) {
        if (o.source === 'index') throw new UsageError('--network-history reads the chain: --source index cannot reconcile pools of every operator')
        if (o.from || o.to) throw new UsageError('--network-history checks every day: --from and --to do not apply')
        if (o.operator !== undefined) throw new UsageError('--network-history identifies each log by its signer: --operator does not apply')
      }
      const stored = o.networkHistory ? storedUsageLogs(o.contentDir) : []
      if (o.networkHistory && !stored.length && !o.log.length) throw new UsageError(`--network-history: ${usageLogDir(o.contentDir)} holds no usage log and no --log is given`)
      const logFiles = o.log.length || !o.networkHistory ? expandLogs(o.log) : []
      for (const f of stored) if (!logFiles.some((g) => fs.realpathSync(g) === fs.realpathSync(f))) logFiles.push(f)
      if (o.from && o.to && !(o.from < o.to)) throw new UsageError('--from must be before --to')
      if (o.operator !== undefined && logFiles.length > 1) throw new UsageError('--operator names the signer of one log; with several logs each log names its own')
      if (o.json && !fs.existsSync(path.dirname(path.resolve(o.json)))) throw new UsageError(`--json ${o.json}: its directory does not exist`)
      const needsIndex = o.source !== 'chain'
      const store = o.store && (needsIndex || config.postgresUrl !== undefined)
      let chain: ChainSource | undefined
      // the payers' authorisations are checked against the settlement's EIP-712 domain
      const m = readDeploymentManifest(o.manifest, '`upkeep verify`')
      const c = indexerConfig(m, config.chain)
      const chargeDomain = new ChargeDomain(m.chainId, c.contracts.InferenceSettlement ?? m.contracts.InferenceSettlement)
      if (o.source !== 'index') {
        chain = new ChainSource({ rpcUrl: c.rpcUrl, contracts: { ...m.contracts, ...c.contracts }, startBlock: c.startBlock, toBlock: o.toBlock, rpcTimeoutMs: c.rpcTimeoutMs })
        await chain.toBlock() // an unreachable RPC stops here, before anything is read or written
      }
      const pg = needsIndex || store ? await ensurePostgres(config.dataDir, config.postgresUrl) : undefined
      const index = needsIndex ? new IndexSource(pg!.url) : undefined
      try {
        let bar: ReturnType<typeof progress> | undefined
        const report = await verifyUsageLogs({
          logFiles,
          source: chain ?? index!,
          compareWith: o.source === 'both' ? index : undefined,
          operatorId: o.operator,
          contentDir: o.contentDir,
          rerun: o.rerun,
          chargeDomain,
          networkHistory: o.networkHistory,
          from: o.from,
          to: o.to,
          onProgress: (done, total) => {
            // the logs are read in step with the chain: progress is their bytes read, in MiB
            bar ??= progress('verify (log MiB)', Math.ceil(total / 2 ** 20))
            bar.update(Math.floor(done / 2 ** 20))
          },
        })
        bar?.stop()
        if (o.json) fs.writeFileSync(o.json, JSON.stringify(report, null, 2) + '\n')
        if (store) await saveRun(pg!.url, report)
        process.stdout.write(summarize(report))
        process.exitCode = report.ok ? 0 : 1
      } finally {
        await index?.close()
        await chain?.close()
        await pg?.stop()
      }
    })
}
