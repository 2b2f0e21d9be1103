// Scenario chains (src/workload/scenarios.ts) for tests: each small chain is built once per test
// run, on first use, and saved; test files that need it wait for it and load it into an anvil of
// their own. The first file to ask builds it under a lock (a directory created atomically), so two
// files running at once never build the same chain twice. Global teardown removes the directory.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startDevnet, manifestPathFor } from '../../src/workload/devnet'
import type { ScenarioName } from '../../src/workload/scenarios'
import { loadDevnet, type LoadedDevnet } from './devnet'
import { RUN_ENV } from './leftovers'

export function scenarioDir(runId = process.env[RUN_ENV] ?? `pid-${process.pid}`): string {
  return path.join(os.tmpdir(), `upkeep-scenarios-${runId}`)
}

/** The saved small seed-7 chain of `name`, built now if no test file of this run built it yet. */
export async function scenarioFixture(name: ScenarioName): Promise<{ stateFile: string; contentDir: string; endBlock: number }> {
  const dir = path.join(scenarioDir(), name)
  const done = path.join(dir, 'done.json')
  const failed = path.join(dir, 'failed.txt')
  fs.mkdirSync(scenarioDir(), { recursive: true })
  let mine = false
  try {
    fs.mkdirSync(dir)
    mine = true
  } catch {
    // another file builds it: wait for its marker (a small chain takes well under the hook timeout)
  }
  if (mine) {
    const stateFile = path.join(dir, 'state.json')
    const contentDir = path.join(dir, 'content')
    try {
      const d = await startDevnet({ workload: 'small', seed: 7, scenario: name, contentDir, stateOut: stateFile })
      await d.anvil.stop()
      if (!fs.existsSync(stateFile) || !fs.existsSync(manifestPathFor(stateFile))) throw new Error(`anvil did not save the ${name} chain`)
      fs.writeFileSync(done, JSON.stringify({ stateFile, contentDir, endBlock: d.endBlock }))
    } catch (e) {
      fs.writeFileSync(failed, String((e as Error).message))
      throw e
    }
  }
  const t0 = Date.now()
  while (!fs.existsSync(done)) {
    if (fs.existsSync(failed)) throw new Error(`building the ${name} scenario chain failed in another test file: ${fs.readFileSync(failed, 'utf8')}`)
    if (Date.now() - t0 > 280_000) throw new Error(`the ${name} scenario chain was not built within 280 s (${dir})`)
    await new Promise((r) => setTimeout(r, 500))
  }
  return JSON.parse(fs.readFileSync(done, 'utf8'))
}

export async function loadScenario(name: ScenarioName): Promise<LoadedDevnet> {
  return loadDevnet(await scenarioFixture(name))
}
