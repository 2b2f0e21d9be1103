// The one ClickHouse path: @clickhouse/client, over embedded chDB (createChdbConnection) or HTTP.
import fs from 'node:fs'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { WarehouseConfig } from './config'

export class WarehouseError extends Error {
  override name = 'WarehouseError'
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
    client = createClient({ connection: createChdbConnection({ path: cfg.path! }) })
  } else {
    // errors reach the caller as exceptions; the client's own logger would print them again
    client = createClient({ url: cfg.url, username: cfg.user, password: cfg.password, request_timeout: 30_000, log: { level: ClickHouseLogLevel.OFF } })
  }
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${cfg.database}${cfg.cluster ? ` ON CLUSTER ${cfg.cluster}` : ''}` })
  } catch (e) {
    await client.close().catch(() => {})
    const where = cfg.mode === 'embedded' ? `embedded chDB at ${cfg.path}` : `ClickHouse at ${cfg.url}`
    throw new WarehouseError(`cannot open ${where}: ${(e as Error).message.split('\n')[0]}`)
  }
  // chDB queues parameterized queries and reads its connection only when one's turn comes: a
  // close() before then made queued queries fail ("Usage: connection, sql, format"). Calls are
  // tracked so close() lets every started one settle first.
  const inFlight = new Set<Promise<unknown>>()
  for (const m of ['query', 'command', 'insert', 'exec'] as const) {
    const call = (client[m] as (...a: unknown[]) => Promise<unknown>).bind(client)
    ;(client as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      const p = call(...a)
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
