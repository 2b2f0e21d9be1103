// Every process a test run starts (anvil, Postgres, inference nodes, indexers, Chromium) inherits
// UPKEEP_TEST_RUN=<run id> from the environment global setup sets. After the suite, global
// teardown looks for processes still carrying this run's id: it stops them and fails the run.
import fs from 'node:fs'

export const RUN_ENV = 'UPKEEP_TEST_RUN'

export interface Leftover {
  pid: number
  cmd: string
}

/** Processes whose environment holds RUN_ENV=<runId> (other than `except`), from /proc. */
export function processesOfRun(runId: string, except: number[] = [process.pid]): Leftover[] {
  const needle = `${RUN_ENV}=${runId}`
  const out: Leftover[] = []
  if (!fs.existsSync('/proc')) return out // no procfs (not Linux): nothing to check with
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    if (except.includes(pid)) continue
    try {
      if (!fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(needle)) continue
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue // a zombie holds nothing
      out.push({ pid, cmd: fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 160) })
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out
}

/**
 * Waits up to `graceMs` for the run's processes to end by themselves; kills those that survive
 * and returns them (empty when the run left nothing behind).
 */
export async function reapRun(runId: string, graceMs = 5_000): Promise<Leftover[]> {
  const deadline = Date.now() + graceMs
  let left = processesOfRun(runId)
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
    left = processesOfRun(runId)
  }
  for (const p of left) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  return left
}
