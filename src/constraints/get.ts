/** `getConstraint`: Keras's `keras.constraints.get`. */

import type { Tensor } from '../engine/tensor.js';
import type { Config } from '../serialization/keras-object.js';
import type { ConfigFactory } from '../serialization/object-lookup.js';
import { classFactory, lookupObject } from '../serialization/object-lookup.js';
import { Registry } from '../serialization/registry.js';
import type { ConstraintFn } from './constraint.js';
import { Constraint, FunctionConstraint } from './constraint.js';
import { MaxNorm, MinMaxNorm, NonNeg, UnitNorm } from './norm-constraints.js';
import type { MaxNormOptions, MinMaxNormOptions, UnitNormOptions } from './norm-constraints.js';

/** What `getConstraint` accepts. */
export type ConstraintIdentifier =
  | Constraint
  | ConstraintFn
  | string
  | { class_name: string; config?: Record<string, unknown> | null; module?: string; registered_name?: string | null }
  | null
  | undefined;

const maxNormEntry = classFactory<Constraint>('MaxNorm', ['max_value', 'axis'], (o) => new MaxNorm(o as MaxNormOptions));
const minMaxNormEntry = classFactory<Constraint>('MinMaxNorm', ['min_value', 'max_value', 'rate', 'axis'], (o) => new MinMaxNorm(o as MinMaxNormOptions));
const unitNormEntry = classFactory<Constraint>('UnitNorm', ['axis'], (o) => new UnitNorm(o as UnitNormOptions));
const nonNegEntry = classFactory<Constraint>('NonNeg', [], () => new NonNeg());
const baseEntry = classFactory<Constraint>('Constraint', [], () => new Constraint());

/** Keras 3.15's `ALL_OBJECTS_DICT`: each class under its name and `to_snake_case` of it. */
const REGISTRY = new Registry<ConfigFactory<Constraint>>({
  kind: 'constraint',
  registerFunction: 'registerConstraint',
  value: ['factory', 'a function (config) => constraint'],
})
  .builtin(['MaxNorm', 'max_norm'], maxNormEntry)
  .builtin(['MinMaxNorm', 'min_max_norm'], minMaxNormEntry)
  .builtin(['UnitNorm', 'unit_norm'], unitNormEntry)
  .builtin(['NonNeg', 'non_neg'], nonNegEntry)
  .builtin(['Constraint', 'constraint'], baseEntry);

/** The names `getConstraint` accepts as strings (and as `class_name`). */
export const CONSTRAINT_NAMES: readonly string[] = Object.freeze(REGISTRY.builtinNames());

/**
 * Registers a custom constraint class (Keras's `register_keras_serializable` / `custom_objects`), so that
 * `getConstraint` — and so a model file — resolves `className`, as a name or a serialized `{class_name, config}`
 * (or Keras's `registered_name`), by calling `factory(config)` with the snake_case config. The class
 * should serialize under the same name (its `className`). Built-in names cannot be taken; registering
 * again replaces the earlier factory.
 *
 * @example
 * ```ts
 * class Clip01 extends Constraint { override readonly className = 'Clip01'; override call(w: Tensor) { return ops.clip(w, 0, 1); } override getConfig() { return {}; } }
 * registerConstraint('Clip01', () => new Clip01());
 * ```
 */
export function registerConstraint(className: string, factory: (config: Config) => Constraint): void {
  REGISTRY.register(className, factory);
}

/** Removes a registration made with {@link registerConstraint}; true if there was one. */
export function unregisterConstraint(className: string): boolean {
  return REGISTRY.unregister(className);
}

/**
 * Resolves a constraint identifier as `keras.constraints.get`: `null`/`undefined` → `null`; a name
 * (`'max_norm'`, `'NonNeg'`, ...) → that constraint with Keras's defaults; a serialized `{ class_name, config }`
 * → the constraint it describes; a `Constraint` → itself; a `Constraint` subclass → a default instance; any
 * other function → itself.
 *
 * @param argument The argument name that errors report, e.g. `'depthwise_constraint'`.
 * @throws UnknownNameError for an unknown name; InvalidArgumentError for anything else it cannot use,
 *   including bad bounds, bad axes and unknown config keys.
 *
 * @example
 * ```ts
 * getConstraint('non_neg'); // NonNeg
 * getConstraint({ class_name: 'MaxNorm', config: { max_value: 3, axis: [0, 1] } });
 * ```
 */
export function getConstraint(identifier: unknown, argument = 'constraint'): Constraint | null {
  return lookupObject<Constraint, Constraint>(identifier, argument, REGISTRY, {
    base: Constraint,
    isInstance: (value): value is Constraint => value instanceof Constraint,
    asFunction: (fn) => new FunctionConstraint(fn as unknown as ConstraintFn),
  });
}

/**
 * The projection of `w` by `constraint`, whether it is a `Constraint` or a plain function.
 *
 * @example
 * ```ts
 * const projected = applyConstraint(getConstraint('non_neg')!, kernel);
 * ```
 */
export function applyConstraint(constraint: Constraint | ConstraintFn, w: Tensor): Tensor {
  return typeof constraint === 'function' ? constraint(w) : constraint.call(w);
}
