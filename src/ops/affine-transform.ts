/** Per-image affine resampling op (Keras's `ops.image.affine_transform` as the jax backend computes it). */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { AffineInterpolation, FillMode } from '../kernels/affine-transform/index.js';
import { resolveAffineTransformParams } from '../kernels/affine-transform/index.js';
import type { DataFormat } from './conv-args.js';
import { normalizeDataFormat } from './conv-args.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export type { AffineInterpolation, FillMode } from '../kernels/affine-transform/index.js';

export interface AffineTransformOptions {
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: AffineInterpolation;
  /** How reads outside the image are answered; default 'constant'. */
  fillMode?: FillMode;
  /** The value of 'constant' fill; default 0. */
  fillValue?: number;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
}

const AFFINE_TRANSFORM_KEYS = optionKeys<AffineTransformOptions>()(['interpolation', 'fillMode', 'fillValue', 'dataFormat']);

/**
 * Resamples each image of `x` (`[N, H, W, C]` or `[N, C, H, W]`) through its transform: eight numbers per
 * image `[a0, a1, a2, b0, b1, b2, 0, 0]` (Keras's layout) mapping output pixel `(x, y)` to the input point
 * `(a0·x + a1·y + a2, b0·x + b1·y + b2)`. Differentiable with respect to the images.
 *
 * @example
 * ```ts
 * const shifted = ops.affineTransform(x, [1, 0, -2, 0, 1, 0, 0, 0], { fillMode: 'constant' }); // 2 px right
 * ```
 */
export function affineTransform(x: Tensor, transforms: ArrayLike<number>, options: AffineTransformOptions = {}): Tensor {
  const context = 'affineTransform';
  checkOptions(options, AFFINE_TRANSFORM_KEYS, context);
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', context);
  const p = resolveAffineTransformParams(
    x.shape,
    transforms,
    options.interpolation ?? 'bilinear',
    options.fillMode ?? 'constant',
    options.fillValue ?? 0,
    normalizeDataFormat(options.dataFormat ?? 'channels_last', context),
  );
  const y = uninitializedTensor(x.shape, x.dtype);
  getBackend().affineTransform.forward(p, x.storageHandle, y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().affineTransform.backward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}
