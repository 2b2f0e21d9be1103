// AttributionSettlement (a model's contributors' pool paid by fixed-point weights, remainder to the
// first largest weight) and RewardsDistributor (emissions from the community and ecosystem
// buckets, each payment naming the recipient's role): exact amounts and named errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeAbiParameters, keccak256, toHex, zeroAddress, type Address, type Hex } from 'viem'
import { Kit, OPEN } from './protocol-kit'

let k: Kit

beforeAll(async () => {
  k = await Kit.load()
})

afterAll(async () => {
  await k?.d.stop()
})

interface Entry {
  datanetId: bigint
  contributor: Address
  weight: number
}

const SCALE = 1_000_000n
const ENTRY_TUPLE = [{ type: 'tuple[]', components: [{ name: 'datanetId', type: 'uint256' }, { name: 'contributor', type: 'address' }, { name: 'weight', type: 'uint32' }] }] as const
const byKey = (a: Entry, b: Entry) => (a.datanetId !== b.datanetId ? (a.datanetId < b.datanetId ? -1 : 1) : BigInt(a.contributor) < BigInt(b.contributor) ? -1 : 1)

describe('AttributionSettlement', () => {
  let datanet: bigint
  let model: bigint
  let contributors: Address[]
  let outsider: Address
  let payerId: number
  let payerAuth: Hex[]
  const PRICE = 1_000_003n

  /** Settles one receipt of `units` for the model through operator 1; returns the pool it adds. */
  async function earn(units: bigint): Promise<bigint> {
    const op = k.acc.operators[0]
    const seq = await k.read<bigint>('InferenceSettlement', 'nextSequence', [op])
    const fee = units * PRICE
    const receipt = toHex(fee | (units << 96n), { size: 32 }) as Hex
    await k.send(op, 'InferenceSettlement', 'settleBatch', [seq, keccak256(toHex('h')), [model], [payerId], [receipt], [1n], [1n], payerAuth])
    const { contributorsBps } = await k.read<{ contributorsBps: number }>('FeePolicy', 'current')
    return (fee * BigInt(contributorsBps)) / 10_000n
  }

  beforeAll(async () => {
    const curator = await k.fresh('curator')
    datanet = await k.read<bigint>('DatanetRegistry', 'datanetCount')
    await k.send(curator, 'DatanetRegistry', 'createDatanet', ['attribution test', keccak256(toHex('m'))])
    contributors = []
    for (let i = 0; i < 3; i++) {
      const c = await k.fresh(`contributor-${i}`)
      await k.send(c, 'DatanetRegistry', 'contribute', [datanet, [keccak256(toHex(`example-${i}`))]])
      contributors.push(c)
    }
    contributors.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))
    outsider = await k.fresh('outsider')
    await k.fund(curator, 10_000n * OPEN, [k.c.ModelRegistry])
    const r = await k.send(curator, 'ModelRegistry', 'registerModel', [keccak256(toHex('base')), keccak256(toHex('adapter')), [datanet], PRICE])
    model = k.events<{ modelId: bigint }>(r, 'ModelRegistry', 'ModelRegistered')[0].modelId
    const payer = await k.fresh('payer')
    await k.fund(payer, 100n * OPEN, [k.c.InferenceSettlement])
    await k.send(payer, 'InferenceSettlement', 'deposit', [100n * OPEN])
    payerId = await k.read<number>('InferenceSettlement', 'payerIdOf', [payer])
    // the payer authorises operator 1 to charge its whole escrow
    payerAuth = await k.authorize(payer, k.acc.operators[0], 100n * OPEN, { expiryBlock: (await k.d.publicClient.getBlockNumber()) + 100_000n })
  })

  it('pays floor(pool * weight / 1e6) to each entry and the remainder to the first largest weight', async () => {
    const pool = await earn(999_999n)
    expect((await k.read<readonly [bigint, bigint]>('InferenceSettlement', 'accruals', [model]))[1]).toBe(pool)
    const entries: Entry[] = [
      { datanetId: datanet, contributor: contributors[0], weight: 333_333 },
      { datanetId: datanet, contributor: contributors[1], weight: 333_334 },
      { datanetId: datanet, contributor: contributors[2], weight: 333_333 },
    ]
    const amounts = entries.map((e) => (pool * BigInt(e.weight)) / SCALE)
    const remainder = pool - amounts.reduce((a, b) => a + b, 0n)
    expect(remainder).toBeGreaterThan(0n)
    expect(remainder).toBeLessThan(BigInt(entries.length))
    amounts[1] += remainder // weight 333,334 is the largest
    const before = await Promise.all(contributors.map((c) => k.balance(c)))
    const epoch = 5n
    const r = await k.send(k.acc.attributor, 'AttributionSettlement', 'settleEpoch', [epoch, model, entries])
    expect(k.events(r, 'AttributionSettlement', 'AttributionPaid')).toEqual(
      entries.map((e, i) => ({ epoch, modelId: model, contributor: e.contributor, datanetId: datanet, weight: e.weight, amount: amounts[i] })),
    )
    expect(k.events(r, 'AttributionSettlement', 'EpochClosed')).toEqual([
      { epoch, modelId: model, pool, entries: 3, weightsHash: keccak256(encodeAbiParameters(ENTRY_TUPLE, [entries])) },
    ])
    expect(k.events(r, 'InferenceSettlement', 'PoolReleased')).toEqual([{ modelId: model, to: k.c.AttributionSettlement, amount: pool }])
    const after = await Promise.all(contributors.map((c) => k.balance(c)))
    expect(after.map((a, i) => a - before[i])).toEqual(amounts)
    expect(amounts.reduce((a, b) => a + b, 0n)).toBe(pool)
    expect(await k.balance(k.c.AttributionSettlement)).toBe(0n)
    expect(await k.read('AttributionSettlement', 'nextEpoch', [model])).toBe(epoch + 1n)
    expect((await k.read<readonly [bigint, bigint]>('InferenceSettlement', 'accruals', [model]))[1]).toBe(0n)

    // ties: the remainder goes to the first of the largest weights
    const pool2 = await earn(7n)
    const tie: Entry[] = [
      { datanetId: datanet, contributor: contributors[0], weight: 100_000 },
      { datanetId: datanet, contributor: contributors[1], weight: 450_000 },
      { datanetId: datanet, contributor: contributors[2], weight: 450_000 },
    ]
    const tieAmounts = tie.map((e) => (pool2 * BigInt(e.weight)) / SCALE)
    tieAmounts[1] += pool2 - tieAmounts.reduce((a, b) => a + b, 0n)
    const r2 = await k.send(k.acc.attributor, 'AttributionSettlement', 'settleEpoch', [epoch + 1n, model, tie])
    expect(k.events<{ amount: bigint }>(r2, 'AttributionSettlement', 'AttributionPaid').map((e) => e.amount)).toEqual(tieAmounts)
  })

  it('refuses bad epochs and entries with named errors, and an empty pool with NothingToClaim', async () => {
    const next = await k.read<bigint>('AttributionSettlement', 'nextEpoch', [model])
    const ok: Entry[] = [{ datanetId: datanet, contributor: contributors[0], weight: 1_000_000 }]
    await earn(10n)
    const role = await k.expectRevert(outsider, 'AttributionSettlement', 'settleEpoch', [next, model, ok], 'AccessControlUnauthorizedAccount')
    expect(role.args).toEqual([outsider, keccak256(toHex('ATTRIBUTOR_ROLE'))])
    const A = k.acc.attributor
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next - 1n, model, ok], 'EpochNotIncreasing')).args).toEqual([model, next, next - 1n])
    await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, []], 'NoEntries')
    const many = Array.from({ length: 501 }, () => ok[0])
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, many], 'TooManyEntries')).args).toEqual([501n, 500n])
    const half = (c: Address, weight = 500_000): Entry => ({ datanetId: datanet, contributor: c, weight })
    const sorted = [half(contributors[0]), half(contributors[1])]
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, [...sorted].reverse()], 'EntriesNotSorted')).args).toEqual([1n])
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, [sorted[0], sorted[0]]], 'EntriesNotSorted')).args).toEqual([1n])
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, [half(contributors[0], 0), half(contributors[1], 1_000_000)]], 'ZeroWeight')).args).toEqual([0n])
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, [half(contributors[0]), half(contributors[1], 499_999)]], 'WeightsDoNotSumToScale')).args).toEqual([999_999n])
    const notC = [outsider, contributors[0]].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).map((c) => half(c))
    expect((await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next, model, notC], 'NotAContributor')).args).toEqual([datanet, outsider])
    // the model's pool is still there after all of that
    expect((await k.read<readonly [bigint, bigint]>('InferenceSettlement', 'accruals', [model]))[1]).toBeGreaterThan(0n)
    await k.send(A, 'AttributionSettlement', 'settleEpoch', [next + 10n, model, ok]) // epochs may skip ahead
    await k.expectRevert(A, 'AttributionSettlement', 'settleEpoch', [next + 11n, model, ok], 'NothingToClaim')
  })
})

describe('RewardsDistributor', () => {
  it('bucket balances add up to the OPEN the distributor holds', async () => {
    const community = await k.read<bigint>('RewardsDistributor', 'bucketBalance', [0])
    const ecosystem = await k.read<bigint>('RewardsDistributor', 'bucketBalance', [1])
    expect(community).toBeLessThan(517_100_000n * OPEN)
    expect(community + ecosystem).toBe(await k.balance(k.c.RewardsDistributor))
  })

  it('pays incentives with role and bucket, debiting the bucket exactly; refusals are named', async () => {
    const D = k.acc.distributor
    const alice = await k.fresh('alice')
    const bob = await k.fresh('bob')
    const reason = keccak256(toHex('week-x'))
    const eco0 = await k.read<bigint>('RewardsDistributor', 'bucketBalance', [1])
    const r = await k.send(D, 'RewardsDistributor', 'pay', [alice, 2, 1, 123n * OPEN + 1n, reason])
    expect(k.events(r, 'RewardsDistributor', 'IncentivePaid')).toEqual([{ recipient: alice, role: 2, bucket: 1, amount: 123n * OPEN + 1n, reason }])
    expect(await k.balance(alice)).toBe(123n * OPEN + 1n)
    expect(await k.read('RewardsDistributor', 'bucketBalance', [1])).toBe(eco0 - 123n * OPEN - 1n)
    const m = await k.send(D, 'RewardsDistributor', 'payMany', [[alice, bob], [0, 1], [5n, 7n], 0, reason])
    expect(k.events(m, 'RewardsDistributor', 'IncentivePaid')).toEqual([
      { recipient: alice, role: 0, bucket: 0, amount: 5n, reason },
      { recipient: bob, role: 1, bucket: 0, amount: 7n, reason },
    ])

    expect((await k.expectRevert(alice, 'RewardsDistributor', 'pay', [alice, 0, 0, 1n, reason], 'AccessControlUnauthorizedAccount')).args).toEqual([alice, keccak256(toHex('DISTRIBUTOR_ROLE'))])
    await k.expectRevert(k.acc.governance, 'RewardsDistributor', 'pay', [alice, 0, 0, 1n, reason], 'AccessControlUnauthorizedAccount')
    expect((await k.expectRevert(D, 'RewardsDistributor', 'pay', [alice, 5, 0, 1n, reason], 'UnknownRole')).args).toEqual([5])
    expect((await k.expectRevert(D, 'RewardsDistributor', 'pay', [alice, 0, 2, 1n, reason], 'UnknownBucket')).args).toEqual([2])
    await k.expectRevert(D, 'RewardsDistributor', 'pay', [alice, 0, 0, 0n, reason], 'ZeroAmount')
    await k.expectRevert(D, 'RewardsDistributor', 'pay', [zeroAddress, 0, 0, 1n, reason], 'ZeroAddress')
    const eco = await k.read<bigint>('RewardsDistributor', 'bucketBalance', [1])
    expect((await k.expectRevert(D, 'RewardsDistributor', 'pay', [alice, 0, 1, eco + 1n, reason], 'InsufficientBucket')).args).toEqual([1, eco + 1n, eco])
    await k.expectRevert(D, 'RewardsDistributor', 'payMany', [[alice, bob], [0], [1n, 1n], 0, reason], 'LengthMismatch')
    expect(await k.balance(alice)).toBe(123n * OPEN + 6n)
  })

  it('governance alone moves bucket tokens to another protocol account (BucketTransfer, not an incentive)', async () => {
    const to = await k.fresh('protocol-account')
    const purpose = keccak256(toHex('staking-bank'))
    await k.expectRevert(k.acc.distributor, 'RewardsDistributor', 'transferOut', [0, to, 1n, purpose], 'AccessControlUnauthorizedAccount')
    await k.expectRevert(k.acc.governance, 'RewardsDistributor', 'transferOut', [0, zeroAddress, 1n, purpose], 'ZeroAddress')
    const r = await k.send(k.acc.governance, 'RewardsDistributor', 'transferOut', [0, to, 1_000n * OPEN, purpose])
    expect(k.events(r, 'RewardsDistributor', 'BucketTransfer')).toEqual([{ bucket: 0, to, amount: 1_000n * OPEN, purpose }])
    expect(k.events(r, 'RewardsDistributor', 'IncentivePaid')).toEqual([])
    expect(await k.balance(to)).toBe(1_000n * OPEN)
  })
})
