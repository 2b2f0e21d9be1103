// The seeded workload is deterministic: the same seed gives the same contract addresses, end
// block, block hashes and event counts (only the RPC port may differ), and the same usage logs. The fixture chain (seed 7,
// built by the global setup) is compared with a chain generated again here from scratch.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDevnet, type Devnet } from '../../src/workload/devnet'
import { expectSameChain, loadDevnet, type LoadedDevnet } from '../helpers/devnet'

let fixture: LoadedDevnet
let again: Devnet
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-determinism-'))

beforeAll(async () => {
  fixture = await loadDevnet()
  again = await startDevnet({ workload: 'small', seed: 7, contentDir: path.join(dir, 'content') })
})

afterAll(async () => {
  await fixture?.stop()
  await again?.anvil.stop()
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('workload determinism', () => {
  it('same seed: same addresses, end block, block hashes and event counts', async () => {
    const a = await expectSameChain(fixture, again)
    expect(Object.keys(a.counts).length).toBeGreaterThan(20)
  })

  it("same seed: the workload operators' usage logs are byte-identical (their heads are on chain)", () => {
    const names = (d: string) => fs.readdirSync(path.join(d, 'usage-logs')).sort()
    const regenerated = path.join(dir, 'content')
    expect(names(regenerated)).toEqual(names(fixture.contentDir))
    expect(names(regenerated).length).toBe(3)
    for (const f of names(regenerated)) expect(fs.readFileSync(path.join(regenerated, 'usage-logs', f)).equals(fs.readFileSync(path.join(fixture.contentDir, 'usage-logs', f))), f).toBe(true)
  })
})
