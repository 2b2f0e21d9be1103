// Staking interest on an accrual basis, computed from the chain itself and not from the indexer:
// a stake's value at time t is what the Staking contract's own calculateAmount returns in an
// eth_call at the last block before t with the block time overridden to t (after a request, the
// value the contract froze in unstakeRequests). The interest of a span [a, b) is value(b) −
// value(a) − the principal put in at [a, b). Spans are cut where the indexer documents it
// (docs/METRICS.md): at UTC day starts and at the stake's events; the last day is the one the
// index has closed (the day of the last indexed event is still open).
// A chain loaded from a state dump (the shared devnet) keeps no history: there the stored stake
// is followed through the raw logs instead (a top-up stores top-up + the value the contract
// computes at that time; a request freezes the value then), every value still computed by the
// contract, at the head, whose config must then be the one in force all along (no ConfigSet).
import fs from 'node:fs'
import path from 'node:path'
import { decodeFunctionResult, encodeFunctionData, type Abi, type Address, type PublicClient } from 'viem'

const ABI: Abi = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'abi', 'Staking.json'), 'utf8'))
const DAY = 86_400
const ZERO = '0x0000000000000000000000000000000000000000' as Address

export interface StakeLife {
  id: string
  /** unix seconds the contract stores as the stake's start (a commitment's startTime) */
  start: number
  /** principal put in: the stake (or opened commitment) at `start`, then top-ups */
  adds: { t: number; amount: bigint }[]
  /** when the value froze: the request to unstake, or the payout when there was no request */
  stop: number | null
  /** the config it was staked on (needed only without history: the Staked event does not carry it) */
  configId?: bigint
  /** a commitment opened at `openBlock`: its value before then is the opened stake's, at that block's config */
  commitment?: { openBlock: number; recipient: Address; configId: bigint; amount: bigint }
}

export interface Span {
  stakeId: string
  /** unix seconds */
  from: number
  until: number
  interest: bigint
}

type StakeStruct = { recipient: Address; configId: bigint; updatedAt: bigint; amount: bigint; startTime: bigint; principal: bigint }

export class ChainStakeValues {
  private readonly cache = new Map<string, Promise<bigint>>()

  /**
   * `blocks`: [block number, unix seconds] of blocks, ascending; state is read at the last one
   * before t. 'head': no history (see above).
   */
  constructor(
    private readonly client: PublicClient,
    private readonly staking: Address,
    private readonly blocks: [number, number][] | 'head',
  ) {}

  private blockBefore(t: number): number | null {
    if (this.blocks === 'head') throw new Error('no history')
    let lo = 0
    let hi = this.blocks.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.blocks[mid][1] < t) lo = mid + 1
      else hi = mid
    }
    return lo === 0 ? null : this.blocks[lo - 1][0]
  }

  /** calculateAmount(s) evaluated by the contract at `block` with block.timestamp = t. */
  private async calculate(s: StakeStruct, block: number | 'head', t: number): Promise<bigint> {
    const data = encodeFunctionData({ abi: ABI, functionName: 'calculateAmount', args: [s] })
    const at = block === 'head' ? {} : { blockNumber: BigInt(block) }
    const r = await this.client.call({ to: this.staking, data, ...at, blockOverrides: { time: BigInt(t) } })
    return decodeFunctionResult({ abi: ABI, functionName: 'calculateAmount', data: r.data! }) as bigint
  }

  /** The stake's value just before time t (before any event at t). */
  value(life: StakeLife, t: number): Promise<bigint> {
    const key = `${life.id}:${t}`
    let v = this.cache.get(key)
    if (!v) this.cache.set(key, (v = this.read(life, t)))
    return v
  }

  private async read(life: StakeLife, t: number): Promise<bigint> {
    if (t <= life.start) return 0n
    if (life.commitment) {
      const c = life.commitment
      const s = { recipient: c.recipient, configId: c.configId, updatedAt: BigInt(life.start), amount: c.amount, startTime: BigInt(life.start), principal: c.amount }
      return this.calculate(s, c.openBlock, t)
    }
    if (this.blocks === 'head') return this.followed(life, t)
    const block = this.blockBefore(t)
    if (block === null) return 0n
    const at = { address: this.staking, abi: ABI, blockNumber: BigInt(block) } as const
    const s = (await this.client.readContract({ ...at, functionName: 'stakes', args: [BigInt(life.id)] })) as readonly [Address, bigint, bigint, bigint, bigint, bigint]
    if (s[3] > 0n) return this.calculate({ recipient: s[0], configId: s[1], updatedAt: s[2], amount: s[3], startTime: s[4], principal: s[5] }, block, t)
    const r = (await this.client.readContract({ ...at, functionName: 'unstakeRequests', args: [BigInt(life.id)] })) as readonly [bigint, StakeStruct]
    return r[0] > 0n ? r[1].amount : 0n
  }

  /** Without history: the stored stake followed through the logs, valued by the contract at the head. */
  private async followed(life: StakeLife, t: number): Promise<bigint> {
    if (life.configId === undefined) throw new Error(`stake ${life.id}: its config id is needed without history`)
    const [first, ...topUps] = life.adds
    const s: StakeStruct = { recipient: ZERO, configId: life.configId, updatedAt: BigInt(first.t), amount: first.amount, startTime: BigInt(first.t), principal: first.amount }
    for (const x of topUps.filter((x) => x.t < t && (life.stop === null || x.t < life.stop))) {
      s.amount = x.amount + (await this.calculate(s, 'head', x.t))
      s.principal += x.amount
      s.updatedAt = s.startTime = BigInt(x.t)
    }
    return this.calculate(s, 'head', life.stop !== null && life.stop < t ? life.stop : t)
  }

  /** The stake's spans up to `horizon` (the start of the last open day), with their interest. */
  async spans(life: StakeLife, horizon: number): Promise<Span[]> {
    // a running stake is booked to the last closed day start, or to a later top-up (which books it)
    const end = life.stop ?? Math.max(horizon, ...life.adds.map((x) => x.t))
    if (end <= life.start) return []
    const cuts = new Set<number>([life.start, end, ...life.adds.map((x) => x.t).filter((t) => t <= end)])
    for (let d = (Math.floor(life.start / DAY) + 1) * DAY; d < end; d += DAY) cuts.add(d)
    const points = [...cuts].sort((a, b) => a - b)
    const out: Span[] = []
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]]
      const put = life.adds.filter((x) => x.t >= a && x.t < b).reduce((s, x) => s + x.amount, 0n)
      const [va, vb] = await Promise.all([this.value(life, a), this.value(life, b)])
      out.push({ stakeId: life.id, from: a, until: b, interest: vb - va - put })
    }
    return out
  }
}

/** Σ interest per stake and UTC day ("<id> <YYYY-MM-DD>"). */
export function perStakeDay(spans: Span[]): Map<string, bigint> {
  const out = new Map<string, bigint>()
  for (const s of spans) {
    const k = `${s.stakeId} ${new Date(s.from * 1000).toISOString().slice(0, 10)}`
    out.set(k, (out.get(k) ?? 0n) + s.interest)
  }
  return out
}
