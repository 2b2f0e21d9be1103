// The node's HTTP API (loopback by default): models, infer, usage, health, readiness, metrics.
// Errors are JSON {"error": {"code", "message"}} with a 4xx status for anything the caller can fix.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import client from 'prom-client'
import { InferenceNode, NodeRequestError } from './node'

const MAX_BODY = 64 * 1024

export interface NodeServer {
  url: string
  port: number
  close(): Promise<void>
}

export async function serveNode(node: InferenceNode, port = 0, host = '127.0.0.1'): Promise<NodeServer> {
  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry })
  const requests = new client.Counter({ name: 'upkeep_node_requests_total', help: 'inference requests by status', labelNames: ['status'], registers: [registry] })
  const latency = new client.Histogram({ name: 'upkeep_node_infer_seconds', help: 'inference request latency', registers: [registry], buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] })
  new client.Gauge({ name: 'upkeep_node_settled_receipts', help: 'receipts settled on chain', registers: [registry], collect() { this.set(node.stats.settledReceipts) } })
  new client.Gauge({ name: 'upkeep_node_adapters_loaded', help: 'adapters in memory', registers: [registry], collect() { this.set(node.adapterStats().loaded) } })

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const fail = (res: http.ServerResponse, status: number, code: string, message: string) => json(res, status, { error: { code, message } })

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    try {
      if (req.method === 'GET' && url.pathname === '/health') return json(res, 200, { status: 'ok' })
      if (req.method === 'GET' && url.pathname === '/ready') return json(res, 200, { status: 'ready', operatorId: node.operatorId })
      if (req.method === 'GET' && url.pathname === '/metrics') {
        res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics())
        return
      }
      if (req.method === 'GET' && url.pathname === '/v1/models') return json(res, 200, { models: node.models() })
      const usage = /^\/v1\/usage\/([^/]+)$/.exec(url.pathname)
      if (req.method === 'GET' && usage) return json(res, 200, await node.usageOf(decodeURIComponent(usage[1])))
      if (req.method === 'GET' && url.pathname === '/v1/charge-terms') return json(res, 200, node.chargeTerms())
      if (url.pathname === '/v1/infer') {
        if (req.method !== 'POST') return fail(res, 405, 'METHOD_NOT_ALLOWED', 'use POST /v1/infer')
        const started = process.hrtime.bigint()
        const chunks: Buffer[] = []
        let size = 0
        for await (const c of req) {
          size += (c as Buffer).length
          if (size > MAX_BODY) {
            requests.inc({ status: '413' })
            return fail(res, 413, 'BODY_TOO_LARGE', `the request body exceeds ${MAX_BODY} bytes`)
          }
          chunks.push(c as Buffer)
        }
        let body: unknown
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {
          requests.inc({ status: '400' })
          return fail(res, 400, 'BAD_JSON', 'the body is not valid JSON')
        }
        const result = await node.infer(body)
        requests.inc({ status: '200' })
        latency.observe(Number(process.hrtime.bigint() - started) / 1e9)
        return json(res, 200, result)
      }
      return fail(res, 404, 'NOT_FOUND', `no route ${req.method} ${url.pathname}`)
    } catch (e) {
      if (e instanceof NodeRequestError) {
        node.stats.refused++
        requests.inc({ status: String(e.status) })
        return fail(res, e.status, e.httpCode, e.message)
      }
      requests.inc({ status: '500' })
      return fail(res, 500, 'INTERNAL', (e as Error).message)
    }
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const bound = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
