// Every error Upkeep raises on purpose is an UpkeepError with a stable `code`, one subclass per
// edge. The code alone decides the CLI exit status and the GraphQL error code (CODES below, the
// one mapping); nothing is recognised by its message. Third-party errors become ours in one
// adapter per library (ClickHouse and chDB: src/warehouse/client.ts; Postgres, openreader and graphql-js
// errors in GraphQL answers: src/api/errors.ts).

export type ErrorCode =
  | 'USAGE'
  | 'BAD_INPUT'
  | 'CONFIG'
  | 'KEY'
  | 'MANIFEST'
  | 'RPC'
  | 'POSTGRES'
  | 'CLICKHOUSE'
  | 'CLICKHOUSE_SCHEMA'
  | 'CHDB_LOCKED'
  | 'QUERY_TIMEOUT'
  | 'INDEX_STATE'
  | 'WORKLOAD_TX'
  | 'NODE_REQUEST'
  | 'ASSUMPTION'
  | 'DATA_FORMAT'

interface CodeMapping {
  /** the CLI's exit status */
  exit: number
  /** extensions.code of a GraphQL error */
  graphql: string
}

/** Exit statuses: 1 a failure while running, 2 a malformed command or input, 3 a wrong setting, 4 a service that cannot be reached or refused, 5 embedded chDB held by another process. */
export const CODES: Record<ErrorCode, CodeMapping> = {
  USAGE: { exit: 2, graphql: 'BAD_USER_INPUT' },
  BAD_INPUT: { exit: 2, graphql: 'BAD_USER_INPUT' },
  CONFIG: { exit: 3, graphql: 'INTERNAL_SERVER_ERROR' },
  KEY: { exit: 3, graphql: 'INTERNAL_SERVER_ERROR' },
  MANIFEST: { exit: 3, graphql: 'INTERNAL_SERVER_ERROR' },
  RPC: { exit: 4, graphql: 'INTERNAL_SERVER_ERROR' },
  POSTGRES: { exit: 4, graphql: 'INTERNAL_SERVER_ERROR' },
  CLICKHOUSE: { exit: 4, graphql: 'INTERNAL_SERVER_ERROR' },
  CLICKHOUSE_SCHEMA: { exit: 3, graphql: 'INTERNAL_SERVER_ERROR' },
  CHDB_LOCKED: { exit: 5, graphql: 'INTERNAL_SERVER_ERROR' },
  QUERY_TIMEOUT: { exit: 1, graphql: 'QUERY_TIMEOUT' },
  INDEX_STATE: { exit: 1, graphql: 'INTERNAL_SERVER_ERROR' },
  WORKLOAD_TX: { exit: 1, graphql: 'INTERNAL_SERVER_ERROR' },
  NODE_REQUEST: { exit: 2, graphql: 'BAD_USER_INPUT' },
  ASSUMPTION: { exit: 2, graphql: 'BAD_ASSUMPTION' },
  DATA_FORMAT: { exit: 3, graphql: 'INTERNAL_SERVER_ERROR' },
}

export abstract class UpkeepError extends Error {
  abstract readonly code: ErrorCode
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A command called wrongly (a bad option or argument). */
export class UsageError extends UpkeepError {
  readonly code = 'USAGE'
}

/** Malformed input to a public entry point: a request, a query argument, a value out of range. */
export class InputError extends UpkeepError {
  readonly code = 'BAD_INPUT'
}

/** A setting (environment variable, option default, manifest override) with a wrong value. */
export class ConfigError extends UpkeepError {
  readonly code = 'CONFIG'
}

/** A key or keystore that is missing, unreadable or refused on this chain. */
export class KeyError extends UpkeepError {
  readonly code = 'KEY'
}

/** A deployment manifest that is missing or malformed. */
export class ManifestError extends UpkeepError {
  readonly code = 'MANIFEST'
}

/** A JSON-RPC endpoint that failed, timed out or answered with an error (`rpcCode` when it gave one). */
export class RpcError extends UpkeepError {
  readonly code = 'RPC'
  constructor(
    message: string,
    readonly rpcCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** A data directory or database written by another version of Upkeep that this one cannot read. */
export class DataFormatError extends UpkeepError {
  readonly code = 'DATA_FORMAT'
}

/** Postgres cannot be reached or refused (`sqlState` when the server gave one). */
export class PostgresError extends UpkeepError {
  readonly code = 'POSTGRES'
  constructor(
    message: string,
    readonly sqlState?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** ClickHouse (server or chDB) failed; `serverCode` is the server's numeric error code when it gave one. */
export class ClickHouseError extends UpkeepError {
  readonly code: ErrorCode = 'CLICKHOUSE'
  constructor(
    message: string,
    readonly serverCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** ClickHouse's error codes that the code acts on (ClickHouse's src/Common/ErrorCodes.cpp). */
export const CLICKHOUSE_CODES = { TIMEOUT_EXCEEDED: 159 } as const

/** Embedded chDB's data directory is locked by another process. */
export class ChdbLockedError extends ClickHouseError {
  override readonly code = 'CHDB_LOCKED'
}

/** A ClickHouse table that does not match the catalog, or a landed migration that changed. */
export class WarehouseSchemaError extends UpkeepError {
  readonly code = 'CLICKHOUSE_SCHEMA'
}

/** A cost-assumptions file or argument that is malformed: a missing or unknown field, a negative cost, a bad date. */
export class AssumptionError extends UpkeepError {
  readonly code = 'ASSUMPTION'
}

/** A query that ran past its time budget and was stopped. */
export class QueryTimeoutError extends UpkeepError {
  readonly code = 'QUERY_TIMEOUT'
}

/** The indexed state contradicts the chain's events (a bug or a corrupted index). */
export class IndexStateError extends UpkeepError {
  readonly code = 'INDEX_STATE'
}

/** A workload transaction that reverted or could not be sent. */
export class WorkloadTxError extends UpkeepError {
  readonly code = 'WORKLOAD_TX'
}

export function isUpkeepError(e: unknown): e is UpkeepError {
  return e instanceof UpkeepError
}

/** The CLI exit status for an error: its code's, or 1 for anything unexpected. */
export function exitCodeOf(e: unknown): number {
  return isUpkeepError(e) ? CODES[e.code].exit : 1
}

/** The GraphQL extensions.code for an error: its code's, or INTERNAL_SERVER_ERROR. */
export function graphqlCodeOf(e: unknown): string {
  if (e instanceof ClickHouseError && e.serverCode === CLICKHOUSE_CODES.TIMEOUT_EXCEEDED) return 'QUERY_TIMEOUT'
  return isUpkeepError(e) ? CODES[e.code].graphql : 'INTERNAL_SERVER_ERROR'
}
