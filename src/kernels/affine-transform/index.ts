/** Per-image affine resampling (the affine augmentation layers): the kernels on plain typed arrays. */
import type { FloatArray } from '../../engine/dtype.js';
import { affineTransformBackward, affineTransformForward } from './js.js';
import type { AffineTransformParams } from './params.js';

export type { AffineInterpolation, AffineTransformParams, FillMode } from './params.js';
export { FILL_MODES, resolveAffineTransformParams } from './params.js';

/** The affine-transform slots of a kernel backend; outputs are caller-allocated. */
export interface AffineTransformKernels {
  forward(p: AffineTransformParams, x: FloatArray, out: FloatArray): void;
  backward(p: AffineTransformParams, dy: FloatArray, dx: FloatArray): void;
}

/**
 * The TypeScript affine-transform kernels, for `KernelBackend.affineTransform`.
 *
 * @example
 * ```ts
 * typescriptAffineTransformKernels.forward(params, x, out);
 * ```
 */
export const typescriptAffineTransformKernels: AffineTransformKernels = { forward: affineTransformForward, backward: affineTransformBackward };
