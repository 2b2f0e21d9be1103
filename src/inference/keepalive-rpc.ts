// JSON-RPC over node:http(s) with kept-alive connections, for the node's settlement path (a few
// calls per batch): a fraction of fetch's CPU per call. Kept apart from src/chain/rpc.ts, which
// the bench chain's cache key covers.
import http from 'node:http'
import https from 'node:https'
import { RpcError } from '../util/errors'

/** A JSON-RPC error answer, with its data (a contract's revert data) as a viem error carries it. */
export class RpcAnswerError extends RpcError {
  constructor(
    message: string,
    rpcCode: number,
    readonly data: unknown,
  ) {
    super(message, rpcCode)
  }
}

type Answer = { id: number; result?: unknown; error?: { code: number; message: string; data?: unknown } }

export class KeepAliveRpc {
  private nextId = 1
  private readonly agent: http.Agent
  private readonly lib: typeof http | typeof https
  private readonly target: URL

  constructor(
    readonly url: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.target = new URL(url)
    this.lib = this.target.protocol === 'https:' ? https : http
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: 4 })
  }

  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    return (await this.batch([{ method, params }]))[0] as T
  }

  /** The calls in one HTTP request, answered in order; the first error answer throws. */
  async batch(calls: { method: string; params?: unknown[] }[]): Promise<unknown[]> {
    const ids = calls.map(() => this.nextId++)
    const what = calls.map((c) => c.method).join('+')
    const text = await this.post(JSON.stringify(calls.map((c, i) => ({ jsonrpc: '2.0', id: ids[i], method: c.method, params: c.params ?? [] }))), what)
    let answers: Answer[]
    try {
      answers = JSON.parse(text) as Answer[]
    } catch (e) {
      throw new RpcError(`RPC ${this.url} answered ${what} with a malformed body: ${(e as Error).message}`)
    }
    if (!Array.isArray(answers)) throw new RpcError(`RPC ${this.url} answered ${what} with no list of answers`)
    const byId = new Map(answers.map((a) => [a.id, a]))
    return ids.map((id, i) => {
      const a = byId.get(id)
      if (a?.error) throw new RpcAnswerError(`${calls[i].method}: ${a.error.message}`, a.error.code, a.error.data)
      if (!a) throw new RpcError(`RPC ${this.url} gave no answer to ${calls[i].method}`)
      return a.result
    })
  }

  private post(body: string, what: string): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const payload = Buffer.from(body)
      const req = this.lib.request(this.target, { method: 'POST', agent: this.agent, headers: { 'content-type': 'application/json', 'content-length': payload.length }, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (b: Buffer) => chunks.push(b))
        res.on('error', (e) => reject(new RpcError(`RPC ${this.url} cut its answer to ${what} short: ${e.message}`)))
        res.on('end', () => {
          const status = res.statusCode ?? 0
          if (status < 200 || status >= 300) reject(new RpcError(`RPC ${this.url} answered HTTP ${status} to ${what}`))
          else resolve(Buffer.concat(chunks).toString('utf8'))
        })
      })
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)))
      req.on('error', (e) => reject(new RpcError(`RPC ${this.url} unreachable (${what}): ${e.message}`)))
      req.end(payload)
    })
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy()
  }
}
