/** Max and average pooling kernels of any rank on plain typed arrays (the naive reference is test-only). */
import type { FloatArray } from '../../engine/dtype.js';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './js.js';
import type { PoolParams } from './params.js';

export type { DataFormat, Padding, PoolOptions, PoolParams } from './params.js';
export { poolOutputShape, poolSizes, resolvePoolParams } from './params.js';
export { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward } from './js.js';

/** The pooling slots of a kernel backend: four functions writing into caller-allocated outputs. */
export interface PoolKernels {
  maxForward(p: PoolParams, x: FloatArray, out: FloatArray): void;
  maxBackward(p: PoolParams, x: FloatArray, dy: FloatArray, dx: FloatArray): void;
  avgForward(p: PoolParams, x: FloatArray, out: FloatArray): void;
  avgBackward(p: PoolParams, dy: FloatArray, dx: FloatArray): void;
}

/**
 * The TypeScript pooling kernels, for `KernelBackend.pooling`.
 *
 * @example
 * ```ts
 * typescriptPoolKernels.maxForward(params, x, out);
 * ```
 */
export const typescriptPoolKernels: PoolKernels = {
  maxForward: maxPoolForward,
  maxBackward: maxPoolBackward,
  avgForward: avgPoolForward,
  avgBackward: avgPoolBackward,
};
