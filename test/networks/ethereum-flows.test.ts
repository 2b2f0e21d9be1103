// OPEN on Ethereum, as the `ethereum` profile indexes it: a manifest naming only the ERC-20, with
// labels for an allocation wallet and a stand-in for the LayerZero adapter (an account: the real
// adapter's code is not needed to hold OPEN). tokenFlows answers each labelled account's balance
// and flows, the OPEN locked in the adapter ("bridged out") and what left the allocation wallet
// (unlock flows), equal to what the test decodes from the raw Transfer logs and to balanceOf.
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEventLog, type Address } from 'viem'
import { startAnvil, type Anvil } from '../../src/devnet/anvil'
import { readManifest, writeManifest } from '../../src/devnet/manifest'
import { openWarehouse, type Warehouse } from '../../src/warehouse/client'
import { startApi, type ApiServer } from '../../src/api/server'
import { apiOptions } from '../../src/api/config'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { newDataDir } from '../helpers/indexer'
import { BIN, built, clients } from './helpers'
import { postGraphQL, type GraphQLAnswer } from '../helpers/api'

const OPEN = 10n ** 18n
const DAY = 86_400n
const SETTINGS = { port: 0, host: '127.0.0.1', limits: {}, production: false }
let anvil: Anvil
let c: ReturnType<typeof clients>
let db: TestDatabase
let dataDir: string
/** the manifest (outside the data directory, which must hold only what upkeep writes) */
let manifestDir: string
let warehouse: Warehouse
let api: ApiServer
let unlabelled: ApiServer
let token: Address
let day2 = 0n
let end = 0n
const who = (i: number) => c.wallet(i).account.address
const token$ = built('OpenToken')

beforeAll(async () => {
  anvil = await startAnvil({ accounts: 9 })
  c = clients(anvil.rpcUrl, anvil.chainId)
  // community, ecosystem, investors, team, liquidity
  const hash = await c.wallet(0).deployContract({ abi: token$.abi, bytecode: token$.bytecode, args: [who(1), who(2), who(3), who(4), who(5)], chain: null } as never)
  token = (await c.pub.waitForTransactionReceipt({ hash })).contractAddress!
  const send = async (from: number, to: Address, amount: bigint) => {
    const h = await c.wallet(from).writeContract({ address: token, abi: token$.abi, functionName: 'transfer', args: [to, amount], chain: null } as never)
    expect((await c.pub.waitForTransactionReceipt({ hash: h })).status).toBe('success')
  }
  const adapter = who(7)
  const t0 = BigInt((await c.pub.getBlock()).timestamp)
  day2 = (t0 / DAY + 1n) * DAY
  // day 1: the team wallet unlocks to a holder; holders bridge out
  await send(4, who(6), 1_000n * OPEN)
  await send(1, adapter, 2_000n * OPEN)
  await send(6, adapter, 400n * OPEN)
  // day 2: more unlocks, one bridged back (the adapter releases), the team wallet receives once
  await c.test.setNextBlockTimestamp({ timestamp: day2 + 3_600n })
  await send(4, who(8), 250n * OPEN)
  await send(7, who(8), 300n * OPEN)
  await send(5, who(4), 10n * OPEN)
  end = BigInt((await c.pub.getBlock()).timestamp) + 1n
  const head = Number(await c.pub.getBlockNumber())

  dataDir = newDataDir()
  manifestDir = newDataDir()
  const file = path.join(manifestDir, 'ethereum.json')
  writeManifest(file, {
    network: 'ethereum',
    chainId: anvil.chainId,
    rpcUrl: anvil.rpcUrl,
    startBlock: 0,
    contracts: { OpenToken: token },
    labels: { [who(4).toLowerCase()]: 'allocation:team', [adapter.toLowerCase()]: 'bridge:layerzero-oft-adapter' },
  })
  db = await freshDatabase('ethflows')
  const r = spawnSync(process.execPath, [BIN, 'index', '--manifest', file, '--to', String(head)], {
    env: { ...process.env, UPKEEP_DATA_DIR: dataDir, DB_URL: db.url, RPC_URL: '', FINALITY_CONFIRMATION: '0' },
    encoding: 'utf8',
    timeout: 180_000,
  })
  if (r.status !== 0) throw new Error(`index failed (${r.status}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`)
  warehouse = await openWarehouse({ mode: 'embedded', path: path.join(dataDir, 'chdb'), database: 'upkeep' })
  const m = readManifest(file)
  api = await startApi({ dbUrl: db.url, warehouse, ...apiOptions(m, SETTINGS) })
  unlabelled = await startApi({ dbUrl: db.url, warehouse, ...apiOptions({ ...m, labels: {} }, SETTINGS) })
}, 240_000)

afterAll(async () => {
  await api?.close().catch(() => {})
  await unlabelled?.close().catch(() => {})
  await warehouse?.close().catch(() => {})
  await anvil?.stop()
  await db?.drop()
  for (const d of [dataDir, manifestDir]) if (d) fs.rmSync(d, { recursive: true, force: true })
})

async function gql<T>(server: ApiServer, query: string): Promise<GraphQLAnswer<T>> {
  return (await postGraphQL<T>(server.url, query)).body
}

/** Balance at `to` and flows in [from, to) of an account, from the raw Transfer logs. */
async function raw(account: Address, from: bigint, to: bigint) {
  const logs = await c.pub.getLogs({ address: token, fromBlock: 0n, toBlock: 'latest' })
  let balance = 0n
  let inflow = 0n
  let outflow = 0n
  for (const l of logs) {
    const d = decodeEventLog({ abi: token$.abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: { from: Address; to: Address; value: bigint } }
    if (d.eventName !== 'Transfer') continue
    const t = (await c.pub.getBlock({ blockNumber: l.blockNumber! })).timestamp
    if (t >= to) continue
    const a = account.toLowerCase()
    const into = d.args.to.toLowerCase() === a
    const out = d.args.from.toLowerCase() === a
    if (into) balance += d.args.value
    if (out) balance -= d.args.value
    if (t >= from && into) inflow += d.args.value
    if (t >= from && out) outflow += d.args.value
  }
  return { balance, inflow, outflow }
}

const iso = (t: bigint) => new Date(Number(t) * 1000).toISOString()
const FLOWS = (from: bigint, to: bigint) => `{ tokenFlows(from: "${iso(from)}", to: "${iso(to)}") { accounts { label account balance inflow outflow } bridgedOut allocationOutflow unknowns { field reason } } }`
type Flows = { tokenFlows: { accounts: { label: string; account: string; balance: string; inflow: string; outflow: string }[]; bridgedOut: string | null; allocationOutflow: string | null; unknowns: unknown[] } }

describe('OPEN on Ethereum: labelled accounts, bridged out, unlock flows', () => {
  for (const [name, from] of [
    ['the whole run', 0n],
    ['day 2 only', -1n],
  ] as const) {
    it(`${name}: each labelled account, bridged out and the allocation outflow equal the raw Transfer logs`, async () => {
      const f = from < 0n ? day2 : (await c.pub.getBlock({ blockNumber: 0n })).timestamp
      const r = await gql<Flows>(api, FLOWS(f, end))
      expect(r.errors).toBeUndefined()
      const t = r.data!.tokenFlows
      const team = await raw(who(4), f, end)
      const adapter = await raw(who(7), f, end)
      expect(t.accounts).toEqual(
        [
          { label: 'allocation:team', account: who(4).toLowerCase(), ...team },
          { label: 'bridge:layerzero-oft-adapter', account: who(7).toLowerCase(), ...adapter },
        ]
          .map((x) => ({ ...x, balance: String(x.balance), inflow: String(x.inflow), outflow: String(x.outflow) }))
          .sort((a, b) => (a.account < b.account ? -1 : 1)),
      )
      expect(t.bridgedOut).toBe(String(adapter.balance))
      expect(t.allocationOutflow).toBe(String(team.outflow))
      expect(t.unknowns).toEqual([])
      // at the head, what is locked in the adapter is its balanceOf
      expect(adapter.balance).toBe(await c.pub.readContract({ address: token, abi: token$.abi, functionName: 'balanceOf', args: [who(7)] }))
      expect(adapter.balance).toBe(2_100n * OPEN)
      expect(team.outflow).toBe(from < 0n ? 250n * OPEN : 1_250n * OPEN)
    })
  }

  it('without labels: bridged out and unlock flows are null with the reason; bad input is refused', async () => {
    const r = await gql<Flows>(unlabelled, FLOWS(day2, end))
    expect(r.errors).toBeUndefined()
    expect(r.data!.tokenFlows.accounts).toEqual([])
    expect(r.data!.tokenFlows.bridgedOut).toBeNull()
    expect(r.data!.tokenFlows.allocationOutflow).toBeNull()
    expect(r.data!.tokenFlows.unknowns).toEqual([
      { field: 'bridgedOut', reason: 'no bridge adapter account is labelled (a label starting with "bridge:" in the manifest\'s labels)' },
      { field: 'allocationOutflow', reason: 'no allocation wallet account is labelled (a label starting with "allocation:" in the manifest\'s labels)' },
    ])
    const bad = await gql<Flows>(api, FLOWS(end, day2))
    expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT')
    expect(bad.errors?.[0].message).toMatch(/"from" .* must be before "to"/)
  })
})
