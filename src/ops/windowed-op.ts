/**
 * What the convolution-like ops share once their geometry is resolved: dtype promotion, the bias check,
 * output allocation, the forward kernel call and the gradient rule (three backward kernels). Each op
 * keeps only its own argument normalisation and params resolution.
 */

import type { FloatArray, FloatDType } from '../engine/dtype.js';
import { isFloatDType, resultDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { emptyTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { floatData } from './convert.js';
import { cast } from './shape-ops.js';

/** The four kernels of a convolution-like algorithm with resolved params `P`. */
export interface WindowedKernels<P> {
  forward(p: P, x: FloatArray, kernel: FloatArray, bias: FloatArray | null, out: FloatArray): void;
  backwardInput(p: P, dy: FloatArray, kernel: FloatArray, dx: FloatArray): void;
  backwardKernel(p: P, x: FloatArray, dy: FloatArray, dkernel: FloatArray): void;
  backwardBias(p: P, dy: FloatArray, dbias: FloatArray): void;
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
  const y = emptyTensor(inputs.outShape, dtype);
  kernels().forward(p, floatData(x), floatData(kernel), bias ? floatData(bias) : null, floatData(y));
  recordOp(bias ? [x, kernel, bias] : [x, kernel], y, (dy) => {
    const k = kernels();
    const g = floatData(cast(dy, x.dtype));
    const dx = emptyTensor(x.shape, x.dtype);
    k.backwardInput(p, g, floatData(kernel), floatData(dx));
    const dk = emptyTensor(kernel.shape, x.dtype);
    k.backwardKernel(p, floatData(x), g, floatData(dk));
    if (!bias) return [dx, dk];
    const db = emptyTensor(bias.shape, x.dtype);
    k.backwardBias(p, g, floatData(db));
    return [dx, dk, db];
  });
  return y;
}
