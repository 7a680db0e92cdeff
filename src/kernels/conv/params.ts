/**
 * The geometry of every convolution, of any rank (1, 2 or 3 spatial axes): grouped, depthwise (grouped
 * with one input channel per group) and transposed (the input gradient of a forward convolution). Turns
 * the tensors' shapes and the front end's validated options into the fully resolved integers the kernels
 * consume, checking the shapes against each other once, so the kernels never validate or derive geometry.
 *
 * Options (strides, dilation, padding, data format, groups) are validated where the user gives them (the
 * ops' options, the layers' option schemas) with one wording per rule; here they are only asserted.
 */
import { assertInvariant, describeValue, ShapeError } from '../../errors.js';
import { isPositiveInteger, requireShape, shapeError } from '../shape-checks.js';
import type { DataFormat, Padding } from '../window.js';
import { convOutputLength, samePadding } from '../window.js';

export type { DataFormat, Padding };

/** How many spatial axes a convolution has. */
export type SpatialRank = 1 | 2 | 3;

/** Explicit zero padding `[before, after]` per spatial axis, in input pixels; a negative `after` crops. */
export type ExplicitPadding = readonly (readonly [number, number])[];

/**
 * Fully resolved geometry of one grouped convolution of any rank. Spatial arrays run outermost first
 * (depth, height, width; one entry per axis). Output channel `f` belongs to group
 * `g = floor(f / outChannelsPerGroup)` and reads input channels `g * inChannelsPerGroup + ci` through
 * kernel slice `[...taps, ci, f]`. A depthwise convolution is the case `groups = inChannels`,
 * `inChannelsPerGroup = 1`, `outChannelsPerGroup = depthMultiplier`: its `[...k, C, dm]` kernel is the
 * same array as the grouped `[...k, 1, C * dm]` one, and output channel `c * dm + m` is filter `f`.
 */
export interface ConvParams {
  readonly rank: SpatialRank;
  readonly batch: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly groups: number;
  readonly inChannelsPerGroup: number;
  readonly outChannelsPerGroup: number;
  readonly inSize: readonly number[];
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padBefore: readonly number[];
  /** May be negative: the transposed convolution's adjoint geometry crops trailing input pixels. */
  readonly padAfter: readonly number[];
  readonly outSize: readonly number[];
  readonly dataFormat: DataFormat;
}

/** The convolution options after the front end's validation (one entry per spatial axis). */
export interface ConvOptions {
  strides: readonly number[];
  dilationRate: readonly number[];
  /** 'valid', 'same' (TensorFlow's split) or explicit pixel counts (Conv1D 'causal', transposed conv). */
  padding: Padding | ExplicitPadding;
  dataFormat: DataFormat;
  /** Default 1; must divide both the input channels and the filters. */
  groups?: number;
}

/** Names of the spatial axes of each rank, for messages. */
export const SPATIAL_AXES: Readonly<Record<SpatialRank, readonly string[]>> = {
  1: ['length'],
  2: ['height', 'width'],
  3: ['depth', 'height', 'width'],
};

/** The axis names of a rank-`rank + 2` tensor in either data format. */
export function tensorAxes(rank: SpatialRank, dataFormat: DataFormat): string[] {
  const spatial = SPATIAL_AXES[rank];
  return dataFormat === 'channels_last' ? ['batch', ...spatial, 'channels'] : ['batch', 'channels', ...spatial];
}

function isExplicitPadding(value: unknown, rank: number): value is ExplicitPadding {
  return (
    Array.isArray(value) &&
    value.length === rank &&
    value.every((pair: unknown) => Array.isArray(pair) && pair.length === 2 && pair.every((v) => Number.isInteger(v)) && pair[0] >= 0)
  );
}

/** Asserts what the front end validated; a failure here is a bug in the caller, not a user error. */
function assertOptions(options: ConvOptions, context: string): SpatialRank {
  const rank = options.strides.length;
  assertInvariant(rank >= 1 && rank <= 3, () => `${context}: ${rank} spatial axes (strides ${describeValue(options.strides)})`);
  const perAxis = (values: readonly number[]) => values.length === rank && values.every(isPositiveInteger);
  assertInvariant(perAxis(options.strides) && perAxis(options.dilationRate), () => `${context}: strides ${describeValue(options.strides)}, dilation ${describeValue(options.dilationRate)}`);
  const { padding } = options;
  assertInvariant(padding === 'valid' || padding === 'same' || isExplicitPadding(padding, rank), () => `${context}: padding ${describeValue(padding)}`);
  assertInvariant(options.dataFormat === 'channels_last' || options.dataFormat === 'channels_first', () => `${context}: dataFormat ${describeValue(options.dataFormat)}`);
  assertInvariant(options.groups === undefined || isPositiveInteger(options.groups), () => `${context}: groups ${describeValue(options.groups)}`);
  return rank as SpatialRank;
}

/** `[before, after]` for one axis and the output length those give. */
function axisGeometry(padding: ConvOptions['padding'], axis: number, size: number, k: number, s: number, d: number): { before: number; after: number; out: number } {
  if (padding === 'same') {
    const [before, after] = samePadding(size, k, s, d);
    return { before, after, out: convOutputLength(size, k, s, d, 'same') };
  }
  if (padding === 'valid') return { before: 0, after: 0, out: convOutputLength(size, k, s, d, 'valid') };
  const [before, after] = padding[axis];
  return { before, after, out: Math.floor((size + before + after - ((k - 1) * d + 1)) / s) + 1 };
}

/**
 * Checks the shapes against each other and resolves the complete geometry of a grouped convolution.
 *
 * @param inputShape `[N, ...spatial, C]` for `channels_last`, `[N, C, ...spatial]` for `channels_first`.
 * @param kernelShape Keras's `[...kernelSize, inChannels / groups, filters]`.
 * @param context The op's name, for messages.
 * @throws ShapeError on a wrong rank, a non-positive dimension, channels that do not match the kernel or
 *   the groups, or a window that leaves no output pixel.
 * @example
 * ```ts
 * const p = resolveConvParams([1, 4, 8, 8, 3], [3, 3, 3, 3, 6], { strides: [1, 2, 2], dilationRate: [1, 1, 1], padding: 'same', dataFormat: 'channels_last' }, 'conv3d');
 * p.outSize; // [4, 4, 4]
 * ```
 */
export function resolveConvParams(inputShape: readonly number[], kernelShape: readonly number[], options: ConvOptions, context = 'conv'): ConvParams {
  const rank = assertOptions(options, context);
  const { padding, dataFormat } = options;
  const groups = options.groups ?? 1;
  const spatialNames = SPATIAL_AXES[rank];
  const input = requireShape(context, 'inputShape', inputShape, tensorAxes(rank, dataFormat));
  const kernel = requireShape(context, 'kernelShape', kernelShape, [...spatialNames.map((a) => `kernel ${a}`), 'inChannelsPerGroup', 'filters']);
  const channelsLast = dataFormat === 'channels_last';
  const batch = input[0];
  const inChannels = channelsLast ? input[rank + 1] : input[1];
  const inSize = channelsLast ? input.slice(1, rank + 1) : input.slice(2);
  const kernelSize = kernel.slice(0, rank);
  const [kernelChannels, filters] = kernel.slice(rank);

  if (inChannels % groups !== 0 || filters % groups !== 0) {
    throw shapeError(
      context,
      'groups',
      groups,
      `a divisor of both the ${inChannels} input channels and the ${filters} filters (input shape ${describeValue(inputShape)}, kernel shape ${describeValue(kernelShape)})`,
    );
  }
  if (kernelChannels * groups !== inChannels) {
    throw shapeError(
      context,
      `kernelShape[${rank}]`,
      kernelChannels,
      `${inChannels / groups} (the ${inChannels} channels of input shape ${describeValue(inputShape)} (${dataFormat}) over ${groups} group${groups === 1 ? '' : 's'}); kernel shape ${describeValue(kernelShape)}`,
    );
  }

  const axes = inSize.map((size, i) => axisGeometry(padding, i, size, kernelSize[i], options.strides[i], options.dilationRate[i]));
  axes.forEach((g, i) => {
    if (g.out > 0) return;
    const [name, size, k, d] = [spatialNames[i], inSize[i], kernelSize[i], options.dilationRate[i]];
    throw new ShapeError(
      `${context}: input ${name} ${size} (padded by ${g.before}+${g.after}) is smaller than the dilated kernel ${name} ${(k - 1) * d + 1} ` +
        `(kernel ${name} ${k}, dilation ${d}), which would give output ${name} ${g.out}; use a larger input, a smaller kernel or dilation, or padding 'same'.`,
    );
  });

  return {
    rank,
    batch,
    inChannels,
    outChannels: filters,
    groups,
    inChannelsPerGroup: kernelChannels,
    outChannelsPerGroup: filters / groups,
    inSize,
    kernelSize,
    strides: [...options.strides],
    dilations: [...options.dilationRate],
    padBefore: axes.map((g) => g.before),
    padAfter: axes.map((g) => g.after),
    outSize: axes.map((g) => g.out),
    dataFormat,
  };
}

/**
 * The depthwise geometry: kernel `[...kernelSize, C, depthMultiplier]` read as the grouped kernel
 * `[...kernelSize, 1, C * depthMultiplier]` with `groups = C`.
 *
 * @example
 * ```ts
 * const p = resolveDepthwiseConvParams([1, 9, 3], [3, 3, 2], { strides: [1], dilationRate: [1], padding: 'same', dataFormat: 'channels_last' });
 * p.outChannels; // 6
 * ```
 */
export function resolveDepthwiseConvParams(inputShape: readonly number[], kernelShape: readonly number[], options: Omit<ConvOptions, 'groups'>, context = 'depthwiseConv'): ConvParams {
  const rank = assertOptions(options, context);
  const kernel = requireShape(context, 'kernelShape', kernelShape, [...SPATIAL_AXES[rank].map((a) => `kernel ${a}`), 'inChannels', 'depthMultiplier']);
  const input = requireShape(context, 'inputShape', inputShape, tensorAxes(rank, options.dataFormat));
  const channels = options.dataFormat === 'channels_last' ? input[rank + 1] : input[1];
  if (kernel[rank] !== channels) {
    throw shapeError(
      context,
      `kernelShape[${rank}]`,
      kernel[rank],
      `${channels} to match the ${channels} channels of input shape ${describeValue(inputShape)} (${options.dataFormat}); kernel shape ${describeValue(kernelShape)}`,
    );
  }
  const grouped = [...kernel.slice(0, rank), 1, channels * kernel[rank + 1]];
  return resolveConvParams(inputShape, grouped, { ...options, groups: channels }, context);
}

/** Whether `p` is a depthwise convolution (one input channel per group, every channel its own group). */
export function isDepthwise(p: ConvParams): boolean {
  return p.inChannelsPerGroup === 1 && p.groups === p.inChannels;
}

const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

/** Element counts of the four kinds of buffer a kernel touches; what callers must allocate. */
export function convSizes(p: ConvParams): { input: number; kernel: number; bias: number; output: number } {
  return {
    input: p.batch * product(p.inSize) * p.inChannels,
    kernel: product(p.kernelSize) * p.inChannelsPerGroup * p.outChannels,
    bias: p.outChannels,
    output: p.batch * product(p.outSize) * p.outChannels,
  };
}

/** Output shape in the params' data format: `[N, ...out, F]` or `[N, F, ...out]`. */
export function convOutputShape(p: ConvParams): number[] {
  return p.dataFormat === 'channels_last' ? [p.batch, ...p.outSize, p.outChannels] : [p.batch, p.outChannels, ...p.outSize];
}

/** Input shape in the params' data format: `[N, ...in, C]` or `[N, C, ...in]`. */
export function convInputShape(p: ConvParams): number[] {
  return p.dataFormat === 'channels_last' ? [p.batch, ...p.inSize, p.inChannels] : [p.batch, p.inChannels, ...p.inSize];
}
