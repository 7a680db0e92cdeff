/** `resolveMetric`: Keras 3's `compile_utils.get_metric` (and `keras.metrics.get`) for our metrics. */

import { InvalidArgumentError, UnknownNameError } from '../../errors.js';
import { toCamelCase } from '../../io/keras-object.js';
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

interface Entry {
  readonly keys: readonly string[];
  readonly create: (options: Record<string, unknown>) => Metric;
}

const BASE = ['name', 'dtype'];
const entries = {
  binaryAccuracy: { keys: [...BASE, 'threshold'], create: (o) => new BinaryAccuracy(o) },
  categoricalAccuracy: { keys: BASE, create: (o) => new CategoricalAccuracy(o as MetricOptions) },
  sparseCategoricalAccuracy: { keys: BASE, create: (o) => new SparseCategoricalAccuracy(o as MetricOptions) },
  mse: { keys: BASE, create: (o) => new MeanSquaredError(o as MetricOptions) },
  mae: { keys: BASE, create: (o) => new MeanAbsoluteError(o as MetricOptions) },
  bce: { keys: [...BASE, 'from_logits', 'label_smoothing'], create: (o) => new BinaryCrossentropy(o) },
  cce: { keys: [...BASE, 'from_logits', 'label_smoothing', 'axis'], create: (o) => new CategoricalCrossentropy(o) },
  scce: { keys: [...BASE, 'from_logits', 'ignore_class', 'axis'], create: (o) => new SparseCategoricalCrossentropy(o) },
} satisfies Record<string, Entry>;

/**
 * Keras 3.15's `keras.metrics` names for the metrics we implement: each class under its name and its
 * snake_case name, plus the aliases mse/MSE/mae/MAE/bce/BCE. Case-sensitive, as Keras.
 */
const REGISTRY: Readonly<Record<string, Entry>> = {
  BinaryAccuracy: entries.binaryAccuracy,
  binary_accuracy: entries.binaryAccuracy,
  CategoricalAccuracy: entries.categoricalAccuracy,
  categorical_accuracy: entries.categoricalAccuracy,
  SparseCategoricalAccuracy: entries.sparseCategoricalAccuracy,
  sparse_categorical_accuracy: entries.sparseCategoricalAccuracy,
  MeanSquaredError: entries.mse,
  mean_squared_error: entries.mse,
  mse: entries.mse,
  MSE: entries.mse,
  MeanAbsoluteError: entries.mae,
  mean_absolute_error: entries.mae,
  mae: entries.mae,
  MAE: entries.mae,
  BinaryCrossentropy: entries.bce,
  binary_crossentropy: entries.bce,
  bce: entries.bce,
  BCE: entries.bce,
  CategoricalCrossentropy: entries.cce,
  categorical_crossentropy: entries.cce,
  SparseCategoricalCrossentropy: entries.scce,
  sparse_categorical_crossentropy: entries.scce,
};

/** Every string `resolveMetric` accepts; 'accuracy' and 'acc' match in any case. */
export const METRIC_NAMES: readonly string[] = Object.freeze(['accuracy', 'acc', ...Object.keys(REGISTRY)]);

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

function fromConfig(entry: Entry, identifier: { class_name: string; config?: unknown }, argument: string): Metric {
  const config = identifier.config;
  if (config === undefined || config === null) return entry.create({});
  if (!isPlainObject(config)) throw new InvalidArgumentError(argument, identifier, 'a metric whose `config` is an object');
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!entry.keys.includes(key)) {
      throw new InvalidArgumentError(`${argument}.config`, key, `config keys among ${entry.keys.join(', ')}`, identifier.class_name);
    }
    // dtype only sets Keras's accumulator dtype (we accumulate in float64); ignore_class is always null
    // in a metric's config here and axis -1: both are written for Keras, not read back.
    if (key === 'dtype' || key === 'ignore_class' || (key === 'axis' && identifier.class_name.startsWith('Sparse'))) continue;
    options[toCamelCase(key)] = value;
  }
  return entry.create(options);
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
export function resolveMetric(identifier: unknown, context: MetricResolveContext = {}, argument = 'metrics'): Metric {
  if (identifier === null || identifier === undefined) {
    throw new InvalidArgumentError(argument, identifier, 'a metric (Keras: "Expected metric, received `None`")');
  }
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'string') {
    const lower = identifier.toLowerCase();
    if (lower === 'accuracy' || lower === 'acc') {
      const kind = accuracyKind(context, identifier);
      const options = { name: identifier };
      if (kind === 'binary') return new BinaryAccuracy(options);
      return kind === 'sparse' ? new SparseCategoricalAccuracy(options) : new CategoricalAccuracy(options);
    }
    if (!Object.hasOwn(REGISTRY, identifier)) throw new UnknownNameError(argument, identifier, METRIC_NAMES);
    return REGISTRY[identifier].create({ name: identifier });
  }
  if (typeof identifier === 'function') {
    if ((identifier as { prototype?: unknown }).prototype instanceof Metric) {
      return new (identifier as new () => Metric)();
    }
    return new MeanMetricWrapper(identifier as MetricFn);
  }
  if (isPlainObject(identifier) && typeof identifier.class_name === 'string') {
    const className = identifier.class_name;
    const classes = Object.keys(REGISTRY).filter((k) => /^[A-Z][a-z]/.test(k));
    if (!classes.includes(className)) throw new UnknownNameError(`${argument}.class_name`, className, classes);
    return fromConfig(REGISTRY[className], identifier as { class_name: string; config?: unknown }, argument);
  }
  throw new InvalidArgumentError(
    argument,
    identifier,
    'a metric name, a Metric object or class, a serialized {class_name, config} or a function (yTrue, yPred) => Tensor',
  );
}
