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
    const toFirst = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
    const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
    return { ...v, layout, name: this.op('Transpose', [v.name], 'transpose', { perm: layout === 'nchw' ? toFirst : toLast }) };
  }
}

