/** `oneHot`: integer class labels to one-hot rows, refusing labels a class axis cannot hold. */

import type { DType } from '../engine/dtype.js';
import { parseDType } from '../engine/dtype.js';
import { stridesOf } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import { InvalidArgumentError } from '../errors.js';
import { assertTensor } from './convert.js';

/** `[i, j, ...]`, the position of flat element `flat` in a tensor of `shape`, for error messages. */
export function formatIndex(flat: number, shape: readonly number[]): string {
  const strides = stridesOf(shape);
  const index = strides.map((s, d) => Math.floor(flat / s) % shape[d]);
  return `[${index.join(', ')}]`;
}

/**
 * Checks that every element of `labels` is an integer class index in [0, depth), except elements equal to
 * `ignore`. Throws naming the first offending label, its index and the number of classes: jax's one_hot
 * would silently give an all-zero row (a zero loss), and casting 1.5 to int32 would silently pick class 1.
 */
export function assertClassIndices(
  labels: Tensor,
  depth: number,
  argument: string,
  context: string,
  ignore?: number | null,
): void {
  const data = labels.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (ignore !== undefined && ignore !== null && v === ignore) continue;
    if (!Number.isInteger(v) || v < 0 || v >= depth) {
      throw new InvalidArgumentError(
        argument,
        v,
        `integer class indices in [0, ${depth}) for ${depth} classes`,
        `${context}: label at index ${formatIndex(i, labels.shape)}`,
      );
    }
  }
}

/**
 * One-hot encodes integer labels: the output has `indices`' shape plus a last axis of `depth`, with 1 at
 * each label's position. Not differentiable (labels are data, not parameters).
 *
 * @param indices Labels of any dtype holding integer values in [0, depth).
 * @param depth The number of classes, a positive integer.
 * @param dtype The output dtype; `float32` by default.
 * @throws InvalidArgumentError for a bad `depth` or `dtype`, and for a label that is not an integer in
 *   [0, depth), naming the label, its index and the number of classes.
 *
 * @example
 * ```ts
 * oneHot(tensor([2, 0], [2], 'int32'), 3).arraySync(); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(indices: Tensor, depth: number, dtype: DType = 'float32'): Tensor {
  assertTensor(indices, 'indices');
  if (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 1) {
    throw new InvalidArgumentError('depth', depth, 'a positive integer', 'oneHot');
  }
  const outDType = parseDType(dtype);
  assertClassIndices(indices, depth, 'indices', 'oneHot');
  const out = uninitializedTensor([...indices.shape, depth], outDType);
  getBackend().movement.oneHot(depth, indices.storageHandle, out.storageHandle);
  return out;
}
