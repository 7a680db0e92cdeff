/**
 * Geometry of a per-image affine resampling (Keras's `ops.image.affine_transform` on jax, which the
 * RandomRotation, RandomZoom and RandomTranslation layers use): output pixel `(x, y)` reads the input at
 * `(a0·x + a1·y + a2, b0·x + b1·y + b2)` with `jax.scipy.ndimage.map_coordinates` (order 0 or 1) and its
 * fill modes.
 */
import { assertInvariant, ShapeError, describeValue } from '../../errors.js';
import type { DataFormat } from '../window.js';

export type AffineInterpolation = 'nearest' | 'bilinear';
/** map_coordinates' modes ('reflect' is scipy's half-sample reflection, 'mirror' the whole-sample one). */
export type FillMode = 'constant' | 'nearest' | 'wrap' | 'mirror' | 'reflect';
export const FILL_MODES: readonly FillMode[] = ['reflect', 'wrap', 'constant', 'nearest', 'mirror'];

export interface AffineTransformParams {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly dataFormat: DataFormat;
  readonly interpolation: AffineInterpolation;
  readonly fillMode: FillMode;
  readonly fillValue: number;
  /** Six numbers per image, `[a0, a1, a2, b0, b1, b2]`. */
  readonly transforms: Float64Array;
}

const CONTEXT = 'affineTransform';

/** Whether `transforms` holds eight finite numbers per image with `c0 = c1 = 0` (what the op validates). */
function isAffineBatch(transforms: ArrayLike<number>, batch: number): boolean {
  if (transforms.length !== batch * 8) return false;
  for (let i = 0; i < transforms.length; i++) {
    const v = transforms[i];
    if (!Number.isFinite(v) || (i % 8 >= 6 && v !== 0)) return false;
  }
  return true;
}

/**
 * Checks the image shape and resolves. `transforms` holds Keras's eight numbers per image `[a0, a1, a2,
 * b0, b1, b2, c0, c1]`; the projective `c0, c1` must be 0 (jax's implementation would multiply them by the
 * channel index). The options and the transforms were validated by the op (`affineTransform`) and are only
 * asserted here.
 *
 * @throws ShapeError when `inputShape` is not a rank-4 shape of positive integers.
 * @example
 * ```ts
 * const p = resolveAffineTransformParams([1, 4, 4, 1], [1, 0, 0, 0, 1, 0, 0, 0], 'bilinear', 'reflect', 0, 'channels_last');
 * ```
 */
export function resolveAffineTransformParams(
  inputShape: readonly number[],
  transforms: ArrayLike<number>,
  interpolation: AffineInterpolation,
  fillMode: FillMode,
  fillValue: number,
  dataFormat: DataFormat,
): AffineTransformParams {
  assertInvariant(
    (interpolation === 'nearest' || interpolation === 'bilinear') && FILL_MODES.includes(fillMode) && Number.isFinite(fillValue) && (dataFormat === 'channels_last' || dataFormat === 'channels_first'),
    () => `${CONTEXT}: interpolation ${describeValue(interpolation)}, fillMode ${describeValue(fillMode)}, fillValue ${describeValue(fillValue)}, dataFormat ${describeValue(dataFormat)}`,
  );
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`${CONTEXT}: invalid \`inputShape\`: received ${describeValue(inputShape)}; expected a rank-4 image shape of positive integers.`);
  }
  const last = dataFormat === 'channels_last';
  const [batch, height, width, channels] = last ? inputShape : [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];
  assertInvariant(isAffineBatch(transforms, batch), () => `${CONTEXT}: ${transforms.length} transform numbers for ${batch} images`);
  const six = new Float64Array(batch * 6);
  for (let n = 0; n < batch; n++) {
    for (let k = 0; k < 6; k++) six[n * 6 + k] = transforms[n * 8 + k];
  }
  return { batch, height, width, channels, dataFormat, interpolation, fillMode, fillValue, transforms: six };
}

/** Positive modulo, as Python's `%` on integers. */
function mod(a: number, b: number): number {
  const r = a % b;
  return r < 0 ? r + b : r;
}

/**
 * Where index `i` of an axis of `size` reads under `mode` (map_coordinates' index fixers); for 'constant'
 * the index itself, which the caller checks against the bounds.
 */
export function fixIndex(i: number, size: number, mode: FillMode): number {
  switch (mode) {
    case 'constant':
      return i;
    case 'nearest':
      return Math.min(Math.max(i, 0), size - 1);
    case 'wrap':
      return mod(i, size);
    case 'mirror': {
      if (size === 1) return 0;
      const s = size - 1;
      return Math.abs(mod(i + s, 2 * s) - s);
    }
    case 'reflect': {
      // floor((mirror(2i + 1, 2·size + 1) - 1) / 2)
      const s = 2 * size;
      const m = Math.abs(mod(2 * i + 1 + s, 2 * s) - s);
      return Math.floor((m - 1) / 2);
    }
    default:
      return mode satisfies never;
  }
}

/** Round half away from zero (lax.round), which map_coordinates' order 0 uses. */
export function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}
