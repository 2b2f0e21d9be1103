// The one ClickHouse path: @clickhouse/client, over embedded chDB (createChdbConnection) or HTTP.
import fs from 'node:fs'
import path from 'node:path'
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client'
import type { WarehouseConfig } from './config'
import { ChdbLockedError, ClickHouseError, UpkeepError } from '../util/errors'
import { chdbHolder, lockedMessage } from './holder'

export { ClickHouseError }

/**
 * The ClickHouse adapter: every error of @clickhouse/client or chDB becomes a ClickHouseError
 * with the server's numeric code (the client's errors carry it as `code`, "159"; chDB's query
 * errors reach us through the client, and its typed errors as `clickhouseCode`).
 */
export function toClickHouseError(e: unknown, prefix = ''): UpkeepError {
  if (e instanceof UpkeepError) return e
  const err = e as { code?: unknown; clickhouseCode?: unknown; message?: unknown }
  const message = typeof err?.message === 'string' ? err.message : String(e)
  const serverCode =
    typeof err?.clickhouseCode === 'number' ? err.clickhouseCode : typeof err?.code === 'string' && /^\d+$/.test(err.code) ? Number(err.code) : undefined
  return new ClickHouseError(prefix + message.split('\n')[0], serverCode, { cause: e })
}

/** chDB serves one directory per process: the one open here, with how many handles use it. */
const embeddedOpen = new Map<string, number>()

export interface Warehouse {
  client: ClickHouseClient
  cfg: WarehouseConfig
  /** fully qualified name of a table as queries should read it */
  table(name: string): string
  /** Listen for flushes that made new facts visible (or removed a fork's): the API's in-memory day sums rebuild on it. */
  onFlushed(listener: (head: number) => void): () => void
  /** The sink tells listeners that facts up to `head` are visible (called after its 'done' journal row). */
  flushed(head: number): void
  close(): Promise<void>
}

export async function openWarehouse(cfg: WarehouseConfig): Promise<Warehouse> {
  let client: ClickHouseClient
  let release = () => {}
  if (cfg.mode === 'embedded') {
    fs.mkdirSync(cfg.path!, { recursive: true })
    // chDB locks its directory to one process; sessions inside this process share it
    // chdb's types resolve only under node16 resolution; its CommonJS build loads fine
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createChdbConnection } = require('chdb/connection') as { createChdbConnection(o: { path: string }): never }
    const dir = path.resolve(cfg.path!)
    const other = [...embeddedOpen.keys()].find((d) => d !== dir)
    if (other) throw new ClickHouseError(`embedded chDB serves one directory per process: ${other} is open here, so ${dir} cannot be`)
    // asked first: chDB itself would print the engine's raw Code 76 on stderr before failing
    if (!embeddedOpen.has(dir)) {
      const holder = chdbHolder(dir)
      if (holder) throw new ChdbLockedError(lockedMessage(cfg.path!, holder))
    }
    let connection: never
    try {
      connection = createChdbConnection({ path: dir })
    } catch (e) {
      // chDB's typed connection error (stable code CHDB_CONNECTION): with no other directory open
      // here, the directory is locked by another process (taken between the check and the open)
      if ((e as { code?: unknown }).code === 'CHDB_CONNECTION') throw new ChdbLockedError(lockedMessage(cfg.path!, chdbHolder(dir)), undefined, { cause: e })
      throw toClickHouseError(e)
    }
    embeddedOpen.set(dir, (embeddedOpen.get(dir) ?? 0) + 1)
    release = () => {
      const n = (embeddedOpen.get(dir) ?? 1) - 1
      if (n > 0) embeddedOpen.set(dir, n)
      else embeddedOpen.delete(dir)
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
    release()
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
  const listeners = new Set<(head: number) => void>()
  return {
    client,
    cfg,
    table: (name) => `${cfg.database}.${name}`,
    onFlushed(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    flushed(head) {
      for (const l of listeners) l(head)
    },
    close: () =>
      (closing ??= (async () => {
        while (inFlight.size) await Promise.allSettled([...inFlight])
        await client.close()
        release()
      })()),
  }
}

/** Runs a SELECT and returns its rows; amounts must be selected with toString(). */
export async function queryRows<T>(w: Warehouse, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await w.client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 1 } })
  return (await rs.json()) as T[]
}
