// Replay verification from the chain (and the index): an honest run has zero discrepancies and
// two replays give byte-identical reports; every injected discrepancy class is detected with the
// right class and location, and nothing honest is flagged. Tampering on chain runs inside an
// anvil snapshot that is reverted afterwards; tampering with the index is undone afterwards.
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, onSnapshot as snapshotted, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { attributorKey, operatorKey, paidBody, tempLog } from '../helpers/node'
import { readRecords as readLogRecords, writeSigned, type Rec } from '../helpers/signed-log'
import { ChargeDomain, type SignedCharge } from '../../src/protocol/charge-auth'
import { InferenceNode } from '../../src/inference/node'
import { verifyUsageLogs, type VerificationReport } from '../../src/verify/replay'
import { ChainSource } from '../../src/verify/chain-source'
import { IndexSource } from '../../src/verify/index-source'
import type { FactSource } from '../../src/verify/facts'
import { recordHash } from '../../src/inference/usage-log'
import { signHash } from '../../src/util/hash'
import { devnetPrivateKey } from '../../src/chain/keys'
import { artifact } from '../../src/chain/artifacts'
import { buildBatch } from '../../src/protocol/receipts'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'
import { createWalletClient, http, toEventSelector, type Address, type Hex } from 'viem'
import { openWarehouse } from '../../src/warehouse/client'
import { startApi } from '../../src/api/server'
import { privateKeyToAccount } from 'viem/accounts'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let logFile: string
let honest: VerificationReport
const texts = loadCorpus()
  .filter((e) => corpusSplit(e.id) === 'test')
  .slice(200, 240)
  .map((e) => e.text)

const readRecords = (file = logFile): Rec[] => readLogRecords(file)
const tmp = () => path.join(path.dirname(logFile), `variant-${Math.random().toString(16).slice(2)}.jsonl`)
const chain = () => new ChainSource({ rpcUrl: devnet.anvil.rpcUrl, contracts: devnet.manifest.contracts, startBlock: devnet.manifest.startBlock })
async function verify(file: string, rerun = true, source: FactSource = chain(), compareWith?: FactSource): Promise<VerificationReport> {
  try {
    return await verifyUsageLogs({ logFiles: [file], source, compareWith, contentDir: devnet.contentDir, rerun, chargeDomain: new ChargeDomain(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement) })
  } finally {
    await source.close()
    await compareWith?.close()
  }
}
const verifyIndex = (file: string, rerun = false) => verify(file, rerun, new IndexSource(db.url))
const onSnapshot = <T>(f: () => Promise<T>): Promise<T> => snapshotted(devnet, f)
const settlement = () => ({ address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi })
/**
 * Settles receipts as operator 1 would (its key), committing `head` as the usage-log head, under
 * authorisations the node logged (a payer's allowance covers more than the receipts it came with).
 */
async function settleAsOperator(receipts: { modelId: string; payer: string; units: number; fee: bigint; authorization: SignedCharge }[], head: Hex): Promise<{ firstSeq: bigint; hash: Hex; blockNumber: number }> {
  const operator = privateKeyToAccount(devnetPrivateKey(7))
  const firstSeq = (await devnet.publicClient.readContract({ ...settlement(), functionName: 'nextSequence', args: [operator.address] })) as bigint
  const payerIds = new Map<string, number>()
  for (const r of receipts) payerIds.set(r.payer, Number(await devnet.publicClient.readContract({ ...settlement(), functionName: 'payerIdOf', args: [r.payer] })))
  const b = buildBatch(receipts.map((r) => ({ modelId: BigInt(r.modelId), payerId: payerIds.get(r.payer)!, units: r.units, fee: r.fee, authorization: r.authorization })))
  const wallet = createWalletClient({ account: operator, transport: http(devnet.anvil.rpcUrl) })
  const hash = await wallet.writeContract({ ...settlement(), functionName: 'settleBatch', args: [firstSeq, head, b.modelIds, b.payerIds, b.packed, b.cpuMicros, b.adapterByteSeconds, b.authorizations], chain: null } as never)
  const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash })
  expect(receipt.status).toBe('success')
  return { firstSeq, hash, blockNumber: Number(receipt.blockNumber) }
}
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
  for (let i = 0; i < 24; i++) await node.infer(await paidBody(devnet, i % 5, models[i % 4], texts[i]))
  await node.settle()
  await node.attribute()
  await node.stop()
  db = await freshDatabase('verify')
  dataDir = newDataDir()
  const head = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir, env: { UPKEEP_WAREHOUSE: 'off' } }, head)
  honest = await verify(logFile)
}, 240_000)

afterAll(async () => {
  await devnet?.stop()
  await db?.drop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('an honest run', () => {
  it('has zero discrepancies across every check, from the chain and from the index', async () => {
    expect(honest.discrepancies).toEqual([])
    expect(honest.ok).toBe(true)
    expect(honest.source).toBe('chain')
    expect(honest.logs.map((l) => l.operatorId)).toEqual([1])
    expect(honest.summary.inferences).toBe(24)
    expect(honest.summary.settled).toBe(24)
    expect(honest.summary.batches).toBe(3)
    expect(honest.summary.attributionEpochs).toBe(4)
    // every epoch on chain is checked: count them from raw EpochClosed logs
    const closed = await devnet.publicClient.getLogs({ address: devnet.manifest.contracts.AttributionSettlement, fromBlock: 0n, toBlock: 'latest' })
    const epochTopic = artifact('AttributionSettlement').abi.find((x) => x.type === 'event' && x.name === 'EpochClosed')!
    expect(honest.summary.epochsChecked).toBe(closed.filter((l) => l.topics[0] === toEventSelector(epochTopic as never)).length)
    expect(honest.summary.checks).toBeGreaterThan(24 * 5)
    const fromIndex = await verifyIndex(logFile, true)
    expect(fromIndex.discrepancies).toEqual([])
    const both = await verify(logFile, false, chain(), new IndexSource(db.url))
    expect(both.discrepancies).toEqual([])
    expect(both.source).toBe('both')
  })

  it('two replays give byte-identical JSON reports', async () => {
    const again = await verify(logFile)
    expect(JSON.stringify(again, null, 2)).toBe(JSON.stringify(honest, null, 2))
  })

  it('the CLI exits 0, prints a summary, writes the JSON report and stores the run', async () => {
    const json = path.join(path.dirname(logFile), 'report.json')
    const r = spawnSync(process.execPath, [BIN, 'verify', '--log', logFile, '--json', json, '--manifest', devnet.manifestFile, '--content-dir', devnet.contentDir], { env: { ...process.env, DB_URL: db.url }, encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/verified 24 inferences, 24 settled receipts, 4 attribution epochs of operator 1/)
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

  it('a directory of logs verifies every operator in it', () => {
    const dir = fs.mkdtempSync(path.join(path.dirname(logFile), 'logs-'))
    fs.copyFileSync(logFile, path.join(dir, 'operator-1.jsonl'))
    const r = spawnSync(process.execPath, [BIN, 'verify', '--log', dir, '--manifest', devnet.manifestFile, '--content-dir', devnet.contentDir, '--no-rerun', '--no-store'], { encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/24 settled receipts, 4 attribution epochs of operator 1 /)
  })

  it('refuses bad arguments and an unreachable RPC with one line, and writes nothing', async () => {
    const runs = async () =>
      (await query(db.url, `select to_regclass('upkeep_verify.verification_run') as t`))[0].t === null
        ? 0
        : Number((await query<{ n: string }>(db.url, 'select count(*)::text as n from upkeep_verify.verification_run'))[0].n)
    const before = await runs()
    const emptyDir = fs.mkdtempSync(path.join(path.dirname(logFile), 'empty-'))
    const json = path.join(path.dirname(logFile), 'refused.json')
    const base = ['--manifest', devnet.manifestFile, '--content-dir', devnet.contentDir, '--json', json]
    const cases: [string[], Record<string, string>, number][] = [
      [[], {}, 2],
      [['--log', '/nonexistent.jsonl'], {}, 2],
      [['--log', emptyDir], {}, 2],
      [['--log', logFile, '--source', 'postgres'], {}, 2],
      [['--log', logFile, '--from', 'yesterday'], {}, 2],
      [['--log', logFile, '--from', '2026-02-01', '--to', '2026-01-01'], {}, 2],
      [['--log', logFile, '--log', logFile], {}, 2],
      [['--log', logFile], { RPC_URL: 'http://127.0.0.1:9' }, 4],
      [['--log', logFile, '--manifest', '/nonexistent-manifest.json'], {}, 3],
    ]
    for (const [args, env, code] of cases) {
      const r = spawnSync(process.execPath, [BIN, 'verify', ...base, ...args], { env: { ...process.env, DB_URL: db.url, ...env }, encoding: 'utf8' })
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(code)
      expect(r.stderr.trim().split('\n').length, r.stderr).toBe(1)
      expect(fs.existsSync(json), args.join(' ')).toBe(false)
    }
    expect(await runs()).toBe(before)
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

  it('a log re-chained from a record on without the node key is not covered by its signature', async () => {
    const records = readRecords()
    const i = firstInference() + 5
    records[i].label = records[i].label === 'spam' ? 'ham' : 'spam'
    // re-hashed and re-linked to the end, signed by another key: the chain is intact, the signatures are not the node's
    const file = tmp()
    writeSigned(records, file, i, devnetPrivateKey(99))
    const r = await verify(file, false)
    const bad = r.discrepancies.filter((d) => d.class === 'bad-signature')
    expect(bad.map((d) => d.location.n)).toEqual([i])
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

  it('a log rewritten and re-signed with the node key is caught by the heads its batches committed on chain', async () => {
    // an answer the node would rather have given: every hash and signature is valid again, only the chain remembers
    const records = readRecords()
    const i = firstInference() + 2
    records[i].label = records[i].label === 'spam' ? 'ham' : 'spam'
    records[i].outputHash = ('0x' + 'cd'.repeat(32)) as Hex
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file, false)
    expect(classes(r)).toEqual(['head-mismatch'])
    // the first batch committed after the rewritten record is the first one flagged, at its intent
    const intents = records.map((x, k) => [x, k] as const).filter(([x, k]) => x.kind === 'settlement-intent' && k > i)
    expect(r.discrepancies.map((d) => d.location.n)).toEqual(intents.map(([, k]) => k))
  })

  it('a node that overcharges (validly signed) is caught by the fee check', async () => {
    const records = readRecords()
    const i = firstInference() + 4
    records[i].units = (records[i].units as number) * 2
    records[i].fee = String(BigInt(records[i].fee as string) * 2n)
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file)
    const mine = r.discrepancies.filter((d) => d.location.n === i)
    expect(mine.map((d) => d.class)).toEqual(['fee-mismatch', 'fee-mismatch']) // the metering and the settled receipt both disagree
    expect(classes(r)).toEqual(['fee-mismatch', 'head-mismatch']) // and the rewrite is seen by the batch heads
  })

  it('a different answer than the model gives is an output mismatch', async () => {
    const records = readRecords()
    const i = firstInference() + 6
    records[i].outputHash = ('0x' + 'ab'.repeat(32)) as Hex
    const file = tmp()
    writeSigned(records, file, i)
    const r = await verify(file)
    expect(r.discrepancies.filter((d) => d.location.n === i).map((d) => d.class)).toEqual(['output-mismatch'])
    expect(classes(r)).toEqual(['head-mismatch', 'output-mismatch'])
  })

  it("answer weights that are not the model's attribution are a weight mismatch", async () => {
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
    const epochs = r.discrepancies.filter((d) => d.location.n !== i && d.class !== 'head-mismatch')
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

  it('an epoch on chain that paid out the operator\'s receipts but is missing from its log is caught', async () => {
    const records = readRecords()
    const last = records[records.length - 1]
    expect(last.kind).toBe('attribution')
    const file = tmp()
    fs.writeFileSync(file, records.slice(0, -1).map((r) => JSON.stringify(r)).join('\n') + '\n')
    const r = await verify(file, false)
    expect(classes(r)).toEqual(['epoch-not-logged'])
    expect(r.discrepancies.map((d) => [d.location.modelId, d.location.epoch, d.location.txHash])).toEqual([[last.modelId, last.epoch, last.txHash]])
  })

  it('a request served after a price change and backdated into the grace period is caught', async () => {
    await onSnapshot(async () => {
      const records = readRecords()
      const sample = records.find((r) => r.kind === 'inference')! as Rec & { modelId: string; units: number; price: string; payer: string; authorization: SignedCharge }
      const registry = { address: devnet.manifest.contracts.ModelRegistry, abi: artifact('ModelRegistry').abi }
      const [registered] = await devnet.publicClient.getContractEvents({ ...registry, eventName: 'ModelRegistered', args: { modelId: BigInt(sample.modelId) }, fromBlock: 0n } as never)
      const owner = (registered as unknown as { args: { owner: Address } }).args.owner
      const oldPrice = BigInt(sample.price)
      const newPrice = oldPrice * 2n
      await devnet.testClient.impersonateAccount({ address: owner })
      const change = await devnet.wallet(owner).writeContract({ ...registry, functionName: 'setPrice', args: [BigInt(sample.modelId), newPrice], chain: null } as never)
      const changed = await devnet.publicClient.waitForTransactionReceipt({ hash: change })
      const changedAt = Number((await devnet.publicClient.getBlock({ blockNumber: changed.blockNumber })).timestamp) * 1000
      let localId = Math.max(...records.filter((r) => r.kind === 'inference').map((r) => r.localId as number)) + 1
      const answer = (at: string, price: bigint) => ({ ...sample, localId: localId++, at, price: String(price), fee: String(BigInt(sample.units) * price) }) as Rec
      const batch = async (inf: Rec) => {
        records.push(inf)
        writeSigned(records, logCopy, records.length - 1)
        const s = await settleAsOperator([{ modelId: sample.modelId, payer: sample.payer, units: sample.units, fee: BigInt(inf.fee as string), authorization: sample.authorization }], inf.hash)
        records.push({ v: 1, kind: 'settlement-intent', firstSeq: String(s.firstSeq), localIds: [inf.localId], usageLogHead: inf.hash } as unknown as Rec)
        records.push({ v: 1, kind: 'settlement', firstSeq: String(s.firstSeq), count: 1, txHash: s.hash, blockNumber: s.blockNumber, policyVersion: 0, contributorsShares: [] } as unknown as Rec)
        writeSigned(records, logCopy, records.length - 2)
      }
      const logCopy = tmp()
      // an honest answer at the new price, settled: the log is now anchored after the change
      await batch(answer(new Date(changedAt + 1_000).toISOString(), newPrice))
      // then one served after it, logged as if before the change, at the old price (the contract's grace accepts it)
      const backdated = answer(new Date(changedAt - 60_000).toISOString(), oldPrice)
      await batch(backdated)
      const r = await verify(logCopy, false)
      expect(classes(r)).toEqual(['backdated'])
      expect(r.discrepancies.map((d) => d.location.localId)).toEqual([backdated.localId])
    })
  }, 120_000)

  it("an epoch whose pool is short of its contributors' shares is caught", async () => {
    await onSnapshot(async () => {
      const copy = tmp()
      fs.copyFileSync(logFile, copy)
      const node = await InferenceNode.start({ manifest: devnet.manifest, operator: operatorKey(), attributor: attributorKey(), logFile: copy, contentDir: devnet.contentDir, batchSize: 100, batchIntervalMs: 3_600_000 })
      const model = node.models().filter((m) => !m.retired)[0].id
      try {
        await node.infer(await paidBody(devnet, 0, model, texts[30]))
        await node.settle()
        // someone holding POOL_ROLE takes the pool between two epochs
        const gov = devnet.manifest.accounts.governance
        const taker = devnet.manifest.accounts.treasury
        const role = (await devnet.publicClient.readContract({ ...settlement(), functionName: 'POOL_ROLE' })) as Hex
        await devnet.testClient.impersonateAccount({ address: gov })
        await devnet.publicClient.waitForTransactionReceipt({ hash: await devnet.wallet(gov).writeContract({ ...settlement(), functionName: 'grantRole', args: [role, taker], chain: null } as never) })
        await devnet.testClient.impersonateAccount({ address: taker })
        await devnet.publicClient.waitForTransactionReceipt({ hash: await devnet.wallet(taker).writeContract({ ...settlement(), functionName: 'releasePool', args: [BigInt(model)], chain: null } as never) })
        await node.infer(await paidBody(devnet, 1, model, texts[31]))
        await node.settle()
        await node.attribute()
      } finally {
        await node.stop()
      }
      const r = await verify(copy, false)
      expect(classes(r)).toEqual(['pool-mismatch'])
      expect(r.discrepancies[0].location.modelId).toBe(model)
    })
  }, 120_000)

  it('a row altered in the index is a split or payout mismatch from the index, and an index mismatch with both sources', async () => {
    const [row] = await query<{ id: string }>(db.url, `select id from inference where operator_id = '1' order by seq offset 3 limit 1`)
    const [payout] = await query<{ id: string; epoch_id: string }>(db.url, `select p.id, p.epoch_id from attribution_payout p join attribution_epoch e on e.id = p.epoch_id order by e.block_number desc, p.id limit 1`)
    await query(db.url, `update inference set treasury_share = treasury_share + 1, creator_share = creator_share - 1 where id = $1`, [row.id])
    await query(db.url, `update attribution_payout set amount = amount + 1 where id = $1`, [payout.id])
    try {
      const fromIndex = await verifyIndex(logFile)
      expect(classes(fromIndex)).toEqual(['payout-mismatch', 'split-mismatch'])
      expect(fromIndex.discrepancies.find((d) => d.class === 'split-mismatch')!.location.requestId).toBe(row.id)
      const both = await verify(logFile, false, chain(), new IndexSource(db.url))
      expect(classes(both)).toEqual(['index-mismatch'])
      expect(both.discrepancies.map((d) => d.location.requestId ?? `${d.location.modelId}-${d.location.epoch}`).sort()).toEqual([row.id, payout.epoch_id].sort())
    } finally {
      await query(db.url, `update inference set treasury_share = treasury_share - 1, creator_share = creator_share + 1 where id = $1`, [row.id])
      await query(db.url, `update attribution_payout set amount = amount - 1 where id = $1`, [payout.id])
    }
    expect((await verifyIndex(logFile)).ok).toBe(true)
  })

  it('a batch settled twice is a double settlement', async () => {
    await onSnapshot(async () => {
      // a faulty node re-sends an already settled batch under new sequence numbers and logs it
      const records = readRecords()
      const intent = records.find((r) => r.kind === 'settlement-intent')! as Rec & { localIds: number[]; firstSeq: string }
      const byLocal = new Map(records.filter((r) => r.kind === 'inference').map((r) => [r.localId as number, r]))
      const s = await settleAsOperator(
        intent.localIds.map((id) => {
          const r = byLocal.get(id)!
          return { modelId: r.modelId as string, payer: r.payer as string, units: r.units as number, fee: BigInt(r.fee as string), authorization: r.authorization as SignedCharge }
        }),
        records[records.length - 1].hash,
      )
      records.push({ kind: 'settlement-intent', firstSeq: String(s.firstSeq), localIds: intent.localIds, usageLogHead: records[records.length - 1].hash } as unknown as Rec)
      records.push({ kind: 'settlement', firstSeq: String(s.firstSeq), count: intent.localIds.length, txHash: s.hash, blockNumber: s.blockNumber, policyVersion: 2, contributorsShares: [] } as unknown as Rec)
      const file = tmp()
      for (const r of records.slice(-2)) Object.assign(r, { v: 1 })
      writeSigned(records, file, records.length - 2)
      const r = await verify(file, false)
      expect(classes(r)).toEqual(['double-settlement'])
      expect(r.discrepancies.length).toBe(intent.localIds.length)
      expect(r.discrepancies.map((d) => d.location.localId).sort()).toEqual([...intent.localIds].sort())
      expect(r.discrepancies.every((d) => d.location.txHash === s.hash)).toBe(true)
    })
  }, 120_000)
})
