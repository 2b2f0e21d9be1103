// Payer-signed charges: the EIP-712 ChargeAuthorization a payer signs for one operator (a
// cumulative cap on what that operator may ever charge it, a recent block it saw, a last block
// it may be used in), hashed, signed and recovered with the native keccak and secp256k1 of
// util/hash (byte-compatible with viem's hashTypedData), and packed into settleBatch's three
// words per payer. docs/VERIFY.md, "Payer-signed charges", describes the scheme.
import type { Address, Hex } from 'viem'
import { keccakBytes, recoverSigner, signHash } from '../util/hash'

export const CHARGE_DOMAIN_NAME = 'Upkeep InferenceSettlement'
export const CHARGE_DOMAIN_VERSION = '1'
export const CHARGE_TYPE = 'ChargeAuthorization(address payer,address operator,uint256 cumulativeAmount,uint64 recentBlock,uint64 expiryBlock)'
/** the EIP-712 types, for wallets that sign with eth_signTypedData_v4 (viem's signTypedData) */
export const CHARGE_TYPES = {
  ChargeAuthorization: [
    { name: 'payer', type: 'address' },
    { name: 'operator', type: 'address' },
    { name: 'cumulativeAmount', type: 'uint256' },
    { name: 'recentBlock', type: 'uint64' },
    { name: 'expiryBlock', type: 'uint64' },
  ],
} as const

/** the cap is packed into 128 bits on chain */
export const MAX_CUMULATIVE = (1n << 128n) - 1n
export const MAX_BLOCK = (1n << 64n) - 1n

/** An authorisation as it travels (HTTP body, usage log): the payer and operator are implied by where it is. */
export interface SignedCharge {
  /** base units, decimal string */
  cumulativeAmount: string
  recentBlock: number
  expiryBlock: number
  /** 65-byte r || s || v */
  signature: Hex
}

export interface ChargeFields {
  payer: Address | string
  operator: Address | string
  cumulativeAmount: bigint
  recentBlock: number
  expiryBlock: number
}

/** The EIP-712 domain separator of one InferenceSettlement deployment. */
export class ChargeDomain {
  readonly separator: Buffer

  constructor(
    readonly chainId: number,
    readonly verifyingContract: Address,
  ) {
    this.separator = keccakBytes(
      Buffer.concat([
        keccakBytes(Buffer.from('EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)')),
        keccakBytes(Buffer.from(CHARGE_DOMAIN_NAME)),
        keccakBytes(Buffer.from(CHARGE_DOMAIN_VERSION)),
        word(BigInt(chainId)),
        addressWord(verifyingContract),
      ]),
    )
  }

  /** What the payer signs: keccak256(0x1901 || domain separator || struct hash). */
  digest(f: ChargeFields): Hex {
    const struct = keccakBytes(
      Buffer.concat([TYPEHASH, addressWord(f.payer), addressWord(f.operator), word(f.cumulativeAmount), word(BigInt(f.recentBlock)), word(BigInt(f.expiryBlock))]),
    )
    return ('0x' + keccakBytes(Buffer.concat([PREFIX, this.separator, struct])).toString('hex')) as Hex
  }

  sign(privateKey: Hex, f: ChargeFields): SignedCharge {
    return { cumulativeAmount: String(f.cumulativeAmount), recentBlock: f.recentBlock, expiryBlock: f.expiryBlock, signature: signHash(privateKey, this.digest(f)) }
  }

  /** The lower-case address that signed, or null for a malformed signature. */
  signer(payer: string, operator: string, a: SignedCharge): string | null {
    return recoverSigner(this.digest({ payer, operator, cumulativeAmount: BigInt(a.cumulativeAmount), recentBlock: a.recentBlock, expiryBlock: a.expiryBlock }), a.signature)
  }
}

const TYPEHASH = keccakBytes(Buffer.from(CHARGE_TYPE))
const PREFIX = Buffer.from([0x19, 0x01])

function word(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex')
}

function addressWord(a: string): Buffer {
  return Buffer.from(a.slice(2).toLowerCase().padStart(64, '0'), 'hex')
}

/** settleBatch's three words for one payer: the packed fields, r, and vs (EIP-2098). */
export function packAuthorization(a: SignedCharge): [Hex, Hex, Hex] {
  const w0 = BigInt(a.cumulativeAmount) | (BigInt(a.recentBlock) << 128n) | (BigInt(a.expiryBlock) << 192n)
  const sig = a.signature.slice(2)
  const v = parseInt(sig.slice(128, 130), 16)
  const s = BigInt('0x' + sig.slice(64, 128)) | (BigInt(v >= 27 ? v - 27 : v) << 255n)
  return [('0x' + w0.toString(16).padStart(64, '0')) as Hex, ('0x' + sig.slice(0, 64)) as Hex, ('0x' + s.toString(16).padStart(64, '0')) as Hex]
}

/** Checks the shape of an authorisation from outside (HTTP, a log); throws a message naming the bad field. */
export function parseSignedCharge(x: unknown): SignedCharge {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('"authorization" must be an object {cumulativeAmount, recentBlock, expiryBlock, signature}')
  const a = x as Record<string, unknown>
  const unknown = Object.keys(a).filter((k) => !['cumulativeAmount', 'recentBlock', 'expiryBlock', 'signature'].includes(k))
  if (unknown.length) throw new Error(`unknown authorization field(s): ${unknown.join(', ')}`)
  if (typeof a.cumulativeAmount !== 'string' || !/^\d{1,39}$/.test(a.cumulativeAmount) || BigInt(a.cumulativeAmount) > MAX_CUMULATIVE) {
    throw new Error('"authorization.cumulativeAmount" must be a whole number of base units below 2^128, as a decimal string')
  }
  for (const k of ['recentBlock', 'expiryBlock'] as const) {
    if (typeof a[k] !== 'number' || !Number.isSafeInteger(a[k]) || (a[k] as number) < 0) throw new Error(`"authorization.${k}" must be a block number`)
  }
  if (typeof a.signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(a.signature)) throw new Error('"authorization.signature" must be a 65-byte hex signature')
  return { cumulativeAmount: a.cumulativeAmount, recentBlock: a.recentBlock as number, expiryBlock: a.expiryBlock as number, signature: a.signature as Hex }
}
