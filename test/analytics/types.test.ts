// One source of truth for the analytics output types: every interface of src/analytics/types.ts
// that GraphQL returns must equal its SDL object type in src/api/analytics-schema.ts, field for
// field, with the same nullability and list shape (read from the TypeScript sources by the
// compiler's parser and from the SDL by graphql's parser; nothing is imported from the code under
// test but the SDL text). A field only in the SDL must be a @deprecated alias with a resolver.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { parse, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql'
import { describe, expect, it } from 'vitest'
import { analyticsResolvers, analyticsTypeDefs } from '../../src/api/analytics-schema'

const TYPES = path.resolve(__dirname, '..', '..', 'src', 'analytics', 'types.ts')
/** SDL types the API builds itself (not a metric's return type). */
const API_ONLY = new Set(['Query', 'TokenInfo', 'SquidStatus', 'SustainabilityReport', 'VerificationRun', 'VerificationDiscrepancy'])

/** TypeScript type text → the GraphQL type text it must be. */
function gqlOf(t: ts.TypeNode, src: ts.SourceFile): string {
  if (ts.isUnionTypeNode(t)) {
    const rest = t.types.filter((x) => !(ts.isLiteralTypeNode(x) && x.literal.kind === ts.SyntaxKind.NullKeyword))
    if (rest.length !== 1) throw new Error(`unsupported union ${t.getText(src)}`)
    return gqlOf(rest[0], src).replace(/!$/, '')
  }
  if (ts.isArrayTypeNode(t)) return `[${gqlOf(t.elementType, src)}]!`
  const text = t.getText(src)
  const scalar: Record<string, string> = { bigint: 'BigInt', number: 'Int', string: 'String', boolean: 'Boolean', Date: 'DateTime' }
  return `${scalar[text] ?? text}!`
}

function sdlOf(t: TypeNode): string {
  if (t.kind === 'NonNullType') return `${sdlOf(t.type)}!`
  if (t.kind === 'ListType') return `[${sdlOf(t.type)}]`
  return t.name.value
}

function tsInterfaces(): Map<string, Map<string, string>> {
  const src = ts.createSourceFile(TYPES, fs.readFileSync(TYPES, 'utf8'), ts.ScriptTarget.ES2022, true)
  const out = new Map<string, Map<string, string>>()
  for (const st of src.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue
    const fields = new Map<string, string>()
    for (const m of st.members) if (ts.isPropertySignature(m) && m.type) fields.set(m.name.getText(src), gqlOf(m.type, src) + (m.questionToken ? '?' : ''))
    out.set(st.name.text, fields)
  }
  return out
}

function sdlTypes(): Map<string, { fields: Map<string, string>; deprecated: Set<string> }> {
  const out = new Map<string, { fields: Map<string, string>; deprecated: Set<string> }>()
  for (const d of parse(analyticsTypeDefs).definitions) {
    if (d.kind !== 'ObjectTypeDefinition') continue
    const o = d as ObjectTypeDefinitionNode
    const fields = new Map<string, string>()
    const deprecated = new Set<string>()
    for (const f of o.fields ?? []) {
      fields.set(f.name.value, sdlOf(f.type))
      if (f.directives?.some((x) => x.name.value === 'deprecated')) deprecated.add(f.name.value)
    }
    out.set(o.name.value, { fields, deprecated })
  }
  return out
}

describe('analytics output types', () => {
  const tsTypes = tsInterfaces()
  const sdl = sdlTypes()

  it('reads both sides (sanity)', () => {
    // fees is nullable: null on a network without InferenceSettlement or ModelRegistry
    expect(tsTypes.get('SustainabilityPoint')?.get('fees')).toBe('BigInt')
    expect(sdl.get('SustainabilityPoint')?.fields.get('fees')).toBe('BigInt')
    expect(tsTypes.get('SustainabilityPoint')?.get('periodStart')).toBe('String!')
    expect(sdl.get('SustainabilityPoint')?.fields.get('periodStart')).toBe('String!')
  })

  it('every SDL output type of a metric has its TypeScript interface', () => {
    const missing = [...sdl.keys()].filter((n) => !API_ONLY.has(n) && !tsTypes.has(n))
    expect(missing).toEqual([])
  })

  it('fields, nullability and list shapes agree', () => {
    const diffs: string[] = []
    for (const [name, s] of sdl) {
      const t = tsTypes.get(name)
      if (!t) continue
      for (const [f, type] of t) if (s.fields.get(f) !== type) diffs.push(`${name}.${f}: TypeScript ${type}, SDL ${s.fields.get(f) ?? 'missing'}`)
      for (const [f, type] of s.fields) {
        if (t.has(f)) continue
        const resolvers = (analyticsResolvers as unknown as Record<string, Record<string, unknown> | undefined>)[name]
        if (!s.deprecated.has(f) || typeof resolvers?.[f] !== 'function') diffs.push(`${name}.${f} (${type}) is only in the SDL and is not a @deprecated alias with a resolver`)
      }
    }
    expect(diffs).toEqual([])
  })
})
