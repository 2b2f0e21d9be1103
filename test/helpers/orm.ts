// A fresh, migrated database with a TypeORM DataSource over the model classes as the tests import
// them (the ORM config alone would load the compiled ones from lib/).
import { DataSource } from 'typeorm'
import { createOrmConfig } from '@subsquid/typeorm-config'
import { PROJECT_ROOT } from '../../src/util/paths'
import { applyMigrations } from '../../src/db/postgres'
import * as M from '../../src/model'
import { freshDatabase, type TestDatabase } from './pg'

export async function migratedDataSource(label: string): Promise<{ db: TestDatabase; ds: DataSource }> {
  const db = await freshDatabase(label)
  await applyMigrations(db.url)
  // createOrmConfig reads DB_URL only
  const saved = process.env.DB_URL
  process.env.DB_URL = db.url
  const ds = new DataSource({ ...createOrmConfig({ projectDir: PROJECT_ROOT }), entities: Object.values(M).filter((v) => typeof v === 'function'), migrationsRun: false } as never)
  try {
    await ds.initialize()
  } finally {
    if (saved === undefined) delete process.env.DB_URL
    else process.env.DB_URL = saved
  }
  return { db, ds }
}
