// A real browser opens /dashboard: every chart is drawn with data points taken from the
// GraphQL API, and a screenshot is kept in test-results/.
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
    for (const id of ['feesVsIncentives', 'coverage', 'topModels', 'topDatanets', 'retention', 'overhang', 'operators', 'agents']) {
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
})
