// Adapters in memory: loaded just in time from the content store, kept least-recently-used
// within a byte budget, each with the contribution members its model's datanets had at its version.
import path from 'node:path'
import type { Hex } from 'viem'
import { BlobStore } from '../content/blobs'
import type { ContributionIndex, MemberSet } from './attribution'
import { decodeAdapter } from './model/adapter-codec'
import type { Adapter } from './model/network'
import type { ModelInfo, ProtocolView } from './protocol-view'
import { NodeRequestError } from './requests'

interface Loaded {
  adapter: Adapter
  members: MemberSet
  bytes: number
}

export class AdapterCache {
  private readonly blobs: BlobStore
  private readonly adapters = new Map<string, Loaded>() // LRU by insertion order
  private adapterBytes = 0

  constructor(
    contentDir: string,
    private readonly view: ProtocolView,
    private readonly index: () => ContributionIndex,
    private readonly budgetBytes: number,
  ) {
    this.blobs = new BlobStore(path.join(contentDir, 'adapters'))
  }

  /** The model's current adapter, loaded if needed (evicting the least recently used past the budget). */
  get(m: ModelInfo): Loaded & { version: number; hash: Hex } {
    const v = this.view.currentVersion(m)
    const key = `${m.id}@${v.version}`
    let l = this.adapters.get(key)
    if (l) {
      this.adapters.delete(key) // refresh LRU position
      this.adapters.set(key, l)
    } else {
      if (!this.blobs.has(v.adapterHash)) throw new NodeRequestError(503, 'ADAPTER_UNAVAILABLE', `model ${m.id} adapter ${v.adapterHash} is not in the content store`)
      const adapter = decodeAdapter(this.blobs.get(v.adapterHash))
      const members = this.index().members(m.datanets, v.blockNumber)
      const bytes = 8 * (adapter.A.length + adapter.B.length) + members.groups.reduce((a, g) => a + 4 * g.members.length + 64, 0)
      l = { adapter, members, bytes }
      this.adapters.set(key, l)
      this.adapterBytes += bytes
      for (const [k, old] of this.adapters) {
        if (this.adapterBytes <= this.budgetBytes || k === key) break
        this.adapters.delete(k)
        this.adapterBytes -= old.bytes
      }
    }
    return { ...l, version: v.version, hash: v.adapterHash }
  }

  /** Loaded adapters and their bytes (for the memory benchmark). */
  stats(): { loaded: number; bytes: number } {
    return { loaded: this.adapters.size, bytes: this.adapterBytes }
  }
}
