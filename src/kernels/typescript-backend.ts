/**
 * The kernel interface and the TypeScript kernels that fill it. A backend supplies kernels that read
 * typed-array views of their inputs and write into outputs the caller allocated through `allocStorage`;
 * the TypeScript kernels are the fallback everywhere (float64, environments without WebAssembly) and the
 * slots the WebAssembly backend does not replace.
 */

import type { FloatArray } from '../engine/dtype.js';
import type { DepthwiseConv2dParams } from './depthwise-conv2d/params.js';
import {
  depthwiseConv2dBackwardBias,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
} from './depthwise-conv2d/js.js';
import type { ActivationKernels } from './activation/index.js';
import type { BatchNormParams } from './batch-norm/params.js';
import {
  batchNormAffine,
  batchNormInferenceBackward,
  batchNormMoments,
  batchNormTrainingBackward,
  batchNormTrainingForward,
} from './batch-norm/js.js';
import { typescriptActivationKernels } from './activation/index.js';
import type { Conv2dKernels } from './conv2d/index.js';
import { typescriptConv2dKernels } from './conv2d/index.js';
import type { Epilogue } from './epilogue.js';
import type { MatmulKernels } from './matmul/kernels.js';
import { typescriptMatmulKernels } from './matmul/kernels.js';
import type { Pool2dKernels } from './pool2d/index.js';
import { typescriptPool2dKernels } from './pool2d/index.js';
import type { ResizeKernels } from './resize/index.js';
import { typescriptResizeKernels } from './resize/index.js';

export interface DepthwiseConv2dKernels {
  forward(p: DepthwiseConv2dParams, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void;
  backwardInput(p: DepthwiseConv2dParams, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void;
  backwardKernel(p: DepthwiseConv2dParams, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void;
  backwardBias(p: DepthwiseConv2dParams, dy: FloatArray, dbias: FloatArray): void;
  /** Forward with a fused per-channel epilogue (optional: ops fall back to forward + one pass). */
  forwardEpilogue?(p: DepthwiseConv2dParams, x: FloatArray, kernel: FloatArray, epilogue: Epilogue, out: FloatArray): void;
}

/**
 * Batch normalization over the `[outer, channels, inner]` view (see `batch-norm/js.ts` for each kernel's
 * contract); per-channel statistics and gradient sums are float64 arrays owned by the caller.
 */
export interface BatchNormKernels {
  moments(p: BatchNormParams, x: FloatArray, epsilon: number, mean: Float64Array, variance: Float64Array, invstd: Float64Array): void;
  trainingForward(
    p: BatchNormParams,
    x: FloatArray,
    gamma: FloatArray | null,
    beta: FloatArray | null,
    epsilon: number,
    y: FloatArray,
    mean: Float64Array,
    variance: Float64Array,
    invstd: Float64Array,
  ): void;
  trainingBackward(
    p: BatchNormParams,
    x: FloatArray,
    dy: FloatArray,
    gamma: FloatArray | null,
    mean: Float64Array,
    invstd: Float64Array,
    dx: FloatArray,
    dgamma: Float64Array,
    dbeta: Float64Array,
  ): void;
  affine(p: BatchNormParams, x: FloatArray, scale: Float64Array, shift: Float64Array, y: FloatArray): void;
  inferenceBackward(
    p: BatchNormParams,
    x: FloatArray,
    dy: FloatArray,
    scale: Float64Array,
    mean: Float64Array,
    invstd: Float64Array,
    dx: FloatArray,
    dgamma: Float64Array,
    dbeta: Float64Array,
  ): void;
}

/** The TypeScript batch-norm kernels (any layout, float32 or float64). */
export const typescriptBatchNormKernels: BatchNormKernels = {
  moments: batchNormMoments,
  trainingForward: batchNormTrainingForward,
  trainingBackward: batchNormTrainingBackward,
  affine: batchNormAffine,
  inferenceBackward: batchNormInferenceBackward,
};

export interface KernelBackend {
  readonly name: string;
  readonly depthwiseConv2d: DepthwiseConv2dKernels;
  readonly conv2d: Conv2dKernels;
  readonly matmul: MatmulKernels;
  readonly pool2d: Pool2dKernels;
  readonly resize: ResizeKernels;
  readonly activation: ActivationKernels;
  readonly batchNorm: BatchNormKernels;
}

export const typescriptBackend: KernelBackend = {
  name: 'typescript',
  depthwiseConv2d: {
    forward: depthwiseConv2dForward,
    backwardInput: depthwiseConv2dBackwardInput,
    backwardKernel: depthwiseConv2dBackwardKernel,
    backwardBias: depthwiseConv2dBackwardBias,
  },
  conv2d: typescriptConv2dKernels,
  matmul: typescriptMatmulKernels,
  pool2d: typescriptPool2dKernels,
  resize: typescriptResizeKernels,
  activation: typescriptActivationKernels,
  batchNorm: typescriptBatchNormKernels,
};
