// The served model: accuracy on held-out mail, ONNX equals the TypeScript forward pass, same
// input gives the same bits, adapters round-trip and tampering is caught, attribution weights
// are exact fixed-point and point at plausible contributions; malformed input is refused.
import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { keccak256, type Address } from 'viem'
import { corpusSplit, loadCorpus } from '../../src/content/corpus'
import { ModelRuntime } from '../../src/inference/model/runtime'
import { BASE_MODEL_PATH } from '../../src/inference/model/paths'
import { effectiveHidden, forward, zeroAdapter, LABELS } from '../../src/inference/model/network'
import { featurize, InputError, MAX_INPUT_CHARS } from '../../src/inference/model/featurize'
import { trainAdapter } from '../../src/inference/model/train'
import { ADAPTER_BYTES, AdapterFormatError, decodeAdapter, encodeAdapter } from '../../src/inference/model/adapter-codec'
import { ContributionIndex, combineEpochWeights } from '../../src/inference/attribution'
import { toFixedPointWeights } from '../../src/protocol/weights'

let rt: ModelRuntime
const corpus = loadCorpus()
const test = corpus.filter((e) => corpusSplit(e.id) === 'test')
const contrib = corpus.filter((e) => corpusSplit(e.id) === 'contrib')

beforeAll(async () => {
  rt = await ModelRuntime.load()
})
afterAll(async () => {
  await rt?.close()
})

describe('the base model and its adapters', () => {
  it('classifies held-out mail at least 93% right (base and an adapter)', async () => {
    const adapter = trainAdapter(rt.base, contrib.slice(0, 800).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 })), { seed: 3 })
    for (const a of [zeroAdapter(), adapter]) {
      let right = 0
      for (const e of test) if ((await rt.infer(e.text, a)).label === e.label) right++
      expect(right / test.length).toBeGreaterThanOrEqual(0.93)
    }
    expect(test.length).toBeGreaterThan(1000)
  }, 60_000)

  it('onnxruntime gives what the TypeScript forward pass gives', async () => {
    const adapter = trainAdapter(rt.base, contrib.slice(0, 200).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 })), { seed: 5 })
    const eff = effectiveHidden(rt.base, adapter)
    for (const e of test.slice(0, 150)) {
      const o = await rt.infer(e.text, adapter)
      const f = forward(rt.base, eff, featurize(e.text))
      expect(Math.abs(Number(o.probs[1]) - f.probs[1])).toBeLessThan(1e-5)
      expect(LABELS[f.probs[1] > f.probs[0] ? 1 : 0]).toBe(o.label)
    }
  })

  it('the same input and adapter give the same bits in a new runtime (a restart)', async () => {
    const adapter = trainAdapter(rt.base, contrib.slice(0, 100).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 })), { seed: 9 })
    const other = await ModelRuntime.load()
    try {
      for (const e of test.slice(0, 50)) {
        const a = await rt.infer(e.text, adapter)
        const b = await other.infer(e.text, adapter)
        expect(b.outputHash).toBe(a.outputHash)
        expect(Buffer.from(b.h1.buffer).equals(Buffer.from(a.h1.buffer))).toBe(true)
      }
    } finally {
      await other.close()
    }
  })

  it('training is deterministic: same data and seed, same adapter bytes', () => {
    const data = contrib.slice(0, 60).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 }))
    const a = encodeAdapter(trainAdapter(rt.base, data, { seed: 11 }))
    const b = encodeAdapter(trainAdapter(rt.base, data, { seed: 11 }))
    expect(keccak256(b)).toBe(keccak256(a))
    expect(keccak256(encodeAdapter(trainAdapter(rt.base, data, { seed: 12 })))).not.toBe(keccak256(a))
  })

  it('the committed base is the one its card describes and is a few MB at most', () => {
    const card = JSON.parse(fs.readFileSync(BASE_MODEL_PATH.replace(/\.onnx$/, '.json'), 'utf8'))
    const bytes = fs.readFileSync(BASE_MODEL_PATH)
    expect(require('node:crypto').createHash('sha256').update(bytes).digest('hex')).toBe(card.sha256)
    expect(bytes.length).toBeLessThan(4 * 1024 * 1024)
    expect(card.baseAccuracy).toBeGreaterThanOrEqual(0.93)
  })
})

describe('adapter bytes', () => {
  it('round-trip exactly and are rejected when malformed', () => {
    const a = trainAdapter(rt.base, contrib.slice(0, 20).map((e) => ({ text: e.text, label: e.label === 'spam' ? 1 : 0 })), { seed: 1 })
    const bytes = encodeAdapter(a)
    expect(bytes.length).toBe(ADAPTER_BYTES)
    const back = decodeAdapter(bytes)
    expect(Buffer.from(back.A.buffer).equals(Buffer.from(a.A.buffer))).toBe(true)
    expect(Buffer.from(back.B.buffer).equals(Buffer.from(a.B.buffer))).toBe(true)
    expect(() => decodeAdapter(bytes.slice(0, 100))).toThrow(AdapterFormatError)
    const badMagic = bytes.slice()
    badMagic[0] = 0
    expect(() => decodeAdapter(badMagic)).toThrow(/bad magic/)
    const badVersion = bytes.slice()
    badVersion[4] = 9
    expect(() => decodeAdapter(badVersion)).toThrow(/version 9/)
    const tampered = bytes.slice()
    tampered[100] ^= 1
    expect(keccak256(tampered)).not.toBe(keccak256(bytes)) // the on-chain hash no longer matches
  })
})

describe('malformed input', () => {
  it('is refused with a clear error', () => {
    expect(() => featurize('')).toThrow(InputError)
    expect(() => featurize('   ')).toThrow(/empty/)
    expect(() => featurize('x'.repeat(MAX_INPUT_CHARS + 1))).toThrow(/at most 16384/)
    expect(featurize('!!! ???').indices.length).toBe(1) // punctuation only: one stable feature
  })
})

describe('fixed-point weights', () => {
  it('sum exactly to 1e6 and follow the scores within one unit (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { minLength: 1, maxLength: 60 }), (scores) => {
        fc.pre(scores.some((s) => s > 0n))
        const w = toFixedPointWeights(scores)
        const total = scores.reduce((a, b) => a + b, 0n)
        expect(w.reduce((a, b) => a + b, 0n)).toBe(1_000_000n)
        scores.forEach((s, i) => {
          const exact = (s * 1_000_000n) / total
          expect(w[i] === exact || w[i] === exact + 1n).toBe(true)
        })
      }),
      { numRuns: 500 },
    )
  })

  it('epoch weights are Σ share × weight, apportioned exactly', () => {
    const a = '0x00000000000000000000000000000000000000aa' as Address
    const b = '0x00000000000000000000000000000000000000bb' as Address
    const entries = combineEpochWeights([
      { contributorsShare: 300n, weights: [{ datanetId: 1n, contributor: a, weight: 1_000_000 }] },
      { contributorsShare: 100n, weights: [{ datanetId: 1n, contributor: a, weight: 250_000 }, { datanetId: 2n, contributor: b, weight: 750_000 }] },
    ])
    // a: 300e6 + 25e6 = 325e6, b: 75e6 of 400e6 -> 812500 / 187500
    expect(entries).toEqual([
      { datanetId: 1n, contributor: a, weight: 812_500 },
      { datanetId: 2n, contributor: b, weight: 187_500 },
    ])
  })
})

describe('attribution', () => {
  const who = (i: number) => `0x${(i + 1).toString(16).padStart(40, '0')}` as Address
  const spam = contrib.filter((e) => e.label === 'spam').slice(0, 12)
  const ham = contrib.filter((e) => e.label === 'ham').slice(0, 12)

  it('an answer to a training example credits that example\'s contributor most', async () => {
    const index = new ContributionIndex(rt.base)
    const examples = [...spam.slice(0, 6), ...ham.slice(0, 6)]
    examples.forEach((e, i) => index.add({ contributionId: BigInt(i), datanetId: e.label === 'spam' ? 4n : 0n, contributor: who(i), blockNumber: 1, text: e.text, label: e.label === 'spam' ? 1 : 0 }))
    const set = index.members([0n, 4n], 10)
    let top = 0
    for (let i = 0; i < examples.length; i++) {
      const out = await rt.infer(examples[i].text, zeroAdapter())
      const w = index.weights(set, out.h1, out.p, LABELS.indexOf(out.label as never))
      expect(w.reduce((s, x) => s + x.weight, 0)).toBe(1_000_000)
      const best = w.reduce((m, x) => (x.weight > m.weight ? x : m))
      if (best.contributor === who(i)) top++
    }
    expect(top).toBeGreaterThanOrEqual(10) // of 12
  })

  it('a spam answer is attributed mostly to spam contributions, a ham answer to ham', async () => {
    const index = new ContributionIndex(rt.base)
    ;[...spam, ...ham].forEach((e, i) => index.add({ contributionId: BigInt(i), datanetId: e.label === 'spam' ? 4n : 0n, contributor: who(i % 5), blockNumber: 1, text: e.text, label: e.label === 'spam' ? 1 : 0 }))
    const set = index.members([0n, 4n], 10)
    for (const [e, datanet] of [...test.filter((t) => t.label === 'spam').slice(0, 10).map((t) => [t, 4n] as const), ...test.filter((t) => t.label === 'ham').slice(0, 10).map((t) => [t, 0n] as const)]) {
      const out = await rt.infer(e.text, zeroAdapter())
      if (out.label !== e.label) continue
      const w = index.weights(set, out.h1, out.p, LABELS.indexOf(out.label as never))
      const share = w.filter((x) => x.datanetId === datanet).reduce((s, x) => s + x.weight, 0)
      expect(share, `${e.label} answer`).toBeGreaterThan(500_000)
    }
  })

  it('members are the contributions up to the adapter\'s block, in chain order of (datanet, contributor)', () => {
    const index = new ContributionIndex(rt.base)
    index.add({ contributionId: 1n, datanetId: 2n, contributor: who(3), blockNumber: 5, text: spam[0].text, label: 1 })
    index.add({ contributionId: 2n, datanetId: 1n, contributor: who(9), blockNumber: 6, text: ham[0].text, label: 0 })
    index.add({ contributionId: 3n, datanetId: 1n, contributor: who(2), blockNumber: 9, text: ham[1].text, label: 0 })
    index.add({ contributionId: 3n, datanetId: 1n, contributor: who(2), blockNumber: 9, text: ham[1].text, label: 0 }) // idempotent
    expect(index.size).toBe(3)
    const set = index.members([1n, 2n], 8)
    expect(set.groups.map((g) => [g.datanetId, g.contributor])).toEqual([
      [1n, who(9)],
      [2n, who(3)],
    ])
  })
})
