/** The regularization layers beside Dropout (core/). */
export { SpatialDropout1D, SpatialDropout2D, SpatialDropout3D, layerSpatialDropout1d, layerSpatialDropout2d, layerSpatialDropout3d } from './spatial-dropout.js';
export type { SpatialDropout1DOptions, SpatialDropoutOptions } from './spatial-dropout.js';
export { GaussianDropout, GaussianNoise, layerGaussianDropout, layerGaussianNoise } from './gaussian.js';
export type { GaussianDropoutOptions, GaussianNoiseOptions } from './gaussian.js';
export { ActivityRegularization, layerActivityRegularization } from './activity-regularization.js';
export type { ActivityRegularizationOptions } from './activity-regularization.js';
