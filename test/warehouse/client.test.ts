// The warehouse client over embedded chDB: closing it while queries are still queued lets them
// finish (chDB runs parameterized queries one at a time; a query that reached its turn after the
// session closed used to fail with the native binding's "Usage: connection, sql, format" error).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { openWarehouse, queryRows } from '../../src/warehouse/client'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-chdb-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

it('queries queued when close() is called still answer, and the client is closed afterwards', async () => {
  const w = await openWarehouse({ mode: 'embedded', path: dir, database: 'upkeep' })
  const n = 3_000_000
  const pending = Array.from({ length: 12 }, (_, i) =>
    queryRows<{ s: string }>(w, 'SELECT toString(sum(number + {k:UInt64})) AS s FROM numbers({n:UInt64})', { k: i, n }),
  )
  const closed = w.close()
  const got = await Promise.allSettled(pending)
  await closed
  // Σ_{x<n} (x + k) = n(n−1)/2 + k·n, computed here with bigint
  const want = Array.from({ length: 12 }, (_, k) => ({ status: 'fulfilled', value: [{ s: String((BigInt(n) * BigInt(n - 1)) / 2n + BigInt(k) * BigInt(n)) }] }))
  expect(got).toEqual(want)
  await expect(queryRows(w, 'SELECT 1')).rejects.toThrow()
})
