// The sink's fork window (src/warehouse/sink.ts, beforeCommit): between a fork's beforeCommit and
// its Postgres commit, Postgres is only known to hold blocks up to the fork point. A periodic flush
// landing in that window once journaled 'done' at the old head, so a kill -9 before the next flush
// left the fork's new blocks at or below that head out of ClickHouse for good (the soak's
// "settlement_batch 371 vs 370"). Here the sink is driven as the processor drives it, on a real
// Postgres and a real chDB, with the timer's flush placed in the window on purpose; a second sink
// on the same stores is the restart.
import fs from 'node:fs'
import { createLogger } from '@subsquid/logger'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshDatabase, query, type TestDatabase } from '../helpers/pg'
import { newDataDir } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { applyMigrations } from '../../src/db/postgres'
import { STATE_SCHEMA } from '../../src/squid/compat'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { embeddedWarehouse } from '../../src/warehouse/config'
import { migrateWarehouse } from '../../src/warehouse/migrate'
import { WarehouseSink } from '../../src/warehouse/sink'
import * as M from '../../src/model'

let db: TestDatabase
let dataDir: string
let w: Warehouse | undefined

const log = createLogger('upkeep:test:sink')

/** One transfer per block; the branch is in its id, hash and amount. */
function transfer(block: number, branch: 'a' | 'b'): M.TokenTransfer {
  return new M.TokenTransfer({
    id: `${String(block).padStart(10, '0')}-${branch}`,
    blockNumber: block,
    timestamp: new Date(Date.UTC(2026, 0, 1) + block * 12_000),
    txHash: `0x${branch}${block}`,
    amount: BigInt(block) * 10n ** 18n + (branch === 'b' ? 7n : 0n),
    from: { id: `0x${branch}from` } as M.Account,
    to: { id: `0x${block}to` } as M.Account,
  })
}

/** The processor's Postgres commit: blocks above `keepUpTo` dropped (a fork), the new ones written, the head moved. */
async function commitPostgres(keepUpTo: number, rows: M.TokenTransfer[], head: number): Promise<void> {
  await query(db.url, 'delete from token_transfer where block_number > $1', [keepUpTo])
  for (const r of rows) {
    await query(db.url, 'insert into token_transfer (id, block_number, timestamp, tx_hash, amount, from_id, to_id) values ($1, $2, $3, $4, $5, $6, $7)', [
      r.id,
      r.blockNumber,
      r.timestamp,
      r.txHash,
      r.amount.toString(),
      r.from.id,
      r.to.id,
    ])
  }
  await query(db.url, `insert into ${STATE_SCHEMA}.status (id, height, hash) values (0, $1, $2) on conflict (id) do update set height = $1, hash = $2`, [head, `0xhead${head}`])
}

const blocks = (from: number, to: number, branch: 'a' | 'b') => Array.from({ length: to - from + 1 }, (_, i) => transfer(from + i, branch))

beforeAll(async () => {
  db = await freshDatabase('sink_fork')
  await applyMigrations(db.url)
  // the two tables of the processor's state that the sink reads the Postgres head from
  await query(db.url, `create schema if not exists ${STATE_SCHEMA}`)
  await query(db.url, `create table ${STATE_SCHEMA}.status (id int primary key, height int not null, hash text not null)`)
  await query(db.url, `create table ${STATE_SCHEMA}.hot_block (height int primary key, hash text not null)`)
  dataDir = newDataDir()
  w = await openWarehouse(embeddedWarehouse(dataDir))
  await migrateWarehouse(w)
}, 120_000)

afterAll(async () => {
  await w?.close()
  await db?.drop()
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

describe('the sink journal never passes a pending fork point', () => {
  it("a timer flush between a fork's beforeCommit and its Postgres commit, then kill -9: the restart exports the fork's blocks", async () => {
    // no timer and no size-triggered flush: every flush below is placed by hand
    const sink = new WarehouseSink(w!, db.url, log, 1_000_000, 3_600_000)
    await sink.reconcile()
    // branch a: blocks 1..5 committed and written to ClickHouse, 6..10 committed and still queued
    await commitPostgres(0, blocks(1, 5, 'a'), 5)
    sink.addRows(M.TokenTransfer, blocks(1, 5, 'a'))
    await sink.afterCommit(5)
    await sink.flush()
    await commitPostgres(5, blocks(6, 10, 'a'), 10)
    sink.addRows(M.TokenTransfer, blocks(6, 10, 'a'))
    await sink.afterCommit(10)
    // a fork keeps blocks <= 7 (ClickHouse holds <= 5: nothing to take back, no intent)
    await sink.beforeCommit(7)
    // the periodic flush lands here, before the fork's Postgres commit: it writes the kept 6 and 7
    await sink.flush()
    const [{ n }] = await queryRows<{ n: string }>(w!, `SELECT toString(count()) AS n FROM ${w!.table('token_transfer')}`)
    expect(n).toBe('7')
    // the fork's commit: blocks 8..12 of branch b, queued for the next flush
    await commitPostgres(7, blocks(8, 12, 'b'), 12)
    sink.addRows(M.TokenTransfer, blocks(8, 12, 'b'))
    await sink.afterCommit(12)
    // kill -9 before that flush; the restart reconciles from the journal
    sink.stop()
    const restarted = new WarehouseSink(w!, db.url, log, 1_000_000, 3_600_000)
    const r = await restarted.reconcile()
    expect(r.pgHead).toBe(12)
    await w!.close()
    w = undefined
    const cmp = await compareStores(dataDir, db.url)
    expect(cmp.mismatches).toEqual([])
    expect(cmp.rows.token_transfer).toBe(12)
  }, 120_000)
})
