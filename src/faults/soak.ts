// The soak: for a bounded time the indexer follows a devnet through the fault-injecting RPC proxy
// while the chain keeps producing protocol activity, forks (depth 1–20), the indexer is killed
// with SIGKILL and Postgres is restarted. Then faults stop, the indexer catches up, and the record
// must reconcile exactly: the Postgres state digest equals a fresh index of the canonical chain,
// ClickHouse equals Postgres row for row, and the event counts equal the raw chain logs.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createPublicClient, createTestClient, createWalletClient, http, toEventSelector, type AbiEvent, type Address, type Hex } from 'viem'
import { foundry } from 'viem/chains'
import { artifact } from '../chain/artifacts'
import { PROJECT_ROOT } from '../util/paths'
import { startDevnet } from '../workload/devnet'
import { writeManifest } from '../devnet/manifest'
import { startEmbeddedPostgres, type PostgresHandle } from '../db/postgres'
import { stateDigest } from '../db/digest'
import { compareStores } from '../warehouse/compare'
import { Rng } from '../util/rng'
import { indexedHead } from '../squid/compat'
import { actors, mineActivity, mineForkOnlyChange, type ForkOnlyChange } from './activity'
import { startFaultProxy, type FaultMix } from './rpc-proxy'

export interface SoakOptions {
  durationSec: number
  seed?: number
  /** an anvil state of the small workload to start from (else it is generated, ~15 s) */
  stateIn?: string
  contentDir?: string
  log?: (line: string) => void
}

export interface SoakSummary {
  seconds: number
  blocks: { from: number; to: number }
  activityBlocks: number
  reorgs: number[]
  /** reorgs whose losing branch the indexer had committed (its head was on it) when the chain reverted */
  losingBranchesIndexed: number
  /** state changes made only on losing branches (agents registered or slashed, unstakes requested, operators removed, models retired, prices changed), by event type */
  forkOnlyChanges: Record<string, number>
  kills: number
  /** kills the schedule drew while the indexer had not yet committed a batch since its last start (done later) */
  deferredKills: number
  crashRestarts: number
  /** why each crash restart happened: the exit code or signal and the indexer's last error line, with numbers and hashes masked so alike exits group */
  crashReasons: Record<string, number>
  postgresRestarts: number
  faults: Record<string, number>
  final: {
    digest: string
    freshDigest: string
    digestsEqual: boolean
    clickhouseMismatches: string[]
    rows: { inferences: number; contributions: number }
    chain: { inferences: number; contributions: number }
  }
  ok: boolean
}

/** the RPC faults the soak injects: each kind is injected early at least once (see startFaultProxy) */
export const FAULTS: FaultMix = { rateLimit: 0.03, serverError: 0.02, hang: 0.005, truncate: 0.02, nullBlock: 0.03, inconsistentLogs: 0.03, headBackwards: 0.05, rangeLimit: 0.05 }
/** the fork-only changes a losing tip makes, by turns: every kind of FORK_ONLY_CHANGES once in two reorgs */
export const FORK_ONLY_TIPS: ForkOnlyChange[][] = [
  ['AgentRegistered', 'AgentSlashed'],
  ['RequestUnstake', 'OperatorRemoved', 'ModelRetired', 'ModelPriceChanged'],
]
const BIN = path.join(PROJECT_ROOT, 'bin', 'upkeep.js')
const MIN_RUN_BEFORE_KILL_MS = 2_000
const LOSING_BRANCH_WAIT_MS = 30_000

async function q<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  await c.connect()
  try {
    return (await c.query<T>(sql)).rows
  } finally {
    await c.end()
  }
}

async function indexedHeadAt(url: string): Promise<{ height: number; hash: string } | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  try {
    await c.connect()
    return await indexedHead(c)
  } catch {
    return null
  } finally {
    await c.end().catch(() => {})
  }
}

function runIndex(manifestFile: string, dbUrl: string, dataDir: string, env: Record<string, string>, to?: number): ChildProcess {
  const args = [BIN, 'index', '--manifest', manifestFile]
  if (to !== undefined) args.push('--to', String(to))
  return spawn(process.execPath, args, { env: { ...process.env, DB_URL: dbUrl, UPKEEP_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
}

async function runIndexTo(manifestFile: string, dbUrl: string, dataDir: string, env: Record<string, string>, to: number): Promise<void> {
  const child = runIndex(manifestFile, dbUrl, dataDir, env, to)
  let err = ''
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-3000)))
  const code = await new Promise<number | null>((r) => child.once('exit', r))
  if (code !== 0) throw new Error(`indexer --to ${to} exited with ${code}:\n${err}`)
}

export async function runSoak(o: SoakOptions): Promise<SoakSummary> {
  const log = o.log ?? ((s: string) => process.stderr.write(s + '\n'))
  const rng = new Rng(o.seed ?? 1)
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-soak-'))
  const contentDir = o.contentDir ?? path.join(work, 'content')
  const t0 = Date.now()
  log(`soak: ${o.durationSec} s, seed ${o.seed ?? 1}, work dir ${work}`)
  const devnet = await startDevnet({ workload: 'small', seed: 7, contentDir, stateIn: o.stateIn })
  const manifestFile = path.join(work, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)
  const chain = { ...foundry, id: devnet.manifest.chainId }
  const transport = http(devnet.anvil.rpcUrl)
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 })
  const testClient = createTestClient({ chain, transport, mode: 'anvil' })
  const clients = { manifest: devnet.manifest, publicClient, wallet: (account: Address) => createWalletClient({ chain, transport, account }) }
  const who = await actors(clients)
  const startHead = Number(await publicClient.getBlockNumber())

  const pgDir = path.join(work, 'pg')
  let pgHandle: PostgresHandle
  let proxy: Awaited<ReturnType<typeof startFaultProxy>>
  try {
    pgHandle = await startEmbeddedPostgres(pgDir)
    proxy = await startFaultProxy(devnet.anvil.rpcUrl, FAULTS, o.seed ?? 1, true)
  } catch (e) {
    // set-up failed: leave nothing running (the chain would keep the process alive)
    await devnet.anvil.stop()
    fs.rmSync(work, { recursive: true, force: true })
    throw e
  }
  const pgPort = Number(new URL(pgHandle.url).port)
  const dbUrl = pgHandle.url
  const dataDir = path.join(work, 'data')
  const env = { RPC_URL: proxy.url, FINALITY_CONFIRMATION: '25', RPC_TIMEOUT_MS: '2000', HEAD_POLL_MS: '200' }

  // the indexer under supervision: an exit we did not cause is a crash, restarted like a service manager would
  let child: ChildProcess | undefined
  let expectingExit = false
  let stopping = false
  let crashRestarts = 0
  const crashReasons: Record<string, number> = {}
  let lastErr = ''
  // a kill lands at a random point of an indexer that is working: not before it has committed a
  // batch since its last start (a restart under load takes seconds; kills every few seconds would
  // only ever hit start-ups and the indexer would fall behind for good)
  let startedAt = 0
  let headAtStart = -1
  const start = () => {
    startedAt = Date.now()
    headAtStart = Number.MAX_SAFE_INTEGER
    void indexedHeadAt(dbUrl).then((h) => (headAtStart = h?.height ?? -1))
    const c = runIndex(manifestFile, dbUrl, dataDir, env)
    // this process's own tail: a crash's reason is in the output of the process that crashed
    let ownErr = ''
    c.stderr!.on('data', (b: Buffer) => {
      ownErr = (ownErr + b.toString()).slice(-4000)
      lastErr = (lastErr + b.toString()).slice(-2000)
    })
    c.once('exit', (code, signal) => {
      if (child !== c) return
      child = undefined
      if (expectingExit || stopping) return
      crashRestarts++
      const reason = crashReason(code, signal, ownErr)
      crashReasons[reason] = (crashReasons[reason] ?? 0) + 1
      log(`soak: the indexer exited on its own (${reason}); restarting it in 0.5 s`)
      setTimeout(() => {
        if (!stopping && !child) child = start()
      }, 500)
    })
    return c
  }
  const killIndexer = async (signal: NodeJS.Signals) => {
    const c = child
    if (!c) return
    expectingExit = true
    const exited = new Promise((r) => c.once('exit', r))
    c.kill(signal)
    await exited
    expectingExit = false
  }
  child = start()

  // warm-up: disruptions start once the indexer has followed the chain to its head (through the
  // faulty RPC), so even a short run disrupts an indexer that is working, not one still starting
  proxy.setMix(FAULTS)
  for (let t = Date.now(), best = -1; ; await new Promise((r) => setTimeout(r, 200))) {
    const h = await indexedHeadAt(dbUrl)
    if (h && h.height >= startHead) break
    if (h && h.height > best) {
      best = h.height
      t = Date.now()
    }
    if (Date.now() - t > 180_000) {
      stopping = true
      await killIndexer('SIGKILL')
      await proxy.close()
      await devnet.anvil.stop()
      await pgHandle.stop().catch(() => {})
      fs.rmSync(work, { recursive: true, force: true })
      throw new Error(`soak: the indexer made no progress towards block ${startHead} for 180 s during the warm-up:\n${lastErr}`)
    }
  }
  log(`soak: warm-up done in ${Math.round((Date.now() - t0) / 1000)} s (indexed to block ${startHead}); disruptions for ${o.durationSec} s`)
  const reorgs: number[] = []
  let kills = 0
  let deferredKills = 0
  let killPending = false
  let losingBranchesIndexed = 0
  const forkOnlyChanges: Record<string, number> = {}
  let postgresRestarts = 0
  let activityBlocks = 0
  let step = 0
  const deadline = Date.now() + o.durationSec * 1000
  // a fixed share of each disruption, in random order: every kind happens even in a short run
  const plan = ['kill', 'reorg', 'postgres', 'reorg', 'kill', 'reorg', 'reorg', 'kill', 'reorg', 'reorg']
  let lastReport = Date.now()
  try {
    while (Date.now() < deadline) {
      step++
      await mineActivity(clients, who, `soak-${step}`, 1 + rng.int(0, 2))
      activityBlocks++
      // a kill drawn while the indexer was starting waits for the first step it is working
      const action = step % 4 === 0 ? plan[(step / 4 - 1) % plan.length] : killPending ? 'kill' : undefined
      if (!action) continue
      if (action === 'kill') {
        const h = await indexedHeadAt(dbUrl)
        if (Date.now() - startedAt < MIN_RUN_BEFORE_KILL_MS || !h || h.height <= headAtStart) {
          if (!killPending) deferredKills++
          killPending = true
          continue
        }
        killPending = false
        await new Promise((r) => setTimeout(r, rng.int(0, 1500)))
        await killIndexer('SIGKILL')
        kills++
        child = start()
      } else if (action === 'reorg') {
        const depth = rng.int(1, 20)
        const forkBase = Number(await publicClient.getBlockNumber())
        const snapshot = (await testClient.snapshot()) as Hex
        await mineActivity(clients, who, `soak-a-${step}`, depth)
        // the losing branch's tip changes state the winning branch never does: the two groups in
        // turn, so two reorgs make every kind (4 blocks each: with depth 20 the fork stays inside
        // the 25-block window)
        let forkOnlyBlocks = 0
        for (const change of FORK_ONLY_TIPS[reorgs.length % FORK_ONLY_TIPS.length]) {
          forkOnlyBlocks += await mineForkOnlyChange(clients, who, change, `soak-${step}`)
          forkOnlyChanges[change] = (forkOnlyChanges[change] ?? 0) + 1
        }
        await new Promise((r) => setTimeout(r, 300 + rng.int(0, 1200)))
        // the interesting reorg undoes blocks the indexer has committed: give it a bounded while to
        // reach the losing branch (a loaded machine or a kill can leave it behind), then count
        // whether it did (its head is a block of that branch)
        for (const t = Date.now(); Date.now() - t < LOSING_BRANCH_WAIT_MS; await new Promise((r) => setTimeout(r, 100))) {
          const h = await indexedHeadAt(dbUrl)
          if (!h || h.height <= forkBase) continue
          const b = await publicClient.getBlock({ blockNumber: BigInt(h.height) }).catch(() => null)
          if (b?.hash === h.hash) {
            losingBranchesIndexed++
            break
          }
        }
        await testClient.revert({ id: snapshot })
        await mineActivity(clients, who, `soak-b-${step}`, depth + forkOnlyBlocks + 1)
        reorgs.push(depth)
      } else if (action === 'postgres' && postgresRestarts === 0) {
        await pgHandle.stop()
        await new Promise((r) => setTimeout(r, 1000))
        pgHandle = await startEmbeddedPostgres(pgDir, pgPort)
        postgresRestarts++
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now()
        const h = await indexedHeadAt(dbUrl)
        log(`soak: ${Math.round((Date.now() - t0) / 1000)} s, chain head ${await publicClient.getBlockNumber()}, indexed ${h?.height ?? '-'}, ${reorgs.length} reorgs, ${kills} kills, ${crashRestarts} crash restarts`)
      }
    }

    // faults off; the follower catches up to the canonical head
    proxy.setMix({})
    const head = await publicClient.getBlock()
    log(`soak: faults off, waiting for the indexer to reach block ${head.number}`)
    // however far behind it is, it must keep moving: it fails after 180 s without progress
    for (let t = Date.now(), best = -1; ; ) {
      const h = await indexedHeadAt(dbUrl)
      if (h && h.height === Number(head.number) && h.hash === head.hash) break
      if (h && h.height > best) {
        best = h.height
        t = Date.now()
      }
      if (Date.now() - t > 180_000) throw new Error(`soak: the indexer made no progress towards ${head.number} for 180 s (at ${JSON.stringify(h)}):\n${lastErr}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    stopping = true
    await killIndexer('SIGTERM')
    // one bounded run to the head: reconciles ClickHouse with Postgres and exits cleanly
    await runIndexTo(manifestFile, dbUrl, dataDir, { RPC_URL: devnet.anvil.rpcUrl, FINALITY_CONFIRMATION: '25' }, Number(head.number))

    // the reference: a fresh index of the canonical chain, no faults
    const freshUrl = dbUrl.replace(/\/upkeep$/, '/upkeep_fresh')
    await q(dbUrl.replace(/\/upkeep$/, '/postgres'), 'create database upkeep_fresh')
    await runIndexTo(manifestFile, freshUrl, path.join(work, 'fresh'), { RPC_URL: devnet.anvil.rpcUrl, FINALITY_CONFIRMATION: '25', UPKEEP_WAREHOUSE: 'off' }, Number(head.number))
    const [digest, freshDigest] = await Promise.all([stateDigest(dbUrl), stateDigest(freshUrl)])
    const cmp = await compareStores(dataDir, dbUrl)
    const count = async (contract: 'InferenceSettlement' | 'DatanetRegistry', event: string) => {
      const ev = artifact(contract).abi.find((x) => x.type === 'event' && x.name === event) as AbiEvent
      let n = 0
      for (let from = devnet.manifest.startBlock; from <= Number(head.number); from += 500) {
        const logs = (await (publicClient.request as (a: unknown) => Promise<unknown[]>)({
          method: 'eth_getLogs',
          params: [{ address: devnet.manifest.contracts[contract], topics: [toEventSelector(ev)], fromBlock: '0x' + from.toString(16), toBlock: '0x' + Math.min(Number(head.number), from + 499).toString(16) }],
        })) as unknown[]
        n += logs.length
      }
      return n
    }
    const chainCounts = { inferences: await count('InferenceSettlement', 'InferenceSettled'), contributions: await count('DatanetRegistry', 'ContributionRecorded') }
    const [rows] = await q<{ inferences: string; contributions: string }>(dbUrl, 'select (select count(*) from inference) as inferences, (select count(*) from contribution) as contributions')
    const final = {
      digest: digest.digest,
      freshDigest: freshDigest.digest,
      digestsEqual: digest.digest === freshDigest.digest,
      clickhouseMismatches: cmp.mismatches,
      rows: { inferences: Number(rows.inferences), contributions: Number(rows.contributions) },
      chain: chainCounts,
    }
    const ok = final.digestsEqual && !cmp.mismatches.length && final.rows.inferences === chainCounts.inferences && final.rows.contributions === chainCounts.contributions
    const summary: SoakSummary = {
      seconds: (Date.now() - t0) / 1000,
      blocks: { from: startHead, to: Number(head.number) },
      activityBlocks,
      reorgs,
      losingBranchesIndexed,
      forkOnlyChanges,
      kills,
      deferredKills,
      crashRestarts,
      crashReasons,
      postgresRestarts,
      faults: { ...proxy.counts },
      final,
      ok,
    }
    return summary
  } finally {
    stopping = true
    if (child) await killIndexer('SIGKILL')
    await proxy.close()
    await devnet.anvil.stop()
    await pgHandle.stop().catch(() => {})
    fs.rmSync(work, { recursive: true, force: true })
  }
}

/**
 * One line for an exit we did not cause: its code or signal and the last line that reads as an
 * error (the CLI's `upkeep: …` line, or a pino error's msg), with numbers, hex and ports masked.
 */
export function crashReason(code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean)
  let msg = ''
  for (let i = lines.length - 1; i >= 0 && !msg; i--) {
    const l = lines[i]
    if (l.startsWith('{')) {
      try {
        const j = JSON.parse(l) as { level?: number; ns?: string; msg?: string; err?: { message?: string } }
        // @subsquid/logger levels run 0 (trace) to 5 (fatal) and carry a namespace; pino's 10 to 60
        const error = typeof j.level === 'number' && j.level >= (j.ns !== undefined ? 4 : 50)
        if (error) msg = [j.msg, j.err?.message].filter(Boolean).join(': ')
      } catch {
        // a cut JSON line: not a reason
      }
    } else if (/^upkeep: |error|Error/.test(l)) msg = l
  }
  const masked = (msg || 'no error line').replace(/0x[0-9a-fA-F]+/g, '0x…').replace(/\d+/g, 'N').slice(0, 200)
  return `${signal ? `signal ${signal}` : `exit ${code}`}: ${masked}`
}

export function formatSoak(s: SoakSummary): string {
  const faults = Object.entries(s.faults)
    .filter(([k]) => k !== 'requests')
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  return [
    `soak summary (${s.seconds.toFixed(0)} s, blocks ${s.blocks.from}..${s.blocks.to}):`,
    `  faults injected: ${faults} (of ${s.faults.requests ?? 0} RPC requests)`,
    `  disruptions: ${s.reorgs.length} reorgs (depths ${s.reorgs.join(', ') || '-'}; ${s.losingBranchesIndexed} with the losing branch already indexed; losing branches only: ${Object.entries(s.forkOnlyChanges).map(([k, n]) => `${k} ${n}`).join(', ') || '-'}), ${s.kills} kill -9 (${s.deferredKills} deferred until the indexer was working), ${s.postgresRestarts} Postgres restart(s), ${s.crashRestarts} crash restart(s)`,
    `  crash restarts by reason: ${Object.entries(s.crashReasons).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`).join('; ') || '-'}`,
    `  final reconciliation: state digest ${s.final.digestsEqual ? 'equals' : 'DIFFERS FROM'} a fresh index of the canonical chain (${s.final.digest.slice(0, 16)}…);` +
      ` ClickHouse ${s.final.clickhouseMismatches.length ? `differs: ${s.final.clickhouseMismatches.slice(0, 3).join('; ')}` : 'equals Postgres row for row'};` +
      ` inferences ${s.final.rows.inferences} indexed / ${s.final.chain.inferences} on chain, contributions ${s.final.rows.contributions} / ${s.final.chain.contributions}`,
    `  ${s.ok ? 'OK: nothing lost, nothing duplicated' : 'FAILED'}`,
  ].join('\n')
}
