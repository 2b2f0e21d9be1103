// Query limits. graphql-armor enforces depth, aliases, directives and cost; two small rules of
// ours add what it lacks: a cap on root fields and on literal page sizes. Openreader's response
// size limit catches large pages passed through variables. Every refusal carries a code and
// says what to change.
import { GraphQLError, Kind, type ASTVisitor, type ValidationContext } from 'graphql'
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor'
import { coded } from './errors'

export interface Limits {
  maxDepth: number
  maxAliases: number
  maxDirectives: number
  maxCost: number
  maxRootFields: number
  maxPageSize: number
  maxResponseNodes: number
  maxRequestBytes: number
  sqlTimeoutMs: number
  analyticsTimeoutMs: number
}

export const DEFAULT_LIMITS: Limits = {
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 20,
  maxCost: 20_000,
  maxRootFields: 20,
  maxPageSize: 1_000,
  maxResponseNodes: 1_000_000,
  maxRequestBytes: 256 * 1024,
  sqlTimeoutMs: 5_000,
  analyticsTimeoutMs: 5_000,
}

export { coded }

/** graphql-armor, with each refusal reported as a coded error (armor's own are uncoded). */
export function armor(l: Limits, production: boolean) {
  const report = (code: string, hint: string) => (ctx: ValidationContext | null, err: GraphQLError) => {
    ctx?.reportError(coded(`${err.message.replace(/^Syntax Error: /, '')} ${hint}`, code))
  }
  return EnvelopArmorPlugin({
    maxDepth: { n: l.maxDepth, propagateOnRejection: false, onReject: [report('QUERY_TOO_DEEP', 'Query fewer levels of nested fields.')] },
    maxAliases: { n: l.maxAliases, propagateOnRejection: false, onReject: [report('TOO_MANY_ALIASES', 'Split the query into several requests.')] },
    maxDirectives: { n: l.maxDirectives, propagateOnRejection: false, onReject: [report('TOO_MANY_DIRECTIVES', 'Use fewer directives.')] },
    costLimit: { maxCost: l.maxCost, propagateOnRejection: false, onReject: [report('QUERY_TOO_COSTLY', 'Ask for fewer fields or smaller pages.')] },
    // the token limit needs graphql 16's parser; the request size limit covers huge documents
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  } as never)
}

/** At most `max` fields at the root of an operation (aliases included). */
export function rootFieldLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const n = node.selectionSet.selections.filter((s) => !(s.kind === Kind.FIELD && s.name.value.startsWith('__'))).length
      if (n > max) context.reportError(coded(`The query asks for ${n} root fields; at most ${max} are allowed. Split it into several requests.`, 'TOO_MANY_ROOT_FIELDS'))
    },
  })
}

/** Literal `limit`/`first` arguments above the page size, and negative pages, are refused before anything runs. */
export function pageSizeLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => ({
    Argument(node) {
      const name = node.name.value
      if (node.value.kind !== Kind.INT || !['limit', 'first', 'offset'].includes(name)) return
      const n = Number(node.value.value)
      if (n < 0) context.reportError(coded(`"${name}: ${node.value.value}" is negative; pages start at offset 0 and hold 0 or more items.`, 'BAD_USER_INPUT'))
      else if (name !== 'offset' && n > max) {
        context.reportError(coded(`"${name}: ${node.value.value}" is larger than the maximum page size ${max}. Page through the results with offset or cursors.`, 'PAGE_TOO_LARGE'))
      }
    },
  })
}
