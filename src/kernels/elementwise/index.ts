/**
 * The elementwise family: fill, cast, the pointwise function table with its derivatives, broadcasting
 * binary arithmetic and select. The TypeScript loops here are every CPU backend's implementation.
 */
import type { DataArray, FloatArray } from '../../engine/dtype.js';
import type { BinaryOp, BinaryParams } from './binary.js';
import { binary } from './binary.js';
import type { PointwiseFn } from './pointwise-functions.js';

export type { BinaryOp, BinaryParams } from './binary.js';
export { BINARY_OPS, broadcastBand } from './binary.js';
export type { PointwiseFn } from './pointwise-functions.js';
export { POINTWISE, clipFunction, softplusValue } from './pointwise-functions.js';

export interface ElementwiseKernels {
  /** Every element of `out` set to `value` (as the dtype stores it). */
  fill(out: DataArray, value: number): void;
  /** `out = x` converted to `out`'s dtype; float to int32 truncates toward zero (Keras's cast). */
  cast(x: DataArray, out: DataArray): void;
  /** `out = fn.f(x)` elementwise. */
  unary(fn: PointwiseFn, x: FloatArray, out: FloatArray): void;
  /** `dx = dy * fn.df(x, y)` elementwise (0 where `dy` is 0, so an infinite derivative times 0 stays 0). */
  unaryBackward(fn: PointwiseFn, x: FloatArray, y: FloatArray, dy: FloatArray, dx: FloatArray): void;
  /** `out = op(a, b)` with NumPy broadcasting over `p`'s shapes. */
  binary(op: BinaryOp, p: BinaryParams, a: DataArray, b: DataArray, out: DataArray): void;
  /** `out = condition != 0 ? a : b`, all four of one length. */
  select(condition: DataArray, a: DataArray, b: DataArray, out: DataArray): void;
}

/**
 * The TypeScript implementations.
 *
 * @example
 * ```ts
 * typescriptElementwiseKernels.binary('add', { aShape: [2], bShape: [], outShape: [2] }, a, b, out);
 * ```
 */
export const typescriptElementwiseKernels: ElementwiseKernels = {
  fill(out, value): void {
    out.fill(value);
  },
  cast(x, out): void {
    if (out instanceof Int32Array && !(x instanceof Int32Array)) {
      for (let i = 0; i < x.length; i++) out[i] = Math.trunc(x[i]);
    } else {
      out.set(x);
    }
  },
  unary(fn, x, out): void {
    const f = fn.f;
    for (let i = 0; i < x.length; i++) out[i] = f(x[i]);
  },
  unaryBackward(fn, x, y, dy, dx): void {
    const df = fn.df;
    for (let i = 0; i < x.length; i++) dx[i] = dy[i] === 0 ? 0 : dy[i] * df(x[i], y[i]);
  },
  binary,
  select(condition, a, b, out): void {
    for (let i = 0; i < out.length; i++) out[i] = condition[i] !== 0 ? a[i] : b[i];
  },
};
