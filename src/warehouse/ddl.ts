// DDL for one node or a cluster, from the same migration files. On a cluster every table T
// becomes a Replicated* table T_local on each shard plus a Distributed table T over them; DDL
// runs ON CLUSTER, and deletes target the local tables ON CLUSTER.
import fs from 'node:fs'
import path from 'node:path'
import crypto from 'node:crypto'
import { PROJECT_ROOT } from '../util/paths'

export interface DdlTarget {
  database: string
  cluster?: string
}

export interface Migration {
  name: string
  checksum: string
  statements: string[]
}

const CREATE = /^CREATE TABLE IF NOT EXISTS \{db\}\.([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)\s*\{engine:(\([^)]*\))\}$/

/** Renders one CREATE TABLE template into the statements for a node or a cluster. */
export function renderCreateTable(template: string, t: DdlTarget): string[] {
  const m = CREATE.exec(template.trim())
  if (!m) throw new Error(`unsupported DDL template (expected CREATE TABLE IF NOT EXISTS {db}.name (...) {engine:(key)}):\n${template}`)
  const [, table, columns, key] = m
  const db = t.database
  if (!t.cluster) {
    return [`CREATE TABLE IF NOT EXISTS ${db}.${table} (${columns}) ENGINE = ReplacingMergeTree ORDER BY ${key}`]
  }
  const c = t.cluster
  return [
    `CREATE TABLE IF NOT EXISTS ${db}.${table}_local ON CLUSTER ${c} (${columns}) ` +
      `ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/${db}/${table}_local', '{replica}') ORDER BY ${key}`,
    `CREATE TABLE IF NOT EXISTS ${db}.${table} ON CLUSTER ${c} AS ${db}.${table}_local ` +
      `ENGINE = Distributed(${c}, ${db}, ${table}_local, cityHash64(${key.slice(1, -1).split(',').pop()!.trim()}))`,
  ]
}

/** A delete of rows matching `where`, on the table that holds the data. */
export function deleteStatement(table: string, where: string, t: DdlTarget): string {
  return t.cluster
    ? `DELETE FROM ${t.database}.${table}_local ON CLUSTER ${t.cluster} WHERE ${where}`
    : `DELETE FROM ${t.database}.${table} WHERE ${where}`
}

export function migrationsTableDdl(t: DdlTarget): string[] {
  return renderCreateTable(
    `CREATE TABLE IF NOT EXISTS {db}._migrations (name String, checksum String, applied_at DateTime64(3, 'UTC')) {engine:(name)}`,
    t,
  )
}

export function loadMigrations(t: DdlTarget, dir = path.join(PROJECT_ROOT, 'db', 'clickhouse')): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_.*\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = fs.readFileSync(path.join(dir, name), 'utf8')
      const body = text
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join('\n')
      const statements = body
        .split(/;\s*(?:\n|$)/)
        .map((s) => s.trim())
        .filter(Boolean)
        .flatMap((s) => (s.startsWith('CREATE TABLE IF NOT EXISTS {db}.') ? renderCreateTable(s, t) : [s.replaceAll('{db}', t.database)]))
      return { name, checksum: crypto.createHash('sha256').update(text).digest('hex'), statements }
    })
}
