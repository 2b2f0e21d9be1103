// The catalog of event tables: the one list from which the fold's row buffers (FoldState.rows),
// their write order, the ClickHouse fact tables (DDL and column mapping, src/warehouse/facts.ts)
// and the Postgres -> ClickHouse sync are derived. test/indexer/catalog.test.ts holds it against
// schema.graphql. Adding an event type: its entity in schema.graphql (and the generated
// migration), one entry here, and its fold.
import * as M from '../model'

type Ctor<E = object> = new (props?: Partial<E>) => E

export interface EventTable<E = object> {
  entity: Ctor<E>
  /**
   * Mirrored into ClickHouse as a fact table (false: Postgres only). Columns are the entity's
   * fields (types from schema.graphql); `types` overrides a field's ClickHouse type.
   */
  warehouse: false | { types?: Record<string, string> }
}

const LOW = 'LowCardinality(String)'

function fact<E>(entity: Ctor<E>, types?: Partial<Record<keyof E & string, string>>): EventTable<E> {
  return { entity, warehouse: { types: types as Record<string, string> | undefined } }
}

function postgresOnly<E>(entity: Ctor<E>): EventTable<E> {
  return { entity, warehouse: false }
}

/** Every append-only table the fold writes, in write order: parents before children. */
export const EVENT_TABLES = {
  batches: fact(M.SettlementBatch),
  transfers: fact(M.TokenTransfer),
  burns: fact(M.Burn, { source: LOW }),
  contributions: fact(M.Contribution),
  modelDatanets: postgresOnly(M.ModelDatanet),
  priceChanges: fact(M.ModelPriceChange),
  adapters: fact(M.AdapterVersion),
  adapterCosts: fact(M.AdapterCostDeclaration),
  inferences: fact(M.Inference),
  servingCosts: fact(M.ServingCost),
  escrowMovements: fact(M.EscrowMovement, { kind: LOW }),
  creatorPayouts: fact(M.CreatorPayout),
  operatorPayouts: fact(M.OperatorPayout),
  epochs: fact(M.AttributionEpoch),
  attributionPayouts: fact(M.AttributionPayout),
  incentives: fact(M.IncentivePayment, { role: LOW, bucket: LOW }),
  bucketTransfers: fact(M.BucketTransfer, { bucket: LOW }),
  stakeEvents: fact(M.StakeEvent, { kind: LOW }),
  stakeAccruals: fact(M.StakeAccrual, { kind: LOW }),
  vestingReleases: fact(M.VestingRelease, { category: LOW }),
  agentStakeChanges: fact(M.AgentStakeChange, { kind: LOW }),
  slashes: fact(M.Slash, { reason: 'UInt8' }),
  roleChanges: postgresOnly(M.RoleChange),
  // native gas fees (network profiles with nativeFees): Postgres only for now
  feeBlocks: postgresOnly(M.NetworkFeeBlock),
  feeVaultWithdrawals: postgresOnly(M.FeeVaultWithdrawal),
  feeVaultBalances: postgresOnly(M.FeeVaultBalance),
  unknownLogs: postgresOnly(M.UnknownLog),
}

export type EventTables = typeof EVENT_TABLES
/** The fold's per-batch row buffers, one array per event table. */
export type EventRows = { [K in keyof EventTables]: EventTables[K] extends EventTable<infer E> ? E[] : never }

export function emptyRows(): EventRows {
  return Object.fromEntries(Object.keys(EVENT_TABLES).map((k) => [k, []])) as unknown as EventRows
}

/**
 * Daily network totals over settled inferences, defined once: the fold adds them into
 * DailyNetworkStats (Postgres) and the warehouse sums them into agg_daily (ClickHouse, whose
 * columns carry the same names), both from this list, so the two agree by construction.
 * `onlyIf`: a boolean field of the inference that must be true for it to count.
 */
export const INFERENCE_DAILY_SUMS = [
  { daily: 'units', field: 'units' },
  { daily: 'fees', field: 'fee' },
  { daily: 'creatorShare', field: 'creatorShare' },
  { daily: 'contributorsShare', field: 'contributorsShare' },
  { daily: 'infraShare', field: 'infraShare' },
  { daily: 'treasuryShare', field: 'treasuryShare' },
  { daily: 'burnShare', field: 'burnShare' },
  { daily: 'agentFees', field: 'fee', onlyIf: 'payerIsAgent' },
] as const satisfies readonly { daily: keyof M.DailyNetworkStats; field: keyof M.Inference; onlyIf?: keyof M.Inference }[]

/** Adds one settled inference to its day's totals (`inferences` counts them). */
export function addInferenceToDay(day: M.DailyNetworkStats, inf: M.Inference): void {
  day.inferences++
  for (const s of INFERENCE_DAILY_SUMS) {
    if ('onlyIf' in s && !inf[s.onlyIf]) continue
    day[s.daily] += inf[s.field]
  }
}
