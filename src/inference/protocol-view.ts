// The inference node's own view of the protocol, followed from chain logs (not from the
// indexer: validators check the node against the index, so the node must not depend on it).
import { createPublicClient, decodeEventLog, http, toEventSelector, toHex, type Abi, type AbiEvent, type Address, type Hex, type PublicClient } from 'viem'
import { artifact, type ContractName } from '../chain/artifacts'
import type { DeploymentManifest } from '../devnet/manifest'
import type { FeeSplitPolicy } from '../protocol/split'

export interface ModelVersion {
  version: number
  adapterHash: Hex
  blockNumber: number
}

export interface ModelInfo {
  id: bigint
  owner: Address
  price: bigint
  retired: boolean
  datanets: bigint[]
  versions: ModelVersion[]
  /** the block of the last price change (0: never changed): a receipt at the previous price needs an authorisation signed before it */
  priceChangedAtBlock: number
}

export interface ContributionInfo {
  contributionId: bigint
  datanetId: bigint
  contributor: Address
  contentHash: Hex
  blockNumber: number
}

const CHUNK = 2_000

const FOLLOWED: [ContractName, string][] = [
  ['ModelRegistry', 'ModelRegistered'],
  ['ModelRegistry', 'ModelPriceChanged'],
  ['ModelRegistry', 'AdapterUpdated'],
  ['ModelRegistry', 'ModelRetired'],
  ['DatanetRegistry', 'ContributionRecorded'],
  ['FeePolicy', 'FeePolicySet'],
  ['InferenceSettlement', 'EscrowDeposited'],
]
const FOLLOWED_TOPICS: Hex[] = FOLLOWED.map(([c, name]) => toEventSelector(artifact(c).abi.find((x) => x.type === 'event' && x.name === name) as AbiEvent))

export class ProtocolView {
  readonly client: PublicClient
  readonly models = new Map<string, ModelInfo>()
  readonly contributions: ContributionInfo[] = []
  readonly payerIds = new Map<string, number>()
  policy: FeeSplitPolicy | undefined
  syncedBlock: number
  private readonly abis: Map<string, Abi>
  private readonly listeners: ((c: ContributionInfo) => void)[] = []
  private timer: NodeJS.Timeout | undefined
  private syncing: Promise<void> | undefined

  constructor(readonly manifest: DeploymentManifest, rpcUrl: string = manifest.rpcUrl) {
    this.client = createPublicClient({ transport: http(rpcUrl, { batch: true, timeout: 30_000 }) }) as PublicClient
    this.syncedBlock = manifest.startBlock - 1
    const c = manifest.contracts
    this.abis = new Map([
      [c.ModelRegistry.toLowerCase(), artifact('ModelRegistry').abi],
      [c.DatanetRegistry.toLowerCase(), artifact('DatanetRegistry').abi],
      [c.FeePolicy.toLowerCase(), artifact('FeePolicy').abi],
      [c.InferenceSettlement.toLowerCase(), artifact('InferenceSettlement').abi],
    ])
  }

  onContribution(cb: (c: ContributionInfo) => void): void {
    this.listeners.push(cb)
  }

  /** Follows the chain until stop(): every `pollMs` the new logs are applied. */
  start(pollMs = 500): void {
    this.timer ??= setInterval(() => void this.sync().catch(() => {}), pollMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** Applies all logs up to the chain head (serialized: one sync at a time). */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => (this.syncing = undefined))
    return this.syncing
  }

  private async syncOnce(): Promise<void> {
    const head = Number(await this.client.getBlockNumber({ cacheTime: 0 }))
    for (let from = this.syncedBlock + 1; from <= head; from += CHUNK) {
      const to = Math.min(head, from + CHUNK - 1)
      // only the events applied below: the settlement traffic itself (millions of logs) is never fetched
      const logs = (await this.client.request({
        method: 'eth_getLogs',
        params: [{ address: [...this.abis.keys()] as Address[], topics: [FOLLOWED_TOPICS], fromBlock: toHex(from), toBlock: toHex(to) }],
      })) as { address: Address; data: Hex; topics: [Hex, ...Hex[]]; blockNumber: Hex }[]
      for (const log of logs) this.apply({ ...log, blockNumber: BigInt(log.blockNumber) })
      this.syncedBlock = to
    }
  }

  private apply(log: { address: Address; data: Hex; topics: [Hex, ...Hex[]]; blockNumber: bigint }): void {
    const abi = this.abis.get(log.address.toLowerCase())
    if (!abi) return
    let ev: { eventName: string; args: Record<string, unknown> }
    try {
      ev = decodeEventLog({ abi, data: log.data, topics: log.topics }) as never
    } catch {
      return // not an event we follow
    }
    const a = ev.args
    const block = Number(log.blockNumber)
    switch (ev.eventName) {
      case 'ModelRegistered': {
        const id = a.modelId as bigint
        this.models.set(String(id), {
          id,
          owner: a.owner as Address,
          price: a.pricePerUnit as bigint,
          retired: false,
          datanets: [...(a.datanetIds as bigint[])],
          versions: [{ version: 1, adapterHash: a.adapterHash as Hex, blockNumber: block }],
          priceChangedAtBlock: 0,
        })
        break
      }
      case 'ModelPriceChanged': {
        const m = this.models.get(String(a.modelId))
        if (m) {
          m.price = a.newPrice as bigint
          m.priceChangedAtBlock = block
        }
        break
      }
      case 'AdapterUpdated': {
        const m = this.models.get(String(a.modelId))
        if (m) m.versions.push({ version: Number(a.version), adapterHash: a.adapterHash as Hex, blockNumber: block })
        break
      }
      case 'ModelRetired': {
        const m = this.models.get(String(a.modelId))
        if (m) m.retired = true
        break
      }
      case 'ContributionRecorded': {
        const c = { contributionId: a.contributionId as bigint, datanetId: a.datanetId as bigint, contributor: a.contributor as Address, contentHash: a.contentHash as Hex, blockNumber: block }
        this.contributions.push(c)
        for (const l of this.listeners) l(c)
        break
      }
      case 'FeePolicySet':
        this.policy = {
          version: Number(a.version),
          creatorBps: Number(a.creatorBps),
          contributorsBps: Number(a.contributorsBps),
          infraBps: Number(a.infraBps),
          treasuryBps: Number(a.treasuryBps),
          burnBps: Number(a.burnBps),
        }
        break
      case 'EscrowDeposited':
        this.payerIds.set((a.payer as string).toLowerCase(), Number(a.payerId))
        break
    }
  }

  /** The payer's escrow balance now (one eth_call). */
  async escrowBalance(payer: string): Promise<bigint> {
    return (await this.client.readContract({
      address: this.manifest.contracts.InferenceSettlement,
      abi: artifact('InferenceSettlement').abi,
      functionName: 'balanceOfPayer',
      args: [payer as Address],
    })) as bigint
  }

  /** What `operatorId` has charged the payer in total, on chain (one eth_call). */
  async charged(payerId: number, operatorId: number): Promise<bigint> {
    return (await this.client.readContract({
      address: this.manifest.contracts.InferenceSettlement,
      abi: artifact('InferenceSettlement').abi,
      functionName: 'charged',
      args: [payerId, operatorId],
    })) as bigint
  }

  currentVersion(m: ModelInfo): ModelVersion {
    return m.versions[m.versions.length - 1]
  }
}
