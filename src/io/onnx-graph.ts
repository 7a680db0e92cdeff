/** The ONNX graph being written: its nodes, initializers and the layout each value is in (see `onnx.ts`). */

import type { AttributeValue, ProtoWriter } from './onnx-proto.js';
import { node, tensorProto } from './onnx-proto.js';
import type { SymbolicShape } from '../layers/layer.js';

/** Where a value's axes are: as Keras holds it, or a channels_last tensor transposed to channels-first. */
export type Layout = 'keras' | 'nchw';
export interface Value {
  name: string;
  layout: Layout;
  shape: SymbolicShape;
}

/** The permutation that takes a channels_last tensor of rank `r` to channels-first. */
function toFirst(r: number): number[] {
  return [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
}

/** Where Keras axis `axis` (negative counts from the end) of `v` sits in `v`'s layout. */
export function physicalAxis(v: Value, axis: number): number {
  const r = v.shape.length;
  const a = axis < 0 ? axis + r : axis;
  if (v.layout === 'keras' || a === 0) return a;
  return a === r - 1 ? 1 : a + 1;
}

/** `data` of shape `dims` (row-major) transposed by `perm`. */
function permuted(data: ArrayLike<number>, dims: readonly number[], perm: readonly number[]): number[] {
  const outDims = perm.map((p) => dims[p]);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Array<number>(data.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    out[o] = data[perm.reduce((at, p, i) => at + index[i] * strides[p], 0)];
    for (let i = outDims.length - 1; i >= 0 && ++index[i] === outDims[i]; i--) index[i] = 0;
  }
  return out;
}

/** Collects the nodes and initializers of the graph being written. */
export class GraphBuilder {
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];
  private count = 0;

  constructor(readonly float64: boolean) {}

  fresh(hint: string): string {
    return `${hint}_${this.count++}`;
  }

  op(type: string, inputs: readonly string[], hint: string, attrs: Record<string, AttributeValue> = {}): string {
    const out = this.fresh(hint);
    this.nodes.push(node(type, inputs, [out], `${hint}/${type}_${this.count}`, attrs));
    return out;
  }

  constant(hint: string, dims: readonly number[], data: ArrayLike<number>): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, dims, this.float64 ? Float64Array.from(data) : Float32Array.from(data)));
    return name;
  }

  /**
   * A constant of Keras broadcast shape `dims` (the rank of `v`, 1 on the axes it does not span) laid out
   * as `v` is, so a per-feature parameter meets `v` without transposing `v`.
   */
  paramFor(v: Value, hint: string, dims: readonly number[], data: ArrayLike<number>): string {
    if (v.layout === 'keras' || dims.length < 3) return this.constant(hint, dims, data);
    const perm = toFirst(dims.length);
    return this.constant(hint, perm.map((p) => dims[p]), permuted(data, dims, perm));
  }

  /** A float32 tensor whatever the model's dtype: Resize's scales must be float32. */
  float32(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, [values.length], Float32Array.from(values)));
    return name;
  }

  int64(hint: string, values: readonly number[]): string {
    const name = this.fresh(hint);
    this.initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map(BigInt))));
    return name;
  }

  /** The value in the wanted layout, transposing a rank-4 (or rank-3) channels_last tensor as needed. */
  as(v: Value, layout: Layout): Value {
    if (v.layout === layout) return v;
    const r = v.shape.length;
    const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
    return { ...v, layout, name: this.op('Transpose', [v.name], 'transpose', { perm: layout === 'nchw' ? toFirst(r) : toLast }) };
  }
}

