// Chain activity for reorg tests and the soak: one protocol transaction per block (anvil
// automine), varied by a label so two branches of a fork differ in content, not only in hashes.
import { keccak256, toHex, type Address, type Hex } from 'viem'
import type { createPublicClient, createWalletClient } from 'viem'
import { artifact } from '../chain/artifacts'
import { buildBatch } from '../protocol/receipts'
import type { DeploymentManifest } from '../devnet/manifest'

/** What the activity needs of a devnet: its manifest, a reader and a sender per dev account. */
export interface DevnetClients {
  manifest: DeploymentManifest
  publicClient: ReturnType<typeof createPublicClient>
  wallet(account: Address): ReturnType<typeof createWalletClient>
}

const OPEN = 10n ** 18n
/** below this the payer cannot make the largest deposit twice; the refill lasts ~80 deposits */
const PAYER_FLOOR = 100n * OPEN
const PAYER_REFILL = 2_000n * OPEN

async function openBalance(devnet: DevnetClients, account: Address): Promise<bigint> {
  return (await devnet.publicClient.readContract({ address: devnet.manifest.contracts.OpenToken, abi: artifact('OpenToken').abi, functionName: 'balanceOf', args: [account] })) as bigint
}

export interface ActivityActors {
  liquidity: Address
  contributor: Address
  payer: Address
  operator: Address
}

/** Dev accounts by the workload's layout (src/workload/run.ts assignAccounts, small size). */
export async function actors(devnet: DevnetClients): Promise<ActivityActors> {
  const all = (await (devnet.publicClient.request as (a: { method: string }) => Promise<unknown>)({ method: 'eth_accounts' })) as Address[]
  return { liquidity: all[2], operator: all[8], contributor: all[18 + 8], payer: all[18 + 8 + 36] }
}

export async function mineActivity(devnet: DevnetClients, a: ActivityActors, label: string, blocks: number): Promise<void> {
  const c = devnet.manifest.contracts
  const seed = (k: number) => BigInt('0x' + keccak256(toHex(`${label}-${k}`)).slice(2, 10))
  for (let k = 0; k < blocks; k++) {
    const kind = (k + label.length) % 4
    let from: Address
    let to: Address
    let abi
    let functionName: string
    let args: unknown[]
    if (kind === 0) {
      from = a.liquidity
      to = c.OpenToken
      abi = artifact('OpenToken').abi
      functionName = 'transfer'
      args = [('0x' + keccak256(toHex(label + k)).slice(26)) as Address, (seed(k) % 1000n + 1n) * OPEN]
    } else if (kind === 1) {
      from = a.contributor
      to = c.DatanetRegistry
      abi = artifact('DatanetRegistry').abi
      functionName = 'contribute'
      args = [0n, [keccak256(toHex(`content-${label}-${k}`)) as Hex]]
    } else if (kind === 2 && (await openBalance(devnet, a.payer)) < PAYER_FLOOR) {
      // recycling: the payer's OPEN runs out after a few hundred deposits, so the liquidity
      // account refills it first (a run of any length never reverts by exhausting an account)
      from = a.liquidity
      to = c.OpenToken
      abi = artifact('OpenToken').abi
      functionName = 'transfer'
      // the amount varies with the label: the same transaction on both branches of a fork would
      // have the same hash, and anvil never mines a hash it has already seen (the reorg's losing branch)
      args = [a.payer, PAYER_REFILL + (seed(k) % 1000n) * OPEN]
    } else if (kind === 2) {
      from = a.payer
      to = c.InferenceSettlement
      abi = artifact('InferenceSettlement').abi
      functionName = 'deposit'
      args = [(seed(k) % 50n + 1n) * OPEN]
    } else {
      from = a.operator
      to = c.InferenceSettlement
      abi = artifact('InferenceSettlement').abi
      const settlement = { address: c.InferenceSettlement, abi }
      const firstSeq = (await devnet.publicClient.readContract({ ...settlement, functionName: 'nextSequence', args: [a.operator] })) as bigint
      const payerId = Number(await devnet.publicClient.readContract({ ...settlement, functionName: 'payerIdOf', args: [a.payer] }))
      const registry = { address: c.ModelRegistry, abi: artifact('ModelRegistry').abi }
      let modelId = 0n
      while (!(await devnet.publicClient.readContract({ ...registry, functionName: 'isLive', args: [modelId] }))) modelId++
      const [price] = (await devnet.publicClient.readContract({ ...registry, functionName: 'livePrices', args: [[modelId]] })) as bigint[]
      const n = Number(seed(k) % 3n) + 1
      const receipts = Array.from({ length: n }, (_, i) => {
        const units = 20 + Number((seed(k + i) % 200n))
        return { modelId, payerId, units, fee: BigInt(units) * price }
      })
      const b = buildBatch(receipts)
      functionName = 'settleBatch'
      args = [firstSeq, keccak256(toHex(`log-${label}-${k}`)), b.modelIds, b.payerIds, b.packed]
    }
    const hash = await devnet.wallet(from).writeContract({ address: to, abi, functionName, args, chain: null, account: from } as never)
    const r = await devnet.publicClient.waitForTransactionReceipt({ hash })
    if (r.status !== 'success') throw new Error(`activity ${label}/${k} (${functionName}) reverted`)
  }
}
