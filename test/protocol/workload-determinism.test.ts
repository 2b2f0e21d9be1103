// The seeded workload is deterministic: the same seed gives the same contract addresses, end
// block, block hashes and event counts (only the RPC port may differ), and the same usage logs. The fixture chain (seed 7,
// built by the global setup) is compared with a chain generated again here from scratch.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPublicClient, http, type Address } from 'viem'
import { startDevnet, type Devnet } from '../../src/workload/devnet'
import { loadDevnet, rawLogs, type LoadedDevnet } from '../helpers/devnet'

let fixture: LoadedDevnet
let again: Devnet
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-determinism-'))

beforeAll(async () => {
  fixture = await loadDevnet()
  again = await startDevnet({ workload: 'small', seed: 7, contentDir: path.join(dir, 'content') })
})

afterAll(async () => {
  await fixture?.stop()
  await again?.anvil.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** Sampled block hashes and per (address, topic0) log counts, straight from the RPC. */
async function facts(rpcUrl: string, contracts: Address[]) {
  const client = createPublicClient({ transport: http(rpcUrl) })
  const head = Number(await client.getBlockNumber())
  const sample = [0, 1, 2, Math.floor(head / 3), Math.floor(head / 2), head - 1, head]
  const hashes = await Promise.all(sample.map(async (n) => (await client.getBlock({ blockNumber: BigInt(n) })).hash))
  const counts: Record<string, number> = {}
  for (const l of await rawLogs(client as never, contracts, 0, head, 500)) {
    const key = `${l.address.toLowerCase()}:${l.topics[0]}`
    counts[key] = (counts[key] ?? 0) + 1
  }
  return { head, hashes, counts }
}

describe('workload determinism', () => {
  it('same seed: same addresses, end block, block hashes and event counts', async () => {
    expect(again.manifest.contracts).toEqual(fixture.manifest.contracts)
    expect(again.manifest.startBlock).toBe(fixture.manifest.startBlock)
    expect(again.endBlock).toBe(fixture.endBlock)
    expect(again.anvil.rpcUrl).not.toBe(fixture.anvil.rpcUrl) // two chains, not one
    const contracts = Object.values(fixture.manifest.contracts) as Address[]
    const a = await facts(fixture.anvil.rpcUrl, contracts)
    const b = await facts(again.anvil.rpcUrl, contracts)
    expect(b.head).toBe(a.head)
    expect(b.hashes).toEqual(a.hashes)
    expect(b.counts).toEqual(a.counts)
    expect(Object.keys(a.counts).length).toBeGreaterThan(20)
    expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBeGreaterThan(1000)
  })

  it("same seed: the workload operators' usage logs are byte-identical (their heads are on chain)", () => {
    const names = (d: string) => fs.readdirSync(path.join(d, 'usage-logs')).sort()
    const regenerated = path.join(dir, 'content')
    expect(names(regenerated)).toEqual(names(fixture.contentDir))
    expect(names(regenerated).length).toBe(3)
    for (const f of names(regenerated)) expect(fs.readFileSync(path.join(regenerated, 'usage-logs', f)).equals(fs.readFileSync(path.join(fixture.contentDir, 'usage-logs', f))), f).toBe(true)
  })
})
