/**
 * The grouped convolution op of any rank (Conv1D/2D/3D): validates the options once, resolves the
 * geometry, runs the backend slot for the rank (`conv-dispatch.ts`) and records the gradient.
 */

import type { Tensor } from '../engine/tensor.js';
import { resolveConvParams } from '../kernels/conv/params.js';
import { convOutputShape } from '../kernels/conv/params.js';
import { checkSizeInteger } from '../utils/arguments.js';
import type { DataFormat, ExplicitPadding, IntOrTuple } from './conv-args.js';
import { normalizeConvPadding, normalizeDataFormat, normalizeTuple, spatialRankOf } from './conv-args.js';
import { bindConvolution } from './conv-dispatch.js';
import { depthwiseConv } from './depthwise-conv.js';
import { reshape } from './shape-ops.js';
import type { EpilogueTensors } from './windowed-op.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface ConvOpOptions {
  /** Default 1: one integer for every spatial axis, or one per axis. */
  strides?: IntOrTuple;
  /**
   * 'valid' (default) or 'same', any case; or explicit zero padding `[before, after]` per spatial axis,
   * where a negative `after` drops trailing input pixels.
   */
  padding?: string | ExplicitPadding;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
  /** Default 1: split channels and filters into this many independent convolutions. */
  groups?: number;
  /** Added per filter inside the kernel (shape [filters]). */
  bias?: Tensor | null;
  /**
   * `activation(conv * scale + shift)` per output channel, fused into the kernel outside gradient
   * recording (how inference runs Conv → BatchNormalization → ReLU as one pass).
   */
  epilogue?: EpilogueTensors;
}

const CONV_KEYS = optionKeys<ConvOpOptions>()(['strides', 'padding', 'dilationRate', 'dataFormat', 'groups', 'bias', 'epilogue']);

/**
 * Convolution of `x` (`[N, ...spatial, C]` or `[N, C, ...spatial]`, 1 to 3 spatial axes) with `kernel`
 * (`[...kernelSize, C / groups, filters]`), as Keras's `ops.conv` with `feature_group_count = groups`:
 * filter `f` sees the input channels of group `floor(f / (filters / groups))`. Differentiable in `x`,
 * `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.conv(x, kernel, { strides: 2, padding: 'same' }); // [1, 8, 16, 16, 3] → [1, 4, 8, 8, filters]
 * ```
 */
export function conv(x: Tensor, kernel: Tensor, options: ConvOpOptions = {}, context = 'conv'): Tensor {
  checkOptions(options, CONV_KEYS, context);
  const rank = spatialRankOf(x, context);
  const strides = normalizeTuple(options.strides ?? 1, rank, 'strides', 1, context);
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, rank, 'dilationRate', 1, context);
  const padding = normalizeConvPadding(options.padding ?? 'valid', rank, context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  const groups = checkSizeInteger(options.groups ?? 1, 'groups', 1, context);
  const p = resolveConvParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat, groups }, context);
  const inChannels = x.shape[dataFormat === 'channels_last' ? x.rank - 1 : 1];
  const stridedAndDilated = strides.some((s) => s > 1) && dilationRate.some((d) => d > 1);
  if (groups > 1 && groups === inChannels && typeof padding === 'string' && !stridedAndDilated) {
    // Keras's other spelling of a depthwise convolution, Conv(groups = channels) (ConvMixer, for one): the
    // kernel [...k, 1, C·m] has the memory layout of a depthwise kernel [...k, C, m] (filter f = c·m + j
    // sees channel c in both), so the depthwise kernels run it, about ten times faster than the grouped path.
    const depthwiseKernel = reshape(kernel, [...kernel.shape.slice(0, -2), groups, kernel.shape[kernel.rank - 1] / groups]);
    return depthwiseConv(x, depthwiseKernel, { strides, dilationRate, padding, dataFormat, bias: options.bias ?? null, epilogue: options.epilogue }, context);
  }
  const inputs = { x, kernel, bias: options.bias ?? null, outShape: convOutputShape(p) };
  return bindConvolution(p, false).run(inputs, options.epilogue, context);
}

/**
 * 2D convolution of `x` (`[N, H, W, C]` or `[N, C, H, W]`) with `kernel` (`[kh, kw, C / groups, filters]`):
 * {@link conv} on rank-4 inputs.
 *
 * @example
 * ```ts
 * const y = ops.conv2d(x, kernel, { strides: 2, padding: 'same', groups: 2 });
 * ```
 */
export function conv2d(x: Tensor, kernel: Tensor, options: ConvOpOptions = {}): Tensor {
  spatialRankOf(x, 'conv2d', [2]);
  return conv(x, kernel, options, 'conv2d');
}

/** The options of the 2D op (the same as the rank-generic one). */
export type Conv2dOpOptions = ConvOpOptions;
