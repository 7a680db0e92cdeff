/** The grouped 2D convolution op: validates once, resolves geometry, runs the backend's kernels. */

import type { Tensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import type { EpilogueTensors, WindowedKernels } from './windowed-op.js';
import { runWindowedWithEpilogue } from './windowed-op.js';
import type { Conv2dParams, ExplicitPadding } from '../kernels/conv2d/index.js';
import { conv2dOutputShape, resolveConv2dParams } from '../kernels/conv2d/index.js';
import type { DataFormat, IntOrTuple, Padding } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface Conv2dOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /**
   * 'valid' (default) or 'same', any case; or explicit zero padding `[[top, bottom], [left, right]]` in
   * pixels, where a negative `after` drops trailing input pixels (used by Conv1D 'causal').
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

const CONV2D_KEYS = optionKeys<Conv2dOpOptions>()(['strides', 'padding', 'dilationRate', 'dataFormat', 'groups', 'bias', 'epilogue']);

const CONTEXT = 'conv2d';

/** The grouped-convolution kernels of the current backend. */
export function conv2dKernels(): WindowedKernels<Conv2dParams> {
  return getBackend().conv2d;
}

function normalizeConvPadding(value: unknown): Padding | ExplicitPadding {
  // Explicit pairs are validated (integers, a non-empty output) by the params resolver.
  return Array.isArray(value) ? (value as unknown as ExplicitPadding) : normalizePadding(value, CONTEXT);
}

/**
 * 2D convolution of `x` ([N,H,W,C] or [N,C,H,W]) with `kernel` ([kh, kw, C / groups, filters]), as
 * Keras's `ops.conv` with `feature_group_count = groups`: filter `f` sees the input channels of group
 * `floor(f / (filters / groups))`. Differentiable in `x`, `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.conv2d(x, kernel, { strides: 2, padding: 'same', groups: 2 });
 * ```
 */
export function conv2d(x: Tensor, kernel: Tensor, options: Conv2dOpOptions = {}): Tensor {
  checkOptions(options, CONV2D_KEYS, CONTEXT);
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CONTEXT) as [number, number];
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CONTEXT) as [number, number];
  const padding = normalizeConvPadding(options.padding ?? 'valid');
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const groups = options.groups ?? 1;
  const p = resolveConv2dParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat, groups });
  const outShape = conv2dOutputShape(p);
  const channelsLast = dataFormat === 'channels_last';
  const layout = { channels: p.outChannels, channelsLast, spatial: p.outHeight * p.outWidth };
  const inputs = { x, kernel, bias: options.bias ?? null, outShape, layout };
  return runWindowedWithEpilogue(conv2dKernels, p, inputs, options.epilogue, CONTEXT);
}
