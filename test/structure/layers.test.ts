// Layers only point down: a folder of src/ may import its own files and folders below it in
// LAYERS, never one above (type-only imports included). Read from the TypeScript sources' own
// import graph (the compiler's parser, no bundler), so a new backwards import fails here by name.
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(__dirname, '..', '..', 'src')

/** Bottom to top; folders on one line are one layer and must not import each other. */
const LAYERS: string[][] = [
  ['util'],
  ['abi', 'model', 'squid'],
  ['chain'],
  ['protocol'],
  ['content'],
  ['devnet'],
  ['db'],
  ['inference'],
  ['workload'],
  ['processor'],
  ['warehouse'],
  ['analytics'],
  ['verify'],
  ['report'],
  ['api'],
  ['indexer'],
  ['config'],
  ['faults'],
  ['bench'],
  ['cli'],
]
const RANK = new Map(LAYERS.flatMap((l, i) => l.map((f) => [f, i] as const)))
/** Fault injection is test and bench wiring: production folders never import it. */
const FAULT_USERS = new Set(['faults', 'bench', 'cli'])

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sources(p) : /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : []
  })
}

/** Every module a file imports or re-exports, with whether it is type-only. */
function imports(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false)
  const out: string[] = []
  const visit = (n: ts.Node) => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) out.push(n.moduleSpecifier.text)
    if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
      const callee = n.expression
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) out.push(n.arguments[0].text)
    }
    if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) out.push(n.argument.literal.text)
    ts.forEachChild(n, visit)
  }
  visit(sf)
  return out
}

const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0]

function edges(): { from: string; to: string; file: string; spec: string }[] {
  return sources(SRC).flatMap((file) =>
    imports(file)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ file: path.relative(SRC, file), spec, from: folderOf(file), to: folderOf(path.resolve(path.dirname(file), spec)) }))
      .filter((e) => e.from !== e.to),
  )
}

describe('layers', () => {
  const all = edges()

  it('reads the import graph (sanity: known edges are found)', () => {
    expect(all.length).toBeGreaterThan(100)
    expect(all).toContainEqual(expect.objectContaining({ from: 'cli', to: 'indexer' }))
    expect(all).toContainEqual(expect.objectContaining({ from: 'processor', to: 'squid' }))
  })

  it('every folder of src/ has a layer', () => {
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
    expect(folders.filter((f) => !RANK.has(f))).toEqual([])
  })

  it('point only down', () => {
    const up = all.filter((e) => RANK.has(e.from) && RANK.has(e.to) && RANK.get(e.to)! >= RANK.get(e.from)!)
    expect(up.map((e) => `${e.file} imports ${e.spec} (${e.from} -> ${e.to})`)).toEqual([])
  })

  it('keep fault injection out of production code', () => {
    const bad = all.filter((e) => e.to === 'faults' && !FAULT_USERS.has(e.from))
    expect(bad.map((e) => `${e.file} imports ${e.spec}`)).toEqual([])
    const hooks = sources(SRC)
      .filter((f) => !FAULT_USERS.has(folderOf(f)) && folderOf(f) !== 'config')
      .filter((f) => /UPKEEP_FAULT_|process\.env/.test(fs.readFileSync(f, 'utf8').replace(/\/\/.*$/gm, '')))
      .map((f) => path.relative(SRC, f))
    // squid/compat.ts: the one place that sets DB_URL, which Subsquid's libraries read.
    // (The ClickHouse fault hook reads no environment: src/config hands the sink its settings.)
    expect(hooks).toEqual(['squid/compat.ts'])
  })
})
