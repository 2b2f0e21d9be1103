// The indexer's bulk writer (array literals + unnest) against a real Postgres: text that looks
// like array syntax, NULL or SQL survives byte for byte; amounts beyond 2^64 stay exact; an
// upsert updates in place; a store that tracks changes (hot blocks) is left to typeorm-store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DataSource } from 'typeorm'
import { Store } from '@subsquid/typeorm-store'
import { bulkInsert, bulkUpsert } from '../../src/processor/fold/bulk'
import * as M from '../../src/model'
import { query, type TestDatabase } from '../helpers/pg'
import { migratedDataSource } from '../helpers/orm'

let db: TestDatabase
let ds: DataSource

const AWKWARD = ['a "quoted", name', 'back\\slash\\', 'NULL', '{braces}', '  spaced  ', 'ünïcödé ✓', "it's; drop table account; --", '']

beforeAll(async () => {
  ;({ db, ds } = await migratedDataSource('bulk'))
})

afterAll(async () => {
  await ds?.destroy()
  await db?.drop()
})

function account(id: string, balance: bigint): M.Account {
  return new M.Account({
    id,
    balance,
    totalReceived: balance,
    totalSent: 0n,
    isCreator: false,
    isContributor: true,
    isPayer: false,
    isOperator: false,
    isStaker: false,
    isAgent: false,
    isVestingBeneficiary: false,
    firstSeenBlock: 7,
  })
}

describe('bulk writes', () => {
  it('keep awkward text, nulls, dates and uint256 amounts exact', async () => {
    const big = 2n ** 256n - 1n
    await ds.transaction(async (em) => {
      const store = new Store(() => em)
      expect(await bulkUpsert(store, [account('0xowner', big)])).toBe(true)
      const datanets = AWKWARD.map(
        (name, i) =>
          new M.Datanet({
            id: String(i),
            owner: { id: '0xowner' } as M.Account,
            name,
            metadataHash: `0x${i}`,
            createdAtBlock: i,
            createdAt: new Date(Date.UTC(2025, 8, 8, 0, 0, i, 123)),
            closed: i % 2 === 0,
            contributionCount: 0,
            contributorCount: 0,
          }),
      )
      expect(await bulkInsert(store, datanets)).toBe(true)
    })
    const rows = await query<{ id: string; name: string; owner_id: string; closed: boolean; created_at: Date }>(db.url, 'select id, name, owner_id, closed, created_at from datanet order by id::int')
    expect(rows.map((r) => r.name)).toEqual(AWKWARD)
    expect(rows.every((r) => r.owner_id === '0xowner')).toBe(true)
    expect(rows.map((r) => r.closed)).toEqual(AWKWARD.map((_, i) => i % 2 === 0))
    expect(rows[3].created_at.toISOString()).toBe('2025-09-08T00:00:03.123Z')
    const [acc] = await query<{ balance: string }>(db.url, `select balance::text from account where id = '0xowner'`)
    expect(acc.balance).toBe(big.toString())
  })

  it('upsert updates existing rows in place and inserts new ones', async () => {
    await ds.transaction(async (em) => {
      const store = new Store(() => em)
      await bulkUpsert(store, [account('0xowner', 5n), account('0xnew', 10n ** 30n)])
    })
    const rows = await query<{ id: string; balance: string }>(db.url, `select id, balance::text from account order by id`)
    expect(rows).toEqual([
      { id: '0xnew', balance: (10n ** 30n).toString() },
      { id: '0xowner', balance: '5' },
    ])
  })

  it('a failing write rolls the whole batch back', async () => {
    const before = await query<{ n: string }>(db.url, 'select count(*) as n from account')
    await expect(
      ds.transaction(async (em) => {
        const store = new Store(() => em)
        await bulkUpsert(store, [account('0xthird', 1n)])
        // a duplicate primary key in a plain insert is refused by Postgres
        await bulkInsert(store, [account('0xnew', 1n)])
      }),
    ).rejects.toThrow(/duplicate key/)
    expect(await query<{ n: string }>(db.url, 'select count(*) as n from account')).toEqual(before)
  })

  it('leaves hot-block stores (change tracking) to typeorm-store', async () => {
    await ds.transaction(async (em) => {
      const store = new Store(() => em, {} as never)
      expect(await bulkInsert(store, [account('0xhot', 1n)])).toBe(false)
    })
    expect(await query(db.url, `select id from account where id = '0xhot'`)).toEqual([])
  })
})
