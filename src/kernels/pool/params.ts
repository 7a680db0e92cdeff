/**
 * Shape resolution for max and average pooling of any rank (1, 2 or 3 spatial axes): the input shape and
 * the front end's validated options become the resolved integer geometry the kernels consume. 'same' is
 * split TensorFlow's way (odd pixel at the end), exactly as for the convolutions.
 */
import { assertInvariant, describeValue, ShapeError } from '../../errors.js';
import type { SpatialRank } from '../conv/params.js';
import { SPATIAL_AXES, tensorAxes } from '../conv/params.js';
import { isPositiveInteger, requireShape } from '../shape-checks.js';
import type { DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { DataFormat, Padding };

/** Fully resolved geometry of one pooling; spatial arrays outermost first, channels the same on both sides. */
export interface PoolParams {
  readonly rank: SpatialRank;
  readonly batch: number;
  readonly channels: number;
  readonly inSize: readonly number[];
  readonly poolSize: readonly number[];
  readonly strides: readonly number[];
  readonly padBefore: readonly number[];
  readonly padAfter: readonly number[];
  readonly outSize: readonly number[];
  readonly dataFormat: DataFormat;
}

/** The pooling options after the front end's validation (one entry per spatial axis). */
export interface PoolOptions {
  poolSize: readonly number[];
  /** Keras's default is the pool size; the front end substitutes it before resolving. */
  strides: readonly number[];
  padding: Padding;
  dataFormat: DataFormat;
}

/**
 * Checks the input shape and resolves the pooling geometry.
 *
 * @param inputShape `[N, ...spatial, C]` for `channels_last`, `[N, C, ...spatial]` for `channels_first`.
 * @throws ShapeError for a shape of the wrong rank or with a non-positive dimension, or a 'valid' window
 *   larger than the input.
 * @example
 * ```ts
 * const p = resolvePoolParams([1, 5, 5, 3], { poolSize: [2, 2], strides: [2, 2], padding: 'same', dataFormat: 'channels_last' });
 * p.outSize; // [3, 3]
 * ```
 */
export function resolvePoolParams(inputShape: readonly number[], options: PoolOptions, context = 'pool'): PoolParams {
  const rank = options.poolSize.length;
  const perAxis = (values: readonly number[]) => values.length === rank && values.every(isPositiveInteger);
  assertInvariant(rank >= 1 && rank <= 3 && perAxis(options.poolSize) && perAxis(options.strides), () => `${context}: pool ${describeValue(options.poolSize)}, strides ${describeValue(options.strides)}`);
  assertInvariant(options.padding === 'valid' || options.padding === 'same', () => `${context}: padding ${describeValue(options.padding)}`);
  assertInvariant(options.dataFormat === 'channels_last' || options.dataFormat === 'channels_first', () => `${context}: dataFormat ${describeValue(options.dataFormat)}`);
  const r = rank as SpatialRank;
  const input = requireShape(context, 'inputShape', inputShape, tensorAxes(r, options.dataFormat));
  const channelsLast = options.dataFormat === 'channels_last';
  const inSize = channelsLast ? input.slice(1, r + 1) : input.slice(2);
  const outSize = inSize.map((size, i) => convOutputLength(size, options.poolSize[i], options.strides[i], 1, options.padding));
  outSize.forEach((out, i) => {
    if (out > 0) return;
    const name = SPATIAL_AXES[r][i];
    throw new ShapeError(
      `${context}: input ${name} ${inSize[i]} is smaller than the pool ${name} ${options.poolSize[i]} with padding 'valid', ` +
        `which would give output ${name} ${out}; use a larger input, a smaller pool size, or padding 'same'.`,
    );
  });
  const pads = inSize.map((size, i) => (options.padding === 'same' ? samePadding(size, options.poolSize[i], options.strides[i], 1) : [0, 0]));
  return {
    rank: r,
    batch: input[0],
    channels: channelsLast ? input[r + 1] : input[1],
    inSize,
    poolSize: [...options.poolSize],
    strides: [...options.strides],
    padBefore: pads.map((p) => p[0]),
    padAfter: pads.map((p) => p[1]),
    outSize,
    dataFormat: options.dataFormat,
  };
}

const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

/** Element counts of the input and output buffers; what callers must allocate. */
export function poolSizes(p: PoolParams): { input: number; output: number } {
  return { input: p.batch * product(p.inSize) * p.channels, output: p.batch * product(p.outSize) * p.channels };
}

/** Output shape in the params' data format: `[N, ...out, C]` or `[N, C, ...out]`. */
export function poolOutputShape(p: PoolParams): number[] {
  return p.dataFormat === 'channels_last' ? [p.batch, ...p.outSize, p.channels] : [p.batch, p.channels, ...p.outSize];
}
