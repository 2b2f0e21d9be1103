// BENCHMARKS.md: one section per suite, each from the latest run of that suite. A run replaces
// only the sections of the suites it ran (between <!-- bench:<suite> --> markers), each stamped
// with its own date, commit, machine and bench chain; every other section is kept as it was.
import fs from 'node:fs'
import type { BenchResults, ScaledIndex } from './run'

/** BENCHMARKS.md section of `npm run bench -- index --scale N` */
export const SCALED_SECTION = 'index-scaled'

const n = (x: number, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const mib = (b: number | null | undefined) => (b ? `${n(b / 2 ** 20)} MiB` : 'n/a')

const HEADER = [
  '# Benchmarks',
  '',
  'One section per suite (`npm run bench -- <suite>`), each from that suite\'s latest run, with its own date, commit and machine. Figures are medians of the runs listed; ratios compare each figure with its ceiling or target.',
  '',
]

const open = (suite: string) => `<!-- bench:${suite} -->`
const close = (suite: string) => `<!-- /bench:${suite} -->`

/** The stamp under a section's heading: when, at which commit, on what, over which chain. */
function stamp(r: BenchResults): string {
  if (!r.chain.blocks) return `Run ${r.date.slice(0, 10)} at commit ${r.machine.commit} on ${r.machine.cpus} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}; a fresh anvil devnet of its own (no bench chain).`
  return (
    `Run ${r.date.slice(0, 10)} at commit ${r.machine.commit} on ${r.machine.cpus} (${r.machine.cores} cores, ${r.machine.memoryGiB} GiB), Node ${r.machine.node}; ` +
    `bench chain \`bench\`${r.scenario ? `, scenario ${r.scenario}` : ''}, seed ${r.seed}${r.chainKey ? ` (cache key ${r.chainKey})` : ''}: ${n(r.chain.blocks)} blocks, ${n(r.chain.events)} protocol events.`
  )
}

/** A suite's section (heading, stamp, body) from a run, or null when the run has no result for it. */
export function renderSection(r: BenchResults, suite: string): string[] | null {
  let lines: string[] | undefined
  const i = r.index
  if (suite === 'index' && i) {
    const m = i.median
    const ratio = (x: number) => (x ? n(m.eventsPerSec / x, 2) : 'n/a')
    lines = [
      '## Indexing (`npm run bench -- index`)',
      '',
      `Each run interleaves, on the same chain: the raw ceiling, the processor with a no-op store, a plain one-table squid (the same \`@subsquid/evm-processor\` settings, every protocol log stored raw through \`@subsquid/typeorm-store\` \`ctx.store.insert\`), and Upkeep (Postgres + chDB, full schema). Every process runs with Node's default heap settings. Medians of ${i.endToEnd.length} runs; 1-minute load average at the runs' start: ${(i.loadAverage ?? []).map((x) => n(x, 1)).join(', ') || 'n/a'}.`,
      '',
      '| figure | events/s | peak RSS | Upkeep ÷ this |',
      '|---|---|---|---|',
      `| raw RPC ceiling: eth_getLogs + decode | ${n(m.ceilingLogsPerSec)} logs/s | – | ${n(m.ratioToCeiling, 2)} (target ≥ 0.35) |`,
      ...(m.noopEventsPerSec ? [`| same processor, no-op store (ingestion alone) | ${n(m.noopEventsPerSec)} | ${mib(m.noopPeakRssBytes)} | ${ratio(m.noopEventsPerSec)} |`] : []),
      ...(m.plainSquidEventsPerSec ? [`| plain squid: one raw table via typeorm-store | ${n(m.plainSquidEventsPerSec)} | ${mib(m.plainSquidPeakRssBytes)} | ${ratio(m.plainSquidEventsPerSec)} (target ≥ 1.0) |`] : []),
      `| **Upkeep** end to end into Postgres + ClickHouse (whole process, start-up included) | **${n(m.eventsPerSec)}** | **${mib(m.peakRssBytes)}** (target ≤ 600 MiB) | 1.00 |`,
      `| Upkeep after start-up | ${n(m.processingEventsPerSec)} | – | – |`,
      '',
      `Upkeep runs: ${i.endToEnd.map((e) => `${n(e.eventsPerSec)} events/s in ${n(e.seconds, 1)} s, ${mib(e.peakRssBytes)}`).join('; ')}.`,
      ...(i.plainSquid?.length ? ['', `Plain squid runs: ${i.plainSquid.map((e) => `${n(e.eventsPerSec)} events/s in ${n(e.seconds, 1)} s, ${mib(e.peakRssBytes)}`).join('; ')}.`] : []),
      ...(i.noopStore?.length ? ['', `No-op store runs: ${i.noopStore.map((e) => `${n(e.eventsPerSec)} events/s in ${n(e.seconds, 1)} s, ${mib(e.peakRssBytes)}`).join('; ')}.`] : []),
      ...(i.digest ? ['', `State digest of the last Upkeep run (src/db/digest.ts): \`${i.digest}\`.`] : []),
      ...stageTable(i.endToEnd),
    ]
  } else if (suite === SCALED_SECTION && r.indexScaled && i) {
    lines = scaledSection(r.indexScaled, i, r.chain)
  } else if (suite !== 'index') {
    lines = (r as unknown as Record<string, { markdown?: string[] } | undefined>)[suite]?.markdown
  }
  if (!lines?.length) return null
  const [heading, ...body] = lines
  return [heading, '', stamp(r), ...(body[0] === '' ? body : ['', ...body])]
}

/**
 * How cost grows with work: the index suite on the 1x chain and on the chain `scale` times its
 * days, from the same `npm run bench -- index --scale N`. Targets (issue 19): events/s within 15 %
 * and peak RSS within 10 % of the 1x figures.
 */
function scaledSection(x: ScaledIndex, one: NonNullable<BenchResults['index']>, chain: BenchResults['chain']): string[] {
  const a = one.median
  const b = x.index.median
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${n(100 * v, 1)} %`
  const rate = b.eventsPerSec / a.eventsPerSec - 1
  const rss = a.peakRssBytes && b.peakRssBytes ? b.peakRssBytes / a.peakRssBytes - 1 : null
  const row = (what: string, p: number, q: number, unit = '') => `| ${what} | ${n(p)}${unit} | ${n(q)}${unit} | ${n(q / p, 2)} |`
  return [
    `## Indexing a chain ${x.scale} times the size (\`npm run bench -- index --scale ${x.scale}\`)`,
    '',
    `The same index suite, in the same run, first on the bench chain and then on the chain whose workload runs ${x.scale} times as many days (the same actors and demand curve stretched; cache key ${x.chainKey}). Medians of ${x.index.endToEnd.length} runs each; 1-minute load average at the runs' start: ${one.loadAverage.map((v) => n(v, 1)).join(', ')} (1x), ${x.index.loadAverage.map((v) => n(v, 1)).join(', ')} (${x.scale}x).`,
    '',
    `| figure | 1x | ${x.scale}x | ${x.scale}x ÷ 1x |`,
    '|---|---|---|---|',
    row('blocks', chain.blocks, x.chain.blocks),
    row('protocol events', chain.events, x.chain.events),
    row('raw ceiling, logs/s', a.ceilingLogsPerSec, b.ceilingLogsPerSec),
    row('plain squid, events/s', a.plainSquidEventsPerSec, b.plainSquidEventsPerSec),
    row('**Upkeep, events/s**', a.eventsPerSec, b.eventsPerSec),
    `| **Upkeep, peak RSS** | ${mib(a.peakRssBytes)} | ${mib(b.peakRssBytes)} | ${a.peakRssBytes && b.peakRssBytes ? n(b.peakRssBytes / a.peakRssBytes, 2) : 'n/a'} |`,
    `| Upkeep ÷ plain squid | ${n(a.eventsPerSec / a.plainSquidEventsPerSec, 2)} | ${n(b.eventsPerSec / b.plainSquidEventsPerSec, 2)} | – |`,
    `| Upkeep ÷ raw ceiling | ${n(a.ratioToCeiling, 2)} | ${n(b.ratioToCeiling, 2)} | – |`,
    '',
    `Upkeep's events/s at ${x.scale}x: ${pct(rate)} against 1x (target: within 15 %, ${Math.abs(rate) <= 0.15 || rate > 0 ? 'met' : 'not met'}); peak RSS ${rss === null ? 'n/a' : pct(rss)} (target: within 10 %, ${rss === null ? 'n/a' : rss <= 0.1 ? 'met' : 'not met'}).`,
    '',
    `${x.scale}x Upkeep runs: ${x.index.endToEnd.map((e) => `${n(e.eventsPerSec)} events/s in ${n(e.seconds, 1)} s, ${mib(e.peakRssBytes)}`).join('; ')}. Plain squid: ${x.index.plainSquid.map((e) => `${n(e.eventsPerSec)} events/s, ${mib(e.peakRssBytes)}`).join('; ')}. State digest of the last ${x.scale}x run: \`${x.index.digest}\`.`,
    ...stageTable(x.index.endToEnd),
  ]
}

/** Where Upkeep's time went: the indexer's own stage totals (src/util/stage-times), per event, median run. */
function stageTable(runs: { seconds: number; stages?: Record<string, number> }[]): string[] {
  const withStages = runs.filter((r) => r.stages)
  if (!withStages.length) return []
  const mid = [...withStages].sort((a, b) => a.seconds - b.seconds)[Math.floor((withStages.length - 1) / 2)]
  const st = mid.stages!
  const wall = st.wall ?? mid.seconds * 1000
  const rows = Object.entries(st).filter(([k]) => k !== 'wall')
  // what the batches did not take: start-up and waiting for the processor's RPC ingestion
  if (st.batches !== undefined) rows.push(['outside batches (start-up, waiting for RPC data)', wall - st.batches - (st['ch final flush'] ?? 0)])
  return [
    '',
    `Where the time goes (the median run's stage totals, ${n(wall / 1000, 1)} s wall; "background" stages overlap the main loop, the others do not overlap each other except gc, which pauses whichever runs):`,
    '',
    '| stage | seconds | share of wall |',
    '|---|---|---|',
    ...rows.map(([k, v]) => `| ${k} | ${n(v / 1000, 1)} | ${n((100 * v) / wall, 0)} % |`),
  ]
}

interface Section {
  suite: string | null
  lines: string[]
}

/** Splits a BENCHMARKS.md into its header and sections (marked ones, or `## ` headings of older files). */
export function parseSections(md: string): { header: string[]; sections: Section[] } {
  const header: string[] = []
  const sections: Section[] = []
  let cur: Section | null = null
  let marked = false
  for (const line of md.split('\n')) {
    const m = /^<!-- (\/?)bench:([\w-]+) -->$/.exec(line)
    if (m && !m[1]) {
      cur = { suite: m[2], lines: [] }
      sections.push(cur)
      marked = true
      continue
    }
    if (m && m[1]) {
      cur = null
      marked = false
      continue
    }
    if (!marked && line.startsWith('## ')) {
      // a section of a file written before the markers: its suite from "npm run bench -- <suite>"
      const s = /npm run bench -- ([\w-]+)/.exec(line)
      cur = { suite: s ? s[1] : null, lines: [] }
      sections.push(cur)
    }
    if (cur) cur.lines.push(line)
    else if (!sections.length) header.push(line)
  }
  for (const s of sections) while (s.lines.length && s.lines[s.lines.length - 1] === '') s.lines.pop()
  return { header, sections }
}

/** The file with each of `replace`'s suites' sections replaced (appended when new), the rest kept. */
export function replaceSections(md: string, replace: Map<string, string[]>, order: readonly string[]): string {
  const { sections } = parseSections(md)
  const out = sections.map((s) => (s.suite && replace.has(s.suite) ? { suite: s.suite, lines: replace.get(s.suite)! } : s))
  for (const suite of order) if (replace.has(suite) && !out.some((s) => s.suite === suite)) out.push({ suite, lines: replace.get(suite)! })
  const body = out.flatMap((s) => (s.suite ? [open(s.suite), ...s.lines, close(s.suite), ''] : [...s.lines, '']))
  return [...HEADER, ...body].join('\n')
}

/** Writes the sections of the suites this run ran into `file`, keeping every other section. */
export function writeBenchmarksMd(r: BenchResults, suites: readonly string[], order: readonly string[], file: string): void {
  const replace = new Map<string, string[]>()
  for (const s of suites) {
    const lines = renderSection(r, s)
    if (lines) replace.set(s, lines)
  }
  fs.writeFileSync(file, replaceSections(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '', replace, order))
}
