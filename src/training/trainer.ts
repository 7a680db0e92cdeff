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
import { add } from '../ops/elementwise.js';
import type { Logs } from './callbacks/index.js';
import type { Batch } from './data.js';
import type { Loss, LossIdentifier } from './losses/index.js';
import { getLoss } from './losses/index.js';
import type { Metric, MetricIdentifier } from './metrics/index.js';
import { Mean, resolveMetric } from './metrics/index.js';
import type { Optimizer, OptimizerIdentifier } from './optimizers/index.js';
import { getOptimizer } from './optimizers/index.js';

/** `model.compile` options, Keras's arguments in camelCase. */
export interface CompileOptions {
  /** A Keras optimizer name or an object from `optimizers.*`; default 'rmsprop', as Keras. */
  optimizer?: OptimizerIdentifier;
  /** A Keras loss name, an object from `losses.*`, or a function `(yTrue, yPred) => Tensor`. */
  loss: LossIdentifier;
  /** Metric names ('accuracy', 'mse', 'mae', ...) or objects from `metrics.*`; they ignore sample weights. */
  metrics?: readonly MetricIdentifier[];
  /** Metrics computed with the sample (or class) weights, as Keras's `weighted_metrics`. */
  weightedMetrics?: readonly MetricIdentifier[];
}

const COMPILE_OPTION_KEYS = optionKeys<CompileOptions>()(['optimizer', 'loss', 'metrics', 'weightedMetrics']);

/** What the trainer needs of a model; `Model` implements it. */
export interface TrainableModel {
  readonly name: string;
  readonly trainableWeights: Variable[];
  readonly losses: Tensor[];
  apply(x: Tensor, options?: CallOptions): Tensor;
  applyConstraints(): void;
}

/** Names whose meaning depends on the targets' shapes, so they resolve on the first batch. */
function resolvesFromShapes(identifier: unknown): boolean {
  return typeof identifier === 'string' && ['crossentropy', 'ce'].includes(identifier.toLowerCase());
}

export class Trainer {
  readonly optimizer: Optimizer;
  /** The identifiers `compile` was given, kept for saving the compile config. */
  readonly lossIdentifier: LossIdentifier;
  private loss: Loss | null;
  readonly metricIdentifiers: readonly MetricIdentifier[];
  private metrics: Metric[] | null = null;
  readonly weightedMetricIdentifiers: readonly MetricIdentifier[];
  private weightedMetrics: Metric[] | null = null;
  private readonly lossTracker = new Mean({ name: 'loss' });

  constructor(
    private readonly model: TrainableModel,
    options: CompileOptions,
  ) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('options', options, 'an object with `loss` (and optionally `optimizer`, `metrics`)', `${model.name}.compile`);
    }
    checkOptionKeys(options, COMPILE_OPTION_KEYS, `${model.name}.compile`);
    if (options.loss === undefined || options.loss === null) {
      throw new InvalidArgumentError('loss', options.loss, 'a loss name, a Loss object or a function (it is required)', `${model.name}.compile`);
    }
    const metrics = options.metrics ?? [];
    if (!Array.isArray(metrics)) throw new InvalidArgumentError('metrics', metrics, 'an array of metric names or objects', `${model.name}.compile`);
    const weightedMetrics = options.weightedMetrics ?? [];
    if (!Array.isArray(weightedMetrics)) {
      throw new InvalidArgumentError('weightedMetrics', weightedMetrics, 'an array of metric names or objects', `${model.name}.compile`);
    }
    // Resolve everything once now, so a bad name fails at compile rather than in the first batch.
    this.optimizer = getOptimizer(options.optimizer ?? 'rmsprop');
    this.loss = resolvesFromShapes(options.loss) ? null : getLoss(options.loss);
    for (const m of [...metrics, ...weightedMetrics]) resolveMetric(m, { loss: options.loss });
    this.lossIdentifier = options.loss;
    this.metricIdentifiers = metrics;
    this.weightedMetricIdentifiers = weightedMetrics;
  }

  /** The loss and metrics, resolved against the first batch's shapes (Keras picks 'accuracy' variants so). */
  private prepare(y: Tensor, yPred: Tensor): Loss {
    const context = { yTrueShape: y.shape, yPredShape: yPred.shape };
    this.loss ??= getLoss(this.lossIdentifier, context);
    this.metrics ??= this.metricIdentifiers.map((m) => resolveMetric(m, { ...context, loss: this.lossIdentifier }));
    if (this.weightedMetrics === null) {
      const taken = new Set(this.metrics.map((m) => m.name));
      // Keras logs a weighted metric whose name an unweighted one already has as 'weighted_<name>'.
      this.weightedMetrics = this.weightedMetricIdentifiers.map((m) => {
        const metric = resolveMetric(m, { ...context, loss: this.lossIdentifier });
        return taken.has(metric.name) ? resolveMetric(m, { ...context, loss: this.lossIdentifier }, 'weightedMetrics', `weighted_${metric.name}`) : metric;
      });
    }
    return this.loss;
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
        let prediction: Tensor | null = null;
        const { value, grads } = valueAndGrads(() => {
          const yPred = this.model.apply(x, { training: true });
          prediction = yPred;
          const dataLoss = this.prepare(y, yPred).call(y, yPred, sampleWeight);
          return this.model.losses.reduce((total, penalty) => add(total, penalty), dataLoss);
        }, params);
        // Metrics read the step's prediction, made before the update (as Keras's train_step does); recording
        // first means a metric that refuses the batch throws before any weight moved.
        this.record(value, y, prediction as unknown as Tensor, sampleWeight);
        this.optimizer.applyGradients(grads.map((g, i) => [g, params[i]] as const));
        this.model.applyConstraints();
      }),
    );
    return this.results();
  }

  /** Loss and metrics on a batch in inference mode, accumulated into the running logs. */
  testStep({ x, y, sampleWeight }: Batch): Logs {
    tidy(() => noGrad(() => {
      const yPred = this.model.apply(x, { training: false });
      const dataLoss = this.prepare(y, yPred).call(y, yPred, sampleWeight);
      this.record(this.model.losses.reduce((total, penalty) => add(total, penalty), dataLoss), y, yPred, sampleWeight);
    }));
    return this.results();
  }

  private record(loss: Tensor, y: Tensor, yPred: Tensor, sampleWeight: Tensor | undefined): void {
    // Keras weights each batch's loss by its size, so a short last batch counts proportionally.
    this.lossTracker.updateState([loss.item()], [y.shape[0]]);
    // As Keras's CompileMetrics: `metrics` ignore sample weights, `weightedMetrics` use them.
    for (const metric of this.metrics ?? []) metric.updateState(y, yPred);
    for (const metric of this.weightedMetrics ?? []) metric.updateState(y, yPred, sampleWeight);
  }

  resetMetrics(): void {
    this.lossTracker.resetState();
    for (const metric of [...(this.metrics ?? []), ...(this.weightedMetrics ?? [])]) metric.resetState();
  }

  /** `{ loss, <metric>: value, ... }` averaged over the batches since the last reset. */
  results(): Logs {
    const logs: Logs = { loss: this.lossTracker.result() };
    for (const metric of [...(this.metrics ?? []), ...(this.weightedMetrics ?? [])]) logs[metric.name] = metric.result();
    return logs;
  }

  /** Names of the logged values, in order (loss, then metrics), once the metrics are resolved. */
  metricNames(): string[] {
    return ['loss', ...[...(this.metrics ?? []), ...(this.weightedMetrics ?? [])].map((m) => m.name)];
  }
}
