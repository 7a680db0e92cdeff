/**
 * The naive reference on depthwise 2D params, for tests only: the one grouped reference
 * (`conv/reference.ts`) with `groups = C`, so the WebAssembly conformance tests check against it too.
 */
import { referenceConv, referenceConvBackwardBias, referenceConvBackwardInput, referenceConvBackwardKernel } from '../conv/reference.js';
import type { DepthwiseConv2dParams } from './params.js';
import { convParamsOfDepthwise } from './params.js';

export const referenceDepthwiseConv2d = (p: DepthwiseConv2dParams, x: ArrayLike<number>, kernel: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array =>
  referenceConv(convParamsOfDepthwise(p), x, kernel, bias);
export const referenceDepthwiseConv2dBackwardInput = (p: DepthwiseConv2dParams, dy: ArrayLike<number>, kernel: ArrayLike<number>): Float64Array =>
  referenceConvBackwardInput(convParamsOfDepthwise(p), dy, kernel);
export const referenceDepthwiseConv2dBackwardKernel = (p: DepthwiseConv2dParams, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array =>
  referenceConvBackwardKernel(convParamsOfDepthwise(p), x, dy);
export const referenceDepthwiseConv2dBackwardBias = (p: DepthwiseConv2dParams, dy: ArrayLike<number>): Float64Array =>
  referenceConvBackwardBias(convParamsOfDepthwise(p), dy);
