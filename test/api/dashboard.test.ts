// A real browser opens /dashboard: every chart is drawn with data points taken from the
// GraphQL API, and a screenshot is kept in test-results/. The period and interval pickers drive
// every chart: after choosing them, the charts hold the values the API returns for that choice.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { indexedApi, type IndexedApi } from '../helpers/api'
import { launchChromium } from '../helpers/browser'

let t: IndexedApi
let chromium: Awaited<ReturnType<typeof launchChromium>>

beforeAll(async () => {
  t = await indexedApi()
  chromium = await launchChromium()
}, 180_000)

afterAll(async () => {
  await chromium?.close()
  await t?.close()
})

describe('dashboard', () => {
  it('draws every chart with data from the API', async () => {
    const page = await chromium.context.newPage()
    const graphqlCalls: string[] = []
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql')) graphqlCalls.push(r.postData() ?? '')
    })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${t.api.url}/dashboard`)
    await page.waitForSelector('body[data-ready]', { timeout: 60_000 })
    expect(await page.getAttribute('body', 'data-ready')).toBe('1')
    expect(errors).toEqual([])
    // retention is a cohort heatmap: one shaded cell per cohort and month since
    const cells = await page.$$eval('#retention td.cell', (els) => els.length)
    expect(cells).toBeGreaterThan(0)
    expect(Number(await page.getAttribute('#retention', 'data-points'))).toBe(cells)
    // every chart names the query behind it
    expect(await page.$$eval('section p.query', (els) => els.length)).toBe(9)
    for (const id of ['feesVsIncentives', 'coverage', 'topModels', 'topDatanets', 'overhang', 'operators', 'agents']) {
      const points = Number(await page.getAttribute(`#${id}`, 'data-points'))
      expect(points, id).toBeGreaterThan(0)
      // the canvas has been painted: it holds non-blank pixels
      const painted = await page.$eval(`#${id}`, (c) => {
        const canvas = c as HTMLCanvasElement
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
        let n = 0
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++
        return n
      })
      expect(painted, id).toBeGreaterThan(500)
    }
    const kpis = await page.$$eval('#kpis .kpi', (els) => els.map((e) => e.textContent))
    expect(kpis.length).toBe(6)
    // amounts rounded to cents for reading, the exact value on hover
    const fees = await page.$eval('#kpis .kpi b', (b) => ({ text: b.textContent, title: b.getAttribute('title') }))
    expect(fees.text).toMatch(/^[\d,]+\.\d{2}$/)
    expect(fees.title).toMatch(/^[\d,]+\.\d+ OPEN \(exact\)$/)
    expect(graphqlCalls.some((c) => c.includes('networkSustainability'))).toBe(true)
    // one bar per operator that served inferences, as the API reports them
    const served = await t.gql<{ operators: { id: string }[] }>(`{ operators(where: { inferenceCount_gt: 0 }) { id } }`)
    expect(Number(await page.getAttribute('#operators', 'data-points'))).toBe(served.data!.operators.length)
    expect(await page.textContent('#agentsNote')).toMatch(/^agent share of fees 0\.\d{6} · \d+ of \d+ agents active$/)
    const out = path.resolve(__dirname, '..', '..', 'test-results', 'dashboard.png')
    fs.mkdirSync(path.dirname(out), { recursive: true })
    await page.screenshot({ path: out, fullPage: true })
    expect(fs.statSync(out).size).toBeGreaterThan(20_000)
  }, 120_000)

  it('the period and interval pickers drive every chart to the values the API returns', async () => {
    const page = await chromium.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(`${t.api.url}/dashboard`)
    await page.waitForSelector('body[data-rendered="1"]', { timeout: 60_000 })
    const values = async (id: string) => JSON.parse((await page.getAttribute(`#${id}`, 'data-values'))!) as string[]
    const labels = async (id: string) => JSON.parse((await page.getAttribute(`#${id}`, 'data-labels'))!) as string[]
    const before = { fees: await values('feesVsIncentives'), models: await values('topModels') }

    // October 2026, day by day
    await page.fill('#from', '2026-10-01')
    await page.fill('#to', '2026-11-01')
    await page.selectOption('#interval', 'DAY')
    await page.click('#apply')
    await page.waitForSelector('body[data-rendered="2"]', { timeout: 60_000 })
    expect(errors).toEqual([])
    expect(page.url()).toContain('?from=2026-10-01&to=2026-11-01&interval=DAY')
    type A = {
      networkSustainability: { series: { periodStart: string; fees: string; feeFundedShare: string | null }[]; totals: { fees: string } }
      modelRevenue: { modelId: string; fees: string }[]
      datanetRevenue: { attributionPaid: string }[]
      operatorMetrics: { operators: { infraFees: string }[] }
      contributorRetention: { cohort: string; size: number; rates: string[] }[]
    }
    const api = (
      await t.gql<A>(`{
        networkSustainability(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z", interval: DAY) { series { periodStart fees feeFundedShare } totals { fees } }
        modelRevenue(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 10) { modelId fees }
        datanetRevenue(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 10) { attributionPaid }
        operatorMetrics(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z") { operators { infraFees } }
        contributorRetention(from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z") { cohort size rates }
      }`)
    ).data!
    const s = api.networkSustainability.series
    expect(s.length).toBeGreaterThan(20)
    expect(await labels('feesVsIncentives')).toEqual(s.map((p) => p.periodStart))
    expect(await values('feesVsIncentives')).toEqual(s.map((p) => p.fees))
    expect(await values('coverage')).toEqual(s.filter((p) => p.feeFundedShare !== null).map((p) => p.feeFundedShare))
    expect(await values('topModels')).toEqual(api.modelRevenue.map((m) => m.fees))
    expect(await labels('topModels')).toEqual(api.modelRevenue.map((m) => `model ${m.modelId}`))
    expect(await values('topDatanets')).toEqual(api.datanetRevenue.map((d) => d.attributionPaid))
    expect(await values('operators')).toEqual(api.operatorMetrics.operators.map((o) => o.infraFees))
    const cells = await page.$$eval('#retention td.cell', (els) => els.map((e) => (e as HTMLElement).dataset.rate))
    expect(cells).toEqual(api.contributorRetention.filter((c) => c.size > 0).flatMap((c) => c.rates))
    // the headline is the month's, exact on hover
    const title = await page.getAttribute('#kpis .kpi b', 'data-exact')
    expect(title).toBe(api.networkSustainability.totals.fees)
    // and the charts did change from the whole-history weekly view
    expect(await values('feesVsIncentives')).not.toEqual(before.fees)
    expect(await values('topModels')).not.toEqual(before.models)

    // a period the wrong way round is refused on the page and changes nothing
    await page.fill('#from', '2026-11-01')
    await page.fill('#to', '2026-10-01')
    await page.click('#apply')
    expect(await page.textContent('#error')).toBe('"from" must be a day before "to"')
    expect(await page.getAttribute('body', 'data-rendered')).toBe('2')
    await page.close()
  }, 120_000)
})
