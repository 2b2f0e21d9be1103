// The bench chain cache is keyed by what built it: the contracts' sources, the code that deploys
// them and runs the workload (every source file src/workload/devnet.ts reaches through relative
// imports), the compiler, library and anvil versions pinned in package.json, the workload, the
// seed, the scenario (steady, the default, hashes as before scenarios existed) and the scale (1, the
// default, hashes as before scales existed; a scaled chain's key also covers ./scaled-chain.ts, which
// scales the workload). A changed protocol or workload gets a new key, so a stale chain is never reused.
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const ENTRY = 'src/workload/devnet.ts'
const SCALED_ENTRY = 'src/bench/scaled-chain.ts'
const PINNED = ['solc', '@openzeppelin/contracts', 'solady', '@foundry-rs/anvil']

function resolveImport(fromFile: string, spec: string): string | null {
  const base = path.resolve(path.dirname(fromFile), spec)
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c
  return null
}

/** Every source file `entry` reaches through relative imports (static, dynamic or require), itself included. */
export function importClosure(entry: string): string[] {
  const seen = new Set<string>()
  const todo = [path.resolve(entry)]
  const re = /(?:from\s+|import\s*\(\s*|require\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g
  while (todo.length) {
    const f = todo.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    for (const m of fs.readFileSync(f, 'utf8').matchAll(re)) {
      const r = resolveImport(f, m[1])
      if (r && !seen.has(r)) todo.push(r)
    }
  }
  return [...seen].sort()
}

function filesUnder(dir: string, ext: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f))
    .sort()
}

/** The cache key (16 hex digits) of the chain `workload` with `seed`, `scenario` and `scale` built by the checkout at `root`. */
export function benchChainKey(root: string, workload: string, seed: number, scenario = 'steady', scale = 1): string {
  const h = crypto.createHash('sha256')
  h.update(`workload=${workload}\nseed=${seed}\n`)
  if (scenario !== 'steady') h.update(`scenario=${scenario}\n`)
  if (scale !== 1) h.update(`scale=${scale}\n`)
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
  for (const name of PINNED) h.update(`${name}@${pkg.dependencies?.[name] ?? pkg.devDependencies?.[name] ?? 'none'}\n`)
  const code = new Set([ENTRY, ...(scale === 1 ? [] : [SCALED_ENTRY])].flatMap((e) => importClosure(path.join(root, e))))
  const files = [...filesUnder(path.join(root, 'contracts'), '.sol'), ...[...code].sort()]
  for (const f of files) {
    h.update(`${path.relative(root, f)}\n`)
    h.update(fs.readFileSync(f))
  }
  return h.digest('hex').slice(0, 16)
}
