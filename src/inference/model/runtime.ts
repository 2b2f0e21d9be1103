// Inference through onnxruntime-node (CPU): one session for the base, adapters passed as inputs.
// One thread per session and sequential execution, so the same input gives the same bits.
import fs from 'node:fs'
import * as ort from 'onnxruntime-node'
import { keccak256, toHex, type Hex } from 'viem'
import { featurize } from './featurize'
import { CLASSES, HIDDEN, LABELS, RANK, argmax, type Adapter, type BaseWeights, type Label } from './network'
import { readBaseWeights } from './onnx-graph'
import { BASE_MODEL_PATH } from './paths'


export interface InferenceOutput {
  label: Label
  /** probabilities as 6-decimal strings, [ham, spam] */
  probs: string[]
  /** the adapted hidden layer (float32) */
  hidden: Float32Array
  /** the base representation (float32), what attribution compares */
  h1: Float32Array
  /** probabilities as numbers (float32), for attribution */
  p: Float32Array
  /** keccak256 of the canonical output JSON */
  outputHash: Hex
}

export function outputHash(label: Label, probs: string[]): Hex {
  return keccak256(toHex(JSON.stringify({ label, probs })))
}

export class ModelRuntime {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly base: BaseWeights,
    readonly baseHash: Hex,
  ) {}

  static async load(file = BASE_MODEL_PATH): Promise<ModelRuntime> {
    const bytes = new Uint8Array(fs.readFileSync(file))
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    })
    return new ModelRuntime(session, readBaseWeights(bytes), keccak256(bytes))
  }

  async infer(text: string, adapter: Adapter): Promise<InferenceOutput> {
    const x = featurize(text)
    const feeds = {
      indices: new ort.Tensor('int64', BigInt64Array.from(x.indices, (i) => BigInt(i)), [x.indices.length]),
      values: new ort.Tensor('float32', x.values, [x.values.length]),
      A: new ort.Tensor('float32', adapter.A, [HIDDEN, RANK]),
      B: new ort.Tensor('float32', adapter.B, [RANK, HIDDEN]),
    }
    const out = await this.session.run(feeds)
    const p = out.probs.data as Float32Array
    const hidden = Float32Array.from(out.hidden.data as Float32Array)
    const h1 = Float32Array.from(out.h1.data as Float32Array)
    const label = LABELS[argmax(p)]
    const probs = Array.from({ length: CLASSES }, (_, c) => p[c].toFixed(6))
    return { label, probs, hidden, h1, p: Float32Array.from(p), outputHash: outputHash(label, probs) }
  }

  async close(): Promise<void> {
    await this.session.release()
  }
}
