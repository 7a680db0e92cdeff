/** The depthwise 2D convolution op: validates once, resolves geometry, runs the backend's kernels. */

import type { Tensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import type { EpilogueTensors } from './windowed-op.js';
import { runWindowedWithEpilogue } from './windowed-op.js';
import { depthwiseConv2dOutputShape, resolveDepthwiseConv2dParams } from '../kernels/depthwise-conv2d/params.js';
import type { DepthwiseConv2dOptions, DepthwiseConv2dParams } from '../kernels/depthwise-conv2d/params.js';
import { InvalidArgumentError } from '../errors.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface DepthwiseConv2dOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /**
   * `[[top, bottom], [left, right]]` zero rows/columns around the input, for padding 'valid' only: the
   * result equals `pad`ding the input first, without materialising the padded copy (how inference runs
   * MobileNet's ZeroPadding2D → DepthwiseConv2D). Default none.
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

const DEPTHWISE_CONV2D_KEYS = optionKeys<DepthwiseConv2dOpOptions>()(['strides', 'padding', 'explicitPadding', 'dilationRate', 'dataFormat', 'bias', 'epilogue']);

const CONTEXT = 'depthwiseConv2d';

/**
 * Depthwise 2D convolution of `x` ([N,H,W,C] or [N,C,H,W]) with `kernel` ([kh, kw, C, depthMultiplier]);
 * output channel `c * depthMultiplier + m`. Differentiable in `x`, `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.depthwiseConv2d(x, kernel, { strides: 2, padding: 'same' });
 * ```
 */
export function depthwiseConv2d(x: Tensor, kernel: Tensor, options: DepthwiseConv2dOpOptions = {}): Tensor {
  checkOptions(options, DEPTHWISE_CONV2D_KEYS, CONTEXT);
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CONTEXT) as [number, number];
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CONTEXT) as [number, number];
  const padding = normalizePadding(options.padding ?? 'valid', CONTEXT);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const explicit = options.explicitPadding ?? null;
  const p =
    explicit === null
      ? resolveDepthwiseConv2dParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat })
      : explicitlyPadded(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat }, explicit);
  const outShape = depthwiseConv2dOutputShape(p);
  const channelsLast = dataFormat === 'channels_last';
  const layout = { channels: p.outChannels, channelsLast, spatial: p.outHeight * p.outWidth };
  const inputs = { x, kernel, bias: options.bias ?? null, outShape, layout };
  return runWindowedWithEpilogue(() => getBackend().depthwiseConv2d, p, inputs, options.epilogue, CONTEXT);
}

function isPadPair(value: unknown): value is readonly [number, number] {
  return Array.isArray(value) && value.length === 2 && value.every((v) => Number.isInteger(v) && v >= 0);
}

/**
 * The geometry of a 'valid' convolution of the input padded by `explicit`, over the unpadded input: the
 * kernels read zeros for the padding, as they do for 'same'.
 */
function explicitlyPadded(
  inputShape: readonly number[],
  kernelShape: readonly number[],
  options: DepthwiseConv2dOptions,
  explicit: readonly (readonly [number, number])[],
): DepthwiseConv2dParams {
  if (!Array.isArray(explicit) || explicit.length !== 2 || !explicit.every(isPadPair)) {
    throw new InvalidArgumentError('explicitPadding', explicit, 'an array [[top, bottom], [left, right]] of non-negative integers', CONTEXT);
  }
  if (options.padding !== 'valid') {
    throw new InvalidArgumentError('padding', options.padding, "'valid' when explicitPadding is given", CONTEXT);
  }
  const [[top, bottom], [left, right]] = explicit;
  const [hAxis, wAxis] = options.dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  const padded = [...inputShape];
  // Non-numbers fall through to the resolver's own shape error.
  if (typeof padded[hAxis] === 'number') padded[hAxis] += top + bottom;
  if (typeof padded[wAxis] === 'number') padded[wAxis] += left + right;
  const p = resolveDepthwiseConv2dParams(padded, kernelShape, options);
  return {
    ...p,
    inHeight: p.inHeight - top - bottom,
    inWidth: p.inWidth - left - right,
    padTop: top,
    padBottom: bottom,
    padLeft: left,
    padRight: right,
  };
}
