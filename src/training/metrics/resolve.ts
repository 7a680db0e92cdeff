/** `resolveMetric`: Keras 3's `compile_utils.get_metric` (and `keras.metrics.get`) for our metrics. */

import { InvalidArgumentError, UnknownNameError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { ConfigFactory } from '../../serialization/object-lookup.js';
import { classFactory } from '../../serialization/object-lookup.js';
import { Registry } from '../../serialization/registry.js';
import { Loss } from '../losses/loss.js';
import { BinaryCrossentropy as BinaryCrossentropyLoss, SparseCategoricalCrossentropy as SparseLoss } from '../losses/crossentropy.js';
import { classifyTargets, getLoss } from '../losses/registry.js';
import { BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy } from './accuracy.js';
import type { MetricFn, MetricOptions } from './metric.js';
import { MeanMetricWrapper, Metric } from './metric.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from './regression.js';

/** What `resolveMetric` accepts. */
export type MetricIdentifier =
  | string
  | Metric
  | MetricFn
  | { class_name: string; config?: Record<string, unknown> | null; module?: string; registered_name?: string | null };

/** What `model.compile` knows when it resolves a metric: the target and output shapes, and the loss. */
export interface MetricResolveContext {
  yTrueShape?: readonly number[];
  yPredShape?: readonly number[];
  /** Used only for 'accuracy' when the shapes are not known (tf.keras's rule); Keras 3 uses the shapes. */
  loss?: unknown;
}

type Create = (options: Record<string, unknown>) => Metric;

const BASE = ['name', 'dtype'];
/**
 * dtype only sets Keras's accumulator dtype (we accumulate in float64); ignore_class is always null in a
 * metric's config here and a sparse metric's axis -1: both are written for Keras, not read back.
 */
const IGNORED = ['dtype'];
const SPARSE_IGNORED = ['dtype', 'ignore_class', 'axis'];
const CLASSES: readonly (readonly [names: readonly string[], keys: readonly string[], create: Create, ignored: readonly string[]])[] = [
  [['BinaryAccuracy', 'binary_accuracy'], [...BASE, 'threshold'], (o) => new BinaryAccuracy(o), IGNORED],
  [['CategoricalAccuracy', 'categorical_accuracy'], BASE, (o) => new CategoricalAccuracy(o as MetricOptions), IGNORED],
  [['SparseCategoricalAccuracy', 'sparse_categorical_accuracy'], BASE, (o) => new SparseCategoricalAccuracy(o as MetricOptions), SPARSE_IGNORED],
  [['MeanSquaredError', 'mean_squared_error', 'mse', 'MSE'], BASE, (o) => new MeanSquaredError(o as MetricOptions), IGNORED],
  [['MeanAbsoluteError', 'mean_absolute_error', 'mae', 'MAE'], BASE, (o) => new MeanAbsoluteError(o as MetricOptions), IGNORED],
  [['BinaryCrossentropy', 'binary_crossentropy', 'bce', 'BCE'], [...BASE, 'from_logits', 'label_smoothing'], (o) => new BinaryCrossentropy(o), IGNORED],
  [['CategoricalCrossentropy', 'categorical_crossentropy'], [...BASE, 'from_logits', 'label_smoothing', 'axis'], (o) => new CategoricalCrossentropy(o), IGNORED],
  [['SparseCategoricalCrossentropy', 'sparse_categorical_crossentropy'], [...BASE, 'from_logits', 'ignore_class', 'axis'], (o) => new SparseCategoricalCrossentropy(o), SPARSE_IGNORED],
];

/**
 * Keras 3.15's `keras.metrics` names for the metrics we implement: each class under its name and its
 * snake_case name, plus the aliases mse/MSE/mae/MAE/bce/BCE. Case-sensitive, as Keras. A name builds the
 * metric named as given; a serialized `{class_name, config}` (class names only) builds it from its config.
 */
const NAMES = new Registry<Create>({ kind: 'metric', registerFunction: 'registerMetric', value: ['factory', 'a function'] });
const FROM_CONFIG = new Registry<ConfigFactory<Metric>>({ kind: 'metric class', registerFunction: 'registerMetric', value: ['factory', 'a function'] });
for (const [names, keys, create, ignored] of CLASSES) {
  NAMES.builtin(names, create);
  FROM_CONFIG.builtin([names[0]], classFactory(names[0], keys, create, ignored));
}

/** Every string `resolveMetric` accepts; 'accuracy' and 'acc' match in any case. */
export const METRIC_NAMES: readonly string[] = Object.freeze(['accuracy', 'acc', ...NAMES.builtinNames()]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which accuracy 'accuracy' means: Keras 3 decides from the shapes; without them, from the loss (tf.keras). */
function accuracyKind(context: MetricResolveContext, identifier: string): 'binary' | 'sparse' | 'categorical' {
  const { yTrueShape, yPredShape, loss } = context;
  if (yTrueShape && yPredShape) return classifyTargets(yTrueShape, yPredShape);
  if (loss !== undefined && loss !== null) {
    const resolved = getLoss(loss);
    if (resolved instanceof BinaryCrossentropyLoss) return 'binary';
    if (resolved instanceof SparseLoss) return 'sparse';
    if (resolved instanceof Loss) return 'categorical';
  }
  throw new InvalidArgumentError(
    'metrics',
    identifier,
    "a specific metric name, or 'accuracy' together with yTrueShape and yPredShape (or a loss) to choose from",
  );
}

/**
 * Resolves one entry of `compile(metrics=[...])` as Keras 3's `compile_utils.get_metric`:
 *
 * - `'accuracy'` / `'acc'` (any case): `BinaryAccuracy` when yPred's last dim is 1, else
 *   `SparseCategoricalAccuracy` when yTrue's rank is lower than yPred's or yTrue's last dim is 1, else
 *   `CategoricalAccuracy`; named exactly as given (`'acc'` logs as `acc`);
 * - any other name (`'mse'`, `'binary_accuracy'`, `'MeanSquaredError'`, ...): that metric, logged under
 *   the string given (`'mse'` logs as `mse`, `'mean_squared_error'` as `mean_squared_error`);
 * - a `Metric` object: itself, under its own name; a `Metric` subclass: a default instance;
 * - a serialized `{ class_name, config }`: the metric it describes;
 * - a function `(yTrue, yPred) => Tensor` of per-sample values: averaged, named after the function.
 *
 * @throws UnknownNameError for an unknown name; InvalidArgumentError for anything else it cannot use.
 *
 * @example
 * ```ts
 * resolveMetric('accuracy', { yTrueShape: [32], yPredShape: [32, 10] }); // SparseCategoricalAccuracy named 'accuracy'
 * resolveMetric('mse').name; // 'mse'
 * ```
 */
export function resolveMetric(identifier: unknown, context: MetricResolveContext = {}, argument = 'metrics', name?: string): Metric {
  if (identifier === null || identifier === undefined) {
    throw new InvalidArgumentError(argument, identifier, 'a metric (Keras: "Expected metric, received `None`")');
  }
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'string') {
    const lower = identifier.toLowerCase();
    if (lower === 'accuracy' || lower === 'acc') {
      const kind = accuracyKind(context, identifier);
      const options = { name: name ?? identifier };
      if (kind === 'binary') return new BinaryAccuracy(options);
      return kind === 'sparse' ? new SparseCategoricalAccuracy(options) : new CategoricalAccuracy(options);
    }
    const create = NAMES.get(identifier);
    if (create === undefined) throw new UnknownNameError(argument, identifier, METRIC_NAMES);
    return create({ name: name ?? identifier });
  }
  if (typeof identifier === 'function') {
    if ((identifier as { prototype?: unknown }).prototype instanceof Metric) {
      return new (identifier as new () => Metric)();
    }
    return new MeanMetricWrapper(identifier as MetricFn, name === undefined ? {} : { name });
  }
  if (isPlainObject(identifier) && typeof identifier.class_name === 'string') {
    const factory = FROM_CONFIG.require(identifier.class_name, `${argument}.class_name`);
    const config = identifier.config ?? {};
    if (!isPlainObject(config)) throw new InvalidArgumentError(argument, identifier, 'a metric whose `config` is an object');
    return factory(config as Config, argument);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    'a metric name, a Metric object or class, a serialized {class_name, config} or a function (yTrue, yPred) => Tensor',
  );
}
