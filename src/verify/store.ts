// Verification runs are kept in Postgres (schema upkeep_verify, apart from the chain-derived
// index so the state digest is unaffected) and served over GraphQL.
import pg from 'pg'
import type { VerificationReport } from './replay'

const DDL = `
create schema if not exists upkeep_verify;
create table if not exists upkeep_verify.verification_run (
  id serial primary key,
  created_at timestamptz not null default now(),
  log_file text not null,
  log_sha256 text not null,
  operator_id integer not null,
  rerun boolean not null,
  range_from timestamptz,
  range_to timestamptz,
  covers_from timestamptz,
  covers_to timestamptz,
  ok boolean not null,
  inferences integer not null,
  checks integer not null,
  discrepancies integer not null,
  report jsonb not null
);
create table if not exists upkeep_verify.discrepancy (
  run_id integer not null references upkeep_verify.verification_run(id) on delete cascade,
  idx integer not null,
  class text not null,
  location jsonb not null,
  expected text,
  actual text,
  detail text not null,
  primary key (run_id, idx)
);
`

export async function saveRun(dbUrl: string, report: VerificationReport): Promise<number> {
  const c = new pg.Client({ connectionString: dbUrl })
  await c.connect()
  try {
    await c.query(DDL)
    // the API's read-only role, when there is one, may read the runs
    await c.query(`do $$ begin if exists (select from pg_roles where rolname = 'upkeep_api') then
      grant usage on schema upkeep_verify to upkeep_api; grant select on all tables in schema upkeep_verify to upkeep_api; end if; end $$`)
    await c.query('begin')
    const r = await c.query<{ id: number }>(
      `insert into upkeep_verify.verification_run (log_file, log_sha256, operator_id, rerun, range_from, range_to, covers_from, covers_to, ok, inferences, checks, discrepancies, report)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning id`,
      [
        report.log.file,
        report.log.sha256,
        report.operator.id,
        report.rerun,
        report.range.from,
        report.range.to,
        report.summary.coverage.from,
        report.summary.coverage.to,
        report.ok,
        report.summary.inferences,
        report.summary.checks,
        report.summary.discrepancies,
        JSON.stringify({ ...report, discrepancies: undefined }),
      ],
    )
    const id = r.rows[0].id
    for (const [i, d] of report.discrepancies.entries()) {
      await c.query('insert into upkeep_verify.discrepancy (run_id, idx, class, location, expected, actual, detail) values ($1, $2, $3, $4, $5, $6, $7)', [
        id,
        i,
        d.class,
        JSON.stringify(d.location),
        d.expected ?? null,
        d.actual ?? null,
        d.detail,
      ])
    }
    await c.query('commit')
    return id
  } catch (e) {
    await c.query('rollback').catch(() => {})
    throw e
  } finally {
    await c.end()
  }
}

export interface StoredRun {
  id: number
  createdAt: Date
  logFile: string
  logSha256: string
  operatorId: number
  rerun: boolean
  ok: boolean
  inferences: number
  checks: number
  discrepancyCount: number
  discrepancies: { class: string; location: string; expected: string | null; actual: string | null; detail: string }[]
}

/** Latest runs first; none if verification never ran (the schema does not exist yet). */
export async function listRuns(pool: pg.Pool, limit: number, offset: number, id?: number): Promise<StoredRun[]> {
  const exists = await pool.query(`select 1 from information_schema.tables where table_schema = 'upkeep_verify' and table_name = 'verification_run'`)
  if (!exists.rowCount) return []
  const runs = await pool.query(
    `select id, created_at, log_file, log_sha256, operator_id, rerun, ok, inferences, checks, discrepancies from upkeep_verify.verification_run
     where $3::int is null or id = $3 order by id desc limit $1 offset $2`,
    [limit, offset, id ?? null],
  )
  const ds = runs.rows.length
    ? await pool.query(`select run_id, class, location::text as location, expected, actual, detail from upkeep_verify.discrepancy where run_id = any($1) order by run_id, idx`, [runs.rows.map((r) => r.id)])
    : { rows: [] as { run_id: number; class: string; location: string; expected: string | null; actual: string | null; detail: string }[] }
  return runs.rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    logFile: r.log_file,
    logSha256: r.log_sha256,
    operatorId: r.operator_id,
    rerun: r.rerun,
    ok: r.ok,
    inferences: r.inferences,
    checks: r.checks,
    discrepancyCount: r.discrepancies,
    discrepancies: ds.rows.filter((d) => d.run_id === r.id).map((d) => ({ class: d.class, location: d.location, expected: d.expected, actual: d.actual, detail: d.detail })),
  }))
}

/** The latest runs whose logged requests overlap [from, to). */
export async function runsCovering(pool: pg.Pool, from: Date, to: Date): Promise<{ id: number; ok: boolean; discrepancies: number; inferences: number; createdAt: Date }[]> {
  const exists = await pool.query(`select 1 from information_schema.tables where table_schema = 'upkeep_verify' and table_name = 'verification_run'`)
  if (!exists.rowCount) return []
  const r = await pool.query(
    `select id, ok, discrepancies, inferences, created_at from upkeep_verify.verification_run
     where covers_from < $2 and covers_to >= $1 order by id desc limit 5`,
    [from, to],
  )
  return r.rows.map((x) => ({ id: x.id, ok: x.ok, discrepancies: x.discrepancies, inferences: x.inferences, createdAt: x.created_at }))
}
