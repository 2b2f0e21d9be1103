// Wash-trading signal per operator (docs/METRICS.md, "Wash trading"): the share of the fees an
// operator served in the period that were paid by payers the operator funded — payers that
// received OPEN (a Transfer, any time before the period's end) from the operator's account, or
// from a wallet of its own: an address whose every incoming OPEN came from the operator's account.
// A pool every payer deposits into (the settlement escrow) is funded by many, so it is never an
// operator's own wallet. Fees are compared exactly (integers); the threshold is a decimal string.
import { dec } from './assumptions'
import { ratio } from './exact'
import { WHERE_PERIOD, type Sql } from './sql'
import type { OperatorWashSignal, Period, WashTrading } from './types'
import { InputError } from '../util/errors'

export const WASH_THRESHOLD = '0.2'

const BEFORE_END = `timestamp < toDateTime64({to:String}, 3, 'UTC')`

/** The threshold as an exact fraction; an InputError unless it is a decimal in (0, 1]. */
export function washThreshold(threshold = WASH_THRESHOLD): ReturnType<typeof dec> {
  let t
  try {
    t = dec(threshold, 'threshold')
  } catch (e) {
    throw new InputError((e as Error).message)
  }
  if (t.n === 0n || t.n > t.d) throw new InputError(`threshold must be above 0 and at most 1, got "${threshold}"`)
  return t
}

export async function washTrading(db: Sql, p: Period, threshold = WASH_THRESHOLD): Promise<WashTrading> {
  const t = washThreshold(threshold)
  const r = db.range(p)
  const ops = (await db.pg.query<{ id: string; account_id: string }>('select id, account_id from operator order by id::numeric')).rows
  const accounts = ops.map((o) => o.account_id)
  const pairs = (sql: string, params: Record<string, unknown>) => db.q(sql, { ...r, ...params })
  // hop 1: whom each operator account sent OPEN
  const direct = accounts.length
    ? await pairs(`SELECT DISTINCT from_id AS src, to_id AS dst FROM ${db.t('token_transfer')} WHERE ${BEFORE_END} AND from_id IN {a:Array(String)}`, { a: accounts })
    : []
  // of those recipients, the ones funded by their operator alone: the operator's own wallets
  const recipients = [...new Set(direct.map((x) => x.dst))]
  const senders = recipients.length
    ? await pairs(`SELECT to_id AS dst, groupUniqArray(from_id) AS srcs FROM ${db.t('token_transfer')} WHERE ${BEFORE_END} AND to_id IN {a:Array(String)} GROUP BY to_id`, { a: recipients })
    : []
  const ownerOf = new Map<string, string>()
  for (const x of senders) {
    const srcs = x.srcs as unknown as string[]
    if (srcs.length === 1 && accounts.includes(srcs[0])) ownerOf.set(x.dst, srcs[0])
  }
  // hop 2: whom those wallets sent OPEN
  const viaWallet = ownerOf.size
    ? await pairs(`SELECT DISTINCT from_id AS src, to_id AS dst FROM ${db.t('token_transfer')} WHERE ${BEFORE_END} AND from_id IN {a:Array(String)}`, { a: [...ownerOf.keys()] })
    : []
  const funded = new Map<string, Set<string>>(accounts.map((a) => [a, new Set<string>()]))
  for (const x of direct) funded.get(x.src)!.add(x.dst)
  for (const x of viaWallet) funded.get(ownerOf.get(x.src)!)!.add(x.dst)

  const fees = await db.q(`SELECT operator_id, payer_id, toString(sum(fee)) AS fees FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY operator_id, payer_id`, r)
  const byOp = new Map<string, { fees: bigint; funded: bigint; payers: number }>()
  const accountOf = new Map(ops.map((o) => [o.id, o.account_id]))
  for (const x of fees) {
    const s = byOp.get(x.operator_id) ?? { fees: 0n, funded: 0n, payers: 0 }
    const f = BigInt(x.fees)
    s.fees += f
    const acct = accountOf.get(x.operator_id)
    if (acct && funded.get(acct)?.has(x.payer_id)) {
      s.funded += f
      s.payers++
    }
    byOp.set(x.operator_id, s)
  }
  const ids = [...new Set([...ops.map((o) => o.id), ...byOp.keys()])].sort((a, b) => Number(a) - Number(b))
  const operators: OperatorWashSignal[] = ids.map((id) => {
    const s = byOp.get(id) ?? { fees: 0n, funded: 0n, payers: 0 }
    const signal = ratio(s.funded, s.fees)
    // exact: funded / fees >= n / d
    const flagged = s.fees > 0n && s.funded * t.d >= s.fees * t.n
    const reason =
      s.fees === 0n
        ? 'no inference fees served in the period'
        : flagged
          ? `${s.payers} payer(s) funded by the operator's account or a wallet only it funded paid ${signal} of its inference fees (threshold ${t.text})`
          : s.funded === 0n
            ? 'no fees from payers the operator funded'
            : `${signal} of its inference fees came from ${s.payers} payer(s) it funded, below the threshold ${t.text}`
    return { operatorId: id, account: accountOf.get(id) ?? null, fees: s.fees, fundedFees: s.funded, fundedPayers: s.payers, signal, flagged, reason }
  })
  return { from: p.from, to: p.to, threshold: t.text, operators }
}
