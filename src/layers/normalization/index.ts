/** Normalization layers. */
export { BatchNormalization, layerBatchNormalization } from './batch-normalization.js';
export type { BatchNormalizationOptions } from './batch-normalization.js';
