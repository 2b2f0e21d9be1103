// The bulk writer queues a batch's statements on its connection without waiting for each one
// (src/processor/fold/bulk.ts BulkWriter): they must run in call order (a child's COPY after its
// parent's upsert, which its foreign key needs), and a failing one must fail `done()` (and so the
// batch's transaction) without an unhandled rejection, whatever was queued after it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DataSource } from 'typeorm'
import { Store } from '@subsquid/typeorm-store'
import { bulkWriter } from '../../src/processor/fold/bulk'
import * as M from '../../src/model'
import { query, type TestDatabase } from '../helpers/pg'
import { migratedDataSource } from '../helpers/orm'

let db: TestDatabase
let ds: DataSource

beforeAll(async () => {
  ;({ db, ds } = await migratedDataSource('bulkqueue'))
})

afterAll(async () => {
  await ds?.destroy()
  await db?.drop()
})

const account = (id: string, balance: bigint) =>
  new M.Account({ id, balance, totalReceived: balance, totalSent: 0n, isCreator: true, isContributor: false, isPayer: false, isOperator: false, isStaker: false, isAgent: false, isVestingBeneficiary: false, firstSeenBlock: 1 })

const datanet = (id: string, owner: string) =>
  new M.Datanet({ id, owner: { id: owner } as M.Account, name: `d${id}`, metadataHash: '0x', createdAtBlock: 1, createdAt: new Date(0), closed: false, contributionCount: 0, contributorCount: 0 })

describe('queued bulk writes', () => {
  it('run in call order: children after the parents their foreign keys name', async () => {
    await ds.transaction(async (em) => {
      const w = (await bulkWriter(new Store(() => em)))!
      for (let i = 0; i < 20; i++) {
        w.upsert([account(`0xowner${i}`, BigInt(i) * 10n ** 20n)])
        w.insert([datanet(String(2 * i), `0xowner${i}`), datanet(String(2 * i + 1), `0xowner${i}`)])
      }
      await w.done()
    })
    const rows = await query<{ id: string; owner_id: string }>(db.url, 'select id, owner_id from datanet order by id::int')
    expect(rows).toEqual(Array.from({ length: 40 }, (_, i) => ({ id: String(i), owner_id: `0xowner${Math.floor(i / 2)}` })))
    const [sum] = await query<{ s: string }>(db.url, `select sum(balance)::text as s from account where id like '0xowner%'`)
    expect(sum.s).toBe(((190n * 10n ** 20n) as bigint).toString())
  })

  it('fail done() on the first failing statement, with statements queued after it, and leave nothing behind', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const failed = ds.transaction(async (em) => {
        const w = (await bulkWriter(new Store(() => em)))!
        w.upsert([account('0xlater', 1n)])
        w.insert([datanet('100', '0xlater')])
        w.insert([datanet('0', '0xnobody')]) // id 0 exists (first test): a duplicate key
        w.upsert([account('0xafter', 2n)])
        w.insert([datanet('101', '0xafter')])
        // turns of the event loop while the failure arrives, before anyone awaits done()
        await new Promise((r) => setTimeout(r, 300))
        await w.done()
      })
      await expect(failed).rejects.toThrow(/duplicate key|violates/)
      await new Promise((r) => setTimeout(r, 50))
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
    expect(unhandled).toEqual([])
    expect(await query(db.url, `select id from account where id in ('0xlater', '0xafter')`)).toEqual([])
    expect(await query(db.url, `select id from datanet where id in ('100', '101')`)).toEqual([])
  })
})
