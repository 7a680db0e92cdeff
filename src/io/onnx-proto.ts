/**
 * A minimal protobuf encoder for the ONNX messages the exporter writes. Field numbers and types are those
 * of onnx.proto (IR version 8); we only ever encode, so a dependency-free writer of the wire format
 * (varints, length-delimited fields, fixed32 floats) is smaller and safer than a protobuf runtime.
 */

/** Accumulates one message's bytes. */
export class ProtoWriter {
  private readonly chunks: number[] = [];

  private varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
  }

  private tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    this.chunks.push(...bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.byteLength);
    for (let i = 0; i < value.byteLength; i++) this.chunks.push(value[i]);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** TensorProto.DataType values. */
export const ONNX_FLOAT = 1;
export const ONNX_INT64 = 7;
export const ONNX_DOUBLE = 11;

/** AttributeProto.AttributeType values. */
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;

export type AttributeValue = number | string | readonly number[] | { float: number };

/** AttributeProto: name=1, f=2, i=3, s=4, ints=8, type=20. Integers are `i`, `{float}` is `f`. */
export function attribute(name: string, value: AttributeValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return w.int(3, value).int(20, ATTR_INT);
  if (typeof value === 'string') return w.string(4, value).int(20, ATTR_STRING);
  if (Array.isArray(value)) {
    for (const v of value as readonly number[]) w.int(8, v);
    return w.int(20, ATTR_INTS);
  }
  return w.float(2, (value as { float: number }).float).int(20, ATTR_FLOAT);
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5. */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], name: string, attrs: Record<string, AttributeValue> = {}): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of inputs) w.string(1, i);
  for (const o of outputs) w.string(2, o);
  w.string(3, name).string(4, opType);
  for (const [k, v] of Object.entries(attrs)) w.message(5, attribute(k, v));
  return w;
}

/** TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian). */
export function tensorProto(name: string, dims: readonly number[], data: Float32Array | Float64Array | BigInt64Array): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of dims) w.int(1, d);
  w.int(2, data instanceof Float32Array ? ONNX_FLOAT : data instanceof Float64Array ? ONNX_DOUBLE : ONNX_INT64);
  w.string(8, name);
  return w.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1, shape=2: {dim=1: {dim_value=1 | dim_param=2}}}}}. */
export function valueInfo(name: string, elemType: number, shape: readonly (number | null)[]): ProtoWriter {
  const dims = new ProtoWriter();
  shape.forEach((d, i) => dims.message(1, d === null ? new ProtoWriter().string(2, i === 0 ? 'batch' : `d${i}`) : new ProtoWriter().int(1, d)));
  const tensorType = new ProtoWriter().int(1, elemType).message(2, dims);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8. GraphProto: node=1, name=2, initializer=5, input=11, output=12. */
export function modelProto(graph: { name: string; nodes: ProtoWriter[]; initializers: ProtoWriter[]; inputs: ProtoWriter[]; outputs: ProtoWriter[] }, opset: number): Uint8Array {
  const g = new ProtoWriter();
  for (const n of graph.nodes) g.message(1, n);
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, t);
  for (const i of graph.inputs) g.message(11, i);
  for (const o of graph.outputs) g.message(12, o);
  return new ProtoWriter()
    .int(1, 8)
    .string(2, 'depthwise')
    .string(3, '0.1.0')
    .message(7, g)
    .message(8, new ProtoWriter().string(1, '').int(2, opset))
    .finish();
}
