/**
 * Unary elementwise functions as a table of (value, derivative) pairs. One generic op applies any entry
 * and records `dy * f'(x)`, so a new function (an activation, say) needs no gradient code of its own.
 */

import { clippedRelu } from './clipped-relu.js';
import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { PointwiseFn } from '../kernels/elementwise/index.js';
import { clipFunction, POINTWISE } from '../kernels/elementwise/index.js';
import { cast } from './shape-ops.js';

export type { PointwiseFn } from '../kernels/elementwise/index.js';
export { POINTWISE, softplusValue } from '../kernels/elementwise/index.js';

/** Applies a pointwise function from the table to every element, recording its gradient. */
export function mapPointwise(x: Tensor, fn: PointwiseFn): Tensor {
  if (!isFloatDType(x.dtype)) {
    throw new InvalidArgumentError('x', x.dtype, `a float32 or float64 tensor for ${fn.name}`);
  }
  const out = uninitializedTensor(x.shape, x.dtype);
  getBackend().elementwise.unary(fn, x.storageHandle, out.storageHandle);
  recordOp([x], out, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().elementwise.unaryBackward(fn, x.storageHandle, out.storageHandle, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return out;
}

/** e^x. */
export const exp = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.exp);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.log);
/** log(1 + x). */
export const log1p = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.log1p);
/** Square root. */
export const sqrt = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.sqrt);
/** x². */
export const square = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.square);
/** |x| (gradient 0 at 0). */
export const abs = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.abs);
/** -1, 0 or 1 (gradient 0). */
export const sign = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.sign);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.tanh);
/** Logistic sigmoid, computed without overflow. */
export const sigmoid = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.sigmoid);
/** max(x, 0). */
export const relu = (x: Tensor): Tensor => clippedRelu(x, null);
/** The error function. */
export const erfOp = (x: Tensor): Tensor => mapPointwise(x, POINTWISE.erf);

/** Clamps to [lo, hi]; the gradient is 1 strictly inside and at the bounds, 0 outside. */
export function clip(x: Tensor, lo: number, hi: number): Tensor {
  return mapPointwise(x, clipFunction(lo, hi));
}
