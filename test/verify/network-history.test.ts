// `upkeep verify --network-history` on the small devnet: the workload's operators keep real, signed
// usage logs in the content store and commit their heads on chain, so the whole history verifies
// clean from the chain; each tampering class injected into it is found, with its location.
// Log tampering works on copies of the stored logs; chain tampering runs in an anvil snapshot
// that is reverted afterwards.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWalletClient, decodeEventLog, http, keccak256, recoverAddress, recoverTypedDataAddress, toHex, type Address, type Hex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { loadDevnet, onSnapshot as snapshotted, rawLogs, type LoadedDevnet } from '../helpers/devnet'
import { readRecords, writeSigned, type Rec } from '../helpers/signed-log'
import { verifyUsageLogs, type VerificationReport } from '../../src/verify/replay'
import { ChainSource } from '../../src/verify/chain-source'
import type { FactSource } from '../../src/verify/facts'
import { ChargeDomain } from '../../src/protocol/charge-auth'
import { storedUsageLogs } from '../../src/content/usage-logs'
import { recordHash } from '../../src/inference/usage-log'
import { devnetPrivateKey } from '../../src/chain/keys'
import { artifact } from '../../src/chain/artifacts'
import { buildBatch } from '../../src/protocol/receipts'
import { encodeSettleEpoch } from '../../src/protocol/calls'
import { InferenceNode } from '../../src/inference/node'
import { attributorKey, operatorKey, paidBody, tempLog } from '../helpers/node'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'
import { summarize } from '../../src/cli/commands/verify'
import { chargeTypedData } from '../helpers/charge-typed-data'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
let devnet: LoadedDevnet
let stored: string[]
let work: string
let honest: VerificationReport

/** the workload's operators 2..4 are dev accounts 8..10 */
const operatorKeyOf = (operatorId: number) => devnetPrivateKey(operatorId + 6)

/** A copy of the stored logs, the log of `operatorId` replaced by `records` (re-signed from `fromIndex`). */
function variant(operatorId: number, edit: (records: Rec[]) => number): string[] {
  const dir = fs.mkdtempSync(path.join(work, 'variant-'))
  const out: string[] = []
  for (const f of stored) {
    const to = path.join(dir, path.basename(f))
    if (path.basename(f) === `operator-${operatorId}.jsonl`) {
      const records = readRecords(f)
      const from = edit(records)
      writeSigned(records, to, from, operatorKeyOf(operatorId))
    } else fs.copyFileSync(f, to)
    out.push(to)
  }
  return out
}

async function verify(logFiles: string[]): Promise<VerificationReport> {
  const source = new ChainSource({ rpcUrl: devnet.anvil.rpcUrl, contracts: devnet.manifest.contracts, startBlock: devnet.manifest.startBlock })
  try {
    return await verifyUsageLogs({ logFiles, source, contentDir: devnet.contentDir, rerun: true, networkHistory: true, chargeDomain: new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement) })
  } finally {
    await source.close()
  }
}
const classes = (r: VerificationReport) => [...new Set(r.discrepancies.map((d) => d.class))].sort()

beforeAll(async () => {
  devnet = await loadDevnet()
  stored = storedUsageLogs(devnet.contentDir)
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-history-'))
  honest = await verify(stored)
}, 240_000)

afterAll(async () => {
  await devnet?.stop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('the workload operators keep real usage logs', () => {
  it('one signed log per workload operator, whose heads are the ones every BatchSettled committed on chain', async () => {
    expect(stored.map((f) => path.basename(f))).toEqual(['operator-2.jsonl', 'operator-3.jsonl', 'operator-4.jsonl'])
    // every batch on chain, from raw logs: its operator's log holds a settlement intent whose previous record hashes to the committed head
    const abi = artifact('InferenceSettlement').abi
    const head = Number(await devnet.publicClient.getBlockNumber())
    const batches = (await rawLogs(devnet.publicClient, [devnet.manifest.contracts.InferenceSettlement], 0, head, 1000))
      .map((l) => {
        try {
          return decodeEventLog({ abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: { operatorId: number; firstSeq: bigint; count: number; usageLogHead: Hex } }
        } catch {
          return undefined
        }
      })
      .filter((e) => e?.eventName === 'BatchSettled')
      .map((e) => e!.args)
    expect(batches.length).toBeGreaterThan(20)
    const byOperator = new Map(stored.map((f) => [Number(/operator-(\d+)/.exec(f)![1]), readRecords(f)]))
    for (const b of batches) {
      const records = byOperator.get(b.operatorId)!
      const i = records.findIndex((r) => r.kind === 'settlement-intent' && r.firstSeq === String(b.firstSeq))
      expect(i, `batch ${b.operatorId}/${b.firstSeq}`).toBeGreaterThan(0)
      // the head is the hash of the record before the intent, recomputed here from its content
      const { hash: _h, sig: _s, ...body } = records[i - 1]
      void _h
      void _s
      expect(recordHash(body)).toBe(b.usageLogHead.toLowerCase())
      expect((records[i].localIds as number[]).length).toBe(b.count)
    }
    // each log's last record is signed by its operator's account (the signature covers the chain before it)
    for (const [id, records] of byOperator) {
      const last = records[records.length - 1]
      expect((await recoverAddress({ hash: last.hash, signature: last.sig })).toLowerCase()).toBe(devnet.manifest.accounts.operators[id - 1].toLowerCase())
    }
    // requests keep their input out of the log: a hash of it, no text, no model answer; the payer signed its authorisation
    const inference = byOperator.get(2)!.find((r) => r.kind === 'inference')! as Rec & { payer: Address; authorization: { cumulativeAmount: string; recentBlock: number; expiryBlock: number; signature: Hex } }
    const a = inference.authorization
    const signer = await recoverTypedDataAddress({
      ...chargeTypedData(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement),
      message: { payer: inference.payer, operator: devnet.manifest.accounts.operators[1], cumulativeAmount: BigInt(a.cumulativeAmount), recentBlock: BigInt(a.recentBlock), expiryBlock: BigInt(a.expiryBlock) },
      signature: a.signature,
    })
    expect(signer.toLowerCase()).toBe(inference.payer)
    expect(inference.input).toBeUndefined()
    expect(inference.inputHash).toMatch(/^0x[0-9a-f]{64}$/)
    expect(inference.label).toBeNull()
    expect(inference.authorization).toMatchObject({ cumulativeAmount: expect.stringMatching(/^\d+$/), signature: expect.stringMatching(/^0x[0-9a-f]{130}$/) })
  })
})

describe('verify --network-history', () => {
  it('replays the whole history clean: every workload operator, every receipt, every epoch', async () => {
    expect(honest.discrepancies).toEqual([])
    expect(honest.logs.map((l) => l.operatorId)).toEqual([2, 3, 4])
    // every receipt on chain is a settled request of some log
    const abi = artifact('InferenceSettlement').abi
    const head = Number(await devnet.publicClient.getBlockNumber())
    const settled = (await rawLogs(devnet.publicClient, [devnet.manifest.contracts.InferenceSettlement], 0, head, 1000)).filter((l) => {
      try {
        return (decodeEventLog({ abi, data: l.data, topics: l.topics }) as { eventName: string }).eventName === 'InferenceSettled'
      } catch {
        return false
      }
    })
    expect(honest.summary.settled).toBe(settled.length)
    expect(honest.summary.inferences).toBe(settled.length)
    expect(honest.summary.withheldInputs).toBe(settled.length)
    expect(honest.summary.unanswered).toBe(settled.length)
    expect(honest.summary.attributionEpochs).toBeGreaterThan(10)
  })

  it('the CLI reads the logs from the content store, exits 0 and says what it could not re-run', () => {
    const r = spawnSync(process.execPath, [BIN, 'verify', '--network-history', '--manifest', devnet.manifestFile, '--content-dir', devnet.contentDir, '--no-store'], { encoding: 'utf8', env: { ...process.env, DB_URL: '' } })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/of operators 2, 3, 4 /)
    expect(r.stdout).toMatch(new RegExp(`${honest.summary.withheldInputs} requests withheld their input .*checked without re-running the model`))
    expect(r.stdout).toMatch(/no discrepancies/)
  })

  it('refuses options that do not apply, with one line', () => {
    for (const args of [['--source', 'index'], ['--from', '2026-01-01'], ['--operator', '2']]) {
      const r = spawnSync(process.execPath, [BIN, 'verify', '--network-history', '--manifest', devnet.manifestFile, '--content-dir', devnet.contentDir, '--no-store', ...args], { encoding: 'utf8' })
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1)
    }
    const empty = fs.mkdtempSync(path.join(work, 'empty-'))
    const r = spawnSync(process.execPath, [BIN, 'verify', '--network-history', '--manifest', devnet.manifestFile, '--content-dir', empty, '--no-store'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/holds no usage log/)
  })
})

/** What a streamed replay may hold, from raw chain logs: the most receipts settled and not yet paid out by their model's epoch at any point, and a couple of batches read ahead per log. */
async function retainedBound(): Promise<{ bound: number; maxBatch: number; events: number }> {
  const settlementAbi = artifact('InferenceSettlement').abi
  const attributionAbi = artifact('AttributionSettlement').abi
  const head = Number(await devnet.publicClient.getBlockNumber())
  const raw = await rawLogs(devnet.publicClient, [devnet.manifest.contracts.InferenceSettlement, devnet.manifest.contracts.AttributionSettlement], 0, head, 1000)
  raw.sort((a, b) => Number(a.blockNumber! - b.blockNumber!) || a.logIndex! - b.logIndex!)
  let maxBatch = 0
  let unpaid = 0
  let maxUnpaid = 0
  const perModel = new Map<string, number>()
  for (const l of raw) {
    for (const abi of [settlementAbi, attributionAbi]) {
      let ev: { eventName: string; args: Record<string, unknown> }
      try {
        ev = decodeEventLog({ abi, data: l.data, topics: l.topics }) as never
      } catch {
        continue
      }
      if (ev.eventName === 'BatchSettled') maxBatch = Math.max(maxBatch, Number(ev.args.count))
      if (ev.eventName === 'InferenceSettled') {
        const m = String(ev.args.modelId)
        perModel.set(m, (perModel.get(m) ?? 0) + 1)
        maxUnpaid = Math.max(maxUnpaid, ++unpaid)
      }
      if (ev.eventName === 'EpochClosed') {
        const m = String(ev.args.modelId)
        unpaid -= perModel.get(m) ?? 0
        perModel.set(m, 0)
      }
      break
    }
  }
  return { bound: maxUnpaid + stored.length * 2 * maxBatch, maxBatch, events: raw.length }
}

describe('the history is streamed, not held', () => {
  it('reads every record, from the chain in block ranges, and holds no more than the open settlement and epoch windows', async () => {
    const stats = { factBatches: 0, peakBatchFacts: 0, recordsRead: 0, peakRetained: 0 }
    const source = new ChainSource({ rpcUrl: devnet.anvil.rpcUrl, contracts: devnet.manifest.contracts, startBlock: devnet.manifest.startBlock })
    const r = await verifyUsageLogs({ logFiles: stored, source, contentDir: devnet.contentDir, rerun: true, networkHistory: true, stats, chargeDomain: new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement) }).finally(() => source.close())
    expect(r).toEqual(honest)
    // every record of every log was read, counted here from the files
    const lines = stored.map((f) => readRecords(f))
    expect(stats.recordsRead).toBe(lines.reduce((n, x) => n + x.length, 0))
    const inferences = lines.reduce((n, x) => n + x.filter((rec) => rec.kind === 'inference').length, 0)
    const { bound, maxBatch, events } = await retainedBound()
    expect(maxBatch).toBeGreaterThan(0)
    expect(stats.factBatches).toBeGreaterThan(1)
    expect(stats.peakBatchFacts).toBeLessThan(events)
    // held at most: the settled-not-yet-paid-out receipts, and a couple of batches read ahead per log
    expect(stats.peakRetained).toBeLessThanOrEqual(bound)
    expect(stats.peakRetained).toBeLessThan(inferences / 2)
  }, 120_000)

  it('holds no more than those windows when the source is slow to give its first answer (the logs are not read on meanwhile)', async () => {
    const stats = { factBatches: 0, peakBatchFacts: 0, recordsRead: 0, peakRetained: 0 }
    const chain = new ChainSource({ rpcUrl: devnet.anvil.rpcUrl, contracts: devnet.manifest.contracts, startBlock: devnet.manifest.startBlock })
    // the chain's first answer held back 3 s: a reader that ran on meanwhile would hold every log's inferences
    const source: FactSource = {
      name: chain.name,
      everyReceipt: chain.everyReceipt,
      operators: () => chain.operators(),
      async *facts(q) {
        await new Promise((res) => setTimeout(res, 3000))
        yield* chain.facts(q)
      },
      close: () => chain.close(),
    }
    const r = await verifyUsageLogs({ logFiles: stored, source, contentDir: devnet.contentDir, rerun: false, networkHistory: true, stats, chargeDomain: new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement) }).finally(() => source.close())
    expect(r.ok).toBe(true)
    expect(r.summary.settled).toBe(honest.summary.settled)
    const { bound } = await retainedBound()
    expect(stats.peakRetained).toBeLessThanOrEqual(bound)
  }, 120_000)
})

describe('tampering injected into the history is found', () => {
  it('a log rewritten and re-signed with its operator key is caught by the on-chain head check', async () => {
    let at = -1
    const logs = variant(3, (records) => {
      at = records.findIndex((r) => r.kind === 'inference') + 4
      records[at].adapterVersion = (records[at].adapterVersion as number) + 1 // any change: every hash and signature is valid again
      return at
    })
    const r = await verify(logs)
    expect(classes(r)).toEqual(['head-mismatch'])
    const records = readRecords(logs[1])
    const firstIntent = records.findIndex((x, k) => k > at && x.kind === 'settlement-intent')
    expect(r.discrepancies[0].location).toMatchObject({ operatorId: 3, n: firstIntent })
  })

  it('an epoch on chain that paid out an operator\'s receipts and is missing from its log is caught', async () => {
    let dropped: Rec | undefined
    const logs = variant(2, (records) => {
      const i = records.findIndex((r) => r.kind === 'attribution')
      dropped = records.splice(i, 1)[0]
      return i
    })
    const r = await verify(logs)
    const missing = r.discrepancies.filter((d) => d.class === 'epoch-not-logged')
    expect(missing.map((d) => [d.location.operatorId, d.location.modelId, d.location.epoch])).toEqual([[2, dropped!.modelId, dropped!.epoch]])
    // re-chaining after the dropped record moves every later head: the rewrite is seen too
    expect(classes(r)).toEqual(['epoch-not-logged', 'head-mismatch'])
  })

  it('an over-limit charge: a logged authorisation whose cap is below what the chain charged is caught', async () => {
    // the payer's own key signs a lower cap (a validly signed authorisation the request did not come with)
    let at = -1
    let payer = ''
    const logs = variant(4, (records) => {
      at = records.findIndex((r) => r.kind === 'inference')
      const rec = records[at] as Rec & { payer: string; fee: string; authorization: { cumulativeAmount: string; recentBlock: number; expiryBlock: number } }
      payer = rec.payer
      const index = devIndexOf(payer)
      const domain = new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement)
      const capped = BigInt(rec.fee) - 1n
      rec.authorization = domain.sign(devnetPrivateKey(index), { payer, operator: devnet.manifest.accounts.operators[3], cumulativeAmount: capped, recentBlock: rec.authorization.recentBlock, expiryBlock: rec.authorization.expiryBlock })
      return at
    })
    const r = await verify(logs)
    const over = r.discrepancies.filter((d) => d.class === 'unauthorized-charge')
    expect(over.map((d) => [d.location.operatorId, d.location.n])).toEqual([[4, at]])
    expect(over[0].detail).toMatch(/over the cap/)
    expect(classes(r)).toEqual(['head-mismatch', 'unauthorized-charge'])
  })

  it('an authorisation not signed by the payer is caught', async () => {
    let at = -1
    const logs = variant(2, (records) => {
      at = records.findIndex((r) => r.kind === 'inference') + 2
      const rec = records[at] as Rec & { payer: string; authorization: { cumulativeAmount: string; recentBlock: number; expiryBlock: number } }
      const domain = new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement)
      // the operator signs for the payer
      rec.authorization = domain.sign(operatorKeyOf(2), { payer: rec.payer, operator: devnet.manifest.accounts.operators[1], cumulativeAmount: BigInt(rec.authorization.cumulativeAmount), recentBlock: rec.authorization.recentBlock, expiryBlock: rec.authorization.expiryBlock })
      return at
    })
    const r = await verify(logs)
    const bad = r.discrepancies.filter((d) => d.class === 'unauthorized-charge')
    expect(bad.map((d) => [d.location.operatorId, d.location.n])).toEqual([[2, at]])
    expect(bad[0].detail).toMatch(/not the payer's signature/)
  })

  it('an authorisation not signed by the payer deep in a log (past the first batch of signatures recovered in worker threads) is caught', async () => {
    let at = -1
    const logs = variant(2, (records) => {
      // the first record with the 700th distinct authorisation of the log: every signature before it is recovered once, 500 to a worker batch
      const seen = new Set<string>()
      at = records.findIndex((r) => {
        const a = (r as { authorization?: { signature: string } }).authorization
        if (r.kind !== 'inference' || !a) return false
        seen.add(`${a.signature} ${r.payer as string}`)
        return seen.size === 700
      })
      const rec = records[at] as Rec & { payer: string; authorization: { cumulativeAmount: string; recentBlock: number; expiryBlock: number } }
      const domain = new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement)
      rec.authorization = domain.sign(operatorKeyOf(2), { payer: rec.payer, operator: devnet.manifest.accounts.operators[1], cumulativeAmount: BigInt(rec.authorization.cumulativeAmount), recentBlock: rec.authorization.recentBlock, expiryBlock: rec.authorization.expiryBlock })
      return at
    })
    expect(at).toBeGreaterThan(700)
    const stats = { factBatches: 0, peakBatchFacts: 0, recordsRead: 0, peakRetained: 0, signatureBatches: 0 }
    const source = new ChainSource({ rpcUrl: devnet.anvil.rpcUrl, contracts: devnet.manifest.contracts, startBlock: devnet.manifest.startBlock })
    const r = await verifyUsageLogs({ logFiles: logs, source, contentDir: devnet.contentDir, rerun: false, networkHistory: true, stats, chargeDomain: new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement) }).finally(() => source.close())
    // the logs' distinct authorisations (1,000 and more) went to worker threads in batches of 500
    expect(stats.signatureBatches).toBeGreaterThanOrEqual(2)
    const bad = r.discrepancies.filter((d) => d.class === 'unauthorized-charge')
    expect(bad.map((d) => [d.location.operatorId, d.location.n])).toEqual([[2, at]])
    expect(bad[0].detail).toMatch(/not the payer's signature/)
    expect(bad[0].actual).toBe(privateKeyToAddress(operatorKeyOf(2)).toLowerCase())
  })

  it('an operator that settled on chain and whose log is not given is a missing log', async () => {
    const r = await verify(stored.filter((f) => !f.endsWith('operator-4.jsonl')))
    expect(classes(r)).toEqual(['log-missing'])
    expect(r.discrepancies.map((d) => d.location.operatorId)).toEqual([4])
  })

})

describe('tampering on chain, in a snapshot, is found in the history', () => {
  const OP = 2
  const settlement = () => ({ address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi })
  const registry = () => ({ address: devnet.manifest.contracts.ModelRegistry, abi: artifact('ModelRegistry').abi })
  const attribution = () => ({ address: devnet.manifest.contracts.AttributionSettlement, abi: artifact('AttributionSettlement').abi })
  const domain = () => new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement)
  const onSnapshot = <T>(f: () => Promise<T>): Promise<T> => snapshotted(devnet, f)
  async function send(from: Address, call: Record<string, unknown>): Promise<{ blockNumber: number; hash: Hex; logs: { data: Hex; topics: Hex[] }[] }> {
    await devnet.testClient.impersonateAccount({ address: from })
    const hash = await devnet.wallet(from).writeContract({ ...call, chain: null } as never)
    const r = await devnet.publicClient.waitForTransactionReceipt({ hash })
    expect(r.status).toBe('success')
    return { blockNumber: Number(r.blockNumber), hash, logs: r.logs as never }
  }
  /** The operator's log as it stands, a request of a live model to copy, the model's owner and price now. */
  async function operatorLog() {
    const records = readRecords(stored.find((f) => f.endsWith(`operator-${OP}.jsonl`))!)
    let localId = Math.max(...records.filter((r) => r.kind === 'inference').map((r) => r.localId as number)) + 1
    const inferences = records.filter((r) => r.kind === 'inference').reverse() as (Rec & { payer: Address; modelId: string })[]
    for (const sample of inferences) {
      const [m] = (await devnet.publicClient.readContract({ ...registry(), functionName: 'model', args: [BigInt(sample.modelId)] })) as [{ owner: Address; pricePerUnit: bigint; retiredAt: number }]
      if (m.retiredAt === 0) return { records, sample, owner: m.owner, price: BigInt(m.pricePerUnit), nextLocalId: () => localId++ }
    }
    throw new Error('no request of a live model in the log')
  }
  /** Settles one receipt as the operator (committing the log's head) and appends its inference, intent and settlement. */
  async function settleLogged(records: Rec[], inf: Rec & { payer: Address; modelId: string; units: number; fee: string; authorization: { cumulativeAmount: string; recentBlock: number; expiryBlock: number; signature: Hex } }) {
    const operator = privateKeyToAccount(operatorKeyOf(OP))
    records.push(inf)
    writeSigned(records, path.join(work, 'scratch.jsonl'), records.length - 1, operatorKeyOf(OP))
    const head = records[records.length - 1].hash
    const firstSeq = (await devnet.publicClient.readContract({ ...settlement(), functionName: 'nextSequence', args: [operator.address] })) as bigint
    const payerId = Number(await devnet.publicClient.readContract({ ...settlement(), functionName: 'payerIdOf', args: [inf.payer] }))
    const b = buildBatch([{ modelId: BigInt(inf.modelId), payerId, units: inf.units, fee: BigInt(inf.fee), authorization: inf.authorization }])
    const wallet = createWalletClient({ account: operator, transport: http(devnet.anvil.rpcUrl) })
    const hash = await wallet.writeContract({ ...settlement(), functionName: 'settleBatch', args: [firstSeq, head, b.modelIds, b.payerIds, b.packed, b.cpuMicros, b.adapterByteSeconds, b.authorizations], chain: null } as never)
    const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    let share = ''
    let policyVersion = 0
    for (const l of receipt.logs) {
      try {
        const ev = decodeEventLog({ ...settlement(), data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, unknown> }
        if (ev.eventName === 'InferenceSettled') share = String(ev.args.contributorsShare)
        if (ev.eventName === 'BatchSettled') policyVersion = Number(ev.args.policyVersion)
      } catch {
        // a token transfer
      }
    }
    records.push({ v: 1, kind: 'settlement-intent', firstSeq: String(firstSeq), localIds: [inf.localId], usageLogHead: head } as unknown as Rec)
    records.push({ v: 1, kind: 'settlement', firstSeq: String(firstSeq), count: 1, txHash: hash, blockNumber: Number(receipt.blockNumber), policyVersion, contributorsShares: [share] } as unknown as Rec)
    writeSigned(records, path.join(work, 'scratch.jsonl'), records.length - 2, operatorKeyOf(OP)) // the next head follows them
  }
  /** The stored logs with the operator's replaced by `records` (re-signed from `from`). */
  function withLog(records: Rec[], from: number): string[] {
    const dir = fs.mkdtempSync(path.join(work, 'chain-variant-'))
    return stored.map((f) => {
      const to = path.join(dir, path.basename(f))
      if (path.basename(f) === `operator-${OP}.jsonl`) writeSigned(records, to, from, operatorKeyOf(OP))
      else fs.copyFileSync(f, to)
      return to
    })
  }
  async function chargedSoFar(payer: Address): Promise<bigint> {
    const payerId = Number(await devnet.publicClient.readContract({ ...settlement(), functionName: 'payerIdOf', args: [payer] }))
    return (await devnet.publicClient.readContract({ ...settlement(), functionName: 'charged', args: [payerId, OP] })) as bigint
  }

  it('a request served after a price change and backdated into the grace period is caught', async () => {
    await onSnapshot(async () => {
      const { records, sample, owner, price, nextLocalId } = await operatorLog()
      const from = records.length
      const before = Number(await devnet.publicClient.getBlockNumber())
      const change = await send(owner, { ...registry(), functionName: 'setPrice', args: [BigInt(sample.modelId), price * 2n] })
      const changedAt = Number((await devnet.publicClient.getBlock({ blockNumber: BigInt(change.blockNumber) })).timestamp) * 1000
      const units = sample.units as number
      let cap = await chargedSoFar(sample.payer)
      const answer = (at: number, p: bigint, recentBlock: number) => {
        cap += BigInt(units) * p
        const authorization = domain().sign(devnetPrivateKey(devIndexOf(sample.payer)), { payer: sample.payer, operator: privateKeyToAccount(operatorKeyOf(OP)).address, cumulativeAmount: cap, recentBlock, expiryBlock: recentBlock + 1_000 })
        return { ...sample, localId: nextLocalId(), at: new Date(at).toISOString(), price: String(p), fee: String(BigInt(units) * p), authorization } as never
      }
      // an honest request at the new price, settled: the log is now anchored after the change
      await settleLogged(records, answer(changedAt + 1_000, price * 2n, change.blockNumber))
      // then one served after it, logged as if before the change, at the old price, under an authorisation signed before it (the contract's grace accepts it)
      const backdated = answer(changedAt - 60_000, price, before) as Rec
      await settleLogged(records, backdated as never)
      const r = await verify(withLog(records, from))
      expect(classes(r)).toEqual(['backdated'])
      expect(r.discrepancies.map((d) => [d.location.operatorId, d.location.localId])).toEqual([[OP, backdated.localId]])
    })
  }, 120_000)

  it("an epoch whose pool is short of its contributors' shares is caught", async () => {
    await onSnapshot(async () => {
      const { records, sample, price, nextLocalId } = await operatorLog()
      const from = records.length
      const model = BigInt(sample.modelId)
      const units = sample.units as number
      let cap = await chargedSoFar(sample.payer)
      const head = Number(await devnet.publicClient.getBlockNumber())
      const answer = () => {
        cap += BigInt(units) * price
        const authorization = domain().sign(devnetPrivateKey(devIndexOf(sample.payer)), { payer: sample.payer, operator: privateKeyToAccount(operatorKeyOf(OP)).address, cumulativeAmount: cap, recentBlock: head, expiryBlock: head + 1_000 })
        return { ...sample, localId: nextLocalId(), at: new Date().toISOString(), fee: String(BigInt(units) * price), authorization } as never
      }
      const first = answer() as Rec
      await settleLogged(records, first as never)
      // someone holding POOL_ROLE takes the pool between two epochs
      const gov = devnet.manifest.accounts.governance
      const taker = devnet.manifest.accounts.treasury
      const role = (await devnet.publicClient.readContract({ ...settlement(), functionName: 'POOL_ROLE' })) as Hex
      await send(gov, { ...settlement(), functionName: 'grantRole', args: [role, taker] })
      await send(taker, { ...settlement(), functionName: 'releasePool', args: [model] })
      const second = answer() as Rec
      await settleLogged(records, second as never)
      // the attributor pays the (short) pool with the model's last weights; the operator records the epoch
      const last = [...records].reverse().find((r) => r.kind === 'attribution' && r.modelId === sample.modelId)! as Rec & { entries: [string, string, number][] }
      const epoch = (await devnet.publicClient.readContract({ ...attribution(), functionName: 'nextEpoch', args: [model] })) as bigint
      const entries = last.entries.map(([d, who, w]) => ({ datanetId: BigInt(d), contributor: who as Address, weight: w }))
      const attributor = privateKeyToAccount(devnetPrivateKey(5)).address
      await devnet.testClient.impersonateAccount({ address: attributor })
      const hash = await devnet.wallet(attributor).sendTransaction({ to: devnet.manifest.contracts.AttributionSettlement, data: encodeSettleEpoch(epoch, model, entries), chain: null } as never)
      const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash })
      expect(receipt.status).toBe('success')
      let pool = ''
      for (const l of receipt.logs) {
        try {
          const ev = decodeEventLog({ ...attribution(), data: l.data, topics: l.topics }) as unknown as { eventName: string; args: { pool: bigint } }
          if (ev.eventName === 'EpochClosed') pool = String(ev.args.pool)
        } catch {
          // a token transfer
        }
      }
      records.push({ v: 1, kind: 'attribution', modelId: sample.modelId, epoch: String(epoch), localIds: [first.localId, second.localId], entries: last.entries, pool, txHash: hash, blockNumber: Number(receipt.blockNumber) } as unknown as Rec)
      const r = await verify(withLog(records, from))
      expect(classes(r)).toEqual(['pool-mismatch'])
      expect(r.discrepancies.map((d) => [d.location.modelId, d.location.epoch])).toEqual([[sample.modelId, String(epoch)]])
    })
  }, 120_000)
})

describe('privacy: a node that keeps request inputs out of its log', () => {
  it('logs only a hash of each input; verify checks those requests without re-running them and says so', async () => {
    const texts = loadCorpus()
      .filter((e) => corpusSplit(e.id) === 'test')
      .slice(300, 306)
      .map((e) => e.text)
    const logFile = tempLog()
    await snapshotted(devnet, async () => {
      const node = await InferenceNode.start({ manifest: devnet.manifest, operator: operatorKey(), attributor: attributorKey(), logFile, contentDir: devnet.contentDir, batchSize: 100, batchIntervalMs: 3_600_000, privateInputs: true })
      try {
        const models = node.models().filter((m) => !m.retired).map((m) => m.id)
        for (const [i, text] of texts.entries()) await node.infer(await paidBody(devnet, i % 3, models[i % 2], text))
        await node.settle()
        await node.attribute()
      } finally {
        await node.stop()
      }
      const records = readRecords(logFile)
      const inferences = records.filter((r) => r.kind === 'inference')
      expect(inferences).toHaveLength(texts.length)
      // no input in the shared log, not even inside another field: only its keccak
      const raw = fs.readFileSync(logFile, 'utf8')
      for (const [i, r] of inferences.entries()) {
        expect(r.input).toBeUndefined()
        expect(r.inputHash).toBe(keccak256(toHex(texts[i])))
        expect(raw.includes(texts[i].slice(0, 40))).toBe(false)
        expect(r.label).not.toBeNull() // the answer and its weights stay: epochs are checked against them
      }
      const r = await verify([...stored, logFile])
      expect(r.discrepancies).toEqual([])
      expect(r.logs.map((l) => l.operatorId)).toEqual([2, 3, 4, 1])
      // the node's private requests are counted as withheld, apart from the workload's synthetic ones
      expect(r.summary.withheldInputs - r.summary.unanswered).toBe(texts.length)
      expect(r.summary.attributionEpochs).toBeGreaterThan(honest.summary.attributionEpochs)
      expect(summarize(r)).toMatch(new RegExp(`${r.summary.withheldInputs} requests withheld their input \\(only its hash is logged\\): checked without re-running the model; their metering, answers and answer weights are the operator's word`))
      // a private request's units still have to agree with the chain: a re-signed log that meters one more unit is caught
      const copy = path.join(work, 'private-tampered.jsonl')
      const i = records.findIndex((x) => x.kind === 'inference')
      records[i].units = (records[i].units as number) + 1
      records[i].fee = String(BigInt(records[i].units as number) * BigInt(records[i].price as string))
      writeSigned(records, copy, i, devnetPrivateKey(7))
      const t = await verify([...stored, copy])
      expect(t.discrepancies.filter((d) => d.location.n === i).map((d) => d.class)).toEqual(['fee-mismatch'])
    })
  }, 180_000)
})

/** the dev account index of a payer address */
function devIndexOf(address: string): number {
  for (let i = 18; i < 200; i++) if (privateKeyToAddress(devnetPrivateKey(i)).toLowerCase() === address.toLowerCase()) return i
  throw new Error(`${address} is not a dev account`)
}
