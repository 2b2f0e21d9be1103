// BENCHMARKS.md from bench/results.json: one table per suite, each figure with its ratio to the
// ceiling or target it is judged by.
import fs from 'node:fs'
import { INDEX_HEAP_MB } from './index-bench'
import type { BenchResults } from './run'

const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const mib = (b: number | null | undefined) => (b ? `${n(b / 2 ** 20)} MiB` : 'n/a')

export function writeBenchmarksMd(r: BenchResults, file: string): void {
  const out: string[] = [
    '# Benchmarks',
    '',
    `One run of \`npm run bench\` on ${r.machine.cpus} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}, commit ${r.machine.commit}, ${r.date.slice(0, 10)}.`,
    `Bench chain: workload \`bench\`, seed ${r.seed}: ${n(r.chain.blocks)} blocks, ${n(r.chain.events)} protocol events. Figures are medians of the runs listed; ratios compare each figure with its ceiling or target.`,
    '',
  ]
  const i = r.index
  if (i) {
    out.push(
      '## Indexing (`npm run bench -- index`)',
      '',
      '| figure | value | ratio |',
      '|---|---|---|',
      `| raw RPC ceiling: eth_getLogs + decode | ${n(i.median.ceilingLogsPerSec)} logs/s | 1.00 (ceiling) |`,
      `| end to end into Postgres + ClickHouse (whole process, start-up included) | ${n(i.median.eventsPerSec)} events/s | ${n(i.median.ratioToCeiling, 2)} of ceiling; ${n(i.median.eventsPerSec / 25_000, 2)} of the 25,000 target |`,
      `| end to end, after start-up | ${n(i.median.processingEventsPerSec)} events/s | ${n(i.median.processingEventsPerSec / i.median.ceilingLogsPerSec, 2)} of ceiling |`,
      `| indexer peak RSS (node --max-old-space-size=${INDEX_HEAP_MB}) | ${mib(i.median.peakRssBytes)} | ${n((i.median.peakRssBytes ?? 0) / 2 ** 30, 2)} of the 1 GiB limit |`,
      '',
      `Runs: ${i.endToEnd.map((e) => `${n(e.eventsPerSec)} events/s in ${n(e.seconds, 1)} s`).join('; ')}.`,
      '',
    )
  }
  for (const s of ['analytics', 'api', 'node', 'verify'] as const) {
    const sec = (r as unknown as Record<string, { markdown?: string[] } | undefined>)[s]
    if (sec?.markdown) out.push(...sec.markdown, '')
  }
  fs.writeFileSync(file, out.join('\n'))
}
