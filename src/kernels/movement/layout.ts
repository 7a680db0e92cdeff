/** Element moves that change the layout: transpose, broadcast, repeat, one-hot. */

import type { DataArray } from '../../engine/dtype.js';
import { stridesOf } from '../../engine/shape.js';

/** `out[i] = x[perm-permuted i]`: `out` has shape `perm.map((a) => shape[a])`. */
export function transpose(shape: readonly number[], perm: readonly number[], src: DataArray, dst: DataArray): void {
  const rank = shape.length;
  const outShape = perm.map((a) => shape[a]);
  const inStrides = stridesOf(shape);
  const permutedStrides = perm.map((a) => inStrides[a]);
  const index = new Array<number>(rank).fill(0);
  let srcOffset = 0;
  for (let i = 0; i < dst.length; i++) {
    dst[i] = src[srcOffset];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      srcOffset += permutedStrides[d];
      if (index[d] < outShape[d]) break;
      srcOffset -= permutedStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** Repeats `x` (of `shape`) along broadcast dimensions into `out` (of `outShape`), NumPy's rules. */
export function broadcast(shape: readonly number[], outShape: readonly number[], src: DataArray, dst: DataArray): void {
  const rank = outShape.length;
  const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const inStrides = stridesOf(padded).map((s, d) => (padded[d] === 1 ? 0 : s));
  const index = new Array<number>(rank).fill(0);
  let srcOffset = 0;
  for (let i = 0; i < dst.length; i++) {
    dst[i] = src[srcOffset];
    for (let d = rank - 1; d >= 0; d--) {
      index[d]++;
      srcOffset += inStrides[d];
      if (index[d] < outShape[d]) break;
      srcOffset -= inStrides[d] * outShape[d];
      index[d] = 0;
    }
  }
}

/** The input viewed as `[outer, length, inner]`, each `inner` run repeated `repeats` times consecutively. */
export interface RepeatParams {
  readonly outer: number;
  readonly length: number;
  readonly inner: number;
  readonly repeats: number;
}

/** NumPy's `repeat` along one axis: `[a, b]` → `[a, a, b, b]`. */
export function repeat(p: RepeatParams, src: DataArray, dst: DataArray): void {
  const { outer, length, inner, repeats } = p;
  let o = 0;
  for (let i = 0, s = 0; i < outer * length; i++, s += inner) {
    const run = src.subarray(s, s + inner);
    for (let r = 0; r < repeats; r++, o += inner) dst.set(run, o);
  }
}

/** One-hot rows: `out` (`indices.length × depth`) gets 1 at each index's position, 0 elsewhere. */
export function oneHot(depth: number, indices: DataArray, out: DataArray): void {
  out.fill(0);
  for (let i = 0; i < indices.length; i++) out[i * depth + indices[i]] = 1;
}
