/**
 * What the convolution-like ops share once their geometry is resolved: dtype promotion, the bias check,
 * output allocation, the forward kernel call and the gradient rule (three backward kernels). Each op
 * keeps only its own argument normalisation and params resolution.
 */

import type { FloatDType } from '../engine/dtype.js';
import type { Storage } from '../engine/storage.js';
import { isFloatDType, resultDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { ConvolutionKernels } from '../kernels/convolution-kernels.js';
import type { ChannelLayout, Epilogue } from '../kernels/epilogue.js';
import { floatStorage } from './convert.js';
import { isRecording } from '../engine/tape.js';
import { add, maximum, minimum, mul } from './elementwise.js';
import { cast, reshape } from './shape-ops.js';

/** The four kernels of a convolution-like algorithm with resolved params `P`, as a backend slot. */
export type WindowedKernels<P> = ConvolutionKernels<P, Storage>;

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

/**
 * Runs `kernels.forward` on `x`, `kernel` and `bias` (cast to their common float dtype) into a new tensor
 * of `outShape`, and records the gradient. `kernels` is read from the backend at each use, so a backend
 * switch applies to the backward pass too.
 */
export function runWindowedOp<P>(
  kernels: () => WindowedKernels<P>,
  p: P,
  inputs: { x: Tensor; kernel: Tensor; bias: Tensor | null; outShape: readonly number[]; biasLength: number },
  context: string,
): Tensor {
  checkBias(inputs.bias, inputs.biasLength, context);
  const dtype = floatResultDType(inputs.x, inputs.kernel, 'x', context);
  const x = cast(inputs.x, dtype);
  const kernel = cast(inputs.kernel, dtype);
  const bias = inputs.bias === null ? null : cast(inputs.bias, dtype);
  const y = uninitializedTensor(inputs.outShape, dtype);
  kernels().forward(p, floatStorage(x), floatStorage(kernel), bias ? floatStorage(bias) : null, floatStorage(y));
  recordOp(bias ? [x, kernel, bias] : [x, kernel], y, (dy, needed) => {
    const k = kernels();
    const g = floatStorage(cast(dy, x.dtype));
    let dx: Tensor | null = null;
    if (needed[0]) {
      dx = uninitializedTensor(x.shape, x.dtype);
      k.backwardInput(p, g, floatStorage(kernel), floatStorage(dx));
    }
    let dk: Tensor | null = null;
    if (needed[1]) {
      dk = uninitializedTensor(kernel.shape, x.dtype);
      k.backwardKernel(p, floatStorage(x), g, floatStorage(dk));
    }
    if (!bias || !needed[2]) return [dx, dk];
    const db = uninitializedTensor(bias.shape, x.dtype);
    k.backwardBias(p, g, floatStorage(db));
    return [dx, dk, db];
  });
  return y;
}

/** A fused epilogue's operands as tensors (see `kernels/epilogue.ts`). */
export interface EpilogueTensors {
  scale: Tensor | null;
  shift: Tensor | null;
  activation: Epilogue['activation'];
}

/**
 * Inference only (nothing is recorded for gradients): `activation(conv(x, kernel) * scale + shift)`,
 * through the backend's fused kernel when it has one, else the plain forward kernel and one pass over
 * the output.
 */
export function runWindowedInference<P>(
  kernels: WindowedKernels<P>,
  p: P,
  inputs: { x: Tensor; kernel: Tensor; outShape: readonly number[]; layout: ChannelLayout },
  epilogue: EpilogueTensors,
  context: string,
): Tensor {
  checkBias(epilogue.scale, inputs.layout.channels, context);
  checkBias(epilogue.shift, inputs.layout.channels, context);
  const dtype = floatResultDType(inputs.x, inputs.kernel, 'x', context);
  const x = cast(inputs.x, dtype);
  const kernel = cast(inputs.kernel, dtype);
  const scale = epilogue.scale === null ? null : cast(epilogue.scale, dtype);
  const shift = epilogue.shift === null ? null : cast(epilogue.shift, dtype);
  const y = uninitializedTensor(inputs.outShape, dtype);
  if (kernels.forwardEpilogue) {
    const e: Epilogue<Storage> = { scale: scale && floatStorage(scale), shift: shift && floatStorage(shift), activation: epilogue.activation };
    kernels.forwardEpilogue(p, floatStorage(x), floatStorage(kernel), e, floatStorage(y));
    return y;
  }
  // No fused kernel: the plain forward, then the epilogue as ops. A shift alone is a bias, which the
  // kernel adds exactly as the unfused layer does (same rounding).
  const biasOnly = scale === null;
  kernels.forward(p, floatStorage(x), floatStorage(kernel), biasOnly && shift !== null ? floatStorage(shift) : null, floatStorage(y));
  return epilogueAsOps(y, inputs.layout, { scale, shift: biasOnly ? null : shift, activation: epilogue.activation });
}

/** `activation(y * scale + shift)` per channel as differentiable ops (the unfused arithmetic). */
function epilogueAsOps(y: Tensor, layout: ChannelLayout, epilogue: EpilogueTensors): Tensor {
  const channelShape = layout.channelsLast ? [layout.channels] : [layout.channels, ...new Array<number>(y.rank - 2).fill(1)];
  let out = y;
  if (epilogue.scale !== null) out = mul(out, reshape(epilogue.scale, channelShape));
  if (epilogue.shift !== null) out = add(out, reshape(epilogue.shift, channelShape));
  if (epilogue.activation !== 'linear') out = maximum(out, 0);
  if (epilogue.activation === 'relu6') out = minimum(out, 6);
  return out;
}

/**
 * An op's forward with an optional epilogue: fused when no gradient is being recorded, otherwise the
 * same arithmetic as separate differentiable ops (so the fused form never changes what training sees).
 * A bias is folded into the epilogue's shift (`(acc + b) * s + t = acc * s + (b * s + t)`).
 */
export function runWindowedWithEpilogue<P>(
  kernels: () => WindowedKernels<P>,
  p: P,
  inputs: { x: Tensor; kernel: Tensor; bias: Tensor | null; outShape: readonly number[]; layout: ChannelLayout },
  epilogue: EpilogueTensors | undefined,
  context: string,
): Tensor {
  const { x, kernel, bias, outShape, layout } = inputs;
  if (epilogue === undefined) return runWindowedOp(kernels, p, { x, kernel, bias, outShape, biasLength: layout.channels }, context);
  if (!isRecording()) {
    checkBias(bias, layout.channels, context);
    let shift = epilogue.shift;
    if (bias !== null) {
      const scaledBias = epilogue.scale === null ? bias : mul(bias, epilogue.scale);
      shift = shift === null ? scaledBias : add(scaledBias, shift);
    }
    return runWindowedInference(kernels(), p, { x, kernel, outShape, layout }, { ...epilogue, shift }, context);
  }
  const y = runWindowedOp(kernels, p, { x, kernel, bias, outShape, biasLength: layout.channels }, context);
  return epilogueAsOps(y, layout, epilogue);
}
