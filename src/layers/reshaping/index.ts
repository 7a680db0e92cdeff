/** The reshaping layers: zero padding, cropping and upsampling. */
export { ZeroPadding1D, ZeroPadding2D, layerZeroPadding1d, layerZeroPadding2d } from './zero-padding.js';
export type { ZeroPadding1DOptions, ZeroPadding2DOptions } from './zero-padding.js';
export { Cropping1D, Cropping2D, layerCropping1d, layerCropping2d } from './cropping.js';
export type { Cropping1DOptions, Cropping2DOptions } from './cropping.js';
export { UpSampling1D, UpSampling2D, layerUpsampling1d, layerUpsampling2d } from './upsampling.js';
export type { UpSampling1DOptions, UpSampling2DOptions } from './upsampling.js';
export { Permute, RepeatVector, layerPermute, layerRepeatVector } from './permute.js';
export type { PermuteOptions, RepeatVectorOptions } from './permute.js';
