/** `getLoss`: Keras 3's `keras.losses.get`, plus compile's shape-based 'crossentropy'. */

import type { Tensor } from '../../engine/tensor.js';
import { isTensor } from '../../engine/tensor.js';
import { InvalidArgumentError, UnknownNameError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { ConfigFactory } from '../../serialization/object-lookup.js';
import { classFactory } from '../../serialization/object-lookup.js';
import { Registry } from '../../serialization/registry.js';
import type { LossOptions, LossValues } from './loss.js';
import { Loss, LOSS_OPTION_KEYS } from './loss.js';
import { checkOptions } from '../../utils/option-keys.js';
import { BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy } from './crossentropy.js';
import { MeanAbsoluteError, MeanSquaredError } from './regression.js';

/** A loss written as a plain function: per-sample values (or already a scalar) from `(yTrue, yPred)`. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** What `getLoss` accepts. */
export type LossIdentifier =
  | string
  | Loss
  | LossFn
  | { class_name: string; config?: Record<string, unknown> | null; module?: string; registered_name?: string | null };

/** Shapes that let `getLoss` resolve 'crossentropy' / 'ce' as `model.compile` does. */
export interface LossResolveContext {
  yTrueShape?: readonly number[];
  yPredShape?: readonly number[];
}

/**
 * A plain function used as a loss (Keras's `LossFunctionWrapper`): its result is reduced like any loss's
 * per-sample values, so a function may return per-sample values or a scalar (returned as is).
 *
 * @example
 * ```ts
 * const l = new FunctionLoss((t, p) => ops.mean(ops.abs(ops.sub(p, t)), { axis: -1 }));
 * ```
 */
export class FunctionLoss extends Loss {
  readonly className = 'LossFunctionWrapper';
  readonly fn: LossFn;

  constructor(fn: LossFn, options: LossOptions = {}) {
    checkOptions(options, LOSS_OPTION_KEYS, 'FunctionLoss');
    super(fn.name || 'loss', options);
    this.fn = fn;
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const values: unknown = this.fn(yTrue, yPred);
    if (!isTensor(values)) {
      throw new InvalidArgumentError('loss', values, 'a loss function returning a Tensor', this.name);
    }
    return { values };
  }
}

type Create = (options: Record<string, unknown>) => Loss;

const BASE_KEYS = ['name', 'reduction', 'dtype'];
const mse: Create = (o) => new MeanSquaredError(o as LossOptions);
const mae: Create = (o) => new MeanAbsoluteError(o as LossOptions);
const bce: Create = (o) => new BinaryCrossentropy(o);
const cce: Create = (o) => new CategoricalCrossentropy(o);
const scce: Create = (o) => new SparseCategoricalCrossentropy(o);

/**
 * Keras 3.15's loss classes, from a serialized `{class_name, config}`. Keras's loss `dtype` only picks the
 * compute dtype; we always compute in yPred's dtype, so it is accepted and ignored.
 */
const CLASSES = new Registry<ConfigFactory<Loss>>({ kind: 'loss class', registerFunction: 'registerLoss', value: ['factory', 'a function'] })
  .builtin(['MeanSquaredError'], classFactory('MeanSquaredError', BASE_KEYS, mse, ['dtype']))
  .builtin(['MeanAbsoluteError'], classFactory('MeanAbsoluteError', BASE_KEYS, mae, ['dtype']))
  .builtin(['BinaryCrossentropy'], classFactory('BinaryCrossentropy', [...BASE_KEYS, 'from_logits', 'label_smoothing', 'axis'], bce, ['dtype']))
  .builtin(['CategoricalCrossentropy'], classFactory('CategoricalCrossentropy', [...BASE_KEYS, 'from_logits', 'label_smoothing', 'axis'], cce, ['dtype']))
  .builtin(['SparseCategoricalCrossentropy'], classFactory('SparseCategoricalCrossentropy', [...BASE_KEYS, 'from_logits', 'ignore_class', 'axis'], scce, ['dtype']));

/**
 * Names as strings: Keras 3.15's function names and aliases (case-sensitive: 'Mse' is refused, as in
 * Keras), then the class names (a default instance). Keras returns the bare function for a function name,
 * which `compile` wraps under the identifier as its name; we return the class instance named after the
 * identifier, which computes the same values.
 */
const NAMES = new Registry<(identifier: string) => Loss>({ kind: 'loss', registerFunction: 'registerLoss', value: ['factory', 'a function'] });
for (const [names, create] of [
  [['mean_squared_error', 'mse', 'MSE'], mse],
  [['mean_absolute_error', 'mae', 'MAE'], mae],
  [['binary_crossentropy', 'bce', 'BCE'], bce],
  [['categorical_crossentropy'], cce],
  [['sparse_categorical_crossentropy'], scce],
] as const) {
  NAMES.builtin(names, (identifier) => create({ name: identifier }));
}
for (const className of CLASSES.builtinNames()) NAMES.builtin([className], () => CLASSES.require(className, 'loss')({}, 'loss'));

/** Every string `getLoss` accepts ('crossentropy' and 'ce' also need shapes). */
export const LOSS_NAMES: readonly string[] = Object.freeze([...NAMES.builtinNames(), 'crossentropy', 'ce']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** compile_utils.is_binary_or_sparse_categorical, shared with the metric resolution of 'accuracy'. */
export function classifyTargets(yTrueShape: readonly number[], yPredShape: readonly number[]): 'binary' | 'sparse' | 'categorical' {
  const tLast = yTrueShape[yTrueShape.length - 1];
  const pLast = yPredShape[yPredShape.length - 1];
  if (pLast === 1) return 'binary';
  if (yTrueShape.length < yPredShape.length || (tLast === 1 && pLast > 1)) return 'sparse';
  return 'categorical';
}

/**
 * Resolves a loss identifier as `keras.losses.get` (and `model.compile`): a name (`'mse'`,
 * `'mean_squared_error'`, `'BinaryCrossentropy'`, ...) → that loss with Keras's defaults (function names
 * give it the identifier as its name, as compile does); a `Loss` → itself; a `Loss` subclass → a default
 * instance; a serialized `{ class_name, config }` → the loss it describes; a function → a `FunctionLoss`
 * whose result is averaged. `'crossentropy'`/`'ce'` (any case) pick binary, sparse or categorical
 * crossentropy from the shapes in `context`, as compile does.
 *
 * @throws UnknownNameError for an unknown name; InvalidArgumentError for anything else it cannot use.
 *
 * @example
 * ```ts
 * getLoss('mse').call(yTrue, yPred);
 * getLoss({ class_name: 'CategoricalCrossentropy', config: { from_logits: true } });
 * getLoss('crossentropy', { yTrueShape: [32], yPredShape: [32, 10] }); // SparseCategoricalCrossentropy
 * ```
 */
export function getLoss(identifier: unknown, context: LossResolveContext = {}, argument = 'loss'): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === 'string') {
    const lower = identifier.toLowerCase();
    if (lower === 'crossentropy' || lower === 'ce') {
      const { yTrueShape, yPredShape } = context;
      if (!yTrueShape || !yPredShape) {
        throw new InvalidArgumentError(
          argument,
          identifier,
          "a specific loss name, or 'crossentropy' together with yTrueShape and yPredShape to choose from",
        );
      }
      const kind = classifyTargets(yTrueShape, yPredShape);
      const Cls = kind === 'binary' ? BinaryCrossentropy : kind === 'sparse' ? SparseCategoricalCrossentropy : CategoricalCrossentropy;
      return new Cls({ name: identifier });
    }
    const byName = NAMES.get(identifier);
    if (byName === undefined) throw new UnknownNameError(argument, identifier, LOSS_NAMES);
    return byName(identifier);
  }
  if (typeof identifier === 'function') {
    if ((identifier as { prototype?: unknown }).prototype instanceof Loss) {
      return new (identifier as new () => Loss)();
    }
    return new FunctionLoss(identifier as LossFn);
  }
  if (isPlainObject(identifier) && typeof identifier.class_name === 'string') {
    const config = identifier.config ?? {};
    const factory = CLASSES.require(identifier.class_name, `${argument}.class_name`);
    if (!isPlainObject(config)) throw new InvalidArgumentError(argument, identifier, 'a loss whose `config` is an object');
    return factory(config as Config, argument);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    'a loss name, a Loss object or class, a serialized {class_name, config} or a function (yTrue, yPred) => Tensor',
  );
}
