/**
 * Shape resolution for the general (grouped) 2D convolution: turns user-facing shapes and options into
 * the fully resolved integer parameters every kernel implementation consumes, so the kernels never
 * validate or derive geometry. Also the adjoint geometry of Keras's transposed convolution, which runs
 * on the same kernels.
 */
import { InvalidArgumentError, ShapeError, UnknownNameError, describeValue } from '../../errors.js';
import { DATA_FORMATS, isPositiveInteger, requirePair, requireShape, shapeError } from '../param-checks.js';
import type { ConvGeometry2d, DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { DataFormat, Padding };

/** Explicit zero padding `[[top, bottom], [left, right]]` in input pixels; a negative `after` crops. */
export type ExplicitPadding = readonly [readonly [number, number], readonly [number, number]];

/**
 * Fully resolved geometry of one grouped convolution. Output channel `f` belongs to group
 * `g = floor(f / outChannelsPerGroup)` and reads input channels `g * inChannelsPerGroup + ci`
 * through kernel slice `[:, :, ci, f]`.
 */
export interface Conv2dParams extends ConvGeometry2d {
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
}

export interface Conv2dOptions {
  strides: readonly [number, number];
  dilationRate: readonly [number, number];
  /** 'valid', 'same' (TensorFlow's split) or explicit pixel counts (Conv1D 'causal', transposed conv). */
  padding: Padding | ExplicitPadding;
  dataFormat: DataFormat;
  /** Default 1; must divide both the input channels and the filters. */
  groups?: number;
}

const CONTEXT = 'conv2d';

function isExplicitPadding(value: unknown): value is ExplicitPadding {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every((v) => Number.isInteger(v)))
  );
}

/** `[before, after]` for one axis, and the output length those give. */
function axisGeometry(
  padding: Padding | ExplicitPadding,
  axis: 0 | 1,
  size: number,
  k: number,
  s: number,
  d: number,
): { before: number; after: number; out: number } {
  if (padding === 'same') {
    const [before, after] = samePadding(size, k, s, d);
    return { before, after, out: convOutputLength(size, k, s, d, 'same') };
  }
  if (padding === 'valid') return { before: 0, after: 0, out: convOutputLength(size, k, s, d, 'valid') };
  const [before, after] = padding[axis];
  return { before, after, out: Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1 };
}

/**
 * Validates shapes and options and resolves the complete convolution geometry.
 *
 * @param inputShape `[N, H, W, C]` for `channels_last`, `[N, C, H, W]` for `channels_first`.
 * @param kernelShape Always Keras's `[kernelHeight, kernelWidth, inChannels / groups, filters]`.
 * @throws ShapeError on a wrong rank, a non-positive dimension, channels that do not match the kernel or
 *   the groups, or a window that leaves no output pixel.
 * @throws InvalidArgumentError when strides, dilation, padding, data format or groups are not allowed.
 */
export function resolveConv2dParams(
  inputShape: readonly number[],
  kernelShape: readonly number[],
  options: Conv2dOptions,
): Conv2dParams {
  const { padding, dataFormat } = options;
  if (!DATA_FORMATS.includes(dataFormat)) throw new UnknownNameError('dataFormat', dataFormat, DATA_FORMATS, CONTEXT);
  if (padding !== 'valid' && padding !== 'same' && !isExplicitPadding(padding)) {
    throw new InvalidArgumentError('padding', padding, "'valid', 'same' or integer pairs [[top, bottom], [left, right]]", CONTEXT);
  }
  const [strideHeight, strideWidth] = requirePair(CONTEXT, 'strides', options.strides);
  const [dilationHeight, dilationWidth] = requirePair(CONTEXT, 'dilationRate', options.dilationRate);
  const groups = options.groups ?? 1;
  if (!isPositiveInteger(groups)) throw new InvalidArgumentError('groups', groups, 'a positive integer', CONTEXT);

  const channelsLast = dataFormat === 'channels_last';
  const input = requireShape(CONTEXT, 
    'inputShape',
    inputShape,
    channelsLast ? ['batch', 'height', 'width', 'channels'] : ['batch', 'channels', 'height', 'width'],
  );
  const [kernelHeight, kernelWidth, kernelChannels, filters] = requireShape(CONTEXT, 'kernelShape', kernelShape, [
    'kernelHeight',
    'kernelWidth',
    'inChannelsPerGroup',
    'filters',
  ]);
  const [batch, inHeight, inWidth, inChannels] = channelsLast ? input : [input[0], input[2], input[3], input[1]];

  if (inChannels % groups !== 0 || filters % groups !== 0) {
    throw shapeError(CONTEXT, 
      'groups',
      groups,
      `a divisor of both the ${inChannels} input channels and the ${filters} filters (input shape ` +
        `${describeValue(inputShape)}, kernel shape ${describeValue(kernelShape)})`,
    );
  }
  if (kernelChannels * groups !== inChannels) {
    throw shapeError(CONTEXT, 
      'kernelShape[2]',
      kernelChannels,
      `${inChannels / groups} (the ${inChannels} channels of input shape ${describeValue(inputShape)} (${dataFormat}) ` +
        `over ${groups} group${groups === 1 ? '' : 's'}); kernel shape ${describeValue(kernelShape)}`,
    );
  }

  const rows = axisGeometry(padding, 0, inHeight, kernelHeight, strideHeight, dilationHeight);
  const cols = axisGeometry(padding, 1, inWidth, kernelWidth, strideWidth, dilationWidth);
  const axes = [
    ['height', inHeight, kernelHeight, dilationHeight, rows],
    ['width', inWidth, kernelWidth, dilationWidth, cols],
  ] as const;
  for (const [axis, size, k, d, g] of axes) {
    if (g.out <= 0) {
      throw new ShapeError(
        `${CONTEXT}: input ${axis} ${size} (padded by ${g.before}+${g.after}) is smaller than the dilated kernel ` +
          `${axis} ${(k - 1) * d + 1} (kernel ${axis} ${k}, dilation ${d}), which would give output ${axis} ${g.out}; ` +
          `use a larger input, a smaller kernel or dilation, or padding 'same'.`,
      );
    }
  }

  return {
    batch,
    inHeight,
    inWidth,
    inChannels,
    kernelHeight,
    kernelWidth,
    groups,
    inChannelsPerGroup: kernelChannels,
    outChannelsPerGroup: filters / groups,
    strideHeight,
    strideWidth,
    dilationHeight,
    dilationWidth,
    padTop: rows.before,
    padBottom: rows.after,
    padLeft: cols.before,
    padRight: cols.after,
    outHeight: rows.out,
    outWidth: cols.out,
    outChannels: filters,
    dataFormat,
  };
}

/** Element counts of the four kinds of buffer a kernel touches; what callers must allocate. */
export function conv2dSizes(p: Conv2dParams): { input: number; kernel: number; bias: number; output: number } {
  return {
    input: p.batch * p.inHeight * p.inWidth * p.inChannels,
    kernel: p.kernelHeight * p.kernelWidth * p.inChannelsPerGroup * p.outChannels,
    bias: p.outChannels,
    output: p.batch * p.outHeight * p.outWidth * p.outChannels,
  };
}

/** Output shape in the params' data format: `[N, OH, OW, F]` or `[N, F, OH, OW]`. */
export function conv2dOutputShape(p: Conv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.outHeight, p.outWidth, p.outChannels]
    : [p.batch, p.outChannels, p.outHeight, p.outWidth];
}

/** Input shape in the params' data format: `[N, H, W, C]` or `[N, C, H, W]`. */
export function conv2dInputShape(p: Conv2dParams): [number, number, number, number] {
  return p.dataFormat === 'channels_last'
    ? [p.batch, p.inHeight, p.inWidth, p.inChannels]
    : [p.batch, p.inChannels, p.inHeight, p.inWidth];
}

/**
 * Keras's transposed-convolution output length for one axis (`_get_output_shape_given_tf_padding`):
 * with `K = (k - 1) * d + 1`, 'valid' gives `(in - 1) * s + K + op` where `op` defaults to
 * `max(K, s) - K`; 'same' gives `in * s` without `outputPadding`, else `(in - 1) * s + K % 2 + op`.
 */
export function convTransposeOutputLength(
  inputLength: number,
  kernelSize: number,
  stride: number,
  dilation: number,
  padding: Padding,
  outputPadding: number | null,
): number {
  const k = (kernelSize - 1) * dilation + 1;
  if (padding === 'valid') return (inputLength - 1) * stride + k + (outputPadding ?? Math.max(k, stride) - k);
  return outputPadding === null ? inputLength * stride : (inputLength - 1) * stride + (k % 2) + outputPadding;
}

/**
 * The padding Keras hands JAX's `conv_transpose` for one axis, turned into the padding of the forward
 * convolution whose adjoint the transposed convolution is: JAX pads the stride-dilated input by
 * `[left, right]` and correlates with the flipped kernel, which is the forward convolution's input
 * gradient with `before = K - 1 - left`, `after = K - 1 - right` (negative `after` crops).
 */
export function convTransposeForwardPadding(
  kernelSize: number,
  stride: number,
  dilation: number,
  padding: Padding,
  outputPadding: number | null,
): [before: number, after: number] {
  const k = (kernelSize - 1) * dilation + 1;
  let left: number;
  let right: number;
  if (padding === 'valid') {
    left = k - 1;
    right = k - 1 + (outputPadding ?? Math.max(k, stride) - k);
  } else {
    const total = outputPadding === null ? stride + k - 2 : k + (k % 2) - 2 + outputPadding;
    left = Math.min(Math.floor(total / 2) + (total % 2), k - 1);
    right = total - left;
  }
  return [k - 1 - left, k - 1 - right];
}
