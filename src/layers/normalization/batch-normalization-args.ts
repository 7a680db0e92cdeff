/** Validation of BatchNormalization's arguments, before the layer exists (so a bad call leaves nothing). */

import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { getConstraint } from '../../constraints/index.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import { getInitializer } from '../../initializers/index.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import { getRegularizer } from '../../regularizers/index.js';
import type { LayerOptions } from '../layer.js';

/** The options of `layerBatchNormalization`: Keras 3's arguments in camelCase. */
export interface BatchNormalizationOptions extends LayerOptions {
  /** The feature axis, normalized per index along it (default -1). */
  axis?: number;
  /** Weight of the old value in the moving averages (default 0.99), in [0, 1]. */
  momentum?: number;
  /** Added to the variance before the square root (default 0.001). */
  epsilon?: number;
  /** Add the learned offset `beta` (default true). */
  center?: boolean;
  /** Multiply by the learned scale `gamma` (default true). */
  scale?: boolean;
  betaInitializer?: InitializerIdentifier;
  gammaInitializer?: InitializerIdentifier;
  movingMeanInitializer?: InitializerIdentifier;
  movingVarianceInitializer?: InitializerIdentifier;
  betaRegularizer?: RegularizerIdentifier;
  gammaRegularizer?: RegularizerIdentifier;
  betaConstraint?: ConstraintIdentifier;
  gammaConstraint?: ConstraintIdentifier;
  /** Cross-replica statistics; there is one replica here, so it is recorded in the config and ignored. */
  synchronized?: boolean;
  /** Batch renormalization is not supported: only false. */
  renorm?: boolean;
  /** Only null (renorm is not supported). */
  renormClipping?: null;
  /** Recorded in the config (renorm is not supported). Default 0.99. */
  renormMomentum?: number;
}

export interface BatchNormalizationArgs {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  betaInitializer: Initializer;
  gammaInitializer: Initializer;
  movingMeanInitializer: Initializer;
  movingVarianceInitializer: Initializer;
  betaRegularizer: Regularizer | null;
  gammaRegularizer: Regularizer | null;
  betaConstraint: Constraint | null;
  gammaConstraint: Constraint | null;
  synchronized: boolean;
  renormMomentum: number;
}

function flag(value: unknown, argument: string, fallback: boolean, context: string): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false', context);
  return value;
}

function numberIn(value: unknown, argument: string, fallback: number, lo: number, hi: number, context: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(argument, value, `a number in [${lo}, ${hi === Infinity ? 'Infinity)' : `${hi}]`}`, context);
  }
  return value;
}

/**
 * Checks every BatchNormalization option and resolves the defaults of Keras 3.15. Stricter than Keras where
 * Keras would fail later or compute nonsense: momentum must lie in [0, 1] and epsilon be finite and ≥ 0.
 *
 * @example
 * ```ts
 * resolveBatchNormArgs({ momentum: 0.9 }, 'BatchNormalization').epsilon; // 0.001
 * ```
 */
export function resolveBatchNormArgs(options: BatchNormalizationOptions, context: string): BatchNormalizationArgs {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', options, 'an object of BatchNormalization options', context);
  }
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis)) throw new InvalidArgumentError('axis', options.axis, 'an integer (one axis; negative counts from the end)', context);
  if (options.renorm !== undefined && options.renorm !== null && options.renorm !== false) {
    throw new InvalidArgumentError('renorm', options.renorm, 'false (batch renormalization is not supported)', context);
  }
  if (options.renormClipping !== undefined && options.renormClipping !== null) {
    throw new InvalidArgumentError('renormClipping', options.renormClipping, 'null (batch renormalization is not supported)', context);
  }
  return {
    axis,
    momentum: numberIn(options.momentum, 'momentum', 0.99, 0, 1, context),
    epsilon: numberIn(options.epsilon, 'epsilon', 1e-3, 0, Number.MAX_VALUE, context),
    center: flag(options.center, 'center', true, context),
    scale: flag(options.scale, 'scale', true, context),
    betaInitializer: getInitializer(options.betaInitializer ?? 'zeros', 'betaInitializer'),
    gammaInitializer: getInitializer(options.gammaInitializer ?? 'ones', 'gammaInitializer'),
    movingMeanInitializer: getInitializer(options.movingMeanInitializer ?? 'zeros', 'movingMeanInitializer'),
    movingVarianceInitializer: getInitializer(options.movingVarianceInitializer ?? 'ones', 'movingVarianceInitializer'),
    betaRegularizer: getRegularizer(options.betaRegularizer, 'betaRegularizer'),
    gammaRegularizer: getRegularizer(options.gammaRegularizer, 'gammaRegularizer'),
    betaConstraint: getConstraint(options.betaConstraint, 'betaConstraint'),
    gammaConstraint: getConstraint(options.gammaConstraint, 'gammaConstraint'),
    synchronized: flag(options.synchronized, 'synchronized', false, context),
    renormMomentum: numberIn(options.renormMomentum, 'renormMomentum', 0.99, 0, 1, context),
  };
}
