/**
 * Fused batch normalization. The composed form (mean, subtract, square, mean, divide, multiply, add) makes
 * about ten full passes over the activations forward and more backward, each through the general
 * broadcasting loops; these ops make two or three passes with per-channel float64 statistics and an
 * analytic gradient.
 */

import type { DType } from '../engine/dtype.js';
import { isFloatDType, resultDType } from '../engine/dtype.js';
import { noGrad, recordOp } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import { uninitializedTensor } from '../engine/tensor.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { getBackend } from '../kernels/backend.js';
import { resolveBatchNormParams } from '../kernels/batch-norm/params.js';
import { floatStorage } from './convert.js';
import { add, div, mul, sub } from './elementwise.js';
import { sqrt } from './pointwise.js';
import { cast } from './shape-ops.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

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

const BATCH_NORM_KEYS = optionKeys<BatchNormOpOptions>()(['axis', 'epsilon', 'gamma', 'beta']);

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

/** The channel axis: an integer inside the rank of `x`, negative counting from the end. */
function checkAxis(x: Tensor, axis: number): number {
  if (!Number.isInteger(axis) || axis < -x.rank || axis >= x.rank) {
    throw new InvalidArgumentError('axis', axis, `an integer in [${-x.rank}, ${x.rank - 1}] for input shape ${describeValue(x.shape)}`, CONTEXT);
  }
  return axis;
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

/** A per-channel float64 statistic, written by a kernel. */
function channelStat(channels: number): Tensor {
  return uninitializedTensor([channels], 'float64');
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
  checkOptions(options, BATCH_NORM_KEYS, CONTEXT);
  const epsilon = checkEpsilon(options.epsilon ?? 1e-3);
  const p = resolveBatchNormParams(x.shape, checkAxis(x, options.axis ?? -1));
  const gammaIn = options.gamma ?? null;
  const betaIn = options.beta ?? null;
  checkChannelTensor(gammaIn, 'gamma', p.channels);
  checkChannelTensor(betaIn, 'beta', p.channels);
  const dtype = computeDType([x, gammaIn, betaIn]);
  const xs = cast(x, dtype);
  const gs = gammaIn === null ? null : cast(gammaIn, dtype);
  const bs = betaIn === null ? null : cast(betaIn, dtype);

  const C = p.channels;
  const mean = channelStat(C);
  const variance = channelStat(C);
  const invstd = channelStat(C);
  const y = uninitializedTensor(x.shape, dtype);
  getBackend().batchNorm.trainingForward(
    p,
    floatStorage(xs),
    gs && floatStorage(gs),
    bs && floatStorage(bs),
    epsilon,
    floatStorage(y),
    mean.storageHandle,
    variance.storageHandle,
    invstd.storageHandle,
  );

  const inputs = [xs, ...(gs ? [gs] : []), ...(bs ? [bs] : [])];
  recordOp(inputs, y, (dy) => {
    const dx = uninitializedTensor(xs.shape, dtype);
    const dgamma = channelStat(C);
    const dbeta = channelStat(C);
    getBackend().batchNorm.trainingBackward(
      p,
      floatStorage(xs),
      floatStorage(cast(dy, dtype)),
      gs && floatStorage(gs),
      mean.storageHandle,
      invstd.storageHandle,
      floatStorage(dx),
      dgamma.storageHandle,
      dbeta.storageHandle,
    );
    return gradients(dx, gs, bs, dgamma, dbeta, dtype);
  });
  return { y, mean: cast(mean, dtype), variance: cast(variance, dtype) };
}

function gradients(dx: Tensor, gamma: Tensor | null, beta: Tensor | null, dgamma: Tensor, dbeta: Tensor, dtype: DType): Tensor[] {
  return [dx, ...(gamma ? [cast(dgamma, dtype)] : []), ...(beta ? [cast(dbeta, dtype)] : [])];
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
  checkOptions(options, BATCH_NORM_KEYS, CONTEXT);
  const epsilon = checkEpsilon(options.epsilon ?? 1e-3);
  const p = resolveBatchNormParams(x.shape, checkAxis(x, options.axis ?? -1));
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

  // Constants of the affine map: their own gradients flow through the kernel's dgamma/dbeta, not through these ops.
  const folded = noGrad(() => foldInference(movingMean, movingVariance, gs, bs, epsilon));
  const y = uninitializedTensor(x.shape, dtype);
  getBackend().batchNorm.affine(p, floatStorage(xs), folded.scale.storageHandle, folded.shift.storageHandle, floatStorage(y));

  const inputs = [xs, ...(gs ? [gs] : []), ...(bs ? [bs] : [])];
  recordOp(inputs, y, (dy) => {
    const dx = uninitializedTensor(xs.shape, dtype);
    const dgamma = channelStat(p.channels);
    const dbeta = channelStat(p.channels);
    getBackend().batchNorm.inferenceBackward(
      p,
      floatStorage(xs),
      floatStorage(cast(dy, dtype)),
      folded.scale.storageHandle,
      folded.mean.storageHandle,
      folded.invstd.storageHandle,
      floatStorage(dx),
      dgamma.storageHandle,
      dbeta.storageHandle,
    );
    return gradients(dx, gs, bs, dgamma, dbeta, dtype);
  });
  return y;
}

/** The per-channel constants of inference mode, in float64 (each step rounds as JavaScript numbers do). */
function foldInference(
  movingMean: Tensor,
  movingVariance: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
  epsilon: number,
): { scale: Tensor; shift: Tensor; mean: Tensor; invstd: Tensor } {
  const f64 = (t: Tensor): Tensor => cast(t, 'float64');
  const mean = f64(movingMean);
  const invstd = div(1, sqrt(add(f64(movingVariance), epsilon)));
  const scale = gamma ? mul(f64(gamma), invstd) : invstd;
  const shift = sub(beta ? f64(beta) : 0, mul(mean, scale));
  return { scale, shift, mean, invstd };
}
