/** 2D max and average pooling ops: validate once, resolve geometry, run the kernels, record the gradient. */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Pool2dParams } from '../kernels/pool2d/index.js';
import { getBackend } from '../kernels/backend.js';
import { pool2dOutputShape, resolvePool2dParams } from '../kernels/pool2d/index.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { floatStorage } from './convert.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface Pool2dOpOptions {
  /** Window height and width: one integer for both, or [height, width]. Default 2. */
  poolSize?: IntOrTuple;
  /** Default (or null): the pool size, as in Keras. */
  strides?: IntOrTuple | null;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
}

const POOL2D_KEYS = optionKeys<Pool2dOpOptions>()(['poolSize', 'strides', 'padding', 'dataFormat']);

// The kernels come from here until `KernelBackend` grows a `pool2d` slot.

function resolve(x: Tensor, options: Pool2dOpOptions, context: string): Pool2dParams {
  checkOptions(options, POOL2D_KEYS, context);
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', context);
  const poolSize = normalizeTuple(options.poolSize ?? 2, 2, 'poolSize', 1, context) as [number, number];
  const strides = normalizeTuple(options.strides ?? poolSize, 2, 'strides', 1, context) as [number, number];
  const padding = normalizePadding(options.padding ?? 'valid', context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  return resolvePool2dParams(x.shape, { poolSize, strides, padding, dataFormat });
}


/**
 * 2D max pooling of `x` ([N,H,W,C] or [N,C,H,W]). 'same' padding reads as -∞. The gradient goes to the
 * first maximal element of each window in row-major order, as Keras 3 on JAX/XLA routes it.
 *
 * @example
 * ```ts
 * const y = ops.maxPool2d(x, { poolSize: 2 }); // [1, 8, 8, 3] → [1, 4, 4, 3]
 * ```
 */
export function maxPool2d(x: Tensor, options: Pool2dOpOptions = {}): Tensor {
  const p = resolve(x, options, 'maxPool2d');
  const y = uninitializedTensor(pool2dOutputShape(p), x.dtype);
  getBackend().pool2d.maxForward(p, floatStorage(x), y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().pool2d.maxBackward(p, x.storageHandle, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}

/**
 * 2D average pooling of `x` ([N,H,W,C] or [N,C,H,W]). With 'same' padding each window averages only its
 * in-bounds elements (TensorFlow's and Keras's rule), so border outputs are not pulled towards zero.
 *
 * @example
 * ```ts
 * const y = ops.avgPool2d(x, { poolSize: 3, strides: 1, padding: 'same' });
 * ```
 */
export function avgPool2d(x: Tensor, options: Pool2dOpOptions = {}): Tensor {
  const p = resolve(x, options, 'avgPool2d');
  const y = uninitializedTensor(pool2dOutputShape(p), x.dtype);
  getBackend().pool2d.avgForward(p, floatStorage(x), y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().pool2d.avgBackward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}
