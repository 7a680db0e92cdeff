/** Copies of rectangular blocks between row-major tensors: slice, concat, pad, and rows by index. */

import type { DataArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';

/** A block of extent `size` at `srcStart` in a tensor of `srcShape`, copied to `dstStart` in one of `dstShape`. */
export interface CopyBlockParams {
  readonly srcShape: readonly number[];
  readonly srcStart: readonly number[];
  readonly dstShape: readonly number[];
  readonly dstStart: readonly number[];
  readonly size: readonly number[];
}

/** Per axis, the number of zeros to add `[before, after]`. */
export type Paddings = readonly (readonly [number, number])[];

/**
 * Copies the block of extent `size` starting at `srcStart` in `src` to `dstStart` in `dst` (both
 * row-major): `slice` and `concat`, and their gradients. The last axis is contiguous on both sides, so
 * each run is one `set`.
 */
export function copyBlock(p: CopyBlockParams, src: DataArray, dst: DataArray): void {
  const { srcShape, srcStart, dstShape, dstStart, size } = p;
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
 * `out` = `x` (of `shape`) with `paddings` zeros around it. Every output element is written exactly once
 * (copied or zeroed), so `out` need not be zeroed first.
 */
export function pad(shape: readonly number[], paddings: Paddings, src: DataArray, dst: DataArray): void {
  if (shape.length === 0) dst.set(src);
  else if (src.length === 0) dst.fill(0);
  else writePadded(src, dst, mergeUnpaddedAxes(shape, paddings), 0, 0, 0);
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

/** Rows `indices` of a tensor along its first axis (rows of `rowSize` elements), in order, into `out`. */
export function gatherRows(rowSize: number, indices: ArrayLike<number>, src: DataArray, out: DataArray): void {
  for (let i = 0; i < indices.length; i++) {
    const start = indices[i] * rowSize;
    out.set(src.subarray(start, start + rowSize), i * rowSize);
  }
}
