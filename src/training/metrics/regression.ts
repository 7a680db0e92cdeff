/**
 * Regression metrics (mean squared and absolute error) and the crossentropy metrics, which average the
 * per-sample values of the matching loss.
 */

import type { Tensor } from '../../engine/tensor.js';
import { noGrad } from '../../engine/tape.js';
import type { Config } from '../../serialization/keras-object.js';
import type { Loss } from '../losses/loss.js';
import type {
  BinaryCrossentropyOptions,
  CategoricalCrossentropyOptions,
  SparseCategoricalCrossentropyOptions,
} from '../losses/crossentropy.js';
import {
  BinaryCrossentropy as BinaryCrossentropyLoss,
  CategoricalCrossentropy as CategoricalCrossentropyLoss,
  SparseCategoricalCrossentropy as SparseCategoricalCrossentropyLoss,
} from '../losses/crossentropy.js';
import type { HostValues, MetricOptions } from './metric.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';
import { alignHostShapes, hostValues, MeanMetricWrapper, METRIC_OPTION_KEYS } from './metric.js';

/** Per-sample mean over the last axis of `f(t, p)`, on typed arrays. */
function lastAxisMean(yTrue: Tensor, yPred: Tensor, context: string, f: (t: number, p: number) => number): HostValues {
  const shape = alignHostShapes(yTrue, yPred, context);
  const t = yTrue.dataSync();
  const p = yPred.dataSync();
  const cols = shape[shape.length - 1];
  const rows = cols === 0 ? 0 : p.length / cols;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += f(t[r * cols + c], p[r * cols + c]);
    out[r] = s / cols;
  }
  return { data: out, shape: shape.slice(0, -1) };
}

/**
 * The mean of `(yTrue - yPred)²` over all samples seen, as `keras.metrics.MeanSquaredError`.
 *
 * @example
 * ```ts
 * const m = new MeanSquaredError();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));
 * m.result(); // 0.25
 * ```
 */
export class MeanSquaredError extends MeanMetricWrapper {
  override readonly className = 'MeanSquaredError';

  constructor(options: MetricOptions = {}) {
    checkOptions(options, METRIC_OPTION_KEYS, 'MeanSquaredError');
    super(undefined, options, 'mean_squared_error');
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    return lastAxisMean(yTrue, yPred, this.name, (t, p) => (t - p) * (t - p));
  }
}

/**
 * The mean of `|yTrue - yPred|` over all samples seen, as `keras.metrics.MeanAbsoluteError`.
 *
 * @example
 * ```ts
 * const m = new MeanAbsoluteError();
 * m.updateState(tensor([[0, 1], [0, 0]]), tensor([[1, 1], [0, 0]]));
 * m.result(); // 0.25
 * ```
 */
export class MeanAbsoluteError extends MeanMetricWrapper {
  override readonly className = 'MeanAbsoluteError';

  constructor(options: MetricOptions = {}) {
    checkOptions(options, METRIC_OPTION_KEYS, 'MeanAbsoluteError');
    super(undefined, options, 'mean_absolute_error');
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    return lastAxisMean(yTrue, yPred, this.name, (t, p) => Math.abs(t - p));
  }
}

/** Per-sample values of a loss (reduction 'none'), evaluated without recording gradients. */
function lossSamples(loss: Loss, yTrue: Tensor, yPred: Tensor): HostValues {
  return hostValues(noGrad(() => loss.call(yTrue, yPred)));
}

type CrossentropyMetricOptions<T> = MetricOptions & Omit<T, 'name' | 'reduction'>;

const BINARY_KEYS = optionKeys<CrossentropyMetricOptions<BinaryCrossentropyOptions>>()(['name', 'fromLogits', 'labelSmoothing', 'axis']);
const CATEGORICAL_KEYS = optionKeys<CrossentropyMetricOptions<CategoricalCrossentropyOptions>>()(['name', 'fromLogits', 'labelSmoothing', 'axis']);
const SPARSE_KEYS = optionKeys<CrossentropyMetricOptions<Omit<SparseCategoricalCrossentropyOptions, 'ignoreClass'>>>()(['name', 'fromLogits']);

/**
 * The mean binary crossentropy over all samples seen, as `keras.metrics.BinaryCrossentropy`.
 *
 * @example
 * ```ts
 * const m = new BinaryCrossentropy({ fromLogits: true });
 * ```
 */
export class BinaryCrossentropy extends MeanMetricWrapper {
  override readonly className = 'BinaryCrossentropy';
  private readonly loss: BinaryCrossentropyLoss;

  constructor(options: CrossentropyMetricOptions<BinaryCrossentropyOptions> = {}) {
    checkOptions(options, BINARY_KEYS, 'BinaryCrossentropy');
    super(undefined, options, 'binary_crossentropy');
    this.loss = new BinaryCrossentropyLoss({ ...options, name: this.name, reduction: 'none' });
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    return lossSamples(this.loss, yTrue, yPred);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.loss.fromLogits, label_smoothing: this.loss.labelSmoothing };
  }
}

/**
 * The mean categorical crossentropy over all samples seen, as `keras.metrics.CategoricalCrossentropy`.
 *
 * @example
 * ```ts
 * const m = new CategoricalCrossentropy({ labelSmoothing: 0.1 });
 * ```
 */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className = 'CategoricalCrossentropy';
  private readonly loss: CategoricalCrossentropyLoss;

  constructor(options: CrossentropyMetricOptions<CategoricalCrossentropyOptions> = {}) {
    checkOptions(options, CATEGORICAL_KEYS, 'CategoricalCrossentropy');
    super(undefined, options, 'categorical_crossentropy');
    this.loss = new CategoricalCrossentropyLoss({ ...options, name: this.name, reduction: 'none' });
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    return lossSamples(this.loss, yTrue, yPred);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      from_logits: this.loss.fromLogits,
      label_smoothing: this.loss.labelSmoothing,
      axis: this.loss.axis,
    };
  }
}

/**
 * The mean sparse categorical crossentropy over all samples seen, as
 * `keras.metrics.SparseCategoricalCrossentropy` (labels are validated as in the loss).
 *
 * @example
 * ```ts
 * const m = new SparseCategoricalCrossentropy({ fromLogits: true });
 * ```
 */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  override readonly className = 'SparseCategoricalCrossentropy';
  private readonly loss: SparseCategoricalCrossentropyLoss;

  constructor(options: CrossentropyMetricOptions<Omit<SparseCategoricalCrossentropyOptions, 'ignoreClass'>> = {}) {
    checkOptions(options, SPARSE_KEYS, 'SparseCategoricalCrossentropy');
    super(undefined, options, 'sparse_categorical_crossentropy');
    this.loss = new SparseCategoricalCrossentropyLoss({ ...options, name: this.name, reduction: 'none' });
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    return lossSamples(this.loss, yTrue, yPred);
  }

  override getConfig(): Config {
    return { ...super.getConfig(), from_logits: this.loss.fromLogits, ignore_class: null, axis: -1 };
  }
}
