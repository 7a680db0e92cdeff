/** The convolution layers and their `layerXxx` functions. */
export { BaseConv } from './base-conv.js';
export type { BaseConvOptions, ConvPadding } from './base-conv.js';
export { Conv, Conv2D, layerConv2d } from './conv2d.js';
export type { ConvOptions } from './conv2d.js';
export { Conv1D, layerConv1d } from './conv1d.js';
export type { Conv1DOptions } from './conv1d.js';
export { Conv2DTranspose, layerConv2dTranspose } from './conv2d-transpose.js';
export type { Conv2DTransposeOptions } from './conv2d-transpose.js';
export { DepthwiseConv, DepthwiseConv2D, layerDepthwiseConv2d } from './depthwise-conv2d.js';
export type { DepthwiseConv2DOptions } from './depthwise-conv2d.js';
export { DepthwiseConv1D, layerDepthwiseConv1d } from './depthwise-conv1d.js';
export type { DepthwiseConv1DOptions } from './depthwise-conv1d.js';
export { SeparableConv, SeparableConv2D, layerSeparableConv2d } from './separable-conv2d.js';
export type { SeparableConvOptions } from './separable-conv2d.js';
export { SeparableConv1D, layerSeparableConv1d } from './separable-conv1d.js';
export type { SeparableConv1DOptions } from './separable-conv1d.js';
