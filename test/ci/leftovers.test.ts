// The after-suite check for processes a test run leaves behind (global setup's teardown uses it):
// it finds a process by the run id in its environment, kills it, and ignores other runs'.
import { spawn } from 'node:child_process'
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
})
