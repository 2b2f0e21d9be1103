// The bench chain cache key changes with what built the chain (a contract's source, code the
// workload reaches, a pinned compiler version, the seed, the scenario) and with nothing else.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { benchChainKey, importClosure } from '../../src/bench/chain-key'

const ROOT = path.resolve(__dirname, '..', '..')
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-chainkey-'))
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }))

describe('bench chain cache key', () => {
  it('follows the contracts, the workload code, the pinned versions and the seed', () => {
    for (const p of ['package.json', 'contracts', 'src']) fs.cpSync(path.join(ROOT, p), path.join(copy, p), { recursive: true })
    const base = benchChainKey(copy, 'bench', 7)
    expect(benchChainKey(copy, 'bench', 7)).toBe(base)
    expect(benchChainKey(ROOT, 'bench', 7)).toBe(base) // the copy is the checkout
    expect(benchChainKey(copy, 'bench', 8)).not.toBe(base)
    expect(benchChainKey(copy, 'small', 7)).not.toBe(base)
    // the scenario: steady (the default) is the key without one; every other scenario has its own
    expect(benchChainKey(copy, 'bench', 7, 'steady')).toBe(base)
    const shaped = ['boom-bust', 'decline', 'wash'].map((s) => benchChainKey(copy, 'bench', 7, s))
    expect(new Set([base, ...shaped]).size).toBe(4)
    // the scenario code is part of what builds the chain
    expect(importClosure(path.join(copy, 'src/workload/devnet.ts'))).toContain(path.join(copy, 'src/workload/scenarios.ts'))

    const edit = (rel: string, f: (s: string) => string) => {
      const file = path.join(copy, rel)
      const before = fs.readFileSync(file, 'utf8')
      fs.writeFileSync(file, f(before))
      const key = benchChainKey(copy, 'bench', 7)
      fs.writeFileSync(file, before)
      return key
    }
    // a contract's source
    expect(edit('contracts/InferenceSettlement.sol', (s) => s + '\n// changed\n')).not.toBe(base)
    // the workload itself, and code it reaches only through imports (the protocol's fee split)
    expect(edit('src/workload/run.ts', (s) => s + '\n// changed\n')).not.toBe(base)
    expect(importClosure(path.join(copy, 'src/workload/devnet.ts'))).toContain(path.join(copy, 'src/protocol/split.ts'))
    expect(edit('src/protocol/split.ts', (s) => s + '\n// changed\n')).not.toBe(base)
    // a pinned compiler version
    expect(edit('package.json', (s) => s.replace(/"solc": "[^"]+"/, '"solc": "0.0.0"'))).not.toBe(base)
    // code the chain does not depend on (the API) leaves the key alone
    expect(importClosure(path.join(copy, 'src/workload/devnet.ts'))).not.toContain(path.join(copy, 'src/api/server.ts'))
    expect(edit('src/api/server.ts', (s) => s + '\n// changed\n')).toBe(base)
    expect(benchChainKey(copy, 'bench', 7)).toBe(base)
  })
})
