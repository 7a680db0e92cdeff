/** 2D max and average pooling kernels on plain typed arrays (the naive reference is test-only). */
import type { FloatArray } from '../../engine/dtype.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './js.js';
import type { Pool2dParams } from './params.js';

export type { FloatArray } from '../../engine/dtype.js';
export type { DataFormat, Padding, Pool2dOptions, Pool2dParams } from './params.js';
export { pool2dOutputShape, pool2dSizes, resolvePool2dParams } from './params.js';
export { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from './js.js';

/**
 * The pooling slots of a kernel backend; a WebAssembly backend supplies the same four functions, which
 * write into caller-allocated outputs.
 */
export interface Pool2dKernels {
  maxForward(p: Pool2dParams, x: FloatArray, out: FloatArray): void;
  maxBackward(p: Pool2dParams, x: FloatArray, dy: FloatArray, dx: FloatArray): void;
  avgForward(p: Pool2dParams, x: FloatArray, out: FloatArray): void;
  avgBackward(p: Pool2dParams, dy: FloatArray, dx: FloatArray): void;
}

/**
 * The TypeScript pooling kernels, for `KernelBackend.pool2d`.
 *
 * @example
 * ```ts
 * typescriptPool2dKernels.maxForward(params, x, out);
 * ```
 */
export const typescriptPool2dKernels: Pool2dKernels = {
  maxForward: maxPool2dForward,
  maxBackward: maxPool2dBackward,
  avgForward: avgPool2dForward,
  avgBackward: avgPool2dBackward,
};
