// The reconciliation itself (src/warehouse/compare.ts) must fail for each kind of drift it claims
// to catch: a fact row stored twice (before a merge hides it), any column of any aggregate table,
// a missing aggregate row, and a ClickHouse table it does not know. A clean index compares equal.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { freshDatabase, type TestDatabase } from '../helpers/pg'
import { indexTo, newDataDir, type IndexerSetup } from '../helpers/indexer'
import { compareStores } from '../helpers/warehouse'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { embeddedWarehouse } from '../../src/warehouse/config'

let devnet: LoadedDevnet
let db: TestDatabase
let s: IndexerSetup

beforeAll(async () => {
  devnet = await loadDevnet()
  db = await freshDatabase('compare')
  s = { manifestFile: devnet.manifestFile, dbUrl: db.url, dataDir: newDataDir() }
  await indexTo(s, devnet.endBlock)
}, 180_000)

afterAll(async () => {
  await devnet?.stop()
  await db?.drop()
  if (s) fs.rmSync(s.dataDir, { recursive: true, force: true })
})

/** Opens the index's chDB in this process for one change, then closes it (compareStores opens it again). */
async function tamper(fn: (w: Warehouse, t: (name: string) => string) => Promise<void>): Promise<void> {
  const w = await openWarehouse(embeddedWarehouse(s.dataDir))
  try {
    await fn(w, (n) => w.table(n))
  } finally {
    await w.close()
  }
}

const mismatches = async () => (await compareStores(s.dataDir, s.dbUrl)).mismatches

describe('compareStores', () => {
  it('a clean index: every fact and aggregate table equals Postgres', async () => {
    const r = await compareStores(s.dataDir, s.dbUrl)
    expect(r.mismatches).toEqual([])
    for (const t of ['settlement_batch', 'inference', 'agg_daily', 'agg_model_daily', 'agg_daily_payers']) expect(r.rows[t], t).toBeGreaterThan(0)
  })

  it('a doubled fact row is caught before a merge hides it (FINAL alone would not see it)', async () => {
    // a background merge may otherwise fold the copy away before the check reads the parts (seen in
    // CI under load): no part qualifies for a merge while the size limit is one byte
    await tamper(async (w, t) => {
      await w.client.command({ query: `ALTER TABLE ${t('settlement_batch')} MODIFY SETTING max_bytes_to_merge_at_max_space_in_pool = 1, max_bytes_to_merge_at_min_space_in_pool = 1` })
      await w.client.command({ query: `INSERT INTO ${t('settlement_batch')} SELECT * FROM ${t('settlement_batch')} ORDER BY block_number LIMIT 1` })
    })
    const m = await mismatches()
    expect(m).toHaveLength(1)
    expect(m[0]).toMatch(/^settlement_batch: (\d+) rows stored but \d+ distinct \(block_number, id\): a row is doubled$/)
    // merged away, the same store compares equal: the check has to run on the raw parts
    await tamper(async (w, t) => {
      await w.client.command({ query: `ALTER TABLE ${t('settlement_batch')} RESET SETTING max_bytes_to_merge_at_max_space_in_pool, max_bytes_to_merge_at_min_space_in_pool` })
      await w.client.command({ query: `OPTIMIZE TABLE ${t('settlement_batch')} FINAL` })
    })
    expect(await mismatches()).toEqual([])
  })

  it('every aggregate column counts: agg_daily.infra_share, agg_model_daily.creator_share', async () => {
    for (const [table, column] of [
      ['agg_daily', 'infra_share'],
      ['agg_model_daily', 'creator_share'],
    ]) {
      const change = (sign: string) =>
        tamper(async (w, t) => {
          const [d] = await queryRows<{ day: string }>(w, `SELECT toString(min(day)) AS day FROM ${t(table)}`)
          await w.client.command({ query: `ALTER TABLE ${t(table)} UPDATE ${column} = ${column} ${sign} 1 WHERE day = '${d.day}' SETTINGS mutations_sync = 1` })
        })
      await change('+')
      const m = await mismatches()
      expect(m.length, table).toBeGreaterThan(0)
      expect(m.every((x) => x.startsWith(`${table} row 0:`) || x.startsWith('agg_daily vs daily_network_stats row 0:')), m.join('\n')).toBe(true)
      expect(m.some((x) => x.startsWith(`${table} row 0:`))).toBe(true)
      await change('-')
      expect(await mismatches()).toEqual([])
    }
  })

  it('a missing agg_daily_payers day is caught', async () => {
    let day = ''
    await tamper(async (w, t) => {
      ;[{ day }] = await queryRows<{ day: string }>(w, `SELECT toString(max(day)) AS day FROM ${t('agg_daily_payers')}`)
      await w.client.command({ query: `DELETE FROM ${t('agg_daily_payers')} WHERE day = '${day}'` })
    })
    const m = await mismatches()
    expect(m).toHaveLength(1)
    const [, inPg, inCh] = m[0].match(/^agg_daily_payers: (\d+) rows in Postgres, (\d+) in ClickHouse$/) ?? []
    expect(Number(inPg) - Number(inCh), m[0]).toBe(1)
    await tamper(async (w, t) => {
      await w.client.command({
        query: `INSERT INTO ${t('agg_daily_payers')} SELECT toDate(timestamp) AS day, uniqExactState(payer_id) FROM ${t('inference')} WHERE toDate(timestamp) = '${day}' GROUP BY day`,
      })
    })
    expect(await mismatches()).toEqual([])
  })

  it('a ClickHouse table the comparison does not know is reported', async () => {
    await tamper(async (w, t) => {
      await w.client.command({ query: `CREATE TABLE ${t('agg_weekly')} (week Date, fees UInt256) ENGINE = ReplacingMergeTree ORDER BY week` })
    })
    expect(await mismatches()).toEqual(['agg_weekly: a ClickHouse table the comparison does not know (add it to src/warehouse/compare.ts)'])
    await tamper(async (w, t) => {
      await w.client.command({ query: `DROP TABLE ${t('agg_weekly')}` })
    })
    expect(await mismatches()).toEqual([])
  })
})
