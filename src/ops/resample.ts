/** Image resampling op (Keras's `ops.image.resize` without the aspect-ratio handling, which layers do). */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, UnknownNameError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { ResampleMethod } from '../kernels/resample/index.js';
import { RESAMPLE_METHODS, resampleOutputShape, resolveResampleParams } from '../kernels/resample/index.js';
import type { DataFormat } from './conv-args.js';
import { normalizeDataFormat, normalizeTuple } from './conv-args.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export type { ResampleMethod } from '../kernels/resample/index.js';

export interface ResizeImagesOptions {
  /** Default 'bilinear'. */
  interpolation?: ResampleMethod;
  /** Widen the kernel when downsampling (jax's `antialias`); default false, as Keras's Resizing. */
  antialias?: boolean;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
}

const RESIZE_IMAGES_KEYS = optionKeys<ResizeImagesOptions>()(['interpolation', 'antialias', 'dataFormat']);

/**
 * Resizes a batch of images (`[N, H, W, C]` or `[N, C, H, W]`) to `size`, as `jax.image.resize` (which
 * Keras 3 calls): half-pixel sample points, kernel weights renormalised at the edges, axes whose size does
 * not change left untouched. Differentiable with respect to the images.
 *
 * @example
 * ```ts
 * const y = ops.resizeImages(x, [224, 224], { interpolation: 'bicubic' });
 * ```
 */
export function resizeImages(x: Tensor, size: readonly [number, number], options: ResizeImagesOptions = {}): Tensor {
  const context = 'resizeImages';
  checkOptions(options, RESIZE_IMAGES_KEYS, context);
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', context);
  const [height, width] = normalizeTuple(size, 2, 'size', 1, context);
  const antialias = options.antialias ?? false;
  if (typeof antialias !== 'boolean') throw new InvalidArgumentError('antialias', antialias, 'true or false', context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  const interpolation = options.interpolation ?? 'bilinear';
  // Named 'resample' as before the check moved here from the kernel params, so the message is unchanged.
  if (!RESAMPLE_METHODS.includes(interpolation)) throw new UnknownNameError('interpolation', interpolation, RESAMPLE_METHODS, 'resample');
  const p = resolveResampleParams(x.shape, [height, width], interpolation, antialias, dataFormat);
  const y = uninitializedTensor(resampleOutputShape(p), x.dtype);
  getBackend().resample.forward(p, x.storageHandle, y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().resample.backward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}
