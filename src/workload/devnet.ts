// One call that tests, `upkeep devnet` and `npm start` share: start anvil, then either load a
// saved chain or deploy the protocol and run the seeded workload on it.
import fs from 'node:fs'
import path from 'node:path'
import { JsonRpc } from '../chain/rpc'
import { runWorkload } from './run'
import { accountsNeeded, workloadSize } from './sizes'
import { DEFAULT_SCENARIO, scenarioName } from './scenarios'
import { startAnvil, type Anvil } from '../devnet/anvil'
import { readDeploymentManifest, writeManifest, type DeploymentManifest } from '../devnet/manifest'
import { UsageError } from '../util/errors'

export interface DevnetOptions {
  workload: string
  seed: number
  /** the traffic shape (./scenarios); steady by default. Ignored when a saved chain is loaded. */
  scenario?: string
  contentDir: string
  stateIn?: string
  stateOut?: string
  onProgress?: (day: number, days: number, info: { txs: number; blocks: number }) => void
}

export interface Devnet {
  anvil: Anvil
  manifest: DeploymentManifest
  endBlock: number
  stats?: { txs: number; blocks: number; gasUsed: bigint; seconds: number }
}

export function manifestPathFor(stateFile: string): string {
  return stateFile + '.manifest.json'
}

export async function startDevnet(opts: DevnetOptions): Promise<Devnet> {
  const size = workloadSize(opts.workload)
  const scenario = scenarioName(opts.scenario ?? DEFAULT_SCENARIO)
  if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${opts.seed}`)
  if (opts.stateIn) {
    if (!fs.existsSync(opts.stateIn)) throw new UsageError(`--state-in ${opts.stateIn}: no such file`)
    const saved = readDeploymentManifest(manifestPathFor(opts.stateIn), 'a saved devnet')
    const anvil = await startAnvil({ accounts: accountsNeeded(size), stateIn: opts.stateIn, stateOut: opts.stateOut, automine: false })
    const rpc = new JsonRpc(anvil.rpcUrl)
    await rpc.call('evm_setAutomine', [true])
    const head = Number(BigInt(await rpc.call<string>('eth_blockNumber')))
    const manifest = { ...saved, rpcUrl: anvil.rpcUrl }
    return { anvil, manifest, endBlock: head }
  }
  const anvil = await startAnvil({ accounts: accountsNeeded(size), stateOut: opts.stateOut, automine: false })
  try {
    const t0 = Date.now()
    const r = await runWorkload({
      size,
      seed: opts.seed,
      scenario,
      contentDir: path.resolve(opts.contentDir),
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      onProgress: opts.onProgress,
    })
    // the chain keeps mining on demand after the workload (the node, tests)
    await new JsonRpc(anvil.rpcUrl).call('evm_setAutomine', [true])
    if (opts.stateOut) writeManifest(manifestPathFor(opts.stateOut), r.manifest)
    return { anvil, manifest: r.manifest, endBlock: r.endBlock, stats: { txs: r.txs, blocks: r.blocks, gasUsed: r.gasUsed, seconds: (Date.now() - t0) / 1000 } }
  } catch (e) {
    await anvil.stop()
    throw e
  }
}
