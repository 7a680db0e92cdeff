/** 2D resize kernels on plain typed arrays (the naive reference is test-only). */
import type { FloatArray } from '../../engine/dtype.js';
import { bilinearResizeBackward, bilinearResizeForward } from './js.js';
import type { ResizeParams } from './params.js';

export type { FloatArray } from '../../engine/dtype.js';
export type { DataFormat, ResizeParams } from './params.js';
export { resizeOutputShape, resizeSizes, resolveResizeParams } from './params.js';
export { bilinearResizeBackward, bilinearResizeForward } from './js.js';

/** The resize slots of a kernel backend; outputs are caller-allocated. */
export interface ResizeKernels {
  bilinearForward(p: ResizeParams, x: FloatArray, out: FloatArray): void;
  bilinearBackward(p: ResizeParams, dy: FloatArray, dx: FloatArray): void;
}

/**
 * The TypeScript resize kernels, for `KernelBackend.resize`.
 *
 * @example
 * ```ts
 * typescriptResizeKernels.bilinearForward(params, x, out);
 * ```
 */
export const typescriptResizeKernels: ResizeKernels = {
  bilinearForward: bilinearResizeForward,
  bilinearBackward: bilinearResizeBackward,
};
