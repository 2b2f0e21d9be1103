// HTTP load with autocannon (32 connections by default): requests/s and exact latency
// percentiles from every response time (autocannon's own summary has no p95).
import { percentile } from './common'

export interface LoadResult {
  requestsPerSec: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
  total: number
  non2xx: number
  /** requests that got no answer: connection errors and timeouts */
  errors: number
  /** 2xx answers whose JSON body carries GraphQL "errors" (counted when bodies are checked) */
  errorBodies: number
  /** every failure by its code: `HTTP <status>`, the GraphQL error code, `timeout` or the socket error's code */
  codes: Record<string, number>
}

interface Instance {
  on(ev: 'response', f: (client: unknown, status: number, bytes: number, ms: number) => void): void
  on(ev: 'done', f: (r: { requests: { total: number }; duration: number; non2xx: number; errors: number; timeouts: number }) => void): void
  on(ev: 'error' | 'reqError', f: (e: Error) => void): void
}
// autocannon ships no types; this is the part we use
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Instance

export function load(opts: {
  url: string
  seconds: number
  connections?: number
  method?: 'GET' | 'POST'
  body?: string
  bodies?: string[]
  headers?: Record<string, string>
  /** look into each answer for a GraphQL "errors" member: a 200 can still carry an error */
  checkBodies?: boolean
  /** 'cycle' (autocannon's default: every connection walks the list from the start, in step
   *  with the others) or 'random' (each request picks a body at random, so connections do not
   *  ask for the same thing at the same time) */
  pick?: 'cycle' | 'random'
}): Promise<LoadResult> {
  const headers = { 'content-type': 'application/json', ...opts.headers }
  const method = opts.method ?? (opts.body || opts.bodies ? 'POST' : 'GET')
  let errorBodies = 0
  const codes: Record<string, number> = {}
  const count = (code: string) => void (codes[code] = (codes[code] ?? 0) + 1)
  const onResponse = opts.checkBodies
    ? (status: number, body: string) => {
        if (status < 200 || status > 299) return // counted by the 'response' event below
        if (!body.includes('"errors":')) return
        errorBodies++
        count(`GraphQL ${/"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'error'}`)
      }
    : undefined
  const bodies = opts.bodies ?? []
  const random = (req: Record<string, unknown>) => ({ ...req, body: bodies[Math.floor(Math.random() * bodies.length)] })
  const requests = !bodies.length
    ? undefined
    : opts.pick === 'random'
      ? [{ method, headers, onResponse, setupRequest: random }]
      : bodies.map((body) => ({ method, body, headers, onResponse }))
  const times: number[] = []
  return new Promise((resolve, reject) => {
    const inst = autocannon({ url: opts.url, connections: opts.connections ?? 32, duration: opts.seconds, method, body: opts.body, headers, requests })
    inst.on('response', (_c, status, _b, ms) => {
      times.push(ms)
      if (status < 200 || status > 299) count(`HTTP ${status}`)
    })
    // a request with no answer: autocannon counts it in `errors` (timeouts too) and goes on
    inst.on('reqError', (e) => count(e.message === 'request timed out' ? 'timeout' : ((e as NodeJS.ErrnoException).code ?? e.message)))
    inst.on('error', reject)
    inst.on('done', (r) =>
      resolve({
        requestsPerSec: r.requests.total / r.duration,
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
        p99Ms: percentile(times, 99),
        total: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors,
        errorBodies,
        codes,
      }),
    )
  })
}
