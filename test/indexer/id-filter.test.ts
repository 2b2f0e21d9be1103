// The fold's id filters (src/processor/fold/id-filter.ts): a miss for an id the filter does not
// hold skips the Postgres lookup, so the filter must hold every id the table has, whether the row
// was stored by an earlier process (restart), by this one before a rollback dropped the caches,
// or after a rollback removed it again (then a lookup finds nothing and the row starts fresh).
import crypto from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DataSource } from 'typeorm'
import { Store } from '@subsquid/typeorm-store'
import { IdFilter } from '../../src/processor/fold/id-filter'
import { FoldState } from '../../src/processor/fold/state'
import * as M from '../../src/model'
import { query, type TestDatabase } from '../helpers/pg'
import { migratedDataSource } from '../helpers/orm'

const randomId = () => '0x' + crypto.randomBytes(20).toString('hex')

describe('IdFilter', () => {
  it('holds every id added, through growth far past its first capacity, and rejects most others', () => {
    const f = new IdFilter(1_000)
    const added = Array.from({ length: 100_000 }, randomId)
    for (const id of added) f.add(id)
    expect(added.filter((id) => !f.mayHave(id))).toEqual([])
    const others = Array.from({ length: 20_000 }, randomId)
    const falsePositives = others.filter((id) => f.mayHave(id)).length
    // each layer is sized for ~1 % at capacity; a few layers answer together
    expect(falsePositives / others.length).toBeLessThan(0.05)
  })
})

let db: TestDatabase
let ds: DataSource

beforeAll(async () => {
  ;({ db, ds } = await migratedDataSource('idfilter'))
})

afterAll(async () => {
  await ds?.destroy()
  await db?.drop()
})

const A = '0x' + 'a'.repeat(40) // stored before the fold starts (an earlier process)
const B = '0x' + 'b'.repeat(40) // created by the fold

/** Runs one "batch" on its own transaction; returns the ids the fold looked up in Postgres. */
async function batch(s: FoldState, fn: (store: Store) => Promise<void>): Promise<string[]> {
  const lookups: string[] = []
  await ds.transaction(async (em) => {
    const store = new Store(() => em)
    const get = store.get.bind(store) as (...a: unknown[]) => Promise<unknown>
    ;(store as unknown as { get: unknown }).get = (cls: { name: string }, opts: { where: { id: string } }) => {
      lookups.push(`${cls.name} ${opts.where.id}`)
      return get(cls, opts)
    }
    s.begin(store, [])
    await fn(store)
    await s.flush()
  })
  return lookups
}

const balanceOf = async (id: string) => (await query<{ balance: string }>(db.url, `select balance::text from account where id = '${id}'`))[0]?.balance

describe('fold lookups behind the id filters', () => {
  it('find rows stored before start-up, before a rollback, and start fresh after one removed them', async () => {
    const sql = `insert into account (id, balance, total_received, total_sent, is_creator, is_contributor, is_payer, is_operator, is_staker, is_agent, is_vesting_beneficiary, first_seen_block)`
    await query(db.url, `${sql} values ('${A}', 5, 5, 0, false, false, true, false, false, false, false, 1)`)
    await query(db.url, `insert into escrow_account (id, payer_id, account_id, balance, deposited, withdrawn, spent, pending_withdrawal) values ('${A}', 3, '${A}', 11, 11, 0, 0, 0)`)

    const s = new FoldState({})
    let lookups = await batch(s, async (store) => {
      expect((await s.account(A, 2)).balance).toBe(5n)
      expect((await s.escrows.get(store, A))?.balance).toBe(11n)
      const b = await s.account(B, 2)
      expect(b.balance).toBe(0n)
      b.balance = 7n
      expect(await s.escrows.get(store, B)).toBeUndefined()
    })
    // the stored rows were read; B (new) and B's escrow (absent) were not asked for
    expect(lookups.sort()).toEqual([`Account ${A}`, `EscrowAccount ${A}`])
    expect(await balanceOf(B)).toBe('7')

    // a rollback drops the caches: B is in the table now, so it must be read, not created again
    s.invalidate()
    lookups = await batch(s, async () => {
      const b = await s.account(B, 3)
      expect(b.balance).toBe(7n)
      b.balance += 1n
    })
    expect(lookups).toEqual([`Account ${B}`])
    expect(await balanceOf(B)).toBe('8')

    // a restart: a new process reads its filters from the tables
    const s2 = new FoldState({})
    lookups = await batch(s2, async (store) => {
      expect((await s2.account(A, 4)).balance).toBe(5n)
      expect((await s2.account(B, 4)).balance).toBe(8n)
      expect((await s2.escrows.get(store, A))?.balance).toBe(11n)
    })
    expect(lookups.sort()).toEqual([`Account ${A}`, `Account ${B}`, `EscrowAccount ${A}`])

    // a rollback that removes B (its creation undone): the lookup finds nothing, B starts fresh
    await query(db.url, `delete from account where id = '${B}'`)
    s2.invalidate()
    await batch(s2, async () => {
      const b = await s2.account(B, 9)
      expect(b.balance).toBe(0n)
      expect(b.firstSeenBlock).toBe(9)
    })
    expect(await balanceOf(B)).toBe('0')
  })
})
