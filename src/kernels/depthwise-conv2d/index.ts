/** Depthwise 2D convolution kernels on plain typed arrays (the naive reference is test-only). */
import type { ConvolutionKernels } from '../convolution-kernels.js';
import type { DepthwiseConv2dParams } from './params.js';

/** The depthwise slots a backend fills (the convolution contract over depthwise params). */
export type DepthwiseConv2dKernels = ConvolutionKernels<DepthwiseConv2dParams>;

export type { FloatArray } from '../../engine/dtype.js';
export type { DataFormat, DepthwiseConv2dOptions, DepthwiseConv2dParams, Padding } from './params.js';
export {
  convOutputLength,
  depthwiseConv2dOutputShape,
  depthwiseConv2dSizes,
  resolveDepthwiseConv2dParams,
  samePadding,
} from './params.js';
export {
  depthwiseConv2dBackwardBias,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
} from './js.js';
