/**
 * Max and average pooling ops of any rank (1, 2 or 3 spatial axes): validate once, resolve geometry, run
 * the backend's `pooling` slot, record the gradient.
 */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { PoolParams } from '../kernels/pool/index.js';
import { getBackend } from '../kernels/backend.js';
import { poolOutputShape, resolvePoolParams } from '../kernels/pool/index.js';
import type { DataFormat, IntOrTuple, SpatialRank } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple, spatialRankOf } from './conv-args.js';
import { floatStorage } from './convert.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface PoolOpOptions {
  /** Window size: one integer for every spatial axis, or one per axis. Default 2. */
  poolSize?: IntOrTuple;
  /** Default (or null): the pool size, as in Keras. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
}

const POOL_KEYS = optionKeys<PoolOpOptions>()(['poolSize', 'strides', 'padding', 'dataFormat']);

/** The options of the 2D ops (the same as the rank-generic ones). */
export type Pool2dOpOptions = PoolOpOptions;

function resolve(x: Tensor, options: PoolOpOptions, context: string, ranks?: readonly SpatialRank[]): PoolParams {
  checkOptions(options, POOL_KEYS, context);
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', context);
  const rank = spatialRankOf(x, context, ranks);
  const poolSize = normalizeTuple(options.poolSize ?? 2, rank, 'poolSize', 1, context);
  const strides = normalizeTuple(options.strides ?? poolSize, rank, 'strides', 1, context);
  const padding = normalizePadding(options.padding ?? 'valid', context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  return resolvePoolParams(x.shape, { poolSize, strides, padding, dataFormat }, context);
}

function maxPoolOf(x: Tensor, p: PoolParams): Tensor {
  const y = uninitializedTensor(poolOutputShape(p), x.dtype);
  getBackend().pooling.maxForward(p, floatStorage(x), y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().pooling.maxBackward(p, x.storageHandle, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}

function avgPoolOf(x: Tensor, p: PoolParams): Tensor {
  const y = uninitializedTensor(poolOutputShape(p), x.dtype);
  getBackend().pooling.avgForward(p, floatStorage(x), y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().pooling.avgBackward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}

/**
 * Max pooling of `x` (`[N, ...spatial, C]` or `[N, C, ...spatial]`, 1 to 3 spatial axes). 'same' padding
 * reads as -∞. The gradient goes to the first maximal element of each window in row-major order, as Keras 3
 * on JAX/XLA routes it.
 *
 * @example
 * ```ts
 * const y = ops.maxPool(x, { poolSize: 2 }); // [1, 4, 8, 8, 3] → [1, 2, 4, 4, 3]
 * ```
 */
export function maxPool(x: Tensor, options: PoolOpOptions = {}): Tensor {
  return maxPoolOf(x, resolve(x, options, 'maxPool'));
}

/**
 * Average pooling of `x` (`[N, ...spatial, C]` or `[N, C, ...spatial]`, 1 to 3 spatial axes). With 'same'
 * padding each window averages only its in-bounds elements (TensorFlow's and Keras's rule), so border
 * outputs are not pulled towards zero.
 *
 * @example
 * ```ts
 * const y = ops.avgPool(x, { poolSize: 3, strides: 1, padding: 'same' });
 * ```
 */
export function avgPool(x: Tensor, options: PoolOpOptions = {}): Tensor {
  return avgPoolOf(x, resolve(x, options, 'avgPool'));
}

/**
 * 2D max pooling of `x` (`[N, H, W, C]` or `[N, C, H, W]`): {@link maxPool} on rank-4 inputs.
 *
 * @example
 * ```ts
 * const y = ops.maxPool2d(x, { poolSize: 2 }); // [1, 8, 8, 3] → [1, 4, 4, 3]
 * ```
 */
export function maxPool2d(x: Tensor, options: PoolOpOptions = {}): Tensor {
  return maxPoolOf(x, resolve(x, options, 'maxPool2d', [2]));
}

/**
 * 2D average pooling of `x` (`[N, H, W, C]` or `[N, C, H, W]`): {@link avgPool} on rank-4 inputs.
 *
 * @example
 * ```ts
 * const y = ops.avgPool2d(x, { poolSize: 3, strides: 1, padding: 'same' });
 * ```
 */
export function avgPool2d(x: Tensor, options: PoolOpOptions = {}): Tensor {
  return avgPoolOf(x, resolve(x, options, 'avgPool2d', [2]));
}
