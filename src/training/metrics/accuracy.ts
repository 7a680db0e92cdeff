/** Accuracy metrics: binary, categorical (one-hot targets) and sparse categorical (integer targets). */

import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { HostValues, MetricOptions } from './metric.js';
import { alignHostShapes, MeanMetricWrapper, METRIC_OPTION_KEYS } from './metric.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';

/** Index of the first maximum of each row of `data` viewed as [rows, cols] (numpy's argmax tie rule). */
function argmaxRows(data: ArrayLike<number>, cols: number): Int32Array {
  const rows = cols === 0 ? 0 : data.length / cols;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestValue = data[r * cols];
    for (let c = 1; c < cols; c++) {
      const v = data[r * cols + c];
      // The first NaN wins, as in numpy and JAX argmax.
      if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
        best = c;
        bestValue = v;
      }
    }
    out[r] = best;
  }
  return out;
}

export interface BinaryAccuracyOptions extends MetricOptions {
  /** Predictions strictly above it count as 1; 0.5 by default. */
  threshold?: number;
}

const BINARY_ACCURACY_KEYS = optionKeys<BinaryAccuracyOptions>()(['name', 'threshold']);

/**
 * How often `yPred > threshold` equals `yTrue` (0/1 labels), as `keras.metrics.BinaryAccuracy`. With several
 * outputs per sample, each sample scores the fraction of its outputs that match.
 *
 * @example
 * ```ts
 * const m = new BinaryAccuracy();
 * m.updateState(tensor([[1], [1], [0], [0]]), tensor([[0.98], [1], [0], [0.6]]));
 * m.result(); // 0.75
 * ```
 */
export class BinaryAccuracy extends MeanMetricWrapper {
  override readonly className = 'BinaryAccuracy';
  readonly threshold: number;

  constructor(options: BinaryAccuracyOptions = {}) {
    checkOptions(options, BINARY_ACCURACY_KEYS, 'BinaryAccuracy');
    super(undefined, options, 'binary_accuracy');
    const threshold = options.threshold ?? 0.5;
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
      throw new InvalidArgumentError('threshold', threshold, 'a finite number', 'BinaryAccuracy');
    }
    this.threshold = threshold;
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    const shape = alignHostShapes(yTrue, yPred, this.name);
    const t = yTrue.dataSync();
    const p = yPred.dataSync();
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = t[i] === (p[i] > this.threshold ? 1 : 0) ? 1 : 0;
    return { data: out, shape };
  }

  override getConfig(): Config {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}

/**
 * How often the argmax of `yPred` equals the argmax of the one-hot `yTrue` (same shape), as
 * `keras.metrics.CategoricalAccuracy`. Ties go to the first maximum, as numpy and JAX.
 *
 * @example
 * ```ts
 * const m = new CategoricalAccuracy();
 * m.updateState(tensor([[0, 0, 1], [0, 1, 0]]), tensor([[0.1, 0.9, 0.8], [0.05, 0.95, 0]]));
 * m.result(); // 0.5
 * ```
 */
export class CategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = 'CategoricalAccuracy';

  constructor(options: MetricOptions = {}) {
    checkOptions(options, METRIC_OPTION_KEYS, 'CategoricalAccuracy');
    super(undefined, options, 'categorical_accuracy');
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    if (yTrue.rank !== yPred.rank || !yTrue.shape.every((d, i) => d === yPred.shape[i])) {
      throw new ShapeError(
        `${this.name}: yTrue shape ${formatShape(yTrue.shape)} must equal yPred shape ${formatShape(yPred.shape)} ` +
          '(one-hot targets); for integer class labels use sparse_categorical_accuracy',
      );
    }
    const cols = yPred.shape[yPred.rank - 1];
    const t = argmaxRows(yTrue.dataSync(), cols);
    const p = argmaxRows(yPred.dataSync(), cols);
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = t[i] === p[i] ? 1 : 0;
    return { data: out, shape: yPred.shape.slice(0, -1) };
  }
}

/**
 * How often the argmax of `yPred` equals the integer label in `yTrue`, as
 * `keras.metrics.SparseCategoricalAccuracy`. `yTrue` has `yPred`'s shape without the class axis, or with it
 * of size 1. A label outside [0, C) simply never matches, as in Keras.
 *
 * @example
 * ```ts
 * const m = new SparseCategoricalAccuracy();
 * m.updateState(tensor([2, 1]), tensor([[0.1, 0.6, 0.3], [0.05, 0.95, 0]]));
 * m.result(); // 0.5
 * ```
 */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  override readonly className = 'SparseCategoricalAccuracy';

  constructor(options: MetricOptions = {}) {
    checkOptions(options, METRIC_OPTION_KEYS, 'SparseCategoricalAccuracy');
    super(undefined, options, 'sparse_categorical_accuracy');
  }

  protected override samples(yTrue: Tensor, yPred: Tensor): HostValues {
    const expected = yPred.shape.slice(0, -1);
    const labelsShape =
      yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? yTrue.shape.slice(0, -1) : [...yTrue.shape];
    if (yPred.rank < 2 || labelsShape.length !== expected.length || !labelsShape.every((d, i) => d === expected[i])) {
      throw new ShapeError(
        `${this.name}: yTrue shape ${formatShape(yTrue.shape)} does not fit yPred shape ${formatShape(yPred.shape)}; ` +
          `integer labels need shape ${formatShape(expected)} or ${formatShape([...expected, 1])}`,
      );
    }
    const cols = yPred.shape[yPred.rank - 1];
    const t = yTrue.dataSync();
    const p = argmaxRows(yPred.dataSync(), cols);
    const out = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) out[i] = t[i] === p[i] ? 1 : 0;
    return { data: out, shape: expected };
  }
}
