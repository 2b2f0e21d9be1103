// Keeps ClickHouse exactly equal to the Postgres record, though ClickHouse is not transactional.
//
// Postgres (typeorm-store) is the system of record; ClickHouse follows it batch by batch:
//  - before a Postgres commit that forks (rolls back hot blocks), an 'intent' row is journaled
//    in _sync with the fork point;
//  - after the commit, facts above the fork point are deleted, the batch's facts inserted, the
//    touched days' aggregates refreshed, and a 'done' row journaled with the new head;
//  - on start, anything above the last clean point (the last 'done' head, or an unfinished
//    intent's fork point) is deleted and re-exported from Postgres by block range.
// So a kill -9 anywhere, a ClickHouse error mid-batch or a fork leaves no orphaned or missing fact.
import { Readable } from 'node:stream'
import pg from 'pg'
import type { Logger } from '@subsquid/logger'
import { ClickHouseError, queryRows, type Warehouse } from './client'
import { deleteStatement } from './ddl'
import { chNow } from './time'
import { columnName, entityFactLine, factTables, inferenceFacts, pgRowFactLine, type FactTable } from './facts'
import type { BatchSink } from '../processor/database'
import { INFERENCE_DAILY_SUMS } from '../processor/tables'
import { indexedHead } from '../squid/compat'
import { addStage } from '../util/stage-times'

const RETRY_DELAYS_MS = [500, 2_000, 5_000]
const EXPORT_CHUNK = 50_000
/** a flush also starts at this many characters queued (wide rows: the row count alone let the queue reach hundreds of MB) */
const FLUSH_CHARS = 8 * 2 ** 20
/** days whose last block the sink keeps as bounds for aggregate refreshes (see dayLastBlock) */
const DAY_BOUNDS_KEPT = 64
/** a flush holds one day's facts back for at most this long (see WarehouseSink.flush) */
const HOLD_MAX_MS = 5_000

/**
 * One table's queued facts: each row already a TabSeparated line (a string, not an object per
 * row and field: the queue stays small), with its block for a fork's cut and, for inferences,
 * the days whose aggregates the insert changes.
 */
class FactLines {
  lines: string[] = []
  blocks: number[] = []
  /** characters held in lines (one byte each: the lines are ASCII) */
  chars = 0
  /** inferences: the UTC days whose aggregates the insert changes, each with its highest block here */
  readonly days = new Map<string, number>()

  push(line: string, block: number): void {
    this.lines.push(line)
    this.blocks.push(block)
    this.chars += line.length
  }

  addDay(day: string, block: number): void {
    const b = this.days.get(day)
    if (b === undefined || block > b) this.days.set(day, block)
  }

  append(o: FactLines): void {
    for (let i = 0; i < o.lines.length; i++) this.push(o.lines[i], o.blocks[i])
    for (const [d, b] of o.days) this.addDay(d, b)
  }

  /** Moves the rows above `block` (and their days) into a new FactLines, returned. */
  splitAbove(block: number): FactLines {
    const above = new FactLines()
    for (let i = 0; i < this.lines.length; i++) if (this.blocks[i] > block) above.push(this.lines[i], this.blocks[i])
    // a day with rows on both sides stays in both (refreshing a day's aggregates again is harmless)
    for (const [d, b] of this.days) if (b > block) above.addDay(d, b)
    this.keepUpTo(block)
    return above
  }

  /** Drops the rows above `block`; returns how many went. */
  keepUpTo(block: number): number {
    const lines: string[] = []
    const blocks: number[] = []
    let chars = 0
    for (let i = 0; i < this.lines.length; i++) {
      if (this.blocks[i] <= block) {
        lines.push(this.lines[i])
        blocks.push(this.blocks[i])
        chars += this.lines[i].length
      }
    }
    const dropped = this.lines.length - lines.length
    this.lines = lines
    this.blocks = blocks
    this.chars = chars
    return dropped
  }
}

/**
 * The last block of the day before the newest UTC day among queued inferences (undefined with
 * fewer than two days): every inference of that newest day, and only of it or later, lies above.
 */
function dayEndCut(batch: Map<FactTable, FactLines>): { day: string; block: number } | undefined {
  const inf = batch.get(inferenceFacts())
  if (!inf || inf.days.size < 2) return undefined
  let newest = ''
  for (const d of inf.days.keys()) if (d > newest) newest = d
  let block = -1
  for (const [d, b] of inf.days) if (d < newest && b > block) block = b
  return { day: newest, block }
}

/** Inserts TabSeparated lines into a fact table, naming its columns (so their order in the table does not matter). */
export function insertFactLines(w: Warehouse, t: FactTable, lines: string[]): Promise<unknown> {
  return w.client.insert({ table: w.table(t.table), columns: t.columns.map((c) => c.column) as [string, ...string[]], values: Readable.from([lines.join('\n'), '\n'], { objectMode: false }), format: 'TabSeparated' })
}

export class WarehouseSink implements BatchSink {
  private seq = 0
  /** highest block whose facts are in ClickHouse (journaled 'done') */
  private chHead = -1
  /** highest block committed in Postgres and queued here */
  private pgHead = -1
  private forkPoint: number | null = null
  private pending = new Map<FactTable, FactLines>()
  /** facts of committed Postgres batches not yet written, per table */
  private buffer = new Map<FactTable, FactLines>()
  private buffered = 0
  private lastFlush = Date.now()
  private lastCommit = Date.now()
  private backfilling = false
  private flushing: Promise<void> = Promise.resolve()
  private inFlight = 0
  private failure: Error | undefined
  private timer: NodeJS.Timeout | undefined
  private faultDone = false
  /**
   * For committed inference facts (Postgres holds their blocks): UTC day -> the highest block seen
   * with that day. Block timestamps never decrease along the chain, so no fact of a day after d
   * lies at or below dayLastBlock[d]: an aggregate refresh reads only the facts above that block,
   * not the whole table (a full scan per flush grew with the chain). Entries above a fork point
   * are dropped with the fork; only this process's commits are known (after a restart the first
   * refreshes scan everything, as before).
   */
  private readonly dayLastBlock = new Map<string, number>()
  /** the day whose facts a flush last held back (see flush), since when */
  private held: { day: string; since: number } | undefined

  constructor(
    private readonly w: Warehouse,
    private readonly pgUrl: string,
    private readonly log: Logger,
    /** facts are written in batches of this many rows, or after this long (ClickHouse likes big inserts) */
    private readonly flushRows = 50_000,
    private readonly flushMs = 1_000,
    /** called when a background flush gives up (the indexer exits with the message) */
    private readonly onFatal: (e: Error) => void = (e) => {
      throw e
    },
  ) {}

  private get target() {
    return { database: this.w.cfg.database, cluster: this.w.cfg.cluster }
  }

  /** Queue a batch's new event rows (entity objects) for ClickHouse. */
  addRows(entity: new (...a: never[]) => object, rows: object[]): void {
    const t = factTables().get(entity)
    if (!t || !rows.length) return
    let list = this.pending.get(t)
    if (!list) this.pending.set(t, (list = new FactLines()))
    const isInference = t === inferenceFacts()
    for (const r of rows as { blockNumber: number; timestamp?: Date }[]) {
      list.push(entityFactLine(t, r as unknown as Record<string, unknown>), r.blockNumber)
      if (isInference) list.addDay(r.timestamp!.toISOString().slice(0, 10), r.blockNumber)
    }
  }

  /** The fold restarted (fork or retried transaction): drop what it queued. */
  discardPending(): void {
    this.pending.clear()
  }

  /** Starts the periodic flush (facts reach ClickHouse within flushMs even when idle). */
  start(): void {
    this.timer ??= setInterval(() => {
      const now = Date.now()
      // while backfilling, commits keep coming and flushes go by size; the timer is for a pause
      const idle = !this.backfilling || now - this.lastCommit >= this.flushMs
      if (this.buffered && !this.inFlight && idle && now - this.lastFlush >= this.flushMs) void this.flush(now - this.lastCommit < this.flushMs).catch((e: Error) => this.onFatal(e))
    }, Math.max(50, Math.floor(this.flushMs / 2)))
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  async beforeCommit(keepUpTo: number): Promise<void> {
    this.throwIfFailed()
    if (keepUpTo >= this.pgHead) return
    await this.flushing
    // the fork drops blocks above keepUpTo: queued facts of those blocks go, and if ClickHouse
    // already holds some, the fork point is journaled before Postgres commits
    for (const rows of this.buffer.values()) this.buffered -= rows.keepUpTo(keepUpTo)
    for (const [d, b] of this.dayLastBlock) if (b > keepUpTo) this.dayLastBlock.delete(d)
    // until afterCommit, Postgres is only known to hold blocks up to keepUpTo: a flush in this
    // window (the periodic timer) must journal 'done' at keepUpTo, not at the old head, or a kill
    // before the next flush would leave the fork's new blocks below the journaled head unexported
    this.pgHead = keepUpTo
    if (keepUpTo < this.chHead) {
      this.forkPoint = Math.min(this.forkPoint ?? keepUpTo, keepUpTo)
      await this.journal('intent', this.forkPoint, this.chHead)
    }
  }

  async afterCommit(head: number): Promise<void> {
    this.throwIfFailed()
    let added = 0
    for (const [t, rows] of this.pending) {
      const list = this.buffer.get(t)
      if (list) list.append(rows)
      else this.buffer.set(t, rows)
      added += rows.lines.length
      for (const [d, b] of rows.days) if (b > (this.dayLastBlock.get(d) ?? -1)) this.dayLastBlock.set(d, b)
    }
    // any entry is a valid bound on its own: keep the latest days (a refresh is of recent days)
    if (this.dayLastBlock.size > 2 * DAY_BOUNDS_KEPT) {
      const keep = [...this.dayLastBlock.keys()].sort().slice(-DAY_BOUNDS_KEPT)
      for (const d of [...this.dayLastBlock.keys()]) if (!keep.includes(d)) this.dayLastBlock.delete(d)
    }
    this.buffered += added
    let chars = 0
    for (const l of this.buffer.values()) chars += l.chars
    // a large batch is a backfill (the processor joins them, compat.coalesceFinalizedBatches):
    // ClickHouse then gets fewer, larger inserts, by size; at the head, small batches flush by time
    this.backfilling = added >= this.flushRows / 10
    this.lastCommit = Date.now()
    this.pending = new Map()
    this.pgHead = head
    if (this.forkPoint !== null) return this.flush()
    // ClickHouse writes overlap the next Postgres batches; past a few flushes' worth the indexer
    // waits (backpressure), so memory stays bounded when ClickHouse is slower than Postgres
    if (this.buffered >= this.flushRows * 4 || chars >= FLUSH_CHARS * 3) await this.flushing.catch(() => {})
    if (this.buffered >= this.flushRows || chars >= FLUSH_CHARS || (!this.backfilling && Date.now() - this.lastFlush >= this.flushMs)) {
      if (!this.inFlight) void this.flush(true).catch((e: Error) => this.onFatal(e))
    }
  }

  /**
   * Writes everything queued; serialized, idempotent, retried, then fatal. `atDayEnd` (a flush
   * while commits keep coming): the facts of the newest UTC day stay queued for the next flush, so
   * that flush's aggregates are of days ClickHouse has no aggregate rows of yet and need no delete
   * (a ClickHouse DELETE costs ~0.1-0.2 s however few rows it touches). One day is held back for
   * at most HOLD_MAX_MS (at the chain head a day lasts hours: its facts are not held that long).
   */
  flush(atDayEnd = false): Promise<void> {
    this.inFlight++
    const next = this.flushing.catch(() => {}).then(() => this.flushOnce(atDayEnd))
    this.flushing = next.finally(() => this.inFlight--)
    return this.flushing
  }

  private async flushOnce(atDayEnd: boolean): Promise<void> {
    if (this.failure) throw this.failure
    let head = this.pgHead
    if (head <= this.chHead && this.forkPoint === null && !this.buffered) return
    // take what is queued now: batches committed while this flush runs queue for the next one
    const batch = this.buffer
    this.buffer = new Map()
    this.buffered = 0
    const cut = atDayEnd && this.forkPoint === null ? dayEndCut(batch) : undefined
    const now = Date.now()
    if (cut && this.held?.day !== cut.day) this.held = { day: cut.day, since: now }
    if (cut && cut.block > this.chHead && now - this.held!.since <= HOLD_MAX_MS) {
      // facts above the cut (the newest day's blocks) go back to the queue, ahead of what commits next
      for (const [t, rows] of batch) {
        const held = rows.splitAbove(cut.block)
        if (!held.lines.length) continue
        const later = this.buffer.get(t)
        if (later) held.append(later)
        this.buffer.set(t, held)
        this.buffered += held.lines.length
      }
      head = cut.block
    }
    const fault = this.w.cfg.fault
    let lastError: unknown
    for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
      try {
        // a retry starts from a clean slate: whatever the failed attempt inserted is removed
        const base = attempt > 0 ? Math.min(this.forkPoint ?? this.chHead, this.chHead) : this.forkPoint
        const days = base !== null ? await this.deleteAbove(base) : new Set<string>()
        const tables = [...batch].filter(([, rows]) => rows.lines.length)
        for (const [i, [t, rows]] of tables.entries()) {
          const t0 = performance.now()
          await insertFactLines(this.w, t, rows.lines)
          addStage('ch inserts (background)', performance.now() - t0)
          if (i === 0 && tables.length > 1 && fault && !this.faultDone && fault.atBlock > this.chHead && fault.atBlock <= head) {
            this.faultDone = true
            await this.outage(tables[0][0].table, tables[1][0].table, fault.outageMs)
          }
          for (const d of rows.days.keys()) days.add(d)
        }
        const t1 = performance.now()
        await this.refreshAggregates(days, this.blockBelowDays(days))
        await this.journal('done', head, head)
        addStage('ch aggregates + journal (background)', performance.now() - t1)
        this.chHead = head
        this.forkPoint = null
        this.lastFlush = Date.now()
        this.w.flushed(head)
        return
      } catch (e) {
        lastError = e
        if (attempt < RETRY_DELAYS_MS.length) {
          this.log.warn(`ClickHouse write up to block ${head} failed (${(e as Error).message.split('\n')[0]}); retrying in ${RETRY_DELAYS_MS[attempt]} ms`)
          await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]))
        }
      }
    }
    this.failure = new ClickHouseError(
      `ClickHouse write failed for blocks up to ${head}: ${(lastError as Error).message.split('\n')[0]}. ` +
        `Postgres is committed up to block ${head}; restart the indexer and ClickHouse is reconciled from Postgres.`,
    )
    this.log.error(this.failure.message)
    throw this.failure
  }

  /**
   * Test wiring (the warehouse config's `fault`, set by src/config for tests): after the first table of the batch holding
   * that block is written, the next table is detached for `ms`, so ClickHouse itself refuses its
   * insert (UNKNOWN_TABLE) and the write is left partial: the retry has to clean up (the written
   * table keeps its parts unmerged, see below). An outage
   * longer than the retries makes the write fail for good; a restart attaches the table again.
   */
  private async outage(written: string, table: string, ms: number): Promise<void> {
    // a row written twice would be merged away in the background (ReplacingMergeTree) before a
    // comparison could see it: the half-written table stops merging, so a retry that failed to
    // clean up stays visible as a doubled (block_number, id)
    await this.w.client.command({ query: `ALTER TABLE ${this.w.table(written)} MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1` })
    const name = this.w.table(table)
    await this.w.client.command({ query: `DETACH TABLE ${name}` })
    this.log.warn(`fault injected: ${name} detached for ${ms} ms`)
    setTimeout(() => void this.w.client.command({ query: `ATTACH TABLE ${name}` }).catch((e: Error) => this.log.error(`re-attaching ${name}: ${e.message}`)), ms).unref()
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure
  }

  /** On start: bring ClickHouse to exactly the Postgres head. Returns rows re-exported. */
  async reconcile(): Promise<{ from: number; pgHead: number; exported: number }> {
    const pgHead = await this.postgresHead()
    const journal = await queryRows<{ seq: string; kind: string; keep_up_to: string; head: string }>(
      this.w,
      `SELECT seq, kind, keep_up_to, head FROM ${this.w.table('_sync')} ORDER BY seq DESC LIMIT 50`,
    )
    this.seq = journal.length ? Number(journal[0].seq) : 0
    const lastDone = journal.find((r) => r.kind === 'done')
    let from = lastDone ? Number(lastDone.head) : -1
    for (const r of journal) {
      if (lastDone && Number(r.seq) < Number(lastDone.seq)) break
      if (r.kind === 'intent') from = Math.min(from, Number(r.keep_up_to))
    }
    from = Math.min(from, pgHead)
    const days = await this.deleteAbove(from)
    let exported = 0
    if (pgHead > from) exported = await this.exportFromPostgres(from, pgHead, days)
    await this.refreshAggregates(days)
    await this.journal('done', pgHead, pgHead)
    this.chHead = pgHead
    this.pgHead = pgHead
    this.forkPoint = null
    this.w.flushed(pgHead)
    this.pending.clear()
    this.buffer.clear()
    this.buffered = 0
    if (exported || journal.length === 0 || from !== pgHead) {
      this.log.info(`ClickHouse reconciled with Postgres: kept blocks <= ${from}, re-exported ${exported} rows up to block ${pgHead}`)
    }
    return { from, pgHead, exported }
  }

  private async postgresHead(): Promise<number> {
    const client = new pg.Client({ connectionString: this.pgUrl })
    await client.connect()
    try {
      return (await indexedHead(client))?.height ?? -1
    } finally {
      await client.end()
    }
  }

  /** Deletes every fact above `block`; returns the days whose aggregates must be recomputed. */
  private async deleteAbove(block: number): Promise<Set<string>> {
    const days = new Set(
      (await queryRows<{ d: string }>(this.w, `SELECT DISTINCT toString(toDate(timestamp)) AS d FROM ${this.w.table(inferenceFacts().table)} WHERE block_number > {b:Int64}`, { b: block })).map(
        (r) => r.d,
      ),
    )
    for (const t of factTables().values()) {
      await this.w.client.command({ query: deleteStatement(t.table, `block_number > ${Math.max(block, -1)}`, this.target) })
    }
    return days
  }

  private async exportFromPostgres(from: number, to: number, days: Set<string>): Promise<number> {
    const client = new pg.Client({ connectionString: this.pgUrl })
    await client.connect()
    let total = 0
    try {
      for (const t of factTables().values()) {
        const cols = t.columns.map((c) => `"${c.column}"`).join(', ')
        let after: [number, string] = [from, '']
        for (;;) {
          const res = await client.query(
            `select ${cols} from "${t.table}" where block_number > $1 and block_number <= $2 and (block_number, id) > ($3, $4) order by block_number, id limit ${EXPORT_CHUNK}`,
            [from, to, after[0], after[1]],
          )
          if (!res.rows.length) break
          await insertFactLines(
            this.w,
            t,
            res.rows.map((r) => pgRowFactLine(t, r)),
          )
          if (t === inferenceFacts()) for (const r of res.rows) days.add((r.timestamp as Date).toISOString().slice(0, 10))
          total += res.rows.length
          const last = res.rows[res.rows.length - 1]
          after = [last.block_number as number, last.id as string]
          if (res.rows.length < EXPORT_CHUNK) break
        }
      }
    } finally {
      await client.end()
    }
    return total
  }

  /** A block below every fact of `days` (dayLastBlock of an earlier day), or -1 if none is known. */
  private blockBelowDays(days: Set<string>): number {
    let first: string | undefined
    for (const d of days) if (first === undefined || d < first) first = d
    let below = -1
    if (first !== undefined) for (const [d, b] of this.dayLastBlock) if (d < first && b > below) below = b
    return below
  }

  /**
   * Recomputes the daily aggregates of the given days from the facts (delete + insert); `above`:
   * no fact of these days lies at or below this block (the read then skips the older facts' parts).
   */
  private async refreshAggregates(days: Set<string>, above = -1): Promise<void> {
    if (!days.size) return
    const list = [...days].sort().map((d) => `'${d}'`).join(',')
    const inf = this.w.table(inferenceFacts().table)
    const where = `${above >= 0 ? `block_number > ${above} AND ` : ''}toDate(timestamp) IN (${list})`
    // a DELETE costs ~0.1-0.2 s even when it matches nothing: only tables holding rows of these days get one
    const tables = ['agg_daily', 'agg_model_daily', 'agg_daily_payers']
    const held = await queryRows<{ t: string }>(
      this.w,
      tables.map((t) => `SELECT '${t}' AS t FROM (SELECT 1 FROM ${this.w.table(t)} WHERE day IN (${list}) LIMIT 1)`).join(' UNION ALL '),
    )
    for (const { t } of held) await this.w.client.command({ query: deleteStatement(t, `day IN (${list})`, this.target) })
    // the daily sums are the fold's (INFERENCE_DAILY_SUMS), so agg_daily equals DailyNetworkStats
    const sums = INFERENCE_DAILY_SUMS.map((d) => {
      const col = columnName(d.field)
      return { column: columnName(d.daily), expr: 'onlyIf' in d ? `sumIf(${col}, ${columnName(d.onlyIf)})` : `sum(${col})` }
    })
    await this.w.client.command({
      query: `INSERT INTO ${this.w.table('agg_daily')} (day, inferences, ${sums.map((x) => x.column).join(', ')}, payers)
        SELECT toDate(timestamp) AS day, count(), ${sums.map((x) => x.expr).join(', ')}, uniqExact(payer_id)
        FROM ${inf} WHERE ${where} GROUP BY day`,
    })
    await this.w.client.command({
      query: `INSERT INTO ${this.w.table('agg_model_daily')}
        SELECT toDate(timestamp) AS day, model_id, count(), sum(units), sum(fee), sum(creator_share), sum(contributors_share)
        FROM ${inf} WHERE ${where} GROUP BY day, model_id`,
    })
    // migration 0003 ran this once as a backfill; a landed migration stays as it was
    await this.w.client.command({
      query: `INSERT INTO ${this.w.table('agg_daily_payers')}
        SELECT toDate(timestamp) AS day, uniqExactState(payer_id) FROM ${inf} WHERE ${where} GROUP BY day`,
    })
  }

  private async journal(kind: 'intent' | 'done', keepUpTo: number, head: number): Promise<void> {
    this.seq++
    await this.w.client.insert({
      table: this.w.table('_sync'),
      values: [{ seq: this.seq, kind, keep_up_to: keepUpTo, head, at: chNow() }],
      format: 'JSONEachRow',
    })
  }
}
