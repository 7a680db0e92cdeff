/**
 * Shape resolution for the depthwise 2D convolution: turns user-facing shapes and options into the
 * fully resolved integer parameters every kernel implementation (plain JS, later WebAssembly) consumes,
 * so the kernels themselves never validate or derive geometry.
 */
import { ShapeError, UnknownNameError, describeValue } from '../../errors.js';
import { DATA_FORMATS, PADDINGS, requirePair, requireShape, shapeError } from '../param-checks.js';

export type { FloatArray } from '../../engine/dtype.js';

import type { ConvGeometry2d, DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { DataFormat, Padding };
export { convOutputLength, samePadding };

/**
 * Fully resolved geometry of one depthwise convolution. Output channel `c * depthMultiplier + m` is
 * input channel `c` convolved with kernel slice `[:, :, c, m]`.
 */
export interface DepthwiseConv2dParams extends ConvGeometry2d {
  readonly depthMultiplier: number;
}

/** The convolution options, as a layer holds them after its own argument normalisation. */
export interface DepthwiseConv2dOptions {
  strides: readonly [number, number];
  dilationRate: readonly [number, number];
  padding: Padding;
  dataFormat: DataFormat;
}

const CONTEXT = 'depthwiseConv2d';

/**
 * Validates shapes and options and resolves the complete convolution geometry.
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @param kernelShape Always Keras's `[kernelHeight, kernelWidth, inChannels, depthMultiplier]`.
 * @throws ShapeError when a shape has the wrong rank, a non-positive-integer dimension, mismatched
 *   channels, or (with `valid` padding) leaves no output pixels.
 * @throws InvalidArgumentError when strides, dilation rate, padding or data format are not allowed.
 */
export function resolveDepthwiseConv2dParams(
  inputShape: readonly number[],
  kernelShape: readonly number[],
  options: DepthwiseConv2dOptions,
): DepthwiseConv2dParams {
  const { padding, dataFormat } = options;
  if (!DATA_FORMATS.includes(dataFormat)) throw new UnknownNameError('dataFormat', dataFormat, DATA_FORMATS, CONTEXT);
  if (!PADDINGS.includes(padding)) throw new UnknownNameError('padding', padding, PADDINGS, CONTEXT);
  const [strideHeight, strideWidth] = requirePair(CONTEXT, 'strides', options.strides);
  const [dilationHeight, dilationWidth] = requirePair(CONTEXT, 'dilationRate', options.dilationRate);

  const channelsLast = dataFormat === 'channels_last';
  const input = requireShape(CONTEXT, 
    'inputShape',
    inputShape,
    channelsLast ? ['batch', 'height', 'width', 'channels'] : ['batch', 'channels', 'height', 'width'],
  );
  const [kernelHeight, kernelWidth, kernelChannels, depthMultiplier] = requireShape(CONTEXT, 'kernelShape', kernelShape, [
    'kernelHeight',
    'kernelWidth',
    'inChannels',
    'depthMultiplier',
  ]);
  const [batch, inHeight, inWidth, inChannels] = channelsLast
    ? input
    : [input[0], input[2], input[3], input[1]];

  if (kernelChannels !== inChannels) {
    throw shapeError(CONTEXT, 
      'kernelShape[2]',
      kernelChannels,
      `${inChannels} to match the ${inChannels} channels of input shape ${describeValue(inputShape)} (${dataFormat}); ` +
        `kernel shape ${describeValue(kernelShape)}`,
    );
  }

  const outHeight = convOutputLength(inHeight, kernelHeight, strideHeight, dilationHeight, padding);
  const outWidth = convOutputLength(inWidth, kernelWidth, strideWidth, dilationWidth, padding);
  const axes = [
    ['height', inHeight, kernelHeight, dilationHeight, outHeight],
    ['width', inWidth, kernelWidth, dilationWidth, outWidth],
  ] as const;
  for (const [axis, size, k, d, out] of axes) {
    if (out <= 0) {
      throw new ShapeError(
        `${CONTEXT}: input ${axis} ${size} is smaller than the dilated kernel ${axis} ${(k - 1) * d + 1} ` +
          `(kernel ${axis} ${k}, dilation ${d}) with padding 'valid', which would give output ${axis} ${out}; ` +
          `use a larger input, a smaller kernel or dilation, or padding 'same'.`,
      );
    }
  }

  const [padTop, padBottom] =
    padding === 'same' ? samePadding(inHeight, kernelHeight, strideHeight, dilationHeight) : [0, 0];
  const [padLeft, padRight] = padding === 'same' ? samePadding(inWidth, kernelWidth, strideWidth, dilationWidth) : [0, 0];

  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    kernelHeight,
    kernelWidth,
    depthMultiplier,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop,
    padBottom,
    padLeft,
    padRight,
    outHeight,
    outWidth,
    outChannels: inChannels * depthMultiplier,
    dataFormat,
  };
}

/** Element counts of the four kinds of buffer a kernel touches; what callers must allocate. */
export function depthwiseConv2dSizes(p: DepthwiseConv2dParams): {
  input: number;
  kernel: number;
  bias: number;
  output: number;
} {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.inChannels,
    kernel: p.kernelHeight * p.kernelWidth * p.inChannels * p.depthMultiplier,
    bias: p.outChannels,
    output: p.batch * p.outHeight * p.outWidth * p.outChannels,
  };
}

/**
 * Output shape in the params' data format: `[N, OH, OW, C*dm]` or `[N, C*dm, OH, OW]`.
 */
export function depthwiseConv2dOutputShape(p: DepthwiseConv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.outHeight, p.outWidth, p.outChannels]
    : [p.batch, p.outChannels, p.outHeight, p.outWidth];
}
