import path from 'node:path'

/** The project's root (lib/ and src/ sit one level below it). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..')

/** Where embedded services keep their data (UPKEEP_DATA_DIR, default ./.data). */
export function dataDir(): string {
  return path.resolve(process.env.UPKEEP_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'))
}
