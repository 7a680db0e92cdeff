/**
 * Shape resolution for 2D max and average pooling: turns the input shape and pooling options into the
 * resolved integer geometry the kernels consume, so the kernels never validate or derive geometry.
 */
import { ShapeError, UnknownNameError, describeValue } from '../../errors.js';
import { DATA_FORMATS, PADDINGS, isPositiveInteger, requirePair } from '../param-checks.js';
import type { DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { DataFormat, Padding };

/** Fully resolved geometry of one pooling; the channel count is the same on both sides. */
export interface Pool2dParams {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly poolHeight: number;
  readonly poolWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padBottom: number;
  readonly padLeft: number;
  readonly padRight: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly dataFormat: DataFormat;
}

/** The pooling options after the front end's argument normalisation. */
export interface Pool2dOptions {
  poolSize: readonly [number, number];
  /** Keras's default is the pool size; the front end substitutes it before resolving. */
  strides: readonly [number, number];
  padding: Padding;
  dataFormat: DataFormat;
}

const CONTEXT = 'pool2d';

/**
 * Validates the input shape and options and resolves the pooling geometry. Padding 'same' is split
 * TensorFlow's way (odd pixel at the bottom/right), exactly as for the convolutions.
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @throws ShapeError for a shape that is not rank 4 with positive dimensions, or a 'valid' window larger
 *   than the input.
 * @throws InvalidArgumentError when pool size, strides, padding or data format are not allowed.
 * @example
 * ```ts
 * const p = resolvePool2dParams([1, 5, 5, 3], { poolSize: [2, 2], strides: [2, 2], padding: 'same', dataFormat: 'channels_last' });
 * p.outHeight; // 3
 * ```
 */
export function resolvePool2dParams(inputShape: readonly number[], options: Pool2dOptions): Pool2dParams {
  const { padding, dataFormat } = options;
  if (!DATA_FORMATS.includes(dataFormat)) throw new UnknownNameError('dataFormat', dataFormat, DATA_FORMATS, CONTEXT);
  if (!PADDINGS.includes(padding)) throw new UnknownNameError('padding', padding, PADDINGS, CONTEXT);
  const [poolHeight, poolWidth] = requirePair(CONTEXT, 'poolSize', options.poolSize);
  const [strideHeight, strideWidth] = requirePair(CONTEXT, 'strides', options.strides);

  const channelsLast = dataFormat === 'channels_last';
  const layout = channelsLast ? '[batch, height, width, channels]' : '[batch, channels, height, width]';
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || !inputShape.every(isPositiveInteger)) {
    throw new ShapeError(
      `${CONTEXT}: invalid \`inputShape\`: received ${describeValue(inputShape)}; expected a rank-4 shape ${layout} of positive integers.`,
    );
  }
  const [batch, inHeight, inWidth, channels] = channelsLast
    ? inputShape
    : [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];

  const outHeight = convOutputLength(inHeight, poolHeight, strideHeight, 1, padding);
  const outWidth = convOutputLength(inWidth, poolWidth, strideWidth, 1, padding);
  const axes = [
    ['height', inHeight, poolHeight, outHeight],
    ['width', inWidth, poolWidth, outWidth],
  ] as const;
  for (const [axis, size, k, out] of axes) {
    if (out <= 0) {
      throw new ShapeError(
        `${CONTEXT}: input ${axis} ${size} is smaller than the pool ${axis} ${k} with padding 'valid', ` +
          `which would give output ${axis} ${out}; use a larger input, a smaller pool size, or padding 'same'.`,
      );
    }
  }
  const [padTop, padBottom] = padding === 'same' ? samePadding(inHeight, poolHeight, strideHeight, 1) : [0, 0];
  const [padLeft, padRight] = padding === 'same' ? samePadding(inWidth, poolWidth, strideWidth, 1) : [0, 0];
  return {
    batch,
    inHeight,
    inWidth,
    channels,
    poolHeight,
    poolWidth,
    strideHeight,
    strideWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    outHeight,
    outWidth,
    dataFormat,
  };
}

/** Element counts of the input and output buffers; what callers must allocate. */
export function pool2dSizes(p: Pool2dParams): { input: number; output: number } {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.channels,
    output: p.batch * p.outHeight * p.outWidth * p.channels,
  };
}

/** Output shape in the params' data format: `[N, OH, OW, C]` or `[N, C, OH, OW]`. */
export function pool2dOutputShape(p: Pool2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.outHeight, p.outWidth, p.channels]
    : [p.batch, p.channels, p.outHeight, p.outWidth];
}
