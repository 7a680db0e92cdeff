/** Batch-normalization kernels on plain typed arrays (the naive reference is test-only). */
export type { BatchNormParams, FloatArray } from './params.js';
export { batchNormSizes, resolveBatchNormParams } from './params.js';
export {
  batchNormAffine,
  batchNormInferenceBackward,
  batchNormMoments,
  batchNormTrainingBackward,
  batchNormTrainingForward,
} from './js.js';
