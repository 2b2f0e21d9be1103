// Every protocol log of a devnet chain, decoded independently of the indexer (viem's
// decodeEventLog over the ABI JSON in abi/), in chain order, each with its block's timestamp.
import fs from 'node:fs'
import path from 'node:path'
import { decodeEventLog, type Abi, type Address } from 'viem'
import { rawLogs, type LoadedDevnet } from './devnet'

const ABI_DIR = path.resolve(__dirname, '..', '..', 'abi')

export interface RawEvent {
  /** "<Contract>.<Event>" */
  key: string
  contract: string
  name: string
  // decoded arguments as viem returns them (bigint, number, lower/checksummed address strings)
  args: Record<string, unknown>
  block: number
  logIndex: number
  tx: string
  /** block timestamp, unix seconds */
  t: number
}

/** Timestamps of blocks, fetched once each with getBlock (a few requests in flight). */
export async function blockTimes(client: LoadedDevnet['publicClient'], blocks: Iterable<number>, concurrency = 32): Promise<Map<number, number>> {
  const todo = [...new Set(blocks)]
  const out = new Map<number, number>()
  for (let i = 0; i < todo.length; i += concurrency) {
    const slice = todo.slice(i, i + concurrency)
    const got = await Promise.all(slice.map((n) => client.getBlock({ blockNumber: BigInt(n) })))
    got.forEach((b, k) => out.set(slice[k], Number(b.timestamp)))
  }
  return out
}

export async function rawEvents(devnet: LoadedDevnet, toBlock = devnet.endBlock, chunk = 500): Promise<RawEvent[]> {
  const byAddress = new Map<string, { contract: string; abi: Abi }>()
  for (const [contract, address] of Object.entries(devnet.manifest.contracts)) {
    byAddress.set(address.toLowerCase(), { contract, abi: JSON.parse(fs.readFileSync(path.join(ABI_DIR, `${contract}.json`), 'utf8')) })
  }
  const logs = await rawLogs(devnet.publicClient, Object.values(devnet.manifest.contracts) as Address[], devnet.manifest.startBlock, toBlock, chunk)
  const times = await blockTimes(
    devnet.publicClient,
    logs.map((l) => Number(l.blockNumber)),
  )
  const events = logs.map((log) => {
    const c = byAddress.get(log.address.toLowerCase())!
    const d = decodeEventLog({ abi: c.abi, data: log.data, topics: log.topics }) as unknown as { eventName: string; args: Record<string, unknown> }
    return {
      key: `${c.contract}.${d.eventName}`,
      contract: c.contract,
      name: d.eventName,
      args: d.args,
      block: Number(log.blockNumber),
      logIndex: Number(log.logIndex),
      tx: log.transactionHash!,
      t: times.get(Number(log.blockNumber))!,
    }
  })
  events.sort((a, b) => a.block - b.block || a.logIndex - b.logIndex)
  return events
}
