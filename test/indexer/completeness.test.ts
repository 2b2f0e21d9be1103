// Completeness: every event type's count and amounts in Postgres equal what this test computes
// from raw eth_getLogs (decoded here with viem and the ABI JSON, not the indexer's bindings);
// balances equal both the folded Transfer flows and balanceOf on chain; ClickHouse equals
// Postgres row for row.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeEventLog, erc20Abi, type Abi, type Address, type Log } from 'viem'
import { loadDevnet, rawLogs, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { getMetadataArgsStorage } from 'typeorm'
import '../../src/model'

const snakeCase = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()

const ABI_DIR = path.resolve(__dirname, '..', '..', 'abi')
const ZERO = '0x0000000000000000000000000000000000000000'

interface Decoded {
  contract: string
  name: string
  args: Record<string, unknown>
  log: Log
}

let devnet: LoadedDevnet
let db: TestDatabase
let dataDir: string
let events: Decoded[]

function sum(list: Decoded[], field: string): bigint {
  return list.reduce((a, e) => a + BigInt(e.args[field] as bigint | number), 0n)
}
const of = (name: string) => events.filter((e) => `${e.contract}.${e.name}` === name)

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('complete')
  dataDir = newDataDir()
  await indexTo({ manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir }, devnet.endBlock)
  // independent decode of every protocol log
  const byAddress = new Map<string, { contract: string; abi: Abi }>()
  for (const [contract, address] of Object.entries(devnet.manifest.contracts)) {
    byAddress.set(address.toLowerCase(), { contract, abi: JSON.parse(fs.readFileSync(path.join(ABI_DIR, `${contract}.json`), 'utf8')) })
  }
  const logs = await rawLogs(devnet.publicClient, Object.values(devnet.manifest.contracts) as Address[], devnet.manifest.startBlock, devnet.endBlock)
  events = logs.map((log) => {
    const c = byAddress.get(log.address.toLowerCase())!
    const d = decodeEventLog({ abi: c.abi, data: log.data, topics: log.topics })
    return { contract: c.contract, name: d.eventName!, args: d.args as unknown as Record<string, unknown>, log }
  })
}, 240_000)

afterAll(async () => {
  await devnet?.stop()
  await db?.drop()
  fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('indexer completeness against raw logs', () => {
  it('indexed a realistic workload', () => {
    expect(events.length).toBeGreaterThan(10_000)
    expect(of('InferenceSettlement.InferenceSettled').length).toBeGreaterThan(1_000)
  })

  it('counts and amounts per event type equal the raw logs', async () => {
    const one = async (sql: string) => (await query<{ n: string; s: string | null }>(db.url, sql))[0]
    const checks: [string, string, bigint | number][] = []
    const expectRow = async (label: string, sql: string, n: number, s?: bigint) => {
      const r = await one(sql)
      checks.push([label + ' count', r.n, n])
      if (s !== undefined) checks.push([label + ' sum', r.s ?? '0', s])
    }
    const transfers = of('OpenToken.Transfer')
    await expectRow('transfers', 'select count(*)::text n, sum(amount)::text s from token_transfer', transfers.length, sum(transfers, 'value'))
    const burns = transfers.filter((e) => e.args.to === ZERO && e.args.from !== ZERO)
    await expectRow('burns', 'select count(*)::text n, sum(amount)::text s from burn', burns.length, sum(burns, 'value'))
    await expectRow('datanets', 'select count(*)::text n, null s from datanet', of('DatanetRegistry.DatanetCreated').length)
    await expectRow('contributions', 'select count(*)::text n, null s from contribution', of('DatanetRegistry.ContributionRecorded').length)
    const regs = of('ModelRegistry.ModelRegistered')
    await expectRow('models', 'select count(*)::text n, sum(deployment_fee)::text s from model', regs.length, sum(regs, 'deploymentFee'))
    const prices = of('ModelRegistry.ModelPriceChanged')
    await expectRow('price changes', 'select count(*)::text n, sum(new_price)::text s from model_price_change where old_price is not null', prices.length, sum(prices, 'newPrice'))
    await expectRow('adapter updates', 'select count(*)::text n, null s from adapter_version where version > 1', of('ModelRegistry.AdapterUpdated').length)
    await expectRow('retirements', 'select count(*)::text n, null s from model where retired', of('ModelRegistry.ModelRetired').length)
    await expectRow('policies', 'select count(*)::text n, null s from fee_policy_version', of('FeePolicy.FeePolicySet').length)
    await expectRow('operators', 'select count(*)::text n, null s from operator', of('InferenceSettlement.OperatorRegistered').length)
    await expectRow('removed operators', 'select count(*)::text n, null s from operator where not active', of('InferenceSettlement.OperatorRemoved').length)
    const deposits = of('InferenceSettlement.EscrowDeposited')
    await expectRow('deposits', `select count(*)::text n, sum(amount)::text s from escrow_movement where kind = 'deposit'`, deposits.length, sum(deposits, 'amount'))
    const withdrawals = of('InferenceSettlement.EscrowWithdrawn')
    await expectRow('withdrawals', `select count(*)::text n, sum(amount)::text s from escrow_movement where kind = 'withdrawal'`, withdrawals.length, sum(withdrawals, 'amount'))
    const inf = of('InferenceSettlement.InferenceSettled')
    for (const [col, field] of [
      ['fee', 'fee'],
      ['units', 'units'],
      ['creator_share', 'creatorShare'],
      ['contributors_share', 'contributorsShare'],
      ['infra_share', 'infraShare'],
      ['treasury_share', 'treasuryShare'],
      ['burn_share', 'burnShare'],
    ]) {
      await expectRow(`inference ${col}`, `select count(*)::text n, sum(${col})::text s from inference`, inf.length, sum(inf, field))
    }
    const batches = of('InferenceSettlement.BatchSettled')
    await expectRow('batches', 'select count(*)::text n, sum(total_fees)::text s from settlement_batch', batches.length, sum(batches, 'totalFees'))
    const costs = of('InferenceSettlement.ServingCostCommitted')
    expect(costs.length).toBeGreaterThanOrEqual(batches.length)
    for (const [col, field] of [
      ['cpu_micros', 'cpuMicros'],
      ['adapter_byte_seconds', 'adapterByteSeconds'],
      ['inferences', 'inferences'],
    ]) {
      await expectRow(`serving cost ${col}`, `select count(*)::text n, sum(${col})::text s from serving_cost`, costs.length, sum(costs, field))
    }
    // every settled receipt is counted in exactly one committed cost; the workload's cost model is
    // 4,000 CPU µs per unit (docs/PROTOCOL.md, "Serving cost"), recomputed here from the raw units
    expect(sum(costs, 'inferences')).toBe(BigInt(inf.length))
    expect(sum(costs, 'cpuMicros')).toBe(4_000n * sum(inf, 'units'))
    const declared = of('ModelRegistry.AdapterCostDeclared')
    expect(declared.length).toBeGreaterThan(0)
    await expectRow('adapter cost declarations', 'select count(*)::text n, sum(micro_usd_per_month)::text s from adapter_cost_declaration', declared.length, sum(declared, 'microUsdPerMonth'))
    const cp = of('InferenceSettlement.CreatorPaid')
    await expectRow('creator payouts', 'select count(*)::text n, sum(amount)::text s from creator_payout', cp.length, sum(cp, 'amount'))
    const op = of('InferenceSettlement.OperatorPaid')
    await expectRow('operator payouts', 'select count(*)::text n, sum(amount)::text s from operator_payout', op.length, sum(op, 'amount'))
    const ap = of('AttributionSettlement.AttributionPaid')
    await expectRow('attribution payouts', 'select count(*)::text n, sum(amount)::text s from attribution_payout', ap.length, sum(ap, 'amount'))
    const ep = of('AttributionSettlement.EpochClosed')
    await expectRow('epochs', 'select count(*)::text n, sum(pool)::text s from attribution_epoch', ep.length, sum(ep, 'pool'))
    const inc = of('RewardsDistributor.IncentivePaid')
    await expectRow('incentives', 'select count(*)::text n, sum(amount)::text s from incentive_payment', inc.length, sum(inc, 'amount'))
    for (const [role, code] of [['contributor', 1], ['creator', 0], ['staker', 2], ['operator', 3]] as const) {
      const list = inc.filter((e) => Number(e.args.role) === code)
      await expectRow(`incentives ${role}`, `select count(*)::text n, sum(amount)::text s from incentive_payment where role = '${role}'`, list.length, sum(list, 'amount'))
    }
    const bt = of('RewardsDistributor.BucketTransfer')
    await expectRow('bucket transfers', 'select count(*)::text n, sum(amount)::text s from bucket_transfer', bt.length, sum(bt, 'amount'))
    const sc = of('TokenVesting.ScheduleCreated')
    await expectRow('vesting schedules', 'select count(*)::text n, sum(total)::text s from vesting_schedule', sc.length, sum(sc, 'total'))
    const rel = of('TokenVesting.TokensReleased')
    await expectRow('vesting releases', 'select count(*)::text n, sum(amount)::text s from vesting_release', rel.length, sum(rel, 'amount'))
    const staked = of('Staking.Staked')
    await expectRow('stakes', 'select count(*)::text n, sum(initial_amount)::text s from stake', staked.length, sum(staked, 'amount'))
    const tops = of('Staking.ToppedUp')
    await expectRow('top-ups', `select count(*)::text n, sum(amount)::text s from stake_event where kind = 'topped_up'`, tops.length, sum(tops, 'amount'))
    await expectRow('unstakes', `select count(*)::text n, null s from stake where status = 'unstaked'`, of('Staking.Unstaked').length)
    const slashes = of('AgentRegistry.AgentSlashed')
    await expectRow('slashes', 'select count(*)::text n, sum(amount)::text s from slash', slashes.length, sum(slashes, 'amount'))
    await expectRow('agents', 'select count(*)::text n, null s from agent', of('AgentRegistry.AgentRegistered').length)
    const grants = events.filter((e) => e.name === 'RoleGranted')
    await expectRow('role grants', 'select count(*)::text n, null s from role_change where granted', grants.length)
    await expectRow('unknown logs', 'select count(*)::text n, null s from unknown_log', 0)
    const bad = checks.filter(([, got, want]) => String(got) !== String(want))
    expect(bad, bad.map(([l, g, w]) => `${l}: indexed ${g}, raw logs ${w}`).join('\n')).toEqual([])
    expect(checks.length).toBeGreaterThan(60)
  })

  it('staking interest equals the bank payout minus what was staked, per stake', async () => {
    const rows = await query<{ id: string; interest: string; payout: string }>(db.url, `select id, interest::text, payout::text from stake where status = 'unstaked' order by id::int`)
    expect(rows.length).toBeGreaterThan(0)
    const bank = devnet.manifest.accounts.stakingBank.toLowerCase()
    for (const r of rows) {
      const unstaked = of('Staking.Unstaked').find((e) => String(e.args.stakingId) === r.id)!
      const payout = of('OpenToken.Transfer').find(
        (e) => e.log.transactionHash === unstaked.log.transactionHash && String(e.args.from).toLowerCase() === bank,
      )!
      const staked = of('Staking.Staked').find((e) => String(e.args.stakingId) === r.id)!
      const topped = of('Staking.ToppedUp').filter((e) => String(e.args.stakingId) === r.id)
      const principal = BigInt(staked.args.amount as bigint) + sum(topped, 'amount')
      expect(r.payout).toBe(String(payout.args.value))
      expect(r.interest).toBe(String(BigInt(payout.args.value as bigint) - principal))
      expect(BigInt(r.interest)).toBeGreaterThan(0n)
    }
  })

  it('every account balance equals its net Transfer flow and balanceOf on chain', async () => {
    const flows = new Map<string, bigint>()
    for (const e of of('OpenToken.Transfer')) {
      const from = String(e.args.from).toLowerCase()
      const to = String(e.args.to).toLowerCase()
      const v = BigInt(e.args.value as bigint)
      if (from !== ZERO) flows.set(from, (flows.get(from) ?? 0n) - v)
      if (to !== ZERO) flows.set(to, (flows.get(to) ?? 0n) + v)
    }
    const accounts = await query<{ id: string; balance: string }>(db.url, `select id, balance::text from account where id <> '${ZERO}'`)
    const indexed = new Map(accounts.map((a) => [a.id, a.balance]))
    for (const [addr, flow] of flows) expect(indexed.get(addr), addr).toBe(flow.toString())
    // creators, contributors and the treasury against the chain itself
    const creators = await query<{ id: string; balance: string }>(db.url, `select id, balance::text from account where is_creator or is_contributor or id = $1`, [
      devnet.manifest.accounts.treasury.toLowerCase(),
    ])
    expect(creators.length).toBeGreaterThan(20)
    for (const a of creators) {
      const onChain = await devnet.publicClient.readContract({
        address: devnet.manifest.contracts.OpenToken,
        abi: erc20Abi,
        functionName: 'balanceOf',
        args: [a.id as Address],
        blockNumber: BigInt(devnet.endBlock),
      })
      expect(a.balance, a.id).toBe(onChain.toString())
    }
  })

  it('daily network stats fold to the same totals as the raw logs', async () => {
    const [d] = await query<{ fees: string; n: string; burned: string; inc: string; rel: string }>(
      db.url,
      `select sum(fees)::text fees, sum(inferences)::text n, sum(burned)::text burned, sum(incentives)::text inc, sum(vesting_released)::text rel from daily_network_stats`,
    )
    const inf = of('InferenceSettlement.InferenceSettled')
    expect(d.fees).toBe(sum(inf, 'fee').toString())
    expect(d.n).toBe(String(inf.length))
    const burns = of('OpenToken.Transfer').filter((e) => e.args.to === ZERO && e.args.from !== ZERO)
    expect(d.burned).toBe(sum(burns, 'value').toString())
    expect(d.inc).toBe(sum(of('RewardsDistributor.IncentivePaid'), 'amount').toString())
    expect(d.rel).toBe(sum(of('TokenVesting.TokensReleased'), 'amount').toString())
  })

  it('ClickHouse holds exactly the Postgres event rows', async () => {
    const r = await compareStores(dataDir, db.url)
    expect(r.mismatches).toEqual([])
    expect(r.rows.inference).toBe(of('InferenceSettlement.InferenceSettled').length)
  })

  it('no reference dangles (event tables carry no FK constraints, so the fold must be right)', async () => {
    const refs = getMetadataArgsStorage().relations.filter((r) => r.relationType === 'many-to-one')
    expect(refs.length).toBeGreaterThan(20)
    let checked = 0
    for (const r of refs) {
      const child = snakeCase((r.target as Function).name)
      const parent = snakeCase(((r.type as () => Function)()).name)
      const col = `${snakeCase(r.propertyName)}_id`
      const [{ n, total }] = await query<{ n: string; total: string }>(
        db.url,
        `select count(*) filter (where p.id is null) as n, count(c."${col}") as total from "${child}" c left join "${parent}" p on p.id = c."${col}" where c."${col}" is not null`,
      )
      expect({ ref: `${child}.${col} -> ${parent}`, dangling: n }).toEqual({ ref: `${child}.${col} -> ${parent}`, dangling: '0' })
      checked += Number(total)
    }
    expect(checked).toBeGreaterThan(events.length / 2)
  })
})

