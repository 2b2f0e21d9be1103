// Staking (stake, top-up, request-unstake, unstake after the cooldown, continuously compounded
// interest) and TokenVesting (12-month cliff, then 36 months linear), with every expected amount
// computed here independently of the contracts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { zeroAddress, type Address } from 'viem'
import { GENESIS_TIMESTAMP } from '../../src/devnet/anvil'
import { DAY, Kit, OPEN } from './protocol-kit'

let k: Kit

beforeAll(async () => {
  k = await Kit.load()
})

afterAll(async () => {
  await k?.d.stop()
})

const YEAR = 365n * DAY
const WAD = 10n ** 18n

/** e^(num/den) * 10^40, by its Taylor series in exact integers (x here is below 1). */
function expScaled(num: bigint, den: bigint): bigint {
  const S = 10n ** 40n
  let term = S
  let sum = S
  for (let n = 1n; n < 60n; n++) {
    term = (term * num) / (den * n)
    if (term === 0n) break
    sum += term
  }
  return sum
}

/** amount * exp(min(elapsed, duration) / 365 days * rate), rate in WAD per year. */
function compounded(amount: bigint, elapsed: bigint, duration: bigint, rateWad: bigint): bigint {
  const t = elapsed > duration ? duration : elapsed
  return (amount * expScaled(t * rateWad, YEAR * WAD)) / 10n ** 40n
}

/** The contract computes in WAD fixed point (Solady expWad): equal to the exact value within 1e-15. */
function expectClose(actual: bigint, exact: bigint) {
  const diff = actual > exact ? actual - exact : exact - actual
  expect(diff <= exact / 10n ** 15n, `${actual} vs exact ${exact}`).toBe(true)
}

describe('Staking', () => {
  interface Config {
    bank: Address
    token: Address
    interestRate: bigint
    stakeDuration: bigint
    cooldownDuration: bigint
    maxStake: bigint
    minStake: bigint
    isActive: boolean
    isTopupEnabled: boolean
    isPublic: boolean
  }
  let cfg: Config
  let staker: Address
  const later = async (seconds: bigint) => {
    const ts = (await k.blockTime()) + seconds
    await k.setNextTime(ts)
    return ts
  }

  beforeAll(async () => {
    cfg = await k.read<Config>('Staking', 'configs', [1n])
    staker = await k.fresh('staker')
    await k.fund(staker, 100_000n * OPEN, [k.c.Staking])
  })

  it('config 1 of the seeded chain: 12%/year, 90-day stakes, 7-day cooldown, banked by the staking bank', () => {
    expect(cfg).toMatchObject({
      bank: k.acc.stakingBank,
      token: k.c.OpenToken,
      interestRate: 12n * 10n ** 16n,
      stakeDuration: 90n * DAY,
      cooldownDuration: 7n * DAY,
      minStake: 100n * OPEN,
      isActive: true,
      isTopupEnabled: true,
      isPublic: true,
    })
  })

  it('refuses zero, too small, too large, an inactive config and a zero recipient with named errors', async () => {
    await k.expectRevert(staker, 'Staking', 'stake', [1n, staker, 0n], 'ZeroAmount')
    await k.expectRevert(staker, 'Staking', 'stake', [1n, staker, 100n * OPEN - 1n], 'StakeAmountTooSmall')
    await k.expectRevert(staker, 'Staking', 'stake', [1n, staker, cfg.maxStake + 1n], 'StakeAmountExceeded')
    await k.expectRevert(staker, 'Staking', 'stake', [99n, staker, 1_000n * OPEN], 'InactiveConfigOrInvalidSender')
    await k.expectRevert(staker, 'Staking', 'stake', [1n, zeroAddress, 1_000n * OPEN], 'InactiveConfigOrInvalidSender')
    expect(await k.balance(staker)).toBe(100_000n * OPEN)
  })

  it('stake -> top-up (interest compounded into the principal) -> request unstake -> cooldown -> unstake', async () => {
    const amount = 10_000n * OPEN
    const id = await k.read<bigint>('Staking', 'nextStakeId')
    const bank0 = await k.balance(k.acc.stakingBank)
    const t0 = await later(10n)
    const s = await k.send(staker, 'Staking', 'stake', [1n, staker, amount])
    expect(k.events(s, 'Staking', 'Staked')).toEqual([{ stakingId: id, recipient: staker, amount }])
    expect(k.events(s, 'OpenToken', 'Transfer')).toEqual([{ from: staker, to: k.acc.stakingBank, value: amount }])
    // the public contract's order: the tokens move, then the event that reports it
    expect(s.logs.map((l) => l.address.toLowerCase())).toEqual([k.c.OpenToken.toLowerCase(), k.c.Staking.toLowerCase()])
    expect(await k.read('Staking', 'stakes', [id])).toEqual([staker, 1n, t0, amount, t0, amount])
    expect(await k.read('Staking', 'stakedAmounts', [1n, staker])).toBe(amount)

    const other = await k.fresh('other')
    await k.fund(other, 1_000n * OPEN, [k.c.Staking])
    await k.expectRevert(other, 'Staking', 'topUpStake', [id, 1n * OPEN], 'InactiveConfigOrInvalidSender')
    await k.expectRevert(staker, 'Staking', 'topUpStake', [id, 0n], 'ZeroAmount')

    // top-up after 30 days: principal becomes top-up + amount * e^(30/365 * 12%), and the stake restarts
    const topUp = 2_000n * OPEN
    const t1 = t0 + 30n * DAY
    await k.setNextTime(t1)
    const tu = await k.send(staker, 'Staking', 'topUpStake', [id, topUp])
    expect(k.events(tu, 'Staking', 'ToppedUp')).toEqual([{ stakingId: id, recipient: staker, amount: topUp }])
    expect(tu.logs.map((l) => l.address.toLowerCase())).toEqual([k.c.OpenToken.toLowerCase(), k.c.Staking.toLowerCase()])
    const [, , updatedAt, principal1, start1, staked1] = await k.read<readonly [Address, bigint, bigint, bigint, bigint, bigint]>('Staking', 'stakes', [id])
    expect([updatedAt, start1]).toEqual([t1, t1])
    expectClose(principal1, topUp + compounded(amount, 30n * DAY, cfg.stakeDuration, cfg.interestRate))
    expect(principal1).toBeGreaterThan(amount + topUp)
    // what was put in (stakedAmounts and the stake's principal) grows by the top-up only
    expect(staked1).toBe(amount + topUp)
    expect(await k.read('Staking', 'stakedAmounts', [1n, staker])).toBe(amount + topUp)
    expect(await k.balance(k.acc.stakingBank)).toBe(bank0 + amount + topUp) // interest is paid at unstake only

    await k.expectRevert(staker, 'Staking', 'unstake', [id], 'UnstakeRequestNotFound')
    await k.expectRevert(other, 'Staking', 'requestUnstake', [id], 'MismatchedRecipient')
    // requested 100 days after the restart: interest is capped at the 90-day stake duration
    const t2 = t1 + 100n * DAY
    await k.setNextTime(t2)
    const rq = await k.send(staker, 'Staking', 'requestUnstake', [id])
    expect(k.events(rq, 'Staking', 'RequestUnstake')).toEqual([{ stakingId: id, recipient: staker }])
    const [requestAt, frozen] = await k.read<readonly [bigint, { amount: bigint; updatedAt: bigint }]>('Staking', 'unstakeRequests', [id])
    expect(requestAt).toBe(t2)
    expectClose(frozen.amount, compounded(principal1, 100n * DAY, cfg.stakeDuration, cfg.interestRate))
    expect(frozen.amount).toBeLessThan(compounded(principal1, 100n * DAY, 100n * DAY, cfg.interestRate)) // capped, not 100 days
    expect(await k.read('Staking', 'stakes', [id])).toEqual([zeroAddress, 0n, 0n, 0n, 0n, 0n])
    expect(await k.read('Staking', 'stakedAmounts', [1n, staker])).toBe(amount + topUp) // released at the payout
    await k.expectRevert(staker, 'Staking', 'requestUnstake', [id], 'StakeNotFound')

    // cooldown: refused one second early, paid exactly on time
    await k.expectRevert(other, 'Staking', 'unstake', [id], 'MismatchedRecipient')
    await k.expectRevert(staker, 'Staking', 'unstake', [id], 'CooldownNotPassed', { at: t2 + cfg.cooldownDuration - 1n })
    const balance0 = await k.balance(staker)
    const bank1 = await k.balance(k.acc.stakingBank)
    await k.setNextTime(t2 + cfg.cooldownDuration)
    const u = await k.send(staker, 'Staking', 'unstake', [id])
    expect(k.events(u, 'Staking', 'Unstaked')).toEqual([{ stakingId: id, recipient: staker }])
    expect(k.events(u, 'OpenToken', 'Transfer')).toEqual([{ from: k.acc.stakingBank, to: staker, value: frozen.amount }])
    // the public order: the bank's payout, then Unstaked
    expect(u.logs.map((l) => l.address.toLowerCase())).toEqual([k.c.OpenToken.toLowerCase(), k.c.Staking.toLowerCase()])
    expect(await k.read('Staking', 'stakedAmounts', [1n, staker])).toBe(0n)
    expect((await k.balance(staker)) - balance0).toBe(frozen.amount)
    expect(bank1 - (await k.balance(k.acc.stakingBank))).toBe(frozen.amount)
    await k.expectRevert(staker, 'Staking', 'unstake', [id], 'UnstakeRequestNotFound')
  })

  it('an early request freezes the interest at the request, and pays only once the stake has ended', async () => {
    const amount = 1_000n * OPEN
    const id = await k.read<bigint>('Staking', 'nextStakeId')
    const t0 = await later(10n)
    await k.send(staker, 'Staking', 'stake', [1n, staker, amount])
    await k.setNextTime(t0 + 10n * DAY)
    await k.send(staker, 'Staking', 'requestUnstake', [id])
    const [, frozen] = await k.read<readonly [bigint, { amount: bigint }]>('Staking', 'unstakeRequests', [id])
    expectClose(frozen.amount, compounded(amount, 10n * DAY, cfg.stakeDuration, cfg.interestRate))
    // cooldown over, stake not ended (it ends 90 days after t0)
    await k.expectRevert(staker, 'Staking', 'unstake', [id], 'StakeNotEnded', { at: t0 + 20n * DAY })
    await k.expectRevert(staker, 'Staking', 'unstake', [id], 'StakeNotEnded', { at: t0 + cfg.stakeDuration - 1n })
    await k.setNextTime(t0 + cfg.stakeDuration)
    const b0 = await k.balance(staker)
    await k.send(staker, 'Staking', 'unstake', [id])
    expect((await k.balance(staker)) - b0).toBe(frozen.amount)
  })

  it('a top-up after the stake ended is refused: StakeEnded', async () => {
    const id = await k.read<bigint>('Staking', 'nextStakeId')
    const t0 = await later(10n)
    await k.send(staker, 'Staking', 'stake', [1n, staker, 500n * OPEN])
    await k.expectRevert(staker, 'Staking', 'topUpStake', [id, 1n * OPEN], 'StakeEnded', { at: t0 + cfg.stakeDuration })
  })

  it('configs: only a trusted bank creates one (and becomes its bank); only that bank updates it, and an update may name a new bank', async () => {
    const stranger = await k.fresh('stranger')
    const config = { ...cfg, manager: k.acc.governance }
    await k.expectRevert(stranger, 'Staking', 'setConfig', [7n, config], 'AccessControlUnauthorizedAccount')
    const bank2 = await k.fresh('bank-2')
    await k.send(k.acc.governance, 'Staking', 'grantRole', [await k.read('Staking', 'TRUSTED_BANK'), bank2])
    await k.expectRevert(bank2, 'Staking', 'setConfig', [1n, config], 'Unauthorized')
    await k.expectRevert(bank2, 'Staking', 'setConfig', [7n, { ...config, minStake: 2n, maxStake: 1n }], 'InvalidConfig')
    await k.expectRevert(bank2, 'Staking', 'setConfig', [7n, { ...config, token: zeroAddress }], 'InvalidConfig')
    const c = await k.send(bank2, 'Staking', 'setConfig', [7n, config]) // config.bank names the old bank: ignored
    expect(k.events(c, 'Staking', 'ConfigCreated')).toEqual([{ configId: 7n }])
    expect((await k.read<Config>('Staking', 'configs', [7n])).bank).toBe(bank2)
    await k.expectRevert(bank2, 'Staking', 'setConfig', [7n, { ...config, bank: zeroAddress }], 'InvalidConfig')
    const bank3 = await k.fresh('bank-3')
    const u = await k.send(bank2, 'Staking', 'setConfig', [7n, { ...config, bank: bank3, isActive: false }])
    expect(k.events(u, 'Staking', 'ConfigSet')).toEqual([{ configId: 7n }])
    expect((await k.read<Config>('Staking', 'configs', [7n])).bank).toBe(bank3) // stored as given: the bank is replaced
    await k.expectRevert(bank2, 'Staking', 'setConfig', [7n, config], 'Unauthorized')
    await k.expectRevert(staker, 'Staking', 'stake', [7n, staker, 1_000n * OPEN], 'InactiveConfigOrInvalidSender')
  })
})

describe('TokenVesting', () => {
  interface Schedule {
    beneficiary: Address
    category: number
    start: bigint
    cliff: bigint
    duration: bigint
    total: bigint
    released: bigint
  }
  const CLIFF = 365n * DAY // 12 months
  const DURATION = 1_095n * DAY // 36 months
  /** 0 before start + cliff, then total * min(t - start - cliff, duration) / duration, floored */
  const vested = (s: { start: bigint; total: bigint }, t: bigint) => {
    const unlock = s.start + CLIFF
    if (t < unlock) return 0n
    const e = t - unlock
    return e >= DURATION ? s.total : (s.total * e) / DURATION
  }

  it('the seeded schedules: team 3 x 50M and investors 4 x 45.725M, 12-month cliff then 36 months linear', async () => {
    const n = await k.read<bigint>('TokenVesting', 'scheduleCount')
    expect(n).toBe(7n)
    const all: Schedule[] = []
    for (let i = 0n; i < n; i++) all.push(await k.read<Schedule>('TokenVesting', 'schedule', [i]))
    expect(all.map((s) => [s.category, s.total, s.start, s.cliff, s.duration])).toEqual([
      ...Array(3).fill([0, 50_000_000n * OPEN, BigInt(GENESIS_TIMESTAMP), CLIFF, DURATION]),
      ...Array(4).fill([1, 45_725_000n * OPEN, BigInt(GENESIS_TIMESTAMP), CLIFF, DURATION]),
    ])
    expect(await k.read('TokenVesting', 'unallocated', [0])).toBe(0n)
    expect(await k.read('TokenVesting', 'unallocated', [1])).toBe(0n)
    const r = await k.expectRevert(k.acc.governance, 'TokenVesting', 'createSchedule', [k.acc.governance, 0, 1n, 0n, 0n, 1n], 'InsufficientUnallocated')
    expect(r.args).toEqual([0, 1n, 0n])

    // vestedAt at chosen instants, against the formula
    const s0 = all[0]
    const g = BigInt(GENESIS_TIMESTAMP)
    const instants = [g, g + CLIFF - 1n, g + CLIFF, g + CLIFF + 1n, g + CLIFF + 30n * DAY, g + CLIFF + DURATION / 2n, g + CLIFF + DURATION - 1n, g + CLIFF + DURATION, g + 3_000n * DAY]
    for (const t of instants) expect(await k.read('TokenVesting', 'vestedAt', [0n, t])).toBe(vested(s0, t))
    expect(vested(s0, g + CLIFF + 1n)).toBe((50_000_000n * OPEN) / DURATION)
    expect(vested(s0, g + CLIFF + DURATION / 2n)).toBe(25_000_000n * OPEN)
    // all seven together unlock 332.9M / 36 = about 9.25M OPEN a month (a month = 1/36 of the 36 months)
    const month = g + CLIFF + DURATION / 36n
    let monthly = 0n
    for (let i = 0n; i < n; i++) monthly += await k.read<bigint>('TokenVesting', 'vestedAt', [i, month])
    expect(monthly).toBe(all.reduce((acc, s) => acc + vested(s, month), 0n))
    expect(monthly / OPEN).toBe(9_247_222n)
  })

  it('a release on the seeded chain pays vested-minus-released to the beneficiary, whoever triggers it', async () => {
    const s = await k.read<Schedule>('TokenVesting', 'schedule', [4n])
    const t = (await k.blockTime()) + 1_000n
    const expected = vested(s, t) - s.released
    expect(expected).toBeGreaterThan(0n)
    const b0 = await k.balance(s.beneficiary)
    const v0 = await k.balance(k.c.TokenVesting)
    const anyone = await k.fresh('anyone')
    await k.setNextTime(t)
    const r = await k.send(anyone, 'TokenVesting', 'release', [4n])
    expect(k.events(r, 'TokenVesting', 'TokensReleased')).toEqual([{ scheduleId: 4n, beneficiary: s.beneficiary, category: 1, amount: expected }])
    expect((await k.balance(s.beneficiary)) - b0).toBe(expected)
    expect(v0 - (await k.balance(k.c.TokenVesting))).toBe(expected)
    expect((await k.read<Schedule>('TokenVesting', 'schedule', [4n])).released).toBe(vested(s, t))
  })

  it('a fresh schedule: nothing before or at the cliff, then linear, then all of it, exactly once', async () => {
    const gov = await k.fresh('vesting-gov')
    const holder = await k.fresh('holder')
    const beneficiary = await k.fresh('beneficiary')
    const token = await k.deploy(holder, 'OpenToken', [holder, holder, holder, holder, holder])
    const vesting = await k.deploy(holder, 'TokenVesting', [token, gov, 150_000_000n * OPEN, 182_900_000n * OPEN])
    const V = { name: 'TokenVesting' as const, address: vesting }
    const T = { name: 'OpenToken' as const, address: token }
    await k.send(holder, T, 'transfer', [vesting, 332_900_000n * OPEN])

    const total = 1_000_000n * OPEN + 7n // not a multiple of the duration: every step rounds down
    await k.expectRevert(holder, V, 'createSchedule', [beneficiary, 0, total, 0n, CLIFF, DURATION], 'AccessControlUnauthorizedAccount')
    await k.expectRevert(gov, V, 'createSchedule', [zeroAddress, 0, total, 0n, CLIFF, DURATION], 'ZeroAddress')
    expect((await k.expectRevert(gov, V, 'createSchedule', [beneficiary, 2, total, 0n, CLIFF, DURATION], 'UnknownCategory')).args).toEqual([2])
    await k.expectRevert(gov, V, 'createSchedule', [beneficiary, 0, 0n, 0n, CLIFF, DURATION], 'InvalidSchedule')
    await k.expectRevert(gov, V, 'createSchedule', [beneficiary, 0, total, 0n, CLIFF, 0n], 'InvalidSchedule')
    const over = await k.expectRevert(gov, V, 'createSchedule', [beneficiary, 0, 150_000_000n * OPEN + 1n, 0n, CLIFF, DURATION], 'InsufficientUnallocated')
    expect(over.args).toEqual([0, 150_000_000n * OPEN + 1n, 150_000_000n * OPEN])

    const start = (await k.blockTime()) + 100n
    const c = await k.send(gov, V, 'createSchedule', [beneficiary, 0, total, start, CLIFF, DURATION])
    expect(k.events(c, V, 'ScheduleCreated')).toEqual([{ scheduleId: 0n, beneficiary, category: 0, total, start, cliff: CLIFF, duration: DURATION }])
    expect(await k.read(V, 'unallocated', [0])).toBe(150_000_000n * OPEN - total)
    expect((await k.expectRevert(gov, V, 'release', [1n], 'UnknownSchedule')).args).toEqual([1n])

    const s = { start, total }
    expect((await k.expectRevert(holder, V, 'release', [0n], 'NothingToRelease', { at: start + CLIFF - 1n })).args).toEqual([0n])
    await k.expectRevert(holder, V, 'release', [0n], 'NothingToRelease', { at: start + CLIFF }) // the cliff itself: still nothing

    let released = 0n
    for (const t of [start + CLIFF + 1n, start + CLIFF + DAY, start + CLIFF + 400n * DAY + 12_345n, start + CLIFF + DURATION - 1n, start + CLIFF + DURATION + 5n * DAY]) {
      await k.setNextTime(t)
      const r = await k.send(holder, V, 'release', [0n])
      const amount = vested(s, t) - released
      expect(k.events(r, V, 'TokensReleased')).toEqual([{ scheduleId: 0n, beneficiary, category: 0, amount }])
      released += amount
      expect(await k.balance(beneficiary, token)).toBe(released)
    }
    expect(released).toBe(total)
    expect(vested(s, start + CLIFF + 1n)).toBe(total / DURATION)
    expect(await k.read(V, 'releasable', [0n])).toBe(0n)
    await k.expectRevert(holder, V, 'release', [0n], 'NothingToRelease', { at: start + CLIFF + DURATION + 6n * DAY })
  })
})
