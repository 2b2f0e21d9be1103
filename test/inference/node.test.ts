// The inference node against a real anvil: fees equal price × units under the policy at the
// settlement block, shares sum to the fee, answer weights sum to 1e6, attribution payouts equal
// pool × weight with the remainder rule — each recomputed here from raw chain logs and the usage
// log. Malformed requests (fast-check, >= 1000) get a 4xx and nothing is metered or logged.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { createWalletClient, decodeEventLog, http, maxUint256, parseEther, type Address } from 'viem'
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { foundry } from 'viem/chains'
import { devnetPrivateKey } from '../../src/chain/keys'
import { loadDevnet, rawLogs, type LoadedDevnet } from '../helpers/devnet'
import { attributorKey, authorization, operatorKey, paidBody, payerAddress, payerKey, postInfer, settledBy, tempLog } from '../helpers/node'
import { InferenceNode } from '../../src/inference/node'
import { serveNode, type NodeServer } from '../../src/inference/http'
import { readLog, type InferenceBody, type LogRecord } from '../../src/inference/usage-log'
import { artifact } from '../../src/chain/artifacts'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'
import { DEVNET_MNEMONIC } from '../../src/devnet/anvil'

let devnet: LoadedDevnet
let node: InferenceNode
let server: NodeServer
let logFile: string
let liveModels: string[]
let retiredModel: string
const poorAccount = privateKeyToAccount(devnetPrivateKey(150)) // beyond anvil's unlocked accounts: signed here
const poorPayer = poorAccount.address
const texts = loadCorpus()
  .filter((e) => corpusSplit(e.id) === 'test')
  .slice(0, 60)
  .map((e) => e.text)

/** independent token count: runs of letters or digits, plus one output token */
const unitsOf = (s: string) => Array.from(s.matchAll(/[\p{L}\p{N}]+/gu)).length + 1

beforeAll(async () => {
  devnet = await loadDevnet()
  logFile = tempLog()
  // a payer with an escrow of 1 wei: registered, but unable to pay for anything
  const c = devnet.manifest.contracts
  const liquidity = mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: 2 }).address
  const send = async (from: Address | typeof poorAccount, address: Address, contract: 'OpenToken' | 'InferenceSettlement', functionName: string, args: unknown[]) => {
    const account = typeof from === 'string' ? from : from
    const wallet = typeof from === 'string' ? devnet.wallet(from) : createWalletClient({ account: from, transport: http(devnet.anvil.rpcUrl) })
    const hash = await wallet.writeContract({ address, abi: artifact(contract).abi, functionName, args, chain: foundry, account } as never)
    await devnet.publicClient.waitForTransactionReceipt({ hash })
  }
  await devnet.testClient.setBalance({ address: poorPayer, value: parseEther('10') })
  await send(liquidity, c.OpenToken, 'OpenToken', 'transfer', [poorPayer, parseEther('1')])
  await send(poorAccount, c.OpenToken, 'OpenToken', 'approve', [c.InferenceSettlement, maxUint256])
  await send(poorAccount, c.InferenceSettlement, 'InferenceSettlement', 'deposit', [1n])
  node = await InferenceNode.start({
    manifest: devnet.manifest,
    operator: operatorKey(),
    attributor: attributorKey(),
    logFile,
    contentDir: devnet.contentDir,
    batchSize: 25,
    batchIntervalMs: 3_600_000, // settled by the test
    epochSeconds: 0,
    authMaxAgeBlocks: 1_000, // the small chain is shorter than the default's day of blocks
  })
  server = await serveNode(node)
  const models = node.models()
  liveModels = models.filter((m) => !m.retired).map((m) => m.id)
  retiredModel = models.find((m) => m.retired)!.id
}, 180_000)

afterAll(async () => {
  await server?.close()
  await node?.stop()
  await devnet?.stop()
})

describe('metering, settlement and attribution', () => {
  it('settles every answer at price × units, split by the policy in force, and pays attribution exactly', async () => {
    const startBlock = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
    const sent: { localId: number; model: string; text: string }[] = []
    for (let i = 0; i < 40; i++) {
      const model = liveModels[i % 3]
      const r = await postInfer(server.url, await paidBody(devnet, i % 4, model, texts[i]))
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(r.body.units).toBe(unitsOf(texts[i]))
      sent.push({ localId: r.body.localId as number, model, text: texts[i] })
    }
    await node.settle()
    const settled = await settledBy(devnet, node.operatorId, startBlock)
    expect(settled.length).toBe(40)
    expect(new Set(settled.map((s) => s.requestId)).size).toBe(40)

    // prices and policies in force, rebuilt from raw logs
    const all = await rawLogs(devnet.publicClient, [devnet.manifest.contracts.ModelRegistry, devnet.manifest.contracts.FeePolicy], devnet.manifest.startBlock, Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })))
    const priceAt = (model: bigint, block: number) => {
      let p = 0n
      for (const l of all) {
        if (Number(l.blockNumber) > block || l.address.toLowerCase() !== devnet.manifest.contracts.ModelRegistry.toLowerCase()) continue
        const ev = decodeEventLog({ abi: artifact('ModelRegistry').abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, bigint> }
        if (ev.args.modelId !== model) continue
        if (ev.eventName === 'ModelRegistered') p = ev.args.pricePerUnit
        if (ev.eventName === 'ModelPriceChanged') p = ev.args.newPrice
      }
      return p
    }
    const policyAt = (block: number) => {
      let p: Record<string, bigint> = {}
      for (const l of all) {
        if (Number(l.blockNumber) > block || l.address.toLowerCase() !== devnet.manifest.contracts.FeePolicy.toLowerCase()) continue
        const ev = decodeEventLog({ abi: artifact('FeePolicy').abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, number> }
        if (ev.eventName === 'FeePolicySet') p = Object.fromEntries(Object.entries(ev.args).map(([k, v]) => [k, BigInt(v)]))
      }
      return p
    }
    const { records, problems } = await readLog(logFile, operatorKey().address)
    expect(problems).toEqual([])
    const inferences = new Map(records.filter((r): r is LogRecord & InferenceBody => r.kind === 'inference').map((r) => [r.localId, r]))
    const intents = records.filter((r) => r.kind === 'settlement-intent') as (LogRecord & { firstSeq: string; localIds: number[] })[]
    const localIdOfSeq = new Map<bigint, number>()
    for (const it of intents) it.localIds.forEach((id, i) => localIdOfSeq.set(BigInt(it.firstSeq) + BigInt(i), id))
    for (const s of settled) {
      const rec = inferences.get(localIdOfSeq.get(s.seq)!)!
      expect(rec, `seq ${s.seq}`).toBeDefined()
      expect(s.modelId).toBe(BigInt(rec.modelId))
      expect(s.payer.toLowerCase()).toBe(rec.payer)
      expect(s.units).toBe(BigInt(unitsOf(rec.input)))
      expect(s.fee).toBe(s.units * priceAt(s.modelId, s.blockNumber))
      expect(String(s.fee)).toBe(rec.fee)
      const p = policyAt(s.blockNumber)
      const creator = (s.fee * p.creatorBps) / 10_000n
      const contributors = (s.fee * p.contributorsBps) / 10_000n
      const infra = (s.fee * p.infraBps) / 10_000n
      const burn = (s.fee * p.burnBps) / 10_000n
      expect(s.shares).toEqual({ creator, contributors, infra, burn, treasury: s.fee - creator - contributors - infra - burn })
      expect(s.shares.creator + s.shares.contributors + s.shares.infra + s.shares.treasury + s.shares.burn).toBe(s.fee)
      expect(rec.weights.reduce((a, w) => a + w[2], 0)).toBe(1_000_000)
    }

    // the serving cost committed on chain (raw ServingCostCommitted logs, decoded here with viem) is,
    // per batch and model, the sum of the node's own measurements in its usage log
    const costLogs = (await rawLogs(devnet.publicClient, [devnet.manifest.contracts.InferenceSettlement], startBlock, Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))))
      .map((l) => decodeEventLog({ abi: artifact('InferenceSettlement').abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, bigint | number> })
      .filter((e) => e.eventName === 'ServingCostCommitted' && Number(e.args.operatorId) === node.operatorId)
    const measured = new Map<string, { cpu: bigint; bytes: bigint; n: number }>()
    for (const it of intents) {
      for (const id of it.localIds) {
        const rec = inferences.get(id)!
        const key = `${it.firstSeq}-${rec.modelId}`
        const m = measured.get(key) ?? { cpu: 0n, bytes: 0n, n: 0 }
        m.cpu += BigInt(rec.cpuMicros)
        m.bytes += BigInt(rec.adapterByteSeconds)
        m.n++
        measured.set(key, m)
      }
    }
    expect(costLogs.length).toBe(measured.size)
    for (const e of costLogs) {
      const m = measured.get(`${e.args.firstSeq}-${e.args.modelId}`)
      expect(m, `cost of batch ${e.args.firstSeq} model ${e.args.modelId}`).toBeDefined()
      expect([e.args.cpuMicros, e.args.adapterByteSeconds, Number(e.args.inferences)]).toEqual([m!.cpu, m!.bytes, m!.n])
    }
    // a real measurement: the node spent CPU and held adapters while answering
    expect([...measured.values()].reduce((a, m) => a + m.cpu, 0n)).toBeGreaterThan(0n)
    expect([...measured.values()].reduce((a, m) => a + m.bytes, 0n)).toBeGreaterThan(0n)

    // attribution: one epoch per model; weights = Σ share × weight apportioned; payouts = pool × w
    const before = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
    await node.attribute()
    const paid = (await rawLogs(devnet.publicClient, [devnet.manifest.contracts.AttributionSettlement], before + 1, Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })))).map(
      (l) => decodeEventLog({ abi: artifact('AttributionSettlement').abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, bigint | number | string> },
    )
    const closed = paid.filter((e) => e.eventName === 'EpochClosed')
    expect(closed.length).toBe(3)
    for (const c of closed) {
      const model = c.args.modelId as bigint
      const payouts = paid.filter((e) => e.eventName === 'AttributionPaid' && e.args.modelId === model)
      // expected weights from the usage log and the settled shares
      const scores = new Map<string, bigint>()
      for (const s of settled.filter((x) => x.modelId === model)) {
        const rec = inferences.get(localIdOfSeq.get(s.seq)!)!
        for (const [d, who, w] of rec.weights) scores.set(`${d}:${who}`, (scores.get(`${d}:${who}`) ?? 0n) + s.shares.contributors * BigInt(w))
      }
      const keys = [...scores.keys()].sort((a, b) => {
        const [da, wa] = a.split(':')
        const [db, wb] = b.split(':')
        return BigInt(da) !== BigInt(db) ? (BigInt(da) < BigInt(db) ? -1 : 1) : wa < wb ? -1 : 1
      })
      const ranked = [...keys].sort((a, b) => (scores.get(a)! !== scores.get(b)! ? (scores.get(b)! > scores.get(a)! ? 1 : -1) : keys.indexOf(a) - keys.indexOf(b))).slice(0, 100)
      const total = ranked.reduce((s, k) => s + scores.get(k)!, 0n)
      const w = new Map(ranked.map((k) => [k, (scores.get(k)! * 1_000_000n) / total]))
      let left = 1_000_000n - [...w.values()].reduce((a, b) => a + b, 0n)
      const byRem = [...ranked].sort((a, b) => {
        const ra = (scores.get(a)! * 1_000_000n) % total
        const rb = (scores.get(b)! * 1_000_000n) % total
        return ra !== rb ? (rb > ra ? 1 : -1) : ranked.indexOf(a) - ranked.indexOf(b)
      })
      for (let i = 0; left > 0n; i++, left--) w.set(byRem[i], w.get(byRem[i])! + 1n)
      const expected = keys.filter((k) => (w.get(k) ?? 0n) > 0n).map((k) => [k, Number(w.get(k))])
      expect(payouts.map((p) => [`${p.args.datanetId}:${String(p.args.contributor).toLowerCase()}`, Number(p.args.weight)])).toEqual(expected)
      // amounts: floor(pool × w / 1e6), remainder to the first largest weight
      const pool = c.args.pool as bigint
      const amounts = payouts.map((p) => (pool * BigInt(p.args.weight as number)) / 1_000_000n)
      let top = 0
      payouts.forEach((p, i) => {
        if (Number(p.args.weight) > Number(payouts[top].args.weight)) top = i
      })
      amounts[top] += pool - amounts.reduce((a, b) => a + b, 0n)
      expect(payouts.map((p) => p.args.amount)).toEqual(amounts)
      expect(amounts.reduce((a, b) => a + b, 0n)).toBe(pool)
    }
  }, 120_000)

  it('answers deterministically: the same input and adapter, the same output hash and weights', async () => {
    const body = await paidBody(devnet, 0, liveModels[0], texts[50])
    const a = await postInfer(server.url, body)
    const b = await postInfer(server.url, body)
    expect(b.body.outputHash).toBe(a.body.outputHash)
    expect(b.body.weights).toEqual(a.body.weights)
    expect(b.body.fee).toBe(a.body.fee)
  })
})

describe('malformed or unpayable requests', () => {
  it('get a 4xx with a clear message, and nothing is metered or logged (fast-check, 1200 cases)', async () => {
    const logBytes = () => fs.statSync(logFile).size
    const size0 = logBytes()
    const answered0 = node.stats.answered
    const pending0 = (await node.usageOf(payerAddress(0))).pendingReceipts
    const allowance1 = (await paidBody(devnet, 1, liveModels[0], 'x')).authorization
    const poorAllowance = await authorization(devnet, devnetPrivateKey(150))
    const known = new Set(liveModels)
    const payers = new Set([...Array(24).keys()].map((i) => payerAddress(i).toLowerCase()))
    const hex = fc.stringMatching(/^[0-9a-f]{40}$/)
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ model: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), payer: fc.string(), input: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
      fc.record({ model: fc.constantFrom(...liveModels), payer: hex.map((h) => `0x${h}`), input: fc.string({ minLength: 1 }) }), // unregistered payers
      fc.record({ model: fc.constantFrom(...liveModels), payer: fc.constant(poorPayer), input: fc.string({ minLength: 1 }).filter((s) => /\p{L}|\p{N}/u.test(s)), authorization: fc.constant(poorAllowance) }), // 1 wei of escrow
      fc.record({ model: fc.constant(retiredModel), payer: fc.constant(payerAddress(1)), input: fc.constant('hello'), authorization: fc.constant(allowance1) }),
      fc.record({ model: fc.integer({ min: 1000, max: 1e9 }).map(String), payer: fc.constant(payerAddress(1)), input: fc.constant('hello'), authorization: fc.constant(allowance1) }),
      fc.record({ model: fc.constantFrom(...liveModels), payer: fc.constant(payerAddress(1)), input: fc.constant('x'.repeat(20_000)), authorization: fc.constant(allowance1) }),
      fc.record({ model: fc.constantFrom(...liveModels), payer: fc.constant(payerAddress(1)), input: fc.constant('hi'), extra: fc.jsonValue(), authorization: fc.constant(allowance1) }),
      // a valid request but for its authorisation: missing, any JSON, a broken field, another payer's
      fc.record({ model: fc.constantFrom(...liveModels), payer: fc.constant(payerAddress(1)), input: fc.constant('hello') }),
      fc.record({ model: fc.constantFrom(...liveModels), payer: fc.constant(payerAddress(1)), input: fc.constant('hello'), authorization: fc.jsonValue() }),
      fc.record({
        model: fc.constantFrom(...liveModels),
        payer: fc.constant(payerAddress(1)),
        input: fc.constant('hello'),
        authorization: fc.oneof(
          fc.record({ cumulativeAmount: fc.oneof(fc.bigInt({ min: -1n, max: 1n << 130n }).map(String), fc.integer(), fc.constant('1e18')) }).map((x) => ({ ...allowance1, ...x })),
          fc.record({ recentBlock: fc.oneof(fc.double(), fc.string(), fc.integer({ max: -1 })) }).map((x) => ({ ...allowance1, ...x })),
          fc.record({ signature: fc.oneof(fc.string(), hex.map((h) => `0x${h}`)) }).map((x) => ({ ...allowance1, ...x })),
          fc.constant(poorAllowance),
        ),
      }).filter((b) => JSON.stringify(b.authorization) !== JSON.stringify(allowance1)),
      fc.string().map((s) => `{"model": ${s}`), // broken JSON text
    )
    const wouldBeValid = (b: unknown) => {
      if (typeof b !== 'object' || b === null || Array.isArray(b)) return false
      const r = b as Record<string, unknown>
      return (
        Object.keys(r).every((k) => ['model', 'payer', 'input', 'authorization'].includes(k)) &&
        JSON.stringify(r.authorization) === JSON.stringify(allowance1) &&
        typeof r.model === 'string' &&
        known.has(r.model) &&
        typeof r.payer === 'string' &&
        /^0x[0-9a-fA-F]{40}$/.test(r.payer) &&
        payers.has(r.payer.toLowerCase()) &&
        typeof r.input === 'string' &&
        r.input.trim() !== '' &&
        r.input.length <= 16_384
      )
    }
    let cases = 0
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        fc.pre(!wouldBeValid(b))
        cases++
        const r = await postInfer(server.url, b)
        expect(r.status, JSON.stringify(b).slice(0, 200)).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        const err = r.body.error as { code: string; message: string }
        expect(err.code).toMatch(/^[A-Z_]+$/)
        expect(err.message.length).toBeGreaterThan(5)
      }),
      { numRuns: 1200 },
    )
    expect(cases).toBeGreaterThanOrEqual(1000)
    expect(logBytes()).toBe(size0)
    expect(node.stats.answered).toBe(answered0)
    expect((await node.usageOf(payerAddress(0))).pendingReceipts).toBe(pending0)
    const oversized = await fetch(`${server.url}/v1/infer`, { method: 'POST', body: 'x'.repeat(70 * 1024) })
    expect(oversized.status).toBe(413)
  }, 180_000)
})

describe('payer-signed charges', () => {
  it('a request without a valid authorisation gets a named 4xx, and nothing is logged, billed or reserved', async () => {
    const payer = payerAddress(5)
    const key = payerKey(5)
    const model = liveModels[1]
    const input = texts[55]
    const head = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
    const size0 = fs.statSync(logFile).size
    const usage0 = await node.usageOf(payer)
    const answered0 = node.stats.answered
    const { authorization: good } = await paidBody(devnet, 5, model, input)
    const cases: [string, unknown, number, string][] = [
      ['none', undefined, 401, 'AUTHORIZATION_REQUIRED'],
      ['not an object', 'signed', 400, 'BAD_AUTHORIZATION'],
      ['a cap that is not a decimal string', { ...good, cumulativeAmount: 10 }, 400, 'BAD_AUTHORIZATION'],
      ['a cap beyond 128 bits', { ...good, cumulativeAmount: String(1n << 128n) }, 400, 'BAD_AUTHORIZATION'],
      ['a short signature', { ...good, signature: good.signature.slice(0, 100) }, 400, 'BAD_AUTHORIZATION'],
      ['an unknown field', { ...good, nonce: 1 }, 400, 'BAD_AUTHORIZATION'],
      ['a cap raised after signing', { ...good, cumulativeAmount: String(BigInt(good.cumulativeAmount) + 1n) }, 403, 'AUTHORIZATION_NOT_BY_PAYER'],
      ['signed by another payer', await authorization(devnet, payerKey(6), { payer }), 403, 'AUTHORIZATION_NOT_BY_PAYER'],
      ['signed for another operator', await authorization(devnet, key, { operator: payerAddress(7) }), 403, 'AUTHORIZATION_NOT_BY_PAYER'],
      ['expiring before its batch could settle', await authorization(devnet, key, { expiryBlock: head + 10 }), 403, 'AUTHORIZATION_EXPIRED'],
      ['older than the node accepts', await authorization(devnet, key, { recentBlock: head - 1_001 }), 403, 'AUTHORIZATION_STALE'],
      ['from a block the chain has not reached', await authorization(devnet, key, { recentBlock: head + 50 }), 403, 'AUTHORIZATION_FROM_FUTURE'],
      ['a cap below what was billed plus this fee', await authorization(devnet, key, { cumulativeAmount: BigInt(usage0.billed!) }), 402, 'AUTHORIZATION_EXCEEDED'],
    ]
    for (const [what, auth, status, code] of cases) {
      const r = await postInfer(server.url, { model, payer, input, ...(auth === undefined ? {} : { authorization: auth }) })
      expect([what, r.status, (r.body.error as { code?: string } | undefined)?.code]).toEqual([what, status, code])
    }
    expect(fs.statSync(logFile).size).toBe(size0)
    expect(node.stats.answered).toBe(answered0)
    expect(await node.usageOf(payer)).toEqual(usage0)
    expect(head - 1_001).toBeGreaterThanOrEqual(0) // the stale case really is a block of this chain
  })

  it('an exact cap pays for one request and no more; the signed authorisation is in the usage log', async () => {
    const payer = payerAddress(8)
    const model = liveModels[2]
    const price = BigInt(node.models().find((m) => m.id === model)!.pricePerUnit)
    const billed = BigInt((await node.usageOf(payer)).billed!)
    // billed starts at what the chain says operator 1 charged this payer
    const payerId = Number(await devnet.publicClient.readContract({ address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi, functionName: 'payerIdOf', args: [payer] }))
    expect(billed).toBe(await devnet.publicClient.readContract({ address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi, functionName: 'charged', args: [payerId, node.operatorId] }))
    const fee = BigInt(unitsOf(texts[56])) * price
    const exact = await authorization(devnet, payerKey(8), { cumulativeAmount: billed + fee })
    const ok = await postInfer(server.url, { model, payer, input: texts[56], authorization: exact })
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(ok.body.fee).toBe(String(fee))
    expect((await node.usageOf(payer)).billed).toBe(String(billed + fee))
    const again = await postInfer(server.url, { model, payer, input: texts[57], authorization: exact })
    expect([again.status, (again.body.error as { code: string }).code]).toEqual([402, 'AUTHORIZATION_EXCEEDED'])
    const { records } = await readLog(logFile)
    const rec = records.find((r): r is LogRecord & InferenceBody => r.kind === 'inference' && r.localId === ok.body.localId)!
    expect(rec.authorization).toEqual(exact)
    // settled on chain under that authorisation: charged grows to exactly its cap
    await node.settle()
    expect(await devnet.publicClient.readContract({ address: devnet.manifest.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi, functionName: 'charged', args: [payerId, node.operatorId] })).toBe(billed + fee)
  })
})
