// Counts every protocol event in a block range straight from eth_getLogs (independent of the
// workload's own bookkeeping), keyed "Contract.Event".
import { toEventSelector, type AbiEvent, type Address, type Hex } from 'viem'
import { artifact, CONTRACT_NAMES, type ContractName } from '../chain/artifacts'
import { JsonRpc } from '../chain/rpc'

export async function countEvents(
  rpc: JsonRpc,
  contracts: Record<ContractName, Address>,
  fromBlock: number,
  toBlock: number,
  chunk = 250,
): Promise<{ events: Record<string, number>; total: number }> {
  const names = new Map<string, string>()
  for (const c of CONTRACT_NAMES) {
    for (const item of artifact(c).abi) {
      if (item.type === 'event') names.set(`${contracts[c].toLowerCase()}:${toEventSelector(item as AbiEvent)}`, `${c}.${item.name}`)
    }
  }
  const events: Record<string, number> = {}
  let total = 0
  for (let from = fromBlock; from <= toBlock; from += chunk) {
    const to = Math.min(toBlock, from + chunk - 1)
    const logs = await rpc.call<{ address: Address; topics: Hex[] }[]>('eth_getLogs', [
      { fromBlock: '0x' + from.toString(16), toBlock: '0x' + to.toString(16), address: Object.values(contracts) },
    ])
    for (const l of logs) {
      const key = names.get(`${l.address.toLowerCase()}:${l.topics[0]}`) ?? `unknown:${l.address}:${l.topics[0]}`
      events[key] = (events[key] ?? 0) + 1
      total++
    }
  }
  return { events: Object.fromEntries(Object.entries(events).sort(([a], [b]) => (a < b ? -1 : 1))), total }
}
