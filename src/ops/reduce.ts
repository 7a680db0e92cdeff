/** Reductions over axes: sum, mean, max, min. */

import type { DataArray } from '../engine/dtype.js';
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

/** The sum's combine; `reduceBand` recognises it and runs an inlined loop (a call per element costs ~10 ns). */
const ADD: Combine = (acc, v) => acc + v;

/**
 * Reduces the given axes with `combine`, starting each output element from `initial`. The output index is
 * derived from the input's by zeroing the stride of each reduced axis, which covers any axis set in one pass.
 */
function reduceRaw(x: Tensor, axes: readonly number[], initial: number, combine: Combine) {
  const reduced = new Set(axes);
  const keptShape = x.shape.map((d, i) => (reduced.has(i) ? 1 : d));
  const out = allocArray(x.dtype, sizeOf(keptShape)).fill(initial);
  const src = x.dataSync();
  const band = reductionBand(x.shape, reduced);
  if (band !== null) {
    reduceBand(src, out, band, combine);
    return { data: out, keptShape };
  }
  const outStrides = stridesOf(keptShape).map((s, i) => (reduced.has(i) ? 0 : s));
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

/**
 * The input as `[outer, mid, inner]` when the reduced axes are a leading block (`outer`) and/or a trailing
 * block (`inner`) around contiguous kept axes (`mid`), ignoring size-1 axes, which move no index: e.g.
 * all but the last axis (per-channel sums over NHWC), the last axes (row sums), or N and H·W around C
 * (NCHW). Output element `m` then reduces `src[(o * mid + m) * inner + k]` over `o` and `k`. `null` otherwise.
 */
export function reductionBand(shape: readonly number[], reduced: ReadonlySet<number>): { outer: number; mid: number; inner: number } | null {
  let outer = 1;
  let mid = 1;
  let inner = 1;
  // 0: in the leading reduced block, 1: in the kept block, 2: in the trailing reduced block.
  let phase = 0;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d];
    if (n === 1) continue;
    if (reduced.has(d)) {
      if (phase === 0) outer *= n;
      else {
        phase = 2;
        inner *= n;
      }
    } else {
      if (phase === 2) return null;
      phase = 1;
      mid *= n;
    }
  }
  return { outer, mid, inner };
}

/**
 * Reduction over a band (see {@link reductionBand}). Visits each output's inputs in the same order as the
 * general loop and stores every step into the output array (rounding to its dtype as that loop does), so
 * the results are identical, not just close.
 */
function reduceBand(src: DataArray, out: DataArray, band: { outer: number; mid: number; inner: number }, combine: Combine): void {
  const { outer, mid, inner } = band;
  if (combine === ADD) {
    addBand(src, out, outer, mid, inner);
    return;
  }
  if (inner === 1) {
    // Leading block: sweep rows into the [mid] accumulator.
    for (let o = 0, i = 0; o < outer; o++) for (let m = 0; m < mid; m++, i++) out[m] = combine(out[m], src[i]);
    return;
  }
  // Each output reduces contiguous runs of `inner` inputs (one run when nothing leads).
  for (let o = 0, i = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      for (const end = i + inner; i < end; i++) out[m] = combine(out[m], src[i]);
    }
  }
}

/** `reduceBand` for sums, the same stores in the same order. */
function addBand(src: DataArray, out: DataArray, outer: number, mid: number, inner: number): void {
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) for (let m = 0; m < mid; m++, i++) out[m] += src[i];
    return;
  }
  for (let o = 0, i = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      for (const end = i + inner; i < end; i++) out[m] += src[i];
    }
  }
}

function finalShape(x: Tensor, axes: readonly number[], keepDims: boolean | undefined): number[] {
  return keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
}

/** Sum over axes. @example `sum(x, { axis: -1, keepDims: true })` */
export function sum(x: Tensor, options: ReduceOptions = {}): Tensor {
  const axes = normalizeAxes(options.axis, x.rank);
  const { data, keptShape } = reduceRaw(x, axes, 0, ADD);
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
