/** Metrics, as `keras.metrics`. */

import { InvalidArgumentError } from '../../errors.js';
import type { SerializedKerasObject } from '../../serialization/keras-object.js';
import { BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy } from './accuracy.js';
import { Mean, MeanMetricWrapper, Metric } from './metric.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from './regression.js';
import { METRIC_NAMES, resolveMetric } from './resolve.js';

export { Metric, Mean, MeanMetricWrapper, METRICS_MODULE, reduceToSamplewise } from './metric.js';
export type { HostValues, MetricFn, MetricOptions, SampleWeight } from './metric.js';
export { BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy } from './accuracy.js';
export type { BinaryAccuracyOptions } from './accuracy.js';
export {
  MeanSquaredError,
  MeanAbsoluteError,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
} from './regression.js';
export { resolveMetric, METRIC_NAMES } from './resolve.js';
export type { MetricIdentifier, MetricResolveContext } from './resolve.js';

/**
 * The `metrics` namespace of the public API, mirroring `keras.metrics` (`get` resolves as
 * `model.compile` does).
 *
 * @example
 * ```ts
 * const acc = metrics.get('accuracy', { yTrueShape: [8, 1], yPredShape: [8, 1] }); // BinaryAccuracy 'accuracy'
 * acc.updateState(yTrue, yPred);
 * acc.result();
 * ```
 */
export const metrics = Object.freeze({
  Metric,
  Mean,
  MeanMetricWrapper,
  BinaryAccuracy,
  CategoricalAccuracy,
  SparseCategoricalAccuracy,
  MeanSquaredError,
  MeanAbsoluteError,
  BinaryCrossentropy,
  CategoricalCrossentropy,
  SparseCategoricalCrossentropy,
  get: resolveMetric,
  /** `keras.metrics.serialize` for a metric object. */
  serialize: (metric: Metric | Mean): SerializedKerasObject => metric.serialize(),
  /** `keras.metrics.deserialize`: a serialized `{ class_name, config }` back to its metric. */
  deserialize: (config: unknown): Metric => {
    if (typeof config !== 'object' || config === null || typeof (config as { class_name?: unknown }).class_name !== 'string') {
      throw new InvalidArgumentError('config', config, 'a serialized metric { class_name, config }');
    }
    return resolveMetric(config, {}, 'config');
  },
  names: METRIC_NAMES,
});
