/**
 * Elementwise binary arithmetic with NumPy broadcasting. Each op is one loop plus its gradient rule;
 * comparison ops return 1/0 in the operands' dtype, which is what masks in gradient rules need.
 */

import type { DataArray, DType } from '../engine/dtype.js';
import { allocArray } from '../engine/dtype.js';
import { broadcastShapes, shapesEqual, stridesOf } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor, tensorFromArray } from '../engine/tensor.js';
import type { TensorOrNumber } from './convert.js';
import { asTensor, binaryDType } from './convert.js';
import { sumToShape } from './reduce.js';
import { broadcastTo, cast, stopGradient } from './shape-ops.js';

type Binary = (a: number, b: number) => number;

function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const padded = [...new Array<number>(outShape.length - shape.length).fill(1), ...shape];
  return stridesOf(padded).map((s, d) => (padded[d] === 1 ? 0 : s));
}

/** Applies `f` elementwise over the broadcast shape of `a` and `b`, computing in `dtype`. */
export function mapBinary(a: Tensor, b: Tensor, dtype: DType, f: Binary): Tensor {
  const outShape = broadcastShapes(a.shape, b.shape);
  const result = uninitializedTensor(outShape, dtype);
  const out = result.dataSync();
  const x = a.dataSync();
  const y = b.dataSync();
  if (shapesEqual(a.shape, b.shape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(x[i], y[i]);
  } else if (b.size === 1) {
    const v = y[0];
    for (let i = 0; i < out.length; i++) out[i] = f(x[i], v);
  } else if (a.size === 1) {
    const v = x[0];
    for (let i = 0; i < out.length; i++) out[i] = f(v, y[i]);
  } else {
    // Per-channel operands ([C] or [1, 1, C] over NHWC, [1, C, 1, 1] over NCHW, [N, 1, 1] ...) are the
    // common broadcast; they index the small operand by a counter instead of the general odometer.
    const bandB = shapesEqual(a.shape, outShape) ? broadcastBand(b.shape, outShape) : null;
    const bandA = bandB === null && shapesEqual(b.shape, outShape) ? broadcastBand(a.shape, outShape) : null;
    if (bandB !== null) bandLoop(x, y, out, bandB, f, false);
    else if (bandA !== null) bandLoop(y, x, out, bandA, f, true);
    else broadcastLoop(x, y, out, broadcastStrides(a.shape, outShape), broadcastStrides(b.shape, outShape), outShape, f);
  }
  return result;
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

function operands(a: TensorOrNumber, b: TensorOrNumber): [Tensor, Tensor, DType] {
  const dtype = binaryDType(a, b);
  return [cast(asTensor(a, dtype, 'a'), dtype), cast(asTensor(b, dtype, 'b'), dtype), dtype];
}

/** a + b with broadcasting. @example `add(x, 1)` */
export function add(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => p + q);
  recordOp([x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(dy, y.shape)]);
  return out;
}

/** a - b with broadcasting. @example `sub(x, y)` */
export function sub(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => p - q);
  recordOp([x, y], out, (dy) => [sumToShape(dy, x.shape), sumToShape(neg(dy), y.shape)]);
  return out;
}

/** a * b with broadcasting. @example `mul(x, 2)` */
export function mul(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => p * q);
  recordOp([x, y], out, (dy) => [sumToShape(mul(dy, y), x.shape), sumToShape(mul(dy, x), y.shape)]);
  return out;
}

/** a / b with broadcasting. @example `div(x, 4)` */
export function div(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, dtype === 'int32' ? (p, q) => Math.trunc(p / q) : (p, q) => p / q);
  recordOp([x, y], out, (dy) => [
    sumToShape(div(dy, y), x.shape),
    sumToShape(neg(div(mul(dy, out), y)), y.shape),
  ]);
  return out;
}

/** a ** b with broadcasting. @example `pow(x, 2)` */
export function pow(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => p ** q);
  recordOp([x, y], out, (dy) => [
    sumToShape(mul(dy, mul(y, pow(x, sub(y, 1)))), x.shape),
    // d/db a^b = a^b ln a; defined as 0 where a == 0 so that 0^b does not poison the gradient with NaN.
    sumToShape(mul(dy, mapBinary(out, x, dtype, (o, p) => (p === 0 ? 0 : o * Math.log(p)))), y.shape),
  ]);
  return out;
}

function selectGradient(x: Tensor, y: Tensor, dtype: DType, pickA: Binary) {
  return (dy: Tensor) => {
    const maskA = mapBinary(x, y, dtype, pickA);
    const maskB = mapBinary(x, y, dtype, (p, q) => 1 - pickA(p, q));
    return [sumToShape(mul(dy, maskA), x.shape), sumToShape(mul(dy, maskB), y.shape)];
  };
}

/** Elementwise maximum; on ties the gradient goes to `a`. @example `maximum(x, 0)` */
export function maximum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => (p >= q || Number.isNaN(p) ? p : q));
  recordOp([x, y], out, selectGradient(x, y, dtype, (p, q) => (p >= q ? 1 : 0)));
  return out;
}

/** Elementwise minimum; on ties the gradient goes to `a`. @example `minimum(x, 6)` */
export function minimum(a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const out = mapBinary(x, y, dtype, (p, q) => (p <= q || Number.isNaN(p) ? p : q));
  recordOp([x, y], out, selectGradient(x, y, dtype, (p, q) => (p <= q ? 1 : 0)));
  return out;
}

function comparison(f: (p: number, q: number) => boolean) {
  return (a: TensorOrNumber, b: TensorOrNumber): Tensor => {
    const [x, y, dtype] = operands(a, b);
    return mapBinary(x, y, dtype, (p, q) => (f(p, q) ? 1 : 0));
  };
}

/** 1 where a == b, else 0 (no gradient). */
export const equal = comparison((p, q) => p === q);
/** 1 where a > b, else 0 (no gradient). */
export const greater = comparison((p, q) => p > q);
/** 1 where a >= b, else 0 (no gradient). */
export const greaterEqual = comparison((p, q) => p >= q);
/** 1 where a < b, else 0 (no gradient). */
export const less = comparison((p, q) => p < q);
/** 1 where a <= b, else 0 (no gradient). */
export const lessEqual = comparison((p, q) => p <= q);

/** -x. */
export function neg(x: Tensor): Tensor {
  return mul(x, -1);
}

/** Picks `a` where `condition` is non-zero, else `b`; the gradient flows to the picked side only. @example `where(greater(x, 0), x, 0)` */
export function where(condition: Tensor, a: TensorOrNumber, b: TensorOrNumber): Tensor {
  const [x, y, dtype] = operands(a, b);
  const shape = broadcastShapes(condition.shape, broadcastShapes(x.shape, y.shape));
  const m = broadcastTo(stopGradient(condition), shape).dataSync();
  const xs = broadcastTo(stopGradient(x), shape).dataSync();
  const ys = broadcastTo(stopGradient(y), shape).dataSync();
  const out = uninitializedTensor(shape, dtype);
  const picked = out.dataSync();
  const maskA = allocArray(dtype, m.length);
  for (let i = 0; i < m.length; i++) {
    maskA[i] = m[i] !== 0 ? 1 : 0;
    picked[i] = m[i] !== 0 ? xs[i] : ys[i];
  }
  recordOp([x, y], out, (dy) => {
    const mask = tensorFromArray(maskA, shape, dtype);
    return [sumToShape(mul(dy, mask), x.shape), sumToShape(sub(dy, mul(dy, mask)), y.shape)];
  });
  return out;
}
