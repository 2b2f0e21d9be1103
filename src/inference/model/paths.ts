import path from 'node:path'
import { PROJECT_ROOT } from '../../chain/artifacts'

/** The committed base model (built by `upkeep train-base`). */
export const BASE_MODEL_PATH = path.join(PROJECT_ROOT, 'models', 'base.onnx')
