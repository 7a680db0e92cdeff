/** Optimizers and learning-rate schedules, exported to users as the `optimizers` and `schedules` namespaces. */

import { Adagrad } from './adagrad.js';
import type { AdagradOptions } from './adagrad.js';
import { Adam } from './adam.js';
import type { AdamOptions } from './adam.js';
import { AdamW } from './adamw.js';
import type { AdamWOptions } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { getOptimizer, OPTIMIZER_NAMES, serializeOptimizer } from './registry.js';
import { RMSprop } from './rmsprop.js';
import type { RMSpropOptions } from './rmsprop.js';
import {
  CosineDecay,
  cosineDecay,
  deserializeSchedule,
  ExponentialDecay,
  exponentialDecay,
  isLearningRateSchedule,
  PiecewiseConstantDecay,
  piecewiseConstantDecay,
  SCHEDULE_NAMES,
} from './schedules.js';
import type { LearningRateSchedule } from './schedules.js';
import { SGD } from './sgd.js';
import type { SGDOptions } from './sgd.js';

export { Optimizer, OPTIMIZERS_MODULE } from './optimizer.js';
export type { OptimizerOptions, OptimizerSlotState, OptimizerState } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export type { AdamWOptions } from './adamw.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export { getOptimizer, serializeOptimizer, OPTIMIZER_NAMES } from './registry.js';
export type { OptimizerIdentifier } from './registry.js';
export {
  ExponentialDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  exponentialDecay,
  piecewiseConstantDecay,
  cosineDecay,
  deserializeSchedule,
  isLearningRateSchedule,
  SCHEDULE_NAMES,
  SCHEDULES_MODULE,
} from './schedules.js';
export type { LearningRateSchedule, ExponentialDecayOptions, PiecewiseConstantDecayOptions, CosineDecayOptions } from './schedules.js';

/**
 * `new SGD(options)` (learning rate 0.01, no momentum by default).
 *
 * @example
 * ```ts
 * const opt = optimizers.sgd({ learningRate: 0.1, momentum: 0.9 });
 * ```
 */
export function sgd(options: SGDOptions = {}): SGD {
  return new SGD(options);
}

/**
 * `new Adam(options)` (learning rate 0.001, betas 0.9/0.999, epsilon 1e-7 by default).
 *
 * @example
 * ```ts
 * const opt = optimizers.adam({ learningRate: 3e-4 });
 * ```
 */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}

/**
 * `new AdamW(options)` (as Adam, with weight decay 0.004 by default).
 *
 * @example
 * ```ts
 * const opt = optimizers.adamw({ weightDecay: 0.01 });
 * ```
 */
export function adamw(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}

/**
 * `new RMSprop(options)` (learning rate 0.001, rho 0.9 by default).
 *
 * @example
 * ```ts
 * const opt = optimizers.rmsprop({ centered: true });
 * ```
 */
export function rmsprop(options: RMSpropOptions = {}): RMSprop {
  return new RMSprop(options);
}

/**
 * `new Adagrad(options)` (learning rate 0.001, initial accumulator 0.1 by default).
 *
 * @example
 * ```ts
 * const opt = optimizers.adagrad({ learningRate: 0.01 });
 * ```
 */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}

/**
 * The `schedules` namespace, mirroring `keras.optimizers.schedules`.
 *
 * @example
 * ```ts
 * const lr = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1000, decayRate: 0.96 });
 * const opt = optimizers.sgd({ learningRate: lr });
 * ```
 */
export const schedules = Object.freeze({
  ExponentialDecay,
  PiecewiseConstantDecay,
  CosineDecay,
  exponentialDecay,
  piecewiseConstantDecay,
  cosineDecay,
  isLearningRateSchedule,
  serialize: (schedule: LearningRateSchedule) => schedule.serialize(),
  deserialize: deserializeSchedule,
  get: deserializeSchedule,
  NAMES: SCHEDULE_NAMES,
});

/**
 * The `optimizers` namespace, mirroring `keras.optimizers` (`get`, `serialize`, `deserialize`, the classes
 * and lower-case factories, and `schedules`).
 *
 * @example
 * ```ts
 * const opt = optimizers.get('adam');
 * optimizers.get(optimizers.serialize(opt)); // an equal Adam
 * ```
 */
export const optimizers = Object.freeze({
  Optimizer,
  SGD,
  Adam,
  AdamW,
  RMSprop,
  Adagrad,
  sgd,
  adam,
  adamw,
  rmsprop,
  adagrad,
  get: getOptimizer,
  deserialize: getOptimizer,
  serialize: serializeOptimizer,
  schedules,
  NAMES: OPTIMIZER_NAMES,
});
