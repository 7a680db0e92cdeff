/**
 * Broadcasting and its gradient: `broadcastTo` repeats a tensor along broadcast dimensions, and
 * `sumToShape` sums a broadcast gradient back down. Each is the other's gradient, so they live together.
 */

import type { Shape } from '../engine/shape.js';
import { broadcastShapes, formatShape, shapesEqual } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { ShapeError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { reshape } from './shape-ops.js';

/** Repeats a tensor along broadcast dimensions to reach `shape` (NumPy rules). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const target = broadcastShapes(x.shape, shape);
  if (!shapesEqual(target, shape)) {
    throw new ShapeError(`cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (shapesEqual(x.shape, shape)) return x;
  const out = uninitializedTensor(shape, x.dtype);
  getBackend().movement.broadcast(x.shape, shape, x.storageHandle, out.storageHandle);
  recordOp([x], out, (dy) => [sumToShape(dy, x.shape)]);
  return out;
}

/** Sums a broadcast gradient back down to the shape of the operand it was broadcast from. */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const lead = grad.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  }
  const summed = uninitializedTensor(
    grad.shape.filter((_, i) => !axes.includes(i)),
    grad.dtype,
  );
  getBackend().reduce.reduce('sum', { shape: grad.shape, axes }, grad.storageHandle, summed.storageHandle);
  const out = reshape(summed, shape);
  recordOp([grad], out, (dy) => [broadcastTo(dy, grad.shape)]);
  return out;
}
