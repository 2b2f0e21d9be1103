// The node's request shapes and their validation: what a caller may send and what it gets back.
import type { Hex } from 'viem'
import { UpkeepError } from '../util/errors'
import { MAX_INPUT_CHARS } from './model/featurize'
import { parseSignedCharge, type SignedCharge } from '../protocol/charge-auth'

/** A request the node refuses: the HTTP status and error code the caller gets (src/inference/http.ts). */
export class NodeRequestError extends UpkeepError {
  readonly code = 'NODE_REQUEST'
  constructor(
    readonly status: number,
    readonly httpCode: string,
    message: string,
  ) {
    super(message)
  }
}

export interface InferRequest {
  model: string
  payer: string
  input: string
  /** the payer's EIP-712 ChargeAuthorization for this node's operator, covering this request */
  authorization: SignedCharge
}

export interface InferResult {
  localId: number
  modelId: string
  adapterVersion: number
  label: string
  probs: string[]
  units: number
  fee: string
  outputHash: Hex
  weights: { datanetId: string; contributor: string; weight: number }[]
}

export const ADDRESS = /^0x[0-9a-fA-F]{40}$/

/** The body of POST /v1/infer, checked field by field. */
export function validateInferRequest(body: unknown): InferRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new NodeRequestError(400, 'BAD_REQUEST', 'the body must be a JSON object {"model", "payer", "input", "authorization"}')
  const b = body as Record<string, unknown>
  const unknown = Object.keys(b).filter((k) => !['model', 'payer', 'input', 'authorization'].includes(k))
  if (unknown.length) throw new NodeRequestError(400, 'BAD_REQUEST', `unknown field(s): ${unknown.join(', ')} (expected model, payer, input, authorization)`)
  const model = typeof b.model === 'number' && Number.isSafeInteger(b.model) ? String(b.model) : b.model
  if (typeof model !== 'string' || !/^\d{1,18}$/.test(model)) throw new NodeRequestError(400, 'BAD_REQUEST', '"model" must be a model id (a whole number)')
  if (typeof b.payer !== 'string' || !ADDRESS.test(b.payer)) throw new NodeRequestError(400, 'BAD_REQUEST', '"payer" must be a 0x address')
  if (typeof b.input !== 'string') throw new NodeRequestError(400, 'BAD_REQUEST', '"input" must be a string')
  if (b.input.length > MAX_INPUT_CHARS) throw new NodeRequestError(413, 'INPUT_TOO_LARGE', `"input" is ${b.input.length} characters; at most ${MAX_INPUT_CHARS} are accepted`)
  if (b.input.trim() === '') throw new NodeRequestError(400, 'BAD_REQUEST', '"input" is empty')
  if (b.authorization === undefined) {
    throw new NodeRequestError(401, 'AUTHORIZATION_REQUIRED', 'the request carries no "authorization": the payer must sign a ChargeAuthorization for this operator (docs/VERIFY.md, "Payer-signed charges")')
  }
  let authorization: SignedCharge
  try {
    authorization = parseSignedCharge(b.authorization)
  } catch (e) {
    throw new NodeRequestError(400, 'BAD_AUTHORIZATION', (e as Error).message)
  }
  return { model, payer: b.payer, input: b.input, authorization }
}
