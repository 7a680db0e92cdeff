/**
 * The movement family: kernels that move elements without arithmetic. The TypeScript loops are every CPU
 * backend's implementation.
 */
import type { DataArray } from '../../engine/dtype.js';
import type { CopyBlockParams, Paddings } from './copy.js';
import { copyBlock, gatherRows, pad } from './copy.js';
import type { RepeatParams } from './layout.js';
import { broadcast, oneHot, repeat, transpose } from './layout.js';

export type { CopyBlockParams, Paddings } from './copy.js';
export type { RepeatParams } from './layout.js';

export interface MovementKernels {
  /** `out` = `x` (of `shape`) with its axes permuted by `perm`. */
  transpose(shape: readonly number[], perm: readonly number[], x: DataArray, out: DataArray): void;
  /** `out` (of `outShape`) = `x` (of `shape`) repeated along broadcast dimensions. */
  broadcast(shape: readonly number[], outShape: readonly number[], x: DataArray, out: DataArray): void;
  /** Copies a block of `src` into `dst`; the rest of `dst` is untouched. */
  copyBlock(p: CopyBlockParams, src: DataArray, dst: DataArray): void;
  /** `out` = `x` (of `shape`) with zeros around it; every element of `out` is written. */
  pad(shape: readonly number[], paddings: Paddings, x: DataArray, out: DataArray): void;
  /** Each element repeated `p.repeats` times along one axis. */
  repeat(p: RepeatParams, x: DataArray, out: DataArray): void;
  /** Rows `indices` (of `rowSize` elements each) of `x`, in order. */
  gatherRows(rowSize: number, indices: ArrayLike<number>, x: DataArray, out: DataArray): void;
  /** One-hot rows of `depth` for integer `indices` (already checked to lie in [0, depth)). */
  oneHot(depth: number, indices: DataArray, out: DataArray): void;
}

/**
 * The TypeScript implementations.
 *
 * @example
 * ```ts
 * typescriptMovementKernels.transpose([2, 3], [1, 0], x, out);
 * ```
 */
export const typescriptMovementKernels: MovementKernels = { transpose, broadcast, copyBlock, pad, repeat, gatherRows, oneHot };
