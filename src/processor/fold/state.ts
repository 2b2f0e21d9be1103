// The in-memory fold of one batch: mutable entities live in caches (loaded lazily, kept across
// batches, dropped on a rollback), event rows accumulate in arrays, and everything is written
// once per batch: one upsert per mutable table, one insert per event table, parents first.
import type { Store } from '@subsquid/typeorm-store'
import { MoreThan, type FindOptionsRelations } from 'typeorm'
import * as M from '../../model'
import type { ContractName } from '../../chain/artifacts'
import type { ProtocolEvent } from '../decode'
import { bulkWriter } from './bulk'
import { IdFilter } from './id-filter'
import { emptyRows, type EventRows } from '../tables'
import { IndexStateError } from '../../util/errors'
import { addDetail, addStage, detailOn } from '../../util/stage-times'

export interface EventContext {
  /** "<block:10>-<logIndex:6>", sorts in chain order */
  id: string
  blockNumber: number
  timestamp: Date
  txHash: string
  logIndex: number
}

export interface DecodedLog {
  ctx: EventContext
  event: ProtocolEvent
  /** the emitting transaction's target and input, when the processor requested them */
  tx?: { from?: string; to?: string; input?: string }
}

type Ctor<E> = new (props?: Partial<E>) => E

/** ids per page when an id filter reads its table */
const ID_PAGE = 50_000

class EntityCache<E extends { id: string }> {
  private readonly map = new Map<string, E>()
  private readonly dirty = new Set<string>()
  /**
   * With `filtered`: a superset of the ids the table holds (src/processor/fold/id-filter.ts),
   * read from the table at the first miss after start-up and kept across rollbacks (a rollback
   * only restores rows whose ids it holds already); every id written is added at flush. An id it
   * does not hold is absent from the table, so a miss for it needs no lookup.
   */
  private known?: IdFilter
  private building?: Promise<IdFilter>
  private flushedWhileBuilding: string[] = []
  constructor(
    readonly cls: Ctor<E>,
    readonly relations: FindOptionsRelations<E> = {},
    readonly filtered = false,
  ) {}

  // A cached entity comes back as itself, not a promise: most events touch only cached entities,
  // and an async call per lookup (several per event) was a measurable part of the fold.
  get(store: Store, id: string): E | undefined | Promise<E | undefined> {
    const e = this.map.get(id)
    if (e !== undefined) return e
    if (!this.filtered) return this.load(store, id)
    if (this.known) return this.known.mayHave(id) ? this.load(store, id) : undefined
    return this.filter(store).then((k) => (k.mayHave(id) ? this.load(store, id) : undefined))
  }

  private async load(store: Store, id: string): Promise<E | undefined> {
    // relations are loaded too: an upsert of an entity whose relation is unset would null its FK
    const l0 = performance.now()
    const e = await store.get(this.cls, { where: { id } as never, relations: this.relations })
    if (detailOn) addDetail(`lookup ${this.cls.name}`, { ms: performance.now() - l0, n: 1, empty: e ? 0 : 1 })
    if (e) this.map.set(id, e)
    return e
  }

  /** The id filter, read from the table (keyset pages of ids) on first use. */
  private filter(store: Store): Promise<IdFilter> {
    if (this.known) return Promise.resolve(this.known)
    return (this.building ??= (async () => {
      const f0 = performance.now()
      const ids: string[] = []
      for (let last = ''; ; ) {
        const page = await store.find(this.cls, { select: { id: true }, where: last ? { id: MoreThan(last) } : {}, order: { id: 'ASC' }, take: ID_PAGE } as never)
        for (const r of page) ids.push(r.id)
        if (page.length < ID_PAGE) break
        last = page[page.length - 1].id
      }
      const k = new IdFilter(ids.length + this.flushedWhileBuilding.length)
      for (const id of ids) k.add(id)
      // written while the read ran: the read may not have seen them
      for (const id of this.flushedWhileBuilding) k.add(id)
      this.flushedWhileBuilding = []
      this.known = k
      if (detailOn) addDetail(`id filter ${this.cls.name}`, { ms: performance.now() - f0, ids: ids.length })
      return k
    })().finally(() => (this.building = undefined)))
  }

  async must(store: Store, id: string, what: string): Promise<E> {
    const e = await this.get(store, id)
    if (!e) throw new IndexStateError(`indexer state is missing ${what} ${id}`)
    return e
  }

  /** Returns the entity, creating it with `init` if it does not exist; marks it for writing. */
  upsert(store: Store, id: string, init: () => E): E | Promise<E> {
    const e = this.map.get(id)
    if (e !== undefined) {
      this.dirty.add(id)
      return e
    }
    if (this.known && !this.known.mayHave(id)) return this.create(id, init)
    return this.loadOrInit(store, id, init)
  }

  private async loadOrInit(store: Store, id: string, init: () => E): Promise<E> {
    let e = await this.get(store, id)
    if (!e) {
      e = init()
      this.map.set(id, e)
    }
    this.dirty.add(id)
    return e
  }

  /** Creates the entity without asking the database: only for an id known to be absent there. */
  create(id: string, init: () => E): E {
    let e = this.map.get(id)
    if (e === undefined) this.map.set(id, (e = init()))
    this.dirty.add(id)
    return e
  }

  /** Caches a row read from the database unless the cache holds it already (the cache is newer). */
  adopt(e: E): void {
    if (!this.map.has(e.id)) this.map.set(e.id, e)
  }

  touch(e: E): void {
    this.map.set(e.id, e)
    this.dirty.add(e.id)
  }

  /** The rows to write (dirty ones), marked clean. */
  take(): E[] {
    if (!this.dirty.size) return []
    const rows = [...this.dirty].map((id) => this.map.get(id)!)
    // every id that reaches the table passes here: the filter stays a superset of the table's ids
    // (an id added before its transaction commits, or whose transaction fails, is a false positive)
    if (this.filtered) for (const id of this.dirty) this.addKnown(id)
    this.dirty.clear()
    return rows
  }

  private addKnown(id: string): void {
    if (this.known) this.known.add(id)
    // being read: the read may or may not see this id (it is not written yet)
    else if (this.building) this.flushedWhileBuilding.push(id)
    // not read yet: the read at the first miss will find the row in the table
  }

  /** The entities held now (loaded or created), dirty or not. */
  values(): IterableIterator<E> {
    return this.map.values()
  }

  clear(): void {
    this.map.clear()
    this.dirty.clear()
  }
}

export class FoldState {
  readonly accounts = new EntityCache(M.Account, {}, true)
  readonly datanets = new EntityCache(M.Datanet, { owner: true })
  readonly datanetContributors = new EntityCache(M.DatanetContributor, { datanet: true, contributor: true }, true)
  readonly policies = new EntityCache(M.FeePolicyVersion)
  readonly models = new EntityCache(M.Model, { owner: true })
  readonly operators = new EntityCache(M.Operator, { account: true })
  readonly escrows = new EntityCache(M.EscrowAccount, { account: true }, true)
  readonly stakeConfigs = new EntityCache(M.StakeConfig)
  readonly stakes = new EntityCache(M.Stake, { config: true, staker: true })
  readonly schedules = new EntityCache(M.VestingSchedule, { beneficiary: true })
  readonly agents = new EntityCache(M.Agent, { account: true, operator: true })
  readonly daily = new EntityCache(M.DailyNetworkStats)
  readonly operatorDaily = new EntityCache(M.DailyOperatorStats, { operator: true })
  readonly feeDays = new EntityCache(M.DailyNetworkFees)
  readonly feeSenders = new EntityCache(M.DailyActiveSender)

  /** event rows of this batch, one buffer per table of the catalog, written in its order */
  readonly rows: EventRows = emptyRows()

  /** InferenceSettled rows of a transaction waiting for its BatchSettled (emitted after them). */
  readonly pendingInferences = new Map<string, M.Inference[]>()
  /** AttributionPaid rows waiting for their EpochClosed (emitted after them). */
  readonly pendingAttribution = new Map<string, M.AttributionPayout[]>()

  private txLogs = new Map<string, DecodedLog[]>()
  store!: Store

  /** the configured contracts: an absent one is never folded */
  constructor(readonly contracts: Partial<Record<ContractName, string>>) {}

  /** Called at the start of each batch: caches stay unless the chain was rolled back. */
  begin(store: Store, logs: DecodedLog[]): void {
    this.store = store
    this.txLogs.clear()
    this.claimedInTx.clear()
    for (const l of logs) {
      const list = this.txLogs.get(l.ctx.txHash)
      if (list) list.push(l)
      else this.txLogs.set(l.ctx.txHash, [l])
    }
  }

  /** Logs of this batch already matched to an earlier event (a Transfer taken as one unstake's payout). */
  readonly claimedInTx = new Set<string>()

  /** The protocol events emitted before `ev` in the same transaction, in log order. */
  earlierInTx(ev: EventContext): DecodedLog[] {
    return (this.txLogs.get(ev.txHash) ?? []).filter((l) => l.ctx.logIndex < ev.logIndex)
  }

  /** The protocol events emitted after `ev` in the same transaction. */
  laterInTx(ev: EventContext): DecodedLog[] {
    return (this.txLogs.get(ev.txHash) ?? []).filter((l) => l.ctx.logIndex > ev.logIndex)
  }

  /** After a rollback the database moved under the caches: forget them. */
  invalidate(): void {
    for (const c of this.caches()) c.clear()
    this.accrualClosedTo = undefined
    this.storedDaysEnd.clear()
    this.accruingStakesCached = false
  }

  /**
   * Every accruing stake of the database is in the stakes cache (read once after start-up or a
   * rollback): the indexer is the tables' only writer and every write goes through the caches.
   */
  accruingStakesCached = false

  /**
   * Per daily table: the start (ms) of the UTC day after the latest day the database holds, read
   * once after start-up or a rollback. Rows of days from there on exist only in the cache (the
   * indexer is the only writer and every write goes through the cache), so creating one needs no
   * lookup: nearly every new day's and operator-day's row was a round trip that found nothing.
   */
  private readonly storedDaysEnd = new Map<EntityCache<M.DailyNetworkStats> | EntityCache<M.DailyOperatorStats>, number>()

  private async daysEnd(cache: EntityCache<M.DailyNetworkStats> | EntityCache<M.DailyOperatorStats>): Promise<number> {
    const [last] = await this.store.find(cache.cls as Ctor<M.DailyNetworkStats>, { order: { date: 'DESC' }, take: 1 })
    const end = last ? last.date.getTime() + DAY_MS : -Infinity
    this.storedDaysEnd.set(cache, end)
    return end
  }

  /** upsert of a day-keyed row: no lookup when its day is later than every day the database holds. */
  private dailyUpsert<E extends M.DailyNetworkStats | M.DailyOperatorStats>(cache: EntityCache<E>, dayStart: number, id: string, init: () => E): E | Promise<E> {
    const end = this.storedDaysEnd.get(cache as never)
    if (end !== undefined && dayStart >= end) return cache.create(id, init)
    if (end !== undefined) return cache.upsert(this.store, id, init)
    return this.daysEnd(cache as never).then((e) => (dayStart >= e ? cache.create(id, init) : cache.upsert(this.store, id, init)))
  }

  /** Staking accrual is booked up to this UTC day start (ms; src/processor/fold/accrual.ts). */
  accrualClosedTo: number | undefined

  private caches() {
    return [
      this.accounts,
      this.datanets,
      this.datanetContributors,
      this.policies,
      this.models,
      this.operators,
      this.escrows,
      this.stakeConfigs,
      this.stakes,
      this.schedules,
      this.agents,
      this.daily,
      this.operatorDaily,
      this.feeDays,
      this.feeSenders,
    ]
  }

  account(address: string, blockNumber: number): M.Account | Promise<M.Account> {
    const id = address.toLowerCase()
    return this.accounts.upsert(this.store, id, () =>
      new M.Account({
        id,
        balance: 0n,
        totalReceived: 0n,
        totalSent: 0n,
        isCreator: false,
        isContributor: false,
        isPayer: false,
        isOperator: false,
        isStaker: false,
        isAgent: false,
        isVestingBeneficiary: false,
        firstSeenBlock: blockNumber,
      }),
    )
  }

  day(ts: Date): M.DailyNetworkStats | Promise<M.DailyNetworkStats> {
    const id = this.dayId(ts)
    return this.dailyUpsert(this.daily, this.lastDay.start, id, () => {
      const d = new M.DailyNetworkStats({ id, date: new Date(id + 'T00:00:00.000Z'), inferences: 0, contributions: 0, modelsRegistered: 0 })
      for (const k of DAILY_AMOUNTS) d[k] = 0n
      return d
    })
  }

  /** The operator's stats of the UTC day of `ts`. */
  operatorDay(operator: M.Operator, ts: Date): M.DailyOperatorStats | Promise<M.DailyOperatorStats> {
    const day = this.dayId(ts)
    const id = `${operator.id}-${day}`
    return this.dailyUpsert(this.operatorDaily, this.lastDay.start, id, () =>
      new M.DailyOperatorStats({ id, operator, date: new Date(day + 'T00:00:00.000Z'), inferences: 0, fees: 0n, infraShare: 0n, agentFees: 0n, paidOut: 0n }),
    )
  }

  private lastDay = { start: NaN, id: '' }

  /** The UTC day (YYYY-MM-DD) of `ts`; events come in time order, so the last answer is nearly always the next one. */
  dayId(ts: Date): string {
    const ms = ts.getTime()
    const start = ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS)
    if (start !== this.lastDay.start) this.lastDay = { start, id: ts.toISOString().slice(0, 10) }
    return this.lastDay.id
  }

  /** Writes the batch: mutable tables (upsert) then event tables (insert), parents first. */
  async flush(onRows?: (entity: new (...a: never[]) => object, rows: object[]) => void): Promise<{ upserted: number; inserted: number }> {
    const s = this.store
    if (this.pendingInferences.size) throw new IndexStateError(`InferenceSettled without BatchSettled in tx ${[...this.pendingInferences.keys()][0]}`)
    if (this.pendingAttribution.size) throw new IndexStateError(`AttributionPaid without EpochClosed in tx ${[...this.pendingAttribution.keys()][0]}`)
    const w = await bulkWriter(s)
    // hot blocks: through typeorm-store, which records each change for a rollback
    if (!w) return this.write((rows) => s.upsert(rows as never[]), (rows) => s.insert(rows as never[]), onRows)
    // every statement is queued at once (in this order: parents first) and awaited at the end, so
    // Postgres runs one while the next one's text and the ClickHouse lines are built
    const written = await this.write(
      (rows) => w.upsert(rows),
      (rows) => {
        w.insert(rows)
        // a turn of the event loop: the connection sends what is queued and takes the answers
        return new Promise(setImmediate)
      },
      onRows,
    )
    const t = performance.now()
    await w.done()
    addStage('pg write wait', performance.now() - t)
    return written
  }

  /** Mutable tables (upsert) then event tables (insert), parents first. */
  private async write(
    upsert: (rows: object[]) => Promise<void> | void,
    insert: (rows: object[]) => Promise<void>,
    onRows?: (entity: new (...a: never[]) => object, rows: object[]) => void,
  ): Promise<{ upserted: number; inserted: number }> {
    let upserted = 0
    let t = performance.now()
    for (const c of this.caches()) {
      const rows = c.take()
      if (rows.length) await upsert(rows)
      upserted += rows.length
    }
    addStage('pg upserts', performance.now() - t)
    let inserted = 0
    for (const rows of Object.values(this.rows) as { id: string }[][]) {
      if (rows.length) {
        t = performance.now()
        await insert(rows)
        const t2 = performance.now()
        addStage('pg inserts', t2 - t)
        onRows?.(rows[0].constructor as new (...a: never[]) => object, rows)
        addStage('ch rows', performance.now() - t2)
        inserted += rows.length
        // the rows are written (or their COPY text built): the buffer is reused
        rows.length = 0
      }
    }
    return { upserted, inserted }
  }
}

const DAY_MS = 86_400_000

export const DAILY_AMOUNTS = [
  'units',
  'fees',
  'creatorShare',
  'contributorsShare',
  'infraShare',
  'treasuryShare',
  'burnShare',
  'agentFees',
  'attributionPaid',
  'creatorPaid',
  'operatorPaid',
  'incentives',
  'incentivesToCreators',
  'incentivesToContributors',
  'incentivesToStakers',
  'incentivesToOperators',
  'stakingInterest',
  'stakingInterestPaid',
  'vestingReleased',
  'burned',
  'deploymentFees',
  'slashed',
] as const satisfies readonly (keyof M.DailyNetworkStats)[]
