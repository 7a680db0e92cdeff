/** `pad`: zero padding of any axes; its gradient slices the padding back off. */

import { formatShape } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { emptyTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { copyBlock, slice } from './slice.js';

/** Per axis, the number of zeros to add `[before, after]`. */
export type Paddings = readonly (readonly [number, number])[];

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
  const out = emptyTensor(outShape, x.dtype);
  copyBlock(x.dataSync(), x.shape, new Array<number>(x.rank).fill(0), out.dataSync(), outShape, begin, x.shape);
  if (x.dtype !== 'int32') recordOp([x], out, (dy) => [slice(dy, begin, x.shape)]);
  return out;
}
