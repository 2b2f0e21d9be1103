// BENCHMARKS.md keeps every suite's latest section: a run replaces only its own suites' sections,
// each stamped with that run's date and commit, and keeps the others (and sections of files
// written before the markers) byte for byte.
import { describe, expect, it } from 'vitest'
import { parseSections, renderSection, replaceSections } from '../../src/bench/report'
import type { BenchResults } from '../../src/bench/run'

const ORDER = ['index', 'analytics', 'api', 'verify', 'node']

function run(date: string, commit: string, suites: Record<string, string>): BenchResults {
  const r: Record<string, unknown> = {
    machine: { cpus: 'Test CPU', cores: 2, memoryGiB: 8, node: 'v20.20.2', commit },
    date,
    seed: 7,
    chainKey: 'abcdef0123456789',
    chain: { blocks: 100, events: 1000 },
  }
  for (const [s, body] of Object.entries(suites)) r[s] = { markdown: [`## ${s} (\`npm run bench -- ${s}\`)`, '', body] }
  return r as unknown as BenchResults
}

function write(md: string, r: BenchResults, suites: string[]): string {
  const m = new Map<string, string[]>()
  for (const s of suites) m.set(s, renderSection(r, s)!)
  return replaceSections(md, m, ORDER)
}

const sectionOf = (md: string, suite: string) => parseSections(md).sections.find((s) => s.suite === suite)?.lines.join('\n')

describe('BENCHMARKS.md sections', () => {
  it('running one suite replaces only its section, with its own date and commit', () => {
    const first = write('', run('2026-11-01T00:00:00Z', 'aaaaaaa', { analytics: 'analytics v1', api: 'api v1', node: 'node v1' }), ['analytics', 'api', 'node'])
    const second = write(first, run('2026-11-20T00:00:00Z', 'bbbbbbb', { api: 'api v2' }), ['api'])
    expect(sectionOf(second, 'api')).toContain('api v2')
    expect(sectionOf(second, 'api')).toContain('Run 2026-11-20 at commit bbbbbbb')
    expect(sectionOf(second, 'api')).not.toContain('api v1')
    for (const s of ['analytics', 'node']) {
      expect(sectionOf(second, s)).toBe(sectionOf(first, s))
      expect(sectionOf(second, s)).toContain('Run 2026-11-01 at commit aaaaaaa')
    }
    expect(parseSections(second).sections.map((s) => s.suite)).toEqual(['analytics', 'api', 'node'])
    // a suite never run before is added, the rest unchanged
    const third = write(second, run('2026-11-25T00:00:00Z', 'ccccccc', { verify: 'verify v1' }), ['verify'])
    expect(parseSections(third).sections.map((s) => s.suite)).toEqual(['analytics', 'api', 'node', 'verify'])
    expect(sectionOf(third, 'api')).toBe(sectionOf(second, 'api'))
    // writing the same file again changes nothing
    expect(replaceSections(third, new Map(), ORDER)).toBe(third)
  })

  it('keeps the sections of a file written before the markers, and sections of no suite', () => {
    const old = [
      '# Benchmarks',
      '',
      'One run of `npm run bench` on X, commit 920ea4e, 2026-11-29.',
      '',
      '## Indexing (`npm run bench -- index`)',
      '',
      '| figure | value |',
      '| old index | 1 |',
      '',
      '## Analytics (`npm run bench -- analytics`)',
      '',
      'old analytics',
      '',
      '## Soak (`npm run soak`)',
      '',
      'soak figures',
      '',
    ].join('\n')
    const next = write(old, run('2026-12-01T00:00:00Z', 'ddddddd', { analytics: 'analytics new' }), ['analytics'])
    expect(sectionOf(next, 'index')).toBe(['## Indexing (`npm run bench -- index`)', '', '| figure | value |', '| old index | 1 |'].join('\n'))
    expect(sectionOf(next, 'analytics')).toContain('analytics new')
    expect(next).not.toContain('old analytics')
    expect(next).toContain('## Soak (`npm run soak`)\n\nsoak figures')
  })
})
