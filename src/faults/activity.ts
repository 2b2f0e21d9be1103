// Chain activity for reorg tests and the soak: one protocol transaction per block (anvil
// automine), varied by a label so two branches of a fork differ in content, not only in hashes.
import { keccak256, toHex, type Address, type Hex } from 'viem'
import type { createPublicClient, createWalletClient } from 'viem'
import { artifact } from '../chain/artifacts'
import { buildBatch } from '../protocol/receipts'
import { ChargeDomain } from '../protocol/charge-auth'
import { devnetPrivateKey } from '../chain/keys'
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

// Every transaction's arguments depend on the label through `seed` (32 bits of its hash), down to
// the wei of an amount: the same transaction on both branches of a fork (same sender, nonce and
// data) would have the same hash, and anvil never mines a hash it has already seen (the activity
// then waits for it forever). Only 50 deposit sizes made that a 1-in-50 chance per fork.
/**
 * The receipt, asked for directly until it is there (anvil automines each transaction). viem's
 * waitForTransactionReceipt watches the block number and, on a chain that keeps being reverted to
 * lower heights, missed a mined transaction for good (seen after ~600 steps of the soak's activity).
 */
async function receipt(devnet: DevnetClients, hash: Hex, timeoutMs = 60_000) {
  for (const t0 = Date.now(); Date.now() - t0 < timeoutMs; await new Promise((r) => setTimeout(r, 20))) {
    const r = await devnet.publicClient.getTransactionReceipt({ hash }).catch(() => null)
    if (r) return r
  }
  return null
}

/** What the chain says about a transaction that was not mined: its nonce and fees against the sender's and the head's. */
async function stuck(devnet: DevnetClients, from: Address, hash: Hex): Promise<string> {
  const c = devnet.publicClient
  const tx = await c.getTransaction({ hash }).catch(() => null)
  const head = await c.getBlock()
  const [latest, pending] = await Promise.all([c.getTransactionCount({ address: from }), c.getTransactionCount({ address: from, blockTag: 'pending' })])
  const pool = await (c.request as (a: { method: string }) => Promise<unknown>)({ method: 'txpool_status' }).catch(() => null)
  return JSON.stringify({ tx: tx && { nonce: tx.nonce, block: tx.blockNumber?.toString(), maxFee: tx.maxFeePerGas?.toString(), gasPrice: tx.gasPrice?.toString() }, head: head.number.toString(), baseFee: head.baseFeePerGas?.toString(), nonce: { latest, pending }, pool })
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
      args = [a.payer, PAYER_REFILL + seed(k)]
    } else if (kind === 2) {
      from = a.payer
      to = c.InferenceSettlement
      abi = artifact('InferenceSettlement').abi
      functionName = 'deposit'
      args = [(seed(k) % 50n + 1n) * OPEN + seed(k)]
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
      // the payer (dev account 62, the workload's first payer) authorises what it owes in total
      const operatorId = Number(await devnet.publicClient.readContract({ ...settlement, functionName: 'operatorIdOf', args: [a.operator] }))
      const charged = (await devnet.publicClient.readContract({ ...settlement, functionName: 'charged', args: [payerId, operatorId] })) as bigint
      const recentBlock = Number(await devnet.publicClient.getBlockNumber())
      const cumulativeAmount = charged + receipts.reduce((s, r) => s + r.fee, 0n)
      const authorization = new ChargeDomain(devnet.manifest.chainId, c.InferenceSettlement).sign(devnetPrivateKey(62), { payer: a.payer, operator: a.operator, cumulativeAmount, recentBlock, expiryBlock: recentBlock + 1_000 })
      const b = buildBatch(receipts.map((r) => ({ ...r, authorization })))
      functionName = 'settleBatch'
      args = [firstSeq, keccak256(toHex(`log-${label}-${k}`)), b.modelIds, b.payerIds, b.packed, b.cpuMicros, b.adapterByteSeconds, b.authorizations]
    }
    const hash = await devnet.wallet(from).writeContract({ address: to, abi, functionName, args, chain: null, account: from } as never)
    const r = await receipt(devnet, hash)
    if (!r) throw new Error(`activity ${label}/${k} (${functionName}): ${hash} not mined within 60 s ${await stuck(devnet, from, hash)}`)
    if (r.status !== 'success') throw new Error(`activity ${label}/${k} (${functionName}) reverted`)
  }
}

/** The state changes only a losing fork branch makes (the soak puts one at its tip): after the reorg they must be gone. */
export const FORK_ONLY_CHANGES = ['ModelRetired', 'OperatorRemoved'] as const

/**
 * One block whose transaction changes which models or operators exist: the governance account
 * retires the model the activity settles on, or removes the activity's operator. Put at the tip of
 * a branch that then loses, it leaves the winning branch without that event type, so the index
 * must undo a state change, not only rows.
 */
export async function mineForkOnlyChange(devnet: DevnetClients, a: ActivityActors, which: (typeof FORK_ONLY_CHANGES)[number]): Promise<void> {
  const c = devnet.manifest.contracts
  const governance = devnet.manifest.accounts.governance
  let call: { address: Address; abi: readonly unknown[]; functionName: string; args: unknown[] }
  if (which === 'ModelRetired') {
    const registry = { address: c.ModelRegistry, abi: artifact('ModelRegistry').abi }
    let modelId = 0n
    while (!(await devnet.publicClient.readContract({ ...registry, functionName: 'isLive', args: [modelId] }))) modelId++
    call = { ...registry, functionName: 'retire', args: [modelId] }
  } else {
    const settlement = { address: c.InferenceSettlement, abi: artifact('InferenceSettlement').abi }
    const operatorId = await devnet.publicClient.readContract({ ...settlement, functionName: 'operatorIdOf', args: [a.operator] })
    call = { ...settlement, functionName: 'removeOperator', args: [operatorId] }
  }
  const hash = await devnet.wallet(governance).writeContract({ ...call, chain: null, account: governance } as never)
  const r = await receipt(devnet, hash)
  if (!r) throw new Error(`fork-only ${which}: ${hash} not mined within 60 s ${await stuck(devnet, governance, hash)}`)
  if (r.status !== 'success') throw new Error(`fork-only ${which} (${call.functionName}) reverted`)
}
