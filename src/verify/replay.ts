// Replay verification for validators. For every operator whose usage log is given: check each
// log's hash chain and its coverage by the operator's signature, the usage-log head each batch
// committed on chain, re-run every logged request through the same model and adapter version,
// recompute units, the fee at the price in force at the settlement block, every share, the
// attribution weights and each payout; and for every epoch on chain, its payout arithmetic, its
// pool against the contributors' shares settled since the model's previous epoch, and whether a
// verified operator's receipts went into an epoch its log never recorded. Facts come from a
// FactSource (the chain by default, or the index) in chain order and are checked as they stream
// by, and the logs are read in step with them (log-cursor.ts): a record is held only until the
// chain has settled it (then its weights and share until its epoch), so memory follows the
// settlement and epoch windows, not the length of the history. The report is deterministic: the
// same logs and chain give the same bytes.
import crypto from 'node:crypto'
import path from 'node:path'
import type { Address, Hex } from 'viem'
import type { AttributionBody, LogRecord } from '../inference/usage-log'
import { OUTPUT_TOKENS } from '../protocol/units'
import { splitFee } from '../protocol/split'
import { combineEpochWeights, ContributionIndex } from '../inference/attribution'
import { ModelRuntime } from '../inference/model/runtime'
import { decodeAdapter } from '../inference/model/adapter-codec'
import { LABELS, type Adapter } from '../inference/model/network'
import { ContentStore } from '../content/store'
import { BlobStore } from '../content/blobs'
import { recoverSigner } from '../util/hash'
import { InputError } from '../util/errors'
import type { EpochFact, Fact, FactSource, PolicyVersion, PriceFact } from './facts'
import type { ChargeDomain } from '../protocol/charge-auth'
import { LogCursor, weightsOf, type OpenInference } from './log-cursor'
import { countInputTokens } from './tokens'
import { firstLine } from './log-stream'
import { SignerPool } from './signer-pool'

export const DISCREPANCY_CLASSES = [
  'broken-chain',
  'bad-signature',
  'head-mismatch',
  'output-mismatch',
  'missing-settlement',
  'settled-not-logged',
  'fee-mismatch',
  'backdated',
  'split-mismatch',
  'weight-mismatch',
  'payout-mismatch',
  'pool-mismatch',
  'epoch-not-logged',
  'double-settlement',
  'unauthorized-charge',
  'log-missing',
  'index-mismatch',
] as const
export type DiscrepancyClass = (typeof DISCREPANCY_CLASSES)[number]

export interface Discrepancy {
  class: DiscrepancyClass
  /** where: the log (when several), line and record index, and the operator / request / model / epoch it concerns */
  location: { log?: string; operatorId?: number; line?: number; n?: number; localId?: number; requestId?: string; modelId?: string; epoch?: string; txHash?: string }
  expected?: string
  actual?: string
  detail: string
}

export type SourceName = 'chain' | 'index' | 'both'

export interface VerifyOptions {
  logFiles: string[]
  /** where the chain's facts come from */
  source: FactSource
  /** `--source both`: the index, compared fact by fact with `source` (the chain) */
  compareWith?: FactSource
  /** with one log: the operator whose key must have signed it (default: the operator that signed its first record) */
  operatorId?: number
  contentDir: string
  /** re-run every request through the model (output hash, attribution weights) */
  rerun: boolean
  from?: Date
  to?: Date
  /** bytes of the logs read so far, of all their bytes */
  onProgress?: (done: number, total: number) => void
  /** filled in while the replay runs: how much it held (a benchmark's or test's view of its memory) */
  stats?: ReplayStats
  /** the settlement's EIP-712 domain: every settled receipt must be covered by the payer's authorisation logged with its request */
  chargeDomain: ChargeDomain
  /** the whole network's history: every operator that settled receipts on chain must have a given log */
  networkHistory?: boolean
}

export interface VerificationReport {
  version: 2
  source: SourceName
  /** one entry per log: kept as `log`/`operator` (the first, or all logs joined) for the stored run */
  logs: { file: string; sha256: string; records: number; operatorId: number | null; account: string | null }[]
  log: { file: string; sha256: string; records: number }
  operator: { id: number; account: string | null }
  range: { from: string | null; to: string | null }
  rerun: boolean
  summary: {
    /** request times of the first and last logged inference in the range */
    coverage: { from: string | null; to: string | null }
    inferences: number
    /** requests whose input the log withholds (only its hash): checked without re-running the model */
    withheldInputs: number
    /** requests of synthetic traffic (the workload): no model answer to re-run or attribute */
    unanswered: number
    settled: number
    batches: number
    attributionEpochs: number
    /** epochs on chain whose payouts (and, from the chain, pools) were checked */
    epochsChecked: number
    checks: number
    discrepancies: number
    byClass: Record<DiscrepancyClass, number>
  }
  ok: boolean
  discrepancies: Discrepancy[]
}

/** One operator's log in the replay: read in step with the chain (log-cursor.ts). */
interface OperatorLog extends LogCursor {
  order: number
  file: string
  name: string
}

/** How much of the logs a replay held: the boundedness of a streamed replay, for benchmarks and tests. */
export interface ReplayStats {
  /** batches of facts the source delivered (block ranges from the chain) */
  factBatches: number
  /** the most facts one batch held */
  peakBatchFacts: number
  /** records read from all logs */
  recordsRead: number
  /** the most log entries held at once, all logs together: open inference records, and the weights and share of settled ones not yet paid out */
  peakRetained: number
  /** batches of payer signatures recovered in worker threads */
  signatureBatches?: number
}

/** blocks a log is read past a block the chain asks for when a record it needs is not there yet (a log's records may trail the chain's order) */
const LOOKAHEAD_BLOCKS = 64
/** records a log is read in one go (then the source's I/O may run) while the source prepares its first answer */
const READ_AHEAD_STEP = 256
/** inference records a log may be read ahead while a source that answers whole (the index) prepares its answer */
const READ_AHEAD = 20_000
/** checked payer authorisations remembered (a payer's authorisation is reused across its receipts in a batch) */
const SIGNER_CACHE = 20_000
/** batches of payer signatures sent to the signer pool and not yet answered, at most, between batches of facts */
const SIGNER_BATCHES_IN_FLIGHT = 16
/** facts of one batch consumed between sends of the signatures they asked for (a power of two) */
const SIGNER_FLUSH_FACTS = 2048

interface IdentifiedLog {
  file: string
  account: string | null
  id: number | null
  problems: Discrepancy[]
}

/** A log's operator: the one named, or the registered operator that signed its first record. */
function identifyLog(file: string, operators: Map<string, number>, accountOf: Map<number, string>, operatorId: number | undefined): IdentifiedLog {
  const problems: Discrepancy[] = []
  let account: string | null = null
  let id: number | null = null
  if (operatorId !== undefined) {
    id = operatorId
    account = accountOf.get(operatorId) ?? null
    if (!account) problems.push({ class: 'bad-signature', location: { operatorId }, detail: `operator ${operatorId} is not registered on chain: the log's signer cannot be checked` })
  } else {
    // the operator is the signer of the first record; every other record must be covered by the same key
    try {
      const r = JSON.parse(firstLine(file)) as { hash: Hex; sig: Hex }
      account = recoverSigner(r.hash, r.sig)
    } catch {
      account = null
    }
    id = account ? (operators.get(account) ?? null) : null
    if (id === null) problems.push({ class: 'bad-signature', location: { line: 1, n: 0 }, detail: account ? `the log is signed by ${account}, which is not a registered operator` : 'the log\'s first record carries no valid signature: its operator is unknown' })
  }
  return { file, account, id, problems }
}

const SCALE = 1_000_000n

/** The policy in force at a log position: the last version set before it (a block can hold both). */
function policyAt(policies: PolicyVersion[], block: number, logIndex: number): PolicyVersion | undefined {
  let found: PolicyVersion | undefined
  for (const p of policies) if (p.blockNumber < block || (p.blockNumber === block && (p.logIndex ?? -1) < logIndex)) found = p
  return found
}

/** Payouts of an epoch as the contract pays them: floor(pool × weight / SCALE), the remainder to the first largest weight. */
export function epochAmounts(pool: bigint, weights: number[]): bigint[] {
  const amounts = weights.map((w) => (pool * BigInt(w)) / SCALE)
  let top = 0
  weights.forEach((w, i) => {
    if (w > weights[top]) top = i
  })
  if (amounts.length) amounts[top] += pool - amounts.reduce((x, y) => x + y, 0n)
  return amounts
}

function factKey(f: Fact, logged: Set<number>, ordinal: Map<string, number>): [string, string] | undefined {
  switch (f.kind) {
    case 'receipt': {
      if (!logged.has(Number(f.requestId >> 64n))) return undefined
      const v = [f.modelId, f.payer, f.units, f.fee, f.creatorShare, f.contributorsShare, f.infraShare, f.treasuryShare, f.burnShare, f.policyVersion, f.blockNumber, f.logIndex, f.txHash.toLowerCase()]
      return [`receipt ${f.requestId}`, v.join(' ')]
    }
    case 'batch':
      return logged.has(f.operatorId) ? [`batch ${f.operatorId}/${f.firstSeq}`, [f.count, f.usageLogHead.toLowerCase(), f.txHash.toLowerCase(), f.blockNumber].join(' ')] : undefined
    case 'policy':
      return [`policy ${f.version}`, [f.creatorBps, f.contributorsBps, f.infraBps, f.treasuryBps, f.burnBps, f.blockNumber].join(' ')]
    case 'price': {
      const k = (ordinal.get(f.modelId) ?? 0) + 1
      ordinal.set(f.modelId, k)
      return [`price ${f.modelId} #${k}`, `${f.price} at block ${f.blockNumber}`]
    }
    case 'adapter':
      return [`adapter ${f.modelId} v${f.version}`, `${f.adapterHash.toLowerCase()} at block ${f.blockNumber}`]
    case 'model':
      return [`model ${f.modelId}`, `datanets ${f.datanets.join(',')}`]
    case 'contribution':
      return [`contribution ${f.id}`, [f.datanetId, f.contributor.toLowerCase(), f.contentHash.toLowerCase(), f.blockNumber].join(' ')]
    case 'epoch': {
      const payouts = crypto.createHash('sha256').update(f.payouts.map((p) => `${p.datanetId} ${p.contributor.toLowerCase()} ${p.weight} ${p.amount}`).join('\n')).digest('hex').slice(0, 16)
      return [`epoch ${f.modelId}/${f.epoch}`, `pool ${f.pool}, ${f.payouts.length} payouts (digest ${payouts}), tx ${f.txHash.toLowerCase()} at block ${f.blockNumber}`]
    }
  }
}


export async function verifyUsageLogs(o: VerifyOptions): Promise<VerificationReport> {
  if (!o.logFiles.length) throw new InputError('no usage log to verify')
  if (o.operatorId !== undefined && o.logFiles.length > 1) throw new InputError('--operator names the signer of one log; with several logs each log names its own')
  const out: Discrepancy[] = []
  let checks = 0
  const operators = await o.source.operators()
  const accountOf = new Map([...operators].map(([a, id]) => [id, a]))
  const logs: OperatorLog[] = []
  const several = o.logFiles.length > 1
  const place = (log: OperatorLog, loc: Discrepancy['location']): Discrepancy['location'] => ({ ...(several ? { log: log.name } : {}), ...(log.operatorId !== null ? { operatorId: log.operatorId } : {}), ...loc })
  const add = (d: Discrepancy, log?: OperatorLog) => out.push(log ? { ...d, location: place(log, d.location) } : d)
  const identified = o.logFiles.map((file) => identifyLog(file, operators, accountOf, o.operatorId))
  const byOperator = new Map<number, string>()
  for (const l of identified) {
    if (l.id === null) continue
    const other = byOperator.get(l.id)
    if (other) throw new InputError(`${path.basename(other)} and ${path.basename(l.file)} are both logs of operator ${l.id}: give one log per operator`)
    byOperator.set(l.id, l.file)
  }
  const stats: ReplayStats = o.stats ?? { factBatches: 0, peakBatchFacts: 0, recordsRead: 0, peakRetained: 0 }
  // attribution records by "<model>/<epoch>", as the logs are read: each operator whose receipts an epoch paid out records it (a node posts its own epochs)
  const attributions = new Map<string, { log: OperatorLog; record: LogRecord & AttributionBody; line: number }[]>()
  const matchedAttributions = new Set<string>()
  for (const [i, l] of identified.entries()) {
    const log = new LogCursor(
      l.file,
      l.id,
      l.account,
      ({ record, line }) => {
        const key = `${record.modelId}/${record.epoch}`
        if (matchedAttributions.has(key)) return // its epoch was checked already; a late copy changes nothing
        const list = attributions.get(key)
        if (list) list.push({ log, record, line })
        else attributions.set(key, [{ log, record, line }])
      },
      ({ class: c, line, n, detail, expected, actual, ...where }) => add({ class: c, location: { line, n, ...where }, expected, actual, detail }, log),
      o.rerun,
    ) as OperatorLog
    log.order = i
    log.file = l.file
    log.name = path.basename(l.file)
    for (const p of l.problems) add(p, log)
    logs.push(log)
  }
  const logOf = new Map<number, OperatorLog>()
  for (const l of logs) if (l.operatorId !== null) logOf.set(l.operatorId, l)
  const inRange = (at: string | Date) => {
    if (!o.from && !o.to) return true
    const t = new Date(at).getTime()
    return (!o.from || t >= o.from.getTime()) && (!o.to || t < o.to.getTime())
  }
  /** network history: receipts on chain per operator that has no given log */
  const unlogged = new Map<number, number>()
  /** authorisations whose signer was checked, by signature: the payer they recover to for the operator */
  const signers = new Map<string, string | null>()
  /** authorisations being recovered: the checks waiting for each */
  const recovering = new Map<string, ((signer: string | null) => void)[]>()
  const signerPool = new SignerPool()
  // the workers boot (about 0.1 s each) while the source prepares its first answer, not when the first signatures are due
  signerPool.start()

  // the chain, streamed in order; the registry is small and kept
  const policies: PolicyVersion[] = []
  const prices = new Map<string, PriceFact[]>()
  const adapters = new Map<string, { adapterHash: string; blockNumber: number }>()
  const modelDatanets = new Map<string, string[]>()
  /** contributors' shares settled per model since its previous epoch (every operator: chain source only) */
  const accrued = new Map<string, bigint>()
  /** per model: how many of each verified operator's receipts were settled since its previous epoch */
  const unattributed = new Map<string, Map<OperatorLog, number>>()
  const verified = new Set(logOf.keys())
  const chainFacts = new Map<string, string>()
  const ordinal = new Map<string, number>()
  let settled = 0
  let batches = 0
  let epochsChecked = 0

  // what only the log can tell (metering, the model's answer and its weights, requests never
  // settled) is checked once a request is settled on chain, or at the end for the others
  let runtime: ModelRuntime | undefined
  let attribution: ContributionIndex | undefined
  const content = new ContentStore(o.contentDir)
  const models = new Map<string, Adapter>()
  const blobs = new BlobStore(path.join(o.contentDir, 'adapters'))
  if (o.rerun) {
    runtime = await ModelRuntime.load()
    attribution = new ContributionIndex(runtime.base)
  }
  const due: { log: OperatorLog; entry: OpenInference; claimed: boolean }[] = []
  let inferences = 0
  let coverFrom: string | null = null
  let coverTo: string | null = null
  let withheldInputs = 0
  let unanswered = 0
  const checkLogged = async (log: OperatorLog, { rec: r, line, tokens, weights }: OpenInference, claimed: boolean) => {
    if (!inRange(r.at)) return
    inferences++
    if (coverFrom === null || r.at < coverFrom) coverFrom = r.at
    if (coverTo === null || r.at > coverTo) coverTo = r.at
    const loc = { line, n: r.n, localId: r.localId }
    checks++
    // a withheld input cannot be metered again: only units × price = fee is checked, the units are the operator's word
    const input = r.input
    const counted = tokens ?? (input === undefined ? undefined : countInputTokens(input))
    if (counted === undefined) withheldInputs++
    if (r.label === null) unanswered++
    const units = counted === undefined ? r.units : counted + OUTPUT_TOKENS
    const fee = BigInt(units) * BigInt(r.price)
    if (units !== r.units || String(fee) !== r.fee) {
      add({ class: 'fee-mismatch', location: { ...loc, modelId: r.modelId }, expected: String(fee), actual: r.fee, detail: `logged ${r.units} units at fee ${r.fee}; ${units} units at the logged price ${r.price} cost ${fee}` }, log)
    }
    if (runtime && attribution && input !== undefined && r.label !== null) {
      checks++
      const version = adapters.get(`${r.modelId}/${r.adapterVersion}`)
      if (!version || version.adapterHash !== r.adapterHash.toLowerCase()) {
        add({ class: 'output-mismatch', location: { ...loc, modelId: r.modelId }, expected: version?.adapterHash ?? 'a registered adapter version', actual: r.adapterHash, detail: `adapter version ${r.adapterVersion} of model ${r.modelId} is not the one registered on chain` }, log)
      } else {
        let adapter = models.get(r.adapterHash)
        if (!adapter) models.set(r.adapterHash, (adapter = decodeAdapter(blobs.get(r.adapterHash))))
        const res = await runtime.infer(input, adapter)
        if (res.outputHash !== r.outputHash || res.label !== r.label) {
          add({ class: 'output-mismatch', location: { ...loc, modelId: r.modelId }, expected: res.outputHash, actual: String(r.outputHash), detail: `re-running gives ${res.label} ${res.probs.join('/')}, the log says ${r.label} ${(r.probs ?? []).join('/')}` }, log)
        }
        checks++
        const members = attribution.members((modelDatanets.get(r.modelId) ?? []).map(BigInt), version.blockNumber)
        const w = attribution.weights(members, res.h1, res.p, LABELS.indexOf(res.label as never)).map((e) => [String(e.datanetId), e.contributor, e.weight])
        const logged = JSON.stringify(weightsOf(weights))
        if (JSON.stringify(w) !== logged) {
          add({ class: 'weight-mismatch', location: { ...loc, modelId: r.modelId }, expected: JSON.stringify(w), actual: logged, detail: `the answer's attribution weights differ from a recomputation` }, log)
        }
      }
    }
    checks++
    if (!log.unpaid.has(r.localId) && !claimed) {
      const rid = [...log.localOf].find(([, id]) => id === r.localId)?.[0]
      add({ class: 'missing-settlement', location: { ...loc, requestId: rid === undefined ? undefined : String(rid) }, detail: rid === undefined ? `request ${r.localId} was never settled` : `request ${r.localId} is logged as settled as ${rid}, the chain has no such inference` }, log)
    }
  }
  const checkDue = async () => {
    for (const x of due.splice(0)) await checkLogged(x.log, x.entry, x.claimed)
  }
  const progress = () => o.onProgress?.(logs.reduce((n, l) => n + l.stream.bytesRead, 0), logs.reduce((n, l) => n + l.stream.totalBytes, 0))

  const onReceipt = (f: Extract<Fact, { kind: 'receipt' }>) => {
    if (o.source.everyReceipt) accrued.set(f.modelId, (accrued.get(f.modelId) ?? 0n) + f.contributorsShare)
    const operatorId = Number(f.requestId >> 64n)
    const log = logOf.get(operatorId)
    if (!log) {
      if (o.networkHistory) unlogged.set(operatorId, (unlogged.get(operatorId) ?? 0) + 1)
      return
    }
    // what the chain charged the payer for this operator so far, this receipt included (every receipt, in and out of range)
    const charged = (log.charged.get(f.payer) ?? 0n) + f.fee
    log.charged.set(f.payer, charged)
    log.advance(f.blockNumber)
    const find = () => {
      const localId = log.localOf.get(f.requestId)
      return localId === undefined ? undefined : log.open.get(localId)
    }
    let entry = find()
    if (!entry && !log.doubles.has(f.requestId)) {
      log.advance(f.blockNumber + LOOKAHEAD_BLOCKS)
      entry = find()
    }
    if (!entry) {
      if (log.doubles.has(f.requestId) || !inRange(f.timestamp)) return
      checks++
      add({ class: 'settled-not-logged', location: { requestId: String(f.requestId), txHash: f.txHash }, detail: `inference ${f.requestId} was settled on chain by operator ${log.operatorId} but is not in its usage log` }, log)
      return
    }
    const rec = entry.rec
    const localId = rec.localId
    log.localOf.delete(f.requestId)
    log.open.delete(localId)
    log.awaiting.set(localId, { weights: entry.weights, share: f.contributorsShare })
    due.push({ log, entry, claimed: true })
    checkAuthorization(log, entry, f, charged)
    const counts = unattributed.get(f.modelId) ?? new Map<OperatorLog, number>()
    counts.set(log, (counts.get(log) ?? 0) + 1)
    unattributed.set(f.modelId, counts)
    if (!inRange(rec.at)) return
    settled++
    const loc = { line: entry.line, n: rec.n, localId, requestId: String(f.requestId), txHash: f.txHash }
    checks++
    if (f.fee !== BigInt(rec.fee) || f.units !== BigInt(rec.units) || f.modelId !== rec.modelId || f.payer !== rec.payer.toLowerCase()) {
      add({ class: 'fee-mismatch', location: loc, expected: `${rec.units} units, fee ${rec.fee}, model ${rec.modelId}, payer ${rec.payer}`, actual: `${f.units} units, fee ${f.fee}, model ${f.modelId}, payer ${f.payer}`, detail: 'the settled receipt differs from the logged answer' }, log)
    }
    // the price in force at the settlement block, not at the node's logged time
    checks++
    const history = prices.get(f.modelId) ?? []
    const live = history[history.length - 1]
    const previous = history[history.length - 2]
    if (live && f.fee === f.units * live.price) {
      // the live price
    } else if (live && previous && f.fee === f.units * previous.price) {
      // the previous price, accepted during the grace period only for a request served before the change
      if (entry.anchorBefore >= live.blockNumber) {
        add({
          class: 'backdated',
          location: { ...loc, modelId: f.modelId },
          expected: `price ${live.price} (changed at block ${live.blockNumber})`,
          actual: `price ${previous.price}, logged at ${rec.at}`,
          detail: `request ${localId} is charged the price before the change of block ${live.blockNumber}, but the log places it after a record confirmed on chain at block ${entry.anchorBefore}: it was served after the change and backdated into the grace period`,
        }, log)
      } else if (new Date(rec.at).getTime() >= live.time) {
        add({ class: 'fee-mismatch', location: { ...loc, modelId: f.modelId }, expected: String(f.units * live.price), actual: String(f.fee), detail: `request ${localId}, logged at ${rec.at}, after the price change of block ${live.blockNumber}, is charged the previous price` }, log)
      }
    } else {
      add({ class: 'fee-mismatch', location: { ...loc, modelId: f.modelId }, expected: live ? String(f.units * live.price) : 'a registered model', actual: String(f.fee), detail: `fee ${f.fee} is not ${f.units} units at the price in force at block ${f.blockNumber}${previous ? ' nor at the previous price' : ''}` }, log)
    }
    checks++
    const policy = policyAt(policies, f.blockNumber, f.logIndex)
    const s = policy ? splitFee(f.fee, policy) : undefined
    const got = { creator: f.creatorShare, contributors: f.contributorsShare, infra: f.infraShare, treasury: f.treasuryShare, burn: f.burnShare }
    const fmt = (x: typeof got) => `creator ${x.creator} contributors ${x.contributors} infra ${x.infra} treasury ${x.treasury} burn ${x.burn}`
    if (!s || !policy || policy.version !== f.policyVersion || fmt(s) !== fmt(got)) {
      add({
        class: 'split-mismatch',
        location: loc,
        expected: s ? `policy v${policy?.version}: ${fmt(s)}` : 'a policy in force',
        actual: `policy v${f.policyVersion}: ${fmt(got)}`,
        detail: `the shares of ${f.requestId} are not the split of policy v${policy?.version ?? '?'} in force at block ${f.blockNumber}`,
      }, log)
    }
  }

  /**
   * The payer's consent, from the log alone: the authorisation logged with the request must be the
   * payer's signature for this operator, and its cap must cover everything the chain has charged the
   * payer for this operator up to and including this receipt (the contract checks the batch's
   * authorisation; this checks the one the operator kept as evidence).
   */
  const checkAuthorization = (log: OperatorLog, { rec, line }: OpenInference, f: Extract<Fact, { kind: 'receipt' }>, charged: bigint) => {
    checks++
    const a = rec.authorization
    const loc = { line, n: rec.n, localId: rec.localId, requestId: String(f.requestId), txHash: f.txHash }
    if (!a || typeof a.signature !== 'string') {
      add({ class: 'unauthorized-charge', location: loc, detail: `request ${rec.localId} was charged ${f.fee} on chain and its log record carries no authorisation of the payer` }, log)
      return
    }
    // what the check needs once the signer is known (not the record: a check may wait for its batch of signatures)
    const payer = f.payer
    const cap = a.cumulativeAmount
    const localId = rec.localId
    const judge = (signer: string | null) => {
      if (signer !== payer) {
        add({ class: 'unauthorized-charge', location: loc, expected: payer, actual: signer ?? 'no valid signature', detail: `the authorisation logged with request ${localId} is not the payer's signature for operator ${log.operatorId}` }, log)
      } else if (charged > BigInt(cap)) {
        add({
          class: 'unauthorized-charge',
          location: loc,
          expected: `at most ${cap}`,
          actual: String(charged),
          detail: `with request ${localId} the chain has charged payer ${payer} ${charged} for operator ${log.operatorId}, over the cap ${cap} of the authorisation logged with it`,
        }, log)
      }
    }
    const key = `${a.signature}:${cap}:${a.recentBlock}:${a.expiryBlock}:${payer}`
    const signer = signers.get(key)
    if (signer !== undefined) return judge(signer)
    if (!log.account) {
      signers.set(key, null)
      return judge(null)
    }
    // each distinct authorisation is recovered once (off the main thread); receipts that name it meanwhile wait for the same answer
    const waiting = recovering.get(key)
    if (waiting) {
      waiting.push(judge)
      return
    }
    const judges = [judge]
    recovering.set(key, judges)
    const digest = o.chargeDomain.digest({ payer, operator: log.account, cumulativeAmount: BigInt(cap), recentBlock: a.recentBlock, expiryBlock: a.expiryBlock })
    signerPool.recover(digest, a.signature, (recovered) => {
      recovering.delete(key)
      if (signers.size >= SIGNER_CACHE) signers.clear()
      signers.set(key, recovered)
      for (const j of judges) j(recovered)
    })
  }

  const onBatch = (f: Extract<Fact, { kind: 'batch' }>) => {
    const log = logOf.get(f.operatorId)
    if (!log) return
    const firstSeq = String(f.firstSeq)
    log.advance(f.blockNumber)
    if (!log.intents.has(firstSeq)) log.advance(f.blockNumber + LOOKAHEAD_BLOCKS)
    const at = log.intents.get(firstSeq)
    if (!at) return // its receipts are reported as settled but not logged
    log.intents.delete(firstSeq)
    batches++
    checks++
    const heads = at.map((x) => x.head.toLowerCase())
    if (!heads.includes(f.usageLogHead.toLowerCase())) {
      const last = at[at.length - 1]
      add({
        class: 'head-mismatch',
        location: { line: last.line, n: last.n, txHash: f.txHash },
        expected: f.usageLogHead.toLowerCase(),
        actual: heads[heads.length - 1],
        detail: `the batch from sequence ${f.firstSeq} committed usage-log head ${f.usageLogHead.toLowerCase()} on chain (block ${f.blockNumber}); the log's head before that batch is ${heads[heads.length - 1]}: the log was rewritten`,
      }, log)
    }
  }

  const onEpoch = (f: EpochFact) => {
    epochsChecked++
    const loc = { modelId: f.modelId, epoch: String(f.epoch), txHash: f.txHash }
    checks++
    const weights = f.payouts.map((p) => p.weight)
    const amounts = epochAmounts(f.pool, weights)
    const sum = weights.reduce((x, y) => x + y, 0)
    if (sum !== Number(SCALE) || amounts.join() !== f.payouts.map((p) => p.amount).join()) {
      add({ class: 'payout-mismatch', location: loc, expected: amounts.join(','), actual: f.payouts.map((p) => p.amount).join(','), detail: `epoch ${f.epoch} of model ${f.modelId}: payouts are not pool ${f.pool} × weight (weights sum ${sum} of ${SCALE}) with the remainder to the largest weight` })
    }
    if (o.source.everyReceipt) {
      checks++
      const expected = accrued.get(f.modelId) ?? 0n
      if (expected !== f.pool) {
        add({ class: 'pool-mismatch', location: loc, expected: String(expected), actual: String(f.pool), detail: `epoch ${f.epoch} of model ${f.modelId} paid a pool of ${f.pool}; the contributors' shares settled since the model's previous epoch sum to ${expected}` })
      }
      accrued.set(f.modelId, 0n)
    }
    const key = `${f.modelId}/${f.epoch}`
    // every log's records up to the epoch's block: each one that recorded the epoch takes part
    for (const log of logs) log.advance(f.blockNumber)
    const ours = unattributed.get(f.modelId) ?? new Map<OperatorLog, number>()
    unattributed.delete(f.modelId)
    for (const log of ours.keys()) if (!(attributions.get(key) ?? []).some((x) => x.log === log)) log.advance(f.blockNumber + LOOKAHEAD_BLOCKS)
    const logged = attributions.get(key) ?? []
    attributions.delete(key)
    if (logged.length) matchedAttributions.add(key)
    // every operator whose receipts this epoch paid out must record it
    for (const [log, n] of ours) {
      checks++
      if (!logged.some((x) => x.log === log)) add({ class: 'epoch-not-logged', location: loc, detail: `epoch ${f.epoch} of model ${f.modelId} (block ${f.blockNumber}) paid out a pool holding ${n} receipts of operator ${log.operatorId}, and its log does not record it` }, log)
    }
    const paid = f.payouts.map((p) => [p.datanetId, p.contributor.toLowerCase(), p.weight])
    for (const { log, record: a, line } of logged) {
      checks++
      const where = { line, n: a.n, ...loc }
      // the answers it pays: settled ones' weights and shares; one not settled has no share
      const answers = a.localIds.map((id) => {
        const x = log.awaiting.get(id) ?? (log.open.has(id) ? { weights: log.open.get(id)!.weights, share: 0n } : undefined)
        return x && { weights: weightsOf(x.weights), share: x.share }
      })
      for (const id of a.localIds) log.awaiting.delete(id)
      if (answers.length && answers.every((x) => x && x.weights === null)) {
        // synthetic traffic: no answer carries weights, the epoch pays the attributor's; the log must record what was paid
        const recorded = a.entries.map(([d, who, w]) => [d, who.toLowerCase(), w])
        if (JSON.stringify(recorded) !== JSON.stringify(paid)) {
          add({ class: 'weight-mismatch', location: where, expected: JSON.stringify(paid), actual: JSON.stringify(recorded), detail: `epoch ${f.epoch} of model ${f.modelId}: the log records other weights than the chain paid` }, log)
        }
        continue
      }
      const expected = combineEpochWeights(
        answers.map((x) => ({ contributorsShare: x?.share ?? 0n, weights: (x?.weights ?? []).map(([d, who, w]) => ({ datanetId: BigInt(d), contributor: who as Address, weight: w })) })),
      ).map((e) => [String(e.datanetId), e.contributor.toLowerCase(), e.weight])
      if (JSON.stringify(paid) !== JSON.stringify(expected)) {
        add({ class: 'weight-mismatch', location: where, expected: JSON.stringify(expected), actual: JSON.stringify(paid), detail: `epoch ${f.epoch} of model ${f.modelId} paid weights that are not Σ share × weight of its answers` }, log)
      }
    }
  }

  const consume = (f: Fact) => {
    if (o.compareWith) {
      const k = factKey(f, verified, ordinal)
      if (k) chainFacts.set(k[0], k[1])
    }
    switch (f.kind) {
      case 'policy':
        policies.push(f)
        break
      case 'price': {
        const h = prices.get(f.modelId)
        if (h) h.push(f)
        else prices.set(f.modelId, [f])
        break
      }
      case 'adapter':
        adapters.set(`${f.modelId}/${f.version}`, { adapterHash: f.adapterHash.toLowerCase(), blockNumber: f.blockNumber })
        break
      case 'model':
        modelDatanets.set(f.modelId, f.datanets)
        break
      case 'contribution':
        // in chain order, as the node adds them: an answer's weights count the contributions up to its adapter version's block
        if (attribution && content.has(f.contentHash as Hex)) {
          const r = content.get(f.contentHash as Hex)
          attribution.add({ contributionId: BigInt(f.id), datanetId: BigInt(f.datanetId), contributor: f.contributor as Address, blockNumber: f.blockNumber, text: r.text, label: r.label === 'spam' ? 1 : 0 })
        }
        break
      case 'receipt':
        onReceipt(f)
        break
      case 'batch':
        onBatch(f)
        break
      case 'epoch':
        onEpoch(f)
        break
    }
  }
  const retained = () => {
    const n = logs.reduce((x, l) => x + l.retained, 0)
    if (n > stats.peakRetained) stats.peakRetained = n
  }
  try {
    // the source starts answering (its queries, the first ranges) while the logs are read: a source that streams (the chain)
    // gets each log read up to its first settlement record, no further, so what is held stays within the settlement window
    // however long it takes; one that answers whole (the index) a bounded number of inference records, metered and
    // without their inputs unless re-run
    const facts = o.source.facts({ operatorIds: [...byOperator.keys()], contributions: o.rerun })[Symbol.asyncIterator]()
    const first = facts.next()
    let answered = false
    first.then(
      () => (answered = true),
      () => (answered = true),
    )
    for (const log of logs) {
      const more = o.source.wholeAnswer ? () => log.open.size < READ_AHEAD && log.readAhead(READ_AHEAD_STEP) : () => log.readToFirstAnchor(READ_AHEAD_STEP)
      while (!answered && more()) await new Promise((r) => setImmediate(r))
    }
    for (let next = await first; !next.done; next = await facts.next()) {
      const batch = next.value
      stats.factBatches++
      stats.peakBatchFacts = Math.max(stats.peakBatchFacts, batch.length)
      for (let i = 0; i < batch.length; i++) {
        consume(batch[i])
        // a source that answers whole gives one long batch: its signatures go to the workers as it is consumed, not all at its end
        if ((i & (SIGNER_FLUSH_FACTS - 1)) === SIGNER_FLUSH_FACTS - 1) signerPool.flush()
      }
      retained()
      await checkDue()
      progress()
      // the batch's signatures go to the workers (the checks waiting for them are bounded by the chain's batches), a bounded number awaiting their answers
      signerPool.flush()
      await signerPool.settle(SIGNER_BATCHES_IN_FLIGHT)
    }
    // the rest of every log: records the chain never reached (unsettled requests, attributions of epochs it does not have)
    for (const log of logs) {
      log.drain()
      retained()
      for (const p of log.stream.problems) add({ class: p.kind === 'bad-signature' ? 'bad-signature' : 'broken-chain', location: { line: p.line, n: p.n }, detail: p.detail }, log)
      stats.recordsRead += log.stream.records
    }
    progress()
    // every payer authorisation recovered and judged
    await signerPool.drain()
    stats.signatureBatches = signerPool.batchesSent

    // --source both: every fact the replay used, from the index, against the chain's
    if (o.compareWith) {
      const indexFacts = new Map<string, string>()
      const indexOrdinal = new Map<string, number>()
      for await (const batch of o.compareWith.facts({ operatorIds: [...byOperator.keys()], contributions: o.rerun })) {
        for (const f of batch) {
          const k = factKey(f, verified, indexOrdinal)
          if (k) indexFacts.set(k[0], k[1])
        }
      }
      for (const key of [...new Set([...chainFacts.keys(), ...indexFacts.keys()])].sort()) {
        const chain = chainFacts.get(key)
        const index = indexFacts.get(key)
        checks++
        if (chain !== index) {
          const [what, id] = key.split(' ')
          const location = what === 'receipt' ? { requestId: id } : what === 'epoch' ? { modelId: id.split('/')[0], epoch: id.split('/')[1] } : {}
          add({ class: 'index-mismatch', location, expected: chain ?? 'absent', actual: index ?? 'absent', detail: `${key}: the chain has ${chain ?? 'nothing'}, the index has ${index ?? 'nothing'}` })
        }
      }
    }

    // logged attributions the chain does not have
    for (const [, list] of attributions) {
      for (const { log, record: a, line } of list) {
        checks++
        add({ class: 'payout-mismatch', location: { line, n: a.n, modelId: a.modelId, epoch: a.epoch, txHash: a.txHash }, detail: `attribution epoch ${a.epoch} of model ${a.modelId} is logged, the chain has no such epoch` }, log)
      }
    }
    // network history: an operator that settled receipts on chain and whose log was not given
    for (const [operatorId, n] of [...unlogged].sort((a, b) => a[0] - b[0])) {
      checks++
      add({ class: 'log-missing', location: { operatorId }, detail: `operator ${operatorId} settled ${n} receipts on chain and no log of it was given: its history cannot be checked` })
    }
    // requests the chain never settled (a repeated local id's earlier record is settled if the later one was)
    for (const log of logs) {
      for (const entry of log.repeated) due.push({ log, entry, claimed: !log.open.has(entry.rec.localId) })
      for (const entry of log.open.values()) due.push({ log, entry, claimed: false })
      due.sort((a, b) => a.entry.rec.n - b.entry.rec.n)
      await checkDue()
    }
  } finally {
    for (const log of logs) log.stream.close()
    await signerPool.close()
    await runtime?.close()
  }

  const orderOf = new Map(logs.map((l) => [l.name, l.order]))
  const big = Number.MAX_SAFE_INTEGER
  out.sort(
    (x, y) =>
      (orderOf.get(x.location.log ?? '') ?? 0) - (orderOf.get(y.location.log ?? '') ?? 0) ||
      (x.location.n ?? big) - (y.location.n ?? big) ||
      DISCREPANCY_CLASSES.indexOf(x.class) - DISCREPANCY_CLASSES.indexOf(y.class) ||
      String(x.location.modelId ?? '').localeCompare(String(y.location.modelId ?? '')) ||
      String(x.location.epoch ?? '').localeCompare(String(y.location.epoch ?? '')) ||
      String(x.location.requestId ?? '').localeCompare(String(y.location.requestId ?? '')) ||
      x.detail.localeCompare(y.detail),
  )
  const byClass = Object.fromEntries(DISCREPANCY_CLASSES.map((c) => [c, out.filter((d) => d.class === c).length])) as Record<DiscrepancyClass, number>
  const entries = logs.map((l) => ({ file: l.name, sha256: l.stream.digest(), records: l.stream.records, operatorId: l.operatorId, account: l.account }))
  const first = logs[0]
  return {
    version: 2,
    source: o.compareWith ? 'both' : o.source.name,
    logs: entries,
    log: several
      ? { file: entries.map((e) => e.file).join(', '), sha256: crypto.createHash('sha256').update(entries.map((e) => `${e.sha256}  ${e.file}\n`).join('')).digest('hex'), records: entries.reduce((n, e) => n + e.records, 0) }
      : { file: first.name, sha256: entries[0].sha256, records: entries[0].records },
    operator: { id: first.operatorId ?? 0, account: first.account },
    range: { from: o.from?.toISOString() ?? null, to: o.to?.toISOString() ?? null },
    rerun: o.rerun,
    summary: {
      coverage: { from: coverFrom, to: coverTo },
      inferences,
      withheldInputs,
      unanswered,
      settled,
      batches,
      attributionEpochs: matchedAttributions.size + attributions.size,
      epochsChecked,
      checks,
      discrepancies: out.length,
      byClass,
    },
    ok: out.length === 0,
    discrepancies: out,
  }
}
