/** Fan-in / fan-out of a weight shape, exactly as Keras's `compute_fans`. */

import { InvalidArgumentError } from '../errors.js';
import { formatShape } from '../engine/shape.js';

export interface Fans {
  fanIn: number;
  fanOut: number;
}

function productOver(shape: readonly number[], axes: readonly number[], argument: string): number {
  const rank = shape.length;
  let product = 1;
  for (const axis of axes) {
    // Python indexing: negative axes count from the end; anything else out of range is an IndexError there.
    if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
      throw new InvalidArgumentError(
        argument,
        axes,
        `axes in [${-rank}, ${rank - 1}] for a weight of shape ${formatShape(shape)}`,
        'computeFans',
      );
    }
    product *= shape[axis < 0 ? axis + rank : axis];
  }
  return product;
}

/**
 * The number of input and output units of a weight of `shape`, as Keras 3's `compute_fans`.
 *
 * Without axes: rank 0 → (1, 1); rank 1 → (n, n); rank 2 → (shape[0], shape[1]); rank ≥ 3 (a convolution
 * kernel `(..., in, out)`) → receptive = prod(shape[:-2]), (shape[-2]·receptive, shape[-1]·receptive). For a
 * depthwise kernel `[kh, kw, C, dm]` that is (C·kh·kw, dm·kh·kw): fan_in is C times the true per-channel
 * fan-in. Keras 3.15's `input_axes` / `output_axes` fix that: fan_in = prod(shape[a] for a in input_axes),
 * fan_out likewise; e.g. input_axes [0, 1] and output_axes [0, 1, 3] give (kh·kw, kh·kw·dm).
 * Keras uses the axes only when **both** are given; with just one of them it silently falls back to the
 * defaults for both fans, and so do we (for compatibility with saved Keras configs).
 *
 * @example
 * ```ts
 * computeFans([3, 3, 64, 1]); // { fanIn: 576, fanOut: 9 }
 * computeFans([3, 3, 64, 1], [0, 1], [0, 1, 3]); // { fanIn: 9, fanOut: 9 }
 * ```
 */
export function computeFans(
  shape: readonly number[],
  inputAxes: readonly number[] | null = null,
  outputAxes: readonly number[] | null = null,
): Fans {
  if (inputAxes !== null && outputAxes !== null) {
    return {
      fanIn: productOver(shape, inputAxes, 'inputAxes'),
      fanOut: productOver(shape, outputAxes, 'outputAxes'),
    };
  }
  const rank = shape.length;
  if (rank < 1) return { fanIn: 1, fanOut: 1 };
  if (rank === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (rank === 2) return { fanIn: shape[0], fanOut: shape[1] };
  let receptive = 1;
  for (let i = 0; i < rank - 2; i++) receptive *= shape[i];
  return { fanIn: shape[rank - 2] * receptive, fanOut: shape[rank - 1] * receptive };
}
