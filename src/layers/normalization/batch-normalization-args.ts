/** BatchNormalization's options: the interface (documentation) and the schema (validation, config). */

import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { LayerOptions } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';

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

/**
 * The defaults of Keras 3.15, in its config order. Stricter than Keras where Keras would fail later or
 * compute nonsense: momentum must lie in [0, 1] and epsilon be finite and ≥ 0.
 */
export const BATCH_NORMALIZATION_OPTIONS = defineOptions<BatchNormalizationOptions>()('BatchNormalization', {
  axis: option.axis(-1),
  momentum: option.number({ default: 0.99, min: 0, max: 1 }),
  epsilon: option.number({ default: 1e-3, min: 0 }),
  center: option.boolean(true),
  scale: option.boolean(true),
  betaInitializer: option.initializer('zeros'),
  gammaInitializer: option.initializer('ones'),
  movingMeanInitializer: option.initializer('zeros'),
  movingVarianceInitializer: option.initializer('ones'),
  betaRegularizer: option.regularizer(),
  gammaRegularizer: option.regularizer(),
  betaConstraint: option.constraint(),
  gammaConstraint: option.constraint(),
  synchronized: option.boolean(false),
  renorm: option.falseOnly('batch renormalization is not supported'),
  renormClipping: option.nullOnly('batch renormalization is not supported'),
  renormMomentum: option.number({ default: 0.99, min: 0, max: 1 }),
});
