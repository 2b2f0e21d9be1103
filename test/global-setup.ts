// Builds the small seeded devnet chain once per test run (anvil state + manifest + content
// store); test files load it into their own anvil in a second or two.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startDevnet, manifestPathFor } from '../src/workload/devnet'
import { chromiumExecutable } from './helpers/browser'
import { RUN_ENV, reapRun } from './helpers/leftovers'
import { scenarioDir } from './helpers/scenario'

export interface DevnetFixture {
  stateFile: string
  manifestFile: string
  contentDir: string
  endBlock: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    devnet: DevnetFixture
  }
}

export default async function setup(project: TestProject) {
  // every process this run starts inherits the run's id; teardown fails the run if one survives
  const runId = `${process.pid}-${Date.now()}`
  process.env[RUN_ENV] = runId
  // unpack the npm Chromium once, before the browser test files race to do it
  await chromiumExecutable()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-devnet-'))
  const stateFile = path.join(dir, 'small-7.state.json')
  const contentDir = path.join(dir, 'content')
  const devnet = await startDevnet({ workload: 'small', seed: 7, contentDir, stateOut: stateFile })
  const endBlock = devnet.endBlock
  await devnet.anvil.stop()
  if (!fs.existsSync(stateFile)) throw new Error('anvil did not write its state file')
  project.provide('devnet', { stateFile, manifestFile: manifestPathFor(stateFile), contentDir, endBlock })
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true })
    fs.rmSync(scenarioDir(runId), { recursive: true, force: true })
    const left = await reapRun(runId)
    if (left.length) {
      // vitest only logs an error thrown during close; the exit status must say it too
      process.exitCode = 1
      throw new Error(`the test run left ${left.length} process(es) running (now killed): ${left.map((p) => `${p.pid} ${p.cmd}`).join('; ')}`)
    }
  }
}
