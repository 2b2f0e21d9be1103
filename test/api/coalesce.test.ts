// Concurrent identical analytics calls share one run; different arguments, later calls and
// failures do not leak between callers.
import { describe, expect, it } from 'vitest'
import { coalesced } from '../../src/api/coalesce'

class Counting {
  runs: string[] = []
  private gate: Promise<void>
  open!: () => void
  constructor() {
    this.gate = new Promise((r) => (this.open = r))
  }
  async total(from: Date, to: Date, limit = 10): Promise<{ from: string; to: string; limit: number; run: number }> {
    this.runs.push(`${from.toISOString()}..${to.toISOString()}/${limit}`)
    const run = this.runs.length
    await this.gate
    return { from: from.toISOString(), to: to.toISOString(), limit, run }
  }
  async fails(amount: bigint): Promise<never> {
    this.runs.push(`fails ${amount}`)
    await this.gate
    throw new RangeError(`amount ${amount} refused`)
  }
  label = 'plain property'
}

const A = new Date('2026-01-01T00:00:00Z')
const B = new Date('2026-02-01T00:00:00Z')

describe('coalesced', () => {
  it('ten concurrent equal calls run once and all get that run; other arguments run apart', async () => {
    const target = new Counting()
    const c = coalesced(target)
    const same = Array.from({ length: 10 }, () => c.total(A, B, 5))
    const other = c.total(A, B, 6)
    target.open()
    const got = await Promise.all(same)
    expect(target.runs).toEqual(['2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z/5', '2026-01-01T00:00:00.000Z..2026-02-01T00:00:00.000Z/6'])
    for (const g of got) expect(g).toEqual({ from: A.toISOString(), to: B.toISOString(), limit: 5, run: 1 })
    expect((await other).run).toBe(2)
    expect(c.label).toBe('plain property')
  })

  it('a call after the first settled runs again (nothing is cached)', async () => {
    const target = new Counting()
    target.open()
    const c = coalesced(target)
    expect((await c.total(A, B)).run).toBe(1)
    expect((await c.total(A, B)).run).toBe(2)
  })

  it('a failure reaches every waiting caller, and the next call runs afresh', async () => {
    const target = new Counting()
    const c = coalesced(target)
    const waiting = [c.fails(7n), c.fails(7n), c.fails(7n)]
    target.open()
    for (const r of await Promise.allSettled(waiting)) expect(r).toMatchObject({ status: 'rejected', reason: { name: 'RangeError', message: 'amount 7 refused' } })
    await expect(c.fails(7n)).rejects.toThrow('amount 7 refused')
    expect(target.runs).toEqual(['fails 7', 'fails 7'])
  })
})
