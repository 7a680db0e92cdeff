/** Reductions over axes: sum, mean, max, min. */

import { allocArray } from '../engine/dtype.js';
import type { Shape } from '../engine/shape.js';
import { normalizeAxes, shapesEqual, sizeOf, stridesOf } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { div, equal, mul } from './elementwise.js';
import { broadcastTo, cast, reshape } from './shape-ops.js';

export interface ReduceOptions {
  /** Axes to reduce (negative counts from the end); all axes when omitted. */
  axis?: number | readonly number[] | null;
  /** Keep reduced axes with size 1, as Keras's `keepdims`. */
  keepDims?: boolean;
}

type Combine = (acc: number, value: number) => number;

/**
 * Reduces the given axes with `combine`, starting each output element from `initial`. The output index is
 * derived from the input's by zeroing the stride of each reduced axis, which covers any axis set in one pass.
 */
function reduceRaw(x: Tensor, axes: readonly number[], initial: number, combine: Combine) {
  const reduced = new Set(axes);
  const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
  const out = allocArray(x.dtype, sizeOf(keptShape)).fill(initial);
  const src = x.dataSync();
  const rank = x.rank;
  const index = new Array<number>(rank).fill(0);
  let outOffset = 0;
  for (let i = 0; i < src.length; i++) {
    out[outOffset] = combine(out[outOffset], src[i]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      outOffset += outStrides[d];
      if (index[d] < x.shape[d]) break;
      outOffset -= outStrides[d] * x.shape[d];
      index[d] = 0;
    }
  }
  return { data: out, keptShape };
}

function finalShape(x: Tensor, axes: readonly number[], keepDims: boolean | undefined): number[] {
  return keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
}

/** Sum over axes. @example `sum(x, { axis: -1, keepDims: true })` */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes(options.axis, x.rank);
  const { data, keptShape } = reduceRaw(x, axes, 0, (acc, v) => acc + v);
  const out = tensorFromArray(data, finalShape(x, axes, options.keepDims), x.dtype);
  recordOp([x], out, (dy) => [broadcastTo(reshape(dy, keptShape), x.shape)]);
  return out;
}

/** Mean over axes. @example `mean(x)` */
export function mean(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes(options.axis, x.rank);
  const count = axes.reduce((n, a) => n * x.shape[a], 1);
  // As in Keras, the mean of integers is a float32 (not a truncated integer division).
  const total = sum(x, options);
  return div(total.dtype === 'int32' ? cast(total, 'float32') : total, count);
}

function extremum(x: Tensor, options: ReduceOptions, initial: number, combine: Combine): Tensor {
  const axes = normalizeAxes(options.axis, x.rank);
  const { data, keptShape } = reduceRaw(x, axes, initial, combine);
  const out = tensorFromArray(data, finalShape(x, axes, options.keepDims), x.dtype);
  recordOp([x], out, (dy) => {
    // Ties share the gradient equally, as TensorFlow and JAX do.
    const kept = tensorFromArray(data, keptShape, x.dtype);
    const mask = equal(x, kept);
    const ties = reshape(sum(mask, { axis: axes, keepDims: true }), keptShape);
    return [mul(mask, div(reshape(dy, keptShape), ties))];
  });
  return out;
}

/** Maximum over axes. @example `max(x, { axis: 1 })` */
export function max(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum(x, options, -Infinity, (acc, v) => (v > acc || Number.isNaN(v) ? v : acc));
}

/** Minimum over axes. @example `min(x, { axis: 1 })` */
export function min(x: Tensor, options: ReduceOptions = {}): Tensor {
  return extremum(x, options, Infinity, (acc, v) => (v < acc || Number.isNaN(v) ? v : acc));
}

/** Sums a broadcast gradient back down to the shape of the operand it was broadcast from. */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(grad, { axis: axes }), shape);
}
