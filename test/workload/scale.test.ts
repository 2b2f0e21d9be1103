// `npm run bench -- index --scale N` (issue 19): a chain N times the size. The scaled workload runs
// N times the days with the same actors and demand curve, so the chain must hold about N times the
// events and span N times the days (counted here from raw chain logs of the small workload, not from
// the workload's own statistics); scale 1 is the unscaled chain (its cache key is unchanged), and a
// bad --scale is one clear CLI line with nothing started.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIZES } from '../../src/workload/sizes'
import { generateScaledChain, scaledSize } from '../../src/bench/scaled-chain'
import { benchChainKey } from '../../src/bench/chain-key'
import { UsageError } from '../../src/util/errors'
import { loadDevnet, writeDevnetManifest, type LoadedDevnet } from '../helpers/devnet'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { runUpkeep } from '../helpers/cli'

const ROOT = path.resolve(__dirname, '..', '..')
const DAY = 86_400


describe('scaled sizes and their cache keys', () => {
  it('scale N multiplies the days and nothing else; scale 1 is the size itself; bad scales are usage errors', () => {
    const s = SIZES.small
    expect(scaledSize(s, 1)).toBe(s)
    const three = scaledSize(s, 3)
    expect(three.days).toBe(s.days * 3)
    expect({ ...three, days: s.days }).toEqual(s)
    for (const bad of [0, -1, 1.5, 11, Number.NaN]) expect(() => scaledSize(s, bad), String(bad)).toThrow(UsageError)
  })

  it('the 1x key is the key without a scale and ignores the scaling code; the 3x chain has a key of its own that covers it', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-scale-key-'))
    try {
      for (const p of ['package.json', 'contracts', 'src']) fs.cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true })
      const base = benchChainKey(copy, 'bench', 7)
      expect(benchChainKey(copy, 'bench', 7, 'steady', 1)).toBe(base)
      const three = benchChainKey(copy, 'bench', 7, 'steady', 3)
      expect(three).not.toBe(base)
      expect(benchChainKey(copy, 'bench', 7, 'wash', 3)).not.toBe(three)
      const file = path.join(copy, 'src/bench/scaled-chain.ts')
      fs.appendFileSync(file, '\n// changed\n')
      expect(benchChainKey(copy, 'bench', 7)).toBe(base)
      expect(benchChainKey(copy, 'bench', 7, 'steady', 3)).not.toBe(three)
      // the workload's own code keys both
      fs.appendFileSync(path.join(copy, 'src/workload/run.ts'), '\n// changed\n')
      expect(benchChainKey(copy, 'bench', 7)).not.toBe(base)
    } finally {
      fs.rmSync(copy, { recursive: true, force: true })
    }
  })

  it('a malformed --scale, or --scale with another suite, is one line on stderr, exit 2, and nothing is started', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-scale-cli-'))
    try {
      for (const [args, says] of [
        [['bench', 'index', '--scale', '0'], /--scale must be between 1 and 10, got 0/],
        [['bench', 'index', '--scale', 'x3'], /--scale must be a whole number, got "x3"/],
        [['bench', 'index', '--scale', '11'], /--scale must be between 1 and 10, got 11/],
        [['bench', 'api', '--scale', '3'], /--scale 3 runs the index suite only/],
        [['bench', '--scale', '3'], /--scale 3 runs the index suite only/],
      ] as const) {
        const r = await runUpkeep([...args], { UPKEEP_DATA_DIR: dataDir })
        expect(r.code, args.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
        const lines = r.stderr.trim().split('\n')
        expect(lines, r.stderr).toHaveLength(1)
        expect(lines[0]).toMatch(says)
        // no chain was generated or loaded: that takes minutes
        expect(r.ms).toBeLessThan(15_000)
      }
      expect(fs.readdirSync(dataDir)).toEqual([])
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('a chain three times the size (raw chain logs)', () => {
  let one: LoadedDevnet
  let three: LoadedDevnet
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-scale-'))
  beforeAll(async () => {
    one = await loadDevnet()
    const d = await generateScaledChain({ workload: 'small', seed: 7, scenario: 'steady', scale: 3, contentDir: path.join(dir, 'content') })
    three = writeDevnetManifest(d, path.join(dir, 'content'))
  }, 600_000)
  afterAll(async () => {
    await one?.stop()
    await three?.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const span = (e: RawEvent[]) => (e[e.length - 1].t - e[0].t) / DAY
  const count = (e: RawEvent[], key: string) => e.filter((x) => x.key === key).length

  it('holds about three times the events, inferences and blocks, over three times the days', async () => {
    const a = await rawEvents(one, one.endBlock, 100)
    const b = await rawEvents(three, three.endBlock, 100)
    // the demand curve is stretched, not repeated: every kind of event the 1x chain has, the 3x has
    // about three times (draws differ, so not exactly)
    const ratio = b.length / a.length
    expect(ratio).toBeGreaterThan(2.5)
    expect(ratio).toBeLessThan(3.5)
    const inf = count(b, 'InferenceSettlement.InferenceSettled') / count(a, 'InferenceSettlement.InferenceSettled')
    expect(inf).toBeGreaterThan(2.5)
    expect(inf).toBeLessThan(3.5)
    // a small chain's blocks follow its days more than its traffic (a few blocks a day): 2x here, ~3x on the bench chain
    const blocks = (three.endBlock - three.manifest.startBlock) / (one.endBlock - one.manifest.startBlock)
    expect(blocks).toBeGreaterThan(1.9)
    expect(blocks).toBeLessThan(3.5)
    expect(span(b) / span(a)).toBeGreaterThan(2.9)
    expect(span(b) / span(a)).toBeLessThan(3.1)
    expect(Math.round(span(b))).toBeGreaterThanOrEqual(SIZES.small.days * 3 - 2)
  })
})
