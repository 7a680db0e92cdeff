/** `pad`: zero padding of any axes; its gradient slices the padding back off. */

import { formatShape } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { DataArray } from '../engine/dtype.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { slice } from './slice.js';

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
  // Every output element is written exactly once (copied or zeroed), so the storage need not be zeroed first.
  const out = uninitializedTensor(outShape, x.dtype);
  const src = x.dataSync();
  const dst = out.dataSync();
  if (x.rank === 0) dst.set(src);
  else if (src.length === 0) dst.fill(0);
  else writePadded(src, dst, mergeUnpaddedAxes(x.shape, paddings), 0, 0, 0);
  if (x.dtype !== 'int32') recordOp([x], out, (dy) => [slice(dy, begin, x.shape)]);
  return out;
}

/** One axis of the padded copy: `size` source elements (in units of the next axes' block), `before`/`after` zeros. */
interface PadAxis {
  size: number;
  before: number;
  after: number;
  /** Elements per index of this axis in the source and in the output. */
  srcStride: number;
  dstStride: number;
}

/**
 * The axes with every unpadded axis folded into the one before it (an unpadded trailing block is contiguous
 * in both tensors), so that e.g. NHWC padding of H and W copies whole `W·C` rows instead of `C`-element runs.
 */
function mergeUnpaddedAxes(shape: readonly number[], paddings: Paddings): PadAxis[] {
  const merged: { size: number; before: number; after: number }[] = [];
  for (let d = 0; d < shape.length; d++) {
    const [before, after] = paddings[d];
    const last = merged[merged.length - 1];
    if (last !== undefined && before === 0 && after === 0) {
      last.size *= shape[d];
      last.before *= shape[d];
      last.after *= shape[d];
    } else {
      merged.push({ size: shape[d], before, after });
    }
  }
  const axes: PadAxis[] = merged.map((a) => ({ ...a, srcStride: 1, dstStride: 1 }));
  for (let d = axes.length - 2; d >= 0; d--) {
    const next = axes[d + 1];
    axes[d].srcStride = next.srcStride * next.size;
    axes[d].dstStride = next.dstStride * (next.before + next.size + next.after);
  }
  return axes;
}

/** Writes the output block of axis `d` at `dstOffset`: zeros before, the source block, zeros after. */
function writePadded(src: DataArray, dst: DataArray, axes: readonly PadAxis[], d: number, srcOffset: number, dstOffset: number): void {
  const { size, before, after, srcStride, dstStride } = axes[d];
  let o = dstOffset;
  if (before > 0) dst.fill(0, o, o + before * dstStride);
  o += before * dstStride;
  if (d === axes.length - 1) {
    dst.set(src.subarray(srcOffset, srcOffset + size), o);
  } else {
    for (let i = 0; i < size; i++) writePadded(src, dst, axes, d + 1, srcOffset + i * srcStride, o + i * dstStride);
  }
  o += size * dstStride;
  if (after > 0) dst.fill(0, o, o + after * dstStride);
}
