// Verification against the indexed record (`--source index`): the same facts as the chain source,
// read from Postgres, only what the verified operators' logs need (their receipts and batches;
// every epoch with its payouts; the registry). It carries no other operator's receipts, so epoch
// pools are reconciled with contributors' shares by the chain source only.
import pg from 'pg'
import { comparePositions, type Fact, type FactQuery, type FactSource } from './facts'

export class IndexSource implements FactSource {
  readonly name = 'index' as const
  readonly everyReceipt = false
  readonly wholeAnswer = true
  private client: pg.Client | undefined

  constructor(private readonly dbUrl: string) {}

  private async db(): Promise<pg.Client> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.dbUrl })
      await this.client.connect()
    }
    return this.client
  }

  async operators(): Promise<Map<string, number>> {
    const r = await (await this.db()).query<{ id: string; account_id: string }>('select id, account_id from operator')
    return new Map(r.rows.map((x) => [x.account_id.toLowerCase(), Number(x.id)]))
  }

  async *facts(q: FactQuery): AsyncGenerator<Fact[]> {
    const c = await this.db()
    const ops = q.operatorIds.map(String)
    const [pol, prices, adapters, models, contributions, receipts, batches, epochs] = await Promise.all([
      c.query('select version, creator_bps, contributors_bps, infra_bps, treasury_bps, burn_bps, block_number, log_index, active_until_block from fee_policy_version order by version'),
      c.query('select model_id, new_price::text as price, block_number, timestamp from model_price_change order by block_number, id'),
      c.query('select model_id, version, adapter_hash, block_number from adapter_version order by model_id, version'),
      c.query<{ model_id: string; datanets: string[]; block_number: number }>(
        'select m.id as model_id, m.registered_at_block as block_number, coalesce(array_agg(d.datanet_id order by d.datanet_id::numeric) filter (where d.datanet_id is not null), $1) as datanets from model m left join model_datanet d on d.model_id = m.id group by m.id',
        [[]],
      ),
      q.contributions ? c.query('select id, datanet_id, contributor_id, content_hash, block_number from contribution order by id::numeric') : { rows: [] },
      c.query({
        text: `select id, seq::text, model_id, payer_id, units::text, fee::text, creator_share::text, contributors_share::text, infra_share::text,
                treasury_share::text, burn_share::text, policy_version, block_number, log_index, timestamp, tx_hash
               from inference where operator_id = any($1) order by block_number, log_index`,
        values: [ops],
        rowMode: 'array',
      }),
      c.query('select operator_id, first_seq::text, count, usage_log_head, tx_hash, block_number from settlement_batch where operator_id = any($1) order by block_number', [ops]),
      // each epoch with its payouts as one text (in payout id order): one row per epoch instead of one per payout, a fraction of the client's parsing
      c.query({
        text: `select e.model_id, e.epoch::text, e.pool::text, e.tx_hash, e.block_number, e.timestamp,
                 (select string_agg(coalesce(p.datanet_id, '-') || ' ' || coalesce(p.contributor_id, '-') || ' ' || p.weight || ' ' || p.amount::text, ';' order by p.id)
                  from attribution_payout p where p.epoch_id = e.id) as payouts
               from attribution_epoch e order by e.block_number, e.id`,
        rowMode: 'array',
      }),
    ])
    const out: Fact[] = []
    for (const r of pol.rows) {
      out.push({ kind: 'policy', version: r.version, creatorBps: r.creator_bps, contributorsBps: r.contributors_bps, infraBps: r.infra_bps, treasuryBps: r.treasury_bps, burnBps: r.burn_bps, blockNumber: r.block_number, logIndex: r.log_index, activeUntilBlock: r.active_until_block })
    }
    for (const r of models.rows) out.push({ kind: 'model', modelId: r.model_id, datanets: r.datanets, blockNumber: r.block_number })
    // the index keeps no log position for a price change: it counts from the end of its block
    for (const r of prices.rows) out.push({ kind: 'price', modelId: r.model_id, price: BigInt(r.price), blockNumber: r.block_number, logIndex: null, time: r.timestamp.getTime() })
    for (const r of adapters.rows) out.push({ kind: 'adapter', modelId: r.model_id, version: r.version, adapterHash: r.adapter_hash, blockNumber: r.block_number })
    for (const r of contributions.rows) out.push({ kind: 'contribution', id: r.id, datanetId: r.datanet_id, contributor: r.contributor_id, contentHash: r.content_hash, blockNumber: r.block_number })
    for (const r of receipts.rows as unknown[][]) {
      out.push({
        kind: 'receipt',
        requestId: BigInt(r[0] as string),
        seq: BigInt(r[1] as string),
        modelId: r[2] as string,
        payer: r[3] as string,
        units: BigInt(r[4] as string),
        fee: BigInt(r[5] as string),
        creatorShare: BigInt(r[6] as string),
        contributorsShare: BigInt(r[7] as string),
        infraShare: BigInt(r[8] as string),
        treasuryShare: BigInt(r[9] as string),
        burnShare: BigInt(r[10] as string),
        policyVersion: r[11] as number,
        blockNumber: r[12] as number,
        logIndex: r[13] as number,
        timestamp: r[14] as Date,
        txHash: r[15] as string,
      })
    }
    for (const r of batches.rows) out.push({ kind: 'batch', operatorId: Number(r.operator_id), firstSeq: BigInt(r.first_seq), count: r.count, usageLogHead: r.usage_log_head, txHash: r.tx_hash, blockNumber: r.block_number, logIndex: null })
    for (const [modelId, epoch, pool, txHash, blockNumber, timestamp, paid] of epochs.rows as [string, string, string, string, number, Date, string | null][]) {
      const payouts = paid
        ? paid.split(';').map((x) => {
            const [datanetId, contributor, weight, amount] = x.split(' ')
            return { datanetId: datanetId === '-' ? (null as never) : datanetId, contributor: contributor === '-' ? (null as never) : contributor, weight: Number(weight), amount: BigInt(amount) }
          })
        : []
      out.push({ kind: 'epoch', modelId, epoch: BigInt(epoch), pool: BigInt(pool), txHash, blockNumber, logIndex: null, time: timestamp.getTime(), payouts })
    }
    // registry facts carry no log index: they come first in their block (a model is registered before it is served)
    const pos = (f: Fact) => ({ blockNumber: f.blockNumber, logIndex: 'logIndex' in f ? f.logIndex : -1 })
    out.sort((a, b) => comparePositions(pos(a), pos(b)))
    yield out
  }

  async close(): Promise<void> {
    await this.client?.end()
    this.client = undefined
  }
}
