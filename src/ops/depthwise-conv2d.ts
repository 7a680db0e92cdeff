/** The depthwise 2D convolution op: validates once, resolves geometry, runs the backend's kernels. */

import type { Tensor } from '../engine/tensor.js';
import { getBackend } from '../kernels/backend.js';
import type { EpilogueTensors } from './windowed-op.js';
import { runWindowedWithEpilogue } from './windowed-op.js';
import { depthwiseConv2dOutputShape, resolveDepthwiseConv2dParams } from '../kernels/depthwise-conv2d/params.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';

export interface DepthwiseConv2dOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
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
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CONTEXT) as [number, number];
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CONTEXT) as [number, number];
  const padding = normalizePadding(options.padding ?? 'valid', CONTEXT);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const p = resolveDepthwiseConv2dParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat });
  const outShape = depthwiseConv2dOutputShape(p);
  const channelsLast = dataFormat === 'channels_last';
  const layout = { channels: p.outChannels, channelsLast, spatial: p.outHeight * p.outWidth };
  const inputs = { x, kernel, bias: options.bias ?? null, outShape, layout };
  return runWindowedWithEpilogue(() => getBackend().depthwiseConv2d, p, inputs, options.epilogue, CONTEXT);
}
