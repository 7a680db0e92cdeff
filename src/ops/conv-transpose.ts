/**
 * Keras's transposed convolution of any rank, run as the adjoint of `conv`: its output is the input
 * gradient of a forward convolution whose input has the transposed output's shape, so it runs on that
 * convolution's backward-input kernel, and its own gradients are the forward and kernel-gradient passes.
 */

import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { convInputShape } from '../kernels/conv/params.js';
import { resolveConvTransposeParams } from '../kernels/conv/transpose.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizeOutputPadding, normalizePadding, normalizeTuple, spatialRankOf } from './conv-args.js';
import { bindConvolution } from './conv-dispatch.js';
import { floatStorage } from './convert.js';
import { add } from './elementwise.js';
import { cast, reshape } from './shape-ops.js';
import { checkBias, floatResultDType } from './windowed-op.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface ConvTransposeOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /** Extra outputs at the end of each spatial axis, each < its stride; null (default) for Keras's default. */
  outputPadding?: IntOrTuple | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
  /** Added per filter (shape [filters]). */
  bias?: Tensor | null;
}

const CONV_TRANSPOSE_KEYS = optionKeys<ConvTransposeOpOptions>()(['strides', 'padding', 'outputPadding', 'dilationRate', 'dataFormat', 'bias']);

/** The options of the 2D op (the same as the rank-generic one). */
export type Conv2dTransposeOpOptions = ConvTransposeOpOptions;

/**
 * Transposed convolution of `x` (`[N, ...spatial, C]` or `[N, C, ...spatial]`, 1 to 3 spatial axes) with
 * `kernel` in Keras's layout `[...kernelSize, filters, C]`; output lengths follow Keras's rule
 * (`in * stride` for 'same' without `outputPadding`). Differentiable in `x`, `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.convTranspose(x, kernel, { strides: 2, padding: 'same' }); // 2x upsampling of every axis
 * ```
 */
export function convTranspose(x: Tensor, kernel: Tensor, options: ConvTransposeOpOptions = {}, context = 'convTranspose'): Tensor {
  checkOptions(options, CONV_TRANSPOSE_KEYS, context);
  const rank = spatialRankOf(x, context);
  const strides = normalizeTuple(options.strides ?? 1, rank, 'strides', 1, context);
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, rank, 'dilationRate', 1, context);
  const padding = normalizePadding(options.padding ?? 'valid', context);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', context);
  const outputPadding = normalizeOutputPadding(options.outputPadding, strides, context);
  const p = resolveConvTransposeParams(x.shape, kernel.shape, { strides, dilationRate, padding, outputPadding, dataFormat }, context);
  const filters = p.inChannels;
  const biasIn = options.bias ?? null;
  checkBias(biasIn, filters, context);
  const dtype = floatResultDType(x, kernel, 'x', context);
  const xs = cast(x, dtype);
  const ks = cast(kernel, dtype);
  const z = uninitializedTensor(convInputShape(p), dtype);
  bindConvolution(p, false).slot((kernels, params) => {
    kernels().backwardInput(params, floatStorage(xs), floatStorage(ks), floatStorage(z));
    recordOp([xs, ks], z, (dz) => {
      const k = kernels();
      const g = floatStorage(cast(dz, dtype));
      const dx = uninitializedTensor(xs.shape, dtype);
      k.forward(params, g, floatStorage(ks), null, floatStorage(dx));
      const dk = uninitializedTensor(ks.shape, dtype);
      k.backwardKernel(params, g, floatStorage(xs), floatStorage(dk));
      return [dx, dk];
    });
  });
  if (biasIn === null) return z;
  // The bias is a broadcast add, so its gradient (a reduction over pixels) comes from the add's rule.
  const biasShape = dataFormat === 'channels_last' ? [filters] : [filters, ...new Array<number>(rank).fill(1)];
  return add(z, reshape(cast(biasIn, dtype), biasShape));
}

/**
 * Transposed 2D convolution: {@link convTranspose} on rank-4 inputs, kernel `[kh, kw, filters, C]`.
 *
 * @example
 * ```ts
 * const y = ops.conv2dTranspose(x, kernel, { strides: 2, padding: 'same' }); // 2x upsampling
 * ```
 */
export function conv2dTranspose(x: Tensor, kernel: Tensor, options: ConvTransposeOpOptions = {}): Tensor {
  spatialRankOf(x, 'conv2dTranspose', [2]);
  return convTranspose(x, kernel, options, 'conv2dTranspose');
}
