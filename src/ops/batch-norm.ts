/**
 * Fused batch normalization. The composed form (mean, subtract, square, mean, divide, multiply, add) makes
 * about ten full passes over the activations forward and more backward, each through the general
 * broadcasting loops; these ops make two or three passes with per-channel float64 statistics and an
 * analytic gradient.
 */

import type { DType } from '../engine/dtype.js';
import { isFloatDType, resultDType } from '../engine/dtype.js';
import { recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import type { BatchNormParams } from '../kernels/batch-norm/params.js';
import { resolveBatchNormParams } from '../kernels/batch-norm/params.js';
import { floatData } from './convert.js';
import { cast } from './shape-ops.js';

export interface BatchNormOpOptions {
  /** The channel (feature) axis; default -1. Statistics are per index along it. */
  axis?: number;
  /** Added to the variance before the square root; default 0.001 (Keras's default). */
  epsilon?: number;
  /** Per-channel scale, shape `[C]`; omitted or null for none (Keras's `scale=False`). */
  gamma?: Tensor | null;
  /** Per-channel offset, shape `[C]`; omitted or null for none (Keras's `center=False`). */
  beta?: Tensor | null;
}

export interface BatchNormTrainingResult {
  /** The normalized output, shaped like `x`. */
  y: Tensor;
  /** The batch mean per channel, shape `[C]`; carries no gradient (for the moving-average update). */
  mean: Tensor;
  /** The biased batch variance per channel, shape `[C]`; carries no gradient. */
  variance: Tensor;
}

const CONTEXT = 'batchNorm';

function checkEpsilon(epsilon: number): number {
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new InvalidArgumentError('epsilon', epsilon, 'a finite number >= 0', CONTEXT);
  }
  return epsilon;
}

function checkChannelTensor(t: Tensor | null, argument: string, channels: number): void {
  if (t !== null && (t.rank !== 1 || t.shape[0] !== channels)) {
    throw new InvalidArgumentError(argument, t.shape, `a tensor of shape [${channels}] (the channel axis of x)`, CONTEXT);
  }
}

/** The float dtype every operand is computed in, as the composed ops would have promoted them. */
function computeDType(tensors: readonly (Tensor | null)[]): DType {
  let dtype: DType = 'int32';
  for (const t of tensors) if (t !== null) dtype = resultDType(dtype, t.dtype);
  if (!isFloatDType(dtype)) throw new InvalidArgumentError('x', dtype, 'float32 or float64 tensors', CONTEXT);
  return dtype;
}

function fromFloat64(values: Float64Array, dtype: DType): Tensor {
  const t = uninitializedTensor([values.length], dtype);
  floatData(t).set(values);
  return t;
}

/**
 * Training-mode batch normalization: per-channel biased mean and variance over every axis but `axis`,
 * `y = gamma * (x − mean) / sqrt(variance + epsilon) + beta`. Differentiable in `x`, `gamma` and `beta`,
 * through the batch statistics.
 *
 * @example
 * ```ts
 * const { y, mean, variance } = batchNormTraining(x, { axis: 1, gamma, beta, epsilon: 1e-3 });
 * ```
 */
export function batchNormTraining(x: Tensor, options: BatchNormOpOptions = {}): BatchNormTrainingResult {
  const epsilon = checkEpsilon(options.epsilon ?? 1e-3);
  const p = resolveBatchNormParams(x.shape, options.axis ?? -1);
  const gammaIn = options.gamma ?? null;
  const betaIn = options.beta ?? null;
  checkChannelTensor(gammaIn, 'gamma', p.channels);
  checkChannelTensor(betaIn, 'beta', p.channels);
  const dtype = computeDType([x, gammaIn, betaIn]);
  const xs = cast(x, dtype);
  const gs = gammaIn === null ? null : cast(gammaIn, dtype);
  const bs = betaIn === null ? null : cast(betaIn, dtype);

  const C = p.channels;
  const mean = new Float64Array(C);
  const variance = new Float64Array(C);
  const invstd = new Float64Array(C);
  const y = uninitializedTensor(x.shape, dtype);
  getBackend().batchNorm.trainingForward(p, floatData(xs), gs && floatData(gs), bs && floatData(bs), epsilon, floatData(y), mean, variance, invstd);

  const inputs = [xs, ...(gs ? [gs] : []), ...(bs ? [bs] : [])];
  recordOp(inputs, y, (dy) => {
    const dx = uninitializedTensor(xs.shape, dtype);
    const dgamma = new Float64Array(C);
    const dbeta = new Float64Array(C);
    getBackend().batchNorm.trainingBackward(p, floatData(xs), floatData(cast(dy, dtype)), gs && floatData(gs), mean, invstd, floatData(dx), dgamma, dbeta);
    return gradients(dx, gs, bs, dgamma, dbeta, dtype);
  });
  return { y, mean: fromFloat64(mean, dtype), variance: fromFloat64(variance, dtype) };
}

function gradients(dx: Tensor, gamma: Tensor | null, beta: Tensor | null, dgamma: Float64Array, dbeta: Float64Array, dtype: DType): Tensor[] {
  return [dx, ...(gamma ? [fromFloat64(dgamma, dtype)] : []), ...(beta ? [fromFloat64(dbeta, dtype)] : [])];
}

/**
 * Inference-mode batch normalization with fixed statistics: `y = x * scale + shift` per channel, with
 * `scale = gamma / sqrt(movingVariance + epsilon)` and `shift = beta − movingMean * scale` (Keras's
 * `ops.batch_normalization`). Differentiable in `x`, `gamma` and `beta`; the moving statistics are
 * constants and get no gradient.
 *
 * @example
 * ```ts
 * const y = batchNormInference(x, movingMean, movingVariance, { gamma, beta });
 * ```
 */
export function batchNormInference(x: Tensor, movingMean: Tensor, movingVariance: Tensor, options: BatchNormOpOptions = {}): Tensor {
  const epsilon = checkEpsilon(options.epsilon ?? 1e-3);
  const p = resolveBatchNormParams(x.shape, options.axis ?? -1);
  const gammaIn = options.gamma ?? null;
  const betaIn = options.beta ?? null;
  checkChannelTensor(movingMean, 'movingMean', p.channels);
  checkChannelTensor(movingVariance, 'movingVariance', p.channels);
  checkChannelTensor(gammaIn, 'gamma', p.channels);
  checkChannelTensor(betaIn, 'beta', p.channels);
  const dtype = computeDType([x, movingMean, movingVariance, gammaIn, betaIn]);
  const xs = cast(x, dtype);
  const gs = gammaIn === null ? null : cast(gammaIn, dtype);
  const bs = betaIn === null ? null : cast(betaIn, dtype);

  const folded = foldInference(p, movingMean, movingVariance, gs, bs, epsilon);
  const y = uninitializedTensor(x.shape, dtype);
  getBackend().batchNorm.affine(p, floatData(xs), folded.scale, folded.shift, floatData(y));

  const inputs = [xs, ...(gs ? [gs] : []), ...(bs ? [bs] : [])];
  recordOp(inputs, y, (dy) => {
    const dx = uninitializedTensor(xs.shape, dtype);
    const dgamma = new Float64Array(p.channels);
    const dbeta = new Float64Array(p.channels);
    getBackend().batchNorm.inferenceBackward(p, floatData(xs), floatData(cast(dy, dtype)), folded.scale, folded.mean, folded.invstd, floatData(dx), dgamma, dbeta);
    return gradients(dx, gs, bs, dgamma, dbeta, dtype);
  });
  return y;
}

/** The per-channel constants of inference mode, in float64. */
function foldInference(
  p: BatchNormParams,
  movingMean: Tensor,
  movingVariance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): { scale: Float64Array; shift: Float64Array; mean: Float64Array; invstd: Float64Array } {
  const C = p.channels;
  const mm = movingMean.dataSync();
  const mv = movingVariance.dataSync();
  const g = gamma && gamma.dataSync();
  const b = beta && beta.dataSync();
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  const mean = new Float64Array(C);
  const invstd = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    mean[c] = mm[c];
    invstd[c] = 1 / Math.sqrt(mv[c] + epsilon);
    scale[c] = g ? g[c] * invstd[c] : invstd[c];
    shift[c] = (b ? b[c] : 0) - mean[c] * scale[c];
  }
  return { scale, shift, mean, invstd };
}
