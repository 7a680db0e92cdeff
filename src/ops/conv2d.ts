/** The grouped 2D convolution op: validates once, resolves geometry, runs the backend's kernels. */

import { isFloatDType, resultDType } from '../engine/dtype.js';
import type { FloatDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { emptyTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { Conv2dKernels, Conv2dParams, ExplicitPadding } from '../kernels/conv2d/index.js';
import { conv2dOutputShape, resolveConv2dParams } from '../kernels/conv2d/index.js';
import type { DataFormat, IntOrTuple, Padding } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { cast } from './shape-ops.js';
import { floatData } from './convert.js';

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
}

const CONTEXT = 'conv2d';

/** The grouped-convolution kernels of the current backend. */
export function conv2dKernels(): Conv2dKernels {
  return getBackend().conv2d;
}

/** The common float dtype of two operands, or an error naming `argument` and the context. */
export function floatResultDType(a: Tensor, b: Tensor, argument: string, context: string): FloatDType {
  const dtype = resultDType(a.dtype, b.dtype);
  if (!isFloatDType(dtype)) throw new InvalidArgumentError(argument, a.dtype, 'float32 or float64 tensors', context);
  return dtype;
}

/** A rank-1 bias of `length` elements, or an error naming what was expected. */
export function checkBias(bias: Tensor | null, length: number, context: string): void {
  if (bias !== null && (bias.rank !== 1 || bias.shape[0] !== length)) {
    throw new InvalidArgumentError('bias', bias.shape, `a tensor of shape [${length}]`, context);
  }
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
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CONTEXT) as [number, number];
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CONTEXT) as [number, number];
  const padding = normalizeConvPadding(options.padding ?? 'valid');
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const groups = options.groups ?? 1;
  const p = resolveConv2dParams(x.shape, kernel.shape, { strides, dilationRate, padding, dataFormat, groups });
  const biasIn = options.bias ?? null;
  checkBias(biasIn, p.outChannels, CONTEXT);
  const dtype = floatResultDType(x, kernel, 'x', CONTEXT);
  const xs = cast(x, dtype);
  const ks = cast(kernel, dtype);
  const bs = biasIn === null ? null : cast(biasIn, dtype);
  const y = emptyTensor(conv2dOutputShape(p), dtype);
  conv2dKernels().forward(p, floatData(xs), floatData(ks), bs ? floatData(bs) : null, floatData(y));
  recordOp(bs ? [xs, ks, bs] : [xs, ks], y, (dy) => conv2dGrads(p, xs, ks, bs, dy));
  return y;
}

function conv2dGrads(p: Conv2dParams, x: Tensor, kernel: Tensor, bias: Tensor | null, dy: Tensor): Tensor[] {
  const kernels = conv2dKernels();
  const g = floatData(cast(dy, x.dtype));
  const dx = emptyTensor(x.shape, x.dtype);
  kernels.backwardInput(p, g, floatData(kernel), floatData(dx));
  const dk = emptyTensor(kernel.shape, x.dtype);
  kernels.backwardKernel(p, floatData(x), g, floatData(dk));
  if (!bias) return [dx, dk];
  const db = emptyTensor(bias.shape, x.dtype);
  kernels.backwardBias(p, g, floatData(db));
  return [dx, dk, db];
}
