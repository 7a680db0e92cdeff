/** `slice`: a rectangular block of a tensor; its gradient pads the block back with zeros. */

import type { DataArray } from '../engine/dtype.js';
import { formatShape, stridesOf } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { emptyTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { pad } from './pad.js';

/**
 * Copies the block of extent `size` starting at `srcStart` in `src` to `dstStart` in `dst` (both
 * row-major). Shared by `slice` and `pad`, which are each other's gradient. The last axis is contiguous
 * on both sides, so each run is one `set`.
 */
export function copyBlock(
  src: DataArray,
  srcShape: readonly number[],
  srcStart: readonly number[],
  dst: DataArray,
  dstShape: readonly number[],
  dstStart: readonly number[],
  size: readonly number[],
): void {
  const rank = size.length;
  if (rank === 0) {
    dst[0] = src[0];
    return;
  }
  if (size.some((d) => d === 0)) return;
  const srcStrides = stridesOf(srcShape);
  const dstStrides = stridesOf(dstShape);
  const run = size[rank - 1];
  let srcOffset = srcStart.reduce((o, b, d) => o + b * srcStrides[d], 0);
  let dstOffset = dstStart.reduce((o, b, d) => o + b * dstStrides[d], 0);
  const index = new Array<number>(rank - 1).fill(0);
  for (;;) {
    dst.set(src.subarray(srcOffset, srcOffset + run), dstOffset);
    let d = rank - 2;
    for (; d >= 0; d--) {
      index[d]++;
      srcOffset += srcStrides[d];
      dstOffset += dstStrides[d];
      if (index[d] < size[d]) break;
      srcOffset -= srcStrides[d] * size[d];
      dstOffset -= dstStrides[d] * size[d];
      index[d] = 0;
    }
    if (d < 0) return;
  }
}

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
  const out = emptyTensor(extent, x.dtype);
  copyBlock(x.dataSync(), x.shape, begin, out.dataSync(), extent, new Array<number>(rank).fill(0), extent);
  if (x.dtype !== 'int32') {
    recordOp([x], out, (dy) => [pad(dy, begin.map((b, d) => [b, x.shape[d] - b - extent[d]] as [number, number]))]);
  }
  return out;
}
