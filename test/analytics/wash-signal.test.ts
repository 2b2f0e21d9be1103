// The wash-trading signal (docs/METRICS.md, "After the hype") on the wash scenario chain, checked
// against an independent computation from raw chain logs (viem-decoded, test/helpers/raw-events)
// through SQL (the Metrics facade) and GraphQL: it flags the operator that funds its own payers and
// no honest operator, and the monthly report carries it as a risk flag.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asGraphQL as plain, indexedApi, type IndexedApi } from '../helpers/api'
import { loadScenario } from '../helpers/scenario'
import { rawEvents, type RawEvent } from '../helpers/raw-events'
import { frac } from '../helpers/fraction'
import { buildReportData } from '../../src/report/data'

/** the operator the wash scenario runs dishonestly: its 2nd workload operator, id 3 */
const WASH_OPERATOR_ID = '3'
const WHOLE = { from: new Date('2025-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') }

let wash: IndexedApi
let washEvents: RawEvent[]

beforeAll(async () => {
  wash = await indexedApi({ devnet: await loadScenario('wash') })
  washEvents = await rawEvents(wash.devnet)
}, 900_000)

afterAll(async () => {
  await wash?.close()
})

/** The documented signal, from raw logs: per operator, fees from payers its account (or a wallet only it funded) sent OPEN to before `to`. */
function expectedWash(events: RawEvent[], p: { from: Date; to: Date }, threshold: { n: bigint; d: bigint }) {
  const inP = (t: number) => t * 1000 >= p.from.getTime() && t * 1000 < p.to.getTime()
  const accountOf = new Map<string, string>()
  for (const e of events) if (e.key === 'InferenceSettlement.OperatorRegistered') accountOf.set(String(e.args.operatorId), String(e.args.account).toLowerCase())
  const transfers = events
    .filter((e) => e.key === 'OpenToken.Transfer' && e.t * 1000 < p.to.getTime())
    .map((e) => ({ from: String(e.args.from).toLowerCase(), to: String(e.args.to).toLowerCase() }))
  const sendersTo = new Map<string, Set<string>>()
  for (const t of transfers) sendersTo.set(t.to, (sendersTo.get(t.to) ?? new Set()).add(t.from))
  const funded = (acct: string) => {
    const direct = new Set(transfers.filter((t) => t.from === acct).map((t) => t.to))
    const wallets = [...direct].filter((w) => [...sendersTo.get(w)!].every((s) => s === acct))
    const out = new Set(direct)
    for (const t of transfers) if (wallets.includes(t.from)) out.add(t.to)
    return out
  }
  const fees = new Map<string, { fees: bigint; funded: bigint; payers: Set<string> }>()
  for (const e of events) {
    if (e.key !== 'InferenceSettlement.InferenceSettled' || !inP(e.t)) continue
    const op = String((e.args.requestId as bigint) >> 64n)
    const s = fees.get(op) ?? { fees: 0n, funded: 0n, payers: new Set<string>() }
    s.fees += e.args.fee as bigint
    const payer = String(e.args.payer).toLowerCase()
    if (funded(accountOf.get(op)!).has(payer)) {
      s.funded += e.args.fee as bigint
      s.payers.add(payer)
    }
    fees.set(op, s)
  }
  return [...accountOf.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([operatorId, account]) => {
      const s = fees.get(operatorId) ?? { fees: 0n, funded: 0n, payers: new Set() }
      return {
        operatorId,
        account,
        fees: String(s.fees),
        fundedFees: String(s.funded),
        fundedPayers: s.payers.size,
        signal: frac(s.funded, s.fees),
        flagged: s.fees > 0n && s.funded * threshold.d >= s.fees * threshold.n,
      }
    })
}

const WASH_Q = `query($from: DateTime!, $to: DateTime!, $threshold: String) {
  washTrading(from: $from, to: $to, threshold: $threshold) { from to threshold operators { operatorId account fees fundedFees fundedPayers signal flagged reason } } }`

describe('wash scenario: the wash-trading signal', () => {
  it('flags the operator that funds its own payers and no honest operator, as the raw logs say (GraphQL and SQL)', async () => {
    const want = expectedWash(washEvents, WHOLE, { n: 2n, d: 10n })
    const r = await wash.gql<{ washTrading: { threshold: string; operators: (ReturnType<typeof expectedWash>[number] & { reason: string })[] } }>(WASH_Q, {
      from: WHOLE.from.toISOString(),
      to: WHOLE.to.toISOString(),
    })
    expect(r.errors).toBeUndefined()
    const got = r.data!.washTrading
    expect(got.threshold).toBe('0.2')
    expect(got.operators.map(({ reason: _r, ...x }) => x)).toEqual(want)
    // the expectation itself: the wash operator well above the threshold, every other one at 0
    const flagged = want.filter((o) => o.flagged).map((o) => o.operatorId)
    expect(flagged).toEqual([WASH_OPERATOR_ID])
    const w = want.find((o) => o.operatorId === WASH_OPERATOR_ID)!
    expect(w.account).toBe(wash.devnet.manifest.accounts.operators[2].toLowerCase())
    expect(w.fundedPayers).toBeGreaterThanOrEqual(3)
    expect(Number(w.signal)).toBeGreaterThan(0.3)
    for (const o of want.filter((x) => x.operatorId !== WASH_OPERATOR_ID)) expect(o.fundedFees).toBe('0')
    expect(got.operators.find((o) => o.operatorId === WASH_OPERATOR_ID)!.reason).toMatch(/payer\(s\) funded by the operator's account or a wallet only it funded paid 0\.\d{6} of its inference fees/)
    // SQL: the metrics facade answers the same
    expect(plain(await wash.sqlMetrics().metrics.washTrading(WHOLE))).toEqual(plain({ ...got, from: WHOLE.from, to: WHOLE.to }))
  })

  it('a threshold above the wash share flags nobody; the fees are unchanged', async () => {
    const want = expectedWash(washEvents, WHOLE, { n: 95n, d: 100n })
    const r = await wash.gql<{ washTrading: { operators: { operatorId: string; flagged: boolean; fundedFees: string }[] } }>(WASH_Q, {
      from: WHOLE.from.toISOString(),
      to: WHOLE.to.toISOString(),
      threshold: '0.95',
    })
    expect(r.data!.washTrading.operators.map((o) => [o.operatorId, o.flagged, o.fundedFees])).toEqual(want.map((o) => [o.operatorId, o.flagged, o.fundedFees]))
    expect(want.some((o) => o.flagged)).toBe(false)
  })

  it('the monthly report flags the wash operator as a risk, and only it', async () => {
    const month = '2026-03'
    const { metrics, pool } = wash.sqlMetrics()
    const d = await buildReportData(metrics, pool, month, { dbUrl: wash.db.url })
    const want = expectedWash(washEvents, { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') }, { n: 2n, d: 10n })
    expect(want.filter((o) => o.flagged).map((o) => o.operatorId)).toEqual([WASH_OPERATOR_ID])
    const flags = d.risks.filter((x) => x.startsWith('wash trading:'))
    expect(flags).toHaveLength(1)
    expect(flags[0]).toContain(`operator ${WASH_OPERATOR_ID} (${wash.devnet.manifest.accounts.operators[2].toLowerCase()})`)
  })

  it('bad thresholds are BAD_USER_INPUT', async () => {
    for (const threshold of ['1.5', '-0.1', 'abc', '0', '']) {
      const r = await wash.gql(WASH_Q, { from: WHOLE.from.toISOString(), to: WHOLE.to.toISOString(), threshold })
      // washTrading is nullable (null with a reason on a partial network): refused, it is null beside the error
      expect(r.data?.washTrading ?? null, threshold).toBeNull()
      expect(r.errors?.[0]?.extensions?.code, threshold).toBe('BAD_USER_INPUT')
      expect(r.errors![0].message.split('\n')).toHaveLength(1)
    }
  })
})
