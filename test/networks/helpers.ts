// Shared by the network-profile tests: compiled artifacts outside the ten protocol contracts,
// a loopback JSON-RPC proxy that adds OP Stack receipt fields anvil does not return, and clients.
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { createPublicClient, createTestClient, createWalletClient, http as viemHttp, type Abi, type Address, type Hex } from 'viem'
import { foundry } from 'viem/chains'
import { mnemonicToAccount } from 'viem/accounts'
import { DEVNET_MNEMONIC } from '../../src/chain/keys'

const ROOT = path.resolve(__dirname, '..', '..')
export const BIN = path.join(ROOT, 'bin', 'upkeep.js')

export function built(name: string): { abi: Abi; bytecode: Hex; deployedBytecode: Hex } {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'build', 'contracts', `${name}.json`), 'utf8'))
}

export function devAccount(i: number) {
  return mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: i })
}

export function clients(rpcUrl: string, chainId: number) {
  const chain = { ...foundry, id: chainId }
  const transport = viemHttp(rpcUrl)
  return {
    pub: createPublicClient({ chain, transport, pollingInterval: 50 }),
    test: createTestClient({ chain, transport, mode: 'anvil' }),
    wallet: (i: number) => createWalletClient({ chain, transport, account: devAccount(i) }),
  }
}

/** A loopback port nothing listens on (bound, then closed). */
export async function deadPort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

/**
 * The L1 data fee an OP Stack node reports in each receipt (`l1Fee`). anvil's optimism mode does
 * not return it, so this proxy adds a deterministic one to every non-deposit receipt, the same in
 * eth_getBlockReceipts and eth_getTransactionReceipt (the indexer and the test both read through it).
 */
export function l1FeeOf(receipt: { transactionHash: string; gasUsed: string }): bigint {
  return BigInt(receipt.gasUsed) * 3n + BigInt('0x' + receipt.transactionHash.slice(2, 8))
}

export async function startL1FeeProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const addFee = (r: Record<string, string> | null) => {
    if (r && r.type !== '0x7e') r.l1Fee = '0x' + l1FeeOf(r as never).toString(16)
    return r
  }
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString()
    const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const json = (await upstream.json()) as unknown
    const calls = JSON.parse(body) as { id: number; method: string } | { id: number; method: string }[]
    const methods = new Map((Array.isArray(calls) ? calls : [calls]).map((c) => [c.id, c.method]))
    for (const a of Array.isArray(json) ? json : [json]) {
      const m = methods.get(a.id)
      if (m === 'eth_getBlockReceipts' && Array.isArray(a.result)) a.result.forEach(addFee)
      if (m === 'eth_getTransactionReceipt') addFee(a.result)
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

export type { Address }
