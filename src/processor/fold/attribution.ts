// AttributionSettlement: per-epoch payouts of a model's contributors' pool.
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'
import { IndexStateError } from '../../util/errors'

export async function onAttributionPaid(s: FoldState, ev: EventContext, a: Args<'AttributionSettlement.AttributionPaid'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  const contributor = await s.account(a.contributor, ev.blockNumber)
  const datanet = await s.datanets.must(s.store, a.datanetId.toString(), 'datanet')
  model.attributionPaid += a.amount
  s.models.touch(model)
  const row = new M.AttributionPayout({ id: ev.id, model, contributor, datanet, weight: a.weight, amount: a.amount, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash })
  const key = `${ev.txHash}:${model.id}:${a.epoch}`
  const pending = s.pendingAttribution.get(key)
  if (pending) pending.push(row)
  else s.pendingAttribution.set(key, [row])
  ;(await s.day(ev.timestamp)).attributionPaid += a.amount
}

export async function onEpochClosed(s: FoldState, ev: EventContext, a: Args<'AttributionSettlement.EpochClosed'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  const epoch = new M.AttributionEpoch({
    id: `${model.id}-${a.epoch}`,
    epoch: a.epoch,
    model,
    pool: a.pool,
    entries: a.entries,
    weightsHash: a.weightsHash,
    blockNumber: ev.blockNumber,
    timestamp: ev.timestamp,
    txHash: ev.txHash,
  })
  s.rows.epochs.push(epoch)
  const key = `${ev.txHash}:${model.id}:${a.epoch}`
  const payouts = s.pendingAttribution.get(key) ?? []
  s.pendingAttribution.delete(key)
  if (payouts.length !== a.entries) throw new IndexStateError(`epoch ${epoch.id} in tx ${ev.txHash} announces ${a.entries} payouts, the log holds ${payouts.length}`)
  for (const p of payouts) {
    p.epoch = epoch
    s.rows.attributionPayouts.push(p)
  }
}
