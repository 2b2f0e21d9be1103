// The sink while a backfill streams commits (real chDB): a flush holds the newest UTC day's facts
// back, so no flush has to DELETE aggregate rows of a day an earlier flush wrote, and the
// aggregate refresh reads only the facts above the previous day's last block. Whatever it holds
// back, every journaled 'done' head leaves ClickHouse's daily aggregates (read without FINAL)
// equal to sums computed here from the rows fed, up to that head.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createLogger } from '@subsquid/logger'
import { afterAll, expect, it } from 'vitest'
import * as M from '../../src/model'
import { openWarehouse, queryRows, type Warehouse } from '../../src/warehouse/client'
import { migrateWarehouse } from '../../src/warehouse/migrate'
import { WarehouseSink } from '../../src/warehouse/sink'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-sink-day-end-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const DAY_MS = 86_400_000
const T0 = Date.UTC(2026, 2, 1)
/** 7 blocks a day, 3 inferences a block, 40 blocks, 10-block batches (as the processor's splits) */
const BLOCKS_PER_DAY = 7
const BLOCKS = 40
const BATCH = 10

function inferenceAt(block: number, i: number): M.Inference {
  // blocks spread over their day (timestamps rise with the block)
  const ts = new Date(T0 + Math.floor(block / BLOCKS_PER_DAY) * DAY_MS + (block % BLOCKS_PER_DAY) * 3_600_000 + i * 1000)
  const fee = 10n ** 20n * BigInt(block + 1) + BigInt(i)
  return new M.Inference({
    id: `${block}-${i}`,
    operator: { id: 'op' } as M.Operator,
    seq: BigInt(block * 10 + i),
    batch: { id: `b${block}` } as M.SettlementBatch,
    model: { id: `m${i % 2}` } as M.Model,
    payer: { id: `0xpayer${(block + i) % 4}` } as M.Account,
    payerIsAgent: i === 0,
    units: BigInt(i + 1),
    fee,
    creatorShare: fee / 2n,
    contributorsShare: fee / 4n,
    infraShare: fee / 8n,
    treasuryShare: 1n,
    burnShare: 2n,
    policyVersion: 1,
    blockNumber: block,
    timestamp: ts,
    txHash: `0xtx${block}`,
    logIndex: i,
  })
}

/** agg_daily as computed here: day -> "inferences fees agent_fees payers", for rows up to `head`. */
function expectedDaily(rows: M.Inference[], head: number): Record<string, string> {
  const days = new Map<string, { n: number; fees: bigint; agent: bigint; payers: Set<string> }>()
  for (const r of rows) {
    if (r.blockNumber > head) continue
    const day = r.timestamp.toISOString().slice(0, 10)
    const d = days.get(day) ?? { n: 0, fees: 0n, agent: 0n, payers: new Set<string>() }
    d.n++
    d.fees += r.fee
    if (r.payerIsAgent) d.agent += r.fee
    d.payers.add(r.payer.id)
    days.set(day, d)
  }
  return Object.fromEntries([...days].map(([day, d]) => [day, `${d.n} ${d.fees} ${d.agent} ${d.payers.size}`]))
}

async function actualDaily(w: Warehouse): Promise<Record<string, string>> {
  // no FINAL: a reader must never see a day twice
  const rows = await queryRows<{ day: string; v: string }>(
    w,
    `SELECT toString(day) AS day, concat(toString(inferences), ' ', toString(fees), ' ', toString(agent_fees), ' ', toString(payers)) AS v FROM upkeep.agg_daily ORDER BY day`,
  )
  const out: Record<string, string> = {}
  for (const r of rows) {
    expect(out[r.day], `agg_daily holds ${r.day} twice`).toBeUndefined()
    out[r.day] = r.v
  }
  return out
}

async function doneHead(w: Warehouse): Promise<number> {
  const r = await queryRows<{ head: string }>(w, `SELECT toString(head) AS head FROM upkeep._sync WHERE kind = 'done' ORDER BY seq DESC LIMIT 1`)
  return Number(r[0].head)
}

it('streaming flushes hold the newest day back: no aggregate DELETE, and every done head has exact aggregates', async () => {
  const w = await openWarehouse({ mode: 'embedded', path: dir, database: 'upkeep' })
  try {
    await migrateWarehouse(w)
    const deletes: string[] = []
    const command = w.client.command.bind(w.client)
    w.client.command = ((p: { query: string }) => {
      if (/^DELETE FROM \S+\.agg_/.test(p.query)) deletes.push(p.query)
      return command(p as never)
    }) as typeof w.client.command
    // flushes only when asked (no size or time trigger), as the streaming flush would run them
    const sink = new WarehouseSink(w, 'postgres://unused', createLogger('test:sink'), 1e9, 1e9)
    const fed: M.Inference[] = []
    const heads: number[] = []
    for (let from = 0; from < BLOCKS; from += BATCH) {
      const rows: M.Inference[] = []
      for (let b = from; b < Math.min(BLOCKS, from + BATCH); b++) for (let i = 0; i < 3; i++) rows.push(inferenceAt(b, i))
      fed.push(...rows)
      sink.addRows(M.Inference, rows)
      await sink.afterCommit(Math.min(BLOCKS, from + BATCH) - 1)
      await sink.flush(true)
      const head = await doneHead(w)
      heads.push(head)
      expect(await actualDaily(w)).toEqual(expectedDaily(fed, head))
    }
    // each streaming flush stopped at a day's end (7 blocks a day): 6, 13, 27, 34, never the batch's end
    expect(heads).toEqual([6, 13, 27, 34])
    expect(deletes).toEqual([])
    // the last flush (at exit) writes the held day too
    await sink.flush()
    expect(await doneHead(w)).toBe(BLOCKS - 1)
    expect(await actualDaily(w)).toEqual(expectedDaily(fed, BLOCKS - 1))
    expect(Object.keys(await actualDaily(w))).toHaveLength(Math.ceil(BLOCKS / BLOCKS_PER_DAY))
  } finally {
    await w.close()
  }
}, 120_000)
