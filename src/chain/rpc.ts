// A small JSON-RPC client (fetch + batching) for the devnet tooling: the workload sends tens of
// thousands of transactions, so one HTTP round trip carries many calls.
import { RpcError } from '../util/errors'

export { RpcError }

export interface RpcCall {
  method: string
  params?: unknown[]
}

export class JsonRpc {
  private nextId = 1
  constructor(
    readonly url: string,
    private readonly timeoutMs = 60_000,
  ) {}

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const [r] = await this.batch<T>([{ method, params }])
    return r
  }

  /** Sends calls in one HTTP request; throws the first error with its method name. */
  async batch<T = unknown>(calls: RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return []
    const body = calls.map((c) => ({ jsonrpc: '2.0', id: this.nextId++, method: c.method, params: c.params ?? [] }))
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((e: unknown) => {
      throw new RpcError(`RPC ${this.url} unreachable (${calls[0].method}${calls.length > 1 ? ` +${calls.length - 1}` : ''}): ${(e as Error).message}`)
    })
    if (!res.ok) throw new RpcError(`RPC ${this.url} answered HTTP ${res.status} to ${calls[0].method}`)
    // a body cut short (a proxy or a flaky upstream) is a transport failure like an HTTP 503, not a crash
    const json = (await res.json().catch((e: unknown) => {
      throw new RpcError(`RPC ${this.url} answered ${calls[0].method} with a malformed body: ${(e as Error).message}`)
    })) as Array<{ id: number; result?: T; error?: { code: number; message: string; data?: unknown } }>
    const byId = new Map(json.map((r) => [r.id, r]))
    return body.map((b, i) => {
      const r = byId.get(b.id)
      if (!r) throw new RpcError(`RPC returned no answer to ${calls[i].method}`)
      if (r.error) throw new RpcError(`${calls[i].method}: ${r.error.message}`, r.error.code)
      return r.result as T
    })
  }
}
