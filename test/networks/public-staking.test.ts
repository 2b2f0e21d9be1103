// The public openledger-staking flows, indexed from a manifest that names only OpenToken and
// Staking (every other contract absent): configs created through the public Bank's setConfig, a
// stake, a top-up, two commitment stakes (CommitStake, no Staked) opened by
// requestUnstakeWithCommitment (one with a cooldown, one paid at once), a cooldown, unstakes whose
// payout Transfer comes BEFORE Unstaked, and a config update that replaces the bank. The index is
// reconciled with the contract's stakes()/stakedAmounts() getters, balanceOf, and payouts and
// principals the test decodes itself from the raw receipts and calldata.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEventLog, decodeFunctionData, maxUint256, type Abi, type Address, type Hex, type TransactionReceipt } from 'viem'
import { startAnvil, type Anvil } from '../../src/devnet/anvil'
import { writeManifest } from '../../src/devnet/manifest'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { newDataDir } from '../helpers/indexer'
import { BIN, built, clients } from './helpers'
import { ChainStakeValues, perStakeDay, type Span } from '../helpers/stake-values'

const DAY = 86_400n
const OPEN = 10n ** 18n
let anvil: Anvil
let db: TestDatabase
let dir: string
let c: ReturnType<typeof clients>
const token = built('OpenToken')
const staking = built('Staking')
const bankArt = built('StakingBank')
const addr: Record<string, Address> = {}
const receipts: { name: string; r: TransactionReceipt; input: Hex }[] = []
let commitments: Record<string, Hex> = {}

async function deploy(art: { abi: Abi; bytecode: Hex }, args: unknown[]): Promise<Address> {
  const hash = await c.wallet(0).deployContract({ abi: art.abi, bytecode: art.bytecode, args, chain: null } as never)
  return (await c.pub.waitForTransactionReceipt({ hash })).contractAddress!
}

async function call(name: string, who: number, to: Address, abi: Abi, functionName: string, args: unknown[]) {
  const hash = await c.wallet(who).writeContract({ address: to, abi, functionName, args, chain: null } as never)
  const r = await c.pub.waitForTransactionReceipt({ hash })
  if (r.status !== 'success') throw new Error(`${name} reverted`)
  const tx = await c.pub.getTransaction({ hash })
  receipts.push({ name, r, input: tx.input })
  return r
}

const at = async (t: bigint) => c.test.setNextBlockTimestamp({ timestamp: t })
const who = (i: number) => c.wallet(i).account.address

beforeAll(async () => {
  anvil = await startAnvil({ accounts: 8 })
  c = clients(anvil.rpcUrl, anvil.chainId)
  const gov = who(0)
  addr.token = await deploy(token, [gov, gov, gov, gov, gov])
  addr.staking = await deploy(staking, [gov])
  addr.bank = await deploy(bankArt, [gov])
  const t0 = BigInt((await c.pub.getBlock()).timestamp) + 100n
  await call('grant bank', 0, addr.staking, staking.abi, 'grantRole', [await c.pub.readContract({ address: addr.staking, abi: staking.abi, functionName: 'TRUSTED_BANK' }), addr.bank])
  await call('fund bank', 0, addr.token, token.abi, 'transfer', [addr.bank, 1_000_000n * OPEN])
  await call('bank approves', 0, addr.bank, bankArt.abi, 'approve', [addr.token, addr.staking, maxUint256])
  const cfg = (cooldown: bigint) => ({
    bank: '0x0000000000000000000000000000000000000000' as Address,
    manager: who(1),
    token: addr.token,
    interestRate: 12n * 10n ** 16n,
    stakeDuration: 30n * DAY,
    cooldownDuration: cooldown,
    maxStake: 1_000_000n * OPEN,
    minStake: 1n,
    isActive: true,
    isTopupEnabled: true,
    isPublic: true,
  })
  await call('config 1 via Bank', 0, addr.bank, bankArt.abi, 'setConfig', [addr.staking, 1n, cfg(7n * DAY)])
  await call('config 2 via Bank', 0, addr.bank, bankArt.abi, 'setConfig', [addr.staking, 2n, cfg(0n)])
  for (const i of [2, 5]) {
    await call(`fund ${i}`, 0, addr.token, token.abi, 'transfer', [who(i), 10_000n * OPEN])
    await call(`approve ${i}`, i, addr.token, token.abi, 'approve', [addr.staking, maxUint256])
  }
  await at(t0)
  await call('alice stakes', 2, addr.staking, staking.abi, 'stake', [1n, who(2), 1_000n * OPEN]) // id 0
  await call('dave stakes', 5, addr.staking, staking.abi, 'stake', [1n, who(5), 300n * OPEN]) // id 1
  await at(t0 + 10n * DAY)
  await call('alice tops up', 2, addr.staking, staking.abi, 'topUpStake', [0n, 500n * OPEN])
  // commitments signed by the config's manager (EIP-712, domain Staking/1)
  const sign = (recipient: Address, configId: bigint, amount: bigint, startTime: bigint, nonce: bigint) =>
    c.wallet(1).account.signTypedData({
      domain: { name: 'Staking', version: '1', chainId: anvil.chainId, verifyingContract: addr.staking },
      types: { Stake: [{ name: 'recipient', type: 'address' }, { name: 'configId', type: 'uint256' }, { name: 'amount', type: 'uint256' }, { name: 'startTime', type: 'uint256' }, { name: 'nonce', type: 'uint256' }] },
      primaryType: 'Stake',
      message: { recipient, configId, amount, startTime, nonce },
    })
  commitments = { bob: await sign(who(3), 1n, 2_000n * OPEN, t0, 1n), carol: await sign(who(4), 2n, 700n * OPEN, t0, 2n) }
  await call('bob commits', 3, addr.staking, staking.abi, 'commitStake', [commitments.bob]) // id 2
  await call('carol commits', 4, addr.staking, staking.abi, 'commitStake', [commitments.carol]) // id 3
  await at(t0 + 35n * DAY)
  await call('bob opens and requests', 3, addr.staking, staking.abi, 'requestUnstakeWithCommitment', [2n, 1n, t0, 1n, 2_000n * OPEN])
  await call('carol opens and is paid', 4, addr.staking, staking.abi, 'requestUnstakeWithCommitment', [3n, 2n, t0, 2n, 700n * OPEN])
  await at(t0 + 45n * DAY)
  await call('alice requests', 2, addr.staking, staking.abi, 'requestUnstake', [0n])
  // the bank of config 1 is replaced by an account: the next payouts come from it
  await call('fund bank 2', 0, addr.token, token.abi, 'transfer', [who(6), 100_000n * OPEN])
  await call('bank 2 approves', 6, addr.token, token.abi, 'approve', [addr.staking, maxUint256])
  await call('config 1 new bank', 0, addr.bank, bankArt.abi, 'setConfig', [addr.staking, 1n, { ...cfg(7n * DAY), bank: who(6) }])
  await at(t0 + 53n * DAY)
  await call('bob unstakes', 3, addr.staking, staking.abi, 'unstake', [2n])
  await call('alice unstakes', 2, addr.staking, staking.abi, 'unstake', [0n])
  const head = Number(await c.pub.getBlockNumber())

  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-pubstake-'))
  const manifest = path.join(dir, 'manifest.json')
  writeManifest(manifest, { chainId: anvil.chainId, rpcUrl: anvil.rpcUrl, startBlock: 0, contracts: { OpenToken: addr.token, Staking: addr.staking } })
  db = await freshDatabase('pubstake')
  const dataDir = newDataDir()
  const r = spawnSync(process.execPath, [BIN, 'index', '--manifest', manifest, '--to', String(head)], {
    env: { ...process.env, UPKEEP_WAREHOUSE: 'off', UPKEEP_DATA_DIR: dataDir, DB_URL: db.url, RPC_URL: '', FINALITY_CONFIRMATION: '0' },
    encoding: 'utf8',
    timeout: 120_000,
  })
  fs.rmSync(dataDir, { recursive: true, force: true })
  if (r.status !== 0) throw new Error(`index failed (${r.status}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`)
}, 240_000)

afterAll(async () => {
  await anvil?.stop()
  await db?.drop()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

function logsOf(name: string) {
  const { r } = receipts.find((x) => x.name === name)!
  return r.logs.map((l) => {
    const abi = l.address.toLowerCase() === addr.token.toLowerCase() ? token.abi : staking.abi
    return { ...decodeEventLog({ abi, data: l.data, topics: l.topics }), logIndex: l.logIndex }
  }) as unknown as { eventName: string; args: Record<string, unknown>; logIndex: number }[]
}

/** The payout: the one Transfer of the unstake transaction, which the public order puts before Unstaked. */
function payoutOf(name: string) {
  const logs = logsOf(name)
  const transfers = logs.filter((l) => l.eventName === 'Transfer')
  const unstaked = logs.find((l) => l.eventName === 'Unstaked')!
  expect(transfers).toHaveLength(1)
  expect(transfers[0].logIndex).toBeLessThan(unstaked.logIndex)
  return { value: transfers[0].args.value as bigint, from: String(transfers[0].args.from).toLowerCase(), id: String(unstaked.args.stakingId) }
}

describe('the public staking flows, indexed', () => {
  it('every stake: status, staker, principal, payout and interest equal what the raw logs and calldata give', async () => {
    const rows = await query<{ id: string; status: string; staker_id: string; config_id: string; principal: string; payout: string | null; interest: string | null; commitment: string | null }>(
      db.url,
      'select id, status, staker_id, config_id, principal::text, payout::text, interest::text, commitment from stake order by id::int',
    )
    const staked = (name: string) => logsOf(name).find((l) => l.eventName === 'Staked')!.args.amount as bigint
    const topped = logsOf('alice tops up').find((l) => l.eventName === 'ToppedUp')!.args.amount as bigint
    const opened = (name: string) => {
      const d = decodeFunctionData({ abi: staking.abi, data: receipts.find((x) => x.name === name)!.input })
      return (d.args as readonly bigint[])[4]
    }
    const principal = { '0': staked('alice stakes') + topped, '1': staked('dave stakes'), '2': opened('bob opens and requests'), '3': opened('carol opens and is paid') }
    const pay = { '0': payoutOf('alice unstakes'), '2': payoutOf('bob unstakes'), '3': payoutOf('carol opens and is paid') }
    expect(rows.map((r) => [r.id, r.status, r.staker_id, r.config_id])).toEqual([
      ['0', 'unstaked', who(2).toLowerCase(), '1'],
      ['1', 'active', who(5).toLowerCase(), '1'],
      ['2', 'unstaked', who(3).toLowerCase(), '1'],
      ['3', 'unstaked', who(4).toLowerCase(), '2'],
    ])
    for (const r of rows) {
      expect(r.principal, r.id).toBe(String(principal[r.id as keyof typeof principal]))
      const p = pay[r.id as keyof typeof pay]
      expect(r.payout, r.id).toBe(p ? String(p.value) : null)
      expect(r.interest, r.id).toBe(p ? String(p.value - principal[r.id as keyof typeof principal]) : null)
      if (p) expect(p.value).toBeGreaterThan(principal[r.id as keyof typeof principal])
    }
    // the replaced bank paid the later unstakes of config 1; config 2's bank is the Bank contract
    expect(pay['0'].from).toBe(who(6).toLowerCase())
    expect(pay['2'].from).toBe(who(6).toLowerCase())
    expect(pay['3'].from).toBe(addr.bank.toLowerCase())
    expect(rows.find((r) => r.id === '2')!.commitment).toBe(commitments.bob.toLowerCase())
    expect(rows.find((r) => r.id === '3')!.commitment).toBe(commitments.carol.toLowerCase())
  })

  it('configs follow the Bank: created with the Bank as bank, then the bank an update names', async () => {
    const cfgs = await query<{ id: string; bank: string; manager: string; cooldown_duration: string; changes: number }>(db.url, 'select id, bank, manager, cooldown_duration::text, changes from stake_config order by id')
    expect(cfgs).toEqual([
      { id: '1', bank: who(6).toLowerCase(), manager: who(1).toLowerCase(), cooldown_duration: String(7n * DAY), changes: 1 },
      { id: '2', bank: addr.bank.toLowerCase(), manager: who(1).toLowerCase(), cooldown_duration: '0', changes: 0 },
    ])
  })

  it('stake events: one row per raw Staking event, plus the opening of each commitment', async () => {
    const raw = receipts.flatMap((x) => logsOf(x.name)).filter((l) => ['Staked', 'ToppedUp', 'RequestUnstake', 'Unstaked', 'CommitStake'].includes(l.eventName))
    const kinds = await query<{ kind: string; n: number }>(db.url, 'select kind, count(*)::int n from stake_event group by kind order by kind')
    const count = (e: string) => raw.filter((l) => l.eventName === e).length
    expect(kinds).toEqual([
      { kind: 'committed', n: count('CommitStake') },
      { kind: 'opened', n: 2 },
      { kind: 'staked', n: count('Staked') },
      { kind: 'topped_up', n: count('ToppedUp') },
      { kind: 'unstake_requested', n: count('RequestUnstake') },
      { kind: 'unstaked', n: count('Unstaked') },
    ].sort((a, b) => a.kind.localeCompare(b.kind)))
    expect(count('CommitStake')).toBe(2)
    expect(count('RequestUnstake')).toBe(2) // carol's config has no cooldown: paid at once
  })

  it('reconciles with stakes(), stakedAmounts() and balanceOf at the head', async () => {
    const rows = await query<{ id: string; staker_id: string; config_id: string; principal: string; status: string }>(db.url, 'select id, staker_id, config_id, principal::text, status from stake')
    for (const r of rows) {
      const s = (await c.pub.readContract({ address: addr.staking, abi: staking.abi, functionName: 'stakes', args: [BigInt(r.id)] })) as readonly [Address, bigint, bigint, bigint, bigint, bigint]
      if (r.status === 'active') {
        expect([s[0].toLowerCase(), String(s[1]), String(s[5])]).toEqual([r.staker_id, r.config_id, r.principal])
      } else {
        expect(s[5]).toBe(0n) // paid out: deleted on chain
      }
    }
    const pairs = new Set(rows.map((r) => `${r.config_id}:${r.staker_id}`))
    for (const p of pairs) {
      const [config, staker] = p.split(':')
      const onChain = (await c.pub.readContract({ address: addr.staking, abi: staking.abi, functionName: 'stakedAmounts', args: [BigInt(config), staker as Address] })) as bigint
      const indexed = rows.filter((r) => r.config_id === config && r.staker_id === staker && r.status !== 'unstaked').reduce((a, r) => a + BigInt(r.principal), 0n)
      expect(indexed, p).toBe(onChain)
    }
    expect(rows.some((r) => r.status === 'active')).toBe(true)
    const accounts = await query<{ id: string; balance: string }>(db.url, 'select id, balance::text from account where id <> $1', ['0x0000000000000000000000000000000000000000'])
    expect(accounts.length).toBeGreaterThan(5)
    for (const a of accounts) {
      expect(a.balance, a.id).toBe(String(await c.pub.readContract({ address: addr.token, abi: token.abi, functionName: 'balanceOf', args: [a.id as Address] })))
    }
  })

  it('staking interest paid per day (cash basis) is the sum of the derived interests', async () => {
    const [d] = await query<{ s: string }>(db.url, 'select sum(staking_interest_paid)::text s from daily_network_stats')
    const [i] = await query<{ s: string }>(db.url, 'select sum(interest)::text s from stake')
    expect(d.s).toBe(i.s)
    expect(BigInt(d.s)).toBeGreaterThan(0n)
  })
})

describe('staking interest on an accrual basis', () => {
  let spans: Span[]
  beforeAll(async () => {
    // the stakes' lives from the raw receipts and calldata; their values from the contract itself
    const blocks: [number, number][] = []
    for (const x of receipts) blocks.push([Number(x.r.blockNumber), Number((await c.pub.getBlock({ blockNumber: x.r.blockNumber })).timestamp)])
    blocks.sort((a, b) => a[0] - b[0])
    const timeOf = (name: string) => blocks.find((b) => b[0] === Number(receipts.find((x) => x.name === name)!.r.blockNumber))![1]
    const event = (name: string, e: string) => logsOf(name).find((l) => l.eventName === e)!.args
    const opened = (name: string) => decodeFunctionData({ abi: staking.abi, data: receipts.find((x) => x.name === name)!.input }).args as readonly bigint[]
    const values = new ChainStakeValues(c.pub as never, addr.staking, blocks)
    const horizon = Math.floor(blocks[blocks.length - 1][1] / 86_400) * 86_400
    const commitment = (name: string, who: number) => {
      const [, configId, startTime, , amount] = opened(name)
      const openBlock = Number(receipts.find((x) => x.name === name)!.r.blockNumber)
      return { start: Number(startTime), adds: [{ t: Number(startTime), amount }], stop: timeOf(name), commitment: { openBlock, recipient: c.wallet(who).account.address, configId, amount } }
    }
    const lives = [
      { id: '0', start: timeOf('alice stakes'), adds: [{ t: timeOf('alice stakes'), amount: event('alice stakes', 'Staked').amount as bigint }, { t: timeOf('alice tops up'), amount: event('alice tops up', 'ToppedUp').amount as bigint }], stop: timeOf('alice requests') },
      { id: '1', start: timeOf('dave stakes'), adds: [{ t: timeOf('dave stakes'), amount: event('dave stakes', 'Staked').amount as bigint }], stop: null },
      { id: '2', ...commitment('bob opens and requests', 3) },
      { id: '3', ...commitment('carol opens and is paid', 4) },
    ]
    spans = (await Promise.all(lives.map((l) => values.spans(l, horizon)))).flat()
  }, 120_000)

  const indexed = async () =>
    new Map(
      (
        await query<{ k: string; s: string }>(
          db.url,
          `select stake_id || ' ' || to_char(timestamp at time zone 'UTC', 'YYYY-MM-DD') k, sum(value_to - value_from)::text s from stake_accrual group by 1`,
        )
      ).map((r) => [r.k, BigInt(r.s)]),
    )

  it('per stake and UTC day equals the contract\'s own values at the day boundaries (eth_call), commitments backdated to their start', async () => {
    const want = perStakeDay(spans)
    expect(want.size).toBeGreaterThan(100) // four stakes over 30 to 53 days
    expect(await indexed()).toEqual(want)
    // bob's commitment accrues from its signed start time, 35 days before it was opened
    expect([...want.keys()].filter((k) => k.startsWith('2 ')).length).toBeGreaterThanOrEqual(35)
  })

  it('a paid-out stake accrued exactly its payout − principal (raw Transfer logs), with no residue', async () => {
    const got = await indexed()
    const staked = (name: string) => logsOf(name).find((l) => l.eventName === 'Staked')!.args.amount as bigint
    const topped = logsOf('alice tops up').find((l) => l.eventName === 'ToppedUp')!.args.amount as bigint
    const opened = (name: string) => (decodeFunctionData({ abi: staking.abi, data: receipts.find((x) => x.name === name)!.input }).args as readonly bigint[])[4]
    const paid = { '0': payoutOf('alice unstakes').value - staked('alice stakes') - topped, '2': payoutOf('bob unstakes').value - opened('bob opens and requests'), '3': payoutOf('carol opens and is paid').value - opened('carol opens and is paid') }
    for (const [id, interest] of Object.entries(paid)) {
      const accrued = [...got.entries()].filter(([k]) => k.startsWith(`${id} `)).reduce((s, [, v]) => s + v, 0n)
      expect(accrued, id).toBe(interest)
      expect(interest, id).toBeGreaterThan(0n)
    }
    expect(await query(db.url, `select id from stake_accrual where kind <> 'accrual'`)).toEqual([])
  })

  it('daily_network_stats.staking_interest is the day\'s accrual over every stake', async () => {
    const want = new Map<string, bigint>()
    for (const s of spans) {
      const d = new Date(s.from * 1000).toISOString().slice(0, 10)
      want.set(d, (want.get(d) ?? 0n) + s.interest)
    }
    const rows = await query<{ id: string; s: string }>(db.url, `select id, staking_interest::text s from daily_network_stats where staking_interest <> 0 order by id`)
    expect(new Map(rows.map((r) => [r.id, BigInt(r.s)]))).toEqual(new Map([...want].filter(([, v]) => v !== 0n)))
  })
})

