// Adapter bytes: "UPKA", format version, hidden size, rank, then A and B as float32 LE.
// The on-chain adapterHash of a model version is keccak256 of exactly these bytes.
import { keccak256, type Hex } from 'viem'
import { HIDDEN, RANK, type Adapter } from './network'
import { InputError } from '../../util/errors'

const MAGIC = [0x55, 0x50, 0x4b, 0x41] // UPKA
const VERSION = 1
const HEADER = 8
export const ADAPTER_BYTES = HEADER + 4 * (HIDDEN * RANK + RANK * HIDDEN)

/** Adapter bytes that are not a valid adapter (a content-store blob is input like any other). */
export class AdapterFormatError extends InputError {}

export function encodeAdapter(a: Adapter): Uint8Array {
  if (a.A.length !== HIDDEN * RANK || a.B.length !== RANK * HIDDEN) throw new AdapterFormatError('adapter matrices have the wrong shape')
  const out = new Uint8Array(ADAPTER_BYTES)
  out.set(MAGIC, 0)
  out[4] = VERSION
  out[5] = HIDDEN
  out[6] = RANK
  const view = new DataView(out.buffer)
  let o = HEADER
  for (const v of a.A) (view.setFloat32(o, v, true), (o += 4))
  for (const v of a.B) (view.setFloat32(o, v, true), (o += 4))
  return out
}

export function decodeAdapter(bytes: Uint8Array): Adapter {
  if (bytes.length !== ADAPTER_BYTES) throw new AdapterFormatError(`adapter is ${bytes.length} bytes, expected ${ADAPTER_BYTES}`)
  if (MAGIC.some((m, i) => bytes[i] !== m)) throw new AdapterFormatError('not an adapter (bad magic)')
  if (bytes[4] !== VERSION) throw new AdapterFormatError(`adapter format version ${bytes[4]} is not supported (expected ${VERSION})`)
  if (bytes[5] !== HIDDEN || bytes[6] !== RANK) throw new AdapterFormatError(`adapter is for hidden ${bytes[5]} rank ${bytes[6]}, the base needs ${HIDDEN}/${RANK}`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const A = new Float32Array(HIDDEN * RANK)
  const B = new Float32Array(RANK * HIDDEN)
  let o = HEADER
  for (let i = 0; i < A.length; i++, o += 4) A[i] = view.getFloat32(o, true)
  for (let i = 0; i < B.length; i++, o += 4) B[i] = view.getFloat32(o, true)
  return { A, B }
}

export function adapterHash(a: Adapter): Hex {
  return keccak256(encodeAdapter(a))
}
