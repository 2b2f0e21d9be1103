// DatanetRegistry and ModelRegistry.
import * as M from '../../model'
import type { Args } from './args'
import type { EventContext, FoldState } from './state'

export async function onDatanetCreated(s: FoldState, ev: EventContext, a: Args<'DatanetRegistry.DatanetCreated'>): Promise<void> {
  const id = a.datanetId.toString()
  const owner = await s.account(a.owner, ev.blockNumber)
  await s.datanets.upsert(s.store, id, () =>
    new M.Datanet({ id, owner, name: a.name, metadataHash: a.metadataHash, createdAtBlock: ev.blockNumber, createdAt: ev.timestamp, closed: false, contributionCount: 0, contributorCount: 0 }),
  )
}

export async function onDatanetClosed(s: FoldState, ev: EventContext, a: Args<'DatanetRegistry.DatanetClosed'>): Promise<void> {
  const d = await s.datanets.must(s.store, a.datanetId.toString(), 'datanet')
  d.closed = true
  s.datanets.touch(d)
}

export async function onContribution(s: FoldState, ev: EventContext, a: Args<'DatanetRegistry.ContributionRecorded'>): Promise<void> {
  const datanet = await s.datanets.must(s.store, a.datanetId.toString(), 'datanet')
  const contributor = await s.account(a.contributor, ev.blockNumber)
  contributor.isContributor = true
  const dcId = `${datanet.id}-${contributor.id}`
  const dc = await s.datanetContributors.upsert(s.store, dcId, () => {
    datanet.contributorCount++
    return new M.DatanetContributor({ id: dcId, datanet, contributor, contributions: 0, firstBlock: ev.blockNumber, lastBlock: ev.blockNumber, lastAt: ev.timestamp })
  })
  dc.contributions++
  dc.lastBlock = ev.blockNumber
  dc.lastAt = ev.timestamp
  datanet.contributionCount++
  s.datanets.touch(datanet)
  s.rows.contributions.push(
    new M.Contribution({ id: a.contributionId.toString(), datanet, contributor, contentHash: a.contentHash, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
  )
  ;(await s.day(ev.timestamp)).contributions++
}

export async function onModelRegistered(s: FoldState, ev: EventContext, a: Args<'ModelRegistry.ModelRegistered'>): Promise<void> {
  const id = a.modelId.toString()
  const owner = await s.account(a.owner, ev.blockNumber)
  owner.isCreator = true
  const model = await s.models.upsert(s.store, id, () =>
    new M.Model({
      id,
      owner,
      baseModel: a.baseModel,
      adapterHash: a.adapterHash,
      adapterVersion: 1,
      pricePerUnit: a.pricePerUnit,
      deploymentFee: a.deploymentFee,
      registeredAtBlock: ev.blockNumber,
      registeredAt: ev.timestamp,
      retired: false,
      inferenceCount: 0,
      totalUnits: 0n,
      totalFees: 0n,
      creatorShare: 0n,
      contributorsShare: 0n,
      creatorPaid: 0n,
      attributionPaid: 0n,
    }),
  )
  for (const d of a.datanetIds) {
    const datanet = await s.datanets.must(s.store, d.toString(), 'datanet')
    s.rows.modelDatanets.push(new M.ModelDatanet({ id: `${id}-${datanet.id}`, model, datanet }))
  }
  s.rows.priceChanges.push(new M.ModelPriceChange({ id: ev.id, model, oldPrice: null, newPrice: a.pricePerUnit, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }))
  s.rows.adapters.push(new M.AdapterVersion({ id: `${id}-1`, model, version: 1, adapterHash: a.adapterHash, blockNumber: ev.blockNumber, timestamp: ev.timestamp }))
  const day = await s.day(ev.timestamp)
  day.modelsRegistered++
  day.deploymentFees += a.deploymentFee
}

export async function onPriceChanged(s: FoldState, ev: EventContext, a: Args<'ModelRegistry.ModelPriceChanged'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  model.pricePerUnit = a.newPrice
  s.models.touch(model)
  s.rows.priceChanges.push(new M.ModelPriceChange({ id: ev.id, model, oldPrice: a.oldPrice, newPrice: a.newPrice, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }))
}

export async function onAdapterUpdated(s: FoldState, ev: EventContext, a: Args<'ModelRegistry.AdapterUpdated'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  model.adapterVersion = a.version
  model.adapterHash = a.adapterHash
  s.models.touch(model)
  s.rows.adapters.push(new M.AdapterVersion({ id: `${model.id}-${a.version}`, model, version: a.version, adapterHash: a.adapterHash, blockNumber: ev.blockNumber, timestamp: ev.timestamp }))
}

export async function onAdapterCostDeclared(s: FoldState, ev: EventContext, a: Args<'ModelRegistry.AdapterCostDeclared'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  s.rows.adapterCosts.push(
    new M.AdapterCostDeclaration({ id: ev.id, model, adapterVersion: a.adapterVersion, microUsdPerMonth: a.microUsdPerMonth, blockNumber: ev.blockNumber, timestamp: ev.timestamp, txHash: ev.txHash }),
  )
}

export async function onModelRetired(s: FoldState, ev: EventContext, a: Args<'ModelRegistry.ModelRetired'>): Promise<void> {
  const model = await s.models.must(s.store, a.modelId.toString(), 'model')
  model.retired = true
  model.retiredAt = ev.timestamp
  model.retiredAtBlock = ev.blockNumber
  s.models.touch(model)
}
