// The small seeded chain, loaded into an anvil of this test file's own.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { inject } from 'vitest'
import { createPublicClient, createTestClient, createWalletClient, http, type Address } from 'viem'
import { foundry } from 'viem/chains'
import { startDevnet } from '../../src/workload/devnet'
import { writeManifest, type DeploymentManifest } from '../../src/devnet/manifest'
import type { Anvil } from '../../src/devnet/anvil'

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

export async function loadDevnet(): Promise<LoadedDevnet> {
  const fx = inject('devnet')
  const devnet = await startDevnet({ workload: 'small', seed: 7, contentDir: fx.contentDir, stateIn: fx.stateFile })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-manifest-'))
  const manifestFile = path.join(dir, 'manifest.json')
  writeManifest(manifestFile, devnet.manifest)
  const transport = http(devnet.anvil.rpcUrl)
  const chain = { ...foundry, id: devnet.manifest.chainId }
  return {
    anvil: devnet.anvil,
    manifest: devnet.manifest,
    manifestFile,
    contentDir: fx.contentDir,
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
