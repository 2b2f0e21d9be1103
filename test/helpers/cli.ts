// `upkeep <args>` as a child process (bin/upkeep.js of this checkout): exit code, output, wall time.
import { spawn } from 'node:child_process'
import path from 'node:path'

export const BIN = path.resolve(__dirname, '..', '..', 'bin', 'upkeep.js')

export function runUpkeep(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now()
  return new Promise((resolve) => {
    const c = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    c.stdout!.on('data', (b: Buffer) => (stdout += b.toString()))
    c.stderr!.on('data', (b: Buffer) => (stderr += b.toString()))
    c.once('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }))
  })
}
