/** Weight projections applied after each optimizer step, as `keras.constraints`. */

import { InvalidArgumentError } from '../errors.js';
import type { SerializedKerasObject } from '../serialization/keras-object.js';
import { isSerializedForm } from '../serialization/keras-object.js';
import { Constraint } from './constraint.js';
import { applyConstraint, CONSTRAINT_NAMES, getConstraint } from './get.js';
import { MaxNorm, maxNorm, MinMaxNorm, minMaxNorm, NonNeg, nonNeg, UnitNorm, unitNorm } from './norm-constraints.js';

export { Constraint, CONSTRAINTS_MODULE, EPSILON, FunctionConstraint } from './constraint.js';
export type { ConstraintAxis, ConstraintFn } from './constraint.js';
export { MaxNorm, MinMaxNorm, UnitNorm, NonNeg, maxNorm, minMaxNorm, unitNorm, nonNeg } from './norm-constraints.js';
export type {
  MaxNormOptions,
  MinMaxNormOptions,
  UnitNormOptions,
  MaxNormConfig,
  MinMaxNormConfig,
  UnitNormConfig,
} from './norm-constraints.js';
export { getConstraint, applyConstraint, CONSTRAINT_NAMES } from './get.js';
export type { ConstraintIdentifier } from './get.js';

/**
 * The `constraints` namespace of the public API, mirroring `keras.constraints` (`get`, `serialize`,
 * `deserialize`, the classes and their lower-case factories).
 *
 * @example
 * ```ts
 * const c = constraints.maxNorm({ maxValue: 2, axis: [0, 1] });
 * constraints.get('non_neg'); // NonNeg
 * ```
 */
export const constraints = Object.freeze({
  Constraint,
  MaxNorm,
  MinMaxNorm,
  NonNeg,
  UnitNorm,
  maxNorm,
  minMaxNorm,
  nonNeg,
  unitNorm,
  get: getConstraint,
  /** `keras.constraints.serialize` for a constraint object. */
  serialize: (constraint: Constraint): SerializedKerasObject => constraint.serialize(),
  /** `keras.constraints.deserialize`: a serialized `{ class_name, config }` back to its constraint. */
  deserialize: (config: unknown): Constraint => {
    if (!isSerializedForm(config)) {
      throw new InvalidArgumentError('config', config, 'a serialized constraint { class_name, config }');
    }
    // A serialized form always names a registered class, so the result is an instance, never null or a function.
    return getConstraint(config, 'config') as Constraint;
  },
  apply: applyConstraint,
  names: CONSTRAINT_NAMES,
});
