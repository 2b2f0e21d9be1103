// The inference node as a child process for the benchmarks, and a payer with escrow to spend.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createPublicClient, createWalletClient, http, parseEther, type Address } from 'viem'
import { foundry } from 'viem/chains'
import { privateKeyToAccount } from 'viem/accounts'
import { artifact } from '../chain/artifacts'
import { PROJECT_ROOT } from '../util/paths'
import { devnetPrivateKey } from '../chain/keys'
import type { DeploymentManifest } from '../devnet/manifest'
import { ChargeDomain, type SignedCharge } from '../protocol/charge-auth'
import { extraNodeArgs } from './common'

const BIN = path.join(PROJECT_ROOT, 'bin', 'upkeep.js')

export interface NodeProc {
  url: string
  pid: number
  logFile: string
  /** SIGTERM and wait; the usage log is removed unless `keepLog` */
  stop(keepLog?: boolean): Promise<void>
}

export async function startNode(manifestFile: string, contentDir: string, args: string[]): Promise<NodeProc> {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-bench-node-')), 'usage.jsonl')
  const child = spawn(process.execPath, [...extraNodeArgs(), BIN, 'node', '--port', '0', '--manifest', manifestFile, '--log', logFile, '--content-dir', contentDir, ...args], {
    env: { ...process.env, OPERATOR_KEY: devnetPrivateKey(7), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const on = (b: Buffer) => {
      out += b.toString()
      const m = /upkeep node ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)
      if (m) resolve(m[1])
    }
    child.stdout!.on('data', on)
    child.stderr!.on('data', on)
    child.once('exit', (c) => reject(new Error(`node exited with ${c}:\n${out.slice(-2000)}`)))
  })
  child.stdout!.removeAllListeners('data')
  child.stderr!.removeAllListeners('data')
  child.stdout!.resume()
  child.stderr!.resume()
  return {
    url,
    pid: child.pid!,
    logFile,
    async stop(keepLog = false) {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      if (!keepLog) fs.rmSync(path.dirname(logFile), { recursive: true, force: true })
    },
  }
}

/** The liquidity account deposits 5M OPEN into escrow (enough for every benchmark request) and pays. */
export async function fundPayer(m: DeploymentManifest): Promise<Address> {
  const chain = { ...foundry, id: m.chainId }
  const client = createPublicClient({ chain, transport: http(m.rpcUrl) })
  const payer = m.accounts.liquidity
  const wallet = createWalletClient({ chain, transport: http(m.rpcUrl), account: payer })
  const token = { address: m.contracts.OpenToken, abi: artifact('OpenToken').abi }
  const settlement = { address: m.contracts.InferenceSettlement, abi: artifact('InferenceSettlement').abi }
  await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ ...token, functionName: 'approve', args: [m.contracts.InferenceSettlement, parseEther('5000000')] } as never) })
  await client.waitForTransactionReceipt({ hash: await wallet.writeContract({ ...settlement, functionName: 'deposit', args: [parseEther('5000000')] } as never) })
  return payer
}

/**
 * `count` distinct allowances of the bench payer (the liquidity account, dev account 2) for the
 * bench node's operator (dev account 7): a cap no bench reaches, each with its own expiry block,
 * so that requests cycling through them make the node check a new signature every time.
 */
export async function payerAllowances(m: DeploymentManifest, count: number): Promise<SignedCharge[]> {
  const client = createPublicClient({ chain: { ...foundry, id: m.chainId }, transport: http(m.rpcUrl) })
  const recentBlock = Number(await client.getBlockNumber())
  const domain = new ChargeDomain(m.chainId, m.contracts.InferenceSettlement)
  const operator = privateKeyToAccount(devnetPrivateKey(7)).address
  return Array.from({ length: count }, (_, i) =>
    domain.sign(devnetPrivateKey(2), { payer: m.accounts.liquidity, operator, cumulativeAmount: 10n ** 30n, recentBlock, expiryBlock: recentBlock + 10_000_000 + i }),
  )
}
