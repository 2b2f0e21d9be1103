// The processor's database: typeorm-store (Postgres, hot blocks on) wrapped so that the fold's
// caches are dropped whenever the chain forks, and so that a warehouse sink (ClickHouse) can
// follow each committed batch.
import { TypeormDatabase, type Store } from '@subsquid/typeorm-store'
import { STATE_SCHEMA, untrackedEntityManager, type DatabaseState, type FinalTxInfo, type HotTxInfo, type HashAndHeight } from '../squid/compat'
import { PROJECT_ROOT } from '../util/paths'
import { addStage, sampleMemory } from '../util/stage-times'

export interface BatchSink {
  /** before the Postgres transaction: rows above `keepUpTo` are about to be replaced */
  beforeCommit?(keepUpTo: number, nextHead: number): Promise<void>
  /** after the Postgres transaction committed up to `head` */
  afterCommit?(head: number): Promise<void>
}

export class IndexerDatabase {
  readonly supportsHotBlocks = true as const
  private readonly pg: TypeormDatabase
  private head = -1
  /** transactions committed so far: finalized batches (joined while backfilling) and hot updates */
  readonly committed = { final: 0, hot: 0 }

  constructor(
    private readonly onFork: () => void,
    private readonly sink?: BatchSink,
    private readonly onCommitted?: (head: number) => Promise<void>,
  ) {
    this.pg = new TypeormDatabase({ supportHotBlocks: true, stateSchema: STATE_SCHEMA, projectDir: PROJECT_ROOT })
  }

  async connect(): Promise<DatabaseState> {
    const state = await this.pg.connect()
    this.head = state.top.length ? state.top[state.top.length - 1].height : state.height
    return state
  }

  disconnect(): Promise<void> {
    return this.pg.disconnect()
  }

  async transact(info: FinalTxInfo, cb: (store: Store) => Promise<void>): Promise<void> {
    // a final batch continues from prevHead; if prevHead is below what we had, hot blocks are undone
    const t0 = performance.now()
    if (info.prevHead.height < this.head) this.onFork()
    await this.sink?.beforeCommit?.(info.prevHead.height, info.nextHead.height)
    let attempts = 0
    let inCb = 0
    const t1 = performance.now()
    await this.pg.transact(info, async (store) => {
      // typeorm-store retries a transaction after a serialization failure: the fold must restart clean
      if (attempts++ > 0) this.onFork()
      // a finalized batch need not wait for its WAL flush at commit: if a Postgres crash lost it,
      // the status table would be behind with it and the batch indexed again from the chain (and
      // ClickHouse cut back to Postgres on start); a kill of the indexer loses nothing either way
      await untrackedEntityManager(store)?.query('SET LOCAL synchronous_commit = off')
      const c0 = performance.now()
      await cb(store)
      inCb += performance.now() - c0
    })
    const t2 = performance.now()
    addStage('pg transaction overhead', t2 - t1 - inCb)
    this.head = info.nextHead.height
    this.committed.final++
    await this.sink?.afterCommit?.(this.head)
    addStage('ch sink wait', performance.now() - t2 + t1 - t0)
    addStage('batches', performance.now() - t0)
    sampleMemory()
    await this.onCommitted?.(this.head)
  }

  async transactHot(info: HotTxInfo, cb: (store: Store, block: HashAndHeight) => Promise<void>): Promise<void> {
    return this.transactHot2(info, async (store, beg, end) => {
      for (let i = beg; i < end; i++) await cb(store, info.newBlocks[i])
    })
  }

  async transactHot2(info: HotTxInfo, cb: (store: Store, sliceBeg: number, sliceEnd: number) => Promise<void>): Promise<void> {
    const t0 = performance.now()
    if (info.baseHead.height < this.head) this.onFork()
    const next = info.newBlocks.length ? info.newBlocks[info.newBlocks.length - 1].height : info.baseHead.height
    await this.sink?.beforeCommit?.(info.baseHead.height, next)
    const seen = new Set<number>()
    let inCb = 0
    const t1 = performance.now()
    await this.pg.transactHot2(info, async (store, beg, end) => {
      if (seen.has(beg)) this.onFork() // a retried transaction replays its slices: restart clean
      seen.add(beg)
      const c0 = performance.now()
      await cb(store, beg, end)
      inCb += performance.now() - c0
    })
    const t2 = performance.now()
    addStage('pg transaction overhead', t2 - t1 - inCb)
    this.head = next
    this.committed.hot++
    await this.sink?.afterCommit?.(this.head)
    addStage('ch sink wait', performance.now() - t2 + t1 - t0)
    addStage('batches', performance.now() - t0)
    sampleMemory()
    await this.onCommitted?.(this.head)
  }
}
