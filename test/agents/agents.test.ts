// [agents] acceptance: what the indexer recorded about agents and operators reconciles with the
// chain itself — AgentRegistry and InferenceSettlement getters and OPEN balances read at the
// indexed head, raw logs decoded here with viem, totalSupply before and after each slash — and
// the GraphQL agent/operator queries answer the same numbers, refusing malformed input.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { erc20Abi, type Abi, type Address } from 'viem'
import fs from 'node:fs'
import path from 'node:path'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { query } from '../helpers/pg'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { queryRows } from '../../src/warehouse/client'

const ZERO = '0x0000000000000000000000000000000000000000'
const abi = (name: string) => JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'abi', `${name}.json`), 'utf8')) as Abi

let t: IndexedApi
let events: RawEvent[]
let head: bigint
const sql = <T extends pg.QueryResultRow = Record<string, string>>(text: string, params: unknown[] = []) => query<T>(t.db.url, text, params)
const of = (key: string) => events.filter((e) => e.key === key)
const lower = (a: unknown) => String(a).toLowerCase()
const sum = (xs: bigint[]) => xs.reduce((a, x) => a + x, 0n)
const idOf = (e: RawEvent) => `${String(e.block).padStart(10, '0')}-${String(e.logIndex).padStart(6, '0')}`
const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10)

function read<T>(contract: 'AgentRegistry' | 'InferenceSettlement', functionName: string, args: unknown[] = [], blockNumber = head): Promise<T> {
  return t.devnet.publicClient.readContract({ address: t.devnet.manifest.contracts[contract], abi: abi(contract), functionName, args, blockNumber }) as Promise<T>
}
function token<T>(functionName: 'balanceOf' | 'totalSupply', args: unknown[], blockNumber = head): Promise<T> {
  return t.devnet.publicClient.readContract({ address: t.devnet.manifest.contracts.OpenToken, abi: erc20Abi, functionName, args: args as never, blockNumber }) as Promise<T>
}

/** Settled inferences from raw logs, each with the payer's agent flag at settlement time. */
function inferences() {
  const agentNow = new Set<string>()
  const out: { operatorId: string; payer: string; agent: boolean; fee: bigint; infra: bigint; t: number }[] = []
  for (const e of events) {
    if (e.key === 'AgentRegistry.AgentRegistered') agentNow.add(lower(e.args.account))
    if (e.key !== 'InferenceSettlement.InferenceSettled') continue
    const payer = lower(e.args.payer)
    out.push({ operatorId: String((e.args.requestId as bigint) >> 64n), payer, agent: agentNow.has(payer), fee: e.args.fee as bigint, infra: e.args.infraShare as bigint, t: e.t })
  }
  return out
}

beforeAll(async () => {
  t = await indexedApi()
  events = await rawEvents(t.devnet)
  head = BigInt(t.devnet.endBlock)
}, 300_000)

afterAll(async () => {
  await t?.close()
})

describe('agents reconcile with AgentRegistry at the indexed head', () => {
  it('the run has agents that topped up, were slashed, exited and withdrew', () => {
    expect(of('AgentRegistry.AgentRegistered').length).toBeGreaterThanOrEqual(3)
    for (const k of ['AgentStakeIncreased', 'AgentSlashed', 'AgentExitRequested', 'AgentWithdrawn']) expect(of(`AgentRegistry.${k}`).length, k).toBeGreaterThan(0)
  })

  it('every agent row equals AgentRegistry.agent(id): account, operator, stake, exit time; withdrawn agents are gone on chain', async () => {
    const rows = await sql<{ id: string; account: string; operator: string; stake: string; status: string; exit: string | null; withdrawn: number | null; slashed: string }>(
      `select id, account_id account, operator_id operator, stake::text, status, extract(epoch from exit_available_at)::bigint::text exit, withdrawn_at_block withdrawn, slashed_total::text slashed from agent order by id::numeric`,
    )
    const count = await read<bigint>('AgentRegistry', 'agentCount')
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: Number(count) }, (_, i) => String(i + 1)))
    const registered = new Map(of('AgentRegistry.AgentRegistered').map((e) => [String(e.args.agentId), e]))
    const withdrawn = new Set(of('AgentRegistry.AgentWithdrawn').map((e) => String(e.args.agentId)))
    for (const r of rows) {
      const chain = await read<{ account: Address; operatorId: number; exitAvailableAt: bigint; stake: bigint }>('AgentRegistry', 'agent', [BigInt(r.id)])
      const reg = registered.get(r.id)!
      expect(r.account).toBe(lower(reg.args.account))
      expect(r.operator).toBe(String(reg.args.operatorId))
      if (withdrawn.has(r.id)) {
        // withdraw() deletes the record: nothing of it is left on chain, nothing is staked
        expect(chain.account).toBe(ZERO)
        expect(await read<bigint>('AgentRegistry', 'agentIdOf', [reg.args.account])).toBe(0n)
        expect([r.status, r.stake]).toEqual(['withdrawn', '0'])
        expect(r.withdrawn).toBe(of('AgentRegistry.AgentWithdrawn').find((e) => String(e.args.agentId) === r.id)!.block)
      } else {
        expect(lower(chain.account)).toBe(r.account)
        expect(String(chain.operatorId)).toBe(r.operator)
        expect(r.stake).toBe(chain.stake.toString())
        expect(r.status).toBe(chain.exitAvailableAt === 0n ? 'active' : 'exiting')
        expect(r.exit).toBe(chain.exitAvailableAt === 0n ? null : chain.exitAvailableAt.toString())
        expect(await read<bigint>('AgentRegistry', 'agentIdOf', [chain.account])).toBe(BigInt(r.id))
      }
      const slashes = of('AgentRegistry.AgentSlashed').filter((e) => String(e.args.agentId) === r.id)
      expect(r.slashed).toBe(sum(slashes.map((e) => e.args.amount as bigint)).toString())
    }
  })

  it('the OPEN AgentRegistry holds equals the indexed stake of agents not withdrawn', async () => {
    const [{ staked }] = await sql<{ staked: string }>(`select coalesce(sum(stake), 0)::text staked from agent where status <> 'withdrawn'`)
    expect(staked).toBe((await token<bigint>('balanceOf', [t.devnet.manifest.contracts.AgentRegistry])).toString())
    expect(BigInt(staked)).toBeGreaterThan(0n)
  })

  it('accounts flagged as agents are exactly the registered accounts', async () => {
    const flagged = (await sql<{ id: string }>(`select id from account where is_agent order by id`)).map((r) => r.id)
    expect(flagged).toEqual([...new Set(of('AgentRegistry.AgentRegistered').map((e) => lower(e.args.account)))].sort())
  })
})

describe('stake history', () => {
  it('each agent stake change is one raw AgentRegistry log with its amount, and the history replays to the current stake', async () => {
    const rows = await sql<{ id: string; agent: string; kind: string; amount: string; after: string; block: number; tx: string }>(
      `select id, agent_id agent, kind, amount::text, stake_after::text after, block_number block, tx_hash tx from agent_stake_change order by id`,
    )
    const kinds: Record<string, string> = {
      AgentRegistered: 'registered',
      AgentStakeIncreased: 'topped_up',
      AgentExitRequested: 'exit_requested',
      AgentSlashed: 'slashed',
      AgentWithdrawn: 'withdrawn',
    }
    const raw = events.filter((e) => e.contract === 'AgentRegistry' && e.name in kinds)
    const amountOf = (e: RawEvent) => (e.name === 'AgentRegistered' ? e.args.stake : e.name === 'AgentExitRequested' ? 0n : e.args.amount) as bigint
    expect(rows.map((r) => ({ id: r.id, agent: r.agent, kind: r.kind, amount: r.amount, block: r.block, tx: r.tx }))).toEqual(
      raw.map((e) => ({ id: idOf(e), agent: String(e.args.agentId), kind: kinds[e.name], amount: amountOf(e).toString(), block: e.block, tx: e.tx })),
    )
    // replay: stakeAfter follows from the amounts alone, and agrees with newStake where the log states it
    const stake = new Map<string, bigint>()
    rows.forEach((r, i) => {
      const before = stake.get(r.agent) ?? 0n
      const delta = { registered: 1n, topped_up: 1n, exit_requested: 0n, slashed: -1n, withdrawn: -1n }[r.kind]!
      const after = before + delta * BigInt(r.amount)
      expect(r.after, `${r.kind} of agent ${r.agent}`).toBe(after.toString())
      if (raw[i].name === 'AgentStakeIncreased') expect(after).toBe(raw[i].args.newStake)
      stake.set(r.agent, after)
    })
    const current = await sql<{ id: string; stake: string }>(`select id, stake::text from agent`)
    for (const a of current) expect(a.stake).toBe(String(stake.get(a.id)))
  })

  it('ClickHouse holds the same stake history as Postgres', async () => {
    const ch = await queryRows<{ id: string; agent_id: string; kind: string; amount: string; stake_after: string }>(
      t.warehouse,
      `SELECT id, agent_id, kind, toString(amount) amount, toString(stake_after) stake_after FROM ${t.warehouse.table('agent_stake_change')} FINAL ORDER BY id`,
    )
    const pgRows = await sql(`select id, agent_id, kind, amount::text amount, stake_after::text stake_after from agent_stake_change order by id`)
    expect(ch).toEqual(pgRows)
  })
})

describe('slashes and where the slashed OPEN went', () => {
  it('Slash rows are the raw AgentSlashed logs, field by field, in Postgres and ClickHouse', async () => {
    const want = of('AgentRegistry.AgentSlashed').map((e) => ({
      id: idOf(e),
      agent_id: String(e.args.agentId),
      account_id: lower(e.args.account),
      reason: Number(e.args.reason),
      amount: String(e.args.amount),
      to_treasury: String(e.args.toTreasury),
      to_burn: String(e.args.toBurn),
      tx_hash: e.tx,
    }))
    expect(want.length).toBeGreaterThan(0)
    const cols = `id, agent_id, account_id, reason, amount::text amount, to_treasury::text to_treasury, to_burn::text to_burn, tx_hash`
    expect(await sql(`select ${cols} from slash order by id`)).toEqual(want)
    const ch = await queryRows<Record<string, unknown>>(
      t.warehouse,
      `SELECT id, agent_id, account_id, reason, toString(amount) amount, toString(to_treasury) to_treasury, toString(to_burn) to_burn, tx_hash FROM ${t.warehouse.table('slash')} FINAL ORDER BY id`,
    )
    expect(ch).toEqual(want)
  })

  it('each slash moved its treasury part to the treasury and burned the rest: Transfer logs and totalSupply agree', async () => {
    const registry = lower(t.devnet.manifest.contracts.AgentRegistry)
    const treasury = lower(t.devnet.manifest.accounts.treasury)
    const transfers = of('OpenToken.Transfer')
    for (const s of of('AgentRegistry.AgentSlashed')) {
      const out = transfers.filter((e) => e.tx === s.tx && lower(e.args.from) === registry)
      const toTreasury = sum(out.filter((e) => lower(e.args.to) === treasury).map((e) => e.args.value as bigint))
      const burned = sum(out.filter((e) => lower(e.args.to) === ZERO).map((e) => e.args.value as bigint))
      expect(toTreasury).toBe(s.args.toTreasury)
      expect(burned).toBe(s.args.toBurn)
      expect(toTreasury + burned).toBe(s.args.amount)
    }
    // every burn, the slashes' among them, left the supply: totalSupply at the head is mints less burns
    // (anvil keeps no state of blocks before a loaded snapshot, so this is checked at the head)
    const minted = sum(transfers.filter((e) => lower(e.args.from) === ZERO).map((e) => e.args.value as bigint))
    const burnedAll = sum(transfers.filter((e) => lower(e.args.to) === ZERO).map((e) => e.args.value as bigint))
    expect(await token<bigint>('totalSupply', [])).toBe(minted - burnedAll)
    // and the treasury's balance is what the Transfer logs moved in and out, slash proceeds included
    const tIn = sum(transfers.filter((e) => lower(e.args.to) === treasury).map((e) => e.args.value as bigint))
    const tOut = sum(transfers.filter((e) => lower(e.args.from) === treasury).map((e) => e.args.value as bigint))
    expect(await token<bigint>('balanceOf', [t.devnet.manifest.accounts.treasury])).toBe(tIn - tOut)
    // the indexer attributes exactly those burns to slashing
    const [{ n, total }] = await sql<{ n: string; total: string }>(`select count(*)::text n, coalesce(sum(amount), 0)::text total from burn where source = 'slash'`)
    const slashBurns = of('AgentRegistry.AgentSlashed').filter((s) => (s.args.toBurn as bigint) > 0n)
    expect([Number(n), total]).toEqual([slashBurns.length, sum(slashBurns.map((s) => s.args.toBurn as bigint)).toString()])
  })

  it('each slash burned the share set by slashBurnBps in force at the time, and the rest went to the treasury', async () => {
    const bps = BigInt(await read<number>('AgentRegistry', 'slashBurnBps'))
    const changes = of('AgentRegistry.SlashBurnShareChanged')
    for (const s of of('AgentRegistry.AgentSlashed')) {
      // the bps in force at the slash: the last change before it, else the current (constructor) value
      const earlier = changes.filter((c) => c.block < s.block || (c.block === s.block && c.logIndex < s.logIndex)).at(-1)
      const later = changes.find((c) => c.block > s.block || (c.block === s.block && c.logIndex > s.logIndex))
      const inForce = earlier ? BigInt(earlier.args.newBps as number) : later ? BigInt(later.args.oldBps as number) : bps
      expect(s.args.toBurn).toBe(((s.args.amount as bigint) * inForce) / 10_000n)
    }
  })
})

describe('operators reconcile with InferenceSettlement', () => {
  it('every Operator row equals operators(id) and the raw registration/removal logs', async () => {
    const rows = await sql<{ id: string; account: string; active: boolean; reg: number; removed: number | null; next: string }>(
      `select id, account_id account, active, registered_at_block reg, removed_at_block removed, next_seq::text next from operator order by id::int`,
    )
    const count = await read<number>('InferenceSettlement', 'operatorCount')
    expect(rows.map((r) => r.id)).toEqual(Array.from({ length: count }, (_, i) => String(i + 1)))
    for (const r of rows) {
      const [account, active, nextSeq] = await read<[Address, boolean, bigint]>('InferenceSettlement', 'operators', [Number(r.id)])
      expect([r.account, r.active, r.next]).toEqual([lower(account), active, nextSeq.toString()])
      const reg = of('InferenceSettlement.OperatorRegistered').find((e) => String(e.args.operatorId) === r.id)!
      const rem = of('InferenceSettlement.OperatorRemoved').find((e) => String(e.args.operatorId) === r.id)
      expect([r.reg, r.removed]).toEqual([reg.block, rem?.block ?? null])
    }
    expect(rows.length).toBeGreaterThanOrEqual(3)
    expect(rows.some((r) => !r.active)).toBe(true)
  })

  it("each operator's fees and infrastructure share equal the raw settlements; earned = paid out + still claimable on chain", async () => {
    const inf = inferences()
    const rows = await sql<{ id: string; n: number; fees: string; infra: string; paid: string }>(
      `select id, inference_count n, total_fees::text fees, infra_earned::text infra, paid_out::text paid from operator order by id::int`,
    )
    for (const r of rows) {
      const mine = inf.filter((i) => i.operatorId === r.id)
      const paid = sum(of('InferenceSettlement.OperatorPaid').filter((e) => String(e.args.operatorId) === r.id).map((e) => e.args.amount as bigint))
      expect([r.n, r.fees, r.infra, r.paid]).toEqual([mine.length, sum(mine.map((i) => i.fee)).toString(), sum(mine.map((i) => i.infra)).toString(), paid.toString()])
      const claimable = await read<bigint>('InferenceSettlement', 'operatorEarnings', [Number(r.id)])
      expect(BigInt(r.infra)).toBe(paid + claimable)
    }
    // traffic is spread unevenly over several operators
    const served = rows.filter((r) => r.n > 0).map((r) => r.n)
    expect(served.length).toBeGreaterThanOrEqual(3)
    expect(new Set(served).size).toBeGreaterThan(1)
  })

  it('ClickHouse inference facts give the same per-operator revenue and agent spend', async () => {
    const inf = inferences()
    const ch = await queryRows<{ operator_id: string; n: string; fees: string; infra: string; agent: string }>(
      t.warehouse,
      `SELECT operator_id, toString(count()) n, toString(sum(fee)) fees, toString(sum(infra_share)) infra, toString(sumIf(fee, payer_is_agent)) agent
       FROM ${t.warehouse.table('inference')} FINAL GROUP BY operator_id ORDER BY toUInt32(operator_id)`,
    )
    const ops = [...new Set(inf.map((i) => i.operatorId))].sort((a, b) => Number(a) - Number(b))
    expect(ch).toEqual(
      ops.map((id) => {
        const mine = inf.filter((i) => i.operatorId === id)
        return {
          operator_id: id,
          n: String(mine.length),
          fees: sum(mine.map((i) => i.fee)).toString(),
          infra: sum(mine.map((i) => i.infra)).toString(),
          agent: sum(mine.filter((i) => i.agent).map((i) => i.fee)).toString(),
        }
      }),
    )
  })
})

describe('daily stats', () => {
  it('agent spend, operator payouts and slashing per UTC day equal the raw logs of that day', async () => {
    const want = new Map<string, { agent: bigint; infra: bigint; paid: bigint; slashed: bigint }>()
    const at = (d: string) => want.get(d) ?? (want.set(d, { agent: 0n, infra: 0n, paid: 0n, slashed: 0n }), want.get(d)!)
    for (const i of inferences()) {
      if (i.agent) at(day(i.t)).agent += i.fee
      at(day(i.t)).infra += i.infra
    }
    for (const e of of('InferenceSettlement.OperatorPaid')) at(day(e.t)).paid += e.args.amount as bigint
    for (const e of of('AgentRegistry.AgentSlashed')) at(day(e.t)).slashed += e.args.amount as bigint
    const rows = await sql<{ id: string; agent: string; infra: string; paid: string; slashed: string }>(
      `select id, agent_fees::text agent, infra_share::text infra, operator_paid::text paid, slashed::text slashed from daily_network_stats`,
    )
    const got = new Map(rows.map((r) => [r.id, r]))
    for (const [d, w] of want) {
      const r = got.get(d)
      expect(r, d).toBeDefined()
      expect([r!.agent, r!.infra, r!.paid, r!.slashed], d).toEqual([w.agent, w.infra, w.paid, w.slashed].map(String))
    }
    // days without any of these have zeros
    for (const r of rows) if (!want.has(r.id)) expect([r.agent, r.infra, r.paid, r.slashed], r.id).toEqual(['0', '0', '0', '0'])
  })
})

/** Per operator and UTC day, from raw logs: "<operator>-<YYYY-MM-DD>" → figures. */
function operatorDays() {
  const want = new Map<string, { inferences: number; fees: bigint; infra: bigint; agent: bigint; paid: bigint }>()
  const at = (op: string, t: number) => {
    const k = `${op}-${day(t)}`
    if (!want.has(k)) want.set(k, { inferences: 0, fees: 0n, infra: 0n, agent: 0n, paid: 0n })
    return want.get(k)!
  }
  for (const i of inferences()) {
    const d = at(i.operatorId, i.t)
    d.inferences++
    d.fees += i.fee
    d.infra += i.infra
    if (i.agent) d.agent += i.fee
  }
  for (const e of of('InferenceSettlement.OperatorPaid')) at(String(e.args.operatorId), e.t).paid += e.args.amount as bigint
  return want
}

describe('daily operator stats', () => {
  it('per operator and UTC day: inferences, fees, infrastructure share, agent spend and payouts equal the raw logs', async () => {
    const want = [...operatorDays().entries()]
      .map(([id, d]) => ({ id, inferences: d.inferences, fees: String(d.fees), infra: String(d.infra), agent: String(d.agent), paid: String(d.paid) }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    const rows = await sql(
      `select id, inferences, fees::text fees, infra_share::text infra, agent_fees::text agent, paid_out::text paid from daily_operator_stats order by id collate "C"`,
    )
    expect(rows).toEqual(want)
    // the operator link and the date agree with the id
    const bad = await sql(`select id from daily_operator_stats where id <> operator_id || '-' || to_char(date at time zone 'UTC', 'YYYY-MM-DD')`)
    expect(bad).toEqual([])
    // summed over days they give the operator totals the chain holds: paid + still claimable
    for (const r of await sql<{ op: string; infra: string }>(`select operator_id op, sum(infra_share)::text infra from daily_operator_stats group by operator_id`)) {
      const paid = sum(of('InferenceSettlement.OperatorPaid').filter((e) => String(e.args.operatorId) === r.op).map((e) => e.args.amount as bigint))
      expect(BigInt(r.infra)).toBe(paid + (await read<bigint>('InferenceSettlement', 'operatorEarnings', [Number(r.op)])))
    }
  })
})

describe('GraphQL', () => {
  const WHOLE = { from: '2025-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z' }

  it('agents with their operator, stake history and slashes', async () => {
    const r = await t.gql<{ agents: { id: string; stake: string; status: string; slashedTotal: string; account: { id: string }; operator: { id: string }; stakeChanges: { kind: string; amount: string; stakeAfter: string }[] }[] }>(
      `{ agents(orderBy: id_ASC, limit: 1000) { id stake status slashedTotal account { id } operator { id } stakeChanges(orderBy: id_ASC, limit: 100) { kind amount stakeAfter } } }`,
    )
    expect(r.errors).toBeUndefined()
    const agents = r.data!.agents
    expect(agents.length).toBe(of('AgentRegistry.AgentRegistered').length)
    for (const a of agents) {
      const reg = of('AgentRegistry.AgentRegistered').find((e) => String(e.args.agentId) === a.id)!
      expect([a.account.id, a.operator.id]).toEqual([lower(reg.args.account), String(reg.args.operatorId)])
      const logs = events.filter((e) => e.contract === 'AgentRegistry' && String(e.args.agentId) === a.id && e.name.startsWith('Agent'))
      expect(a.stakeChanges.length).toBe(logs.length)
      expect(a.stakeChanges.at(-1)!.stakeAfter).toBe(a.stake)
      const chain = await read<{ stake: bigint }>('AgentRegistry', 'agent', [BigInt(a.id)])
      expect(a.stake).toBe(chain.stake.toString())
    }
    const slashes = await t.gql<{ slashes: { amount: string; toBurn: string; agent: { id: string } }[] }>(`{ slashes(orderBy: id_ASC, limit: 1000) { amount toBurn agent { id } } }`)
    expect(slashes.data!.slashes).toEqual(
      of('AgentRegistry.AgentSlashed').map((e) => ({ amount: String(e.args.amount), toBurn: String(e.args.toBurn), agent: { id: String(e.args.agentId) } })),
    )
  })

  it("an operator's daily stats over GraphQL equal the raw logs", async () => {
    const days = operatorDays()
    const op = [...days.keys()][0].split('-')[0]
    const r = await t.gql<{ dailyOperatorStats: { id: string; date: string; inferences: number; fees: string; infraShare: string; agentFees: string; paidOut: string; operator: { id: string } }[] }>(
      `query($op: String!) { dailyOperatorStats(where: { operator: { id_eq: $op } }, orderBy: date_ASC, limit: 1000) { id date inferences fees infraShare agentFees paidOut operator { id } } }`,
      { op },
    )
    expect(r.errors).toBeUndefined()
    const want = [...days.entries()]
      .filter(([k]) => k.startsWith(`${op}-`))
      .map(([id, d]) => ({ id, date: `${id.slice(op.length + 1)}T00:00:00.000000Z`, inferences: d.inferences, fees: String(d.fees), infraShare: String(d.infra), agentFees: String(d.agent), paidOut: String(d.paid), operator: { id: op } }))
      .sort((a, b) => (a.date < b.date ? -1 : 1))
    expect(r.data!.dailyOperatorStats).toEqual(want)
  })

  it('agentMetrics over the whole run: agent fee share from raw settlements, stake at risk = OPEN held by AgentRegistry, slashing by destination from Transfer logs', async () => {
    const r = await t.gql<{ agentMetrics: Record<string, unknown> }>(
      `query($from: DateTime!, $to: DateTime!) { agentMetrics(from: $from, to: $to) { agentFees grossFees agentFeeShare agents activeAgents stakeAtRisk slashed slashedToTreasury slashedBurned slashes } }`,
      WHOLE,
    )
    expect(r.errors).toBeUndefined()
    const inf = inferences()
    const agentFees = sum(inf.filter((i) => i.agent).map((i) => i.fee))
    const gross = sum(inf.map((i) => i.fee))
    const registry = lower(t.devnet.manifest.contracts.AgentRegistry)
    const slashTxs = new Set(of('AgentRegistry.AgentSlashed').map((e) => e.tx))
    const fromRegistry = of('OpenToken.Transfer').filter((e) => slashTxs.has(e.tx) && lower(e.args.from) === registry)
    const toTreasury = sum(fromRegistry.filter((e) => lower(e.args.to) === lower(t.devnet.manifest.accounts.treasury)).map((e) => e.args.value as bigint))
    const burned = sum(fromRegistry.filter((e) => lower(e.args.to) === ZERO).map((e) => e.args.value as bigint))
    const exiting = new Set(of('AgentRegistry.AgentExitRequested').map((e) => String(e.args.agentId)))
    const registered = of('AgentRegistry.AgentRegistered').length
    expect(r.data!.agentMetrics).toEqual({
      agentFees: agentFees.toString(),
      grossFees: gross.toString(),
      agentFeeShare: frac(agentFees, gross, 6),
      agents: registered,
      activeAgents: registered - exiting.size,
      stakeAtRisk: (await token<bigint>('balanceOf', [t.devnet.manifest.contracts.AgentRegistry])).toString(),
      slashed: (toTreasury + burned).toString(),
      slashedToTreasury: toTreasury.toString(),
      slashedBurned: burned.toString(),
      slashes: of('AgentRegistry.AgentSlashed').length,
    })
  })

  it('operatorMetrics over the whole run: revenue per operator, HHI and churn from raw logs', async () => {
    const r = await t.gql<{ operatorMetrics: { operators: Record<string, unknown>[]; concentration: { recipients: number; total: string; hhi: string | null }; registered: number; removed: number } }>(
      `query($from: DateTime!, $to: DateTime!) { operatorMetrics(from: $from, to: $to) { operators { operatorId account active inferences fees infraFees } concentration { recipients total hhi } registered removed } }`,
      WHOLE,
    )
    expect(r.errors).toBeUndefined()
    const m = r.data!.operatorMetrics
    const inf = inferences()
    const removed = new Set(of('InferenceSettlement.OperatorRemoved').map((e) => String(e.args.operatorId)))
    const want = [...new Set(inf.map((i) => i.operatorId))].map((id) => {
      const mine = inf.filter((i) => i.operatorId === id)
      const reg = of('InferenceSettlement.OperatorRegistered').find((e) => String(e.args.operatorId) === id)!
      return { operatorId: id, account: lower(reg.args.account), active: !removed.has(id), inferences: mine.length, fees: sum(mine.map((i) => i.fee)), infraFees: sum(mine.map((i) => i.infra)) }
    })
    // documented order: infrastructure revenue descending, then operator id
    want.sort((a, b) => (a.infraFees === b.infraFees ? Number(a.operatorId) - Number(b.operatorId) : a.infraFees > b.infraFees ? -1 : 1))
    expect(m.operators).toEqual(want.map((w) => ({ ...w, fees: w.fees.toString(), infraFees: w.infraFees.toString() })))
    const total = sum(want.map((w) => w.infraFees))
    expect(m.concentration).toEqual({ recipients: want.length, total: total.toString(), hhi: frac(10_000n * sum(want.map((w) => w.infraFees ** 2n)), total * total, 2) })
    expect([m.registered, m.removed]).toEqual([of('InferenceSettlement.OperatorRegistered').length, removed.size])
  })

  it('refuses malformed agent and operator queries with a code, and still answers afterwards', async () => {
    const bad: [string, string][] = [
      [`{ agentMetrics(from: "2026-03-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { slashed } }`, 'BAD_USER_INPUT'],
      [`{ operatorMetrics(from: "2026-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { registered } }`, 'BAD_USER_INPUT'],
      [`{ agentMetrics(from: "last week", to: "2026-01-01T00:00:00Z") { slashed } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ agentMetrics(from: "2026-01-01T00:00:00Z") { slashed } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ operatorMetrics(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { operators { payout } } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ agents(where: { stake_gt: "ten" }) { id } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ agents(limit: -1) { id } }`, 'BAD_USER_INPUT'],
      [`{ agents(limit: 5, offset: -5) { id } }`, 'BAD_USER_INPUT'],
      [`{ slashes(where: { reason_eq: "bad" }) { id } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`query($l: Int) { agents(limit: $l) { id } }`, 'BAD_USER_INPUT'],
      [`query($o: Int) { slashes(limit: 5, offset: $o) { id } }`, 'BAD_USER_INPUT'],
      [`query($l: Int) { agents(limit: $l) { id } }`, 'BAD_USER_INPUT'],
    ]
    const vars = [undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, { l: -1 }, { o: -3 }, { l: 'ten' }]
    for (const [i, [q, code]] of bad.entries()) {
      const r = await t.gql(q, vars[i])
      expect(r.data?.[Object.keys(r.data ?? {})[0]] ?? null, q).toBeNull()
      expect(r.errors?.[0]?.extensions?.code, `${q}: ${JSON.stringify(r.errors)}`).toBe(code)
      expect(r.errors![0].message.length).toBeGreaterThan(10)
    }
    // unknown ids are not errors: they are absent
    const none = await t.gql<{ agentById: null; operatorById: null }>(`{ agentById(id: "999999") { id } operatorById(id: "999999") { id } }`)
    expect(none.data).toEqual({ agentById: null, operatorById: null })
    const ok = await t.gql<{ agentsConnection: { totalCount: number } }>(`{ agentsConnection(orderBy: id_ASC) { totalCount } }`)
    expect(ok.data!.agentsConnection.totalCount).toBe(of('AgentRegistry.AgentRegistered').length)
  })
})
