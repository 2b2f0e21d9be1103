// GET /reports/YYYY-MM.md|.html|.csv: the governance report from the running service, byte for
// byte what `upkeep report --month YYYY-MM --format …` prints (the same builder and renderer over
// the same metrics), so a reviewer gets it while the service holds the embedded warehouse.
import type pg from 'pg'
import type { Metrics } from '../analytics'
import { buildReportData, monthRange, ReportError } from '../report/data'
import { renderReport, type ReportFormat } from '../report/render'

const TYPES: Record<ReportFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
}

export interface RouteAnswer {
  status: number
  body: string
  type: string
}

const problem = (status: number, message: string, code: string): RouteAnswer => ({
  status,
  body: JSON.stringify({ errors: [{ message, extensions: { code } }] }),
  type: 'application/json',
})

/** The /reports/… handler; identical reports asked while one is built share it. */
export function reportRoute(metrics: Metrics, pool: pg.Pool, dbUrl: string): (route: string) => Promise<RouteAnswer> {
  const running = new Map<string, Promise<string>>()
  return async (route) => {
    const m = /^\/reports\/([^/]+)\.([a-z]+)$/.exec(route)
    if (!m) return problem(404, `no route ${route}: ask for /reports/YYYY-MM.md, .html or .csv`, 'NOT_FOUND')
    const [, month, format] = m
    if (!(format in TYPES)) return problem(400, `report format must be md, html or csv, got "${format}"`, 'BAD_USER_INPUT')
    try {
      monthRange(month)
    } catch (e) {
      return problem(400, (e as Error).message.replace('--month', 'the month'), 'BAD_USER_INPUT')
    }
    const key = `${month}.${format}`
    let p = running.get(key)
    if (!p) {
      p = buildReportData(metrics, pool, month, { dbUrl }).then((d) => renderReport(d, format as ReportFormat))
      running.set(key, p)
      const done = () => running.delete(key)
      p.then(done, done)
    }
    try {
      return { status: 200, body: await p, type: TYPES[format as ReportFormat] }
    } catch (e) {
      // not indexed yet / not final yet: the month exists but cannot be reported now
      if (e instanceof ReportError) return problem(409, e.message, 'REPORT_NOT_READY')
      throw e
    }
  }
}
