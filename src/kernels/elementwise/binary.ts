/**
 * Broadcasting binary arithmetic on typed arrays: each op is a named scalar function, applied by one of
 * three loops (equal shapes or a scalar operand; a per-channel "band" operand; the general odometer).
 */

import type { DataArray } from '../../engine/dtype.js';
import { shapesEqual, stridesOf } from '../../engine/shape.js';

type Binary = (a: number, b: number) => number;

/**
 * The binary ops, by the name a backend is asked for. Comparisons give 1/0 in the operands' dtype (what
 * gradient masks need). `maximum`/`minimum` propagate a NaN in either operand, as NumPy does.
 */
export const BINARY_OPS = {
  add: (p, q) => p + q,
  sub: (p, q) => p - q,
  mul: (p, q) => p * q,
  div: (p, q) => p / q,
  pow: (p, q) => p ** q,
  maximum: (p, q) => (p >= q || Number.isNaN(p) ? p : q),
  minimum: (p, q) => (p <= q || Number.isNaN(p) ? p : q),
  equal: (p, q) => (p === q ? 1 : 0),
  notEqual: (p, q) => (p !== q ? 1 : 0),
  greater: (p, q) => (p > q ? 1 : 0),
  greaterEqual: (p, q) => (p >= q ? 1 : 0),
  less: (p, q) => (p < q ? 1 : 0),
  lessEqual: (p, q) => (p <= q ? 1 : 0),
} satisfies Record<string, Binary>;

export type BinaryOp = keyof typeof BINARY_OPS;

/** The shapes of a broadcasting binary op: the operands' and the broadcast result's. */
export interface BinaryParams {
  readonly aShape: readonly number[];
  readonly bShape: readonly number[];
  readonly outShape: readonly number[];
}

function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  return stridesOf(padded).map((s, d) => (padded[d] === 1 ? 0 : s));
}

/**
 * `out = op(a, b)` over the broadcast shape (int32 outputs truncate toward zero, as the typed array
 * stores them).
 */
export function binary(op: BinaryOp, p: BinaryParams, x: DataArray, y: DataArray, out: DataArray): void {
  const f: Binary = BINARY_OPS[op];
  const { aShape, bShape, outShape } = p;
  if (shapesEqual(aShape, bShape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(x[i], y[i]);
  } else if (y.length === 1) {
    const v = y[0];
    for (let i = 0; i < out.length; i++) out[i] = f(x[i], v);
  } else if (x.length === 1) {
    const v = x[0];
    for (let i = 0; i < out.length; i++) out[i] = f(v, y[i]);
  } else {
    // Per-channel operands ([C] or [1, 1, C] over NHWC, [1, C, 1, 1] over NCHW, [N, 1, 1] ...) are the
    // common broadcast; they index the small operand by a counter instead of the general odometer.
    const bandB = shapesEqual(aShape, outShape) ? broadcastBand(bShape, outShape) : null;
    const bandA = bandB === null && shapesEqual(bShape, outShape) ? broadcastBand(aShape, outShape) : null;
    if (bandB !== null) bandLoop(x, y, out, bandB, f, false);
    else if (bandA !== null) bandLoop(y, x, out, bandA, f, true);
    else broadcastLoop(x, y, out, broadcastStrides(aShape, outShape), broadcastStrides(bShape, outShape), outShape, f);
  }
}

/**
 * The output viewed as `[outer, mid, inner]` where a broadcast operand of shape `shape` is one contiguous
 * `[mid]` block repeated over `outer` and held constant over `inner`: its non-1 dims (after left-padding
 * with 1s) form one run that equals the output's dims there. `null` when the operand is not of that form.
 */
export function broadcastBand(shape: readonly number[], outShape: readonly number[]): { outer: number; mid: number; inner: number } | null {
  const lead = outShape.length - shape.length;
  let lo = -1;
  let hi = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] !== 1) {
      if (lo < 0) lo = d + lead;
      hi = d + lead;
    }
  }
  if (lo < 0) return null;
  let outer = 1;
  let mid = 1;
  let inner = 1;
  for (let d = 0; d < outShape.length; d++) {
    if (d < lo) outer *= outShape[d];
    else if (d > hi) inner *= outShape[d];
    else if (shape[d - lead] !== outShape[d]) return null;
    else mid *= outShape[d];
  }
  return { outer, mid, inner };
}

/**
 * `out = f(big, small)` (or `f(small, big)` when `swapped`) where `big` has the output's shape and `small`
 * is a band (see {@link broadcastBand}). Same `f` on the same pairs as `broadcastLoop`, so identical results.
 */
function bandLoop(
  big: DataArray,
  small: DataArray,
  out: DataArray,
  band: { outer: number; mid: number; inner: number },
  f: Binary,
  swapped: boolean,
): void {
  const { outer, mid, inner } = band;
  if (inner === 1) {
    // The small operand is a trailing block: index it modulo its length.
    for (let base = 0; base < out.length; base += mid) {
      if (swapped) for (let j = 0; j < mid; j++) out[base + j] = f(small[j], big[base + j]);
      else for (let j = 0; j < mid; j++) out[base + j] = f(big[base + j], small[j]);
    }
    return;
  }
  // Each small element is constant over a contiguous run of `inner` outputs.
  for (let o = 0, i = 0; o < outer; o++) {
    for (let j = 0; j < mid; j++) {
      const v = small[j];
      const end = i + inner;
      if (swapped) for (; i < end; i++) out[i] = f(v, big[i]);
      else for (; i < end; i++) out[i] = f(big[i], v);
    }
  }
}

function broadcastLoop(
  x: DataArray,
  y: DataArray,
  out: DataArray,
  xStrides: readonly number[],
  yStrides: readonly number[],
  shape: readonly number[],
  f: Binary,
): void {
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let xi = 0;
  let yi = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = f(x[xi], y[yi]);
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      xi += xStrides[d];
      yi += yStrides[d];
      if (index[d] < shape[d]) break;
      xi -= xStrides[d] * shape[d];
      yi -= yStrides[d] * shape[d];
      index[d] = 0;
    }
  }
}
