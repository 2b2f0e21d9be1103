// `npm run bench -- index --scale N` (issue 19: memory must not grow with the chain): a chain N
// times the size. The workload runs N times the size's days with the same actors and demand curve
// stretched over the longer run, so the chain holds about N times the events and daily rows. Kept
// out of src/workload (whose code keys the 1x bench chain's cache, ./chain-key): this file is in
// the key of every scaled chain instead.
import path from 'node:path'
import { JsonRpc } from '../chain/rpc'
import { startAnvil } from '../devnet/anvil'
import { writeManifest } from '../devnet/manifest'
import { manifestPathFor } from '../workload/devnet'
import { runWorkload } from '../workload/run'
import { accountsNeeded, workloadSize, type WorkloadSize } from '../workload/sizes'
import { scenarioName } from '../workload/scenarios'
import { UsageError } from '../util/errors'

/** The size whose run lasts `scale` times as many days; scale 1 is the size itself. */
export function scaledSize(s: WorkloadSize, scale: number): WorkloadSize {
  if (!Number.isSafeInteger(scale) || scale < 1 || scale > 10) throw new UsageError(`--scale must be a whole number from 1 to 10, got ${scale}`)
  return scale === 1 ? s : { ...s, days: s.days * scale }
}

export interface ScaledChainOptions {
  workload: string
  seed: number
  scenario: string
  scale: number
  contentDir: string
  stateOut?: string
  onProgress?: (day: number, days: number, info: { txs: number; blocks: number }) => void
}

/**
 * Generates the scaled chain in a fresh anvil (as src/workload/devnet's startDevnet does for the
 * unscaled one) and leaves it running with automine on; with `stateOut`, anvil saves its state
 * there on stop, and the manifest is written beside it.
 */
export async function generateScaledChain(o: ScaledChainOptions) {
  const size = scaledSize(workloadSize(o.workload), o.scale)
  const anvil = await startAnvil({ accounts: accountsNeeded(size), stateOut: o.stateOut, automine: false })
  try {
    const t0 = Date.now()
    const r = await runWorkload({ size, seed: o.seed, scenario: scenarioName(o.scenario), contentDir: path.resolve(o.contentDir), rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, onProgress: o.onProgress })
    await new JsonRpc(anvil.rpcUrl).call('evm_setAutomine', [true])
    if (o.stateOut) writeManifest(manifestPathFor(o.stateOut), r.manifest)
    return { anvil, manifest: r.manifest, endBlock: r.endBlock, stats: { txs: r.txs, blocks: r.blocks, seconds: (Date.now() - t0) / 1000 } }
  } catch (e) {
    await anvil.stop()
    throw e
  }
}
