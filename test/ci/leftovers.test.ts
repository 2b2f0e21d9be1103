// The after-suite check for processes a test run leaves behind (global setup's teardown uses it):
// it finds a process by the run id in its environment, kills it, and ignores other runs'.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { processesOfRun, reapRun, RUN_ENV } from '../helpers/leftovers'

describe('leftover processes of a test run', () => {
  it('finds a process carrying the run id, kills it, and leaves another run alone', async () => {
    const mine = spawn('sleep', ['60'], { env: { ...process.env, [RUN_ENV]: 'probe-mine' }, stdio: 'ignore' })
    const theirs = spawn('sleep', ['60'], { env: { ...process.env, [RUN_ENV]: 'probe-theirs' }, stdio: 'ignore' })
    const exited = new Promise((r) => mine.on('exit', (_code, signal) => r(signal)))
    try {
      expect(processesOfRun('probe-mine').map((p) => p.pid)).toEqual([mine.pid])
      const left = await reapRun('probe-mine', 300)
      expect(left.map((p) => [p.pid, p.cmd])).toEqual([[mine.pid, 'sleep 60']])
      expect(await exited).toBe('SIGKILL')
      expect(processesOfRun('probe-mine')).toEqual([])
      expect(processesOfRun('probe-theirs').map((p) => p.pid)).toEqual([theirs.pid])
    } finally {
      mine.kill('SIGKILL')
      theirs.kill('SIGKILL')
    }
  })

  it('a run whose processes end within the grace time has nothing left', async () => {
    const quick = spawn('sleep', ['0.3'], { env: { ...process.env, [RUN_ENV]: 'probe-quick' }, stdio: 'ignore' })
    quick.on('exit', () => {}) // reaped by node: no zombie
    expect(await reapRun('probe-quick', 3_000)).toEqual([])
  })

  it('an anvil whose owner is killed with SIGKILL (no cleanup runs) stops by itself', async () => {
    const lib = path.join(__dirname, '..', '..', 'lib', 'devnet', 'anvil.js')
    const owner = spawn(process.execPath, ['-e', `require(${JSON.stringify(lib)}).startAnvil().then(a => console.log(a.port))`], {
      env: { ...process.env, [RUN_ENV]: 'probe-anvil' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const port = Number(await new Promise<string>((resolve) => owner.stdout!.on('data', (b: Buffer) => resolve(b.toString()))))
      expect(port).toBeGreaterThan(0)
      const anvils = () => processesOfRun('probe-anvil').filter((p) => /anvil --host/.test(p.cmd) && !p.cmd.startsWith('/bin/sh'))
      expect(anvils()).toHaveLength(1)
      owner.kill('SIGKILL')
      const deadline = Date.now() + 20_000
      while (anvils().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      expect(anvils()).toEqual([])
      expect(await reapRun('probe-anvil', 1_000)).toEqual([])
    } finally {
      owner.kill('SIGKILL')
      await reapRun('probe-anvil', 0) // when the check above failed: leave nothing behind either
    }
  })
})

