/** `getRegularizer`: Keras's `keras.regularizers.get`. */

import type { Tensor } from '../engine/tensor.js';
import type { Config } from '../io/keras-object.js';
import { L1, L1L2, L2 } from './l1-l2.js';
import type { L1L2Options, L1Options, L2Options } from './l1-l2.js';
import type { RegistryEntry } from './lookup.js';
import { CustomRegistry, lookup } from './lookup.js';
import { OrthogonalRegularizer } from './orthogonal.js';
import type { OrthogonalRegularizerOptions } from './orthogonal.js';
import type { RegularizerFn } from './regularizer.js';
import { FunctionRegularizer, Regularizer } from './regularizer.js';

/** What `getRegularizer` accepts. */
export type RegularizerIdentifier =
  | Regularizer
  | RegularizerFn
  | string
  | { class_name: string; config?: Record<string, unknown> | null; module?: string; registered_name?: string | null }
  | null
  | undefined;

const l1Entry: RegistryEntry<Regularizer> = { keys: ['l1'], create: (o) => new L1(o as L1Options) };
const l2Entry: RegistryEntry<Regularizer> = { keys: ['l2'], create: (o) => new L2(o as L2Options) };
const l1l2Entry: RegistryEntry<Regularizer> = { keys: ['l1', 'l2'], create: (o) => new L1L2(o as L1L2Options) };
const orthogonalEntry: RegistryEntry<Regularizer> = {
  keys: ['factor', 'mode'],
  create: (o) => new OrthogonalRegularizer(o as OrthogonalRegularizerOptions),
};
const baseEntry: RegistryEntry<Regularizer> = { keys: [], create: () => new Regularizer() };

/**
 * Keras 3.15's `ALL_OBJECTS_DICT`: each class under its name and `to_snake_case` of it. Keras 3 spells the
 * combined penalty 'l1l2' and raises on 'l1_l2'; we accept Keras 2's 'l1_l2' as well, as our contract says.
 */
const REGISTRY: Readonly<Record<string, RegistryEntry<Regularizer>>> = {
  L1: l1Entry,
  l1: l1Entry,
  L2: l2Entry,
  l2: l2Entry,
  L1L2: l1l2Entry,
  l1l2: l1l2Entry,
  // Keras 2's spelling, which the R interface documents and this library's contract keeps.
  l1_l2: l1l2Entry,
  OrthogonalRegularizer: orthogonalEntry,
  orthogonal_regularizer: orthogonalEntry,
  Regularizer: baseEntry,
  regularizer: baseEntry,
};

/** The names `getRegularizer` accepts as strings (and as `class_name`). */
export const REGULARIZER_NAMES: readonly string[] = Object.freeze(Object.keys(REGISTRY));

const CUSTOM = new CustomRegistry<Regularizer>(REGISTRY, 'regularizer', 'registerRegularizer');

/**
 * Registers a custom regularizer class (Keras's `register_keras_serializable` / `custom_objects`), so that
 * `getRegularizer` — and so a model file — resolves `className`, as a name or a serialized `{class_name, config}`
 * (or Keras's `registered_name`), by calling `factory(config)` with the snake_case config. The class
 * should serialize under the same name (its `className`). Built-in names cannot be taken; registering
 * again replaces the earlier factory.
 *
 * @example
 * ```ts
 * class Sum extends Regularizer { override readonly className = 'Sum'; override call(x: Tensor) { return ops.sum(x); } override getConfig() { return {}; } }
 * registerRegularizer('Sum', () => new Sum());
 * ```
 */
export function registerRegularizer(className: string, factory: (config: Config) => Regularizer): void {
  CUSTOM.register(className, factory);
}

/** Removes a registration made with {@link registerRegularizer}; true if there was one. */
export function unregisterRegularizer(className: string): boolean {
  return CUSTOM.map.delete(className);
}

/**
 * Resolves a regularizer identifier as `keras.regularizers.get`: `null`/`undefined` → `null`; a name
 * (`'l1'`, `'L2'`, `'l1l2'`, ...) → that regularizer with Keras's defaults; a serialized
 * `{ class_name, config }` → the regularizer it describes; a `Regularizer` → itself; a `Regularizer`
 * subclass → a default instance; any other function → itself.
 *
 * @param argument The argument name that errors report, e.g. `'depthwise_regularizer'`.
 * @throws UnknownNameError for an unknown name; InvalidArgumentError for anything else it cannot use,
 *   including bad factors and unknown config keys.
 *
 * @example
 * ```ts
 * getRegularizer('l2'); // L2 with l2 = 0.01
 * getRegularizer({ class_name: 'L1', config: { l1: 0.1 } }); // L1 with l1 = 0.1
 * ```
 */
export function getRegularizer(identifier: unknown, argument = 'regularizer'): Regularizer | null {
  return lookup<Regularizer, Regularizer>(identifier, argument, {
    kind: 'regularizer',
    registry: REGISTRY,
    base: Regularizer,
    isInstance: (value): value is Regularizer => value instanceof Regularizer,
    custom: CUSTOM.map,
    asFunction: (fn) => new FunctionRegularizer(fn as unknown as RegularizerFn),
  });
}

/**
 * The penalty of `regularizer` on `x`, whether it is a `Regularizer` or a plain function.
 *
 * @example
 * ```ts
 * const penalty = applyRegularizer(getRegularizer('l2')!, kernel);
 * ```
 */
export function applyRegularizer(regularizer: Regularizer | RegularizerFn, x: Tensor): Tensor {
  return typeof regularizer === 'function' ? regularizer(x) : regularizer.call(x);
}
