/** Grouped 2D convolution kernels on plain typed arrays (the naive reference is test-only). */
import type { Epilogue } from '../epilogue.js';
import type { FloatArray } from '../../engine/dtype.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardKernel, conv2dForward } from './js.js';
import type { Conv2dParams } from './params.js';

export type { FloatArray } from '../../engine/dtype.js';
export type { Conv2dOptions, Conv2dParams, DataFormat, ExplicitPadding, Padding } from './params.js';
export {
  conv2dInputShape,
  conv2dOutputShape,
  conv2dSizes,
  convTransposeForwardPadding,
  convTransposeOutputLength,
  resolveConv2dParams,
} from './params.js';
export { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardKernel, conv2dForward } from './js.js';

/** The four slots a backend fills for the grouped convolution (same contract as the depthwise ones). */
export interface Conv2dKernels {
  forward(p: Conv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void;
  backwardInput(p: Conv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void;
  backwardKernel(p: Conv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void;
  backwardBias(p: Conv2dParams, dy: FloatArray, dbias: FloatArray): void;
  /** Forward with a fused per-channel epilogue (optional: ops fall back to forward + one pass). */
  forwardEpilogue?(p: Conv2dParams, x: FloatArray, kernel: FloatArray, epilogue: Epilogue, out: FloatArray): void;
}

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
