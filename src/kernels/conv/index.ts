/** The convolution kernels of any rank on plain typed arrays (the naive reference is test-only). */
import type { ConvolutionKernels } from '../convolution-kernels.js';
import { convBackwardBias, convBackwardInput, convBackwardKernel, convForward } from './js.js';
import type { ConvParams } from './params.js';

export type { ConvOptions, ConvParams, DataFormat, ExplicitPadding, Padding, SpatialRank } from './params.js';
export { convInputShape, convOutputShape, convSizes, isDepthwise, resolveConvParams, resolveDepthwiseConvParams, SPATIAL_AXES, tensorAxes } from './params.js';
export type { ConvTransposeOptions } from './transpose.js';
export { convTransposeForwardPadding, convTransposeOutputLength, resolveConvTransposeParams } from './transpose.js';
export { convBackwardBias, convBackwardInput, convBackwardKernel, convForward } from './js.js';

/** The rank-generic convolution slots a backend fills (the convolution contract over `ConvParams`). */
export type ConvKernels = ConvolutionKernels<ConvParams>;

/**
 * The TypeScript implementations, ready to be a `KernelBackend`'s `conv` slot.
 *
 * @example
 * ```ts
 * typescriptConvKernels.forward(params, x, kernel, null, out);
 * ```
 */
export const typescriptConvKernels: ConvKernels = {
  forward: convForward,
  backwardInput: convBackwardInput,
  backwardKernel: convBackwardKernel,
  backwardBias: convBackwardBias,
};
