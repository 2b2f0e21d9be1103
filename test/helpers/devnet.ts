// The small seeded chain, loaded into an anvil of this test file's own.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, inject } from 'vitest'
import { createPublicClient, createTestClient, createWalletClient, http, type Address } from 'viem'
import { foundry } from 'viem/chains'
import { startDevnet, type Devnet } from '../../src/workload/devnet'
import { writeManifest, type DeploymentManifest } from '../../src/devnet/manifest'
import type { Anvil } from '../../src/devnet/anvil'
import type { DevnetFixture } from '../global-setup'

export interface LoadedDevnet {
  anvil: Anvil
  manifest: DeploymentManifest
  manifestFile: string
  contentDir: string
  endBlock: number
  publicClient: ReturnType<typeof createPublicClient>
  testClient: ReturnType<typeof createTestClient>
  wallet(account: Address): ReturnType<typeof createWalletClient>
  stop(): Promise<void>
}

/** A saved chain (by default the small seed-7 steady chain global setup built) in an anvil of its own. */
export async function loadDevnet(fx: Pick<DevnetFixture, 'stateFile' | 'contentDir'> = inject('devnet')): Promise<LoadedDevnet> {
  const devnet = await startDevnet({ workload: 'small', seed: 7, contentDir: fx.contentDir, stateIn: fx.stateFile })
  return writeDevnetManifest(devnet, fx.contentDir)
}

/** A devnet this test started (generated or loaded), with its manifest written and viem clients on it. */
export function writeDevnetManifest(devnet: Pick<Devnet, 'anvil' | 'manifest' | 'endBlock'>, contentDir: string): LoadedDevnet {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-manifest-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)
  const transport = http(devnet.anvil.rpcUrl)
  const chain = { ...foundry, id: devnet.manifest.chainId }
  return {
    anvil: devnet.anvil,
    manifest: devnet.manifest,
    manifestFile,
    contentDir,
    endBlock: devnet.endBlock,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
    testClient: createTestClient({ chain, transport, mode: 'anvil' }),
    wallet: (account) => createWalletClient({ chain, transport, account }),
    async stop() {
      await devnet.anvil.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** eth_getLogs over a range in chunks (an RPC answer is capped in size). */
export async function rawLogs(client: LoadedDevnet['publicClient'], address: Address[], fromBlock: number, toBlock: number, chunk = 200) {
  const out = []
  for (let from = fromBlock; from <= toBlock; from += chunk) {
    out.push(...(await client.getLogs({ address, fromBlock: BigInt(from), toBlock: BigInt(Math.min(toBlock, from + chunk - 1)) })))
  }
  return out
}

/** Runs `f` on a chain snapshot and reverts the chain afterwards, so later tests see the honest chain. */
export async function onSnapshot<T>(devnet: LoadedDevnet, f: () => Promise<T>): Promise<T> {
  const id = await devnet.testClient.snapshot()
  try {
    return await f()
  } finally {
    await devnet.testClient.revert({ id })
  }
}

/** Sampled block hashes and per (address, topic0) log counts, straight from the RPC: what "the same chain" means. */
async function chainFacts(rpcUrl: string, contracts: Address[]) {
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

type Chain = { manifest: DeploymentManifest; endBlock: number; anvil: { rpcUrl: string } }

/** Asserts `again` is the same chain as `fixture` (two anvils): same addresses, start and end block, sampled block hashes and event counts. */
export async function expectSameChain(fixture: Chain, again: Chain): Promise<{ counts: Record<string, number> }> {
  expect(again.manifest.contracts).toEqual(fixture.manifest.contracts)
  expect(again.manifest.startBlock).toBe(fixture.manifest.startBlock)
  expect(again.endBlock).toBe(fixture.endBlock)
  expect(again.anvil.rpcUrl).not.toBe(fixture.anvil.rpcUrl) // two chains, not one
  const contracts = Object.values(fixture.manifest.contracts) as Address[]
  const a = await chainFacts(fixture.anvil.rpcUrl, contracts)
  const b = await chainFacts(again.anvil.rpcUrl, contracts)
  expect(b.head).toBe(a.head)
  expect(b.hashes).toEqual(a.hashes)
  expect(b.counts).toEqual(a.counts)
  expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBeGreaterThan(1000)
  return a
}
