// What a replay compares against: the indexed record in Postgres (built from the chain by the
// indexer, independently of the node).
import pg from 'pg'

export interface IndexedInference {
  requestId: bigint
  seq: bigint
  modelId: string
  payer: string
  units: bigint
  fee: bigint
  creatorShare: bigint
  contributorsShare: bigint
  infraShare: bigint
  treasuryShare: bigint
  burnShare: bigint
  policyVersion: number
  blockNumber: number
  logIndex: number
  timestamp: Date
  txHash: string
}

export interface PolicyVersion {
  version: number
  creatorBps: number
  contributorsBps: number
  infraBps: number
  treasuryBps: number
  burnBps: number
  blockNumber: number
  /** position of its FeePolicySet log in the block (null: indexed before this was recorded) */
  logIndex: number | null
  activeUntilBlock: number | null
}

export interface PricePoint {
  modelId: string
  price: bigint
  blockNumber: number
  timestamp: Date
}

export interface EpochPayouts {
  modelId: string
  epoch: bigint
  pool: bigint
  txHash: string
  payouts: { datanetId: string; contributor: string; weight: number; amount: bigint }[]
}

export interface IndexSnapshot {
  operatorAccount: string | null
  inferences: IndexedInference[]
  policies: PolicyVersion[]
  prices: PricePoint[]
  adapters: { modelId: string; version: number; adapterHash: string; blockNumber: number }[]
  modelDatanets: Map<string, string[]>
  contributions: { id: string; datanetId: string; contributor: string; contentHash: string; blockNumber: number }[]
  epochs: EpochPayouts[]
}

export async function readIndex(dbUrl: string, operatorId: number): Promise<IndexSnapshot> {
  const c = new pg.Client({ connectionString: dbUrl })
  await c.connect()
  try {
    const op = await c.query<{ account_id: string }>('select account_id from operator where id = $1', [String(operatorId)])
    const inf = await c.query(
      `select id, seq::text, model_id, payer_id, units::text, fee::text, creator_share::text, contributors_share::text, infra_share::text,
              treasury_share::text, burn_share::text, policy_version, block_number, log_index, timestamp, tx_hash
       from inference where operator_id = $1 order by seq`,
      [String(operatorId)],
    )
    const pol = await c.query('select version, creator_bps, contributors_bps, infra_bps, treasury_bps, burn_bps, block_number, log_index, active_until_block from fee_policy_version order by version')
    const prices = await c.query('select model_id, new_price::text as price, block_number, timestamp from model_price_change order by block_number, id')
    const adapters = await c.query('select model_id, version, adapter_hash, block_number from adapter_version order by model_id, version')
    const md = await c.query<{ model_id: string; datanet_id: string }>('select model_id, datanet_id from model_datanet order by model_id, datanet_id::int')
    const contributions = await c.query('select id, datanet_id, contributor_id, content_hash, block_number from contribution order by id::numeric')
    const epochs = await c.query(`select id, model_id, epoch::text, pool::text, tx_hash from attribution_epoch order by block_number, id`)
    const payouts = await c.query(`select epoch_id, datanet_id, contributor_id, weight, amount::text from attribution_payout order by id`)
    const modelDatanets = new Map<string, string[]>()
    for (const r of md.rows) modelDatanets.set(r.model_id, [...(modelDatanets.get(r.model_id) ?? []), r.datanet_id])
    const byEpoch = new Map<string, EpochPayouts['payouts']>()
    for (const p of payouts.rows) byEpoch.set(p.epoch_id, [...(byEpoch.get(p.epoch_id) ?? []), { datanetId: p.datanet_id, contributor: p.contributor_id, weight: p.weight, amount: BigInt(p.amount) }])
    return {
      operatorAccount: op.rows[0]?.account_id ?? null,
      inferences: inf.rows.map((r) => ({
        requestId: BigInt(r.id),
        seq: BigInt(r.seq),
        modelId: r.model_id,
        payer: r.payer_id,
        units: BigInt(r.units),
        fee: BigInt(r.fee),
        creatorShare: BigInt(r.creator_share),
        contributorsShare: BigInt(r.contributors_share),
        infraShare: BigInt(r.infra_share),
        treasuryShare: BigInt(r.treasury_share),
        burnShare: BigInt(r.burn_share),
        policyVersion: r.policy_version,
        blockNumber: r.block_number,
        logIndex: r.log_index,
        timestamp: r.timestamp,
        txHash: r.tx_hash,
      })),
      policies: pol.rows.map((r) => ({
        version: r.version,
        creatorBps: r.creator_bps,
        contributorsBps: r.contributors_bps,
        infraBps: r.infra_bps,
        treasuryBps: r.treasury_bps,
        burnBps: r.burn_bps,
        blockNumber: r.block_number,
        logIndex: r.log_index,
        activeUntilBlock: r.active_until_block,
      })),
      prices: prices.rows.map((r) => ({ modelId: r.model_id, price: BigInt(r.price), blockNumber: r.block_number, timestamp: r.timestamp })),
      adapters: adapters.rows.map((r) => ({ modelId: r.model_id, version: r.version, adapterHash: r.adapter_hash, blockNumber: r.block_number })),
      modelDatanets,
      contributions: contributions.rows.map((r) => ({ id: r.id, datanetId: r.datanet_id, contributor: r.contributor_id, contentHash: r.content_hash, blockNumber: r.block_number })),
      epochs: epochs.rows.map((r) => ({ modelId: r.model_id, epoch: BigInt(r.epoch), pool: BigInt(r.pool), txHash: r.tx_hash, payouts: byEpoch.get(r.id) ?? [] })),
    }
  } finally {
    await c.end()
  }
}
