/** Ops that move or reinterpret elements without arithmetic: reshape, transpose, cast. */

import type { DType } from '../engine/dtype.js';
import { parseDType } from '../engine/dtype.js';
import { formatShape, sizeOf } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorWithShape, uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';

/** Same elements, new shape; one dimension may be -1. @example `reshape(x, [2, -1])` */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const inferredIndex = shape.indexOf(-1);
  const known = sizeOf(shape.filter((d) => d !== -1));
  const resolved = [...shape];
  if (inferredIndex >= 0) {
    if (shape.lastIndexOf(-1) !== inferredIndex || known === 0 || x.size % known !== 0) {
      throw new InvalidArgumentError('shape', shape, `a shape with at most one -1 whose size divides ${x.size}`);
    }
    resolved[inferredIndex] = x.size / known;
  }
  if (!resolved.every((d) => Number.isInteger(d) && d >= 0) || sizeOf(resolved) !== x.size) {
    throw new ShapeError(`cannot reshape a tensor of shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  const out = tensorWithShape(x, resolved);
  recordOp([x], out, (dy) => [reshape(dy, x.shape)]);
  return out;
}

/** Permutes axes; the default reverses them. @example `transpose(x, [0, 3, 1, 2])` */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const rank = x.rank;
  const order = perm ? [...perm] : Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...order].sort((a, b) => a - b);
  if (order.length !== rank || !sorted.every((a, i) => a === i)) {
    throw new InvalidArgumentError('perm', perm, `a permutation of 0..${rank - 1}`);
  }
  const out = uninitializedTensor(
    order.map((a) => x.shape[a]),
    x.dtype,
  );
  getBackend().movement.transpose(x.shape, order, x.storageHandle, out.storageHandle);
  const inverse = new Array<number>(rank);
  order.forEach((a, i) => (inverse[a] = i));
  recordOp([x], out, (dy) => [transpose(dy, inverse)]);
  return out;
}

/** Converts to another dtype; gradients flow back cast to the source dtype. @example `cast(x, 'float64')` */
export function cast(x: Tensor, dtype: DType): Tensor {
  parseDType(dtype);
  if (x.dtype === dtype) return x;
  const out = uninitializedTensor(x.shape, dtype);
  getBackend().elementwise.cast(x.storageHandle, out.storageHandle);
  if (dtype !== 'int32' && x.dtype !== 'int32') recordOp([x], out, (dy) => [cast(dy, x.dtype)]);
  return out;
}

/** A copy in fresh memory (Keras's `ops.copy`); the gradient passes through. @example `copy(x)` */
export function copy(x: Tensor): Tensor {
  const out = uninitializedTensor(x.shape, x.dtype);
  getBackend().elementwise.cast(x.storageHandle, out.storageHandle);
  recordOp([x], out, (dy) => [dy]);
  return out;
}

/** The same values with no gradient flowing through. */
export function stopGradient(x: Tensor): Tensor {
  return tensorWithShape(x, x.shape);
}
