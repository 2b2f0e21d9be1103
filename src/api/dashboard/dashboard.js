// The dashboard reads only the GraphQL API, through the queries each chart names. The period
// (from / to) and interval pickers drive every chart; the choice is kept in the address
// (?from=YYYY-MM-DD&to=YYYY-MM-DD&interval=WEEK). Amounts arrive as exact base-unit strings: they
// are shown rounded to cents for reading, with the exact value on hover, and turned into floats
// only to place points on a chart.
/* global Chart */
'use strict'

const WAD = 10n ** 18n
const WAD_MILLI = 10n ** 15n
const DAY = 86400000
/** OPEN as a float, to 0.001: for placing points only */
const open = (s) => Number(BigInt(s) / WAD_MILLI) / 1000
/** exact OPEN: every decimal kept, trailing zeros trimmed */
function exact(s) {
  const v = BigInt(s)
  const a = v < 0n ? -v : v
  const frac = (a % WAD).toString().padStart(18, '0').replace(/0+$/, '')
  return `${v < 0n ? '-' : ''}${(a / WAD).toLocaleString('en-US')}${frac ? '.' + frac : ''}`
}
/** OPEN rounded half away from zero to cents, for reading */
function readable(s) {
  const v = BigInt(s)
  const a = v < 0n ? -v : v
  const cents = (a * 100n + WAD / 2n) / WAD
  return `${v < 0n && cents > 0n ? '-' : ''}${(cents / 100n).toLocaleString('en-US')}.${(cents % 100n).toString().padStart(2, '0')}`
}
/** an exact ratio string rounded to 3 places for reading */
const readableRatio = (r) => (r === null ? 'unknown' : Number(r).toFixed(3))
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The answer's data and, per query null on this network, the reason (the response's extensions.unknowns). */
async function gql(query, variables) {
  const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
  const body = await res.json()
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '))
  return { data: body.data, reasons: new Map((body.extensions?.unknowns ?? []).map((u) => [u.field, u.reason])) }
}

const charts = {}
/**
 * Draws (or redraws) a chart. `exactValues` are the API's strings behind the first dataset, kept on
 * the canvas (data-values) and shown on hover; `unit` says how to print them.
 */
function chart(id, config, points, exactValues, unit = 'OPEN') {
  const canvas = shown(id)
  charts[id]?.destroy()
  const hover = (ctx) => {
    const x = ctx.dataset.exact?.[ctx.dataIndex]
    if (x === undefined || x === null) return `${ctx.dataset.label}: ${ctx.formattedValue}`
    return `${ctx.dataset.label}: ${unit === 'OPEN' ? exact(x) + ' OPEN (exact)' : x + ' (exact)'}`
  }
  charts[id] = new Chart(canvas, {
    ...config,
    options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options, plugins: { tooltip: { callbacks: { label: hover } }, ...config.options?.plugins } },
  })
  canvas.dataset.points = String(points)
  canvas.dataset.values = JSON.stringify(exactValues)
  canvas.dataset.labels = JSON.stringify(config.data.labels)
  canvas.parentElement.style.height = '330px'
}

/** The panel's note saying why it is unknown (created on first use). */
function unknownNote(el) {
  let note = el.parentElement.querySelector('p.unknown')
  if (!note) {
    note = document.createElement('p')
    note.className = 'unknown'
    el.after(note)
  }
  return note
}

/** Shows a panel (canvas or heatmap) again after an unknown answer hid it. */
function shown(id) {
  const el = document.getElementById(id)
  el.hidden = false
  unknownNote(el).hidden = true
  return el
}

/** A panel whose query is null on this network: "unknown (<reason>)" in place of the chart, never a 0. */
function unknownPanel(id, reason) {
  const el = document.getElementById(id)
  charts[id]?.destroy()
  delete charts[id]
  el.hidden = true
  el.dataset.points = '0'
  el.dataset.values = '[]'
  el.dataset.labels = '[]'
  const note = unknownNote(el)
  note.hidden = false
  note.textContent = `unknown (${reason ?? 'no reason given'})`
}

const QUERY = `query($from: DateTime!, $to: DateTime!, $interval: Interval!) {
  networkSustainability(from: $from, to: $to, interval: $interval) {
    totals { fees revenue tokenIncentives earnings feeFundedShare takeRate vestingUnlocks }
    series { periodStart fees tokenIncentives rewardsEmissions stakingInterest feeFundedShare }
    unknowns { field reason }
  }
  modelRevenue(from: $from, to: $to, limit: 10) { modelId fees }
  datanetRevenue(from: $from, to: $to, limit: 10) { datanetId name attributionPaid }
  contributorRetention(from: $from, to: $to) { cohort size rates }
  unlockOverhang(at: $to) { next30 next90 trailing30Fees next30ToFees }
  operatorMetrics(from: $from, to: $to) { operators { operatorId active inferences infraFees } concentration { hhi } registered removed }
  agentMetrics(from: $from, to: $to) { agentFees grossFees agentFeeShare agents activeAgents stakeAtRisk slashedToTreasury slashedBurned }
}`

const INTERVAL_WORD = { DAY: 'daily', WEEK: 'weekly', MONTH: 'monthly' }
let renders = 0

async function render(period) {
  const { from, to, interval } = period
  const { data: d, reasons } = await gql(QUERY, { from: from + 'T00:00:00Z', to: to + 'T00:00:00Z', interval })
  document.getElementById('error').textContent = ''
  for (const el of document.querySelectorAll('.interval')) el.textContent = INTERVAL_WORD[interval]
  const s = d.networkSustainability
  const unknown = new Map(s.unknowns.map((u) => [u.field.replace('totals.', ''), u.reason]))
  const amount = (k, field) => {
    const v = s.totals[field]
    if (v === null) return `<div class="kpi"><b title="${esc(unknown.get(field) ?? 'unknown')}">unknown</b><span>${k}</span></div>`
    return `<div class="kpi"><b title="${esc(exact(v))} OPEN (exact)" data-exact="${esc(v)}">${readable(v)}</b><span>${k}</span></div>`
  }
  const ratio = (k, field) => {
    const v = s.totals[field]
    const title = v === null ? unknown.get(field) ?? 'unknown' : `${v} (exact)`
    return `<div class="kpi"><b title="${esc(title)}">${readableRatio(v)}</b><span>${k}</span></div>`
  }
  document.getElementById('kpis').innerHTML = [
    amount('fees', 'fees'),
    amount('revenue', 'revenue'),
    amount('token incentives', 'tokenIncentives'),
    amount('earnings', 'earnings'),
    ratio('fee-funded share', 'feeFundedShare'),
    ratio('take rate', 'takeRate'),
  ].join('')
  const labels = s.series.map((p) => p.periodStart)
  // a series whose field is unknown on this network is left out; with none left, the panel says why
  const lines = [
    { field: 'fees', label: 'fees (OPEN)', borderColor: '#1a7f5a' },
    { field: 'tokenIncentives', label: 'token incentives (OPEN)', borderColor: '#c0392b' },
  ].filter((l) => !unknown.has(l.field))
  if (!lines.length) unknownPanel('feesVsIncentives', [...new Set(['fees', 'tokenIncentives'].map((f) => unknown.get(f)))].join('; '))
  else
    chart(
      'feesVsIncentives',
      {
        type: 'line',
        data: {
          labels,
          datasets: lines.map((l) => ({
            label: l.label,
            data: s.series.map((p) => (p[l.field] === null ? null : open(p[l.field]))),
            exact: s.series.map((p) => p[l.field]),
            borderColor: l.borderColor,
            pointRadius: 2,
          })),
        },
        options: { scales: { y: { type: 'logarithmic' } } },
      },
      s.series.length * lines.length,
      s.series.map((p) => p[lines[0].field]),
    )
  const cov = s.series.filter((p) => p.feeFundedShare !== null)
  if (unknown.has('feeFundedShare')) unknownPanel('coverage', unknown.get('feeFundedShare'))
  else
    chart(
      'coverage',
      {
        type: 'line',
        data: {
          labels: cov.map((p) => p.periodStart),
          datasets: [{ label: "fee-funded share of maintainers' income", data: cov.map((p) => Number(p.feeFundedShare)), exact: cov.map((p) => p.feeFundedShare), borderColor: '#2c6fbb', pointRadius: 2 }],
        },
        options: { scales: { y: { min: 0, max: 1 } } },
      },
      cov.length,
      cov.map((p) => p.feeFundedShare),
      'ratio',
    )
  if (d.modelRevenue === null) unknownPanel('topModels', reasons.get('modelRevenue'))
  else
    chart(
      'topModels',
      { type: 'bar', data: { labels: d.modelRevenue.map((m) => 'model ' + m.modelId), datasets: [{ label: 'fees (OPEN)', data: d.modelRevenue.map((m) => open(m.fees)), exact: d.modelRevenue.map((m) => m.fees), backgroundColor: '#1a7f5a' }] } },
      d.modelRevenue.length,
      d.modelRevenue.map((m) => m.fees),
    )
  if (d.datanetRevenue === null) unknownPanel('topDatanets', reasons.get('datanetRevenue'))
  else
    chart(
      'topDatanets',
      {
        type: 'bar',
        data: {
          labels: d.datanetRevenue.map((x) => x.name ?? x.datanetId),
          datasets: [{ label: 'attribution paid (OPEN)', data: d.datanetRevenue.map((x) => open(x.attributionPaid)), exact: d.datanetRevenue.map((x) => x.attributionPaid), backgroundColor: '#8e44ad' }],
        },
      },
      d.datanetRevenue.length,
      d.datanetRevenue.map((x) => x.attributionPaid),
    )
  if (d.contributorRetention === null) unknownPanel('retention', reasons.get('contributorRetention'))
  else heatmap(d.contributorRetention.filter((c) => c.size > 0))
  const o = d.unlockOverhang
  const overhang = o && [o.next30, o.next90, o.trailing30Fees]
  if (o === null) unknownPanel('overhang', reasons.get('unlockOverhang'))
  else
    chart(
      'overhang',
      {
        type: 'bar',
        data: { labels: ['unlocks next 30 d', 'unlocks next 90 d', 'fees trailing 30 d'], datasets: [{ label: 'OPEN', data: overhang.map(open), exact: overhang, backgroundColor: ['#c0392b', '#e67e22', '#1a7f5a'] }] },
        options: { scales: { y: { type: 'logarithmic' } } },
      },
      3,
      overhang,
    )
  const ops = d.operatorMetrics
  if (ops === null) unknownPanel('operators', reasons.get('operatorMetrics'))
  else
    chart(
      'operators',
      {
        type: 'bar',
        data: {
          labels: ops.operators.map((x) => `operator ${x.operatorId}${x.active ? '' : ' (removed)'}`),
          datasets: [
            {
              label: 'infrastructure share (OPEN)',
              data: ops.operators.map((x) => open(x.infraFees)),
              exact: ops.operators.map((x) => x.infraFees),
              backgroundColor: ops.operators.map((x) => (x.active ? '#2c6fbb' : '#95a5a6')),
            },
          ],
        },
      },
      ops.operators.length,
      ops.operators.map((x) => x.infraFees),
    )
  document.getElementById('operatorsNote').textContent = ops && `HHI ${ops.concentration.hhi ?? 'n/a'} · ${ops.registered} registered, ${ops.removed} removed in the period`
  const ag = d.agentMetrics
  const agents = ag && [ag.agentFees, String(BigInt(ag.grossFees) - BigInt(ag.agentFees)), ag.stakeAtRisk, ag.slashedToTreasury, ag.slashedBurned]
  if (ag === null) unknownPanel('agents', reasons.get('agentMetrics'))
  else
    chart(
      'agents',
      {
        type: 'bar',
        data: {
          labels: ['fees paid by agents', 'fees paid by others', 'stake at risk', 'slashed to treasury', 'slashed and burned'],
          datasets: [{ label: 'OPEN', data: agents.map(open), exact: agents, backgroundColor: ['#1a7f5a', '#7fb8a4', '#2c6fbb', '#e67e22', '#c0392b'] }],
        },
        options: { scales: { y: { type: 'logarithmic' } } },
      },
      5,
      agents,
    )
  document.getElementById('agentsNote').textContent = ag && `agent share of fees ${ag.agentFeeShare ?? 'n/a'} · ${ag.activeAgents} of ${ag.agents} agents active`
  document.getElementById('status').dataset.period = `${from}/${to}/${interval}`
  document.body.dataset.rendered = String(++renders)
  document.body.dataset.ready = '1'
}

/** Retention as a cohort triangle: a row per cohort, a column per month since, shaded by the rate. */
function heatmap(cohorts) {
  const el = shown('retention')
  const width = Math.max(0, ...cohorts.map((c) => c.rates.length))
  const head = `<tr><th>cohort</th><th>size</th>${Array.from({ length: width }, (_, k) => `<th>+${k}</th>`).join('')}</tr>`
  const rows = cohorts.map(
    (c) =>
      `<tr><th>${esc(c.cohort)}</th><td>${c.size}</td>${Array.from({ length: width }, (_, k) => {
        const r = c.rates[k]
        if (r === undefined) return '<td></td>'
        const v = Number(r)
        return `<td class="cell" data-rate="${esc(r)}" title="${esc(c.cohort)} +${k} months: ${esc(r)} (exact)" style="background:hsl(210,65%,${Math.round(97 - v * 55)}%);color:${v > 0.6 ? '#fff' : '#1d2330'}">${Math.round(v * 100)}%</td>`
      }).join('')}</tr>`,
  )
  el.innerHTML = `<table class="heatmap">${head}${rows.join('')}</table>`
  el.dataset.points = String(cohorts.reduce((a, c) => a + c.rates.length, 0))
}

const isoDay = (t) => new Date(t).toISOString().slice(0, 10)

async function main() {
  const { data: head } = await gql(`{ squidStatus { height } dailyNetworkStats(orderBy: id_DESC, limit: 1) { id } token { symbol decimals } }`)
  if (head.squidStatus.height === null) throw new Error('nothing indexed yet')
  // the days come from settled inferences: a network without InferenceSettlement has none, so up to today
  const last = head.dailyNetworkStats[0]
  const through = last ? `, through ${last.id}` : ''
  document.getElementById('status').textContent = `indexed to block ${head.squidStatus.height}${through} · amounts in ${head.token.symbol} (${head.token.decimals} decimals)`
  const q = new URLSearchParams(location.search)
  const period = {
    from: q.get('from') ?? '2025-09-01',
    to: q.get('to') ?? isoDay((last ? Date.parse(last.id + 'T00:00:00Z') : Date.now()) + DAY),
    interval: q.get('interval') ?? 'WEEK',
  }
  const form = document.getElementById('controls')
  form.from.value = period.from
  form.to.value = period.to
  form.interval.value = period.interval
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const next = { from: form.from.value, to: form.to.value, interval: form.interval.value }
    if (!next.from || !next.to || !(next.from < next.to)) {
      document.getElementById('error').textContent = '"from" must be a day before "to"'
      return
    }
    history.replaceState(null, '', `?from=${next.from}&to=${next.to}&interval=${next.interval}`)
    render(next).catch(fail)
  })
  await render(period)
}

function fail(e) {
  document.getElementById('error').textContent = 'Could not load the dashboard: ' + e.message
  document.body.dataset.ready = 'error'
}

main().catch(fail)
