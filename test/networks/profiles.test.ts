// Network profiles: `upkeep index --network openledger` on an OP-Stack-like anvil (chain 1612,
// optimism mode, the fee vault predeploys' code placed with anvil_setCode, transactions paying
// gas in the native token) indexes native fees whose per-block and per-day totals equal an
// independent sum over raw eth_getBlockReceipts, and the vaults' withdrawals and balances equal
// the raw logs and eth_getBalance. A profile with no reachable RPC, no RPC at all or an RPC of
// another chain fails in one line and writes nothing.
import fs from 'node:fs'
import { spawn } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEventLog, encodeFunctionData, parseEther, type Address, type Hex } from 'viem'
import { startAnvil, type Anvil } from '../../src/devnet/anvil'
import { OP_FEE_VAULTS } from '../../src/devnet/manifest'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { newDataDir } from '../helpers/indexer'
import { BIN, built, clients, deadPort, l1FeeOf, startL1FeeProxy } from './helpers'
import path from 'node:path'
import { openWarehouse, queryRows } from '../../src/warehouse/client'
import { compareStores } from '../../src/warehouse/compare'
import { startApi } from '../../src/api/server'
import { apiOptions } from '../../src/api/config'
import { profileManifest } from '../../src/devnet/networks'

const dbs: TestDatabase[] = []
const dirs: string[] = []

/** `upkeep index` as a child process (async: the L1-fee proxy answers from this process). */
function index(env: Record<string, string>, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; dataDir: string }> {
  const dataDir = newDataDir()
  dirs.push(dataDir)
  const child = spawn(process.execPath, [BIN, 'index', ...args], {
    env: { ...process.env, UPKEEP_WAREHOUSE: 'off', UPKEEP_DATA_DIR: dataDir, RPC_URL: '', OPENLEDGER_RPC_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
  return new Promise((resolve) =>
    child.once('exit', (status) => {
      clearTimeout(timer)
      resolve({ status, stdout, stderr, dataDir })
    }),
  )
}

async function tables(url: string) {
  return query(url, `select table_name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`)
}

afterAll(async () => {
  for (const d of dbs) await d.drop()
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

describe('--network openledger refuses a wrong RPC in one line and writes nothing', () => {
  let other: Anvil
  beforeAll(async () => {
    other = await startAnvil({ accounts: 2 }) // chain 31337
  })
  afterAll(async () => other?.stop())

  const cases: [string, () => Promise<Record<string, string>>, () => RegExp][] = [
    ['no RPC configured', async () => ({}), () => /^upkeep: --network openledger needs an RPC of chain 1612: set OPENLEDGER_RPC_URL \(or RPC_URL\)$/],
    ['an RPC nobody answers on', async () => ({ OPENLEDGER_RPC_URL: `http://127.0.0.1:${(port = await deadPort())}` }), () => new RegExp(`^upkeep: RPC http://127\\.0\\.0\\.1:${port} is unreachable`)],
    ['an RPC of another chain', async () => ({ RPC_URL: other.rpcUrl }), () => new RegExp(`^upkeep: RPC ${other.rpcUrl.replace(/\./g, '\\.')} serves chain 31337, the openledger profile is for chain 1612$`)],
  ]
  let port = 0
  for (const [name, env, message] of cases) {
    it(name, async () => {
      const db = await freshDatabase('netcfg')
      dbs.push(db)
      const r = await index({ DB_URL: db.url, ...(await env()) }, ['--network', 'openledger'])
      expect(r.status).not.toBe(0)
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))
      expect(lines, r.stderr).toHaveLength(1)
      expect(lines[0]).toMatch(message())
      expect(await tables(db.url)).toEqual([])
    }, 60_000)
  }

  it('an unknown profile is a usage error naming the choices', async () => {
    const r = await index({}, ['--network', 'moon'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--network.*moon.*devnet, openledger, openledger-testnet, ethereum/s)
  })
})

describe('native fees on an OP-Stack-like devnet (chain 1612)', () => {
  let anvil: Anvil
  let proxy: Awaited<ReturnType<typeof startL1FeeProxy>>
  let db: TestDatabase
  let head = 0
  /** the indexer's data directory: its embedded chDB holds the mirrored fee facts */
  let indexedDir = ''
  const DAY = 86_400

  beforeAll(async () => {
    anvil = await startAnvil({ accounts: 6, chainId: 1612, args: ['--network', 'optimism'] })
    proxy = await startL1FeeProxy(anvil.rpcUrl)
    const c = clients(anvil.rpcUrl, 1612)
    const vault = built('OpFeeVault')
    for (const a of Object.values(OP_FEE_VAULTS)) await c.test.setCode({ address: a, bytecode: vault.deployedBytecode })
    const send = async (i: number, to: Address, value = 0n, data: Hex = '0x') => {
      const hash = await c.wallet(i).sendTransaction({ to, value, data, chain: null })
      return c.pub.waitForTransactionReceipt({ hash })
    }
    const t0 = Number((await c.pub.getBlock()).timestamp)
    // day 1: four senders, plain transfers and calls with calldata (different gas and L1 fees)
    for (let i = 1; i <= 4; i++) await send(i, c.wallet(0).account.address, parseEther('1'), ('0x' + 'ab'.repeat(i * 10)) as Hex)
    await send(1, OP_FEE_VAULTS.SequencerFeeVault, parseEther('3'))
    await send(2, OP_FEE_VAULTS.BaseFeeVault, parseEther('2'))
    await send(3, OP_FEE_VAULTS.L1FeeVault, parseEther('1'))
    await send(0, OP_FEE_VAULTS.SequencerFeeVault, 0n, encodeFunctionData({ abi: vault.abi, functionName: 'setRecipient', args: [c.wallet(5).account.address] }))
    // day 2: two senders (one already seen on day 1), a withdrawal
    await c.test.setNextBlockTimestamp({ timestamp: BigInt(t0 + DAY) })
    await send(2, c.wallet(5).account.address, 5n)
    await send(4, OP_FEE_VAULTS.SequencerFeeVault, 0n, encodeFunctionData({ abi: vault.abi, functionName: 'withdraw' }))
    await send(4, OP_FEE_VAULTS.BaseFeeVault, parseEther('1'))
    head = Number(await c.pub.getBlockNumber())
    db = await freshDatabase('netfees')
    dbs.push(db)
    // with the warehouse: the native-fee facts are mirrored into ClickHouse
    const r = await index({ DB_URL: db.url, OPENLEDGER_RPC_URL: proxy.url, FINALITY_CONFIRMATION: '0', UPKEEP_WAREHOUSE: 'on' }, ['--network', 'openledger', '--to', String(head)])
    if (r.status !== 0) throw new Error(`index failed (${r.status}):\n${r.stderr.slice(-3000)}\n${r.stdout.slice(-3000)}`)
    indexedDir = r.dataDir
  }, 180_000)

  afterAll(async () => {
    await proxy?.close()
    await anvil?.stop()
  })

  /** Independent totals from raw eth_getBlockReceipts (through the same proxy that adds l1Fee). */
  async function rawReceipts() {
    const out: { block: number; ts: number; receipts: { from: string; gasUsed: string; effectiveGasPrice: string; l1Fee?: string; type: string }[] }[] = []
    for (let b = 0; b <= head; b++) {
      const call = async (method: string, params: unknown[]) =>
        ((await (await fetch(proxy.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { result: never }).result
      const receipts = await call('eth_getBlockReceipts', ['0x' + b.toString(16)])
      const block = (await call('eth_getBlockByNumber', ['0x' + b.toString(16), false])) as { timestamp: string }
      out.push({ block: b, ts: Number(BigInt(block.timestamp)), receipts })
    }
    return out
  }

  it('per block: tx count, gas used, gas × effective price and l1Fee equal the raw receipts', async () => {
    const raw = (await rawReceipts()).filter((b) => b.receipts.length > 0)
    const rows = await query<{ block_number: number; tx_count: number; gas_used: string; execution_fees: string; l1_fees: string; fees: string }>(
      db.url,
      'select block_number, tx_count, gas_used::text, execution_fees::text, l1_fees::text, fees::text from network_fee_block order by block_number',
    )
    expect(rows.map((r) => r.block_number)).toEqual(raw.map((b) => b.block))
    for (const [i, b] of raw.entries()) {
      const exec = b.receipts.reduce((a, r) => a + BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice), 0n)
      const l1 = b.receipts.reduce((a, r) => a + BigInt(r.l1Fee!), 0n)
      expect(exec).toBeGreaterThan(0n)
      expect(l1).toBe(b.receipts.reduce((a, r) => a + l1FeeOf(r as never), 0n))
      expect(rows[i]).toEqual({
        block_number: b.block,
        tx_count: b.receipts.length,
        gas_used: String(b.receipts.reduce((a, r) => a + BigInt(r.gasUsed), 0n)),
        execution_fees: String(exec),
        l1_fees: String(l1),
        fees: String(exec + l1),
      })
    }
  })

  it('per UTC day: totals and distinct active senders equal the raw receipts', async () => {
    const days = new Map<string, { tx: number; gas: bigint; fees: bigint; l1: bigint; senders: Set<string> }>()
    for (const b of await rawReceipts()) {
      const id = new Date(b.ts * 1000).toISOString().slice(0, 10)
      for (const r of b.receipts) {
        const d = days.get(id) ?? { tx: 0, gas: 0n, fees: 0n, l1: 0n, senders: new Set<string>() }
        d.tx++
        d.gas += BigInt(r.gasUsed)
        d.l1 += BigInt(r.l1Fee!)
        d.fees += BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice) + BigInt(r.l1Fee!)
        d.senders.add(r.from.toLowerCase())
        days.set(id, d)
      }
    }
    expect(days.size).toBe(2)
    const rows = await query<{ id: string; tx_count: number; gas_used: string; l1_fees: string; fees: string; active_senders: number }>(
      db.url,
      'select id, tx_count, gas_used::text, l1_fees::text, fees::text, active_senders from daily_network_fees order by id',
    )
    expect(rows).toEqual([...days].sort().map(([id, d]) => ({ id, tx_count: d.tx, gas_used: String(d.gas), l1_fees: String(d.l1), fees: String(d.fees), active_senders: d.senders.size })))
    expect(rows.map((r) => r.active_senders)).toEqual([5, 2])
  })

  /** Independent totals per UTC day (and overall) from the raw receipts. */
  async function rawDays() {
    const days = new Map<string, { tx: number; gas: bigint; exec: bigint; l1: bigint; senders: Set<string> }>()
    const all = { tx: 0, gas: 0n, exec: 0n, l1: 0n, senders: new Set<string>() }
    for (const b of await rawReceipts()) {
      const id = new Date(b.ts * 1000).toISOString().slice(0, 10)
      for (const r of b.receipts) {
        const d = days.get(id) ?? { tx: 0, gas: 0n, exec: 0n, l1: 0n, senders: new Set<string>() }
        for (const x of [d, all]) {
          x.tx++
          x.gas += BigInt(r.gasUsed)
          x.exec += BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice)
          x.l1 += BigInt(r.l1Fee!)
          x.senders.add(r.from.toLowerCase())
        }
        days.set(id, d)
      }
    }
    return { days, all }
  }

  it('ClickHouse mirrors the fee facts: the reconciliation finds every fee table equal to Postgres, nothing unknown', async () => {
    const { mismatches, rows } = await compareStores(indexedDir, db.url)
    expect(mismatches).toEqual([])
    const blocks = (await rawReceipts()).filter((b) => b.receipts.length > 0).length
    expect(rows.network_fee_block).toBe(blocks)
    expect(rows.fee_vault_withdrawal).toBe(1)
    expect(rows.fee_vault_balance).toBeGreaterThanOrEqual(3)
  })

  it('network fees in SQL (ClickHouse) and in networkSustainability (GraphQL) equal the raw receipts, per day and in total', async () => {
    const { days, all } = await rawDays()
    expect(days.size).toBe(2)
    const warehouse = await openWarehouse({ mode: 'embedded', path: path.join(indexedDir, 'chdb'), database: 'upkeep' })
    try {
      // SQL over the ClickHouse facts
      const [ch] = await queryRows<Record<string, string>>(
        warehouse,
        `SELECT toString(sum(tx_count)) AS tx, toString(sum(gas_used)) AS gas, toString(sum(execution_fees)) AS exec, toString(sum(l1_fees)) AS l1, toString(sum(fees)) AS fees FROM ${warehouse.table('network_fee_block')} FINAL`,
      )
      expect(ch).toEqual({ tx: String(all.tx), gas: String(all.gas), exec: String(all.exec), l1: String(all.l1), fees: String(all.exec + all.l1) })
      // GraphQL, on the openledger profile's manifest (no contract, native fees on an OP Stack chain)
      const api = await startApi({ dbUrl: db.url, warehouse, ...apiOptions(profileManifest('openledger', { OPENLEDGER_RPC_URL: proxy.url }), { port: 0, host: '127.0.0.1', limits: {}, production: false }) })
      try {
        const ids = [...days.keys()].sort()
        const from = `${ids[0]}T00:00:00Z`
        const to = new Date(Date.parse(`${ids[ids.length - 1]}T00:00:00Z`) + DAY * 1000).toISOString()
        const fields = 'periodStart networkFees networkExecutionFees networkL1Fees networkGasUsed networkTxCount networkActiveSenders inferenceFees'
        const ask = async (f: string, t: string) => {
          const res = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: `{ networkSustainability(from: "${f}", to: "${t}", interval: DAY) { totals { ${fields} } series { ${fields} } unknowns { field reason } } }` }),
          })
          return (await res.json()) as { data: { networkSustainability: { totals: Record<string, unknown>; series: Record<string, unknown>[]; unknowns: { field: string; reason: string }[] } }; errors?: unknown }
        }
        const point = (periodStart: string, x: { tx: number; gas: bigint; exec: bigint; l1: bigint; senders: Set<string> }) => ({
          periodStart,
          networkFees: String(x.exec + x.l1),
          networkExecutionFees: String(x.exec),
          networkL1Fees: String(x.l1),
          networkGasUsed: String(x.gas),
          networkTxCount: x.tx,
          networkActiveSenders: x.senders.size,
          inferenceFees: null,
        })
        const r = await ask(from, to)
        expect(r.errors).toBeUndefined()
        const s = r.data.networkSustainability
        expect(s.totals).toEqual(point(ids[0], all))
        expect(s.series).toEqual(ids.map((id) => point(id, days.get(id)!)))
        expect(all.senders.size).toBe(5)
        expect(s.unknowns).toContainEqual({ field: 'totals.inferenceFees', reason: 'no InferenceSettlement on this network' })
        // not whole UTC days: the fees are still exact, active senders unknown with the reason
        // (the chain's blocks start at midnight of its first day: the window ends a second early instead)
        const odd = await ask(from, new Date(Date.parse(to) - 1000).toISOString())
        expect(odd.data.networkSustainability.totals.networkFees).toBe(String(all.exec + all.l1))
        expect(odd.data.networkSustainability.totals.networkActiveSenders).toBeNull()
        expect(odd.data.networkSustainability.unknowns).toContainEqual({ field: 'totals.networkActiveSenders', reason: 'active senders are kept per UTC day: ask for a period of whole UTC days' })
      } finally {
        await api.close()
      }
    } finally {
      await warehouse.close()
    }
  })

  it('GraphQL answers the daily native fees as exact strings, equal to the table', async () => {
    const chDir = newDataDir()
    dirs.push(chDir)
    const warehouse = await openWarehouse({ mode: 'embedded', path: chDir, database: 'upkeep' })
    const zero = '0x0000000000000000000000000000000000000000'
    const api = await startApi({ dbUrl: db.url, warehouse, metrics: { treasury: zero, distributor: zero } })
    try {
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ dailyNetworkFees(orderBy: id_ASC, limit: 10) { id txCount gasUsed executionFees l1Fees fees activeSenders } }' }),
      })
      const body = (await res.json()) as { data?: { dailyNetworkFees: Record<string, unknown>[] }; errors?: unknown }
      expect(body.errors).toBeUndefined()
      const rows = await query<Record<string, unknown>>(
        db.url,
        'select id, tx_count "txCount", gas_used::text "gasUsed", execution_fees::text "executionFees", l1_fees::text "l1Fees", fees::text fees, active_senders "activeSenders" from daily_network_fees order by id',
      )
      expect(rows).toHaveLength(2)
      expect(body.data!.dailyNetworkFees).toEqual(rows)
    } finally {
      await api.close()
      await warehouse.close()
    }
  })

  it('fee vault withdrawals equal the raw Withdrawal logs; every balance snapshot equals eth_getBalance at its block', async () => {
    const c = clients(anvil.rpcUrl, 1612)
    const abi = built('OpFeeVault').abi
    const logs = await c.pub.getLogs({ address: Object.values(OP_FEE_VAULTS), fromBlock: 0n, toBlock: BigInt(head) })
    const legacy = logs
      .map((l) => ({ l, d: decodeEventLog({ abi, data: l.data, topics: l.topics }) }))
      .filter((x) => x.d.eventName === 'Withdrawal' && (x.d.args as unknown as unknown[]).length !== 4 && !('withdrawalNetwork' in (x.d.args as object)))
    expect(legacy).toHaveLength(1)
    const w = await query<{ vault: string; amount: string; to: string; tx_hash: string }>(db.url, 'select vault, amount::text, "to", tx_hash from fee_vault_withdrawal')
    const args = legacy[0].d.args as unknown as { value: bigint; to: string }
    expect(w).toEqual([{ vault: 'SequencerFeeVault', amount: String(args.value), to: args.to.toLowerCase(), tx_hash: legacy[0].l.transactionHash }])
    expect(args.value).toBe(parseEther('3'))
    const snaps = await query<{ vault: string; balance: string; block_number: number }>(db.url, 'select vault, balance::text, block_number from fee_vault_balance order by id')
    expect(snaps.length).toBeGreaterThanOrEqual(3)
    expect(snaps.some((s) => s.block_number === head)).toBe(true)
    for (const s of snaps) {
      const address = OP_FEE_VAULTS[s.vault as keyof typeof OP_FEE_VAULTS]
      expect(s.balance, `${s.vault} at ${s.block_number}`).toBe(String(await c.pub.getBalance({ address, blockNumber: BigInt(s.block_number) })))
    }
  })
})
