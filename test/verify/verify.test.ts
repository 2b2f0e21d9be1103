// Replay verification: an honest run has zero discrepancies and two replays give byte-identical
// reports; every injected discrepancy class is detected with the right class and location, and
// nothing honest is flagged.
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { attributorKey, operatorKey, payerAddress, tempLog } from '../helpers/node'
import { InferenceNode } from '../../src/inference/node'
import { readIndex, type IndexSnapshot } from '../../src/verify/index-reader'
import { verifyUsageLog, type VerificationReport } from '../../src/verify/replay'
import { recordHash } from '../../src/inference/usage-log'
import { signHash } from '../../src/util/hash'
import { devnetPrivateKey } from '../../src/chain/keys'
import { artifact } from '../../src/chain/artifacts'
import { buildBatch } from '../../src/protocol/receipts'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'
import { createWalletClient, http, type Hex } from 'viem'
import { openWarehouse } from '../../src/warehouse/client'
import { startApi } from '../../src/api/server'
import { privateKeyToAccount } from 'viem/accounts'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let logFile: string
let index: IndexSnapshot
let honest: VerificationReport
const texts = loadCorpus()
  .filter((e) => corpusSplit(e.id) === 'test')
  .slice(200, 240)
  .map((e) => e.text)

type Rec = Record<string, unknown> & { n: number; kind: string; hash: Hex; prev: Hex; sig: Hex }
const readRecords = (file = logFile): Rec[] => fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
/** Writes records as a node holding the operator key would: re-chained and re-signed. */
function writeSigned(records: Rec[], file: string, fromIndex = 0): void {
  const key = devnetPrivateKey(7)
  let prev = fromIndex > 0 ? records[fromIndex - 1].hash : ('0x' + '00'.repeat(32)) as Hex
  records.forEach((r, i) => {
    r.n = i
    if (i >= fromIndex) {
      r.prev = prev
      const { hash: _h, sig: _s, ...body } = r
      void _h
      void _s
      r.hash = recordHash(body)
      r.sig = signHash(key, r.hash)
    }
    prev = r.hash
  })
  fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
}
const tmp = () => path.join(path.dirname(logFile), `variant-${Math.random().toString(16).slice(2)}.jsonl`)
const verify = (file: string, snap = index, rerun = true) => verifyUsageLog({ logFile: file, index: snap, operatorId: 1, contentDir: devnet.contentDir, rerun })
const classes = (r: VerificationReport) => [...new Set(r.discrepancies.map((d) => d.class))].sort()

beforeAll(async () => {
  devnet = await loadDevnet()
  logFile = tempLog()
  const node = await InferenceNode.start({
    manifest: devnet.manifest,
    operator: operatorKey(),
    attributor: attributorKey(),
    logFile,
    contentDir: devnet.contentDir,
    batchSize: 8,
    batchIntervalMs: 3_600_000,
  })
  const models = node.models().filter((m) => !m.retired).map((m) => m.id)
  for (let i = 0; i < 24; i++) await node.infer({ model: models[i % 4], payer: payerAddress(i % 5), input: texts[i] })
  await node.settle()
  await node.attribute()
  await node.stop()
  db = await freshDatabase('verify')
  dataDir = newDataDir()
  const head = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env: { UPKEEP_WAREHOUSE: 'off' } }, head)
  index = await readIndex(db.url, 1)
  honest = await verify(logFile)
}, 240_000)

afterAll(async () => {
  await devnet?.stop()
  await db?.drop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('an honest run', () => {
  it('has zero discrepancies across every check', () => {
    expect(honest.discrepancies).toEqual([])
    expect(honest.ok).toBe(true)
    expect(honest.summary.inferences).toBe(24)
    expect(honest.summary.settled).toBe(24)
    expect(honest.summary.attributionEpochs).toBe(4)
    expect(honest.summary.checks).toBeGreaterThan(24 * 5)
  })

  it('two replays give byte-identical JSON reports', async () => {
    const again = await verify(logFile)
    expect(JSON.stringify(again, null, 2)).toBe(JSON.stringify(honest, null, 2))
  })

  it('the CLI exits 0, prints a summary, writes the JSON report and stores the run', async () => {
    const json = path.join(path.dirname(logFile), 'report.json')
    const r = spawnSync(process.execPath, [BIN, 'verify', '--log', logFile, '--json', json, '--content-dir', devnet.contentDir], { env: { ...process.env, DB_URL: db.url }, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/verified 24 inferences, 24 settled receipts, 4 attribution epochs/)
    expect(r.stdout).toMatch(/no discrepancies/)
    expect(JSON.parse(fs.readFileSync(json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(honest)))
    // the run is kept and served over GraphQL
    const warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
    const api = await startApi({ dbUrl: db.url, warehouse, metrics: { treasury: devnet.manifest.accounts.treasury, distributor: devnet.manifest.contracts.RewardsDistributor } })
    try {
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ verificationRuns(limit: 5) { id ok inferences checks discrepancyCount logSha256 discrepancies { class } } }' }),
      })
      const body = (await res.json()) as { data: { verificationRuns: { ok: boolean; inferences: number; checks: number; discrepancyCount: number; logSha256: string }[] } }
      expect(body.data.verificationRuns).toHaveLength(1)
      expect(body.data.verificationRuns[0]).toMatchObject({ ok: true, inferences: 24, checks: honest.summary.checks, discrepancyCount: 0, logSha256: honest.log.sha256 })
    } finally {
      await api.close()
      await warehouse.close()
    }
  })

  it('refuses bad arguments with one line', () => {
    for (const args of [['--log', '/nonexistent.jsonl'], ['--log', logFile, '--from', 'yesterday'], ['--log', logFile, '--from', '2026-02-01', '--to', '2026-01-01']]) {
      const r = spawnSync(process.execPath, [BIN, 'verify', ...args], { env: { ...process.env, DB_URL: db.url }, encoding: 'utf8' })
      expect(r.status, args.join(' ')).not.toBe(0)
      expect(r.stderr.trim().split('\n').length).toBe(1)
    }
  })
})

describe('injected discrepancies are detected with the right class and location', () => {
  const firstInference = () => readRecords().findIndex((r) => r.kind === 'inference')

  it('a tampered record breaks the chain', async () => {
    const records = readRecords()
    const i = firstInference() + 3
    records[i].fee = '1'
    const file = tmp()
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const r = await verify(file)
    expect(r.discrepancies.some((d) => d.class === 'broken-chain' && d.location.n === i)).toBe(true)
  })

  it('a rehashed record without the node key has a bad signature', async () => {
    const records = readRecords()
    const i = firstInference() + 5
    records[i].label = records[i].label === 'spam' ? 'ham' : 'spam'
    const { hash: _h, sig: _s, ...body } = records[i]
    void _h
    void _s
    records[i].hash = recordHash(body)
    records[i].sig = signHash(devnetPrivateKey(99), records[i].hash) // someone else's key
    records[i + 1].prev = records[i].hash
    const file = tmp()
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const r = await verify(file)
    expect(r.discrepancies.some((d) => d.class === 'bad-signature' && d.location.n === i)).toBe(true)
  })

  it('a dropped record breaks the chain, and its settled request is not logged', async () => {
    const records = readRecords()
    const i = firstInference() + 2
    const localId = records[i].localId
    const file = tmp()
    fs.writeFileSync(file, records.filter((_, k) => k !== i).map((r) => JSON.stringify(r)).join('\n') + '\n')
    const r = await verify(file)
    expect(r.discrepancies.some((d) => d.class === 'broken-chain' && d.location.n === i + 1)).toBe(true)
    const missing = r.discrepancies.filter((d) => d.class === 'settled-not-logged')
    expect(missing.length).toBe(1)
    expect(missing[0].location.requestId).toBe(String((1n << 64n) | BigInt(localId as number)))
  })

  it('reordered records break the chain', async () => {
    const records = readRecords()
    const i = firstInference() + 1
    ;[records[i], records[i + 1]] = [records[i + 1], records[i]]
    const file = tmp()
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const r = await verify(file)
    expect(r.discrepancies.some((d) => d.class === 'broken-chain' && d.location.n === i + 1)).toBe(true)
  })

  it('a node that overcharges (validly signed) is caught by the fee check', async () => {
    const records = readRecords()
    const i = firstInference() + 4
    records[i].units = (records[i].units as number) * 2
    records[i].fee = String(BigInt(records[i].fee as string) * 2n)
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file)
    expect(classes(r)).toEqual(['fee-mismatch'])
    expect(r.discrepancies.every((d) => d.location.n === i)).toBe(true)
    expect(r.discrepancies.length).toBe(2) // the metering and the settled receipt both disagree
  })

  it('a different answer than the model gives is an output mismatch', async () => {
    const records = readRecords()
    const i = firstInference() + 6
    records[i].outputHash = ('0x' + 'ab'.repeat(32)) as Hex
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file)
    expect(classes(r)).toEqual(['output-mismatch'])
    expect(r.discrepancies[0].location.n).toBe(i)
  })

  it('answer weights that are not the model\'s attribution are a weight mismatch', async () => {
    const records = readRecords()
    const i = firstInference() + 7
    const w = records[i].weights as [string, string, number][]
    // half of the first entry's weight moves to the last: enough to survive the epoch's rounding
    expect(w.length).toBeGreaterThanOrEqual(2)
    const moved = Math.floor(w[0][2] / 2)
    expect(moved).toBeGreaterThan(0)
    w[0][2] -= moved
    w[w.length - 1][2] += moved
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file)
    const mine = r.discrepancies.filter((d) => d.location.n === i)
    expect(mine.map((d) => d.class)).toEqual(['weight-mismatch'])
    // the changed answer weights also change the epoch its model paid: that epoch is flagged too
    const epochs = r.discrepancies.filter((d) => d.location.n !== i)
    expect(epochs.length).toBeGreaterThanOrEqual(1)
    expect(epochs.every((d) => d.class === 'weight-mismatch' && d.location.epoch !== undefined)).toBe(true)
  })

  it('a request logged but never settled is a missing settlement', async () => {
    const records = readRecords()
    const inf = records.find((r) => r.kind === 'inference')!
    const extra = { ...inf, localId: 999, at: new Date().toISOString() } as Rec
    records.push(extra)
    const file = tmp()
    writeSigned(records, file, records.length - 1)
    const r = await verify(file)
    expect(classes(r)).toEqual(['missing-settlement'])
    expect(r.discrepancies[0].location.localId).toBe(999)
  })

  it('an operator that mis-splits a fee is a split mismatch', async () => {
    const snap: IndexSnapshot = { ...index, inferences: index.inferences.map((x, k) => (k === 3 ? { ...x, treasuryShare: x.treasuryShare + 1n, creatorShare: x.creatorShare - 1n } : x)) }
    const r = await verify(logFile, snap, false)
    expect(classes(r)).toEqual(['split-mismatch'])
    expect(r.discrepancies[0].location.requestId).toBe(String(index.inferences[3].requestId))
  })

  it('an attributor that pays the wrong weights or amounts is a weight or payout mismatch', async () => {
    // an epoch the node posted (its usage log holds it), so verify compares the chain's weights with the log's
    const records = readRecords()
    const e = index.epochs.find((x) => x.payouts.length > 1 && records.some((r) => r.kind === 'attribution' && r.txHash === x.txHash))
    expect(e).toBeDefined()
    const ours = index.epochs.filter((x) => x.txHash === e!.txHash)
    expect(ours.length).toBe(1)
    const wrongWeights: IndexSnapshot = {
      ...index,
      epochs: index.epochs.map((x) => (x === e ? { ...x, payouts: x.payouts.map((p, k) => ({ ...p, weight: k === 0 ? p.weight + 1 : k === 1 ? p.weight - 1 : p.weight })) } : x)),
    }
    const w = await verify(logFile, wrongWeights, false)
    expect(w.discrepancies.map((d) => d.class)).toContain('weight-mismatch')
    expect(w.discrepancies.every((d) => d.location.epoch === String(e!.epoch) && d.location.modelId === e!.modelId)).toBe(true)
    const wrongAmounts: IndexSnapshot = { ...index, epochs: index.epochs.map((x) => (x === e ? { ...x, payouts: x.payouts.map((p, k) => (k === 0 ? { ...p, amount: p.amount + 1n } : p)) } : x)) }
    const a = await verify(logFile, wrongAmounts, false)
    expect(classes(a)).toEqual(['payout-mismatch'])
    expect(a.discrepancies[0].location.epoch).toBe(String(e!.epoch))
  })

  it('a batch settled twice is a double settlement', async () => {
    // a faulty node re-sends an already settled batch under new sequence numbers and logs it
    const records = readRecords()
    const intent = records.find((r) => r.kind === 'settlement-intent')! as Rec & { localIds: number[]; firstSeq: string }
    const byLocal = new Map(records.filter((r) => r.kind === 'inference').map((r) => [r.localId as number, r]))
    const operator = privateKeyToAccount(devnetPrivateKey(7))
    const settlement = { address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi }
    const nextSeq = (await devnet.publicClient.readContract({ ...settlement, functionName: 'nextSequence', args: [operator.address] })) as bigint
    const payerIds = new Map<string, number>()
    for (const id of intent.localIds) {
      const payer = byLocal.get(id)!.payer as string
      payerIds.set(payer, Number(await devnet.publicClient.readContract({ ...settlement, functionName: 'payerIdOf', args: [payer] })))
    }
    const b = buildBatch(intent.localIds.map((id) => {
      const r = byLocal.get(id)!
      return { modelId: BigInt(r.modelId as string), payerId: payerIds.get(r.payer as string)!, units: r.units as number, fee: BigInt(r.fee as string) }
    }))
    const wallet = createWalletClient({ account: operator, transport: http(devnet.anvil.rpcUrl) })
    const hash = await wallet.writeContract({ ...settlement, functionName: 'settleBatch', args: [nextSeq, records[records.length - 1].hash, b.modelIds, b.payerIds, b.packed], chain: null } as never)
    const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash })
    records.push({ kind: 'settlement-intent', firstSeq: String(nextSeq), localIds: intent.localIds, usageLogHead: records[records.length - 1].hash } as unknown as Rec)
    records.push({ kind: 'settlement', firstSeq: String(nextSeq), count: intent.localIds.length, txHash: hash, blockNumber: Number(receipt.blockNumber), policyVersion: 2, contributorsShares: [] } as unknown as Rec)
    const file = tmp()
    for (const r of records.slice(-2)) Object.assign(r, { v: 1 })
    writeSigned(records, file, records.length - 2)
    await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env: { UPKEEP_WAREHOUSE: 'off' } }, Number(receipt.blockNumber))
    const r = await verify(file, await readIndex(db.url, 1), false)
    expect(classes(r)).toEqual(['double-settlement'])
    expect(r.discrepancies.length).toBe(intent.localIds.length)
    expect(r.discrepancies.map((d) => d.location.localId).sort()).toEqual([...intent.localIds].sort())
    expect(r.discrepancies.every((d) => d.location.txHash === hash)).toBe(true)
  }, 120_000)
})
