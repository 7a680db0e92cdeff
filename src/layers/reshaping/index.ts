/** The reshaping layers: zero padding, cropping and upsampling (1D to 3D), permute and repeat. */
export { ZeroPadding, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D, layerZeroPadding1d, layerZeroPadding2d, layerZeroPadding3d } from './zero-padding.js';
export type { PaddingAmounts, ZeroPaddingOptions, ZeroPadding1DOptions, ZeroPadding2DOptions, ZeroPadding3DOptions } from './zero-padding.js';
export { Cropping, Cropping1D, Cropping2D, Cropping3D, layerCropping1d, layerCropping2d, layerCropping3d } from './cropping.js';
export type { CroppingOptions, Cropping1DOptions, Cropping2DOptions, Cropping3DOptions } from './cropping.js';
export { UpSampling, UpSampling1D, UpSampling2D, UpSampling3D, layerUpsampling1d, layerUpsampling2d, layerUpsampling3d } from './upsampling.js';
export type { UpSamplingOptions, UpSampling1DOptions, UpSampling2DOptions, UpSampling3DOptions } from './upsampling.js';
export { Permute, RepeatVector, layerPermute, layerRepeatVector } from './permute.js';
export type { PermuteOptions, RepeatVectorOptions } from './permute.js';
