/** The differentiable ops, exported to users as the `ops` namespace. */

export { add, sub, mul, div, pow, maximum, minimum, neg, where, equal, notEqual, greater, greaterEqual, less, lessEqual } from './elementwise.js';
export { sum, mean, max, min } from './reduce.js';
export type { ReduceOptions } from './reduce.js';
export { reshape, transpose, cast, copy, stopGradient } from './shape-ops.js';
export { broadcastTo } from './broadcast.js';
export { exp, log, log1p, sqrt, square, abs, sign, tanh, sigmoid, relu, clip, mapPointwise } from './pointwise.js';
export { erfOp as erf } from './pointwise.js';
export type { PointwiseFn } from './pointwise.js';
export { clippedRelu } from './clipped-relu.js';
export { depthwiseConv2d } from './depthwise-conv2d.js';
export type { DepthwiseConv2dOpOptions } from './depthwise-conv2d.js';
export { oneHot } from './one-hot.js';
export { matmul } from './matmul.js';
export type { MatmulOptions } from './matmul.js';
export { maxPool2d, avgPool2d } from './pool2d.js';
export type { Pool2dOpOptions } from './pool2d.js';
export { gatherRows, pad, slice } from './slice.js';
export type { Paddings } from './slice.js';
export { repeat, upsample2d } from './upsample.js';
export type { Upsample2dOptions, UpsampleInterpolation } from './upsample.js';
export { conv2d } from './conv2d.js';
export type { Conv2dOpOptions } from './conv2d.js';
export { conv2dTranspose } from './conv2d-transpose.js';
export type { Conv2dTransposeOpOptions } from './conv2d-transpose.js';
export { concat } from './concat.js';
export { batchNormTraining, batchNormInference } from './batch-norm.js';
