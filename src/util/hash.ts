// Fast hashing and signing for hot paths (the usage log, replay): native keccak and secp256k1
// (npm keccak and secp256k1, prebuilt binaries), byte-compatible with viem's keccak256,
// sign({ hash }) and recoverAddress.
import type { Hex } from 'viem'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createKeccak = require('keccak') as (alg: 'keccak256') => { update(d: Buffer | string): { digest(): Buffer } }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const secp = require('secp256k1') as {
  ecdsaSign(msg: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number }
  ecdsaRecover(sig: Uint8Array, recid: number, msg: Uint8Array, compressed: boolean): Uint8Array
}

export function keccakBytes(data: Buffer): Buffer {
  return createKeccak('keccak256').update(data).digest()
}

/** keccak256 of the concatenation of byte ranges (no copy into one buffer). */
export function keccakParts(...parts: Uint8Array[]): Hex {
  const k = createKeccak('keccak256') as unknown as { update(d: Uint8Array): unknown; digest(): Buffer }
  for (const p of parts) k.update(p)
  return ('0x' + k.digest().toString('hex')) as Hex
}

/** keccak256 of a UTF-8 string (what viem's keccak256(toHex(s)) gives). */
export function keccakUtf8(s: string): Hex {
  return ('0x' + keccakBytes(Buffer.from(s, 'utf8')).toString('hex')) as Hex
}

/** A 65-byte r||s||v signature (v = 27 + recovery id) of a 32-byte hash. */
export function signHash(privateKey: Hex, hash: Hex): Hex {
  const { signature, recid } = secp.ecdsaSign(Buffer.from(hash.slice(2), 'hex'), Buffer.from(privateKey.slice(2), 'hex'))
  return ('0x' + Buffer.from(signature).toString('hex') + (27 + recid).toString(16).padStart(2, '0')) as Hex
}

/** The address that signed `hash`, or null if the signature is malformed. */
export function recoverSigner(hash: Hex, signature: Hex): string | null {
  try {
    if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return null
    const sig = Buffer.from(signature.slice(2, 130), 'hex')
    const v = parseInt(signature.slice(130), 16)
    const recid = v >= 27 ? v - 27 : v
    if (recid !== 0 && recid !== 1) return null
    const pub = secp.ecdsaRecover(sig, recid, Buffer.from(hash.slice(2), 'hex'), false)
    return '0x' + keccakBytes(Buffer.from(pub.subarray(1))).subarray(12).toString('hex')
  } catch {
    return null
  }
}
