// FeePolicy: only governance changes the split, a split must sum to exactly 10,000 bps, and each
// change is a new numbered version with a FeePolicySet event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FeeSplitPolicy } from '../../src/protocol/split'
import { zeroHash } from 'viem'
import { abiOf, Kit } from './protocol-kit'

// the shape FeePolicy.current() returns (only the type is shared; every expectation is computed here)
type Split = FeeSplitPolicy

let k: Kit
const current = () => k.read<Split>('FeePolicy', 'current')

beforeAll(async () => {
  k = await Kit.load()
})

afterAll(async () => {
  await k?.d.stop()
})

describe('FeePolicy', () => {
  it('the seeded chain holds version 1 (genesis) and version 2 (the mid-run change)', async () => {
    const logs = await k.d.publicClient.getContractEvents({ address: k.c.FeePolicy, abi: abiOf('FeePolicy'), eventName: 'FeePolicySet', fromBlock: 0n })
    expect(logs.map((l) => l.args)).toEqual([
      { version: 1, creatorBps: 4000, contributorsBps: 3000, infraBps: 2000, treasuryBps: 800, burnBps: 200 },
      { version: 2, creatorBps: 3500, contributorsBps: 3500, infraBps: 1800, treasuryBps: 1000, burnBps: 200 },
    ])
    expect(await current()).toEqual({ version: 2, creatorBps: 3500, contributorsBps: 3500, infraBps: 1800, treasuryBps: 1000, burnBps: 200 })
    expect(await k.read('FeePolicy', 'BPS')).toBe(10_000)
  })

  it('anyone but governance gets AccessControlUnauthorizedAccount and nothing changes', async () => {
    const before = await current()
    const outsiders = [await k.fresh('outsider'), k.acc.operators[0], k.acc.treasury, k.acc.slasher]
    for (const who of outsiders) {
      const r = await k.expectRevert(who, 'FeePolicy', 'setPolicy', [2000, 2000, 2000, 2000, 2000], 'AccessControlUnauthorizedAccount')
      expect(r.args).toEqual([who, zeroHash]) // DEFAULT_ADMIN_ROLE
    }
    expect(await current()).toEqual(before)
  })

  it('a split that does not sum to 10,000 bps reverts InvalidSplit(sum) and nothing changes', async () => {
    const before = await current()
    const cases: [number[], bigint][] = [
      [[3500, 3500, 1800, 1000, 199], 9_999n],
      [[3500, 3500, 1800, 1000, 201], 10_001n],
      [[0, 0, 0, 0, 0], 0n],
      [[65535, 65535, 65535, 65535, 65535], 327_675n], // summed in uint256, no uint16 wrap-around
    ]
    for (const [split, sum] of cases) {
      const r = await k.expectRevert(k.acc.governance, 'FeePolicy', 'setPolicy', split, 'InvalidSplit')
      expect(r.args).toEqual([sum])
    }
    expect(await current()).toEqual(before)
  })

  it('each accepted change is the next numbered version, with its event', async () => {
    const v = (await current()).version
    const r1 = await k.send(k.acc.governance, 'FeePolicy', 'setPolicy', [4100, 2900, 1500, 837, 663])
    expect(k.events(r1, 'FeePolicy', 'FeePolicySet')).toEqual([
      { version: v + 1, creatorBps: 4100, contributorsBps: 2900, infraBps: 1500, treasuryBps: 837, burnBps: 663 },
    ])
    expect(await current()).toEqual({ version: v + 1, creatorBps: 4100, contributorsBps: 2900, infraBps: 1500, treasuryBps: 837, burnBps: 663 })
    // a degenerate but valid split: everything to the treasury
    const r2 = await k.send(k.acc.governance, 'FeePolicy', 'setPolicy', [0, 0, 0, 10_000, 0])
    expect(k.events(r2, 'FeePolicy', 'FeePolicySet')).toEqual([{ version: v + 2, creatorBps: 0, contributorsBps: 0, infraBps: 0, treasuryBps: 10_000, burnBps: 0 }])
    // a failed attempt in between does not consume a version number
    await k.expectRevert(k.acc.governance, 'FeePolicy', 'setPolicy', [1, 1, 1, 1, 1], 'InvalidSplit')
    const r3 = await k.send(k.acc.governance, 'FeePolicy', 'setPolicy', [3500, 3500, 1800, 1000, 200])
    expect(k.events<Split>(r3, 'FeePolicy', 'FeePolicySet')[0].version).toBe(v + 3)
  })

  it('governance can hand the role over; the new holder sets the next version, the old one is refused', async () => {
    const newGov = await k.fresh('new-governance')
    await k.send(k.acc.governance, 'FeePolicy', 'grantRole', [zeroHash, newGov])
    await k.send(k.acc.governance, 'FeePolicy', 'renounceRole', [zeroHash, k.acc.governance])
    const v = (await current()).version
    const r = await k.send(newGov, 'FeePolicy', 'setPolicy', [3000, 4000, 2000, 800, 200])
    expect(k.events<Split>(r, 'FeePolicy', 'FeePolicySet')[0].version).toBe(v + 1)
    await k.expectRevert(k.acc.governance, 'FeePolicy', 'setPolicy', [3000, 4000, 2000, 800, 200], 'AccessControlUnauthorizedAccount')
  })

  it('the constructor refuses a split that does not sum to 10,000 bps', async () => {
    const deployer = await k.fresh('deployer')
    expect(await k.expectDeployRevert(deployer, 'FeePolicy', [deployer, 4000, 3000, 2000, 800, 199], 'InvalidSplit')).toEqual([9_999n])
    const fresh = await k.deploy(deployer, 'FeePolicy', [deployer, 4000, 3000, 2000, 800, 200])
    expect(await k.read({ name: 'FeePolicy', address: fresh }, 'current')).toEqual({ version: 1, creatorBps: 4000, contributorsBps: 3000, infraBps: 2000, treasuryBps: 800, burnBps: 200 })
  })
})
