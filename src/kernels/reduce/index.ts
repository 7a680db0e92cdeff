/** The reduce family: sum, max and min over axes. The TypeScript loops are every CPU backend's implementation. */
import type { DataArray } from '../../engine/dtype.js';
import type { ReduceOp, ReduceParams } from './js.js';
import { reduce } from './js.js';

export type { ReduceOp, ReduceParams } from './js.js';
export { reductionBand } from './js.js';

export interface ReduceKernels {
  /** `out` (the input's size with the reduced axes removed) = op over `p.axes` of `x`. */
  reduce(op: ReduceOp, p: ReduceParams, x: DataArray, out: DataArray): void;
}

/**
 * The TypeScript implementation.
 *
 * @example
 * ```ts
 * typescriptReduceKernels.reduce('sum', { shape: [2, 3], axes: [1] }, x, out);
 * ```
 */
export const typescriptReduceKernels: ReduceKernels = { reduce };
