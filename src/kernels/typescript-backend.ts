/**
 * The TypeScript kernels: the fallback everywhere (float64, environments without WebAssembly) and the
 * families the WebAssembly backend does not replace. Tensors stay on the JavaScript heap.
 */

import { typescriptActivationKernels } from './activation/index.js';
import type { BatchNormKernels } from './batch-norm/index.js';
import {
  batchNormAffine,
  batchNormInferenceBackward,
  batchNormMoments,
  batchNormTrainingBackward,
  batchNormTrainingForward,
} from './batch-norm/js.js';
import { typescriptConv2dKernels } from './conv2d/index.js';
import { cpuBackend } from './cpu-storages.js';
import { typescriptConvKernels } from './conv/index.js';
import { typescriptDepthwiseConv2dKernels } from './depthwise-conv2d/index.js';
import { typescriptElementwiseKernels } from './elementwise/index.js';
import type { CpuKernels, KernelBackend } from './kernel-backend.js';
import { typescriptMatmulKernels } from './matmul/kernels.js';
import { typescriptMovementKernels } from './movement/index.js';
import { typescriptOptimizerKernels } from './optimizer/index.js';
import { typescriptPoolKernels } from './pool/index.js';
import { typescriptReduceKernels } from './reduce/index.js';
import { typescriptResizeKernels } from './resize/index.js';
import { typescriptResampleKernels } from './resample/index.js';
import { typescriptAffineTransformKernels } from './affine-transform/index.js';
import { typescriptGatherKernels } from './gather/index.js';

/** The TypeScript batch-norm kernels (any layout, float32 or float64). */
export const typescriptBatchNormKernels: BatchNormKernels = {
  moments: batchNormMoments,
  trainingForward: batchNormTrainingForward,
  trainingBackward: batchNormTrainingBackward,
  affine: batchNormAffine,
  inferenceBackward: batchNormInferenceBackward,
};

/** Every family in TypeScript, on typed arrays. */
export const typescriptKernels: CpuKernels = {
  elementwise: typescriptElementwiseKernels,
  reduce: typescriptReduceKernels,
  movement: typescriptMovementKernels,
  optimizer: typescriptOptimizerKernels,
  conv: typescriptConvKernels,
  depthwiseConv2d: typescriptDepthwiseConv2dKernels,
  conv2d: typescriptConv2dKernels,
  matmul: typescriptMatmulKernels,
  pooling: typescriptPoolKernels,
  resize: typescriptResizeKernels,
  activation: typescriptActivationKernels,
  batchNorm: typescriptBatchNormKernels,
  resample: typescriptResampleKernels,
  affineTransform: typescriptAffineTransformKernels,
  gather: typescriptGatherKernels,
};

/**
 * The TypeScript backend: tensors on the JavaScript heap, every slot a TypeScript loop.
 *
 * @example
 * ```ts
 * setBackend(typescriptBackend);
 * ```
 */
export const typescriptBackend: KernelBackend = cpuBackend('typescript', null, typescriptKernels);
