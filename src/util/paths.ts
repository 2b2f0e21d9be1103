import path from 'node:path'
import { PROJECT_ROOT } from '../chain/artifacts'

/** Where embedded services keep their data (UPKEEP_DATA_DIR, default ./.data). */
export function dataDir(): string {
  return path.resolve(process.env.UPKEEP_DATA_DIR ?? path.join(PROJECT_ROOT, '.data'))
}
