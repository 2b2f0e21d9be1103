// The API: graphql-yoga serving entity queries (Subsquid OpenReader's schema builder over
// Postgres, generated from schema.graphql) merged with the sustainability analytics (ClickHouse
// via src/analytics/); plus /health, /ready, /metrics (prom-client) and /dashboard.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { createYoga, type Plugin } from 'graphql-yoga'
import { mergeSchemas } from '@graphql-tools/schema'
import pg from 'pg'
import client from 'prom-client'
import { getSchemaBuilder, indexedHead, loadModel, PoolOpenreaderContext, setResponseSizeLimit } from '../squid/compat'
import { PROJECT_ROOT } from '../util/paths'
import type { Warehouse } from '../warehouse/client'
import { Metrics, type MetricsConfig } from '../analytics'
import { coalesced } from './coalesce'
import { analyticsResolvers, analyticsTypeDefs, type AnalyticsContext } from './analytics-schema'
import { maskError } from './errors'
import { armor, DEFAULT_LIMITS, pageSizeLimit, rootFieldLimit, type Limits } from './protection'
import { logger } from '../util/log'
import { listRuns } from '../verify/store'
import { announceApi } from '../warehouse/holder'
import { reportRoute } from './reports'

export interface ApiOptions {
  /** Postgres for entity queries (ideally a read-only role) */
  dbUrl: string
  warehouse: Warehouse
  metrics: MetricsConfig
  limits?: Partial<Limits>
  /** allowed CORS origins; none = same origin only */
  corsOrigins?: string[]
  production?: boolean
  /**
   * answer periods from sums held in memory (src/analytics/served.ts); default on
   * with embedded chDB, whose one-query-at-a-time engine made every analyst queue
   */
  served?: boolean
}

export interface ApiServer {
  url: string
  port: number
  close(): Promise<void>
}

const DASHBOARD_DIR = path.join(PROJECT_ROOT, 'src', 'api', 'dashboard')

export async function buildSchema() {
  const model = loadModel(path.join(PROJECT_ROOT, 'schema.graphql'))
  const entities = (await getSchemaBuilder({ model })).build()
  return mergeSchemas({ schemas: [entities], typeDefs: analyticsTypeDefs, resolvers: analyticsResolvers })
}

interface Ctx extends AnalyticsContext {
  openreader: PoolOpenreaderContext
}

export async function startApi(opts: ApiOptions, port = 0, host = '127.0.0.1'): Promise<ApiServer> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits }
  const log = logger('api')
  // the API only reads: every transaction is read-only, and statements are cut at the timeout
  const pool = new pg.Pool({ connectionString: opts.dbUrl, max: 10, statement_timeout: limits.sqlTimeoutMs, options: '-c default_transaction_read_only=on' } as pg.PoolConfig)
  // an idle connection that Postgres drops (restart, shutdown) is replaced on the next query; without
  // a listener pg would throw the error and end the process
  pool.on('error', (e) => log.warn({ err: e.message }, 'idle Postgres connection lost'))
  const served = opts.served ?? opts.warehouse.cfg.mode === 'embedded'
  const facade = new Metrics(opts.warehouse, pool, { ...opts.metrics, timeoutSec: Math.max(1, Math.ceil(limits.analyticsTimeoutMs / 1000)) }, { served })
  const metrics = coalesced(facade)
  const schema = await buildSchema()

  const registry = new client.Registry()
  client.collectDefaultMetrics({ register: registry })
  const requests = new client.Counter({ name: 'upkeep_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [registry] })
  const operations = new client.Counter({ name: 'upkeep_graphql_operations_total', help: 'GraphQL operations by outcome', labelNames: ['outcome'], registers: [registry] })
  const duration = new client.Histogram({ name: 'upkeep_graphql_duration_seconds', help: 'GraphQL execution time', registers: [registry], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] })

  const squidStatus = async () => {
    const h = await indexedHead(pool)
    return { height: h?.height ?? null, finalizedHeight: h?.finalized ?? null, hash: h?.hash ?? null }
  }

  const closeOpenreader: Plugin<Ctx> = {
    onExecute({ args }) {
      const started = process.hrtime.bigint()
      return {
        async onExecuteDone({ result, setResult }) {
          const ctx = args.contextValue as Ctx
          await ctx.openreader.close()
          // queries answered null for a contract not on this network: the reasons beside the data
          if (ctx.unknowns.length && !(Symbol.asyncIterator in result)) setResult({ ...result, extensions: { ...result.extensions, unknowns: ctx.unknowns } })
          const failed = 'errors' in result && result.errors?.length
          operations.inc({ outcome: failed ? 'error' : 'ok' })
          duration.observe(Number(process.hrtime.bigint() - started) / 1e9)
        },
      }
    },
  }

  const yoga = createYoga<object, Ctx>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: !opts.production,
    cors: opts.corsOrigins?.length ? { origin: opts.corsOrigins, methods: ['GET', 'POST'] } : false,
    context: () => {
      const openreader = new PoolOpenreaderContext('postgres', pool)
      setResponseSizeLimit(openreader, limits.maxResponseNodes)
      return {
        openreader,
        metrics,
        squidStatus,
        verificationRuns: (l: number, off: number, id?: number) => listRuns(pool, l, off, id),
        analyticsTimeoutMs: limits.analyticsTimeoutMs,
        unknowns: [],
      }
    },
    plugins: [
      armor(limits, !!opts.production),
      {
        onValidate({ addValidationRule }) {
          addValidationRule(rootFieldLimit(limits.maxRootFields))
          addValidationRule(pageSizeLimit(limits.maxPageSize))
        },
      } as Plugin<Ctx>,
      closeOpenreader,
    ],
    maskedErrors: {
      maskError: (error, message) =>
        maskError(error, message, { ...limits, onInternal: (e) => log.error({ err: (e as Error)?.message ?? String(e) }, 'unexpected error') }),
    },
    logging: false,
  })

  // the governance report, as `upkeep report` prints it (concurrent asks for one report share a run)
  const reports = reportRoute(metrics, pool, opts.dbUrl)

  // chart.js's exports map hides its UMD build; find it next to the package's main file
  const chartJs = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js')

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const route = url.pathname
    const send = (status: number, body: string, type = 'application/json') => {
      requests.inc({ route: route.startsWith('/graphql') ? '/graphql' : route, status: String(status) })
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body)
    }
    try {
      if (route === '/health') return send(200, JSON.stringify({ status: 'ok' }))
      if (route === '/ready') {
        const checks: Record<string, string> = {}
        await pool.query('select 1').then(() => (checks.postgres = 'ok'), (e: Error) => (checks.postgres = e.message))
        await opts.warehouse.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then(() => (checks.clickhouse = 'ok'), (e: Error) => (checks.clickhouse = e.message))
        await squidStatus().then((s) => (checks.index = s.height === null ? 'no block indexed yet' : 'ok'), (e: Error) => (checks.index = e.message))
        const ok = Object.values(checks).every((v) => v === 'ok')
        // the in-memory day sums are a speed-up, not a readiness condition: without them the warehouse answers
        return send(ok ? 200 : 503, JSON.stringify({ status: ok ? 'ready' : 'not ready', checks, served: facade.served?.status() ?? null }))
      }
      if (route === '/metrics') return send(200, await registry.metrics(), registry.contentType)
      if (route === '/dashboard' || route === '/dashboard/') return send(200, fs.readFileSync(path.join(DASHBOARD_DIR, 'index.html'), 'utf8'), 'text/html; charset=utf-8')
      if (route === '/dashboard/dashboard.js') return send(200, fs.readFileSync(path.join(DASHBOARD_DIR, 'dashboard.js'), 'utf8'), 'text/javascript')
      if (route === '/assets/chart.umd.js') return send(200, fs.readFileSync(chartJs, 'utf8'), 'text/javascript')
      if (route.startsWith('/reports/')) {
        const r = await reports(route)
        return send(r.status, r.body, r.type)
      }
      if (route !== '/graphql') return send(404, JSON.stringify({ errors: [{ message: `no route ${route}`, extensions: { code: 'NOT_FOUND' } }] }))

      // the request size limit is enforced before anything is parsed
      const declared = Number(req.headers['content-length'] ?? 0)
      const tooLarge = () =>
        send(413, JSON.stringify({ errors: [{ message: `the request body exceeds ${limits.maxRequestBytes} bytes; send a smaller query`, extensions: { code: 'REQUEST_TOO_LARGE' } }] }))
      if (declared > limits.maxRequestBytes) {
        req.resume()
        return tooLarge()
      }
      const chunks: Buffer[] = []
      let size = 0
      for await (const c of req) {
        size += (c as Buffer).length
        if (size > limits.maxRequestBytes) return tooLarge()
        chunks.push(c as Buffer)
      }
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v)
      const response = await yoga.fetch(`http://localhost${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      })
      const out: Record<string, string> = {}
      response.headers.forEach((v, k) => (out[k] = v))
      requests.inc({ route: '/graphql', status: String(response.status) })
      res.writeHead(response.status, out).end(Buffer.from(await response.arrayBuffer()))
    } catch (e) {
      log.error({ err: (e as Error).message }, 'request failed')
      if (!res.headersSent) send(500, JSON.stringify({ errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }))
    }
  })
  server.requestTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, resolve)
  })
  const bound = (server.address() as AddressInfo).port
  const url = `http://${host}:${bound}`
  // this process holds the embedded warehouse: commands that find it locked are sent here
  const unannounce = opts.warehouse.cfg.mode === 'embedded' ? announceApi(opts.warehouse.cfg.path!, url) : () => {}
  return {
    url,
    port: bound,
    async close() {
      unannounce()
      facade.close()
      await new Promise<void>((r) => server.close(() => r()))
      server.closeAllConnections()
      await pool.end()
    },
  }
}
