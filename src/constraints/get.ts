/** `getConstraint`: Keras's `keras.constraints.get`. */

import type { Tensor } from '../engine/tensor.js';
import type { Config } from '../io/keras-object.js';
import type { RegistryEntry } from '../regularizers/lookup.js';
import { CustomRegistry, lookup } from '../regularizers/lookup.js';
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

const maxNormEntry: RegistryEntry<Constraint> = {
  keys: ['max_value', 'axis'],
  create: (o) => new MaxNorm(o as MaxNormOptions),
};
const minMaxNormEntry: RegistryEntry<Constraint> = {
  keys: ['min_value', 'max_value', 'rate', 'axis'],
  create: (o) => new MinMaxNorm(o as MinMaxNormOptions),
};
const unitNormEntry: RegistryEntry<Constraint> = { keys: ['axis'], create: (o) => new UnitNorm(o as UnitNormOptions) };
const nonNegEntry: RegistryEntry<Constraint> = { keys: [], create: () => new NonNeg() };
const baseEntry: RegistryEntry<Constraint> = { keys: [], create: () => new Constraint() };

/** Keras 3.15's `ALL_OBJECTS_DICT`: each class under its name and `to_snake_case` of it. */
const REGISTRY: Readonly<Record<string, RegistryEntry<Constraint>>> = {
  MaxNorm: maxNormEntry,
  max_norm: maxNormEntry,
  MinMaxNorm: minMaxNormEntry,
  min_max_norm: minMaxNormEntry,
  UnitNorm: unitNormEntry,
  unit_norm: unitNormEntry,
  NonNeg: nonNegEntry,
  non_neg: nonNegEntry,
  Constraint: baseEntry,
  constraint: baseEntry,
};

/** The names `getConstraint` accepts as strings (and as `class_name`). */
export const CONSTRAINT_NAMES: readonly string[] = Object.freeze(Object.keys(REGISTRY));

const CUSTOM = new CustomRegistry<Constraint>(REGISTRY, 'constraint', 'registerConstraint');

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
  CUSTOM.register(className, factory);
}

/** Removes a registration made with {@link registerConstraint}; true if there was one. */
export function unregisterConstraint(className: string): boolean {
  return CUSTOM.map.delete(className);
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
  return lookup<Constraint, Constraint>(identifier, argument, {
    kind: 'constraint',
    registry: REGISTRY,
    base: Constraint,
    isInstance: (value): value is Constraint => value instanceof Constraint,
    custom: CUSTOM.map,
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
