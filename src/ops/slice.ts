/**
 * `slice` and `pad`: a rectangular block of a tensor, and a tensor with zeros around it. Each is the
 * other's gradient, so they live together.
 */

import { formatShape } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { Paddings } from '../kernels/movement/index.js';

export type { Paddings } from '../kernels/movement/index.js';

/**
 * The block of `x` starting at `begin` with extent `size` per axis (TensorFlow's `slice`; a size of -1
 * means "to the end of the axis"). Works for every dtype; differentiable for float tensors, the gradient
 * being the output gradient zero-padded back to `x`'s shape.
 *
 * @example
 * ```ts
 * const crop = ops.slice(x, [0, 1, 1, 0], [-1, 6, 6, -1]); // [1, 8, 8, 3] → [1, 6, 6, 3]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  const rank = x.rank;
  if (!Array.isArray(begin) || begin.length !== rank || !begin.every((b) => Number.isInteger(b) && b >= 0)) {
    throw new InvalidArgumentError('begin', begin, `an array of ${rank} non-negative integers (one per axis of x)`, 'slice');
  }
  if (!Array.isArray(size) || size.length !== rank || !size.every((s) => Number.isInteger(s) && s >= -1)) {
    throw new InvalidArgumentError('size', size, `an array of ${rank} integers ≥ 0, or -1 for "to the end"`, 'slice');
  }
  const extent = size.map((s, d) => (s === -1 ? x.shape[d] - begin[d] : s));
  extent.forEach((s, d) => {
    if (s < 0 || begin[d] + s > x.shape[d]) {
      throw new ShapeError(
        `slice: begin ${formatShape(begin)} with size ${formatShape(size)} does not fit in axis ${d} of the input of shape ${formatShape(x.shape)}`,
      );
    }
  });
  const out = uninitializedTensor(extent, x.dtype);
  const zeros = new Array<number>(rank).fill(0);
  getBackend().movement.copyBlock({ srcShape: x.shape, srcStart: begin, dstShape: extent, dstStart: zeros, size: extent }, x.storageHandle, out.storageHandle);
  if (x.dtype !== 'int32') {
    recordOp([x], out, (dy) => [pad(dy, begin.map((b, d) => [b, x.shape[d] - b - extent[d]] as [number, number]))]);
  }
  return out;
}

function isPair(value: unknown): value is readonly [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v >= 0);
}

/**
 * Pads `x` with zeros: `paddings[d] = [before, after]` for every axis `d` (Keras's `ops.pad` with constant
 * 0). Works for every dtype; differentiable for float tensors, the gradient being the output gradient
 * with the padding sliced off.
 *
 * @example
 * ```ts
 * const y = ops.pad(x, [[0, 0], [1, 1], [2, 2], [0, 0]]); // [1, 4, 4, 3] → [1, 6, 8, 3]
 * ```
 */
export function pad(x: Tensor, paddings: Paddings): Tensor {
  if (!Array.isArray(paddings) || paddings.length !== x.rank || !paddings.every(isPair)) {
    throw new InvalidArgumentError(
      'paddings',
      paddings,
      `an array of ${x.rank} pairs [before, after] of non-negative integers (one per axis of x, shape ${formatShape(x.shape)})`,
      'pad',
    );
  }
  const begin = paddings.map(([before]) => before);
  const outShape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  // Every output element is written exactly once (copied or zeroed), so the storage need not be zeroed first.
  const out = uninitializedTensor(outShape, x.dtype);
  getBackend().movement.pad(x.shape, paddings, x.storageHandle, out.storageHandle);
  if (x.dtype !== 'int32') recordOp([x], out, (dy) => [slice(dy, begin, x.shape)]);
  return out;
}


/**
 * Rows `indices` of `x` along its first axis, in order (repeats allowed): how data batches are cut. Not
 * differentiable (batching takes data, not parameters).
 *
 * @example
 * ```ts
 * const batch = ops.gatherRows(x, [3, 0, 7]); // [10, 28, 28, 1] → [3, 28, 28, 1]
 * ```
 */
export function gatherRows(x: Tensor, indices: ArrayLike<number>): Tensor {
  if (x.rank === 0) throw new InvalidArgumentError('x', x.shape, 'a tensor with a first axis to take rows from', 'gatherRows');
  const rows = x.shape[0];
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i];
    if (!Number.isInteger(r) || r < 0 || r >= rows) {
      throw new InvalidArgumentError('indices', r, `integer row indices in [0, ${rows})`, 'gatherRows');
    }
  }
  const out = uninitializedTensor([indices.length, ...x.shape.slice(1)], x.dtype);
  getBackend().movement.gatherRows(rows === 0 ? 0 : x.size / rows, indices, x.storageHandle, out.storageHandle);
  return out;
}
