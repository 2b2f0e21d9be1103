// Where the indexer's wall time goes, per stage (decode, fold, Postgres writes, ClickHouse
// serialisation and inserts, GC, ...): one hrtime pair per batch and stage, cheap enough to stay
// on. The indexer prints the totals when it exits at --to; the index benchmark reads them.
import { PerformanceObserver } from 'node:perf_hooks'

const totals = new Map<string, number>()
let gcObserver: PerformanceObserver | undefined
let gcMs = 0

/** Adds `ms` to a stage. */
export function addStage(name: string, ms: number): void {
  totals.set(name, (totals.get(name) ?? 0) + ms)
}

/** Times `fn` (sync or async) into a stage. */
export async function timeStage<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now()
  try {
    return await fn()
  } finally {
    addStage(name, performance.now() - t0)
  }
}

/** Starts counting time spent in garbage collection (main-thread pauses). */
export function watchGc(): void {
  if (gcObserver) return
  gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration
  })
  gcObserver.observe({ entryTypes: ['gc'] })
}

/** Stage totals in ms (with `gc` when watched), rounded. */
export function stageTotals(): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [k, v] of totals) out[k] = Math.round(v)
  if (gcObserver) out.gc = Math.round(gcMs)
  return out
}

const memoryPeaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }

/** Samples the process's memory (after each batch): the peaks say whether the JS heap or native memory grows. */
export function sampleMemory(): void {
  const m = process.memoryUsage()
  for (const k of Object.keys(memoryPeaks) as (keyof typeof memoryPeaks)[]) if (m[k] > memoryPeaks[k]) memoryPeaks[k] = m[k]
}

/** Peak memory sampled so far, MiB. */
export function memoryPeaksMiB(): Record<string, number> {
  return Object.fromEntries(Object.entries(memoryPeaks).map(([k, v]) => [k, Math.round(v / 2 ** 20)]))
}

/** The line the indexer logs at exit; `parseStageLine` reads it back. */
export const STAGE_LINE = 'stage times (ms): '

export function parseStageLine(text: string): Record<string, number> | null {
  const i = text.lastIndexOf(STAGE_LINE)
  if (i < 0) return null
  const m = /^\{[^}]*\}/.exec(text.slice(i + STAGE_LINE.length).replace(/\\"/g, '"'))
  return m ? (JSON.parse(m[0]) as Record<string, number>) : null
}

/** Per-table counters (COPY and upsert ms, text building, rows, bytes; lookups): on when the indexer is given UPKEEP_STAGE_DETAIL (src/config). */
export let detailOn = false
export function collectStageDetail(on: boolean): void {
  detailOn = on
}
const details = new Map<string, Record<string, number>>()

export function addDetail(key: string, add: Record<string, number>): void {
  const d = details.get(key) ?? {}
  for (const [k, v] of Object.entries(add)) d[k] = (d[k] ?? 0) + v
  details.set(key, d)
}

export function detailTotals(): Record<string, Record<string, number>> {
  return Object.fromEntries([...details].map(([k, d]) => [k, Object.fromEntries(Object.entries(d).map(([n, v]) => [n, Math.round(v)]))]))
}
