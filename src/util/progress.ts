// Progress for long work (backfill, workload, replay, bench): a bar on a TTY (cli-progress),
// a line every few seconds otherwise, always on stderr so stdout stays machine-readable.
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, info?: Record<string, string | number>): void
  stop(): void
}

export function progress(label: string, total: number): Progress {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${label} [{bar}] {percentage}% {value}/{total} eta {eta_formatted} {info}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
    bar.start(total, 0, { info: '' })
    return {
      update: (done, info) => bar.update(done, { info: info ? Object.entries(info).map(([k, v]) => `${k}=${v}`).join(' ') : '' }),
      stop: () => bar.stop(),
    }
  }
  let last = 0
  const started = Date.now()
  return {
    update(done, info) {
      const now = Date.now()
      if (now - last < 5_000 && done < total) return
      last = now
      const rate = done / Math.max((now - started) / 1000, 1e-3)
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0
      const extra = info ? ' ' + Object.entries(info).map(([k, v]) => `${k}=${v}`).join(' ') : ''
      process.stderr.write(`${label}: ${done}/${total} (${((100 * done) / total).toFixed(0)}%) eta ${eta}s${extra}\n`)
    },
    stop() {},
  }
}
