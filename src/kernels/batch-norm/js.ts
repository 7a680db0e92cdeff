/**
 * Plain-TypeScript batch-normalization kernels over the `[outer, channels, inner]` view of
 * {@link BatchNormParams}.
 *
 * Every function takes caller-allocated arrays and fully overwrites its outputs; the only allocation is
 * O(channels) float64 scratch. Per-channel statistics and gradient sums are accumulated in float64 even
 * for float32 data: a channel can average over hundreds of thousands of values, and float32 running sums
 * would lose several digits exactly where batch norm is sensitive (the variance of nearly constant data).
 * Elementwise results are computed in float64 and rounded once on store.
 *
 * `inner === 1` (channels_last, or any layout whose channel axis is last) gets its own loops: there a
 * channel's values are strided by `channels`, so per-channel accumulators are swept row by row, whereas
 * with `inner > 1` each channel owns contiguous runs summed into a scalar.
 */
import type { FloatArray } from '../../engine/dtype.js';
import { checkLength } from '../buffer-check.js';
import type { BatchNormParams } from './params.js';
import { batchNormSizes } from './params.js';

const NAME = 'batchNorm';

function checkChannels(argument: string, array: FloatArray, p: BatchNormParams): void {
  checkLength(NAME, argument, array, p.channels);
}

/**
 * Per-channel biased mean and variance (two passes, so the variance does not suffer the cancellation of
 * `E[x²] − E[x]²`) and `invstd = 1 / sqrt(variance + epsilon)`.
 *
 * @param mean, variance, invstd Length `channels`, fully overwritten.
 */
export function batchNormMoments(
  p: BatchNormParams,
  x: FloatArray,
  epsilon: number,
  mean: Float64Array,
  variance: Float64Array,
  invstd: Float64Array,
): void {
  checkLength(NAME, 'x', x, batchNormSizes(p).input);
  for (const [name, a] of [['mean', mean], ['variance', variance], ['invstd', invstd]] as const) checkChannels(name, a, p);
  const { outer, channels: C, inner, count } = p;
  mean.fill(0);
  variance.fill(0);
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) for (let c = 0; c < C; c++, i++) mean[c] += x[i];
    for (let c = 0; c < C; c++) mean[c] /= count;
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++, i++) {
        const d = x[i] - mean[c];
        variance[c] += d * d;
      }
    }
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        let s = 0;
        for (const end = i + inner; i < end; i++) s += x[i];
        mean[c] += s;
      }
    }
    for (let c = 0; c < C; c++) mean[c] /= count;
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const m = mean[c];
        let s = 0;
        for (const end = i + inner; i < end; i++) {
          const d = x[i] - m;
          s += d * d;
        }
        variance[c] += s;
      }
    }
  }
  for (let c = 0; c < C; c++) {
    variance[c] /= count;
    invstd[c] = 1 / Math.sqrt(variance[c] + epsilon);
  }
}

/**
 * Training forward: batch statistics, then `y = gamma * (x − mean) * invstd + beta`.
 *
 * @param gamma, beta Length `channels`, or `null` for scale 1 / offset 0.
 * @param y Input-sized, fully overwritten; may not alias `x`.
 * @param mean, variance, invstd Length `channels`, fully overwritten (kept by the caller for the backward pass).
 */
export function batchNormTrainingForward(
  p: BatchNormParams,
  x: FloatArray,
  gamma: FloatArray | null,
  beta: FloatArray | null,
  epsilon: number,
  y: FloatArray,
  mean: Float64Array,
  variance: Float64Array,
  invstd: Float64Array,
): void {
  checkLength(NAME, 'y', y, batchNormSizes(p).input);
  if (gamma !== null) checkChannels('gamma', gamma, p);
  if (beta !== null) checkChannels('beta', beta, p);
  batchNormMoments(p, x, epsilon, mean, variance, invstd);
  const C = p.channels;
  const k = new Float64Array(C);
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    k[c] = gamma === null ? invstd[c] : gamma[c] * invstd[c];
    b[c] = beta === null ? 0 : beta[c];
  }
  const { outer, inner } = p;
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) for (let c = 0; c < C; c++, i++) y[i] = (x[i] - mean[c]) * k[c] + b[c];
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const m = mean[c];
        const kc = k[c];
        const bc = b[c];
        for (const end = i + inner; i < end; i++) y[i] = (x[i] - m) * kc + bc;
      }
    }
  }
}

/**
 * Per-channel affine map `y = x * scale + shift`: batch norm in inference mode once the moving
 * statistics, gamma and beta are folded into `scale` and `shift`.
 *
 * @param y Input-sized, fully overwritten; may alias `x`.
 */
export function batchNormAffine(p: BatchNormParams, x: FloatArray, scale: Float64Array, shift: Float64Array, y: FloatArray): void {
  const n = batchNormSizes(p).input;
  checkLength(NAME, 'x', x, n);
  checkLength(NAME, 'y', y, n);
  checkChannels('scale', scale, p);
  checkChannels('shift', shift, p);
  const { outer, channels: C, inner } = p;
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) for (let c = 0; c < C; c++, i++) y[i] = x[i] * scale[c] + shift[c];
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const s = scale[c];
        const t = shift[c];
        for (const end = i + inner; i < end; i++) y[i] = x[i] * s + t;
      }
    }
  }
}

/**
 * `dbeta[c] = Σ dy` and `dgamma[c] = Σ dy * xhat` with `xhat = (x − mean[c]) * invstd[c]`: the beta/gamma
 * gradients, and also the two reductions the training input gradient needs.
 */
function gradientSums(
  p: BatchNormParams,
  x: FloatArray,
  dy: FloatArray,
  mean: Float64Array,
  invstd: Float64Array,
  dgamma: Float64Array,
  dbeta: Float64Array,
): void {
  const n = batchNormSizes(p).input;
  checkLength(NAME, 'x', x, n);
  checkLength(NAME, 'dy', dy, n);
  for (const [name, a] of [['mean', mean], ['invstd', invstd], ['dgamma', dgamma], ['dbeta', dbeta]] as const) checkChannels(name, a, p);
  const { outer, channels: C, inner } = p;
  dgamma.fill(0);
  dbeta.fill(0);
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++, i++) {
        const g = dy[i];
        dbeta[c] += g;
        dgamma[c] += g * (x[i] - mean[c]);
      }
    }
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const m = mean[c];
        let sg = 0;
        let sgx = 0;
        for (const end = i + inner; i < end; i++) {
          const g = dy[i];
          sg += g;
          sgx += g * (x[i] - m);
        }
        dbeta[c] += sg;
        dgamma[c] += sgx;
      }
    }
  }
  // invstd factored out of the sum: one multiply per channel instead of per element.
  for (let c = 0; c < C; c++) dgamma[c] *= invstd[c];
}

/**
 * Training backward, differentiating through the batch statistics:
 * `dx = gamma * invstd / M * (M * dy − Σdy − xhat * Σ(dy * xhat))`, `dgamma = Σ dy * xhat`, `dbeta = Σ dy`.
 *
 * @param mean, invstd The statistics {@link batchNormTrainingForward} produced.
 * @param gamma Length `channels`, or `null` (scale 1).
 * @param dx Input-sized, fully overwritten.
 * @param dgamma, dbeta Length `channels`, fully overwritten (float64; the caller rounds them).
 */
export function batchNormTrainingBackward(
  p: BatchNormParams,
  x: FloatArray,
  dy: FloatArray,
  gamma: FloatArray | null,
  mean: Float64Array,
  invstd: Float64Array,
  dx: FloatArray,
  dgamma: Float64Array,
  dbeta: Float64Array,
): void {
  checkLength(NAME, 'dx', dx, batchNormSizes(p).input);
  if (gamma !== null) checkChannels('gamma', gamma, p);
  gradientSums(p, x, dy, mean, invstd, dgamma, dbeta);
  const { outer, channels: C, inner, count } = p;
  // dx = k * (dy − a − xhat * b), the formula above with 1/M folded into the per-channel a and b.
  const k = new Float64Array(C);
  const a = new Float64Array(C);
  const b = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    k[c] = gamma === null ? invstd[c] : gamma[c] * invstd[c];
    a[c] = dbeta[c] / count;
    b[c] = dgamma[c] / count;
  }
  if (inner === 1) {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++, i++) {
        const xhat = (x[i] - mean[c]) * invstd[c];
        dx[i] = k[c] * (dy[i] - a[c] - xhat * b[c]);
      }
    }
  } else {
    for (let o = 0, i = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const m = mean[c];
        const s = invstd[c];
        const kc = k[c];
        const ac = a[c];
        const bc = b[c];
        for (const end = i + inner; i < end; i++) dx[i] = kc * (dy[i] - ac - (x[i] - m) * s * bc);
      }
    }
  }
}

/**
 * Inference backward for `y = x * scale + shift` with `scale = gamma * invstd`, `shift = beta − mean * scale`
 * (statistics are constants): `dx = dy * scale`, `dgamma = Σ dy * (x − mean) * invstd`, `dbeta = Σ dy`.
 *
 * @param dx Input-sized, fully overwritten.
 * @param dgamma, dbeta Length `channels`, fully overwritten.
 */
export function batchNormInferenceBackward(
  p: BatchNormParams,
  x: FloatArray,
  dy: FloatArray,
  scale: Float64Array,
  mean: Float64Array,
  invstd: Float64Array,
  dx: FloatArray,
  dgamma: Float64Array,
  dbeta: Float64Array,
): void {
  gradientSums(p, x, dy, mean, invstd, dgamma, dbeta);
  batchNormAffine(p, dy, scale, new Float64Array(p.channels), dx);
}
