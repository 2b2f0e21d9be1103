// A child process that never outlives this one. It runs under a small shell that holds the read
// end of a pipe from us on its stdin: when the pipe closes (release(), or this process ends in any
// way: an exit, a signal, kill -9, a torn-down test worker) the shell sends the child SIGINT (its
// graceful stop: Postgres's fast shutdown, anvil's state dump) and waits for it. The shell and the
// child run in their own process group (a terminal's Ctrl-C reaches the owner, which stops them in
// order), so kill() can still end the whole group.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import fs from 'node:fs'

// UPKEEP_TIED_RM: a scratch directory of the child's, removed once it has exited (even when we were killed)
const WATCHDOG =
  '"$0" "$@" & pid=$!; trap "" INT TERM; cat >/dev/null; kill -INT $pid 2>/dev/null; wait $pid; s=$?; [ -n "$UPKEEP_TIED_RM" ] && rm -rf "$UPKEEP_TIED_RM"; exit $s'

export interface TiedChild {
  /** the shell; its stdout/stderr are the child's */
  process: ChildProcess
  /** asks the child to stop (SIGINT) by closing the pipe */
  release(): void
  /** SIGKILL to the shell and the child */
  kill(): void
}

export function spawnTied(
  command: string,
  args: string[],
  opts: Omit<SpawnOptions, 'stdio' | 'detached'> & { stdout?: 'pipe' | 'ignore'; stderr?: 'pipe' | 'ignore'; /** removed after the child exits */ scratchDir?: string } = {},
): TiedChild {
  const { stdout = 'pipe', stderr = 'pipe', scratchDir, ...rest } = opts
  const env = scratchDir ? { ...(rest.env ?? process.env), UPKEEP_TIED_RM: scratchDir } : rest.env
  const p = spawn('/bin/sh', ['-c', WATCHDOG, command, ...args], { ...rest, env, stdio: ['pipe', stdout, stderr], detached: true })
  // kill() ends the shell too, so the directory is removed here as well
  if (scratchDir) p.once('exit', () => fs.rmSync(scratchDir, { recursive: true, force: true }))
  p.stdin!.on('error', () => {}) // the shell already gone
  return {
    process: p,
    release: () => p.stdin!.end(),
    kill() {
      try {
        process.kill(-p.pid!, 'SIGKILL')
      } catch {
        // already gone
      }
    },
  }
}
