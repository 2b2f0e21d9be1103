import path from 'node:path'
import { PROJECT_ROOT } from '../../util/paths'

/** The committed base model (built by `upkeep train-base`). */
export const BASE_MODEL_PATH = path.join(PROJECT_ROOT, 'models', 'base.onnx')
