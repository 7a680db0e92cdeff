/** Batch-normalization kernels on plain typed arrays (the naive reference is test-only). */
import type { FloatArray } from '../../engine/dtype.js';
import type { BatchNormParams } from './params.js';

export type { BatchNormParams, FloatArray } from './params.js';
export { batchNormSizes, resolveBatchNormParams } from './params.js';
export {
  batchNormAffine,
  batchNormInferenceBackward,
  batchNormMoments,
  batchNormTrainingBackward,
  batchNormTrainingForward,
} from './js.js';

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

