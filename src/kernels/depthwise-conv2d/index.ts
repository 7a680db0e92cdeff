/** The `depthwiseConv2d` slot: 2D depthwise params and their TypeScript kernels (the rank-generic loops). */
import type { ConvolutionKernels } from '../convolution-kernels.js';
import { depthwiseConv2dBackwardBias, depthwiseConv2dBackwardInput, depthwiseConv2dBackwardKernel, depthwiseConv2dForward } from './js.js';
import type { DepthwiseConv2dParams } from './params.js';

/** The depthwise slots a backend fills (the convolution contract over depthwise params). */
export type DepthwiseConv2dKernels = ConvolutionKernels<DepthwiseConv2dParams>;

export type { FloatArray } from '../../engine/dtype.js';
export type { DataFormat, DepthwiseConv2dOptions, DepthwiseConv2dParams, Padding } from './params.js';
export {
  convOutputLength,
  convParamsOfDepthwise,
  depthwiseConv2dOutputShape,
  depthwiseConv2dParamsOf,
  depthwiseConv2dSizes,
  resolveDepthwiseConv2dParams,
  samePadding,
} from './params.js';
export { depthwiseConv2dBackwardBias, depthwiseConv2dBackwardInput, depthwiseConv2dBackwardKernel, depthwiseConv2dForward } from './js.js';

/**
 * The TypeScript implementations, ready to be a `KernelBackend`'s `depthwiseConv2d` slot.
 *
 * @example
 * ```ts
 * typescriptDepthwiseConv2dKernels.forward(params, x, kernel, null, out);
 * ```
 */
export const typescriptDepthwiseConv2dKernels: DepthwiseConv2dKernels = {
  forward: depthwiseConv2dForward,
  backwardInput: depthwiseConv2dBackwardInput,
  backwardKernel: depthwiseConv2dBackwardKernel,
  backwardBias: depthwiseConv2dBackwardBias,
};
