// A fault-injecting JSON-RPC proxy for tests and the soak (loopback only). Each request is
// forwarded to the real RPC unless a fault is drawn: HTTP 429/503, a hang (timeout), truncated
// JSON, a null block, logs that do not match their block, or a head that goes backwards.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Rng } from '../util/rng'

export interface FaultMix {
  /** probability of an HTTP 429 (rate limit) */
  rateLimit?: number
  /** probability of an HTTP 503 (overloaded upstream) */
  serverError?: number
  /** probability of never answering (the client's timeout fires) */
  hang?: number
  /** probability of a body cut in the middle */
  truncate?: number
  /** probability that eth_getBlockByNumber/Hash answers null */
  nullBlock?: number
  /** probability that eth_getLogs answers logs with a wrong blockHash */
  inconsistentLogs?: number
  /** probability that eth_blockNumber answers a lower head than before */
  headBackwards?: number
  /** probability of an eth_getLogs "range too large" error */
  rangeLimit?: number
}

export interface FaultProxy {
  url: string
  counts: Record<string, number>
  setMix(mix: FaultMix): void
  close(): Promise<void>
}

const EARLY_CHANCE = 0.25

export async function startFaultProxy(target: string, mix: FaultMix = {}, seed = 1, eachKindEarly = false): Promise<FaultProxy> {
  const rng = new Rng(seed)
  let current = { ...mix }
  const counts: Record<string, number> = {}
  const hung = new Set<http.ServerResponse>()
  let lastHead = 0
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1)

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks).toString()
    count('requests')
    // a kind not injected yet is drawn with at least EARLY_CHANCE, so even a short run sees every kind of the mix
    const draw = (kind: keyof FaultMix) => {
      const p = current[kind]
      if (p === undefined || p <= 0) return false
      return rng.chance(counts[kind] || !eachKindEarly ? p : Math.max(p, EARLY_CHANCE))
    }
    if (draw('rateLimit')) {
      count('rateLimit')
      return res.writeHead(429, { 'content-type': 'text/plain' }).end('Too Many Requests')
    }
    if (draw('serverError')) {
      count('serverError')
      return res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable')
    }
    if (draw('hang')) {
      count('hang')
      hung.add(res)
      res.on('close', () => hung.delete(res))
      return
    }
    let upstream: string
    try {
      const r = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      upstream = await r.text()
    } catch (e) {
      count('upstreamDown')
      return res.writeHead(502).end(String(e))
    }
    let out = upstream
    try {
      const parsed = JSON.parse(upstream)
      const reqs = JSON.parse(body)
      const list = Array.isArray(parsed) ? parsed : [parsed]
      const reqList = Array.isArray(reqs) ? reqs : [reqs]
      let changed = false
      for (const r of list) {
        const q = reqList.find((x: { id: unknown }) => x.id === r.id)
        if (!q || r.error) continue
        if (q.method === 'eth_blockNumber') {
          const h = Number(BigInt(r.result))
          if (lastHead > 5 && draw('headBackwards')) {
            count('headBackwards')
            r.result = '0x' + (lastHead - 3).toString(16)
            changed = true
          } else lastHead = Math.max(lastHead, h)
        } else if ((q.method === 'eth_getBlockByNumber' || q.method === 'eth_getBlockByHash') && draw('nullBlock')) {
          count('nullBlock')
          r.result = null
          changed = true
        } else if (q.method === 'eth_getLogs' && Array.isArray(r.result) && r.result.length && draw('inconsistentLogs')) {
          count('inconsistentLogs')
          r.result = r.result.map((l: { blockHash: string }) => ({ ...l, blockHash: '0x' + 'ee'.repeat(32) }))
          changed = true
        } else if (q.method === 'eth_getLogs' && draw('rangeLimit')) {
          count('rangeLimit')
          delete r.result
          r.error = { code: -32005, message: 'query returned more than 10000 results' }
          changed = true
        }
      }
      if (changed) out = JSON.stringify(Array.isArray(parsed) ? list : list[0])
    } catch {
      // not JSON: pass through
    }
    if (draw('truncate')) {
      count('truncate')
      out = out.slice(0, Math.max(1, Math.floor(out.length / 2)))
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(out)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    setMix(m) {
      current = { ...m }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hung) r.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
