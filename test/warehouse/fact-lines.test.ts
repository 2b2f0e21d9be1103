// The sink's insert format (TabSeparated lines built from the fold's entities) into real chDB:
// text with tabs, line breaks, backslashes and the null marker comes back byte for byte, a
// uint256 beyond 2^64 stays exact, a null relation is NULL, times keep their milliseconds.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import * as M from '../../src/model'
import { openWarehouse, queryRows } from '../../src/warehouse/client'
import { migrateWarehouse } from '../../src/warehouse/migrate'
import { entityFactLine, factTables } from '../../src/warehouse/facts'
import { insertFactLines } from '../../src/warehouse/sink'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-chdb-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const AWKWARD = ['tab\there', 'line\nbreak', 'cr\rreturn', 'back\\slash', '\\N', 'NULL', '', "quote's \"double\"", 'ünïcödé ✓']

it('TabSeparated fact lines keep awkward text, uint256 amounts, nulls and milliseconds exact', async () => {
  const w = await openWarehouse({ mode: 'embedded', path: dir, database: 'upkeep' })
  try {
    await migrateWarehouse(w)
    const t = factTables().get(M.EscrowMovement)!
    const big = 2n ** 256n - 1n
    const rows = AWKWARD.map(
      (text, i) =>
        new M.EscrowMovement({
          id: `id-${i}-${text}`,
          escrow: { id: `0xescrow${i}` } as M.EscrowAccount,
          kind: text,
          amount: big - BigInt(i),
          from: i % 2 ? ({ id: `0xfrom${i}` } as M.Account) : null,
          blockNumber: 100 + i,
          timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 7 + i)),
          txHash: `0x${text}`,
        }),
    )
    await insertFactLines(w, t, rows.map((r) => entityFactLine(t, r as unknown as Record<string, unknown>)))
    const got = await queryRows<Record<string, string | number | null>>(
      w,
      `SELECT id, escrow_id, kind, toString(amount) AS amount, from_id, toString(timestamp) AS ts, block_number, tx_hash FROM ${w.table(t.table)} ORDER BY block_number`,
    )
    const pad = (n: number, d = 2) => String(n).padStart(d, '0')
    expect(got).toEqual(
      AWKWARD.map((text, i) => ({
        id: `id-${i}-${text}`,
        escrow_id: `0xescrow${i}`,
        kind: text,
        amount: (big - BigInt(i)).toString(),
        from_id: i % 2 ? `0xfrom${i}` : null,
        ts: `2026-01-02 ${pad(3)}:${pad(4)}:${pad(5)}.${pad(7 + i, 3)}`,
        block_number: 100 + i,
        tx_hash: `0x${text}`,
      })),
    )
  } finally {
    await w.close()
  }
})
