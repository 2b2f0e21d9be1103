// OpenToken: 1,000,000,000 OPEN minted once, at deployment, to the five allocation buckets in the
// public percentages; no mint function afterwards; burning lowers the supply. Checked on the
// seeded chain (its whole Transfer history) and on a fresh deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getAbiItem, parseAbi, toFunctionSelector, encodeFunctionData, zeroAddress, type Address } from 'viem'
import { artifact } from '../../src/chain/artifacts'
import { Kit, OPEN } from './protocol-kit'

const TOTAL = 1_000_000_000n * OPEN
// the public allocation, in basis points of the supply: community, ecosystem, investors, team, liquidity
const BUCKET_BPS = { community: 5171n, ecosystem: 1000n, investors: 1829n, team: 1500n, liquidity: 500n }
const bucket = (bps: bigint) => (TOTAL * bps) / 10_000n
const transferEvent = getAbiItem({ abi: parseAbi(['event Transfer(address indexed from, address indexed to, uint256 value)']), name: 'Transfer' })

let k: Kit

beforeAll(async () => {
  k = await Kit.load()
})

afterAll(async () => {
  await k?.d.stop()
})

/** Transfer logs of the token over the whole chain with the given indexed filter. */
async function transfers(args: { from?: Address; to?: Address }) {
  const head = await k.d.publicClient.getBlockNumber()
  const out = []
  for (let from = 0n; from <= head; from += 2_000n) {
    const to = from + 1_999n > head ? head : from + 1_999n
    out.push(...(await k.d.publicClient.getLogs({ address: k.c.OpenToken, event: transferEvent, args, fromBlock: from, toBlock: to })))
  }
  return out
}

describe('OpenToken supply and allocation', () => {
  it('declares 1e9 OPEN and buckets of exactly 51.71 / 10 / 18.29 / 15 / 5 percent', async () => {
    expect(BUCKET_BPS.community + BUCKET_BPS.ecosystem + BUCKET_BPS.investors + BUCKET_BPS.team + BUCKET_BPS.liquidity).toBe(10_000n)
    expect(await k.read('OpenToken', 'TOTAL_SUPPLY')).toBe(TOTAL)
    expect(await k.read('OpenToken', 'COMMUNITY')).toBe(bucket(BUCKET_BPS.community))
    expect(await k.read('OpenToken', 'ECOSYSTEM')).toBe(bucket(BUCKET_BPS.ecosystem))
    expect(await k.read('OpenToken', 'INVESTORS')).toBe(bucket(BUCKET_BPS.investors))
    expect(await k.read('OpenToken', 'TEAM')).toBe(bucket(BUCKET_BPS.team))
    expect(await k.read('OpenToken', 'LIQUIDITY')).toBe(bucket(BUCKET_BPS.liquidity))
    expect(bucket(BUCKET_BPS.community)).toBe(517_100_000n * OPEN)
    expect(await k.read('OpenToken', 'decimals')).toBe(18)
    expect(await k.read('OpenToken', 'symbol')).toBe('OPEN')
    expect(await k.read('OpenToken', 'name')).toBe('OpenLedger')
  })

  it('on the seeded chain: exactly five mints, all in the deployment block, to the buckets', async () => {
    const mints = await transfers({ from: zeroAddress })
    expect(mints.map((m) => ({ block: Number(m.blockNumber), to: m.args.to, value: m.args.value }))).toEqual([
      { block: k.d.manifest.startBlock, to: k.c.RewardsDistributor, value: bucket(BUCKET_BPS.community) },
      { block: k.d.manifest.startBlock, to: k.c.RewardsDistributor, value: bucket(BUCKET_BPS.ecosystem) },
      { block: k.d.manifest.startBlock, to: k.c.TokenVesting, value: bucket(BUCKET_BPS.investors) },
      { block: k.d.manifest.startBlock, to: k.c.TokenVesting, value: bucket(BUCKET_BPS.team) },
      { block: k.d.manifest.startBlock, to: k.acc.liquidity, value: bucket(BUCKET_BPS.liquidity) },
    ])
    expect(mints.reduce((s, m) => s + m.args.value!, 0n)).toBe(TOTAL)
    // every burn (fee burns, slashes, treasury buy-back-and-burn) is a transfer to 0x0
    const burns = await transfers({ to: zeroAddress })
    const burned = burns.reduce((s, b) => s + b.args.value!, 0n)
    expect(burns.length).toBeGreaterThan(10)
    expect(await k.supply()).toBe(TOTAL - burned)
  })

  it('has no mint function: none in the ABI and a mint selector reverts without changing the supply', async () => {
    const names = artifact('OpenToken').abi.filter((x) => x.type === 'function').map((x) => (x as { name: string }).name)
    expect(names.filter((n) => /mint/i.test(n))).toEqual([])
    const abi = parseAbi(['function mint(address to, uint256 amount)'])
    expect(toFunctionSelector('mint(address,uint256)')).toBe('0x40c10f19')
    const before = await k.supply()
    const who = await k.fresh('minter')
    const data = encodeFunctionData({ abi, functionName: 'mint', args: [who, 1_000n * OPEN] })
    await expect(k.d.publicClient.call({ account: k.acc.governance, to: k.c.OpenToken, data })).rejects.toThrow()
    const hash = await k.d.wallet(k.acc.governance).sendTransaction({ account: k.acc.governance, chain: null, to: k.c.OpenToken, data, gas: 200_000n })
    expect((await k.d.publicClient.waitForTransactionReceipt({ hash })).status).toBe('reverted')
    expect(await k.supply()).toBe(before)
    expect(await k.balance(who)).toBe(0n)
  })

  it('a fresh deployment mints each bucket exactly once; a zero bucket address is refused', async () => {
    const deployer = await k.fresh('deployer')
    const buckets = [await k.fresh('community'), await k.fresh('ecosystem'), await k.fresh('investors'), await k.fresh('team'), await k.fresh('liquidity')]
    const token = await k.deploy(deployer, 'OpenToken', buckets)
    const bps = [BUCKET_BPS.community, BUCKET_BPS.ecosystem, BUCKET_BPS.investors, BUCKET_BPS.team, BUCKET_BPS.liquidity]
    for (let i = 0; i < 5; i++) expect(await k.balance(buckets[i], token)).toBe(bucket(bps[i]))
    expect(await k.supply(token)).toBe(TOTAL)
    expect(await k.balance(deployer, token)).toBe(0n)
    for (let i = 0; i < 5; i++) {
      const args = [...buckets]
      args[i] = zeroAddress
      await k.expectDeployRevert(deployer, 'OpenToken', args, 'ZeroAddress')
    }
  })
})

describe('OpenToken burning', () => {
  it('burn lowers the holder balance and the total supply by exactly the amount', async () => {
    const holder = await k.fresh('burner')
    await k.fund(holder, 1_000n * OPEN)
    const supply0 = await k.supply()
    const amount = 123_456_789_012_345_678n
    const r = await k.send(holder, 'OpenToken', 'burn', [amount])
    expect(k.events(r, 'OpenToken', 'Transfer')).toEqual([{ from: holder, to: zeroAddress, value: amount }])
    expect(await k.balance(holder)).toBe(1_000n * OPEN - amount)
    expect(await k.supply()).toBe(supply0 - amount)
  })

  it('burnFrom spends the allowance; burning more than the balance or the allowance reverts with the ERC-20 error', async () => {
    const holder = await k.fresh('holder')
    const spender = await k.fresh('spender')
    await k.fund(holder, 100n * OPEN)
    await k.send(holder, 'OpenToken', 'approve', [spender, 40n * OPEN])
    const supply0 = await k.supply()
    await k.send(spender, 'OpenToken', 'burnFrom', [holder, 30n * OPEN])
    expect(await k.read('OpenToken', 'allowance', [holder, spender])).toBe(10n * OPEN)
    expect(await k.balance(holder)).toBe(70n * OPEN)
    expect(await k.supply()).toBe(supply0 - 30n * OPEN)

    const allowance = await k.expectRevert(spender, 'OpenToken', 'burnFrom', [holder, 11n * OPEN], 'ERC20InsufficientAllowance')
    expect(allowance.args).toEqual([spender, 10n * OPEN, 11n * OPEN])
    const balance = await k.expectRevert(holder, 'OpenToken', 'burn', [71n * OPEN], 'ERC20InsufficientBalance')
    expect(balance.args).toEqual([holder, 70n * OPEN, 71n * OPEN])
    expect(await k.balance(holder)).toBe(70n * OPEN)
    expect(await k.supply()).toBe(supply0 - 30n * OPEN)
  })
})
