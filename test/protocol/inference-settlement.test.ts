// InferenceSettlement on the seeded chain: a settled batch moves exactly floor(fee * bps / 10_000)
// to creator, contributors' pool, infrastructure and burn, the treasury gets the rest (the
// remainder rule), all recomputed here from the fee and the policy's bps; every refused batch
// names its custom error and leaves balances and counters exactly as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeeSplitPolicy } from '../../src/protocol/split'
import { keccak256, toHex, type Address, type Hex } from 'viem'
import { DAY, Kit, OPEN } from './protocol-kit'

// the shape FeePolicy.current() returns (only the type is shared; every expectation is computed here)
type Split = FeeSplitPolicy

interface Receipt {
  modelIdx: number
  payerIdx: number
  units: bigint
  fee: bigint
}

let k: Kit
let operator: Address // operator id 1 (the reference node's account; unused by the workload)
let creator: Address
let payerA: Address
let payerB: Address
let payerIdA: number
let payerIdB: number
let myModel: bigint // registered here at an odd price, so that every share rounds
let seededModel: bigint // a live model of the seeded chain
let seededPrice: bigint
const MY_PRICE = 12_345_679n // wei per unit: fee * bps / 10_000 is rarely an integer

/** One receipt: fee bits 0..95, units 96..127, payer index 128..143, model index 144..159. */
function pack(r: Receipt, extraHighBits = 0n): Hex {
  const v = r.fee | (r.units << 96n) | (BigInt(r.payerIdx) << 128n) | (BigInt(r.modelIdx) << 144n) | (extraHighBits << 160n)
  return toHex(v, { size: 32 })
}

/** The documented split: floor for creator, contributors, infra and burn; the treasury takes the rest. */
function expectedShares(fee: bigint, p: Split) {
  const creator = (fee * BigInt(p.creatorBps)) / 10_000n
  const contributors = (fee * BigInt(p.contributorsBps)) / 10_000n
  const infra = (fee * BigInt(p.infraBps)) / 10_000n
  const burn = (fee * BigInt(p.burnBps)) / 10_000n
  return { creator, contributors, infra, burn, treasury: fee - creator - contributors - infra - burn }
}

async function snapshot() {
  const acc = (m: bigint) => k.read<readonly [bigint, bigint]>('InferenceSettlement', 'accruals', [m])
  return {
    escrowA: await k.read<bigint>('InferenceSettlement', 'balanceOfPayer', [payerA]),
    escrowB: await k.read<bigint>('InferenceSettlement', 'balanceOfPayer', [payerB]),
    treasury: await k.balance(k.acc.treasury),
    settlement: await k.balance(k.c.InferenceSettlement),
    supply: await k.supply(),
    accrualMine: await acc(myModel),
    accrualSeeded: await acc(seededModel),
    earnings: await k.read<bigint>('InferenceSettlement', 'operatorEarnings', [1]),
    nextSeq: await k.read<bigint>('InferenceSettlement', 'nextSequence', [operator]),
    payerCount: await k.read<number>('InferenceSettlement', 'payerCount'),
    chargedA: await k.read<bigint>('InferenceSettlement', 'charged', [payerIdA, 1]),
    chargedB: await k.read<bigint>('InferenceSettlement', 'charged', [payerIdB, 1]),
  }
}

/** per payer id, an authorisation with a cap no test reaches, signed when the payers are made */
const allowance = new Map<number, Hex[]>()
const ALLOWANCE = 10n ** 30n

/**
 * settleBatch's arguments; the serving cost defaults to a distinct, recognisable value per model,
 * the authorisations to each payer's allowance (an unknown payer id gets three zero words).
 */
const settleArgs = (
  firstSeq: bigint,
  modelIds: bigint[],
  payerIds: number[],
  receipts: Hex[],
  head: Hex = keccak256(toHex('usage-log-head')),
  cpuMicros: bigint[] = modelIds.map((_, i) => 1_000n + BigInt(i)),
  adapterByteSeconds: bigint[] = modelIds.map((_, i) => 7_000_000n + BigInt(i)),
  authorizations: Hex[] = payerIds.flatMap((p) => allowance.get(p) ?? [ZERO, ZERO, ZERO]),
) => [firstSeq, head, modelIds, payerIds, receipts, cpuMicros, adapterByteSeconds, authorizations] as const
const ZERO = toHex(0n, { size: 32 })

beforeAll(async () => {
  k = await Kit.load()
  operator = k.acc.operators[0]
  expect(await k.read('InferenceSettlement', 'operatorIdOf', [operator])).toBe(1)
  creator = await k.fresh('creator')
  await k.fund(creator, 10_000n * OPEN, [k.c.ModelRegistry])
  const r = await k.send(creator, 'ModelRegistry', 'registerModel', [keccak256(toHex('base')), keccak256(toHex('adapter-1')), [0n, 2n], MY_PRICE])
  myModel = k.events<{ modelId: bigint }>(r, 'ModelRegistry', 'ModelRegistered')[0].modelId
  // the seeded chain's first model that is still live
  const count = await k.read<bigint>('ModelRegistry', 'modelCount')
  for (let m = 0n; m < count; m++) {
    if (await k.read<boolean>('ModelRegistry', 'isLive', [m])) {
      seededModel = m
      break
    }
  }
  expect(seededModel).toBeDefined()
  expect(seededModel).toBeLessThan(myModel)
  seededPrice = (await k.read<readonly [{ pricePerUnit: bigint }, unknown, unknown]>('ModelRegistry', 'model', [seededModel]))[0].pricePerUnit
  payerA = await k.fresh('payer-a')
  payerB = await k.fresh('payer-b')
  await k.fund(payerA, 1_000n * OPEN, [k.c.InferenceSettlement])
  await k.fund(payerB, 1_000n * OPEN, [k.c.InferenceSettlement])
  await k.send(payerA, 'InferenceSettlement', 'deposit', [100n * OPEN])
  await k.send(payerB, 'InferenceSettlement', 'deposit', [10n ** 16n]) // 0.01 OPEN: small enough to overdraw with one receipt
  payerIdA = await k.read<number>('InferenceSettlement', 'payerIdOf', [payerA])
  payerIdB = await k.read<number>('InferenceSettlement', 'payerIdOf', [payerB])
  expect(payerIdA).toBeLessThan(payerIdB)
  const head = await k.d.publicClient.getBlockNumber()
  allowance.set(payerIdA, await k.authorize(payerA, operator, ALLOWANCE, { expiryBlock: head + 1_000_000n }))
  allowance.set(payerIdB, await k.authorize(payerB, operator, ALLOWANCE, { expiryBlock: head + 1_000_000n }))
}, 120_000)

afterAll(async () => {
  await k?.d.stop()
})

describe('InferenceSettlement: settling a batch', () => {
  it('moves exactly floor(fee * bps / 10_000) to each recipient and the remainder to the treasury', async () => {
    const policy = await k.read<Split>('FeePolicy', 'current')
    const modelIds = [seededModel, myModel]
    const prices = [seededPrice, MY_PRICE]
    const payers = [payerA, payerB]
    // [modelIdx, payerIdx, units]
    const plan: [number, number, bigint][] = [
      [1, 0, 1n],
      [0, 1, 3n],
      [1, 0, 7n],
      [0, 0, 1_001n],
      [1, 1, 65_537n],
      [1, 0, 4_294_967_295n], // the largest units a receipt can carry
    ]
    const receipts: Receipt[] = plan.map(([modelIdx, payerIdx, units]) => ({ modelIdx, payerIdx, units, fee: units * prices[modelIdx] }))
    const firstSeq = await k.read<bigint>('InferenceSettlement', 'nextSequence', [operator])
    expect(firstSeq).toBe(0n)
    const before = await snapshot()
    const head = keccak256(toHex('head-1'))
    const cpuMicros = [123_456n, 9_876_543_210n]
    const adapterByteSeconds = [50_000_000n, 1n]
    const tx = await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(firstSeq, modelIds, [payerIdA, payerIdB], receipts.map((r) => pack(r)), head, cpuMicros, adapterByteSeconds))
    const after = await snapshot()
    // the measured serving cost: one event per model, as given, with the model's receipt count
    expect(k.events(tx, 'InferenceSettlement', 'ServingCostCommitted')).toEqual(
      modelIds.map((modelId, i) => ({
        operatorId: 1,
        firstSeq,
        modelId,
        cpuMicros: cpuMicros[i],
        adapterByteSeconds: adapterByteSeconds[i],
        inferences: receipts.filter((r) => r.modelIdx === i).length,
      })),
    )

    const settled = k.events<Record<string, bigint | Address>>(tx, 'InferenceSettlement', 'InferenceSettled')
    expect(settled).toHaveLength(receipts.length)
    const sum = { creator: [0n, 0n], contributors: [0n, 0n], infra: 0n, burn: 0n, treasury: 0n, fees: [0n, 0n] }
    let sawRounding = false
    receipts.forEach((r, i) => {
      const s = expectedShares(r.fee, policy)
      expect(settled[i]).toEqual({
        requestId: (1n << 64n) | (firstSeq + BigInt(i)),
        modelId: modelIds[r.modelIdx],
        payer: payers[r.payerIdx],
        units: r.units,
        fee: r.fee,
        creatorShare: s.creator,
        contributorsShare: s.contributors,
        infraShare: s.infra,
        treasuryShare: s.treasury,
        burnShare: s.burn,
      })
      expect(s.creator + s.contributors + s.infra + s.burn + s.treasury).toBe(r.fee)
      // the treasury's extra over its own floor share is the sum of the four rounding losses (< 4 wei)
      const treasuryFloor = (r.fee * BigInt(policy.treasuryBps)) / 10_000n
      expect(s.treasury - treasuryFloor).toBeGreaterThanOrEqual(0n)
      expect(s.treasury - treasuryFloor).toBeLessThanOrEqual(4n)
      if (s.treasury !== treasuryFloor) sawRounding = true
      sum.creator[r.modelIdx] += s.creator
      sum.contributors[r.modelIdx] += s.contributors
      sum.fees[r.payerIdx] += r.fee
      sum.infra += s.infra
      sum.burn += s.burn
      sum.treasury += s.treasury
    })
    expect(sawRounding).toBe(true)
    const totalFees = sum.fees[0] + sum.fees[1]
    expect(k.events(tx, 'InferenceSettlement', 'BatchSettled')).toEqual([
      { operatorId: 1, firstSeq, count: receipts.length, policyVersion: policy.version, totalFees, usageLogHead: head },
    ])
    expect(after.escrowA).toBe(before.escrowA - sum.fees[0])
    expect(after.escrowB).toBe(before.escrowB - sum.fees[1])
    expect(after.treasury - before.treasury).toBe(sum.treasury)
    expect(before.supply - after.supply).toBe(sum.burn)
    expect(before.settlement - after.settlement).toBe(sum.treasury + sum.burn)
    expect(after.accrualSeeded[0] - before.accrualSeeded[0]).toBe(sum.creator[0])
    expect(after.accrualSeeded[1] - before.accrualSeeded[1]).toBe(sum.contributors[0])
    expect(after.accrualMine).toEqual([sum.creator[1], sum.contributors[1]])
    expect(after.earnings - before.earnings).toBe(sum.infra)
    expect(after.nextSeq).toBe(firstSeq + BigInt(receipts.length))
    // the token's own view of the batch: one transfer to the treasury, one burn
    const transfers = k.events<{ from: Address; to: Address; value: bigint }>(tx, 'OpenToken', 'Transfer')
    expect(transfers).toEqual([
      { from: k.c.InferenceSettlement, to: k.acc.treasury, value: sum.treasury },
      { from: k.c.InferenceSettlement, to: '0x0000000000000000000000000000000000000000', value: sum.burn },
    ])

    // claims pay exactly what accrued, once
    const creatorBefore = await k.balance(creator)
    const c = await k.send(payerB, 'InferenceSettlement', 'claimCreator', [myModel]) // anyone may trigger it
    expect(k.events(c, 'InferenceSettlement', 'CreatorPaid')).toEqual([{ modelId: myModel, creator, amount: sum.creator[1] }])
    expect((await k.balance(creator)) - creatorBefore).toBe(sum.creator[1])
    expect(await k.read('InferenceSettlement', 'accruals', [myModel])).toEqual([0n, sum.contributors[1]])
    await k.expectRevert(creator, 'InferenceSettlement', 'claimCreator', [myModel], 'NothingToClaim')
    const opBefore = await k.balance(operator)
    const o = await k.send(payerA, 'InferenceSettlement', 'claimOperator', [1]) // pays the operator's account, whoever calls
    expect(k.events(o, 'InferenceSettlement', 'OperatorPaid')).toEqual([{ operatorId: 1, account: operator, amount: after.earnings }])
    expect((await k.balance(operator)) - opBefore).toBe(after.earnings)
    await k.expectRevert(operator, 'InferenceSettlement', 'claimOperator', [1], 'NothingToClaim')
    // the contributors' pool leaves only through AttributionSettlement (POOL_ROLE)
    const pool = await k.expectRevert(operator, 'InferenceSettlement', 'releasePool', [myModel], 'AccessControlUnauthorizedAccount')
    expect(pool.args[1]).toBe(keccak256(toHex('POOL_ROLE')))
  })

  it('a new policy version applies from the next batch on, with the same remainder rule', async () => {
    const r = await k.send(k.acc.governance, 'FeePolicy', 'setPolicy', [3333, 3333, 1111, 1111, 1112])
    const policy = await k.read<Split>('FeePolicy', 'current')
    expect(policy.version).toBe(3)
    expect(r.status).toBe('success')
    const firstSeq = await k.read<bigint>('InferenceSettlement', 'nextSequence', [operator])
    const receipt: Receipt = { modelIdx: 0, payerIdx: 0, units: 9_999n, fee: 9_999n * MY_PRICE }
    const before = await snapshot()
    const tx = await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(firstSeq, [myModel], [payerIdA], [pack(receipt)]))
    const s = expectedShares(receipt.fee, policy)
    expect(k.events<{ policyVersion: number }>(tx, 'InferenceSettlement', 'BatchSettled')[0].policyVersion).toBe(3)
    const ev = k.events<Record<string, bigint>>(tx, 'InferenceSettlement', 'InferenceSettled')[0]
    expect([ev.creatorShare, ev.contributorsShare, ev.infraShare, ev.treasuryShare, ev.burnShare]).toEqual([s.creator, s.contributors, s.infra, s.treasury, s.burn])
    const after = await snapshot()
    expect(after.treasury - before.treasury).toBe(s.treasury)
    expect(before.supply - after.supply).toBe(s.burn)
    expect(after.escrowA).toBe(before.escrowA - receipt.fee)
  })
})

describe('InferenceSettlement: refused batches change nothing', () => {
  /** Submits a batch that must revert with `errorName`, mined, and checks that no state moved. */
  async function refused(from: Address, args: ReturnType<typeof settleArgs>, errorName: string) {
    const before = await snapshot()
    const r = await k.expectRevert(from, 'InferenceSettlement', 'settleBatch', args, errorName)
    expect(await snapshot()).toEqual(before)
    return r.args
  }
  const one = (fee = 5n * MY_PRICE, units = 5n): Receipt => ({ modelIdx: 0, payerIdx: 0, units, fee })
  const seq = () => k.read<bigint>('InferenceSettlement', 'nextSequence', [operator])

  it('an unregistered or removed operator: UnknownOperator', async () => {
    const stranger = await k.fresh('stranger')
    expect(await refused(stranger, settleArgs(0n, [myModel], [payerIdA], [pack(one())]), 'UnknownOperator')).toEqual([stranger])
    // the seeded workload removed operator 4
    const removed = k.acc.operators[3]
    expect(await k.read('InferenceSettlement', 'operators', [4])).toEqual([removed, false, expect.any(BigInt)])
    const next = await k.read<bigint>('InferenceSettlement', 'nextSequence', [removed])
    expect(await refused(removed, settleArgs(next, [myModel], [payerIdA], [pack(one())]), 'UnknownOperator')).toEqual([removed])
  })

  it('a request id settled before (or a gap in the sequence): SequenceMismatch', async () => {
    const next = await seq()
    expect(next).toBeGreaterThan(0n)
    expect(await refused(operator, settleArgs(0n, [myModel], [payerIdA], [pack(one())]), 'SequenceMismatch')).toEqual([next, 0n])
    expect(await refused(operator, settleArgs(next - 1n, [myModel], [payerIdA], [pack(one())]), 'SequenceMismatch')).toEqual([next, next - 1n])
    expect(await refused(operator, settleArgs(next + 1n, [myModel], [payerIdA], [pack(one())]), 'SequenceMismatch')).toEqual([next, next + 1n])
  })

  it('more fees than the payer escrow holds: InsufficientEscrow(payerId, needed, available)', async () => {
    const available = await k.read<bigint>('InferenceSettlement', 'balanceOfPayer', [payerB])
    const units = available / MY_PRICE + 1n
    expect(units).toBeLessThan(1n << 32n) // still a well-formed receipt
    const big: Receipt = { modelIdx: 0, payerIdx: 0, units, fee: units * MY_PRICE }
    expect(await refused(operator, settleArgs(await seq(), [myModel], [payerIdB], [pack(big)]), 'InsufficientEscrow')).toEqual([payerIdB, big.fee, available])
    // each receipt fits, their sum does not
    const half = available / MY_PRICE / 2n + 1n
    const h: Receipt = { modelIdx: 0, payerIdx: 0, units: half, fee: half * MY_PRICE }
    expect(h.fee).toBeLessThanOrEqual(available)
    expect(await refused(operator, settleArgs(await seq(), [myModel], [payerIdB], [pack(h), pack(h)]), 'InsufficientEscrow')).toEqual([payerIdB, 2n * h.fee, available])
  })

  it('malformed batches: each with its named error', async () => {
    const s = await seq()
    const ok = pack(one())
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], []), 'EmptyBatch')).toEqual([])
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], Array(1001).fill(ok)), 'BatchTooLarge')).toEqual([1001n, 1000n])
    expect(await refused(operator, settleArgs(s, [myModel, myModel], [payerIdA], [ok]), 'ListNotStrictlyIncreasing')).toEqual([1n])
    expect(await refused(operator, settleArgs(s, [myModel, seededModel], [payerIdA], [ok]), 'ListNotStrictlyIncreasing')).toEqual([1n])
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdB, payerIdA], [ok]), 'ListNotStrictlyIncreasing')).toEqual([1n])
    // zero units; bits above 160 set; payer index and model index out of range
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], [ok, pack({ ...one(), units: 0n, fee: 0n })]), 'BadReceipt')).toEqual([1n])
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], [pack(one(), 1n)]), 'BadReceipt')).toEqual([0n])
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], [ok, ok, pack({ ...one(), payerIdx: 1 })]), 'BadReceipt')).toEqual([2n])
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], [pack({ ...one(), modelIdx: 1 })]), 'BadReceipt')).toEqual([0n])
    // a fee that is not units x price
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA], [ok, pack(one(5n * MY_PRICE + 1n))]), 'FeeMismatch')).toEqual([1n, 5n * MY_PRICE, 5n * MY_PRICE + 1n])
    // ids nobody registered
    expect(await refused(operator, settleArgs(s, [myModel], [payerIdA, 999_999], [ok]), 'UnknownPayerId')).toEqual([999_999])
    expect(await refused(operator, settleArgs(s, [myModel, 10_000n], [payerIdA], [ok]), 'UnknownModel')).toEqual([10_000n])
  })

  it('serving-cost lists not one per model: CostLengthMismatch(models, cpuMicros, adapterByteSeconds)', async () => {
    const s = await seq()
    const base = (cpu: bigint[], bytes: bigint[]) => settleArgs(s, [myModel], [payerIdA], [pack(one())], keccak256(toHex('h')), cpu, bytes)
    expect(await refused(operator, base([], [1n]), 'CostLengthMismatch')).toEqual([1n, 0n, 1n])
    expect(await refused(operator, base([1n], [1n, 2n]), 'CostLengthMismatch')).toEqual([1n, 1n, 2n])
    expect(await refused(operator, base([1n, 2n], [1n, 2n]), 'CostLengthMismatch')).toEqual([1n, 2n, 2n])
  })

  it('a model retired longer ago than the grace period: ModelIsRetired', async () => {
    const count = await k.read<bigint>('ModelRegistry', 'modelCount')
    let retired: bigint | undefined
    for (let m = 0n; m < count && retired === undefined; m++) {
      const [info] = await k.read<readonly [{ retiredAt: number }, unknown, unknown]>('ModelRegistry', 'model', [m])
      if (info.retiredAt !== 0) retired = m
    }
    expect(retired).toBeDefined()
    expect(await refused(operator, settleArgs(await seq(), [retired!], [payerIdA], [pack(one())]), 'ModelIsRetired')).toEqual([retired])
  })
})

describe('InferenceSettlement: payer-signed charges', () => {
  async function refused(args: ReturnType<typeof settleArgs>, errorName: string) {
    const before = await snapshot()
    const r = await k.expectRevert(operator, 'InferenceSettlement', 'settleBatch', args, errorName)
    expect(await snapshot()).toEqual(before)
    return r.args
  }
  const seq = () => k.read<bigint>('InferenceSettlement', 'nextSequence', [operator])
  const receipt = (units: bigint): Receipt => ({ modelIdx: 0, payerIdx: 0, units, fee: units * MY_PRICE })
  const args = async (r: Receipt[], auth: Hex[]) => settleArgs(await seq(), [myModel], [payerIdA], r.map((x) => pack(x)), undefined, undefined, undefined, auth)

  it('an unsigned charge (no authorisation, or not the payer\'s signature) is refused', async () => {
    const one = receipt(3n)
    // no authorisation words at all; too few
    expect(await refused(await args([one], []), 'AuthorizationCountMismatch')).toEqual([1n, 0n])
    expect(await refused(await args([one], allowance.get(payerIdA)!.slice(0, 2)), 'AuthorizationCountMismatch')).toEqual([1n, 2n])
    // an empty signature recovers no one
    const cap = allowance.get(payerIdA)![0]
    expect(await refused(await args([one], [cap, ZERO, ZERO]), 'UnauthorizedCharge')).toEqual([payerIdA, '0x0000000000000000000000000000000000000000'])
    // signed by someone else (payer B signs for A)
    expect(await refused(await args([one], await k.authorize(payerA, operator, ALLOWANCE, { signer: payerB })), 'UnauthorizedCharge')).toEqual([payerIdA, payerB])
    // A's signature for another operator is no authorisation for this one
    const other = await k.authorize(payerA, k.acc.operators[1], ALLOWANCE)
    const [pid, signer] = await refused(await args([one], other), 'UnauthorizedCharge')
    expect(pid).toBe(payerIdA)
    expect(signer).not.toBe(payerA)
    // A's signature with the cap raised by the operator afterwards
    const mine = await k.authorize(payerA, operator, 1_000n)
    const raised = toHex(BigInt(mine[0]) + 10n ** 20n, { size: 32 })
    expect((await refused(await args([one], [raised, mine[1], mine[2]]), 'UnauthorizedCharge'))[0]).toBe(payerIdA)
  })

  it('a charge beyond the authorised cumulative amount: ChargeExceedsAuthorization(payerId, charged, cap), state unchanged', async () => {
    const charged = await k.read<bigint>('InferenceSettlement', 'charged', [payerIdA, 1])
    const r1 = receipt(7n)
    const r2 = receipt(5n)
    // one base unit short of the two receipts
    const short = charged + r1.fee + r2.fee - 1n
    expect(await refused(await args([r1, r2], await k.authorize(payerA, operator, short)), 'ChargeExceedsAuthorization')).toEqual([payerIdA, short + 1n, short])
    // exactly enough: settles, and charged grows by the batch
    const exact = await k.authorize(payerA, operator, charged + r1.fee + r2.fee)
    const before = await snapshot()
    await k.send(operator, 'InferenceSettlement', 'settleBatch', await args([r1, r2], exact))
    const after = await snapshot()
    expect(after.chargedA).toBe(charged + r1.fee + r2.fee)
    expect(after.escrowA).toBe(before.escrowA - r1.fee - r2.fee)
    // the same authorisation again: its cap is used up
    expect(await refused(await args([receipt(1n)], exact), 'ChargeExceedsAuthorization')).toEqual([payerIdA, charged + r1.fee + r2.fee + MY_PRICE, charged + r1.fee + r2.fee])
  })

  it('an authorisation past its expiry block: AuthorizationExpired', async () => {
    const head = await k.d.publicClient.getBlockNumber()
    // the refused transaction is mined in block head + 1: an expiry of head is past, head + 1 is not
    expect(await refused(await args([receipt(2n)], await k.authorize(payerA, operator, ALLOWANCE, { expiryBlock: head - 1n })), 'AuthorizationExpired')).toEqual([payerIdA, head - 1n])
  })
})

describe('InferenceSettlement: price changes and retirement keep served receipts settleable for the grace period', () => {
  it('old price within the grace period, FeeMismatch after it; a retired model settles within the grace', async () => {
    const grace = await k.read<bigint>('ModelRegistry', 'priceGrace')
    expect(grace).toBe(DAY)
    const newPrice = MY_PRICE * 2n + 1n
    const change = await k.send(creator, 'ModelRegistry', 'setPrice', [myModel, newPrice])
    const changedAt = await k.blockTime(change)
    expect(await k.read('ModelRegistry', 'previousPrice', [myModel])).toEqual([MY_PRICE, changedAt + grace, change.blockNumber])
    const oldFee: Receipt = { modelIdx: 0, payerIdx: 0, units: 11n, fee: 11n * MY_PRICE }
    const newFee: Receipt = { modelIdx: 0, payerIdx: 0, units: 11n, fee: 11n * newPrice }
    let s = await k.read<bigint>('InferenceSettlement', 'nextSequence', [operator])
    // no backdating: the old price needs the payer's consent from before the change. An
    // authorisation whose recent block is the change's block or later is refused for an old-price
    // receipt (and accepted for a new-price one); one from the block before is accepted.
    const charged = await k.read<bigint>('InferenceSettlement', 'charged', [payerIdA, 1])
    const at = async (recentBlock: bigint) => k.authorize(payerA, operator, charged + oldFee.fee + newFee.fee, { recentBlock })
    for (const recentBlock of [change.blockNumber, change.blockNumber + 1n]) {
      const before = await snapshot()
      const r = await k.expectRevert(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(newFee), pack(oldFee)], undefined, undefined, undefined, await at(recentBlock)), 'GracePriceNotAuthorized')
      expect(r.args).toEqual([1n, recentBlock, change.blockNumber])
      expect(await snapshot()).toEqual(before)
    }
    const fresh = await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(newFee)], undefined, undefined, undefined, await at(change.blockNumber + 1n)))
    expect(k.events(fresh, 'InferenceSettlement', 'InferenceSettled')).toHaveLength(1)
    s += 1n
    const early = await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(oldFee)], undefined, undefined, undefined, await at(change.blockNumber - 1n)))
    expect(k.events<{ fee: bigint }>(early, 'InferenceSettlement', 'InferenceSettled').map((e) => e.fee)).toEqual([oldFee.fee])
    s += 1n
    await k.setNextTime(changedAt + grace) // the last second of the grace period
    await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(oldFee), pack(newFee)]))
    s += 2n
    await k.setNextTime(changedAt + grace + 1n)
    await k.d.testClient.mine({ blocks: 1 })
    const before = await snapshot()
    const r = await k.expectRevert(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(oldFee)]), 'FeeMismatch')
    expect(r.args).toEqual([0n, newFee.fee, oldFee.fee])
    expect(await snapshot()).toEqual(before)

    const retire = await k.send(creator, 'ModelRegistry', 'retire', [myModel])
    const retiredAt = await k.blockTime(retire)
    await k.setNextTime(retiredAt + grace)
    await k.send(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(newFee)]))
    s += 1n
    await k.setNextTime(retiredAt + grace + 1n)
    await k.d.testClient.mine({ blocks: 1 })
    const after = await k.expectRevert(operator, 'InferenceSettlement', 'settleBatch', settleArgs(s, [myModel], [payerIdA], [pack(newFee)]), 'ModelIsRetired')
    expect(after.args).toEqual([myModel])
  })
})

describe('InferenceSettlement: escrow and operators', () => {
  it('deposits, sponsored deposits and delayed withdrawals', async () => {
    const payer = await k.fresh('escrow-payer')
    const sponsor = await k.fresh('sponsor')
    await k.fund(payer, 100n * OPEN, [k.c.InferenceSettlement])
    await k.fund(sponsor, 100n * OPEN, [k.c.InferenceSettlement])
    await k.expectRevert(payer, 'InferenceSettlement', 'deposit', [0n], 'ZeroAmount')
    expect((await k.expectRevert(payer, 'InferenceSettlement', 'requestWithdrawal', [1n], 'UnknownPayer')).args).toEqual([payer])
    const count = await k.read<number>('InferenceSettlement', 'payerCount')
    const d = await k.send(sponsor, 'InferenceSettlement', 'depositFor', [payer, 30n * OPEN])
    expect(k.events(d, 'InferenceSettlement', 'EscrowDeposited')).toEqual([{ payerId: count + 1, payer, from: sponsor, amount: 30n * OPEN }])
    await k.send(payer, 'InferenceSettlement', 'deposit', [20n * OPEN])
    expect(await k.read('InferenceSettlement', 'balanceOfPayer', [payer])).toBe(50n * OPEN)
    expect(await k.balance(sponsor)).toBe(70n * OPEN)
    expect(await k.balance(payer)).toBe(80n * OPEN)

    expect((await k.expectRevert(payer, 'InferenceSettlement', 'requestWithdrawal', [51n * OPEN], 'InsufficientEscrow')).args).toEqual([count + 1, 51n * OPEN, 50n * OPEN])
    await k.expectRevert(payer, 'InferenceSettlement', 'withdraw', [], 'NoPendingWithdrawal')
    const req = await k.send(payer, 'InferenceSettlement', 'requestWithdrawal', [40n * OPEN])
    const availableAt = (await k.blockTime(req)) + DAY
    expect(k.events(req, 'InferenceSettlement', 'WithdrawalRequested')).toEqual([{ payerId: count + 1, payer, amount: 40n * OPEN, availableAt }])
    expect((await k.expectRevert(payer, 'InferenceSettlement', 'withdraw', [], 'WithdrawalNotReady')).args).toEqual([availableAt])
    await k.setNextTime(availableAt)
    const w = await k.send(payer, 'InferenceSettlement', 'withdraw')
    expect(k.events(w, 'InferenceSettlement', 'EscrowWithdrawn')).toEqual([{ payerId: count + 1, payer, amount: 40n * OPEN }])
    expect(await k.balance(payer)).toBe(120n * OPEN)
    expect(await k.read('InferenceSettlement', 'balanceOfPayer', [payer])).toBe(10n * OPEN)
    await k.expectRevert(payer, 'InferenceSettlement', 'withdraw', [], 'NoPendingWithdrawal')
  })

  it('operators: only governance registers or removes; an account registers once', async () => {
    const newOp = await k.fresh('new-operator')
    await k.expectRevert(newOp, 'InferenceSettlement', 'registerOperator', [newOp], 'AccessControlUnauthorizedAccount')
    const count = await k.read<number>('InferenceSettlement', 'operatorCount')
    const r = await k.send(k.acc.governance, 'InferenceSettlement', 'registerOperator', [newOp])
    expect(k.events(r, 'InferenceSettlement', 'OperatorRegistered')).toEqual([{ operatorId: count + 1, account: newOp }])
    expect((await k.expectRevert(k.acc.governance, 'InferenceSettlement', 'registerOperator', [newOp], 'OperatorExists')).args).toEqual([newOp])
    await k.expectRevert(newOp, 'InferenceSettlement', 'removeOperator', [count + 1], 'AccessControlUnauthorizedAccount')
    const rm = await k.send(k.acc.governance, 'InferenceSettlement', 'removeOperator', [count + 1])
    expect(k.events(rm, 'InferenceSettlement', 'OperatorRemoved')).toEqual([{ operatorId: count + 1, account: newOp }])
    expect((await k.expectRevert(k.acc.governance, 'InferenceSettlement', 'removeOperator', [count + 1], 'UnknownOperator')).args).toEqual([newOp])
    // a removed account cannot be registered again
    await k.expectRevert(k.acc.governance, 'InferenceSettlement', 'registerOperator', [newOp], 'OperatorExists')
  })
})
