// The dashboard reads only the GraphQL API. Amounts arrive as exact base-unit strings; they are
// turned into OPEN (to 0.001) only to place points on a chart.
/* global Chart */
'use strict'

const WAD_MILLI = 10n ** 15n
const open = (s) => Number(BigInt(s) / WAD_MILLI) / 1000
const fmt = (s) => open(s).toLocaleString('en-US', { maximumFractionDigits: 3 })

async function gql(query, variables) {
  const res = await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
  const body = await res.json()
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '))
  return body.data
}

function chart(id, config, points) {
  const canvas = document.getElementById(id)
  new Chart(canvas, { ...config, options: { animation: false, responsive: true, maintainAspectRatio: false, ...config.options } })
  canvas.dataset.points = String(points)
  canvas.parentElement.style.height = '300px'
}

async function main() {
  const head = await gql(`{ squidStatus { height } dailyNetworkStats(orderBy: id_DESC, limit: 1) { id } token { symbol decimals } }`)
  const last = head.dailyNetworkStats[0]
  if (!last) throw new Error('nothing indexed yet')
  const to = new Date(Date.parse(last.id + 'T00:00:00Z') + 86400000).toISOString()
  const from = '2025-09-01T00:00:00Z'
  document.getElementById('status').textContent = `indexed to block ${head.squidStatus.height}, through ${last.id} · amounts in ${head.token.symbol} (${head.token.decimals} decimals)`
  const d = await gql(
    `query($from: DateTime!, $to: DateTime!) {
      networkSustainability(from: $from, to: $to, interval: WEEK) {
        totals { fees revenue tokenIncentives earnings feeFundedShare takeRate vestingUnlocks }
        series { periodStart fees tokenIncentives rewardsEmissions stakingInterest feeFundedShare }
      }
      modelRevenue(from: $from, to: $to, limit: 10) { modelId fees }
      datanetRevenue(from: $from, to: $to, limit: 10) { datanetId name attributionPaid }
      contributorRetention(from: $from, to: $to) { cohort size rates }
      unlockOverhang(at: $to) { next30 next90 trailing30Fees next30ToFees }
      operatorMetrics(from: $from, to: $to) { operators { operatorId active inferences infraFees } concentration { hhi } registered removed }
      agentMetrics(from: $from, to: $to) { agentFees grossFees agentFeeShare agents activeAgents stakeAtRisk slashedToTreasury slashedBurned }
    }`,
    { from, to },
  )
  const s = d.networkSustainability
  const kpis = [
    ['fees', fmt(s.totals.fees)],
    ['revenue', fmt(s.totals.revenue)],
    ['token incentives', fmt(s.totals.tokenIncentives)],
    ['earnings', fmt(s.totals.earnings)],
    ['fee-funded share', s.totals.feeFundedShare ?? 'unknown'],
    ['take rate', s.totals.takeRate ?? 'unknown'],
  ]
  document.getElementById('kpis').innerHTML = kpis.map(([k, v]) => `<div class="kpi"><b>${v}</b><span>${k}</span></div>`).join('')
  const labels = s.series.map((p) => p.periodStart)
  chart(
    'feesVsIncentives',
    {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: 'fees (OPEN)', data: s.series.map((p) => open(p.fees)), borderColor: '#1a7f5a', pointRadius: 0 },
          { label: 'token incentives (OPEN)', data: s.series.map((p) => open(p.tokenIncentives)), borderColor: '#c0392b', pointRadius: 0 },
        ],
      },
      options: { scales: { y: { type: 'logarithmic' } } },
    },
    s.series.length * 2,
  )
  const cov = s.series.filter((p) => p.feeFundedShare !== null)
  chart(
    'coverage',
    { type: 'line', data: { labels: cov.map((p) => p.periodStart), datasets: [{ label: 'fee-funded share of maintainers\' income', data: cov.map((p) => Number(p.feeFundedShare)), borderColor: '#2c6fbb', pointRadius: 0 }] }, options: { scales: { y: { min: 0, max: 1 } } } },
    cov.length,
  )
  chart(
    'topModels',
    { type: 'bar', data: { labels: d.modelRevenue.map((m) => 'model ' + m.modelId), datasets: [{ label: 'fees (OPEN)', data: d.modelRevenue.map((m) => open(m.fees)), backgroundColor: '#1a7f5a' }] } },
    d.modelRevenue.length,
  )
  chart(
    'topDatanets',
    { type: 'bar', data: { labels: d.datanetRevenue.map((x) => x.name ?? x.datanetId), datasets: [{ label: 'attribution paid (OPEN)', data: d.datanetRevenue.map((x) => open(x.attributionPaid)), backgroundColor: '#8e44ad' }] } },
    d.datanetRevenue.length,
  )
  const cohorts = d.contributorRetention.filter((c) => c.size > 0).slice(0, 8)
  const maxLen = Math.max(0, ...cohorts.map((c) => c.rates.length))
  chart(
    'retention',
    {
      type: 'line',
      data: {
        labels: Array.from({ length: maxLen }, (_, k) => 'month +' + k),
        datasets: cohorts.map((c, i) => ({ label: `${c.cohort} (${c.size})`, data: c.rates.map(Number), borderColor: `hsl(${i * 45}, 60%, 45%)`, pointRadius: 0 })),
      },
      options: { scales: { y: { min: 0, max: 1 } } },
    },
    cohorts.reduce((a, c) => a + c.rates.length, 0),
  )
  const o = d.unlockOverhang
  chart(
    'overhang',
    {
      type: 'bar',
      data: { labels: ['unlocks next 30 d', 'unlocks next 90 d', 'fees trailing 30 d'], datasets: [{ label: 'OPEN', data: [open(o.next30), open(o.next90), open(o.trailing30Fees)], backgroundColor: ['#c0392b', '#e67e22', '#1a7f5a'] }] },
      options: { scales: { y: { type: 'logarithmic' } } },
    },
    3,
  )
  const ops = d.operatorMetrics
  chart(
    'operators',
    {
      type: 'bar',
      data: {
        labels: ops.operators.map((x) => `operator ${x.operatorId}${x.active ? '' : ' (removed)'}`),
        datasets: [{ label: 'infrastructure share (OPEN)', data: ops.operators.map((x) => open(x.infraFees)), backgroundColor: ops.operators.map((x) => (x.active ? '#2c6fbb' : '#95a5a6')) }],
      },
    },
    ops.operators.length,
  )
  document.getElementById('operatorsNote').textContent = `HHI ${ops.concentration.hhi ?? 'n/a'} · ${ops.registered} registered, ${ops.removed} removed in the period`
  const ag = d.agentMetrics
  chart(
    'agents',
    {
      type: 'bar',
      data: {
        labels: ['fees paid by agents', 'fees paid by others', 'stake at risk', 'slashed to treasury', 'slashed and burned'],
        datasets: [
          {
            label: 'OPEN',
            data: [open(ag.agentFees), open(String(BigInt(ag.grossFees) - BigInt(ag.agentFees))), open(ag.stakeAtRisk), open(ag.slashedToTreasury), open(ag.slashedBurned)],
            backgroundColor: ['#1a7f5a', '#7fb8a4', '#2c6fbb', '#e67e22', '#c0392b'],
          },
        ],
      },
      options: { scales: { y: { type: 'logarithmic' } } },
    },
    5,
  )
  document.getElementById('agentsNote').textContent = `agent share of fees ${ag.agentFeeShare ?? 'n/a'} · ${ag.activeAgents} of ${ag.agents} agents active`
  document.body.dataset.ready = '1'
}

main().catch((e) => {
  document.getElementById('error').textContent = 'Could not load the dashboard: ' + e.message
  document.body.dataset.ready = 'error'
})
