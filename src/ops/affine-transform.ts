/** Per-image affine resampling op (Keras's `ops.image.affine_transform` as the jax backend computes it). */

import { isFloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, UnknownNameError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { AffineInterpolation, FillMode } from '../kernels/affine-transform/index.js';
import { FILL_MODES, resolveAffineTransformParams } from '../kernels/affine-transform/index.js';
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
const CONTEXT = 'affineTransform';
const INTERPOLATIONS: readonly AffineInterpolation[] = ['nearest', 'bilinear'];

/** Eight finite numbers per image of the batch, the projective `c0, c1` zero. */
function checkTransforms(transforms: ArrayLike<number>, batch: number): void {
  if (transforms.length !== batch * 8) {
    throw new InvalidArgumentError('transforms', `${transforms.length} numbers`, `8 numbers per image (${batch * 8})`, CONTEXT);
  }
  for (let i = 0; i < transforms.length; i++) {
    const v = transforms[i];
    const k = i % 8;
    if (!Number.isFinite(v)) throw new InvalidArgumentError('transforms', v, 'finite numbers', CONTEXT);
    if (k >= 6 && v !== 0) throw new InvalidArgumentError('transforms', `c${k - 6} = ${v}`, 'affine transforms (c0 = c1 = 0)', CONTEXT);
  }
}

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
  checkOptions(options, AFFINE_TRANSFORM_KEYS, CONTEXT);
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', CONTEXT);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const interpolation = options.interpolation ?? 'bilinear';
  if (!INTERPOLATIONS.includes(interpolation)) throw new UnknownNameError('interpolation', interpolation, INTERPOLATIONS, CONTEXT);
  const fillMode = options.fillMode ?? 'constant';
  if (!FILL_MODES.includes(fillMode)) throw new UnknownNameError('fillMode', fillMode, FILL_MODES, CONTEXT);
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw new InvalidArgumentError('fillValue', fillValue, 'a finite number', CONTEXT);
  // An image batch of another shape is the params' ShapeError; the transforms are counted against its batch.
  if (x.rank === 4 && x.size > 0) checkTransforms(transforms, x.shape[0]);
  const p = resolveAffineTransformParams(x.shape, transforms, interpolation, fillMode, fillValue, dataFormat);
  const y = uninitializedTensor(x.shape, x.dtype);
  getBackend().affineTransform.forward(p, x.storageHandle, y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().affineTransform.backward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}
