/** `getOptimizer`: Keras's `keras.optimizers.get` / `deserialize` for the optimizers this library has. */

import { InvalidArgumentError, UnknownNameError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import { Registry } from '../../serialization/registry.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { Optimizer } from './optimizer.js';
import { RMSprop } from './rmsprop.js';
import { SGD } from './sgd.js';

/** What `getOptimizer` accepts. */
export type OptimizerIdentifier =
  | Optimizer
  | string
  | { class_name: string; config?: Config | null; module?: string; registered_name?: string | null };

/**
 * Keras's `ALL_OBJECTS_DICT` for the classes implemented here. Keras's deserialize lower-cases the class
 * name of built-in optimizers, so lookup ignores letter case ('adam', 'Adam', 'ADAM').
 */
const REGISTRY = new Registry<(config: Config) => Optimizer>({
  kind: 'optimizer',
  registerFunction: 'registerOptimizer',
  value: ['factory', 'a function (config) => Optimizer'],
  caseInsensitive: true,
})
  .builtin(['sgd'], (c) => SGD.fromConfig(c))
  .builtin(['adam'], (c) => Adam.fromConfig(c))
  .builtin(['adamw'], (c) => AdamW.fromConfig(c))
  .builtin(['rmsprop'], (c) => RMSprop.fromConfig(c))
  .builtin(['adagrad'], (c) => Adagrad.fromConfig(c));

/** The names `getOptimizer` accepts (in any letter case, as Keras: `'adam'`, `'Adam'`, `'ADAM'`). */
export const OPTIMIZER_NAMES: readonly string[] = Object.freeze(REGISTRY.builtinNames());

function create(className: string, config: Config, identifier: unknown): Optimizer {
  const factory = REGISTRY.get(className);
  if (factory === undefined) throw new UnknownNameError('optimizer', identifier, OPTIMIZER_NAMES);
  return factory(config);
}

/**
 * Resolves an optimizer identifier as `keras.optimizers.get`: a name (`'adam'`, `'SGD'`, ...) → that
 * optimizer with Keras's defaults; a serialized `{class_name, config}` → the optimizer it describes; an
 * `Optimizer` → itself.
 *
 * @throws UnknownNameError for an unknown name or class; InvalidArgumentError for anything else, including
 *   invalid config values.
 *
 * @example
 * ```ts
 * getOptimizer('rmsprop'); // RMSprop with learning rate 0.001
 * getOptimizer({ class_name: 'Adam', config: { learning_rate: 0.01 } });
 * ```
 */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') return create(identifier, {}, identifier);
  if (typeof identifier === 'object' && identifier !== null && typeof identifier.class_name === 'string') {
    const config = identifier.config ?? {};
    if (typeof config !== 'object' || Array.isArray(config)) {
      throw new InvalidArgumentError('config', config, 'an object of snake_case options', identifier.class_name);
    }
    return create(identifier.class_name, config, identifier.class_name);
  }
  throw new InvalidArgumentError('optimizer', identifier, `an Optimizer, a name (${OPTIMIZER_NAMES.join(', ')}) or a serialized {class_name, config}`);
}

/**
 * `keras.optimizers.serialize`: the `{module, class_name, config, registered_name}` form.
 *
 * @example
 * ```ts
 * serializeOptimizer(optimizers.sgd()); // { module: 'keras.optimizers', class_name: 'SGD', ... }
 * ```
 */
export function serializeOptimizer(optimizer: Optimizer): ReturnType<Optimizer['serialize']> {
  if (!(optimizer instanceof Optimizer)) throw new InvalidArgumentError('optimizer', optimizer, 'an Optimizer');
  return optimizer.serialize();
}
