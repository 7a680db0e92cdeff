/**
 * Keras's transposed 2D convolution, run as the adjoint of `conv2d`: its output is the input gradient of
 * a forward convolution whose input has the transposed output's shape, so it reuses the conv2d
 * backward-input kernel, and its own gradients are that convolution's forward and kernel-gradient passes.
 */

import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { describeValue } from '../errors.js';
import type { Conv2dParams } from '../kernels/conv2d/index.js';
import { conv2dInputShape, convTransposeForwardPadding, convTransposeOutputLength, resolveConv2dParams } from '../kernels/conv2d/index.js';
import type { DataFormat, IntOrTuple } from './conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from './conv-args.js';
import { conv2dKernels } from './conv2d.js';
import { checkBias, floatResultDType } from './windowed-op.js';
import { floatStorage } from './convert.js';
import { add } from './elementwise.js';
import { cast, reshape } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export interface Conv2dTransposeOpOptions {
  /** Default 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case. */
  padding?: string;
  /** Extra rows/columns at the bottom/right, each < its stride; null (default) for Keras's default. */
  outputPadding?: IntOrTuple | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** Default 'channels_last'. */
  dataFormat?: DataFormat;
  /** Added per filter (shape [filters]). */
  bias?: Tensor | null;
}

const CONV2D_TRANSPOSE_KEYS = optionKeys<Conv2dTransposeOpOptions>()(['strides', 'padding', 'outputPadding', 'dilationRate', 'dataFormat', 'bias']);

const CONTEXT = 'conv2dTranspose';

/**
 * Transposed 2D convolution of `x` ([N,H,W,C] or [N,C,H,W]) with `kernel` in Keras's layout
 * `[kh, kw, filters, C]`; output spatial sizes follow Keras's rule (`in * stride` for 'same' without
 * `outputPadding`). Differentiable in `x`, `kernel` and `bias`.
 *
 * @example
 * ```ts
 * const y = ops.conv2dTranspose(x, kernel, { strides: 2, padding: 'same' }); // 2x upsampling
 * ```
 */
export function conv2dTranspose(x: Tensor, kernel: Tensor, options: Conv2dTransposeOpOptions = {}): Tensor {
  checkOptions(options, CONV2D_TRANSPOSE_KEYS, CONTEXT);
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CONTEXT);
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CONTEXT);
  const padding = normalizePadding(options.padding ?? 'valid', CONTEXT);
  const dataFormat = normalizeDataFormat(options.dataFormat ?? 'channels_last', CONTEXT);
  const outputPadding =
    options.outputPadding === undefined || options.outputPadding === null
      ? null
      : normalizeTuple(options.outputPadding, 2, 'outputPadding', 0, CONTEXT);
  if (outputPadding && outputPadding.some((op, i) => op >= strides[i])) {
    throw new InvalidArgumentError('outputPadding', options.outputPadding, `values strictly less than strides ${describeValue(strides)}`, CONTEXT);
  }
  if (x.rank !== 4 || kernel.rank !== 4) {
    throw new ShapeError(
      `${CONTEXT}: expected a rank-4 input and a rank-4 kernel [kh, kw, filters, channels]; received input shape ` +
        `${describeValue(x.shape)} and kernel shape ${describeValue(kernel.shape)}.`,
    );
  }
  const channelsLast = dataFormat === 'channels_last';
  const [batch, height, width, channels] = channelsLast ? x.shape : [x.shape[0], x.shape[2], x.shape[3], x.shape[1]];
  if (kernel.shape[3] !== channels) {
    throw new ShapeError(
      `${CONTEXT}: the kernel's last axis (${kernel.shape[3]}) must equal the ${channels} input channels; ` +
        `input shape ${describeValue(x.shape)} (${dataFormat}), kernel shape ${describeValue(kernel.shape)}.`,
    );
  }
  const [kh, kw, filters] = kernel.shape;
  const out = [height, width].map((size, i) =>
    convTransposeOutputLength(size, [kh, kw][i], strides[i], dilationRate[i], padding, outputPadding ? outputPadding[i] : null),
  );
  const pads = [kh, kw].map((k, i) => convTransposeForwardPadding(k, strides[i], dilationRate[i], padding, outputPadding ? outputPadding[i] : null));
  const zShape = channelsLast ? [batch, out[0], out[1], filters] : [batch, filters, out[0], out[1]];
  const p = resolveConv2dParams(zShape, kernel.shape, {
    strides: [strides[0], strides[1]],
    dilationRate: [dilationRate[0], dilationRate[1]],
    padding: [pads[0], pads[1]],
    dataFormat,
  });
  if (p.outHeight !== height || p.outWidth !== width) {
    throw new ShapeError(`${CONTEXT}: internal geometry mismatch for input shape ${describeValue(x.shape)}.`);
  }
  const biasIn = options.bias ?? null;
  checkBias(biasIn, filters, CONTEXT);
  const dtype = floatResultDType(x, kernel, 'x', CONTEXT);
  const xs = cast(x, dtype);
  const ks = cast(kernel, dtype);
  const z = uninitializedTensor(conv2dInputShape(p), dtype);
  conv2dKernels().backwardInput(p, floatStorage(xs), floatStorage(ks), floatStorage(z));
  recordOp([xs, ks], z, (dz) => conv2dTransposeGrads(p, xs, ks, dz));
  if (biasIn === null) return z;
  // The bias is a broadcast add, so its gradient (a reduction over pixels) comes from the add's rule.
  return add(z, reshape(cast(biasIn, dtype), channelsLast ? [1, 1, 1, filters] : [1, filters, 1, 1]));
}

function conv2dTransposeGrads(p: Conv2dParams, x: Tensor, kernel: Tensor, dz: Tensor): Tensor[] {
  const kernels = conv2dKernels();
  const g = floatStorage(cast(dz, x.dtype));
  const dx = uninitializedTensor(x.shape, x.dtype);
  kernels.forward(p, g, floatStorage(kernel), null, floatStorage(dx));
  const dk = uninitializedTensor(kernel.shape, x.dtype);
  kernels.backwardKernel(p, g, floatStorage(x), floatStorage(dk));
  return [dx, dk];
}
