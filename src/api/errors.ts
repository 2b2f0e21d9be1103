// The GraphQL error adapter: every error that reaches the answer gets its extensions.code here,
// once. Our errors carry their code (src/util/errors.ts); Postgres errors their SQLSTATE;
// openreader's response-size refusal is one shared error object, recognised by identity; graphql-js
// validation errors have no original error, and variable coercion errors no path.
import { GraphQLError } from 'graphql'
import { ClickHouseError, graphqlCodeOf, isUpkeepError, PostgresError } from '../util/errors'
import { RESPONSE_SIZE_LIMIT_ERROR } from '../squid/compat'

export function coded(message: string, code: string): GraphQLError {
  return new GraphQLError(message, undefined, undefined, undefined, undefined, undefined, { code })
}

/** A node-postgres error: the server's SQLSTATE in `code`, and a `severity`. */
function isPgError(e: unknown): e is Error & { code: string; severity: string } {
  const x = e as { code?: unknown; severity?: unknown }
  return e instanceof Error && typeof x.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code) && typeof x.severity === 'string'
}

export interface MaskOptions {
  maxResponseNodes: number
  sqlTimeoutMs: number
  /** called for errors that are bugs (answered as INTERNAL_SERVER_ERROR without details) */
  onInternal(e: unknown): void
}

/** The answer's form of any error a GraphQL request raised. */
export function maskError(error: unknown, fallbackMessage: string, o: MaskOptions): GraphQLError {
  // duck-typed: graphql can be loaded twice (ESM and CJS builds), so instanceof is unreliable
  const e = error as GraphQLError & { originalError?: unknown }
  const original = (e.originalError ?? e) as Error & { extensions?: { code?: string } }
  if (original === RESPONSE_SIZE_LIMIT_ERROR) {
    return coded(`the response might exceed ${o.maxResponseNodes} nodes: give every list a limit (lists of this entity have no known size) or page through the results`, 'RESPONSE_TOO_LARGE')
  }
  const err = isPgError(original) ? new PostgresError(original.message, original.code, { cause: original }) : original
  if (err instanceof PostgresError) {
    // 57014: statement cancelled by the timeout; class 22: a value the query cannot use (2201W/2201X: LIMIT/OFFSET below zero passed through variables)
    if (err.sqlState === '57014') return coded(`the query ran longer than ${o.sqlTimeoutMs} ms and was cancelled; ask for fewer rows or add filters`, 'QUERY_TIMEOUT')
    if (err.sqlState === '2201W' || err.sqlState === '2201X') return coded(`${err.message}: limit and offset must be 0 or more`, 'BAD_USER_INPUT')
    if (err.sqlState?.startsWith('22')) return coded(err.message, 'BAD_USER_INPUT')
  }
  if (err instanceof ClickHouseError && graphqlCodeOf(err) === 'QUERY_TIMEOUT') return coded('the analytics query exceeded the warehouse time limit; narrow the period', 'QUERY_TIMEOUT')
  if (isUpkeepError(err) && graphqlCodeOf(err) !== 'INTERNAL_SERVER_ERROR') return coded(err.message, graphqlCodeOf(err))
  const code = e.extensions?.code ?? original?.extensions?.code
  if (code) return coded(e.message, String(code))
  if (!e.originalError && typeof e.message === 'string') return coded(e.message, 'GRAPHQL_VALIDATION_FAILED')
  // a variable that does not coerce to its type fails before execution, so without a path
  if (e.path === undefined && e.originalError) return coded(e.message, 'BAD_USER_INPUT')
  o.onInternal(err)
  return coded(fallbackMessage, 'INTERNAL_SERVER_ERROR')
}
