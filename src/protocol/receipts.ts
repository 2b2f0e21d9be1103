// Packing of settlement receipts: one bytes32 each (see InferenceSettlement.sol).
import type { Hex } from 'viem'
import { packAuthorization, type SignedCharge } from './charge-auth'

export const MAX_FEE = (1n << 96n) - 1n
export const MAX_UNITS = 2 ** 32 - 1

export interface PackedReceiptFields {
  fee: bigint
  units: number
  payerIndex: number
  modelIndex: number
}

export function packReceipt(r: PackedReceiptFields): Hex {
  if (r.fee < 0n || r.fee > MAX_FEE) throw new RangeError(`fee ${r.fee} does not fit 96 bits`)
  if (!Number.isInteger(r.units) || r.units < 1 || r.units > MAX_UNITS) throw new RangeError(`units ${r.units} out of range`)
  if (r.payerIndex < 0 || r.payerIndex > 0xffff || r.modelIndex < 0 || r.modelIndex > 0xffff) throw new RangeError('index out of range')
  const v = r.fee | (BigInt(r.units) << 96n) | (BigInt(r.payerIndex) << 128n) | (BigInt(r.modelIndex) << 144n)
  return ('0x' + v.toString(16).padStart(64, '0')) as Hex
}

/** requestId as emitted in InferenceSettled: operatorId << 64 | sequence */
export function requestId(operatorId: number, seq: bigint): bigint {
  return (BigInt(operatorId) << 64n) | seq
}

export function splitRequestId(id: bigint): { operatorId: number; seq: bigint } {
  return { operatorId: Number(id >> 64n), seq: id & ((1n << 64n) - 1n) }
}

export interface BatchReceipt {
  modelId: bigint
  payerId: number
  units: number
  fee: bigint
  /** measured serving cost of this receipt (docs/PROTOCOL.md, "Serving cost"); absent = the synthetic model */
  cpuMicros?: bigint
  adapterByteSeconds?: bigint
  /** the payer's authorisation covering this receipt and every earlier one (cumulative) */
  authorization: SignedCharge
}

/** CPU microseconds per unit in the workload's synthetic cost model (docs/PROTOCOL.md, "Serving cost"). */
export const SYNTHETIC_CPU_MICROS_PER_UNIT = 4_000n
/** Adapter bytes resident per served request in the synthetic cost model (a 50 MB adapter). */
export const SYNTHETIC_ADAPTER_BYTES = 50_000_000n

/**
 * The synthetic serving cost of a receipt of `units`: 4,000 CPU µs per unit, and the 50 MB adapter
 * resident for that CPU time (byte-seconds = bytes × µs / 10^6, floored).
 */
export function syntheticServingCost(units: number): { cpuMicros: bigint; adapterByteSeconds: bigint } {
  const cpuMicros = BigInt(units) * SYNTHETIC_CPU_MICROS_PER_UNIT
  return { cpuMicros, adapterByteSeconds: (SYNTHETIC_ADAPTER_BYTES * cpuMicros) / 1_000_000n }
}

/**
 * Builds settleBatch's arguments: the strictly increasing distinct model and payer lists, the
 * receipts (kept in request order, since their position fixes their sequence number), and per model
 * the summed serving cost (a receipt without a measurement costs what the synthetic model says),
 * and per payer the authorisation of its last receipt in the batch (the latest: it covers the others).
 */
export function buildBatch(receipts: BatchReceipt[]): {
  modelIds: bigint[]
  payerIds: number[]
  packed: Hex[]
  cpuMicros: bigint[]
  adapterByteSeconds: bigint[]
  authorizations: Hex[]
} {
  const modelIds = [...new Set(receipts.map((r) => r.modelId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const payerIds = [...new Set(receipts.map((r) => r.payerId))].sort((a, b) => a - b)
  const mIdx = new Map(modelIds.map((m, i) => [m, i]))
  const pIdx = new Map(payerIds.map((p, i) => [p, i]))
  const packed = receipts.map((r) =>
    packReceipt({ fee: r.fee, units: r.units, payerIndex: pIdx.get(r.payerId)!, modelIndex: mIdx.get(r.modelId)! }),
  )
  const cpuMicros = modelIds.map(() => 0n)
  const adapterByteSeconds = modelIds.map(() => 0n)
  for (const r of receipts) {
    const i = mIdx.get(r.modelId)!
    const c = r.cpuMicros !== undefined && r.adapterByteSeconds !== undefined ? { cpuMicros: r.cpuMicros, adapterByteSeconds: r.adapterByteSeconds } : syntheticServingCost(r.units)
    cpuMicros[i] += c.cpuMicros
    adapterByteSeconds[i] += c.adapterByteSeconds
  }
  const latest = new Map<number, SignedCharge>()
  for (const r of receipts) latest.set(r.payerId, r.authorization)
  const authorizations = payerIds.flatMap((p) => packAuthorization(latest.get(p)!))
  return { modelIds, payerIds, packed, cpuMicros, adapterByteSeconds, authorizations }
}
