// The start-up check through an RPC that fails for a moment: a rate limit, a 503 and a body cut in
// the middle are retried (the soak found restarts dying on them), while an RPC that keeps failing
// and a node's own JSON-RPC error still end in one line.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { PREFLIGHT_ATTEMPTS, preflight } from '../../src/indexer/run'
import { indexerConfig, type IndexerConfig } from '../../src/processor/config'
import { RpcError } from '../../src/util/errors'

type Answer = 'forward' | 429 | 503 | 'cut' | 'rpc-error'

/** a loopback proxy to anvil that answers request i with script[i] (then forwards), counting requests */
async function scriptedProxy(target: string, script: Answer[]): Promise<{ url: string; requests: () => number; close(): Promise<void> }> {
  let n = 0
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const answer = script[n++] ?? 'forward'
    if (answer === 429 || answer === 503) return res.writeHead(answer, { 'content-type': 'text/plain' }).end('try later')
    const body = Buffer.concat(chunks).toString()
    if (answer === 'rpc-error') {
      const calls = JSON.parse(body) as { id: number }[]
      return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, error: { code: -32601, message: 'the method does not exist' } }))))
    }
    const up = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const text = await up.text()
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer === 'cut' ? text.slice(0, Math.floor(text.length / 2)) : text)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  }
}

let devnet: LoadedDevnet
const settings = { finalityConfirmation: 10, rpcTimeoutMs: 2_000, headPollMs: 200, contracts: {}, profileRpcUrls: {}, prometheusPort: 0, coalesceBatches: false }
const cfgFor = (rpcUrl: string): IndexerConfig => indexerConfig(devnet.manifestFile, { ...settings, rpcUrl } as Parameters<typeof indexerConfig>[1])

beforeAll(async () => {
  devnet = await loadDevnet()
})
afterAll(async () => {
  await devnet?.anvil.stop()
})

describe('indexer start-up check', () => {
  it('retries a rate limit, a 503 and a cut body, then answers the chain head', async () => {
    const p = await scriptedProxy(devnet.anvil.rpcUrl, [429, 'cut', 'forward', 503, 'forward', 'cut'])
    try {
      const head = await preflight(cfgFor(p.url))
      // the head anvil reports directly, not through the proxy
      expect(head).toBe(Number(await devnet.publicClient.getBlockNumber()))
      // an attempt sends chain id, head, then every contract's code in one batch and stops at its
      // first failure: 1 + 1 + 2 + 2 failed requests, then 3 that pass
      expect(p.requests()).toBe(9)
    } finally {
      await p.close()
    }
  })

  it('an RPC that keeps failing ends in one line after a bounded number of attempts', async () => {
    const p = await scriptedProxy(devnet.anvil.rpcUrl, Array(100).fill(503))
    try {
      await expect(preflight(cfgFor(p.url))).rejects.toThrow(new RegExp(`^RPC ${p.url} is unreachable: RPC ${p.url} answered HTTP 503 to eth_chainId$`))
      expect(p.requests()).toBe(PREFLIGHT_ATTEMPTS)
    } finally {
      await p.close()
    }
  })

  it("a node's own JSON-RPC error is an answer, not a blip: no retry", async () => {
    const p = await scriptedProxy(devnet.anvil.rpcUrl, ['rpc-error'])
    try {
      const e = await preflight(cfgFor(p.url)).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(RpcError)
      expect((e as RpcError).rpcCode).toBe(-32601)
      expect(p.requests()).toBe(1)
    } finally {
      await p.close()
    }
  })
})
