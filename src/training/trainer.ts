/**
 * What `compile` creates: the optimizer, the loss and the metrics of a model, and the two steps that
 * use them. A training step differentiates data loss plus every regularization penalty with respect to
 * the trainable weights, applies the optimizer, then projects constrained weights.
 */

import { valueAndGrads } from '../ops/autograd.js';
import { tidy } from '../engine/scope.js';
import { withRollback } from '../engine/variable.js';
import { noGrad } from '../engine/tape.js';
import type { Tensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import { InvalidArgumentError } from '../errors.js';
import { checkOptionKeys, optionKeys } from '../utils/option-keys.js';
import type { CallOptions } from '../layers/layer.js';
import { add, mul } from '../ops/elementwise.js';
import type { Logs } from './callbacks/index.js';
import type { Batch } from './data.js';
import type { Loss, LossIdentifier } from './losses/index.js';
import { getLoss } from './losses/index.js';
import type { MetricIdentifier } from './metrics/index.js';
import { Mean, Metric, resolveMetric } from './metrics/index.js';
import type { Optimizer, OptimizerIdentifier } from './optimizers/index.js';
import { getOptimizer } from './optimizers/index.js';

/** A loss for every output, or per output: an array in output order or an object by output name. */
export type LossSpec = LossIdentifier | readonly (LossIdentifier | null)[] | Readonly<Record<string, LossIdentifier | null>>;

/** Metrics: an array (one model output), or per output: an array of arrays or an object by output name. */
export type MetricsSpec = readonly MetricIdentifier[] | readonly (MetricIdentifier | readonly MetricIdentifier[] | null)[] | Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>;

/** `model.compile` options, Keras's arguments in camelCase. */
export interface CompileOptions {
  /** A Keras optimizer name or an object from `optimizers.*`; default 'rmsprop', as Keras. */
  optimizer?: OptimizerIdentifier;
  /**
   * A Keras loss name, an object from `losses.*`, or a function `(yTrue, yPred) => Tensor`; for a model of
   * several outputs one for all, or one per output (an array, or an object by output name; null: none).
   */
  loss: LossSpec;
  /** Scales each output's loss in the total (an array or an object by output name); default 1 each. */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
  /** Metric names ('accuracy', 'mse', 'mae', ...) or objects from `metrics.*` (per output for several); they ignore sample weights. */
  metrics?: MetricsSpec;
  /** Metrics computed with the sample (or class) weights, as Keras's `weighted_metrics`. */
  weightedMetrics?: MetricsSpec;
}

const COMPILE_OPTION_KEYS = optionKeys<CompileOptions>()(['optimizer', 'loss', 'lossWeights', 'metrics', 'weightedMetrics']);

/** What the trainer needs of a model; `Model` implements it. */
export interface TrainableModel {
  readonly name: string;
  readonly trainableWeights: Variable[];
  readonly losses: Tensor[];
  /** The names logs use for the outputs (the keys of a dict of outputs, else the output layers' names). */
  readonly outputKeys: readonly string[];
  /** Runs the model on one tensor per input; one tensor per output. */
  applyOutputs(inputs: readonly Tensor[], options: CallOptions): Tensor[];
  applyConstraints(): void;
}

/** Names whose meaning depends on the targets' shapes, so they resolve on the first batch. */
function resolvesFromShapes(identifier: unknown): boolean {
  return typeof identifier === 'string' && ['crossentropy', 'ce'].includes(identifier.toLowerCase());
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * One value per output from a spec given for all outputs (`single`), as an array in output order, or as an
 * object by output name (a missing name: `fallback`).
 */
function perOutput<T>(spec: unknown, keys: readonly string[], argument: string, context: string, isSingle: (v: unknown) => boolean, fallback: T | null): (T | null)[] {
  if (isSingle(spec)) return keys.map(() => spec as T);
  if (Array.isArray(spec)) {
    if (spec.length !== keys.length) {
      throw new InvalidArgumentError(argument, spec, `one entry per output (the model has ${keys.length}: ${keys.map((k) => `'${k}'`).join(', ')}), or an object by output name`, context);
    }
    return spec as (T | null)[];
  }
  if (isPlainObject(spec)) {
    const extra = Object.keys(spec).filter((k) => !keys.includes(k));
    if (extra.length > 0) throw new InvalidArgumentError(argument, Object.keys(spec), `an object keyed by output names ${keys.map((k) => `'${k}'`).join(', ')} (unknown: ${extra.join(', ')})`, context);
    return keys.map((k) => (k in spec ? (spec[k] as T | null) : fallback));
  }
  throw new InvalidArgumentError(argument, spec, `a value for all outputs, an array with one per output, or an object by output name`, context);
}

/** One output's part of the compiled training: its loss, weight and metrics, logged under `prefix`. */
interface Head {
  readonly prefix: string;
  readonly lossIdentifier: LossIdentifier | null;
  loss: Loss | null;
  readonly weight: number;
  readonly metricIdentifiers: readonly MetricIdentifier[];
  readonly weightedMetricIdentifiers: readonly MetricIdentifier[];
  /** Resolved on the first batch, with the names they log under. */
  metrics: { metric: Metric; name: string; weighted: boolean }[] | null;
  /** The output's unweighted loss, logged as `<output>_loss` when several outputs have a loss. */
  readonly tracker: Mean | null;
}

function identifierList(value: unknown, argument: string, context: string): MetricIdentifier[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return [...(value as MetricIdentifier[])];
  if (typeof value === 'string' || typeof value === 'function' || typeof value === 'object') return [value as MetricIdentifier];
  throw new InvalidArgumentError(argument, value, 'metric names or objects', context);
}

export class Trainer {
  readonly optimizer: Optimizer;
  /** The identifiers `compile` was given, kept for saving the compile config. */
  readonly lossIdentifier: LossSpec;
  readonly lossWeights: CompileOptions['lossWeights'];
  readonly metricIdentifiers: MetricsSpec;
  readonly weightedMetricIdentifiers: MetricsSpec;
  private readonly heads: Head[];
  private readonly lossTracker = new Mean({ name: 'loss' });

  constructor(
    private readonly model: TrainableModel,
    options: CompileOptions,
  ) {
    const context = `${model.name}.compile`;
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', options, 'an object with `loss` (and optionally `optimizer`, `metrics`)', context);
    }
    checkOptionKeys(options, COMPILE_OPTION_KEYS, context);
    if (options.loss === undefined || options.loss === null) {
      throw new InvalidArgumentError('loss', options.loss, 'a loss name, a Loss object or a function (it is required)', context);
    }
    const keys = model.outputKeys;
    const several = keys.length > 1;
    const isLoss = (v: unknown) => typeof v === 'string' || typeof v === 'function' || (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlainObject(v)) || (isPlainObject(v) && 'class_name' in v);
    const losses = perOutput<LossIdentifier>(options.loss, keys, 'loss', context, isLoss, null);
    if (losses.every((l) => l === null)) throw new InvalidArgumentError('loss', options.loss, 'a loss for at least one output', context);
    const weights = options.lossWeights === undefined ? keys.map(() => 1) : perOutput<number>(options.lossWeights, keys, 'lossWeights', context, () => false, 1);
    weights.forEach((w) => {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new InvalidArgumentError('lossWeights', options.lossWeights, 'finite numbers, one per output or by output name', context);
    });
    const metricLists = (spec: MetricsSpec | undefined, argument: string): MetricIdentifier[][] => {
      if (spec === undefined) return keys.map(() => []);
      if (!several) {
        if (!Array.isArray(spec)) throw new InvalidArgumentError(argument, spec, 'an array of metric names or objects', context);
        return [identifierList(spec, argument, context)];
      }
      if (!Array.isArray(spec) && !isPlainObject(spec)) throw new InvalidArgumentError(argument, spec, 'per output: an array with one entry (a metric or an array of them) per output, or an object by output name', context);
      return perOutput<unknown>(spec, keys, argument, context, () => false, null).map((v) => identifierList(v, argument, context));
    };
    // Keras's CompileLoss tracks each output's loss only when more than one output has a loss.
    const trackEach = losses.filter((l) => l !== null).length > 1;
    const metrics = metricLists(options.metrics, 'metrics');
    const weightedMetrics = metricLists(options.weightedMetrics, 'weightedMetrics');
    // Resolve everything once now, so a bad name fails at compile rather than in the first batch.
    this.optimizer = getOptimizer(options.optimizer ?? 'rmsprop');
    this.heads = keys.map((key, i) => {
      const identifier = losses[i];
      const loss = identifier === null || resolvesFromShapes(identifier) ? null : getLoss(identifier);
      for (const m of [...metrics[i], ...weightedMetrics[i]]) resolveMetric(m, { loss: identifier ?? undefined });
      return {
        prefix: several ? `${key}_` : '',
        lossIdentifier: identifier,
        loss,
        weight: weights[i] as number,
        metricIdentifiers: metrics[i],
        weightedMetricIdentifiers: weightedMetrics[i],
        metrics: null,
        tracker: trackEach && identifier !== null ? new Mean({ name: `${key}_loss` }) : null,
      };
    });
    this.lossIdentifier = options.loss;
    this.lossWeights = options.lossWeights;
    this.metricIdentifiers = options.metrics ?? [];
    this.weightedMetricIdentifiers = options.weightedMetrics ?? [];
  }

  /** The loss and metrics of a head, resolved against the first batch's shapes (Keras picks 'accuracy' variants so). */
  private prepare(head: Head, y: Tensor, yPred: Tensor): Loss | null {
    const context = { yTrueShape: y.shape, yPredShape: yPred.shape };
    if (head.lossIdentifier !== null) head.loss ??= getLoss(head.lossIdentifier, context);
    if (head.metrics === null) {
      const resolve = { ...context, loss: head.lossIdentifier ?? undefined };
      const plain = head.metricIdentifiers.map((m) => resolveMetric(m, resolve));
      const taken = new Set(plain.map((m) => m.name));
      // Keras logs a weighted metric whose name an unweighted one already has as 'weighted_<name>'.
      const weighted = head.weightedMetricIdentifiers.map((m) => resolveMetric(m, resolve, 'weightedMetrics'));
      head.metrics = [
        ...plain.map((metric) => ({ metric, name: head.prefix + metric.name, weighted: false })),
        ...weighted.map((metric) => ({ metric, name: head.prefix + (taken.has(metric.name) ? `weighted_${metric.name}` : metric.name), weighted: true })),
      ];
    }
    return head.loss;
  }

  /** The weighted sum of the outputs' losses, and each output's own (unweighted) loss. */
  private dataLoss(y: readonly Tensor[], yPred: readonly Tensor[], sampleWeight: readonly Tensor[] | undefined): { total: Tensor; parts: (Tensor | null)[] } {
    if (yPred.length !== this.heads.length) throw new InvalidArgumentError('model', this.model.name, `${this.heads.length} outputs as compiled, but it gave ${yPred.length}`, `${this.model.name}.fit`);
    let total: Tensor | null = null;
    const parts = this.heads.map((head, i) => {
      const loss = this.prepare(head, y[i], yPred[i]);
      if (loss === null) return null;
      const part = loss.call(y[i], yPred[i], sampleWeight?.[i]);
      const scaled = head.weight === 1 ? part : mul(part, head.weight);
      total = total === null ? scaled : add(total, scaled);
      return part;
    });
    return { total: total as unknown as Tensor, parts };
  }

  /**
   * One optimizer step on a batch; returns the running logs of the epoch so far. A step that throws (bad
   * labels, a loss that does not fit the output) leaves every variable as it was.
   */
  trainStep({ x, y, sampleWeight }: Batch): Logs {
    // The step's activations, gradients and replaced weight values are freed when it ends.
    tidy(() =>
      withRollback(() => {
        const params = this.model.trainableWeights;
        let predictions: Tensor[] = [];
        let parts: (Tensor | null)[] = [];
        const { value, grads } = valueAndGrads(() => {
          predictions = this.model.applyOutputs(x, { training: true });
          const data = this.dataLoss(y, predictions, sampleWeight);
          parts = data.parts;
          return this.model.losses.reduce((total, penalty) => add(total, penalty), data.total);
        }, params);
        // Metrics read the step's prediction, made before the update (as Keras's train_step does); recording
        // first means a metric that refuses the batch throws before any weight moved.
        this.record(value, parts, y, predictions, sampleWeight);
        this.optimizer.applyGradients(grads.map((g, i) => [g, params[i]] as const));
        this.model.applyConstraints();
      }),
    );
    return this.results();
  }

  /** Loss and metrics on a batch in inference mode, accumulated into the running logs. */
  testStep({ x, y, sampleWeight }: Batch): Logs {
    tidy(() =>
      noGrad(() => {
        const predictions = this.model.applyOutputs(x, { training: false });
        const data = this.dataLoss(y, predictions, sampleWeight);
        this.record(this.model.losses.reduce((total, penalty) => add(total, penalty), data.total), data.parts, y, predictions, sampleWeight);
      }),
    );
    return this.results();
  }

  private record(loss: Tensor, parts: readonly (Tensor | null)[], y: readonly Tensor[], yPred: readonly Tensor[], sampleWeight: readonly Tensor[] | undefined): void {
    // Keras weights each batch's loss by its size, so a short last batch counts proportionally.
    const samples = y[0].shape[0];
    this.lossTracker.updateState([loss.item()], [samples]);
    this.heads.forEach((head, i) => {
      const part = parts[i];
      if (head.tracker !== null && part !== null) head.tracker.updateState([part.item()], [samples]);
      // As Keras's CompileMetrics: `metrics` ignore sample weights, `weightedMetrics` use them.
      for (const { metric, weighted } of head.metrics ?? []) metric.updateState(y[i], yPred[i], weighted ? sampleWeight?.[i] : undefined);
    });
  }

  resetMetrics(): void {
    this.lossTracker.resetState();
    for (const head of this.heads) {
      head.tracker?.resetState();
      for (const { metric } of head.metrics ?? []) metric.resetState();
    }
  }

  /** `{ loss, <output>_loss..., <metric>: value, ... }` averaged over the batches since the last reset. */
  results(): Logs {
    const logs: Logs = { loss: this.lossTracker.result() };
    for (const head of this.heads) if (head.tracker !== null) logs[head.tracker.name] = head.tracker.result();
    for (const head of this.heads) for (const { metric, name } of head.metrics ?? []) logs[name] = metric.result();
    return logs;
  }

  /**
   * The names the logs will carry, known before the first batch (string and Metric-object metrics name
   * themselves without data); null when a metric's name is only known once it is resolved.
   */
  plannedMetricNames(): string[] | null {
    const names = ['loss'];
    for (const head of this.heads) if (head.tracker !== null) names.push(head.tracker.name);
    const nameOf = (m: MetricIdentifier): string | null => (typeof m === 'string' ? m : m instanceof Metric ? m.name : null);
    for (const head of this.heads) {
      if (head.metrics !== null) {
        names.push(...head.metrics.map((m) => m.name));
        continue;
      }
      const plain = head.metricIdentifiers.map(nameOf);
      const weighted = head.weightedMetricIdentifiers.map(nameOf);
      if ([...plain, ...weighted].includes(null)) return null;
      const taken = new Set(plain);
      names.push(...plain.map((n) => head.prefix + n), ...weighted.map((n) => head.prefix + (taken.has(n) ? `weighted_${n}` : n)));
    }
    return names;
  }

  /** Names of the logged values, in Keras's order (loss, each output's loss, then metrics), once resolved. */
  metricNames(): string[] {
    return Object.keys(this.results());
  }
}
