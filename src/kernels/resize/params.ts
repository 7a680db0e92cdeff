/**
 * Geometry of a 2D image resize (used by bilinear upsampling): resolved once, so the kernels contain no
 * checks beyond buffer lengths. The op (`upsample2d`) validates its options; here the input shape is
 * checked and the target size and data format, derived from validated options, are only asserted.
 */
import { assertInvariant, ShapeError, describeValue } from '../../errors.js';
import type { DataFormat } from '../window.js';

export type { DataFormat };

export interface ResizeParams {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly dataFormat: DataFormat;
}

const CONTEXT = 'resize';

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Checks the input shape and resolves the resize geometry.
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @param outSize `[outHeight, outWidth]`, positive integers (asserted: the op derives them from validated
 *   factors and a checked shape).
 * @throws ShapeError when `inputShape` is not a rank-4 shape of positive integers.
 * @example
 * ```ts
 * const p = resolveResizeParams([1, 2, 3, 4], [4, 6], 'channels_last');
 * ```
 */
export function resolveResizeParams(
  inputShape: readonly number[],
  outSize: readonly [number, number],
  dataFormat: DataFormat,
): ResizeParams {
  assertInvariant(dataFormat === 'channels_last' || dataFormat === 'channels_first', () => `${CONTEXT}: dataFormat ${describeValue(dataFormat)}`);
  const channelsLast = dataFormat === 'channels_last';
  if (!Array.isArray(inputShape) || inputShape.length !== 4 || !inputShape.every(isPositiveInteger)) {
    const layout = channelsLast ? '[batch, height, width, channels]' : '[batch, channels, height, width]';
    throw new ShapeError(
      `${CONTEXT}: invalid \`inputShape\`: received ${describeValue(inputShape)}; expected a rank-4 shape ${layout} of positive integers.`,
    );
  }
  assertInvariant(Array.isArray(outSize) && outSize.length === 2 && outSize.every(isPositiveInteger), () => `${CONTEXT}: outSize ${describeValue(outSize)}`);
  const [batch, inHeight, inWidth, channels] = channelsLast
    ? inputShape
    : [inputShape[0], inputShape[2], inputShape[3], inputShape[1]];
  return { batch, inHeight, inWidth, channels, outHeight: outSize[0], outWidth: outSize[1], dataFormat };
}

/** Element counts of the input and output buffers. */
export function resizeSizes(p: ResizeParams): { input: number; output: number } {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.channels,
    output: p.batch * p.outHeight * p.outWidth * p.channels,
  };
}

/** Output shape in the params' data format. */
export function resizeOutputShape(p: ResizeParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.outHeight, p.outWidth, p.channels]
    : [p.batch, p.channels, p.outHeight, p.outWidth];
}
