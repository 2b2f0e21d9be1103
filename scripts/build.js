#!/usr/bin/env node
// Build: Solidity (solc-js) -> abi/ + build/contracts/, ABIs -> src/abi (squid-evm-typegen),
// schema.graphql -> src/model (squid-typeorm-codegen), TypeScript -> lib/ (tsc).
// Each step is skipped when its inputs' hash matches the last run, so `npm test`/`npm start`
// rebuild only what changed.
'use strict'
const fs = require('fs')
const path = require('path')
const crypto = require('crypto')
const { execFileSync } = require('child_process')

const root = path.resolve(__dirname, '..')
const cacheDir = path.join(root, 'node_modules', '.cache', 'upkeep-build')
fs.mkdirSync(cacheDir, { recursive: true })

function hashFiles(files, extra = '') {
  const h = crypto.createHash('sha256').update(extra)
  for (const f of files.sort()) h.update(f).update(fs.readFileSync(f))
  return h.digest('hex')
}
function listFiles(dir, ext) {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? listFiles(p, ext) : p.endsWith(ext) ? [p] : []
  })
}
function step(name, inputs, outputs, run) {
  const stamp = path.join(cacheDir, name + '.hash')
  const hash = hashFiles(inputs, name)
  const fresh = fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash && outputs.every((o) => fs.existsSync(o))
  if (fresh) return
  const t0 = Date.now()
  run()
  fs.writeFileSync(stamp, hashFiles(inputs, name))
  console.error(`build: ${name} done in ${((Date.now() - t0) / 1000).toFixed(1)}s`)
}
function bin(name) {
  return path.join(root, 'node_modules', '.bin', name)
}

// 1. Contracts
const contractsDir = path.join(root, 'contracts')
const sources = listFiles(contractsDir, '.sol')
step('solc', [...sources, path.join(root, 'node_modules', 'solc', 'package.json')], [path.join(root, 'build', 'contracts')], () => {
  const solc = require('solc')
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(sources.map((f) => [path.relative(root, f), { content: fs.readFileSync(f, 'utf8') }])),
    settings: {
      optimizer: { enabled: true, runs: 1000 },
      evmVersion: 'cancun',
      viaIR: true,
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  }
  const findImports = (p) => {
    for (const base of [path.join(root, 'node_modules'), path.join(root, 'node_modules', 'solady', 'src', '..')]) {
      let candidate = path.join(base, p)
      if (p.startsWith('solady/')) candidate = path.join(root, 'node_modules', 'solady', 'src', p.slice('solady/'.length))
      if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') }
    }
    return { error: `import not found: ${p}` }
  }
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }))
  const errors = (out.errors || []).filter((e) => e.severity === 'error')
  for (const e of out.errors || []) if (e.severity !== 'error') console.error(e.formattedMessage)
  if (errors.length) {
    for (const e of errors) console.error(e.formattedMessage)
    process.exit(1)
  }
  const abiDir = path.join(root, 'abi')
  const artDir = path.join(root, 'build', 'contracts')
  fs.rmSync(abiDir, { recursive: true, force: true })
  fs.rmSync(artDir, { recursive: true, force: true })
  fs.mkdirSync(abiDir, { recursive: true })
  fs.mkdirSync(artDir, { recursive: true })
  for (const [file, contracts] of Object.entries(out.contracts)) {
    if (!file.startsWith('contracts/')) continue
    for (const [name, c] of Object.entries(contracts)) {
      fs.writeFileSync(path.join(abiDir, name + '.json'), JSON.stringify(c.abi, null, 2) + '\n')
      fs.writeFileSync(
        path.join(artDir, name + '.json'),
        JSON.stringify({ contractName: name, abi: c.abi, bytecode: '0x' + c.evm.bytecode.object, deployedBytecode: '0x' + c.evm.deployedBytecode.object }) + '\n',
      )
    }
  }
})

// 2. Typed ABI bindings for the indexer (the same decode path everywhere)
const abiFiles = listFiles(path.join(root, 'abi'), '.json')
step('typegen', abiFiles, [path.join(root, 'src', 'abi')], () => {
  fs.rmSync(path.join(root, 'src', 'abi'), { recursive: true, force: true })
  execFileSync(bin('squid-evm-typegen'), ['src/abi', ...abiFiles.map((f) => path.relative(root, f))], { cwd: root, stdio: 'inherit' })
})

// 3. TypeORM entities from schema.graphql
const schema = path.join(root, 'schema.graphql')
if (fs.existsSync(schema)) {
  step('codegen', [schema], [path.join(root, 'src', 'model', 'generated')], () => {
    execFileSync(bin('squid-typeorm-codegen'), [], { cwd: root, stdio: 'inherit' })
    // "#! append-only" tables reference their parents without FK constraints (see schema.graphql)
    for (const m of fs.readFileSync(schema, 'utf8').matchAll(/^#! append-only\s*\ntype (\w+)/gm)) {
      const file = path.join(root, 'src', 'model', 'generated', `${m[1][0].toLowerCase()}${m[1].slice(1)}.model.ts`)
      const src = fs.readFileSync(file, 'utf8')
      const out = src.replace(/@ManyToOne_\((\(\) => \w+), \{nullable: true\}\)/g, '@ManyToOne_($1, {nullable: true, createForeignKeyConstraints: false})')
      if (out === src && src.includes('@ManyToOne_')) throw new Error(`build: could not mark ${m[1]}'s references as FK-free`)
      fs.writeFileSync(file, out)
    }
  })
}

// 4. TypeScript
const tsInputs = [...listFiles(path.join(root, 'src'), '.ts'), path.join(root, 'tsconfig.json')]
step('tsc', tsInputs, [path.join(root, 'lib')], () => {
  fs.rmSync(path.join(root, 'lib'), { recursive: true, force: true })
  execFileSync(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' })
})
