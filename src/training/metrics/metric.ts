/**
 * Metric base classes: `Metric` (the `(yTrue, yPred)` contract `fit` drives), `Mean` (a weighted running
 * mean of values, for the running loss) and `MeanMetricWrapper` (a per-sample function averaged over every
 * sample seen). State lives in plain float64 numbers and work happens on typed arrays: no autograd.
 */

import { formatShape, sizeOf } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { isTensor, tensor } from '../../engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Config, SerializedKerasObject } from '../../serialization/keras-object.js';
import { serializeKerasObject } from '../../serialization/keras-object.js';
import { broadcastTo } from '../../ops/index.js';
import { alignedShapes } from '../losses/loss.js';
import { checkOptions, optionKeys } from '../../utils/option-keys.js';

/** The `module` Keras 3 writes in a serialized metric. */
export const METRICS_MODULE = 'keras.metrics';

/** Per-sample weights: a tensor or plain numbers (`[N]`, or `[N, 1]` as a tensor). */
export type SampleWeight = Tensor | readonly number[];

/** Values on the host: row-major data and its shape. */
export interface HostValues {
  data: Float64Array;
  shape: readonly number[];
}

export interface MetricOptions {
  /** The name the metric logs under; each class defaults to Keras's snake_case class name. */
  name?: string;
}

/** The keys of {@link MetricOptions}: what every metric without options of its own takes. */
export const METRIC_OPTION_KEYS = optionKeys<MetricOptions>()(['name']);

export function hostValues(t: Tensor): HostValues {
  return { data: Float64Array.from(t.dataSync()), shape: t.shape };
}

export function validateMetricName(value: unknown, fallback: string, context: string): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || value.length === 0) throw new InvalidArgumentError('name', value, 'a non-empty string', context);
  return value;
}

/** Means over all axes from `keep` on, leaving shape `shape.slice(0, keep)` (row-major makes this one pass). */
function meanTrailing(v: HostValues, keep: number): HostValues {
  if (v.shape.length <= keep) return v;
  const outShape = v.shape.slice(0, keep);
  const rows = sizeOf(outShape);
  const cols = rows === 0 ? 0 : v.data.length / rows;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += v.data[r * cols + c];
    out[r] = s / cols;
  }
  return { data: out, shape: outShape };
}

function toHostWeight(sampleWeight: SampleWeight, context: string): HostValues {
  if (isTensor(sampleWeight)) return hostValues(sampleWeight);
  if (Array.isArray(sampleWeight) && sampleWeight.every((v) => typeof v === 'number')) {
    return { data: Float64Array.from(sampleWeight), shape: [sampleWeight.length] };
  }
  throw new InvalidArgumentError('sampleWeight', sampleWeight, 'a Tensor or an array of numbers', context);
}

/**
 * Keras's `reduce_to_samplewise_values` with `mean`: per-sample values (means over non-batch axes), each
 * multiplied by its weight, and the weights as they count towards the running count.
 */
export function reduceToSamplewise(
  values: HostValues,
  sampleWeight: SampleWeight | undefined | null,
  context: string,
): { values: HostValues; weights?: HostValues } {
  let v = values;
  let weights: HostValues | undefined;
  if (sampleWeight !== undefined && sampleWeight !== null) {
    const w0 = toHostWeight(sampleWeight, context);
    const [vs, ws] = alignedShapes(v.shape, w0.shape);
    v = { data: v.data, shape: vs };
    let w: HostValues = { data: w0.data, shape: ws };
    if (v.shape.length > w.shape.length) v = meanTrailing(v, w.shape.length);
    if (w.shape.length > v.shape.length || !w.shape.every((d, i) => d === v.shape[i] || d === 1)) {
      throw new ShapeError(
        `${context}: sampleWeight shape ${formatShape(w0.shape)} does not fit the per-sample values of shape ${formatShape(values.shape)}`,
      );
    }
    if (!w.shape.every((d, i) => d === v.shape[i])) {
      w = hostValues(broadcastTo(tensor(w.data, w.shape, 'float64'), v.shape));
    }
    const weighted = new Float64Array(v.data.length);
    for (let i = 0; i < weighted.length; i++) weighted[i] = v.data[i] * w.data[i];
    v = { data: weighted, shape: v.shape };
    weights = meanTrailing(w, 1);
  }
  return { values: meanTrailing(v, 1), weights };
}

/**
 * Base class of the metrics `fit` updates with each batch, as `keras.metrics.Metric`.
 *
 * @example
 * ```ts
 * const m = new BinaryAccuracy();
 * m.updateState(tensor([[1], [0]]), tensor([[0.8], [0.6]]));
 * m.result(); // 0.5
 * m.resetState();
 * ```
 */
export abstract class Metric {
  /** The Keras class name written as `class_name` when serialized. */
  abstract readonly className: string;
  /** The name this metric logs under (e.g. `'accuracy'`, `'mse'`). */
  readonly name: string;

  constructor(defaultName: string, options: MetricOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', options, 'an options object', defaultName);
    }
    this.name = validateMetricName(options.name, defaultName, defaultName);
  }

  /** Accumulates one batch. */
  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight | null): void;

  /** The metric over everything accumulated since the last reset (0 before any update, as Keras). */
  abstract result(): number;

  /** Forgets everything accumulated. */
  abstract resetState(): void;

  /** The name the library used before Keras's `updateState`; the same method. */
  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight | null): void {
    this.updateState(yTrue, yPred, sampleWeight);
  }

  /** The name the library used before Keras's `resetState`; the same method. */
  reset(): void {
    this.resetState();
  }

  /**
   * Keras's config. `dtype` is Keras's default floatx, written for compatibility; we accumulate in float64
   * whatever the inputs' dtype.
   */
  getConfig(): Config {
    return { name: this.name, dtype: 'float32' };
  }

  /** Keras 3's serialized form, `{ module: 'keras.metrics', class_name, config, registered_name: null }`. */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(METRICS_MODULE, this.className, this.getConfig());
  }
}

/** A weighted running mean: `sum(w·v) / sum(w)`, with Keras's `divide_no_nan` (0 when nothing counted). */
class RunningMean {
  total = 0;
  count = 0;

  add(values: HostValues, weights: HostValues | undefined): void {
    for (const v of values.data) this.total += v;
    if (weights) for (const w of weights.data) this.count += w;
    else this.count += values.shape.length >= 1 ? values.shape[0] : 1;
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }
}

/**
 * The (weighted) mean of all values given to `updateState`, as `keras.metrics.Mean`; `fit` tracks the running
 * loss with one. A value of rank > 1 counts as one sample per row (its mean over the other axes).
 *
 * Unlike the other metrics it takes values, not `(yTrue, yPred)`, so it is not a `Metric`.
 *
 * @example
 * ```ts
 * const m = new Mean();
 * m.updateState([1, 2, 3]);
 * m.updateState(5);
 * m.result(); // 2.75
 * ```
 */
export class Mean {
  readonly className = 'Mean';
  readonly name: string;
  private readonly state = new RunningMean();

  constructor(options: MetricOptions = {}) {
    checkOptions(options, METRIC_OPTION_KEYS, 'Mean');
    this.name = validateMetricName(options.name, 'mean', 'Mean');
  }

  /** Adds values (a tensor, a number or numbers) with optional per-sample weights. */
  updateState(values: Tensor | number | readonly number[], sampleWeight?: SampleWeight | null): void {
    let host: HostValues;
    if (isTensor(values)) host = hostValues(values);
    else if (typeof values === 'number') host = { data: Float64Array.of(values), shape: [] };
    else if (Array.isArray(values) && values.every((v) => typeof v === 'number')) {
      host = { data: Float64Array.from(values), shape: [values.length] };
    } else throw new InvalidArgumentError('values', values, 'a Tensor, a number or an array of numbers', this.name);
    const reduced = reduceToSamplewise(host, sampleWeight, this.name);
    this.state.add(reduced.values, reduced.weights);
  }

  result(): number {
    return this.state.result();
  }

  resetState(): void {
    this.state.reset();
  }

  /** The name the library used before Keras's `updateState`; the same method. */
  update(values: Tensor | number | readonly number[], sampleWeight?: SampleWeight | null): void {
    this.updateState(values, sampleWeight);
  }

  /** The name the library used before Keras's `resetState`; the same method. */
  reset(): void {
    this.resetState();
  }

  getConfig(): Config {
    return { name: this.name, dtype: 'float32' };
  }

  serialize(): SerializedKerasObject {
    return serializeKerasObject(METRICS_MODULE, this.className, this.getConfig());
  }
}

/** A metric written as a function: per-sample values from `(yTrue, yPred)`. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/**
 * The mean over all samples of a per-sample function, as `keras.metrics.MeanMetricWrapper`; every built-in
 * metric here is one. Give it a function to make a custom metric (named after the function).
 *
 * @example
 * ```ts
 * const maxError = new MeanMetricWrapper(function max_error(t, p) { return ops.max(ops.abs(ops.sub(t, p)), { axis: -1 }); });
 * ```
 */
export class MeanMetricWrapper extends Metric {
  readonly className: string = 'MeanMetricWrapper';
  private readonly state = new RunningMean();
  private readonly fn: MetricFn | undefined;

  constructor(fn?: MetricFn, options: MetricOptions = {}, defaultName?: string) {
    if (fn !== undefined && typeof fn !== 'function') {
      throw new InvalidArgumentError('fn', fn, 'a function (yTrue, yPred) => Tensor', 'MeanMetricWrapper');
    }
    // Built directly it takes only the name; a subclass (BinaryAccuracy...) checks its own wider options.
    if (new.target === MeanMetricWrapper) checkOptions(options, METRIC_OPTION_KEYS, 'MeanMetricWrapper');
    super(defaultName ?? (fn?.name || 'mean_metric_wrapper'), options);
    this.fn = fn;
  }

  /** The per-sample values of one batch; subclasses compute theirs on typed arrays. */
  protected samples(yTrue: Tensor, yPred: Tensor): HostValues {
    if (!this.fn) throw new Error(`${this.className} must override samples()`);
    const out: unknown = this.fn(yTrue, yPred);
    if (!isTensor(out)) throw new InvalidArgumentError('fn', out, 'a metric function returning a Tensor', this.name);
    return hostValues(out);
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: SampleWeight | null): void {
    assertMetricInputs(yTrue, yPred, this.name);
    const reduced = reduceToSamplewise(this.samples(yTrue, yPred), sampleWeight, this.name);
    this.state.add(reduced.values, reduced.weights);
  }

  result(): number {
    return this.state.result();
  }

  resetState(): void {
    this.state.reset();
  }
}

/** Both tensors, with a batch axis of equal size. */
export function assertMetricInputs(yTrue: unknown, yPred: unknown, context: string): asserts yTrue is Tensor {
  if (!isTensor(yTrue)) throw new InvalidArgumentError('yTrue', yTrue, 'a Tensor', context);
  if (!isTensor(yPred)) throw new InvalidArgumentError('yPred', yPred, 'a Tensor', context);
  if (yTrue.rank === 0 || yPred.rank === 0) {
    throw new ShapeError(
      `${context}: yTrue and yPred need a batch axis; got yTrue shape ${formatShape(yTrue.shape)} and yPred shape ${formatShape(yPred.shape)}`,
    );
  }
  if (yTrue.shape[0] !== yPred.shape[0]) {
    throw new ShapeError(
      `${context}: yTrue has batch size ${yTrue.shape[0]} but yPred has ${yPred.shape[0]} ` +
        `(yTrue shape ${formatShape(yTrue.shape)}, yPred shape ${formatShape(yPred.shape)})`,
    );
  }
}

/** Keras's rank alignment, then equal shapes required (see `alignSameShape` in the losses). */
export function alignHostShapes(yTrue: Tensor, yPred: Tensor, context: string): readonly number[] {
  const [t, p] = alignedShapes(yTrue.shape, yPred.shape);
  if (t.length !== p.length || !t.every((d, i) => d === p[i])) {
    throw new ShapeError(
      `${context}: yTrue shape ${formatShape(yTrue.shape)} does not match yPred shape ${formatShape(yPred.shape)}; ` +
        'they must be equal (a trailing axis of size 1 on either side is tolerated)',
    );
  }
  return p;
}
