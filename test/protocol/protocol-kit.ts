// Shared by the contract tests in test/protocol: typed-enough calls against a real anvil, fresh
// impersonated accounts, and revert assertions that name the custom error. A revert is checked
// twice: eth_call (viem decodes the custom error) and a mined transaction with a fixed gas limit
// (status reverted, the same error decoded from the trace), so callers can compare state before
// and after a failed transaction that really is in a block.
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  decodeEventLog,
  encodeDeployData,
  getAddress,
  keccak256,
  maxUint256,
  parseEther,
  parseSignature,
  signatureToCompactSignature,
  toHex,
  type Abi,
  type Address,
  type Hex,
  type TransactionReceipt,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { expect } from 'vitest'
import { allAbis, artifact, type ContractName } from '../../src/chain/artifacts'
import { loadDevnet, type LoadedDevnet } from '../helpers/devnet'
import { chargeTypedData } from '../helpers/charge-typed-data'

export const OPEN = 10n ** 18n
export const DAY = 86_400n

type AbiError = Extract<Abi[number], { type: 'error' }>

const errorSig = (e: AbiError) => `${e.name}(${e.inputs.map((i) => i.type).join(',')})`

const abiCache = new Map<ContractName, Abi>()
/** A contract's ABI plus every other protocol error (OpenToken's ERC20 errors bubble up). */
export function abiOf(name: ContractName): Abi {
  let abi = abiCache.get(name)
  if (!abi) {
    const own = artifact(name).abi
    const seen = new Set(own.filter((x): x is AbiError => x.type === 'error').map(errorSig))
    const extra: AbiError[] = []
    for (const x of allAbis()) {
      if (x.type !== 'error' || seen.has(errorSig(x))) continue
      seen.add(errorSig(x))
      extra.push(x)
    }
    abi = [...own, ...extra] as Abi
    abiCache.set(name, abi)
  }
  return abi
}

export interface DecodedError {
  name: string
  args: readonly unknown[]
}

/** The custom error a viem error carries, found by walking its causes. */
export function customError(err: unknown): DecodedError | undefined {
  if (!(err instanceof BaseError)) return undefined
  const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null
  if (!reverted?.data?.errorName) return undefined
  return { name: reverted.data.errorName, args: reverted.data.args ?? [] }
}

type Target = ContractName | { name: ContractName; address: Address }

export class Kit {
  readonly c: LoadedDevnet['manifest']['contracts']
  readonly acc: LoadedDevnet['manifest']['accounts']
  private freshCount = 0
  private readonly keys = new Map<string, Hex>()

  constructor(readonly d: LoadedDevnet) {
    this.c = d.manifest.contracts
    // eth_accounts answers lower case; viem decodes checksummed addresses
    const a = d.manifest.accounts
    this.acc = {
      ...a,
      governance: getAddress(a.governance),
      treasury: getAddress(a.treasury),
      liquidity: getAddress(a.liquidity),
      stakingBank: getAddress(a.stakingBank),
      distributor: getAddress(a.distributor),
      attributor: getAddress(a.attributor),
      slasher: getAddress(a.slasher),
      operators: a.operators.map((o) => getAddress(o)),
    }
  }

  static async load(): Promise<Kit> {
    return new Kit(await loadDevnet())
  }

  private resolve(t: Target): { name: ContractName; address: Address } {
    return typeof t === 'string' ? { name: t, address: this.c[t] } : t
  }

  async read<T = unknown>(t: Target, functionName: string, args: readonly unknown[] = []): Promise<T> {
    const { name, address } = this.resolve(t)
    return (await this.d.publicClient.readContract({ address, abi: abiOf(name), functionName, args } as never)) as T
  }

  /** Sends a transaction from an unlocked or impersonated account; fails the test if it reverts. */
  async send(from: Address, t: Target, functionName: string, args: readonly unknown[] = []): Promise<TransactionReceipt> {
    const { name, address } = this.resolve(t)
    // a fixed gas limit: anvil estimates against the latest block, which may differ in time from
    // the block this transaction lands in (tests set the next block's timestamp)
    const hash = await this.d.wallet(from).writeContract({ address, abi: abiOf(name), functionName, args, chain: null, account: from, gas: 3_000_000n } as never)
    const receipt = await this.d.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success') throw new Error(`${name}.${functionName} from ${from} reverted: ${await this.revertReason(hash, abiOf(name))} (tx ${hash})`)
    return receipt
  }

  private async revertReason(hash: Hex, abi: Abi): Promise<string> {
    const trace = (await this.d.publicClient.request({ method: 'debug_traceTransaction' as never, params: [hash, { tracer: 'callTracer' }] as never })) as { output?: Hex; error?: string }
    try {
      const e = decodeErrorResult({ abi, data: trace.output ?? '0x' })
      return `${e.errorName}(${(e.args ?? []).map(String).join(', ')})`
    } catch {
      return trace.error ?? 'reverted'
    }
  }

  /**
   * Asserts that the call reverts with the named custom error: first by eth_call (viem's decoding),
   * then by mining it with a fixed gas limit and decoding the trace's revert data. Returns the
   * decoded arguments and the mined receipt.
   */
  async expectRevert(
    from: Address,
    t: Target,
    functionName: string,
    args: readonly unknown[],
    errorName: string,
    opts: { at?: bigint } = {},
  ): Promise<{ args: readonly unknown[]; receipt: TransactionReceipt }> {
    const { name, address } = this.resolve(t)
    const abi = abiOf(name)
    // eth_call runs at the latest block's time unless told otherwise: with `at`, the call sees
    // that timestamp (a block override) and the failing transaction itself lands exactly at `at`
    const blockOverrides = opts.at !== undefined ? { time: opts.at } : undefined
    let simulated: DecodedError | undefined
    try {
      await this.d.publicClient.simulateContract({ address, abi, functionName, args, account: from, blockOverrides } as never)
    } catch (e) {
      simulated = customError(e)
      if (!simulated) throw e
    }
    expect(simulated?.name, `${name}.${functionName} should revert with ${errorName}`).toBe(errorName)
    if (opts.at !== undefined) await this.setNextTime(opts.at)

    const hash = await this.d.wallet(from).writeContract({ address, abi, functionName, args, chain: null, account: from, gas: 5_000_000n } as never)
    const receipt = await this.d.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('reverted')
    if (opts.at !== undefined) expect(await this.blockTime(receipt)).toBe(opts.at)
    const trace = (await this.d.publicClient.request({ method: 'debug_traceTransaction' as never, params: [hash, { tracer: 'callTracer' }] as never })) as { output?: Hex }
    const mined = decodeErrorResult({ abi, data: trace.output ?? '0x' })
    expect(mined.errorName).toBe(errorName)
    return { args: simulated!.args, receipt }
  }

  /** A new address nobody has used, impersonated and given ETH for gas; its key signs its charge authorisations. */
  async fresh(label = 'actor'): Promise<Address> {
    const key = keccak256(toHex(`upkeep-protocol-test/${label}/${this.freshCount++}/${this.d.anvil.port}`))
    const address = privateKeyToAccount(key).address
    this.keys.set(address.toLowerCase(), key)
    await this.d.testClient.impersonateAccount({ address })
    await this.d.testClient.setBalance({ address, value: parseEther('100') })
    return address
  }

  /**
   * settleBatch's three words for `payer`'s EIP-712 ChargeAuthorization, signed here with viem's
   * signTypedData (not the project's signer): the packed cap and blocks, r, and vs (EIP-2098).
   * `signer` signs instead of the payer when given (a forged authorisation).
   */
  async authorize(
    payer: Address,
    operator: Address,
    cumulativeAmount: bigint,
    o: { recentBlock?: bigint; expiryBlock?: bigint; signer?: Address } = {},
  ): Promise<[Hex, Hex, Hex]> {
    const head = await this.d.publicClient.getBlockNumber()
    const recentBlock = o.recentBlock ?? head
    const expiryBlock = o.expiryBlock ?? head + 1_000n
    const key = this.keys.get((o.signer ?? payer).toLowerCase())
    if (!key) throw new Error(`no key for ${o.signer ?? payer}: make it with fresh()`)
    const signature = await privateKeyToAccount(key).signTypedData({
      ...chargeTypedData(this.d.manifest.chainId, this.c.InferenceSettlement),
      message: { payer, operator, cumulativeAmount, recentBlock, expiryBlock },
    })
    const { r, yParityAndS } = signatureToCompactSignature(parseSignature(signature))
    return [toHex(cumulativeAmount | (recentBlock << 128n) | (expiryBlock << 192n), { size: 32 }), r, yParityAndS]
  }

  /** Gives `to` OPEN from the liquidity account and, optionally, approves spenders for it. */
  async fund(to: Address, amount: bigint, spenders: Address[] = []): Promise<void> {
    await this.send(this.acc.liquidity, 'OpenToken', 'transfer', [to, amount])
    for (const s of spenders) await this.send(to, 'OpenToken', 'approve', [s, maxUint256])
  }

  balance(who: Address, token: Address = this.c.OpenToken): Promise<bigint> {
    return this.read<bigint>({ name: 'OpenToken', address: token }, 'balanceOf', [who])
  }

  supply(token: Address = this.c.OpenToken): Promise<bigint> {
    return this.read<bigint>({ name: 'OpenToken', address: token }, 'totalSupply')
  }

  /** Decoded events of one name emitted by `address` in a receipt. */
  events<T = Record<string, unknown>>(receipt: TransactionReceipt, t: Target, eventName: string): T[] {
    const { name, address } = this.resolve(t)
    const out: T[] = []
    for (const l of receipt.logs) {
      if (l.address.toLowerCase() !== address.toLowerCase()) continue
      try {
        const ev = decodeEventLog({ abi: abiOf(name), data: l.data, topics: l.topics })
        if (ev.eventName === eventName) out.push(ev.args as T)
      } catch {
        // another event of the same contract that this ABI cannot decode: not ours
      }
    }
    return out
  }

  async blockTime(receipt?: TransactionReceipt): Promise<bigint> {
    const b = await this.d.publicClient.getBlock(receipt ? { blockNumber: receipt.blockNumber } : { blockTag: 'latest' })
    return b.timestamp
  }

  /** The next mined block gets exactly this timestamp. */
  async setNextTime(ts: bigint): Promise<void> {
    await this.d.testClient.setNextBlockTimestamp({ timestamp: ts })
  }

  /** Asserts that deploying `name` with `args` reverts with the named custom error (eth_call). */
  async expectDeployRevert(from: Address, name: ContractName, args: readonly unknown[], errorName: string): Promise<readonly unknown[]> {
    const a = artifact(name)
    let data: Hex | undefined
    try {
      await this.d.publicClient.call({ account: from, data: encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never) })
    } catch (e) {
      const withData = e instanceof BaseError ? (e.walk((x) => typeof (x as { data?: unknown }).data === 'string') as { data?: Hex } | null) : null
      data = withData?.data
      if (!data) throw e
    }
    expect(data, `deploying ${name} should revert`).toBeDefined()
    const decoded = decodeErrorResult({ abi: abiOf(name), data: data! })
    expect(decoded.errorName).toBe(errorName)
    return decoded.args ?? []
  }

  /** Deploys a fresh copy of a contract from `from`; returns its address. */
  async deploy(from: Address, name: ContractName, args: readonly unknown[]): Promise<Address> {
    const a = artifact(name)
    const hash = await this.d.wallet(from).sendTransaction({ account: from, chain: null, data: encodeDeployData({ abi: a.abi, bytecode: a.bytecode, args } as never), gas: 8_000_000n })
    const receipt = await this.d.publicClient.waitForTransactionReceipt({ hash })
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error(`deploy ${name} failed (tx ${hash})`)
    return receipt.contractAddress
  }
}

/** floor(a * b / d) */
export const mulDiv = (a: bigint, b: bigint, d: bigint) => (a * b) / d
