// The one ClickHouse path: @clickhouse/client, over embedded chDB (createChdbConnection) or HTTP.
import fs from 'node:fs'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { WarehouseConfig } from './config'
import { ChdbLockedError, CLICKHOUSE_CODES, ClickHouseError, UpkeepError } from '../util/errors'

export { ClickHouseError }

/**
 * The ClickHouse adapter: every error of @clickhouse/client or chDB becomes a ClickHouseError
 * with the server's numeric code. The client's errors carry it as `code` ("159"), chDB's query
 * errors as `clickhouseCode`; chDB's connection error carries neither, only ClickHouse's
 * "Code: N." message prefix, so that prefix is read here and nowhere else.
 */
export function toClickHouseError(e: unknown, prefix = ''): UpkeepError {
  if (e instanceof UpkeepError) return e
  const err = e as { code?: unknown; clickhouseCode?: unknown; message?: unknown }
  const message = typeof err?.message === 'string' ? err.message : String(e)
  let serverCode: number | undefined
  if (typeof err?.clickhouseCode === 'number') serverCode = err.clickhouseCode
  else if (typeof err?.code === 'string' && /^\d+$/.test(err.code)) serverCode = Number(err.code)
  else serverCode = /^Code: (\d+)\./.exec(message) ? Number(/^Code: (\d+)\./.exec(message)![1]) : undefined
  return new ClickHouseError(prefix + message.split('\n')[0], serverCode, { cause: e })
}

export interface Warehouse {
  client: ClickHouseClient
  cfg: WarehouseConfig
  /** fully qualified name of a table as queries should read it */
  table(name: string): string
  close(): Promise<void>
}

export async function openWarehouse(cfg: WarehouseConfig): Promise<Warehouse> {
  let client: ClickHouseClient
  if (cfg.mode === 'embedded') {
    fs.mkdirSync(cfg.path!, { recursive: true })
    // chDB locks its directory to one process; sessions inside this process share it
    // chdb's types resolve only under node16 resolution; its CommonJS build loads fine
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createChdbConnection } = require('chdb/connection') as { createChdbConnection(o: { path: string }): never }
    let connection: never
    try {
      connection = createChdbConnection({ path: cfg.path! })
    } catch (e) {
      const err = toClickHouseError(e)
      if (err instanceof ClickHouseError && err.serverCode === CLICKHOUSE_CODES.CANNOT_OPEN_FILE) {
        throw new ChdbLockedError(
          `embedded chDB at ${cfg.path} is in use by another process; run the indexer and the API in one process (npm start) or use a ClickHouse server (CLICKHOUSE_URL)`,
          err.serverCode,
          { cause: e },
        )
      }
      throw err
    }
    client = createClient({ connection })
  } else {
    // errors reach the caller as exceptions; the client's own logger would print them again
    client = createClient({ url: cfg.url, username: cfg.user, password: cfg.password, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } })
  }
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${cfg.database}${cfg.cluster ? ` ON CLUSTER ${cfg.cluster}` : ''}` })
  } catch (e) {
    await client.close().catch(() => {})
    const where = cfg.mode === 'embedded' ? `embedded chDB at ${cfg.path}` : `ClickHouse at ${cfg.url}`
    throw toClickHouseError(e, `cannot open ${where}: `)
  }
  // chDB queues parameterized queries and reads its connection only when one's turn comes: a
  // close() before then made queued queries fail ("Usage: connection, sql, format"). Calls are
  // tracked so close() lets every started one settle first.
  const inFlight = new Set<Promise<unknown>>()
  for (const m of ['query', 'command', 'insert', 'exec'] as const) {
    const call = (client[m] as (...a: unknown[]) => Promise<unknown>).bind(client)
    ;(client as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      const p = call(...a).catch((e: unknown) => {
        throw toClickHouseError(e)
      })
      inFlight.add(p)
      p.then(
        () => inFlight.delete(p),
        () => inFlight.delete(p),
      )
      return p
    }
  }
  let closing: Promise<void> | undefined
  return {
    client,
    cfg,
    table: (name) => `${cfg.database}.${name}`,
    close: () =>
      (closing ??= (async () => {
        while (inFlight.size) await Promise.allSettled([...inFlight])
        await client.close()
      })()),
  }
}

/** Runs a SELECT and returns its rows; amounts must be selected with toString(). */
export async function queryRows<T>(w: Warehouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await w.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 1 } })
  return (await rs.json()) as T[]
}
