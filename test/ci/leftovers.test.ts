// The after-suite check for processes a test run leaves behind (global setup's teardown uses it):
// it finds a process by the run id in its environment, kills it, and ignores other runs'.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { startAnvil } from '../../src/devnet/anvil'
import { processesOfRun, reapRun, RUN_ENV } from '../helpers/leftovers'

/** n blocks of one transfer each (anvil automines a block per transaction) */
async function mineTransferBlocks(port: number, n: number): Promise<void> {
  const rpc = async (method: string, params: unknown[]) => {
    const r = (await (await fetch(`http://127.0.0.1:${port}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as { result?: unknown; error?: unknown }
    expect(r.error).toBeUndefined()
    return r.result
  }
  const [from, to] = (await rpc('eth_accounts', [])) as string[]
  for (let i = 0; i < n; i++) await rpc('eth_sendTransaction', [{ from, to, value: '0x1' }])
}

function filesUnder(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).length : 0
}

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

  it('an anvil whose owner is killed with SIGKILL (no cleanup runs) stops by itself and takes its state cache along', async () => {
    const lib = path.join(__dirname, '..', '..', 'lib', 'devnet', 'anvil.js')
    const owner = spawn(process.execPath, ['-e', `require(${JSON.stringify(lib)}).startAnvil().then(a => console.log(JSON.stringify([a.port, a.cachePath])))`], {
      env: { ...process.env, [RUN_ENV]: 'probe-anvil' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    try {
      const [port, cachePath] = JSON.parse(await new Promise<string>((resolve) => owner.stdout!.on('data', (b: Buffer) => resolve(b.toString())))) as [number, string]
      expect(port).toBeGreaterThan(0)
      const anvils = () => processesOfRun('probe-anvil').filter((p) => /anvil --host/.test(p.cmd) && !p.cmd.startsWith('/bin/sh'))
      expect(anvils()).toHaveLength(1)
      // past 500 blocks anvil writes old block states to disk: they must land in the run's own cache
      await mineTransferBlocks(port, 600)
      expect(filesUnder(cachePath)).toBeGreaterThan(0)
      owner.kill('SIGKILL')
      const deadline = Date.now() + 20_000
      while ((anvils().length || fs.existsSync(cachePath)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      expect(anvils()).toEqual([])
      expect(fs.existsSync(cachePath)).toBe(false)
      expect(await reapRun('probe-anvil', 1_000)).toEqual([])
    } finally {
      owner.kill('SIGKILL')
      await reapRun('probe-anvil', 0) // when the check above failed: leave nothing behind either
    }
  })

  it('a stopped anvil leaves no block states on disk (they went to its own cache, now removed)', async () => {
    const a = await startAnvil()
    try {
      await mineTransferBlocks(a.port, 600)
      expect(filesUnder(a.cachePath)).toBeGreaterThan(0)
    } finally {
      await a.stop()
    }
    expect(fs.existsSync(a.cachePath)).toBe(false)
  })
})
