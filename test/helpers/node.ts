// The inference node in tests: in-process (accounting, fuzz) or as a child process we can kill -9.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { decodeEventLog, type Address, type Hex } from 'viem'
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts'
import { devnetPrivateKey, keyHandle } from '../../src/chain/keys'
import { DEVNET_MNEMONIC } from '../../src/devnet/anvil'
import { artifact } from '../../src/chain/artifacts'
import type { LoadedDevnet } from './devnet'
import { chargeTypedData } from './charge-typed-data'

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')
const CLI_MAIN = path.resolve(__dirname, '..', '..', 'lib', 'cli', 'main.js')

/**
 * Fault wiring, here and nowhere in src/: the CLI with a settler hook that kills the node
 * (SIGKILL) right after a settlement transaction is mined, before its usage log says so.
 */
const FAULTS: Record<string, string> = {
  'after-settlement-tx': `require('reflect-metadata'); require(${JSON.stringify(CLI_MAIN)}).main(['node', 'upkeep', ...process.argv.slice(1)], { node: { afterSettlementTx: () => process.kill(process.pid, 'SIGKILL') } })`,
}

export const operatorKey = () => keyHandle(devnetPrivateKey(7))
export const attributorKey = () => keyHandle(devnetPrivateKey(5))
/** small-workload payers (src/workload/run.ts assignAccounts): dev accounts 62..85 */
const payers = new Map<number, Address>()
export const payerAddress = (i: number): Address => {
  let a = payers.get(i)
  if (!a) payers.set(i, (a = mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: 62 + i }).address))
  return a
}

export function tempLog(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-node-')), 'usage.jsonl')
}

export interface NodeChild {
  child: ChildProcess
  url: Promise<string>
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  kill9(): Promise<void>
  stop(): Promise<void>
}

/** `env.UPKEEP_FAULT_NODE_CRASH` picks a fault of FAULTS to wire in. */
export function spawnNode(devnet: LoadedDevnet, logFile: string, args: string[] = [], faultEnv: Record<string, string> = {}): NodeChild {
  const { UPKEEP_FAULT_NODE_CRASH: fault, ...env } = faultEnv
  if (fault !== undefined && !FAULTS[fault]) throw new Error(`no node fault "${fault}"`)
  const child = spawn(
    process.execPath,
    [...(fault ? ['-e', FAULTS[fault]] : [BIN]), 'node', '--port', '0', '--manifest', devnet.manifestFile, '--log', logFile, '--content-dir', devnet.contentDir, ...args],
    {
      env: { ...process.env, OPERATOR_KEY: devnetPrivateKey(7), ATTRIBUTOR_KEY: devnetPrivateKey(5), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let resolveUrl: (u: string) => void
  const url = new Promise<string>((r) => (resolveUrl = r))
  const onData = (b: Buffer) => {
    out += b.toString()
    const m = /upkeep node ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
    if (m) resolveUrl(m[1])
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })))
  return {
    child,
    url: Promise.race([url, exited.then((e) => Promise.reject(new Error(`node exited (${e.code ?? e.signal}) before it was ready:\n${out.slice(-3000)}`)))]),
    output: () => out,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** small-workload payer i's devnet key (dev account 62 + i) */
export const payerKey = (i: number): Hex => devnetPrivateKey(62 + i)

export interface Authorization {
  cumulativeAmount: string
  recentBlock: number
  expiryBlock: number
  signature: Hex
}

/**
 * A payer's EIP-712 ChargeAuthorization for an operator (by default the reference node's, dev
 * account 7), signed here with viem's signTypedData, independent of the node's own code. By
 * default an allowance no test reaches, from the current block, valid for 100,000 blocks.
 */
export async function authorization(
  devnet: LoadedDevnet,
  key: Hex,
  o: { cumulativeAmount?: bigint; recentBlock?: number; expiryBlock?: number; operator?: Address; payer?: Address } = {},
): Promise<Authorization> {
  const head = Number(await devnet.publicClient.getBlockNumber({ cacheTime: 0 }))
  const account = privateKeyToAccount(key)
  const a = {
    cumulativeAmount: o.cumulativeAmount ?? 10n ** 30n,
    recentBlock: o.recentBlock ?? head,
    expiryBlock: o.expiryBlock ?? head + 100_000,
  }
  const signature = await account.signTypedData({
    ...chargeTypedData(devnet.manifest.chainId, devnet.manifest.contracts.InferenceSettlement),
    message: { payer: o.payer ?? account.address, operator: o.operator ?? operatorKey().address, cumulativeAmount: a.cumulativeAmount, recentBlock: BigInt(a.recentBlock), expiryBlock: BigInt(a.expiryBlock) },
  })
  return { cumulativeAmount: String(a.cumulativeAmount), recentBlock: a.recentBlock, expiryBlock: a.expiryBlock, signature }
}

const allowances = new Map<string, Promise<Authorization>>()
/** A request body of small-workload payer i with its allowance for the reference node (signed once per devnet and payer). */
export async function paidBody(devnet: LoadedDevnet, i: number, model: string, input: string): Promise<{ model: string; payer: Address; input: string; authorization: Authorization }> {
  const k = `${devnet.anvil.rpcUrl}/${i}`
  if (!allowances.has(k)) allowances.set(k, authorization(devnet, payerKey(i)))
  return { model, payer: payerAddress(i), input, authorization: await allowances.get(k)! }
}

export async function postInfer(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

export interface SettledInference {
  requestId: bigint
  operatorId: number
  seq: bigint
  modelId: bigint
  payer: Address
  units: bigint
  fee: bigint
  shares: { creator: bigint; contributors: bigint; infra: bigint; treasury: bigint; burn: bigint }
  blockNumber: number
  txHash: Hex
}

/** InferenceSettled events of one operator after a block, decoded here with viem. */
export async function settledBy(devnet: LoadedDevnet, operatorId: number, afterBlock: number): Promise<SettledInference[]> {
  const abi = artifact('InferenceSettlement').abi
  const logs = await devnet.publicClient.getLogs({ address: devnet.manifest.contracts.InferenceSettlement, fromBlock: BigInt(afterBlock + 1), toBlock: 'latest' })
  const out: SettledInference[] = []
  for (const l of logs) {
    const ev = decodeEventLog({ abi, data: l.data, topics: l.topics }) as unknown as { eventName: string; args: Record<string, bigint | string> }
    if (ev.eventName !== 'InferenceSettled') continue
    const requestId = ev.args.requestId as bigint
    if (Number(requestId >> 64n) !== operatorId) continue
    out.push({
      requestId,
      operatorId,
      seq: requestId & ((1n << 64n) - 1n),
      modelId: ev.args.modelId as bigint,
      payer: ev.args.payer as Address,
      units: ev.args.units as bigint,
      fee: ev.args.fee as bigint,
      shares: {
        creator: ev.args.creatorShare as bigint,
        contributors: ev.args.contributorsShare as bigint,
        infra: ev.args.infraShare as bigint,
        treasury: ev.args.treasuryShare as bigint,
        burn: ev.args.burnShare as bigint,
      },
      blockNumber: Number(l.blockNumber),
      txHash: l.transactionHash!,
    })
  }
  return out
}
