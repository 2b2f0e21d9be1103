import { it } from 'vitest'
import { loadDevnet } from '../helpers/devnet'
import { rawEvents } from '../helpers/raw-events'
it('probe', async () => {
  const d = await loadDevnet()
  const ev = await rawEvents(d)
  const price = new Map<string, bigint>()
  let grace = 0, n = 0, rem = 0
  const prices = new Set<string>()
  for (const e of ev) {
    const a = e.args
    if (e.key === 'ModelRegistry.ModelRegistered') price.set(String(a.modelId), a.pricePerUnit as bigint)
    if (e.key === 'ModelRegistry.ModelPriceChanged') { price.set(String(a.modelId), a.newPrice as bigint); console.log('price change', e.block, e.t, String(a.modelId), a.oldPrice, a.newPrice) }
    if (e.key === 'FeePolicy.FeePolicySet') console.log('policy', e.block, new Date(e.t*1000).toISOString(), a)
    if (e.key === 'InferenceSettlement.InferenceSettled') {
      n++
      const p = (a.fee as bigint) / (a.units as bigint)
      prices.add(p.toString())
      if (p !== price.get(String(a.modelId))) grace++
      if (((a.fee as bigint) * 3500n) % 10000n !== 0n) rem++
    }
  }
  console.log({ n, grace, rem, prices: [...prices].slice(0, 20) })
  await d.stop()
}, 200000)
