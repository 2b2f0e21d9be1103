// Whether a process id names a live process (signal 0 checks without signalling).
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    // EPERM: alive, owned by someone else
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
