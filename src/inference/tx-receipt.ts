import type { Address, Hex, PublicClient } from 'viem'
import type { KeepAliveRpc } from './keepalive-rpc'

/** A mined transaction's receipt: what the node reads of it. */
export interface MinedReceipt {
  status: 'success' | 'reverted'
  transactionHash: Hex
  blockNumber: bigint
  gasUsed: bigint
  logs: { address: Address; data: Hex; topics: Hex[] }[]
}

/** Polls `get` from right away (an automining chain has the receipt at once) with backoff. */
async function poll<R>(get: () => Promise<R | undefined>, hash: Hex, what: string): Promise<R> {
  const deadline = Date.now() + 180_000
  for (let wait = 10; Date.now() < deadline; wait = Math.min(wait * 2, 1_000)) {
    const r = await get()
    if (r) return r
    await new Promise((res) => setTimeout(res, wait))
  }
  throw new Error(`no receipt for ${what} tx ${hash} after 180 s`)
}

/** A transaction's receipt through viem's client. */
export function waitForReceipt(client: PublicClient, hash: Hex, what: string) {
  return poll(() => client.getTransactionReceipt({ hash }).catch(() => undefined), hash, what)
}

/** A transaction's receipt through a kept-alive JSON-RPC connection (the settlement path). */
export function waitForRpcReceipt(rpc: KeepAliveRpc, hash: Hex, what: string): Promise<MinedReceipt> {
  return poll(
    async () => {
      const r = await rpc
        .call<{ status: Hex; transactionHash: Hex; blockNumber: Hex; gasUsed: Hex; logs: MinedReceipt['logs'] } | null>('eth_getTransactionReceipt', [hash])
        .catch(() => null)
      return r ? { status: r.status === '0x1' ? 'success' : 'reverted', transactionHash: r.transactionHash, blockNumber: BigInt(r.blockNumber), gasUsed: BigInt(r.gasUsed), logs: r.logs } : undefined
    },
    hash,
    what,
  )
}
