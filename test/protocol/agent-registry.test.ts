// AgentRegistry: agents stake OPEN (at least minStake) under an active inference operator, top up,
// request exit and withdraw after the cooldown; a slasher slashes part of a stake, and the slashed
// OPEN goes to the treasury and a burn by the governed slashBurnBps, checked here to the wei on
// token balances and totalSupply. Every refusal names its custom error and moves nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keccak256, toHex, type Address, type Hex } from 'viem'
import { DAY, Kit, OPEN } from './protocol-kit'

let k: Kit
let minStake: bigint
let cooldown: bigint
const SLASHER_ROLE = keccak256(toHex('SLASHER_ROLE'))

interface AgentView {
  account: Address
  operatorId: number
  exitAvailableAt: bigint
  stake: bigint
}

const agentIdOf = (a: Address) => k.read<bigint>('AgentRegistry', 'agentIdOf', [a])
const agentOf = async (a: Address) => k.read<AgentView>('AgentRegistry', 'agent', [await agentIdOf(a)])

/** Balances that a refused call must leave alone. */
async function balances(...who: Address[]) {
  return {
    who: await Promise.all(who.map((w) => k.balance(w))),
    registry: await k.balance(k.c.AgentRegistry),
    treasury: await k.balance(k.acc.treasury),
    supply: await k.supply(),
    stakes: await Promise.all(who.map(async (w) => ((await agentIdOf(w)) === 0n ? null : (await agentOf(w)).stake))),
  }
}

/** A funded agent account that approved the registry and the settlement escrow. */
async function newAgent(label: string, open = 50_000n * OPEN): Promise<Address> {
  const a = await k.fresh(label)
  await k.fund(a, open, [k.c.AgentRegistry, k.c.InferenceSettlement])
  return a
}

beforeAll(async () => {
  k = await Kit.load()
  minStake = await k.read<bigint>('AgentRegistry', 'minStake')
  cooldown = await k.read<bigint>('AgentRegistry', 'exitCooldown')
  expect(minStake).toBe(10_000n * OPEN)
  expect(cooldown).toBe(7n * DAY)
  expect(await k.read('AgentRegistry', 'slashBurnBps')).toBe(5000)
})

afterAll(async () => {
  await k?.d.stop()
})

describe('AgentRegistry: registration and top-up', () => {
  it('registers with at least the minimum stake under an active operator; the stake moves to the registry', async () => {
    const a = await newAgent('agent-register')
    const before = await balances(a)
    const expectedId = (await k.read<bigint>('AgentRegistry', 'agentCount')) + 1n
    const r = await k.send(a, 'AgentRegistry', 'register', [1, minStake])
    expect(k.events(r, 'AgentRegistry', 'AgentRegistered')).toEqual([{ agentId: expectedId, account: a, operatorId: 1, stake: minStake }])
    expect(k.events(r, 'OpenToken', 'Transfer')).toEqual([{ from: a, to: k.c.AgentRegistry, value: minStake }])
    const after = await balances(a)
    expect(after.who[0]).toBe(before.who[0] - minStake)
    expect(after.registry).toBe(before.registry + minStake)
    expect(after.supply).toBe(before.supply)
    expect(await agentIdOf(a)).toBe(expectedId)
    expect(await k.read('AgentRegistry', 'agent', [expectedId])).toEqual({ account: a, operatorId: 1, exitAvailableAt: 0n, stake: minStake })
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [1, minStake], 'AlreadyRegistered')).args).toEqual([a])
  })

  it('below the minimum stake: StakeBelowMinimum; unknown, zero or removed operator: UnknownOperator — nothing moves', async () => {
    const a = await newAgent('agent-refused')
    const before = await balances(a)
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [1, minStake - 1n], 'StakeBelowMinimum')).args).toEqual([minStake - 1n, minStake])
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [1, 0n], 'StakeBelowMinimum')).args).toEqual([0n, minStake])
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [0, minStake], 'UnknownOperator')).args).toEqual([0])
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [999, minStake], 'UnknownOperator')).args).toEqual([999])
    // operator 4 was removed by the seeded workload
    expect((await k.read<readonly [Address, boolean, bigint]>('InferenceSettlement', 'operators', [4]))[1]).toBe(false)
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [4, minStake], 'UnknownOperator')).args).toEqual([4])
    expect(await balances(a)).toEqual(before)
    expect(await agentIdOf(a)).toBe(0n)
  })

  it('tops up: the stake grows by exactly the amount; zero or an unknown agent is refused', async () => {
    const a = await newAgent('agent-topup')
    await k.send(a, 'AgentRegistry', 'register', [2, minStake + 1n])
    const id = await agentIdOf(a)
    const r = await k.send(a, 'AgentRegistry', 'topUp', [2_345n * OPEN + 3n])
    expect(k.events(r, 'AgentRegistry', 'AgentStakeIncreased')).toEqual([{ agentId: id, account: a, amount: 2_345n * OPEN + 3n, newStake: minStake + 2_345n * OPEN + 4n }])
    expect((await agentOf(a)).stake).toBe(minStake + 2_345n * OPEN + 4n)
    await k.expectRevert(a, 'AgentRegistry', 'topUp', [0n], 'ZeroAmount')
    const stranger = await newAgent('not-an-agent')
    const before = await balances(stranger)
    expect((await k.expectRevert(stranger, 'AgentRegistry', 'topUp', [1n * OPEN], 'UnknownAgent')).args).toEqual([stranger])
    expect((await k.expectRevert(stranger, 'AgentRegistry', 'requestExit', [], 'UnknownAgent')).args).toEqual([stranger])
    expect((await k.expectRevert(stranger, 'AgentRegistry', 'withdraw', [], 'UnknownAgent')).args).toEqual([stranger])
    expect(await balances(stranger)).toEqual(before)
  })
})

describe('AgentRegistry: exit', () => {
  it('request exit, then withdraw only after the cooldown (CooldownNotPassed before), stake paid back exactly', async () => {
    const a = await newAgent('agent-exit')
    const stake = minStake + 777n
    await k.send(a, 'AgentRegistry', 'register', [1, stake])
    const id = await agentIdOf(a)
    expect((await k.expectRevert(a, 'AgentRegistry', 'withdraw', [], 'ExitNotRequested')).args).toEqual([id])
    const r = await k.send(a, 'AgentRegistry', 'requestExit')
    const availableAt = (await k.blockTime(r)) + cooldown
    expect(k.events(r, 'AgentRegistry', 'AgentExitRequested')).toEqual([{ agentId: id, account: a, availableAt }])
    expect((await agentOf(a)).exitAvailableAt).toBe(availableAt)
    expect((await k.expectRevert(a, 'AgentRegistry', 'requestExit', [], 'ExitAlreadyRequested')).args).toEqual([id])
    expect((await k.expectRevert(a, 'AgentRegistry', 'topUp', [1n], 'ExitAlreadyRequested')).args).toEqual([id])

    const before = await balances(a)
    expect((await k.expectRevert(a, 'AgentRegistry', 'withdraw', [], 'CooldownNotPassed')).args).toEqual([availableAt])
    // one second before the cooldown ends: still refused
    expect((await k.expectRevert(a, 'AgentRegistry', 'withdraw', [], 'CooldownNotPassed', { at: availableAt - 1n })).args).toEqual([availableAt])
    expect(await balances(a)).toEqual(before)

    await k.setNextTime(availableAt)
    const w = await k.send(a, 'AgentRegistry', 'withdraw')
    expect(k.events(w, 'AgentRegistry', 'AgentWithdrawn')).toEqual([{ agentId: id, account: a, amount: stake }])
    const after = await balances(a)
    expect(after.who[0]).toBe(before.who[0] + stake)
    expect(after.registry).toBe(before.registry - stake)
    expect(await agentIdOf(a)).toBe(0n)
    expect(await k.read('AgentRegistry', 'agent', [id])).toEqual({ account: '0x0000000000000000000000000000000000000000', operatorId: 0, exitAvailableAt: 0n, stake: 0n })
    expect((await k.expectRevert(a, 'AgentRegistry', 'withdraw', [], 'UnknownAgent')).args).toEqual([a])
    // a withdrawn account may register again, as a new agent id
    await k.send(a, 'AgentRegistry', 'register', [1, minStake])
    expect(await agentIdOf(a)).toBeGreaterThan(id)
  })
})

describe('AgentRegistry: slashing', () => {
  let agent: Address

  beforeAll(async () => {
    agent = await newAgent('agent-slashed')
    await k.send(agent, 'AgentRegistry', 'register', [1, 20_000n * OPEN])
  })

  it('only the slasher role slashes: AccessControlUnauthorizedAccount for anyone else (governance included)', async () => {
    const stranger = await k.fresh('stranger')
    for (const who of [stranger, k.acc.governance, agent, k.acc.operators[0]]) {
      const before = await balances(agent)
      const r = await k.expectRevert(who, 'AgentRegistry', 'slash', [agent, 1n * OPEN, 1], 'AccessControlUnauthorizedAccount')
      expect(r.args).toEqual([who, SLASHER_ROLE])
      expect(await balances(agent)).toEqual(before)
    }
    expect(await k.read('AgentRegistry', 'hasRole', [SLASHER_ROLE, k.acc.slasher])).toBe(true)
  })

  it('an unknown agent: UnknownAgent; more than the stake: SlashExceedsStake; zero: ZeroAmount — nothing moves', async () => {
    const stranger = await k.fresh('stranger')
    const stake = (await agentOf(agent)).stake
    const before = await balances(agent, stranger)
    expect((await k.expectRevert(k.acc.slasher, 'AgentRegistry', 'slash', [stranger, 1n * OPEN, 1], 'UnknownAgent')).args).toEqual([stranger])
    expect((await k.expectRevert(k.acc.slasher, 'AgentRegistry', 'slash', [agent, stake + 1n, 1], 'SlashExceedsStake')).args).toEqual([stake + 1n, stake])
    await k.expectRevert(k.acc.slasher, 'AgentRegistry', 'slash', [agent, 0n, 1], 'ZeroAmount')
    expect(await balances(agent, stranger)).toEqual(before)
  })

  /** Slashes `amount` and checks the treasury / burn split to the wei against `bps`. */
  async function slashAndCheck(amount: bigint, reason: number, bps: bigint) {
    const toBurn = (amount * bps) / 10_000n // floor
    const toTreasury = amount - toBurn // the rest, rounding included
    const id = await agentIdOf(agent)
    const before = await balances(agent)
    const r = await k.send(k.acc.slasher, 'AgentRegistry', 'slash', [agent, amount, reason])
    expect(k.events(r, 'AgentRegistry', 'AgentSlashed')).toEqual([{ agentId: id, account: agent, reason, amount, toTreasury, toBurn }])
    const after = await balances(agent)
    expect(after.treasury - before.treasury).toBe(toTreasury)
    expect(before.supply - after.supply).toBe(toBurn)
    expect(before.registry - after.registry).toBe(amount)
    expect(after.who[0]).toBe(before.who[0]) // the agent's wallet is not touched
    expect(after.stakes[0]).toBe(before.stakes[0]! - amount)
    return { toBurn, toTreasury }
  }

  it('splits slashed OPEN between the treasury and a burn by slashBurnBps, exactly', async () => {
    const a = await slashAndCheck(3_000n * OPEN + 1n, 1, 5000n) // odd amount: the burn floors, the treasury takes the extra wei
    expect(a.toTreasury - a.toBurn).toBe(1n)
  })

  it('governance changes slashBurnBps (InvalidBps above 10,000; only governance); the next slash uses it', async () => {
    await k.expectRevert(k.acc.slasher, 'AgentRegistry', 'setSlashBurnBps', [3333], 'AccessControlUnauthorizedAccount')
    expect((await k.expectRevert(k.acc.governance, 'AgentRegistry', 'setSlashBurnBps', [10_001], 'InvalidBps')).args).toEqual([10_001n])
    const r = await k.send(k.acc.governance, 'AgentRegistry', 'setSlashBurnBps', [3333])
    expect(k.events(r, 'AgentRegistry', 'SlashBurnShareChanged')).toEqual([{ oldBps: 5000, newBps: 3333 }])
    await slashAndCheck(1_234n * OPEN + 567n, 2, 3333n)
    // the extremes: all to the burn, all to the treasury
    await k.send(k.acc.governance, 'AgentRegistry', 'setSlashBurnBps', [10_000])
    expect(await slashAndCheck(100n * OPEN, 3, 10_000n)).toEqual({ toBurn: 100n * OPEN, toTreasury: 0n })
    await k.send(k.acc.governance, 'AgentRegistry', 'setSlashBurnBps', [0])
    expect(await slashAndCheck(100n * OPEN, 3, 0n)).toEqual({ toBurn: 0n, toTreasury: 100n * OPEN })
    await k.send(k.acc.governance, 'AgentRegistry', 'setSlashBurnBps', [5000])
  })

  it('slashing still works during the exit cooldown, and the withdrawal pays what is left', async () => {
    await k.send(agent, 'AgentRegistry', 'requestExit')
    const { exitAvailableAt } = await agentOf(agent)
    await slashAndCheck(1_001n, 4, 5000n)
    const left = (await agentOf(agent)).stake
    await slashAndCheck(left, 4, 5000n) // the whole rest
    expect((await agentOf(agent)).stake).toBe(0n)
    await k.setNextTime(exitAvailableAt)
    const b0 = await k.balance(agent)
    const w = await k.send(agent, 'AgentRegistry', 'withdraw')
    expect(k.events<{ amount: bigint }>(w, 'AgentRegistry', 'AgentWithdrawn')[0].amount).toBe(0n)
    expect(k.events(w, 'OpenToken', 'Transfer')).toEqual([])
    expect(await k.balance(agent)).toBe(b0)
  })

  it('governance sets the minimum stake and the exit cooldown; nobody else may', async () => {
    const stranger = await k.fresh('stranger')
    await k.expectRevert(stranger, 'AgentRegistry', 'setMinStake', [1n], 'AccessControlUnauthorizedAccount')
    await k.expectRevert(stranger, 'AgentRegistry', 'setExitCooldown', [1n], 'AccessControlUnauthorizedAccount')
    const m = await k.send(k.acc.governance, 'AgentRegistry', 'setMinStake', [20_000n * OPEN])
    expect(k.events(m, 'AgentRegistry', 'MinStakeChanged')).toEqual([{ oldMinStake: minStake, newMinStake: 20_000n * OPEN }])
    const c = await k.send(k.acc.governance, 'AgentRegistry', 'setExitCooldown', [DAY])
    expect(k.events(c, 'AgentRegistry', 'ExitCooldownChanged')).toEqual([{ oldCooldown: cooldown, newCooldown: DAY }])
    const a = await newAgent('agent-new-min')
    expect((await k.expectRevert(a, 'AgentRegistry', 'register', [1, minStake], 'StakeBelowMinimum')).args).toEqual([minStake, 20_000n * OPEN])
    await k.send(k.acc.governance, 'AgentRegistry', 'setMinStake', [minStake])
    await k.send(k.acc.governance, 'AgentRegistry', 'setExitCooldown', [cooldown])
  })
})

describe('AgentRegistry and settlement: receipts naming an unregistered operator', () => {
  it('an agent pays through the escrow; a batch from an account that is not a registered operator reverts UnknownOperator', async () => {
    const a = await newAgent('agent-payer')
    await k.send(a, 'AgentRegistry', 'register', [1, minStake])
    await k.send(a, 'InferenceSettlement', 'deposit', [100n * OPEN])
    const payerId = await k.read<number>('InferenceSettlement', 'payerIdOf', [a])
    // a live seeded model and a well-formed receipt for it
    const count = await k.read<bigint>('ModelRegistry', 'modelCount')
    let model = 0n
    while (!(await k.read<boolean>('ModelRegistry', 'isLive', [model]))) model++
    expect(model).toBeLessThan(count)
    const [{ pricePerUnit }] = await k.read<readonly [{ pricePerUnit: bigint }]>('ModelRegistry', 'model', [model])
    const units = 42n
    const receipt = toHex(units * pricePerUnit | (units << 96n), { size: 32 }) as Hex
    const head = keccak256(toHex('agent-usage'))
    const snapshot = async () => ({
      escrow: await k.read<bigint>('InferenceSettlement', 'balanceOfPayer', [a]),
      treasury: await k.balance(k.acc.treasury),
      supply: await k.supply(),
      accrual: await k.read('InferenceSettlement', 'accruals', [model]),
    })
    const before = await snapshot()
    // the agent itself, a stranger, and the removed operator 4 are not registered operators
    for (const who of [a, await k.fresh('fake-operator'), k.acc.operators[3]]) {
      const next = await k.read<bigint>('InferenceSettlement', 'nextSequence', [who])
      // the agent's authorisation for the account that tries to settle: still not an operator
      const auth = await k.authorize(a, who, 100n * OPEN)
      const r = await k.expectRevert(who, 'InferenceSettlement', 'settleBatch', [next, head, [model], [payerId], [receipt], [1n], [1n], auth], 'UnknownOperator')
      expect(r.args).toEqual([who])
    }
    expect(await snapshot()).toEqual(before)
    // the agent's own operator settles the same receipt
    const seq = await k.read<bigint>('InferenceSettlement', 'nextSequence', [k.acc.operators[0]])
    await k.send(k.acc.operators[0], 'InferenceSettlement', 'settleBatch', [seq, head, [model], [payerId], [receipt], [1n], [1n], await k.authorize(a, k.acc.operators[0], 100n * OPEN)])
    expect((await snapshot()).escrow).toBe(before.escrow - units * pricePerUnit)
  })
})
