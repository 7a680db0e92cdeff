/** The `conv2d` slot: 2D grouped-convolution params and their TypeScript kernels (the rank-generic loops). */
import type { ConvolutionKernels } from '../convolution-kernels.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardKernel, conv2dForward } from './js.js';
import type { Conv2dParams } from './params.js';

export type { FloatArray } from '../../engine/dtype.js';
export type { Conv2dOptions, Conv2dParams, DataFormat, ExplicitPadding, Padding } from './params.js';
export {
  conv2dInputShape,
  conv2dOutputShape,
  conv2dParamsOf,
  conv2dSizes,
  convParamsOfConv2d,
  convTransposeForwardPadding,
  convTransposeOutputLength,
  resolveConv2dParams,
} from './params.js';
export { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardKernel, conv2dForward } from './js.js';

/** The grouped-convolution slots a backend fills (the convolution contract over conv2d params). */
export type Conv2dKernels = ConvolutionKernels<Conv2dParams>;

/**
 * The TypeScript implementations, ready to be a `KernelBackend`'s `conv2d` slot.
 *
 * @example
 * ```ts
 * typescriptConv2dKernels.forward(params, x, kernel, null, out);
 * ```
 */
export const typescriptConv2dKernels: Conv2dKernels = {
  forward: conv2dForward,
  backwardInput: conv2dBackwardInput,
  backwardKernel: conv2dBackwardKernel,
  backwardBias: conv2dBackwardBias,
};
