/**
 * The naive reference on 2D params, for tests only: the one rank-generic reference (`conv/reference.ts`)
 * with the params converted, so the WebAssembly conformance tests check against the same loops as all.
 */
import { referenceConv, referenceConvBackwardBias, referenceConvBackwardInput, referenceConvBackwardKernel } from '../conv/reference.js';
import type { Conv2dParams } from './params.js';
import { convParamsOfConv2d } from './params.js';

export const referenceConv2d = (p: Conv2dParams, x: ArrayLike<number>, kernel: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array =>
  referenceConv(convParamsOfConv2d(p), x, kernel, bias);
export const referenceConv2dBackwardInput = (p: Conv2dParams, dy: ArrayLike<number>, kernel: ArrayLike<number>): Float64Array =>
  referenceConvBackwardInput(convParamsOfConv2d(p), dy, kernel);
export const referenceConv2dBackwardKernel = (p: Conv2dParams, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array =>
  referenceConvBackwardKernel(convParamsOfConv2d(p), x, dy);
export const referenceConv2dBackwardBias = (p: Conv2dParams, dy: ArrayLike<number>): Float64Array => referenceConvBackwardBias(convParamsOfConv2d(p), dy);
