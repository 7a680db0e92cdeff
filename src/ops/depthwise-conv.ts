/**
 * The depthwise convolution op of any rank: the grouped convolution with one group per input channel
 * (kernel `[...k, C, depthMultiplier]`, output channel `c * depthMultiplier + m`), on the backend's
 * depthwise slot for ranks 1 and 2 and the rank-generic slot for rank 3.
 */

import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { convOutputShape, resolveDepthwiseConvParams } from '../kernels/conv/params.js';
import type { ConvParams } from '../kernels/conv/params.js';
import { isSizeInteger } from '../utils/arguments.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple, spatialRankOf } from './conv-args.js';
import { bindConvolution } from './conv-dispatch.js';
import type { EpilogueTensors } from './windowed-op.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface DepthwiseConvOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /**
   * `[before, after]` zero padding per spatial axis, for padding 'valid' only: the result equals `pad`ding
   * the input first, without materialising the padded copy (how inference runs MobileNet's
   * ZeroPadding2D → DepthwiseConv2D). Default none.
   */
  explicitPadding?: readonly (readonly [number, number])[] | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
  /** Added per output channel inside the kernel (shape [inChannels * depthMultiplier]). */
  bias?: Tensor | null;
  /**
   * `activation(conv * scale + shift)` per output channel, fused into the kernel outside gradient
   * recording (how inference runs Conv → BatchNormalization → ReLU as one pass).
   */
  epilogue?: EpilogueTensors;
}

const DEPTHWISE_CONV_KEYS = optionKeys<DepthwiseConvOpOptions>()(['strides', 'padding', 'explicitPadding', 'dilationRate', 'dataFormat', 'bias', 'epilogue']);

/** The options of the 2D op (the same as the rank-generic one). */
export type DepthwiseConv2dOpOptions = DepthwiseConvOpOptions;

const isPadPair = (value: unknown): value is readonly [number, number] => Array.isArray(value) && value.length === 2 && value.every((v) => isSizeInteger(v, 0));

/**
 * Depthwise convolution of `x` (`[N, ...spatial, C]` or `[N, C, ...spatial]`, 1 to 3 spatial axes) with
 * `kernel` (`[...kernelSize, C, depthMultiplier]`); output channel `c * depthMultiplier + m`.
 * Differentiable in `x`, `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.depthwiseConv(x, kernel, { strides: 2, padding: 'same' });
 * ```
 */
export function depthwiseConv(x: Tensor, kernel: Tensor, options: DepthwiseConvOpOptions = {}, context = 'depthwiseConv'): Tensor {
  checkOptions(options, DEPTHWISE_CONV_KEYS, context);
  const rank = spatialRankOf(x, context);
  const strides = normalizeTuple(options.strides ?? 1, rank, 'strides', 1, context);
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, rank, 'dilationRate', 1, context);
  const padding = normalizePadding(options.padding ?? 'valid', context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  const explicit = options.explicitPadding ?? null;
  let p: ConvParams;
  if (explicit === null) {
    p = resolveDepthwiseConvParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat }, context);
  } else {
    if (!Array.isArray(explicit) || explicit.length !== rank || !explicit.every(isPadPair)) {
      throw new InvalidArgumentError('explicitPadding', explicit, `an array of ${rank} pairs [before, after] of non-negative integers`, context);
    }
    if (padding !== 'valid') throw new InvalidArgumentError('padding', options.padding, "'valid' when explicitPadding is given", context);
    p = resolveDepthwiseConvParams(x.shape, kernel.shape, { strides, dilationRate, padding: explicit, dataFormat }, context);
  }
  const inputs = { x, kernel, bias: options.bias ?? null, outShape: convOutputShape(p) };
  return bindConvolution(p, true).run(inputs, options.epilogue, context);
}

/**
 * Depthwise 2D convolution of `x` (`[N, H, W, C]` or `[N, C, H, W]`) with `kernel`
 * (`[kh, kw, C, depthMultiplier]`): {@link depthwiseConv} on rank-4 inputs.
 *
 * @example
 * ```ts
 * const y = ops.depthwiseConv2d(x, kernel, { strides: 2, padding: 'same' });
 * ```
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, options: DepthwiseConvOpOptions = {}): Tensor {
  spatialRankOf(x, 'depthwiseConv2d', [2]);
  return depthwiseConv(x, kernel, options, 'depthwiseConv2d');
}
