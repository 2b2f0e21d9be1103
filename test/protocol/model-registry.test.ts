// ModelRegistry (and the DatanetRegistry it points at): registering pays the governed deployment
// fee in OPEN to the treasury, only the owner changes the price or the adapter, the owner or
// governance retires; every refusal names its custom error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keccak256, toHex, zeroAddress, zeroHash, type Address, type Hex } from 'viem'
import { DAY, Kit, OPEN } from './protocol-kit'

let k: Kit
let creator: Address
const BASE = keccak256(toHex('upkeep-base/spam-ham-v1'))
const adapter = (n: number): Hex => keccak256(toHex(`adapter-${n}`))

interface ModelView {
  owner: Address
  pricePerUnit: bigint
  retiredAt: number
}

const modelOf = (id: bigint) => k.read<readonly [ModelView, { baseModel: Hex; adapterHash: Hex; adapterVersion: number }, readonly bigint[]]>('ModelRegistry', 'model', [id])

async function register(from: Address, price: bigint, datanets: bigint[] = [1n, 3n], n = 1): Promise<bigint> {
  const r = await k.send(from, 'ModelRegistry', 'registerModel', [BASE, adapter(n), datanets, price])
  return k.events<{ modelId: bigint }>(r, 'ModelRegistry', 'ModelRegistered')[0].modelId
}

beforeAll(async () => {
  k = await Kit.load()
  creator = await k.fresh('creator')
  await k.fund(creator, 50_000n * OPEN, [k.c.ModelRegistry])
})

afterAll(async () => {
  await k?.d.stop()
})

describe('ModelRegistry: registration and the deployment fee', () => {
  it('pays exactly the deployment fee in OPEN from the creator to the treasury', async () => {
    const fee = await k.read<bigint>('ModelRegistry', 'deploymentFee')
    expect(fee).toBe(5_000n * OPEN)
    const expectedId = await k.read<bigint>('ModelRegistry', 'modelCount')
    const [c0, t0, s0] = [await k.balance(creator), await k.balance(k.acc.treasury), await k.supply()]
    const r = await k.send(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(1), [1n, 3n], 777n])
    expect(k.events(r, 'ModelRegistry', 'ModelRegistered')).toEqual([
      { modelId: expectedId, owner: creator, baseModel: BASE, adapterHash: adapter(1), datanetIds: [1n, 3n], pricePerUnit: 777n, deploymentFee: fee },
    ])
    expect(k.events(r, 'OpenToken', 'Transfer')).toEqual([{ from: creator, to: k.acc.treasury, value: fee }])
    expect(await k.balance(creator)).toBe(c0 - fee)
    expect(await k.balance(k.acc.treasury)).toBe(t0 + fee)
    expect(await k.supply()).toBe(s0)
    expect(await modelOf(expectedId)).toEqual([
      { owner: creator, pricePerUnit: 777n, retiredAt: 0 },
      { baseModel: BASE, adapterHash: adapter(1), adapterVersion: 1 },
      [1n, 3n],
    ])
    expect(await k.read('ModelRegistry', 'ownerOf', [expectedId])).toBe(creator)
    expect(await k.read('ModelRegistry', 'isLive', [expectedId])).toBe(true)
    expect(await k.read('ModelRegistry', 'modelCount')).toBe(expectedId + 1n)
  })

  it('without the OPEN for the fee, or without an allowance, registration reverts with the ERC-20 error', async () => {
    const poor = await k.fresh('poor-creator')
    await k.fund(poor, 4_999n * OPEN, [k.c.ModelRegistry])
    const count = await k.read<bigint>('ModelRegistry', 'modelCount')
    const t0 = await k.balance(k.acc.treasury)
    const r = await k.expectRevert(poor, 'ModelRegistry', 'registerModel', [BASE, adapter(2), [0n], 1n], 'ERC20InsufficientBalance')
    expect(r.args).toEqual([poor, 4_999n * OPEN, 5_000n * OPEN])
    const unapproved = await k.fresh('unapproved-creator')
    await k.fund(unapproved, 10_000n * OPEN)
    const a = await k.expectRevert(unapproved, 'ModelRegistry', 'registerModel', [BASE, adapter(2), [0n], 1n], 'ERC20InsufficientAllowance')
    expect(a.args).toEqual([k.c.ModelRegistry, 0n, 5_000n * OPEN])
    expect(await k.read('ModelRegistry', 'modelCount')).toBe(count)
    expect(await k.balance(k.acc.treasury)).toBe(t0)
    expect(await k.balance(poor)).toBe(4_999n * OPEN)
  })

  it('refuses a zero adapter hash, a zero or too large price, no datanets and an unknown datanet', async () => {
    await k.expectRevert(creator, 'ModelRegistry', 'registerModel', [BASE, zeroHash, [0n], 1n], 'ZeroAdapterHash')
    await k.expectRevert(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(3), [0n], 0n], 'ZeroPrice')
    expect((await k.expectRevert(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(3), [0n], 1n << 64n], 'PriceTooLarge')).args).toEqual([1n << 64n])
    await k.expectRevert(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(3), [], 1n], 'NoDatanets')
    expect((await k.expectRevert(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(3), [0n, 99n], 1n], 'UnknownDatanet')).args).toEqual([99n])
    // the largest price fits
    const id = await register(creator, (1n << 64n) - 1n, [0n], 4)
    expect((await modelOf(id))[0].pricePerUnit).toBe((1n << 64n) - 1n)
  })

  it('governance sets the deployment fee (and the treasury); the next registration pays the new fee there', async () => {
    const stranger = await k.fresh('stranger')
    await k.expectRevert(stranger, 'ModelRegistry', 'setDeploymentFee', [1n], 'AccessControlUnauthorizedAccount')
    await k.expectRevert(creator, 'ModelRegistry', 'setTreasury', [stranger], 'AccessControlUnauthorizedAccount')
    await k.expectRevert(k.acc.governance, 'ModelRegistry', 'setTreasury', [zeroAddress], 'ZeroAddress')
    const f = await k.send(k.acc.governance, 'ModelRegistry', 'setDeploymentFee', [1_234n * OPEN + 5n])
    expect(k.events(f, 'ModelRegistry', 'DeploymentFeeChanged')).toEqual([{ oldFee: 5_000n * OPEN, newFee: 1_234n * OPEN + 5n }])
    const newTreasury = await k.fresh('new-treasury')
    const t = await k.send(k.acc.governance, 'ModelRegistry', 'setTreasury', [newTreasury])
    expect(k.events(t, 'ModelRegistry', 'TreasuryChanged')).toEqual([{ oldTreasury: k.acc.treasury, newTreasury }])
    const c0 = await k.balance(creator)
    await register(creator, 5n, [2n], 5)
    expect(await k.balance(newTreasury)).toBe(1_234n * OPEN + 5n)
    expect(await k.balance(creator)).toBe(c0 - 1_234n * OPEN - 5n)
    // a zero fee moves no OPEN at all
    await k.send(k.acc.governance, 'ModelRegistry', 'setDeploymentFee', [0n])
    const r = await k.send(creator, 'ModelRegistry', 'registerModel', [BASE, adapter(6), [2n], 5n])
    expect(k.events(r, 'OpenToken', 'Transfer')).toEqual([])
    expect(k.events<{ deploymentFee: bigint }>(r, 'ModelRegistry', 'ModelRegistered')[0].deploymentFee).toBe(0n)
    await k.send(k.acc.governance, 'ModelRegistry', 'setDeploymentFee', [5_000n * OPEN])
    await k.send(k.acc.governance, 'ModelRegistry', 'setTreasury', [k.acc.treasury])
  })
})

describe('ModelRegistry: price, adapter, retirement', () => {
  it('only the owner changes the price; the previous price stays valid for the grace period', async () => {
    const id = await register(creator, 1_000n, [0n], 7)
    const stranger = await k.fresh('stranger')
    expect((await k.expectRevert(stranger, 'ModelRegistry', 'setPrice', [id, 2_000n], 'NotModelOwner')).args).toEqual([id, stranger])
    // governance is not the owner either
    expect((await k.expectRevert(k.acc.governance, 'ModelRegistry', 'setPrice', [id, 2_000n], 'NotModelOwner')).args).toEqual([id, k.acc.governance])
    await k.expectRevert(creator, 'ModelRegistry', 'setPrice', [id, 0n], 'ZeroPrice')
    expect((await k.expectRevert(creator, 'ModelRegistry', 'setPrice', [10_000n, 1n], 'UnknownModel')).args).toEqual([10_000n])
    expect((await modelOf(id))[0].pricePerUnit).toBe(1_000n)

    const r = await k.send(creator, 'ModelRegistry', 'setPrice', [id, 2_500n])
    expect(k.events(r, 'ModelRegistry', 'ModelPriceChanged')).toEqual([{ modelId: id, oldPrice: 1_000n, newPrice: 2_500n }])
    const at = await k.blockTime(r)
    // the change's block is kept: only an authorisation signed before it may be charged the old price
    expect(await k.read('ModelRegistry', 'previousPrice', [id])).toEqual([1_000n, at + DAY, r.blockNumber])
    expect(await k.read('ModelRegistry', 'livePrices', [[id]])).toEqual([2_500n])
    expect(await k.read('ModelRegistry', 'gracePrice', [id])).toBe(1_000n)
    expect(await k.read('ModelRegistry', 'graceTerms', [id])).toEqual([1_000n, r.blockNumber])
    await k.d.testClient.setNextBlockTimestamp({ timestamp: at + DAY + 1n })
    await k.d.testClient.mine({ blocks: 1 })
    expect(await k.read('ModelRegistry', 'gracePrice', [id])).toBe(0n)
    expect(await k.read('ModelRegistry', 'graceTerms', [id])).toEqual([0n, r.blockNumber])
  })

  it('only the owner updates the adapter, and each update is the next version', async () => {
    const id = await register(creator, 10n, [4n], 8)
    const stranger = await k.fresh('stranger')
    await k.expectRevert(stranger, 'ModelRegistry', 'updateAdapter', [id, adapter(9)], 'NotModelOwner')
    await k.expectRevert(creator, 'ModelRegistry', 'updateAdapter', [id, zeroHash], 'ZeroAdapterHash')
    const r = await k.send(creator, 'ModelRegistry', 'updateAdapter', [id, adapter(9)])
    expect(k.events(r, 'ModelRegistry', 'AdapterUpdated')).toEqual([{ modelId: id, version: 2, adapterHash: adapter(9) }])
    const r2 = await k.send(creator, 'ModelRegistry', 'updateAdapter', [id, adapter(10)])
    expect(k.events(r2, 'ModelRegistry', 'AdapterUpdated')).toEqual([{ modelId: id, version: 3, adapterHash: adapter(10) }])
    expect((await modelOf(id))[1]).toEqual({ baseModel: BASE, adapterHash: adapter(10), adapterVersion: 3 })
  })

  it("the owner declares the current adapter's maintenance cost; a stranger, a stale version or a zero cost is refused", async () => {
    const id = await register(creator, 10n, [4n], 20)
    await k.send(creator, 'ModelRegistry', 'updateAdapter', [id, adapter(21)]) // version 2
    const stranger = await k.fresh('stranger-cost')
    const refusals: [Address, readonly unknown[], string, readonly unknown[]][] = [
      [stranger, [id, 2, 1_500_000n], 'NotModelOwner', [id, stranger]],
      [creator, [id, 1, 1_500_000n], 'StaleAdapterVersion', [id, 2, 1]],
      [creator, [id, 3, 1_500_000n], 'StaleAdapterVersion', [id, 2, 3]],
      [creator, [id, 2, 0n], 'ZeroCost', []],
    ]
    for (const [from, args, name, errArgs] of refusals) {
      const r = await k.expectRevert(from, 'ModelRegistry', 'declareAdapterCost', args, name)
      expect(r.args).toEqual(errArgs)
      expect(r.receipt.logs).toEqual([]) // nothing declared
    }
    const ok = await k.send(creator, 'ModelRegistry', 'declareAdapterCost', [id, 2, 1_250_000n])
    expect(k.events(ok, 'ModelRegistry', 'AdapterCostDeclared')).toEqual([{ modelId: id, adapterVersion: 2, microUsdPerMonth: 1_250_000n }])
  })

  it('the owner or governance retires; a retired model takes no changes and stops settling after the grace', async () => {
    const a = await register(creator, 10n, [0n], 11)
    const b = await register(creator, 20n, [1n], 12)
    const stranger = await k.fresh('stranger')
    expect((await k.expectRevert(stranger, 'ModelRegistry', 'retire', [a], 'NotModelOwner')).args).toEqual([a, stranger])
    const r = await k.send(creator, 'ModelRegistry', 'retire', [a])
    expect(k.events(r, 'ModelRegistry', 'ModelRetired')).toEqual([{ modelId: a }])
    const retiredAt = await k.blockTime(r)
    expect((await modelOf(a))[0]).toEqual({ owner: creator, pricePerUnit: 10n, retiredAt: Number(retiredAt) })
    expect(await k.read('ModelRegistry', 'isLive', [a])).toBe(false)
    await k.expectRevert(creator, 'ModelRegistry', 'retire', [a], 'ModelIsRetired')
    await k.expectRevert(creator, 'ModelRegistry', 'setPrice', [a, 11n], 'ModelIsRetired')
    await k.expectRevert(creator, 'ModelRegistry', 'updateAdapter', [a, adapter(13)], 'ModelIsRetired')
    const g = await k.send(k.acc.governance, 'ModelRegistry', 'retire', [b])
    expect(k.events(g, 'ModelRegistry', 'ModelRetired')).toEqual([{ modelId: b }])
    // within the grace period a retired model still has a settleable price
    expect(await k.read('ModelRegistry', 'livePrices', [[a]])).toEqual([10n])
    await k.d.testClient.setNextBlockTimestamp({ timestamp: retiredAt + DAY + 1n })
    await k.d.testClient.mine({ blocks: 1 })
    await expect(k.read('ModelRegistry', 'livePrices', [[a]])).rejects.toThrow(/ModelIsRetired/)
  })

  it('governance alone sets the price grace', async () => {
    await k.expectRevert(creator, 'ModelRegistry', 'setPriceGrace', [1n], 'AccessControlUnauthorizedAccount')
    const r = await k.send(k.acc.governance, 'ModelRegistry', 'setPriceGrace', [3_600n])
    expect(k.events(r, 'ModelRegistry', 'PriceGraceChanged')).toEqual([{ oldGrace: DAY, newGrace: 3_600n }])
  })
})

describe('DatanetRegistry', () => {
  it('creates datanets, records contributions once each, and lets only the owner close one', async () => {
    const owner = await k.fresh('curator')
    const contributor = await k.fresh('contributor')
    await k.expectRevert(owner, 'DatanetRegistry', 'createDatanet', ['', zeroHash], 'EmptyName')
    const id = await k.read<bigint>('DatanetRegistry', 'datanetCount')
    const r = await k.send(owner, 'DatanetRegistry', 'createDatanet', ['Test datanet', keccak256(toHex('meta'))])
    expect(k.events(r, 'DatanetRegistry', 'DatanetCreated')).toEqual([{ datanetId: id, owner, name: 'Test datanet', metadataHash: keccak256(toHex('meta')) }])
    const first = await k.read<bigint>('DatanetRegistry', 'contributionCount')
    const hashes = [keccak256(toHex('a')), keccak256(toHex('b'))]
    const c = await k.send(contributor, 'DatanetRegistry', 'contribute', [id, hashes])
    expect(k.events(c, 'DatanetRegistry', 'ContributionRecorded')).toEqual([
      { contributionId: first, datanetId: id, contributor, contentHash: hashes[0] },
      { contributionId: first + 1n, datanetId: id, contributor, contentHash: hashes[1] },
    ])
    expect(await k.read('DatanetRegistry', 'contributionsOf', [id, contributor])).toBe(2n)
    expect(await k.read('DatanetRegistry', 'datanet', [id])).toEqual({ owner, closed: false, contributions: 2n })
    expect((await k.expectRevert(contributor, 'DatanetRegistry', 'contribute', [id, [keccak256(toHex('c')), hashes[1]]], 'DuplicateContribution')).args).toEqual([id, hashes[1]])
    await k.expectRevert(contributor, 'DatanetRegistry', 'contribute', [id, [zeroHash]], 'ZeroContentHash')
    await k.expectRevert(contributor, 'DatanetRegistry', 'contribute', [id, []], 'EmptyBatch')
    expect((await k.expectRevert(contributor, 'DatanetRegistry', 'contribute', [id + 50n, hashes], 'UnknownDatanet')).args).toEqual([id + 50n])
    expect((await k.expectRevert(contributor, 'DatanetRegistry', 'closeDatanet', [id], 'NotDatanetOwner')).args).toEqual([id, contributor])
    const cl = await k.send(owner, 'DatanetRegistry', 'closeDatanet', [id])
    expect(k.events(cl, 'DatanetRegistry', 'DatanetClosed')).toEqual([{ datanetId: id }])
    expect((await k.expectRevert(contributor, 'DatanetRegistry', 'contribute', [id, [keccak256(toHex('d'))]], 'DatanetIsClosed')).args).toEqual([id])
    expect(await k.read('DatanetRegistry', 'contributionCount')).toBe(first + 2n)
  })
})
