// Workload scenarios (src/workload/scenarios.ts): each is deterministic (the same seed gives the
// same chain: addresses, end block, block hashes, event counts), boom-bust's maintainers' fee
// income falls after its peak while steady's does not (computed here from raw chain logs, decoded
// with viem, not from our metrics), and an unknown scenario is one clear CLI line with nothing
// started. The saved scenario chains are shared with the other scenario test files
// (test/helpers/scenario.ts); this file builds each a second time from scratch.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevnet } from '../../src/workload/devnet'
import { SCENARIOS, scenarioName, type ScenarioName } from '../../src/workload/scenarios'
import { expectSameChain, loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { loadScenario } from '../helpers/scenario'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { runUpkeep } from '../helpers/cli'

const WINDOW = 30 * 86_400


/** Maintainers' fee income (creator + contributors + infrastructure shares) per 30-day window from the first block, from raw InferenceSettled logs. */
function feeIncomeByWindow(events: RawEvent[]): bigint[] {
  const t0 = events[0].t
  const out: bigint[] = []
  for (const e of events) {
    if (e.key !== 'InferenceSettlement.InferenceSettled') continue
    const w = Math.floor((e.t - t0) / WINDOW)
    while (out.length <= w) out.push(0n)
    const a = e.args as { creatorShare: bigint; contributorsShare: bigint; infraShare: bigint }
    out[w] += a.creatorShare + a.contributorsShare + a.infraShare
  }
  // the last window is partial (the run ends inside it): leave it out of the trend
  return out.slice(0, -1)
}

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n)

describe('scenario names', () => {
  it('accepts the four scenarios and refuses anything else with the list', () => {
    for (const s of SCENARIOS) expect(scenarioName(s)).toBe(s)
    expect(() => scenarioName('boom')).toThrow(/unknown scenario "boom" \(expected one of: steady, boom-bust, decline, wash\)/)
  })

  it('an unknown --scenario is one line on stderr, exit 2, and nothing is started or written', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-scenario-cli-'))
    try {
      for (const args of [
        ['devnet', '--scenario', 'hype'],
        ['start', '--scenario', 'hype'],
        ['bench', '--scenario', 'hype'],
      ]) {
        const r = await runUpkeep(args, { UPKEEP_DATA_DIR: dataDir })
        expect(r.code, args.join(' ')).toBe(2)
        expect(r.stdout).toBe('')
        const lines = r.stderr.trim().split('\n')
        expect(lines, r.stderr).toHaveLength(1)
        expect(lines[0]).toContain('unknown scenario "hype" (expected one of: steady, boom-bust, decline, wash)')
        // no chain was generated: a small devnet takes tens of seconds
        expect(r.ms).toBeLessThan(15_000)
      }
      expect(fs.readdirSync(dataDir)).toEqual([])
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

const SHAPED: ScenarioName[] = ['boom-bust', 'decline', 'wash']
const loaded: Partial<Record<ScenarioName, LoadedDevnet>> = {}
let steady: LoadedDevnet
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-scenarios-again-'))

beforeAll(async () => {
  steady = await loadDevnet()
  for (const s of SHAPED) loaded[s] = await loadScenario(s)
}, 900_000)

afterAll(async () => {
  await steady?.stop()
  for (const d of Object.values(loaded)) await d?.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('every scenario is deterministic', () => {
  for (const s of SHAPED) {
    it(`${s}: built again from the same seed, the same addresses, end block, block hashes and event counts`, async () => {
      const fixture = loaded[s]!
      const again = await startDevnet({ workload: 'small', seed: 7, scenario: s, contentDir: path.join(dir, s) })
      try {
        await expectSameChain(fixture, again)
      } finally {
        await again.anvil.stop()
      }
    }, 300_000)
  }

  it('the scenarios are different chains from steady and from each other', async () => {
    const tips = await Promise.all([steady, ...SHAPED.map((s) => loaded[s]!)].map(async (d) => (await d.publicClient.getBlock({ blockNumber: BigInt(d.endBlock) })).hash))
    expect(new Set(tips).size).toBe(4)
  })
})

describe('after the hype (raw chain logs)', () => {
  it('boom-bust: fee income peaks, then falls to a plateau well below the peak; steady keeps growing', async () => {
    const boom = feeIncomeByWindow(await rawEvents(loaded['boom-bust']!))
    const flat = feeIncomeByWindow(await rawEvents(steady))
    const peak = boom.indexOf(boom.reduce((a, b) => (b > a ? b : a)))
    // the peak is in the first half, and every window after it earns less than the peak
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThan(boom.length / 2)
    for (const x of boom.slice(peak + 1)) expect(x).toBeLessThan(boom[peak])
    // month over month after the peak the income falls more often than it rises
    const after = boom.slice(peak)
    const falls = after.slice(1).filter((x, i) => x < after[i]).length
    expect(falls).toBeGreaterThan((after.length - 1) / 2)
    // the last quarter earns under half of the peak quarter
    const q = Math.floor(boom.length / 4)
    expect(sum(boom.slice(-q)) * 2n).toBeLessThan(sum(boom.slice(Math.max(0, peak - 1), peak - 1 + q)))
    // steady: the last quarter earns more than the quarter before it, and its best window is late
    expect(sum(flat.slice(-q))).toBeGreaterThan(sum(flat.slice(-2 * q, -q)))
    const flatPeak = flat.indexOf(flat.reduce((a, b) => (b > a ? b : a)))
    expect(flatPeak).toBeGreaterThanOrEqual(flat.length / 2)
  })

  it('decline: the last quarter earns less than the first full quarter of traffic', async () => {
    const d = feeIncomeByWindow(await rawEvents(loaded.decline!))
    const q = Math.floor(d.length / 4)
    expect(sum(d.slice(-q))).toBeLessThan(sum(d.slice(1, 1 + q)))
  })

  it('boom-bust: payers churn and maintained models get more adapter updates than on steady', async () => {
    const boom = await rawEvents(loaded['boom-bust']!)
    const flat = await rawEvents(steady)
    const updates = (ev: RawEvent[]) => ev.filter((e) => e.key === 'ModelRegistry.AdapterUpdated').length
    expect(updates(boom)).toBeGreaterThan(updates(flat) + 10)
    // distinct payers in the last 60 days vs the 60 days around the peak of activity
    const payersIn = (ev: RawEvent[], from: number, to: number) =>
      new Set(ev.filter((e) => e.key === 'InferenceSettlement.InferenceSettled' && e.t >= from && e.t < to).map((e) => String(e.args.payer).toLowerCase())).size
    const t0 = boom[0].t
    const tEnd = boom[boom.length - 1].t
    expect(payersIn(boom, tEnd - 60 * 86_400, tEnd)).toBeLessThan(payersIn(boom, t0 + 120 * 86_400, t0 + 180 * 86_400))
  })
})
