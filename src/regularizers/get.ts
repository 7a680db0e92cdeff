/** `getRegularizer`: Keras's `keras.regularizers.get`. */

import type { Tensor } from '../engine/tensor.js';
import type { Config } from '../serialization/keras-object.js';
import { L1, L1L2, L2 } from './l1-l2.js';
import type { L1L2Options, L1Options, L2Options } from './l1-l2.js';
import type { ConfigFactory } from '../serialization/object-lookup.js';
import { classFactory, lookupObject } from '../serialization/object-lookup.js';
import { Registry } from '../serialization/registry.js';
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

const l1Entry = classFactory<Regularizer>('L1', ['l1'], (o) => new L1(o as L1Options));
const l2Entry = classFactory<Regularizer>('L2', ['l2'], (o) => new L2(o as L2Options));
const l1l2Entry = classFactory<Regularizer>('L1L2', ['l1', 'l2'], (o) => new L1L2(o as L1L2Options));
const orthogonalEntry = classFactory<Regularizer>('OrthogonalRegularizer', ['factor', 'mode'], (o) => new OrthogonalRegularizer(o as OrthogonalRegularizerOptions));
const baseEntry = classFactory<Regularizer>('Regularizer', [], () => new Regularizer());

/**
 * Keras 3.15's `ALL_OBJECTS_DICT`: each class under its name and `to_snake_case` of it. Keras 3 spells the
 * combined penalty 'l1l2' and raises on 'l1_l2'; we accept Keras 2's 'l1_l2' as well, as our contract says.
 */
const REGISTRY = new Registry<ConfigFactory<Regularizer>>({
  kind: 'regularizer',
  registerFunction: 'registerRegularizer',
  value: ['factory', 'a function (config) => regularizer'],
})
  .builtin(['L1', 'l1'], l1Entry)
  .builtin(['L2', 'l2'], l2Entry)
  // 'l1_l2' is Keras 2's spelling, which the R interface documents and this library's contract keeps.
  .builtin(['L1L2', 'l1l2', 'l1_l2'], l1l2Entry)
  .builtin(['OrthogonalRegularizer', 'orthogonal_regularizer'], orthogonalEntry)
  .builtin(['Regularizer', 'regularizer'], baseEntry);

/** The names `getRegularizer` accepts as strings (and as `class_name`). */
export const REGULARIZER_NAMES: readonly string[] = Object.freeze(REGISTRY.builtinNames());

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
  REGISTRY.register(className, factory);
}

/** Removes a registration made with {@link registerRegularizer}; true if there was one. */
export function unregisterRegularizer(className: string): boolean {
  return REGISTRY.unregister(className);
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
  return lookupObject<Regularizer, Regularizer>(identifier, argument, REGISTRY, {
    base: Regularizer,
    isInstance: (value): value is Regularizer => value instanceof Regularizer,
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
