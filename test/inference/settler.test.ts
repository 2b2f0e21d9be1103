// The settler's escrow cache: the requests that find a payer's balance stale at once share one
// chain read (under load 32 connections found it stale together and sent 32 eth_calls), and each
// sees the balance read less what is reserved against it.
import { describe, expect, it } from 'vitest'
import { Settler, type SettlerOptions } from '../../src/inference/settler'
import type { ProtocolView } from '../../src/inference/protocol-view'

const PAYER = '0x00000000000000000000000000000000000000aa'

/** A view whose escrow read answers `balance` after a few ms and counts the reads sent. */
function slowView(balance: bigint) {
  const reads: string[] = []
  const view = {
    escrowBalance: (payer: string) => {
      reads.push(payer)
      return new Promise<bigint>((r) => setTimeout(() => r(balance), 5))
    },
  }
  return { reads, view: view as unknown as ProtocolView }
}

function settlerOn(view: ProtocolView): Settler {
  // only what available() touches is real; the RPC URL is never called
  return new Settler({ view, rpcUrl: 'http://127.0.0.1:9', batchSize: 100 } as unknown as SettlerOptions)
}

describe('the settler escrow cache', () => {
  it('sends one escrow read for concurrent requests that find the balance stale, and each sees balance minus reserved', async () => {
    const { reads, view } = slowView(1_000_000n)
    const s = settlerOn(view)
    s.reserve(PAYER, 300n)
    const seen = await Promise.all(Array.from({ length: 32 }, () => s.available(PAYER)))
    expect(reads).toEqual([PAYER])
    expect(seen).toEqual(Array(32).fill(1_000_000n - 300n))
    // fresh for a second: no read; a new reservation shows at once
    s.reserve(PAYER, 200n)
    expect(await s.available(PAYER)).toBe(1_000_000n - 500n)
    expect(reads.length).toBe(1)
  })

  it('reads again once the read in flight has come back stale (the cache expires)', async () => {
    const { reads, view } = slowView(7n)
    const s = settlerOn(view)
    await s.available(PAYER)
    const realNow = Date.now
    try {
      Date.now = () => realNow() + 1_500
      await Promise.all([s.available(PAYER), s.available(PAYER)])
    } finally {
      Date.now = realNow
    }
    expect(reads.length).toBe(2)
  })
})
