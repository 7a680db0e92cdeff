/**
 * Upsampling ops: `repeat` (nearest-neighbour upsampling along one axis, Keras's `ops.repeat`) and
 * `upsample2d` (nearest or bilinear, as Keras 3's `UpSampling2D`).
 */

import { isFloatDType } from '../engine/dtype.js';
import { sizeOf } from '../engine/shape.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { resizeOutputShape, resolveResizeParams } from '../kernels/resize/index.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizeTuple } from './conv-args.js';
import { sum } from './reduce.js';
import { cast, reshape } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

/** The interpolations `upsample2d` implements (Keras also offers bicubic and lanczos; see UpSampling2D). */
export type UpsampleInterpolation = 'nearest' | 'bilinear';

/**
 * Repeats every element of `x` `repeats` times along `axis`, consecutively (`[a, b]` → `[a, a, b, b]`),
 * as NumPy's and Keras's `repeat`. The gradient sums each block of copies.
 *
 * @example
 * ```ts
 * const y = ops.repeat(x, 2, 1); // [1, 3, 4] → [1, 6, 4]
 * ```
 */
export function repeat(x: Tensor, repeats: number, axis: number): Tensor {
  if (!Number.isInteger(repeats) || repeats < 1) throw new InvalidArgumentError('repeats', repeats, 'a positive integer', 'repeat');
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
    throw new InvalidArgumentError('axis', axis, `an integer axis in [${-x.rank}, ${x.rank - 1}]`, 'repeat');
  }
  const a = axis < 0 ? axis + x.rank : axis;
  const outer = sizeOf(x.shape.slice(0, a));
  const length = x.shape[a];
  const inner = sizeOf(x.shape.slice(a + 1));
  const outShape = x.shape.map((d, i) => (i === a ? d * repeats : d));
  const out = uninitializedTensor(outShape, x.dtype);
  getBackend().movement.repeat({ outer, length, inner, repeats }, x.storageHandle, out.storageHandle);
  if (x.dtype !== 'int32') {
    // The copies of one element are adjacent: view them as their own axis and sum it away.
    recordOp([x], out, (dy) => [reshape(sum(reshape(dy, [outer, length, repeats, inner]), { axis: 2 }), x.shape)]);
  }
  return out;
}

export interface Upsample2dOptions {
  /** Upsampling factors for height and width: one integer for both, or [height, width]. Default 2. */
  size?: IntOrTuple;
  /** 'nearest' (default) or 'bilinear'. */
  interpolation?: UpsampleInterpolation;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
}

const UPSAMPLE2D_KEYS = optionKeys<Upsample2dOptions>()(['size', 'interpolation', 'dataFormat']);

/**
 * Upsamples the spatial axes of `x` ([N,H,W,C] or [N,C,H,W]) by integer factors. 'nearest' repeats rows
 * and columns; 'bilinear' interpolates with half-pixel centres and edge clamping (Keras 3's
 * `ops.image.resize`, i.e. `jax.image.resize` / TF `half_pixel_centers=True`). Both are differentiable.
 *
 * @example
 * ```ts
 * const y = ops.upsample2d(x, { size: 2, interpolation: 'bilinear' }); // [1, 4, 4, 3] → [1, 8, 8, 3]
 * ```
 */
export function upsample2d(x: Tensor, options: Upsample2dOptions = {}): Tensor {
  const context = 'upsample2d';
  checkOptions(options, UPSAMPLE2D_KEYS, context);
  const [sh, sw] = normalizeTuple(options.size ?? 2, 2, 'size', 1, context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  const interpolation = options.interpolation ?? 'nearest';
  if (x.rank !== 4) throw new InvalidArgumentError('x', x.shape, 'a rank-4 tensor', context);
  const [hAxis, wAxis] = dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  if (interpolation === 'nearest') return repeat(repeat(x, sh, hAxis), sw, wAxis);
  if (interpolation !== 'bilinear') {
    throw new InvalidArgumentError('interpolation', interpolation, "'nearest' or 'bilinear'", context);
  }
  if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor for bilinear interpolation', context);
  const p = resolveResizeParams(x.shape, [x.shape[hAxis] * sh, x.shape[wAxis] * sw], dataFormat);
  const y = uninitializedTensor(resizeOutputShape(p), x.dtype);
  getBackend().resize.bilinearForward(p, x.storageHandle, y.storageHandle);
  recordOp([x], y, (dy) => {
    const dx = uninitializedTensor(x.shape, x.dtype);
    getBackend().resize.bilinearBackward(p, cast(dy, x.dtype).storageHandle, dx.storageHandle);
    return [dx];
  });
  return y;
}
