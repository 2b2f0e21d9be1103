// Drives a --no-mining anvil: queue transactions from unlocked dev accounts, then mine them into
// one block at a chosen timestamp and check every receipt. A failed transaction stops the
// workload with its decoded custom error.
import { decodeErrorResult, getContractAddress, type Address, type Hex } from 'viem'
import { JsonRpc } from '../chain/rpc'
import { WorkloadTxError } from '../util/errors'
import { allAbis } from '../chain/artifacts'

export interface TxRequest {
  from: Address
  to?: Address
  data: string
  gas: bigint
  /** what the transaction is for, in error messages */
  label: string
  /** called with the transaction's receipt once its block is mined and every receipt of it checked */
  onMined?: (receipt: Receipt, block: { number: number; timestamp: number }) => void
}

export interface Receipt {
  transactionHash: Hex
  status: Hex
  gasUsed: Hex
  logs: { address: Address; topics: Hex[]; data: Hex }[]
  contractAddress: Address | null
}

export interface MinedBlock {
  number: number
  hash: Hex
  timestamp: number
  receipts: Receipt[]
}

export { WorkloadTxError }

export class ChainDriver {
  private queue: TxRequest[] = []
  private nonces = new Map<Address, number>()
  lastTimestamp = 0
  blocksMined = 0
  /** the number of the last block mined through this driver (0 before the first) */
  headBlock = 0
  txsSent = 0
  gasUsed = 0n

  constructor(readonly rpc: JsonRpc) {}

  /** Address the next CREATE from `from` will get (nonce tracked locally). */
  async predictAddress(from: Address, offset = 0): Promise<Address> {
    const nonce = (await this.nonce(from)) + offset
    return getContractAddress({ from, nonce: BigInt(nonce) })
  }

  private async nonce(from: Address): Promise<number> {
    let n = this.nonces.get(from)
    if (n === undefined) {
      n = Number(BigInt(await this.rpc.call<Hex>('eth_getTransactionCount', [from, 'pending'])))
      this.nonces.set(from, n)
    }
    return n
  }

  send(tx: TxRequest): void {
    this.queue.push(tx)
  }

  get pending(): number {
    return this.queue.length
  }

  /** Sends the queued transactions and mines them into one block at `timestamp`. */
  async mine(timestamp: number): Promise<MinedBlock> {
    if (timestamp <= this.lastTimestamp) timestamp = this.lastTimestamp + 1
    const txs = this.queue
    this.queue = []
    const params = []
    for (const tx of txs) {
      const nonce = await this.nonce(tx.from)
      this.nonces.set(tx.from, nonce + 1)
      params.push({
        from: tx.from,
        to: tx.to,
        data: tx.data,
        gas: '0x' + tx.gas.toString(16),
        nonce: '0x' + nonce.toString(16),
      })
    }
    // One transaction per HTTP call, in order: with anvil's --order fifo this fixes the order
    // inside the block, so the same seed always yields the same block hashes. Chunks of
    // sequential calls are pipelined through a single JSON-RPC batch.
    const CHUNK = 200
    for (let i = 0; i < params.length; i += CHUNK) {
      await this.rpc.batch(params.slice(i, i + CHUNK).map((p) => ({ method: 'eth_sendTransaction', params: [p] })))
    }
    await this.rpc.call('evm_setNextBlockTimestamp', [timestamp])
    await this.rpc.call('evm_mine', [])
    this.lastTimestamp = timestamp
    const block = await this.rpc.call<{ number: Hex; hash: Hex; timestamp: Hex; transactions: Hex[] }>('eth_getBlockByNumber', ['latest', false])
    if (block.transactions.length !== txs.length) {
      throw new WorkloadTxError(`block ${Number(block.number)} holds ${block.transactions.length} of ${txs.length} transactions: raise the block gas limit or send fewer per block`)
    }
    const receipts = txs.length ? await this.rpc.call<Receipt[]>('eth_getBlockReceipts', [block.number]) : []
    for (let i = 0; i < receipts.length; i++) {
      if (receipts[i].status !== '0x1') await this.explainFailure(txs[i], receipts[i])
      this.gasUsed += BigInt(receipts[i].gasUsed)
    }
    this.blocksMined++
    this.headBlock = Number(block.number)
    this.txsSent += txs.length
    const mined = { number: Number(block.number), timestamp: Number(block.timestamp) }
    for (let i = 0; i < receipts.length; i++) txs[i].onMined?.(receipts[i], mined)
    return { number: Number(block.number), hash: block.hash, timestamp: Number(block.timestamp), receipts }
  }

  private async explainFailure(tx: TxRequest, r: Receipt): Promise<never> {
    let reason = 'reverted'
    let trace: unknown
    try {
      const t = await this.rpc.call<{ output?: Hex; error?: string }>('debug_traceTransaction', [r.transactionHash, { tracer: 'callTracer' }])
      trace = t
      if (t.output && t.output !== '0x') {
        try {
          const e = decodeErrorResult({ abi: allAbis(), data: t.output })
          reason = `${e.errorName}(${(e.args ?? []).map(String).join(', ')})`
        } catch {
          reason = `revert data ${t.output}`
        }
      } else if (t.error) reason = t.error
    } catch {
      // tracing unsupported: keep the generic reason
    }
    throw new WorkloadTxError(`workload transaction "${tx.label}" from ${tx.from} failed: ${reason} (tx ${r.transactionHash})`, { cause: trace })
  }
}
