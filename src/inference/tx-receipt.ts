import type { Hex, PublicClient } from 'viem'

/** A transaction's receipt, polled from right away (an automining chain has it at once) with backoff. */
export async function waitForReceipt(client: PublicClient, hash: Hex, what: string) {
  const deadline = Date.now() + 180_000
  for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 1_000)) {
    const r = await client.getTransactionReceipt({ hash }).catch(() => undefined)
    if (r) return r
    await new Promise((res) => setTimeout(res, wait))
  }
  throw new Error(`no receipt for ${what} tx ${hash} after 180 s`)
}
