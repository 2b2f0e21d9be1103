// The one decode path: a raw log from a watched address -> a typed protocol event, using the
// squid-evm-typegen bindings generated from the compiled ABIs. Anything else is "unknown".
import * as OpenToken from '../abi/OpenToken'
import * as Staking from '../abi/Staking'
import * as TokenVesting from '../abi/TokenVesting'
import * as DatanetRegistry from '../abi/DatanetRegistry'
import * as ModelRegistry from '../abi/ModelRegistry'
import * as FeePolicy from '../abi/FeePolicy'
import * as InferenceSettlement from '../abi/InferenceSettlement'
import * as AttributionSettlement from '../abi/AttributionSettlement'
import * as RewardsDistributor from '../abi/RewardsDistributor'
import * as AgentRegistry from '../abi/AgentRegistry'
import type { ContractName } from '../chain/artifacts'

export const CONTRACT_EVENTS = {
  OpenToken: OpenToken.events,
  Staking: Staking.events,
  TokenVesting: TokenVesting.events,
  DatanetRegistry: DatanetRegistry.events,
  ModelRegistry: ModelRegistry.events,
  FeePolicy: FeePolicy.events,
  InferenceSettlement: InferenceSettlement.events,
  AttributionSettlement: AttributionSettlement.events,
  RewardsDistributor: RewardsDistributor.events,
  AgentRegistry: AgentRegistry.events,
} as const satisfies Record<ContractName, unknown>

type CE = typeof CONTRACT_EVENTS
/** Every protocol event as `{ key: 'Contract.Event', args }`, discriminated by key. */
export type ProtocolEvent = {
  [C in keyof CE]: {
    [E in keyof CE[C] & string]: CE[C][E] extends { decode(log: never): infer A } ? { key: `${C}.${E}`; contract: C; args: A } : never
  }[keyof CE[C] & string]
}[keyof CE]

export interface RawLog {
  address: string
  topics: string[]
  data: string
}

export type DecodeResult = { ok: true; event: ProtocolEvent } | { ok: false; reason: 'unknown' | 'malformed'; error?: string }

interface Decoder {
  key: string
  contract: ContractName
  decode(log: RawLog): unknown
}

export class EventDecoder {
  /** address (lowercase) -> topic0 -> decoder: two lookups per log, no key string built */
  private readonly byAddress = new Map<string, Map<string, Decoder>>()

  constructor(contracts: Partial<Record<ContractName, string>>) {
    for (const [contract, events] of Object.entries(CONTRACT_EVENTS) as [ContractName, Record<string, { topic: string; decode(l: RawLog): unknown }>][]) {
      const address = contracts[contract]?.toLowerCase()
      if (!address) continue // not on this network
      let byTopic = this.byAddress.get(address)
      if (!byTopic) this.byAddress.set(address, (byTopic = new Map()))
      for (const [name, ev] of Object.entries(events)) {
        byTopic.set(ev.topic, { key: `${contract}.${name}`, contract, decode: (l) => ev.decode(l) })
      }
    }
  }

  /** Never throws: a log that matches no event, or fails to decode, is reported, not raised. */
  decode(log: RawLog): DecodeResult {
    // the processor hands addresses in lowercase already; anything else is lowercased once
    const byTopic = this.byAddress.get(log.address) ?? this.byAddress.get(log.address.toLowerCase())
    const d = log.topics.length ? byTopic?.get(log.topics[0]) : undefined
    if (!d) return { ok: false, reason: 'unknown' }
    try {
      return { ok: true, event: { key: d.key, contract: d.contract, args: d.decode(log) } as ProtocolEvent }
    } catch (e) {
      return { ok: false, reason: 'malformed', error: (e as Error).message }
    }
  }
}
