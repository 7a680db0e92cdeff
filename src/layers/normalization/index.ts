/** Normalization layers. */
export { BatchNormalization, layerBatchNormalization } from './batch-normalization.js';
export type { BatchNormalizationOptions } from './batch-normalization.js';
export { LayerNormalization, layerLayerNormalization } from './layer-normalization.js';
export type { LayerNormalizationOptions } from './layer-normalization.js';
export { GroupNormalization, layerGroupNormalization } from './group-normalization.js';
export type { GroupNormalizationOptions } from './group-normalization.js';
export { UnitNormalization, layerUnitNormalization } from './unit-normalization.js';
export type { UnitNormalizationOptions } from './unit-normalization.js';
