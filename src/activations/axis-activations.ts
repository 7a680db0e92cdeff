/**
 * Activations that mix elements along an axis: softmax, log_softmax, glu, sparsemax. They are composed from
 * differentiable ops, so their gradients come from autograd; only glu's split needs an op of its own.
 */

import { allocArray } from '../engine/dtype.js';
import { normalizeAxes, sizeOf } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import { div, mul, sub } from '../ops/elementwise.js';
import { exp, log, mapPointwise, sigmoid } from '../ops/pointwise.js';
import { max, sum } from '../ops/reduce.js';
import { stopGradient } from '../ops/shape-ops.js';
import { slice } from '../ops/slice.js';

/** An axis (or axes, for softmax and log_softmax) counted from the end when negative. */
export type ActivationAxis = number | readonly number[];

/**
 * softmax along `axis` (default -1): `exp(x - max) / sum(exp(x - max))`. The max is subtracted for overflow
 * safety and is a constant to autograd (the result does not depend on it), as in `jax.nn.softmax`.
 *
 * @example
 * ```ts
 * softmax(tensor([[1, 2, 3]])).dataSync(); // ≈ [0.090, 0.245, 0.665]
 * ```
 */
export function softmax(x: Tensor, axis: ActivationAxis = -1): Tensor {
  const shifted = sub(x, stopGradient(max(x, { axis, keepDims: true })));
  const e = exp(shifted);
  return div(e, sum(e, { axis, keepDims: true }));
}

/**
 * log(softmax(x)) along `axis` (default -1), as `shifted - log(sum(exp(shifted)))` so it never takes log(0).
 *
 * @example
 * ```ts
 * logSoftmax(tensor([[0, 0]])).dataSync(); // ≈ [-0.693, -0.693]
 * ```
 */
export function logSoftmax(x: Tensor, axis: ActivationAxis = -1): Tensor {
  const shifted = sub(x, stopGradient(max(x, { axis, keepDims: true })));
  return sub(shifted, log(sum(exp(shifted), { axis, keepDims: true })));
}

/** Resolves one axis and views the shape as [outer, length, inner] around it. */
function laneLayout(shape: readonly number[], axis: number) {
  const rank = shape.length;
  if (typeof axis !== 'number') throw new InvalidArgumentError('axis', axis, 'an integer');
  const a = normalizeAxes(axis, rank)[0];
  return { axis: a, outer: sizeOf(shape.slice(0, a)), length: shape[a], inner: sizeOf(shape.slice(a + 1)) };
}

/** `x` restricted to indices [start, start + size) of `axis` (differentiable: the gradient pads back). */
function sliceAxis(x: Tensor, axis: number, start: number, size: number): Tensor {
  return slice(
    x,
    x.shape.map((_, i) => (i === axis ? start : 0)),
    x.shape.map((d, i) => (i === axis ? size : d)),
  );
}

/**
 * Gated linear unit: splits `axis` (default -1) into halves `a`, `b` and returns `a * sigmoid(b)`, so that axis
 * halves in size. The axis must have even length.
 *
 * @example
 * ```ts
 * glu(tensor([[1, 2, 0, 0]])).dataSync(); // [0.5, 1]
 * ```
 */
export function glu(x: Tensor, axis = -1): Tensor {
  const { axis: a, length } = laneLayout(x.shape, axis);
  if (length % 2 !== 0) {
    throw new ShapeError(`glu: axis ${axis} has odd size ${length}; it must split into two equal halves`);
  }
  const half = length / 2;
  return mul(sliceAxis(x, a, 0, half), sigmoid(sliceAxis(x, a, half, half)));
}

/** max(v, 0) with slope 1/2 at 0, as `jnp.maximum(v, 0.0)` differentiates (a tie splits the gradient). */
const RELU_TIE_HALF = {
  name: 'sparsemax',
  f: (v: number) => (v > 0 ? v : 0),
  df: (v: number) => (v > 0 ? 1 : v === 0 ? 0.5 : 0),
};

/**
 * sparsemax along `axis` (default -1), reproducing Keras 3's formula, which every Keras backend shares. The
 * support (a sort per lane) is found on the host from `dataSync()`, so sparsemax needs a backend that reads
 * synchronously; the arithmetic that autograd sees runs as ops.
 *
 * Keras sorts each lane descending (z₁ ≥ z₂ ≥ ...), takes cumulative sums Sⱼ, marks the support
 * `zⱼ - (Sⱼ - 1)/j > 0`, and then sets `tau = (Σ_{j in support} Sⱼ - 1) / k` with k the support size: the sum
 * of the partial sums, not the textbook `(S_k - 1) / k`. The two agree when k = 1 and otherwise Keras's tau is
 * larger, so its outputs need not sum to 1 (a lane of 0.1, 0.2, ..., 0.8 maps to all zeros). We match Keras.
 *
 * Σ Sⱼ = Σᵢ wᵢ zᵢ with wᵢ = #{support j ≥ i}; the support and the weights are constants to autograd (as the
 * comparisons are in Keras), so the gradient flows through `x * w` and `x - tau` exactly as JAX's does.
 *
 * @example
 * ```ts
 * sparsemax(tensor([[3, 1, 2]])).dataSync(); // [1, 0, 0]
 * ```
 */
export function sparsemax(x: Tensor, axis = -1): Tensor {
  const { axis: a, outer, length, inner } = laneLayout(x.shape, axis);
  const src = x.dataSync();
  const weights = allocArray(x.dtype, src.length);
  const keptShape = x.shape.map((d, i) => (i === a ? 1 : d));
  const counts = allocArray(x.dtype, outer * inner);
  const order = new Array<number>(length);
  const inSupport = new Uint8Array(length);
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < inner; n++) {
      const base = o * length * inner + n;
      const at = (j: number) => src[base + j * inner];
      let hasNaN = false;
      for (let j = 0; j < length; j++) {
        order[j] = j;
        if (Number.isNaN(at(j))) hasNaN = true;
      }
      if (hasNaN) {
        counts[o * inner + n] = NaN;
        continue;
      }
      // Array.prototype.sort is stable, so ties keep their input order, as JAX's stable sort does.
      order.sort((p, q) => at(q) - at(p));
      let running = 0;
      let k = 0;
      for (let j = 0; j < length; j++) {
        running += at(order[j]);
        inSupport[j] = at(order[j]) - (running - 1) / (j + 1) > 0 ? 1 : 0;
        k += inSupport[j];
      }
      let later = 0;
      for (let j = length - 1; j >= 0; j--) {
        later += inSupport[j];
        weights[base + order[j] * inner] = later;
      }
      counts[o * inner + n] = k;
    }
  }
  const w = tensorFromArray(weights, x.shape, x.dtype);
  const k = tensorFromArray(counts, keptShape, x.dtype);
  const tau = div(sub(sum(mul(x, w), { axis: a, keepDims: true }), 1), k);
  return mapPointwise(sub(x, tau), RELU_TIE_HALF);
}
