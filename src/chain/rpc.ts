// A small JSON-RPC client (fetch + batching) for the devnet tooling: the workload sends tens of
// thousands of transactions, so one HTTP round trip carries many calls.
import http from 'node:http'
import https from 'node:https'
import { RpcError } from '../util/errors'

export { RpcError }

export interface RpcCall {
  method: string
  params?: unknown[]
}

type RpcAnswer<T> = { id: number; result?: T; error?: { code: number; message: string; data?: unknown } }

export class JsonRpc {
  private nextId = 1
  constructor(
    readonly url: string,
    protected readonly timeoutMs = 60_000,
  ) {}

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [r] = await this.batch<T>([{ method, params }])
    return r
  }

  /** Sends calls in one HTTP request; throws the first error with its method name (and its data: a revert's). */
  async batch<T = unknown>(calls: RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return []
    const body = calls.map((c) => ({ jsonrpc: '2.0', id: this.nextId++, method: c.method, params: c.params ?? [] }))
    const json = await this.post<T>(JSON.stringify(body), calls)
    const byId = new Map(json.map((r) => [r.id, r]))
    return body.map((b, i) => {
      const r = byId.get(b.id)
      if (!r) throw new RpcError(`RPC returned no answer to ${calls[i].method}`)
      if (r.error) throw new RpcError(`${calls[i].method}: ${r.error.message}`, r.error.code, undefined, r.error.data)
      return r.result as T
    })
  }

  /** One HTTP round trip: the answers to the calls. */
  protected async post<T>(body: string, calls: RpcCall[]): Promise<RpcAnswer<T>[]> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((e: unknown) => {
      throw new RpcError(`RPC ${this.url} unreachable (${calls[0].method}${calls.length > 1 ? ` +${calls.length - 1}` : ''}): ${(e as Error).message}`)
    })
    if (!res.ok) throw new RpcError(`RPC ${this.url} answered HTTP ${res.status} to ${calls[0].method}`)
    // a body cut short (a proxy or a flaky upstream) is a transport failure like an HTTP 503, not a crash
    return (await res.json().catch((e: unknown) => {
      throw new RpcError(`RPC ${this.url} answered ${calls[0].method} with a malformed body: ${(e as Error).message}`)
    })) as RpcAnswer<T>[]
  }
}

/**
 * JSON-RPC over node:http(s) with kept-alive connections, for a hot path that makes a few calls
 * at a time (the inference node's settlement): a fraction of fetch's CPU per call.
 */
export class KeepAliveRpc extends JsonRpc {
  private readonly agent: http.Agent
  private readonly lib: typeof http | typeof https
  private readonly target: URL

  constructor(url: string, timeoutMs = 60_000) {
    super(url, timeoutMs)
    this.target = new URL(url)
    this.lib = this.target.protocol === 'https:' ? https : http
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: 4 })
  }

  protected override async post<T>(body: string, calls: RpcCall[]): Promise<RpcAnswer<T>[]> {
    const what = `${calls[0].method}${calls.length > 1 ? ` +${calls.length - 1}` : ''}`
    const text = await new Promise<string>((resolve, reject) => {
      const payload = Buffer.from(body)
      const req = this.lib.request(
        this.target,
        { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': payload.length }, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (b: Buffer) => chunks.push(b))
          res.on('error', (e) => reject(new RpcError(`RPC ${this.url} answered ${what} with a broken body: ${e.message}`)))
          res.on('end', () => {
            const status = res.statusCode ?? 0
            if (status < 200 || status >= 300) reject(new RpcError(`RPC ${this.url} answered HTTP ${status} to ${calls[0].method}`))
            else resolve(Buffer.concat(chunks).toString('utf8'))
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)))
      req.on('error', (e) => reject(new RpcError(`RPC ${this.url} unreachable (${what}): ${e.message}`)))
      req.end(payload)
    })
    try {
      return JSON.parse(text) as RpcAnswer<T>[]
    } catch (e) {
      throw new RpcError(`RPC ${this.url} answered ${calls[0].method} with a malformed body: ${(e as Error).message}`)
    }
  }

  close(): void {
    this.agent.destroy()
  }
}
