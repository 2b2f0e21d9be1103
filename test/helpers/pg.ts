// A fresh Postgres database per test: on the machine's server (TEST_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres) when it answers, else on an embedded server.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres, type PostgresHandle } from '../../src/db/postgres'

let admin: Promise<{ url: string; handle?: PostgresHandle }> | undefined

async function adminUrl(): Promise<{ url: string; handle?: PostgresHandle }> {
  const url = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 })
  try {
    await c.connect()
    await c.end()
    return { url }
  } catch {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-pg-'))
    const handle = await startEmbeddedPostgres(dir)
    return { url: handle.url.replace(/\/upkeep$/, '/postgres'), handle }
  }
}

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

export async function freshDatabase(label: string): Promise<TestDatabase> {
  admin ??= adminUrl()
  const { url } = await admin
  const name = `upkeep_${label}_${crypto.randomBytes(4).toString('hex')}`.toLowerCase()
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query(`create database ${name}`)
  await c.end()
  const u = new URL(url)
  u.pathname = '/' + name
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: url })
      await d.connect()
      await d.query(`drop database if exists ${name} with (force)`)
      await d.end()
    },
  }
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<T>(sql, params)).rows
  } finally {
    await c.end()
  }
}

/** Drops a role created for one test database (after that database is gone). */
export async function dropRole(role: string): Promise<void> {
  admin ??= adminUrl()
  const { url } = await admin
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(`drop role if exists ${role}`)
  } finally {
    await c.end()
  }
}
