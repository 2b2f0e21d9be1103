// The report in three formats from one ReportData: Markdown, CSV (one row per number) and HTML
// with SVG charts drawn by Vega-Lite (inline, readable offline).
import { basisRows, changeRows, deltas, EXACT, headline, READABLE, summary, type NumberFormat, type ReportData } from './data'
import { importEsm } from '../util/esm'
import { WHAT_IF_HEAD, whatIfRows } from './whatif'

export type ReportFormat = 'md' | 'html' | 'csv'

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

function sections(d: ReportData, f: NumberFormat): { title: string; head: string[]; rows: string[][] }[] {
  const open = f.amount
  return [
    { title: 'Month over month', head: ['metric', d.month, d.previous.month, 'change', 'relative change'], rows: deltas(d, f) },
    { title: 'Risk flags', head: ['flag'], rows: d.risks.length ? d.risks.map((r) => [r]) : [['none flagged']] },
    { title: 'Policy, price and operator changes', head: ['what', 'where', 'change'], rows: changeRows(d) },
    {
      title: 'Upkeep per model (serving compute, storage assumed, maintenance work)',
      head: ['model', 'fee income (OPEN)', 'serving cost (OPEN)', 'serving provenance', 'maintenance provenance', 'upkeep cost (OPEN)', 'margin (OPEN)', 'coverage', 'deployment fee payback (months)'],
      rows: d.upkeep.models.map((m) => [m.modelId, open(m.maintainerFeeIncome), open(m.servingCost), m.servingProvenance, m.maintenanceProvenance, open(m.upkeepCost), open(m.margin), f.ratio(m.maintenanceCoverage), m.paybackMonths ?? 'unknown']),
    },
    {
      title: 'Operators: infrastructure margin (their own serving cost)',
      head: ['operator', 'infrastructure fees (OPEN)', 'serving cost (OPEN)', 'serving provenance', 'margin (OPEN)'],
      rows: d.upkeep.operators.map((o) => [o.operatorId, open(o.infraFees), open(o.servingCost), o.servingProvenance, open(o.infraMargin)]),
    },
    { title: 'Governance what-ifs: the month replayed under another split or price (same units; docs/METRICS.md)', head: WHAT_IF_HEAD, rows: whatIfRows(d.whatIfs, f) },
    { title: 'Fee-funded share trend (monthly)', head: ['month', 'fees (OPEN)', 'token incentives (OPEN)', 'fee-funded share'], rows: d.trend.map((p) => [p.periodStart.slice(0, 7), open(p.fees), open(p.tokenIncentives), f.ratio(p.feeFundedShare)]) },
    { title: 'Top models by fees', head: ['model', 'owner', 'inferences', 'fees (OPEN)', 'attribution paid (OPEN)'], rows: d.models.map((m) => [m.modelId, m.owner ?? '?', String(m.inferences), open(m.fees), open(m.attributionPaid)]) },
    { title: 'Top datanets by attribution paid', head: ['datanet', 'name', 'attribution paid (OPEN)', 'contributors', 'contributions'], rows: d.datanets.map((x) => [x.datanetId, x.name ?? '?', open(x.attributionPaid), String(x.contributors), String(x.contributions)]) },
    { title: 'Decaying models (units in the last 30 days below half of the 30 before; retired models left out)', head: ['model', 'units last 30 d', 'units previous 30 d', 'change in units', 'fees last 30 d (OPEN)'], rows: d.decaying.map((m) => [m.modelId, String(m.unitsLast30), String(m.unitsPrev30), f.ratio(m.change), open(m.feesLast30)]) },
    { title: 'Contributor retention by monthly cohort', head: ['cohort', 'size', 'active in months 0, 1, 2, …'], rows: d.retention.map((c) => [c.cohort, String(c.size), c.active.join(' ')]) },
    { title: 'Operators', head: ['operator', 'inferences', 'fees (OPEN)', 'infrastructure share (OPEN)'], rows: d.operators.operators.map((o) => [o.operatorId, String(o.inferences), open(o.fees), open(o.infraFees)]) },
    {
      title: 'Agents',
      head: ['agent fees (OPEN)', 'agent share', 'stake at risk (OPEN)', 'slashed (OPEN)', 'to treasury', 'burned'],
      rows: [[open(d.agents.agentFees), f.ratio(d.agents.agentFeeShare), open(d.agents.stakeAtRisk), open(d.agents.slashed), open(d.agents.slashedToTreasury), open(d.agents.slashedBurned)]],
    },
  ]
}

export function renderMarkdown(d: ReportData): string {
  const f = READABLE
  const out = [
    `# OpenLedger maintenance-revenue report — ${d.month}`,
    '',
    `Period ${d.from.toISOString().slice(0, 10)} to ${d.to.toISOString().slice(0, 10)} (exclusive), UTC. Amounts in OPEN, rounded for reading (exact in the CSV and over GraphQL); "unknown" is a value that cannot be known, never 0. Definitions: docs/METRICS.md.`,
    '',
    '## Summary',
    '',
    ...summary(d, f).map((l) => `- ${l}`),
    '',
    '## Does usage pay for upkeep?',
    '',
    table(['metric', 'value'], headline(d, f).map(([k, v]) => [k.replace(/^ {2}/, '— '), v])),
  ]
  for (const s of sections(d, f)) out.push('', `## ${s.title}`, '', s.rows.length ? table(s.head, s.rows) : '_none_')
  out.push('', '## Computed from', '', table(['what', 'value'], basisRows(d)), '')
  return out.join('\n')
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function renderCsv(d: ReportData): string {
  const rows: string[][] = [['section', 'key', 'column', 'value']]
  const f = EXACT
  summary(d, f).forEach((l, i) => rows.push(['summary', String(i + 1), 'text', l]))
  for (const [k, v] of headline(d, f)) rows.push(['headline', k.trim(), 'value', v])
  for (const s of sections(d, f)) for (const r of s.rows) r.slice(1).forEach((v, i) => rows.push([s.title, r[0], s.head[i + 1], v]))
  for (const p of d.daily) rows.push(['daily', p.periodStart, 'fees (OPEN)', f.amount(p.fees)], ['daily', p.periodStart, 'token incentives (OPEN)', f.amount(p.tokenIncentives)])
  for (const [k, v] of basisRows(d)) rows.push(['computed from', k, 'value', v])
  return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n'
}

/** Base units to OPEN as a number, for chart geometry only (the tables keep exact values). */
const chartOpen = (a: bigint) => Number(a / 10n ** 12n) / 1e6

async function svg(spec: object): Promise<string> {
  // vega and vega-lite are ESM-only; their types resolve only under node16 module resolution
  const vega = await importEsm<{ View: new (runtime: unknown, opts: { renderer: string }) => { toSVG(): Promise<string>; finalize(): void }; parse(spec: unknown): unknown }>('vega')
  const vl = await importEsm<{ compile(spec: unknown): { spec: unknown } }>('vega-lite')
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', width: 470, height: 200, ...spec }).spec
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' })
  const out = await view.toSVG()
  view.finalize()
  return out
}

export async function renderHtml(d: ReportData): Promise<string> {
  const charts = [
    {
      title: 'Fee income vs token incentives (daily, OPEN)',
      svg: await svg({
        data: { values: d.daily.flatMap((p) => [{ day: p.periodStart, series: 'fees', v: chartOpen(p.fees) }, { day: p.periodStart, series: 'token incentives', v: chartOpen(p.tokenIncentives) }]) },
        mark: { type: 'line', point: true },
        encoding: { x: { field: 'day', type: 'temporal', title: null }, y: { field: 'v', type: 'quantitative', title: 'OPEN' }, color: { field: 'series', type: 'nominal' } },
      }),
    },
    {
      title: 'Fee-funded share of maintainers\' income, last six months (unknown months left out)',
      svg: await svg({
        data: { values: d.trend.filter((p) => p.feeFundedShare !== null).map((p) => ({ month: p.periodStart.slice(0, 7), ratio: Number(p.feeFundedShare) })) },
        mark: 'bar',
        encoding: { x: { field: 'month', type: 'ordinal', title: null }, y: { field: 'ratio', type: 'quantitative', scale: { domain: [0, 1] }, title: 'fee-funded share' } },
      }),
    },
    {
      title: 'Top models by fees (OPEN)',
      svg: await svg({
        data: { values: d.models.map((m) => ({ model: `model ${m.modelId}`, fees: chartOpen(m.fees) })) },
        mark: 'bar',
        encoding: { x: { field: 'model', type: 'nominal', sort: '-y', title: null }, y: { field: 'fees', type: 'quantitative', title: 'OPEN' } },
      }),
    },
    {
      title: 'Unlock overhang vs fees (OPEN, symmetric log scale)',
      svg: await svg({
        data: {
          values: [
            { what: 'unlocks next 30 d', v: chartOpen(d.overhang.next30) },
            { what: 'unlocks next 90 d', v: chartOpen(d.overhang.next90) },
            { what: 'fees trailing 30 d', v: chartOpen(d.overhang.trailing30Fees) },
          ],
        },
        mark: 'bar',
        encoding: { x: { field: 'what', type: 'nominal', title: null, sort: null }, y: { field: 'v', type: 'quantitative', scale: { type: 'symlog' }, title: 'OPEN' } },
      }),
    },
  ]
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const htmlTable = (head: string[], rows: string[][]) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Maintenance-revenue report ${d.month}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#1d2330;max-width:1200px}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccd;padding:4px 8px;font-size:13px;text-align:left}th{background:#f0f2f6}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}figure{margin:0;border:1px solid #e0e3ea;padding:8px;overflow-x:auto}figcaption{font-weight:600;font-size:14px;margin-bottom:4px}</style>
</head><body>
<h1>OpenLedger maintenance-revenue report — ${d.month}</h1>
<p>Period ${d.from.toISOString().slice(0, 10)} to ${d.to.toISOString().slice(0, 10)} (exclusive), UTC. Amounts in OPEN, rounded for reading (exact in the CSV and over GraphQL); "unknown" is never 0.</p>
<h2>Summary</h2>
<ul>${summary(d, READABLE).map((l) => `<li>${esc(l)}</li>`).join('')}</ul>
<div class="charts">${charts.map((c) => `<figure class="chart"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}</div>
<h2>Does usage pay for upkeep?</h2>
${htmlTable(['metric', 'value'], headline(d, READABLE))}
${sections(d, READABLE)
  .map((s) => `<h2>${esc(s.title)}</h2>${s.rows.length ? htmlTable(s.head, s.rows) : '<p><em>none</em></p>'}`)
  .join('\n')}
<h2>Computed from</h2>
${htmlTable(['what', 'value'], basisRows(d))}
</body></html>
`
}

export async function renderReport(d: ReportData, format: ReportFormat): Promise<string> {
  if (format === 'md') return renderMarkdown(d)
  if (format === 'csv') return renderCsv(d)
  return renderHtml(d)
}
