// Packing of settlement receipts: one bytes32 each (see InferenceSettlement.sol).
import type { Hex } from 'viem'

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
}

/**
 * Builds settleBatch's arguments: the strictly increasing distinct model and payer lists and the
 * receipts (kept in request order, since their position fixes their sequence number).
 */
export function buildBatch(receipts: BatchReceipt[]): { modelIds: bigint[]; payerIds: number[]; packed: Hex[] } {
  const modelIds = [...new Set(receipts.map((r) => r.modelId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const payerIds = [...new Set(receipts.map((r) => r.payerId))].sort((a, b) => a - b)
  const mIdx = new Map(modelIds.map((m, i) => [m, i]))
  const pIdx = new Map(payerIds.map((p, i) => [p, i]))
  const packed = receipts.map((r) =>
    packReceipt({ fee: r.fee, units: r.units, payerIndex: pIdx.get(r.payerId)!, modelIndex: mIdx.get(r.modelId)! }),
  )
  return { modelIds, payerIds, packed }
}
