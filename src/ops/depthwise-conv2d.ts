/** The depthwise 2D convolution op: validates once, resolves geometry, runs the backend's kernels. */

import { isFloatDType, resultDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { emptyTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { DepthwiseConv2dParams } from '../kernels/depthwise-conv2d/params.js';
import { resolveDepthwiseConv2dParams } from '../kernels/depthwise-conv2d/params.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { cast } from './shape-ops.js';
import { floatData } from './convert.js';

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
  const biasIn = options.bias ?? null;
  if (biasIn !== null && (biasIn.rank !== 1 || biasIn.shape[0] !== p.outChannels)) {
    throw new InvalidArgumentError('bias', biasIn.shape, `a tensor of shape [${p.outChannels}]`, CONTEXT);
  }
  const dtype = resultDType(x.dtype, kernel.dtype);
  if (!isFloatDType(dtype)) throw new InvalidArgumentError('x', x.dtype, 'float32 or float64 tensors', CONTEXT);
  const xs = cast(x, dtype);
  const ks = cast(kernel, dtype);
  const bs = biasIn === null ? null : cast(biasIn, dtype);
  const outShape =
    dataFormat === 'channels_last' ? [p.batch, p.outHeight, p.outWidth, p.outChannels] : [p.batch, p.outChannels, p.outHeight, p.outWidth];
  const y = emptyTensor(outShape, dtype);
  getBackend().depthwiseConv2d.forward(p, floatData(xs), floatData(ks), bs ? floatData(bs) : null, floatData(y));
  const inputs = bs ? [xs, ks, bs] : [xs, ks];
  recordOp(inputs, y, (dy) => depthwiseConv2dGrads(p, xs, ks, bs, dy));
  return y;
}

function depthwiseConv2dGrads(p: DepthwiseConv2dParams, x: Tensor, kernel: Tensor, bias: Tensor | null, dy: Tensor): Tensor[] {
  const kernels = getBackend().depthwiseConv2d;
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

