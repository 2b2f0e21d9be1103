// The base as an ONNX graph (onnx-proto): base weights are initializers, the adapter (A, B) and
// the sparse input are graph inputs, so one onnxruntime session serves every adapter.
// Outputs: probs [1, C], hidden [1, H] (the adapted layer) and h1 [1, H] (the shared base
// representation attribution compares in).
import { onnx } from 'onnx-proto'
import { CLASSES, DIM, HIDDEN, RANK, type BaseWeights } from './network'

const OPSET = 13
const F = onnx.TensorProto.DataType.FLOAT
const I64 = onnx.TensorProto.DataType.INT64

function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  return { name, dims, dataType: F, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) }
}

function int64Tensor(name: string, values: number[]): onnx.ITensorProto {
  const b = new BigInt64Array(values.map(BigInt))
  return { name, dims: [values.length], dataType: I64, rawData: new Uint8Array(b.buffer) }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  }
}

function node(opType: string, inputs: string[], outputs: string[], attrs: onnx.IAttributeProto[] = []): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name: outputs[0], attribute: attrs }
}

export function buildOnnxModel(w: BaseWeights, meta: Record<string, string> = {}): Uint8Array {
  const graph: onnx.IGraphProto = {
    name: 'upkeep-base',
    initializer: [
      floatTensor('E', [DIM, HIDDEN], w.E),
      floatTensor('M', [HIDDEN, HIDDEN], w.M),
      floatTensor('W', [HIDDEN, CLASSES], w.W),
      floatTensor('b', [CLASSES], w.b),
      int64Tensor('axis0', [0]),
      int64Tensor('axis1', [1]),
    ],
    input: [valueInfo('indices', I64, ['n']), valueInfo('values', F, ['n']), valueInfo('A', F, [HIDDEN, RANK]), valueInfo('B', F, [RANK, HIDDEN])],
    output: [valueInfo('probs', F, [1, CLASSES]), valueInfo('hidden', F, [1, HIDDEN]), valueInfo('h1', F, [1, HIDDEN])],
    node: [
      node('Gather', ['E', 'indices'], ['rows'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
      node('Unsqueeze', ['values', 'axis1'], ['v']),
      node('Mul', ['rows', 'v'], ['weighted']),
      node('ReduceSum', ['weighted', 'axis0'], ['bag'], [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }]),
      node('Relu', ['bag'], ['h1']),
      node('MatMul', ['h1', 'M'], ['base_h']),
      node('MatMul', ['h1', 'A'], ['low']),
      node('MatMul', ['low', 'B'], ['delta_h']),
      node('Add', ['base_h', 'delta_h'], ['pre_h2']),
      node('Relu', ['pre_h2'], ['hidden']),
      node('MatMul', ['hidden', 'W'], ['logits0']),
      node('Add', ['logits0', 'b'], ['logits']),
      node('Softmax', ['logits'], ['probs'], [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: -1 }]),
    ],
  }
  const model: onnx.IModelProto = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'upkeep',
    producerVersion: '1',
    graph,
    metadataProps: Object.entries(meta).map(([key, value]) => ({ key, value })),
  }
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish()
}

/** Reads the base weights back out of the ONNX initializers (the one source of truth). */
export function readBaseWeights(bytes: Uint8Array): BaseWeights {
  const m = onnx.ModelProto.decode(bytes)
  const get = (name: string, size: number): Float32Array => {
    const t = m.graph?.initializer?.find((x) => x.name === name)
    if (!t?.rawData) throw new Error(`base model has no initializer ${name}`)
    const raw = t.rawData as Uint8Array
    const out = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
    if (out.length !== size) throw new Error(`initializer ${name} has ${out.length} values, expected ${size}`)
    return out
  }
  return { E: get('E', DIM * HIDDEN), M: get('M', HIDDEN * HIDDEN), W: get('W', HIDDEN * CLASSES), b: get('b', CLASSES) }
}
