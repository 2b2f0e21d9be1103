// What governance needs beside the money: the block range a period's figures come from, the
// month's changes (price changes, adapter updates), self-paid traffic (a payer using the model it
// owns: wash-traffic suspicion) and which models were maintained.
import { WHERE_PERIOD, type Sql } from './sql'
import type { Period, PeriodChanges } from './types'

const FACTS = ['inference', 'token_transfer', 'incentive_payment', 'stake_event', 'contribution', 'attribution_payout', 'vesting_release', 'model_price_change', 'adapter_version', 'settlement_batch']

/** The first and last block with an indexed event in the period (null when none). */
export async function blockRange(db: Sql, p: Period): Promise<{ from: number | null; to: number | null }> {
  const r = db.range(p)
  const [x] = await db.q(
    `SELECT toString(min(b)) AS lo, toString(max(b)) AS hi, count() AS n FROM (${FACTS.map((t) => `SELECT block_number AS b FROM ${db.t(t)} WHERE ${WHERE_PERIOD}`).join(' UNION ALL ')})`,
    r,
  )
  return Number(x?.n ?? 0) === 0 ? { from: null, to: null } : { from: Number(x.lo), to: Number(x.hi) }
}

/** Price changes and adapter updates of the period, self-paid fees, models maintained. */
export async function changes(db: Sql, p: Period): Promise<PeriodChanges> {
  const r = db.range(p)
  const [prices, adapters, payers] = await Promise.all([
    db.q(`SELECT model_id, toString(old_price) AS old, toString(new_price) AS new, block_number FROM ${db.t('model_price_change')} WHERE ${WHERE_PERIOD} AND old_price IS NOT NULL ORDER BY block_number, id`, r),
    db.q(`SELECT model_id, version, block_number FROM ${db.t('adapter_version')} WHERE ${WHERE_PERIOD} ORDER BY block_number, id`, r),
    db.q(`SELECT model_id, payer_id, toString(sum(fee)) AS fees FROM ${db.t('inference')} WHERE ${WHERE_PERIOD} GROUP BY model_id, payer_id`, r),
  ])
  const owners = await db.pg.query<{ id: string; owner_id: string }>('select id, owner_id from model')
  const owner = new Map(owners.rows.map((m) => [m.id, m.owner_id]))
  let selfPaid = 0n
  let fees = 0n
  for (const x of payers) {
    fees += BigInt(x.fees)
    if (owner.get(x.model_id) === x.payer_id) selfPaid += BigInt(x.fees)
  }
  return {
    priceChanges: prices.map((x) => ({ modelId: x.model_id, oldPrice: BigInt(x.old), newPrice: BigInt(x.new), block: Number(x.block_number) })),
    adapterUpdates: adapters.map((x) => ({ modelId: x.model_id, version: Number(x.version), block: Number(x.block_number) })),
    selfPaidFees: selfPaid,
    fees,
  }
}
