/** Separable image resampling (Keras's `Resizing`): the kernels on plain typed arrays. */
import type { FloatArray } from '../../engine/dtype.js';
import { resampleBackward, resampleForward } from './js.js';
import type { ResampleParams } from './params.js';

export type { AxisTaps, ResampleMethod, ResampleParams } from './params.js';
export { RESAMPLE_METHODS, axisTaps, resampleOutputShape, resampleSizes, resolveResampleParams } from './params.js';

/** The resample slots of a kernel backend; outputs are caller-allocated. */
export interface ResampleKernels {
  forward(p: ResampleParams, x: FloatArray, out: FloatArray): void;
  backward(p: ResampleParams, dy: FloatArray, dx: FloatArray): void;
}

/**
 * The TypeScript resample kernels, for `KernelBackend.resample`.
 *
 * @example
 * ```ts
 * typescriptResampleKernels.forward(params, x, out);
 * ```
 */
export const typescriptResampleKernels: ResampleKernels = { forward: resampleForward, backward: resampleBackward };
