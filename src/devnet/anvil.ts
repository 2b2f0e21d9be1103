// Starts anvil (npm @foundry-rs/anvil, the binary ships inside the registry package) on a free
// loopback port and stops it cleanly. Nothing is downloaded at run time.
import type { ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { DEVNET_CHAIN_ID, DEVNET_MNEMONIC } from '../chain/keys'
import { spawnTied } from '../util/tied'

export { DEVNET_CHAIN_ID, DEVNET_MNEMONIC }
/** 2025-09-08T00:00:00Z, OPEN's token generation event: the devnet's genesis time. */
export const GENESIS_TIMESTAMP = 1757289600

export interface AnvilOptions {
  accounts?: number
  /** genesis timestamp (ignored when loading a state) */
  timestamp?: number
  /** false: blocks are mined only by evm_mine (the workload packs many txs per block) */
  automine?: boolean
  gasLimit?: bigint
  stateIn?: string
  stateOut?: string
  /** extra CLI flags */
  args?: string[]
  /** another chain id than the devnet's (network-profile tests) */
  chainId?: number
}

export interface Anvil {
  rpcUrl: string
  port: number
  chainId: number
  process: ChildProcess
  /** where anvil keeps the block states it moves out of memory (removed when it exits) */
  cachePath: string
  stop(): Promise<void>
}

export function anvilBinary(): string {
  const pkg = `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`
  try {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`))
    const bin = path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
    if (fs.existsSync(bin)) return bin
  } catch {
    // fall through to the generic launcher
  }
  const launcher = path.join(path.dirname(require.resolve('@foundry-rs/anvil/package.json')), 'bin.mjs')
  if (fs.existsSync(launcher)) return launcher
  throw new Error(`anvil binary not found: is @foundry-rs/anvil installed (npm ci)? looked for ${pkg}`)
}

export async function startAnvil(opts: AnvilOptions = {}): Promise<Anvil> {
  const args = [
    '--host', '127.0.0.1',
    '--port', '0',
    '--chain-id', String(opts.chainId ?? DEVNET_CHAIN_ID),
    '--accounts', String(opts.accounts ?? 200),
    '--mnemonic', DEVNET_MNEMONIC,
    '--gas-limit', String(opts.gasLimit ?? 300_000_000n),
    '--order', 'fifo', // arrival order inside a block: same seed, same block hashes
    '--code-size-limit', '49152',
  ]
  if (opts.stateIn) args.push('--load-state', opts.stateIn)
  else args.push('--timestamp', String(opts.timestamp ?? GENESIS_TIMESTAMP))
  if (opts.stateOut) args.push('--dump-state', opts.stateOut)
  if (opts.automine === false) args.push('--no-mining')
  if (opts.args) args.push(...opts.args)
  // Past 500 blocks anvil moves old block states to disk, by default under ~/.foundry/anvil/tmp,
  // and leaves them there when it exits (hundreds of MB per devnet): give it a scratch directory
  // of its own that goes with it.
  const cachePath = fs.mkdtempSync(path.join(os.tmpdir(), 'upkeep-anvil-'))
  args.push('--cache-path', cachePath)

  // loading a saved state parses it first: the bench chain's 2 GiB takes minutes on a loaded machine
  const startMs = 30_000 + (opts.stateIn ? Math.ceil((fs.statSync(opts.stateIn).size / 2 ** 30) * 150_000) : 0)
  // tied to this process (src/util/tied): a test or command that dies never leaves its chain running
  const tied = spawnTied(anvilBinary(), args, { scratchDir: cachePath })
  const child = tied.process
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`anvil did not start within ${startMs / 1000}s:\n${out.slice(-2000)}`)), startMs)
    const onData = (b: Buffer) => {
      out += b.toString()
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        child.stdout!.off('data', onData)
        child.stdout!.resume() // keep draining so anvil never blocks on a full pipe
        resolve(Number(m[1]))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`anvil exited with code ${code} before listening:\n${out.slice(-2000)}`))
    })
  })
  child.stderr!.resume()

  let stopped: Promise<void> | undefined
  return {
    rpcUrl: `http://127.0.0.1:${port}`,
    port,
    chainId: opts.chainId ?? DEVNET_CHAIN_ID,
    process: child,
    cachePath,
    stop() {
      // SIGINT (not SIGKILL) so that --dump-state is written on exit
      stopped ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        tied.release() // SIGINT to anvil
        // a dump of a long chain (the bench chain: 2 GiB) outlasts 20 s on a loaded machine: cut short, it is unreadable
        setTimeout(() => tied.kill(), opts.stateOut ? 900_000 : 20_000).unref()
      })
      return stopped
    },
  }
}
