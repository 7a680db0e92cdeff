/** `concat`: joins tensors along one axis; its gradient slices the output gradient back into pieces. */

import { formatShape } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor, uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { slice } from './slice.js';

/** Resolves a possibly negative axis against `rank`, refusing one outside `[-rank, rank)`. */
export function normalizeConcatAxis(axis: unknown, rank: number, context: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new InvalidArgumentError('axis', axis, `an integer in [${-rank}, ${rank - 1}] (the inputs have rank ${rank})`, context);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Concatenates `tensors` along `axis` (NumPy's `concatenate`, Keras's `ops.concatenate`; a negative axis
 * counts from the end). All tensors need the same rank and dtype and equal sizes on every other axis.
 * Works for every dtype; differentiable for float tensors, each input receiving its slice of the output
 * gradient.
 *
 * @example
 * ```ts
 * const y = ops.concat([a, b], -1); // [2, 4, 4, 3] and [2, 4, 4, 5] → [2, 4, 4, 8]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0 || !tensors.every(isTensor)) {
    throw new InvalidArgumentError('tensors', tensors, 'a non-empty array of Tensors', 'concat');
  }
  const first = tensors[0];
  const rank = first.rank;
  if (rank === 0) throw new ShapeError('concat: scalars cannot be concatenated; give tensors of rank ≥ 1');
  const ax = normalizeConcatAxis(axis, rank, 'concat');
  for (const t of tensors) {
    if (t.dtype !== first.dtype) {
      throw new InvalidArgumentError('tensors', tensors.map((u) => u.dtype), `tensors of one dtype (the first is ${first.dtype})`, 'concat');
    }
    const fits = t.rank === rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!fits) {
      throw new ShapeError(
        `concat: all inputs must have the same shape except on axis ${ax}; received shapes ${tensors.map((u) => formatShape(u.shape)).join(', ')}`,
      );
    }
  }
  const outShape = [...first.shape];
  outShape[ax] = tensors.reduce((n, t) => n + t.shape[ax], 0);
  // The inputs' blocks tile the output, so every element is written.
  const out = uninitializedTensor(outShape, first.dtype);
  const zeros = new Array<number>(rank).fill(0);
  // Each input is one block of the output, offset along the axis by the inputs before it.
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    offsets.push(offset);
    const start = [...zeros];
    start[ax] = offset;
    getBackend().movement.copyBlock({ srcShape: t.shape, srcStart: zeros, dstShape: outShape, dstStart: start, size: t.shape }, t.storageHandle, out.storageHandle);
    offset += t.shape[ax];
  }
  if (first.dtype !== 'int32') {
    recordOp(tensors, out, (dy) =>
      tensors.map((t, i) => {
        const begin = [...zeros];
        begin[ax] = offsets[i];
        return slice(dy, begin, t.shape);
      }),
    );
  }
  return out;
}
