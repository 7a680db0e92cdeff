/** Rows of a table selected by an index tensor (Keras's `ops.take(table, indices, axis=0)`). */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { resolveGatherParams } from '../kernels/gather/index.js';
import { cast } from './shape-ops.js';

/**
 * `table[indices]` along the first axis: the output has shape `[...indices.shape, ...table.shape[1:]]`.
 * Indices may be int32 or float (truncated toward zero, as Keras casts them); negative ones count from
 * the end and out-of-range ones read NaN, as jax's `take`. Differentiable with respect to the table
 * (rows selected several times accumulate their gradients).
 *
 * @example
 * ```ts
 * const vectors = ops.take(embeddings, tensor([[1, 4], [0, 2]], undefined, 'int32')); // [2, 2, dim]
 * ```
 */
export function take(table: Tensor, indices: Tensor): Tensor {
  if (!isFloatDType(table.dtype)) throw new InvalidArgumentError('table', table.dtype, 'a float32 or float64 tensor', 'take');
  // Named 'gather' as before the check moved here from the kernel params, so the message is unchanged.
  if (table.rank < 1) throw new InvalidArgumentError('table', table.shape, 'a tensor of rank ≥ 1', 'gather');
  const p = resolveGatherParams(table.shape, indices.size);
  const out = uninitializedTensor([...indices.shape, ...table.shape.slice(1)], table.dtype);
  getBackend().gather.forward(p, table.storageHandle, indices.storageHandle, out.storageHandle);
  recordOp([table], out, (dy) => {
    const dTable = uninitializedTensor(table.shape, table.dtype);
    getBackend().gather.backward(p, indices.storageHandle, cast(dy, table.dtype).storageHandle, dTable.storageHandle);
    return [dTable];
  });
  return out;
}
