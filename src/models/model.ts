/** What Sequential and functional models share: layers, weights, prediction and the summary. */

import type { Tensor } from '../engine/tensor.js';
import { isTensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import { bytesPerElement, isFloatDType } from '../engine/dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { CallOptions, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import type { Config } from '../serialization/keras-object.js';
import { Layer } from '../layers/layer.js';
import { formatShape } from '../engine/shape.js';
import { tidy } from '../engine/scope.js';
import { concat } from '../ops/concat.js';
import { slice } from '../ops/slice.js';
import { noGrad } from '../engine/tape.js';
import { renderSummary } from './summary.js';
import type { History, Logs } from '../training/callbacks/index.js';
import { CallbackList } from '../training/callbacks/index.js';
import type { BatchSource, DataLike, Dataset } from '../training/data.js';
import { ArraySource, DatasetSource, isDataset } from '../training/data.js';
import { fitSources, inMemoryBatch } from './fit-data.js';
import { evaluateLoop, fitLoop, resolveVerbose } from '../training/loops.js';
import type { Optimizer } from '../training/optimizers/index.js';
import type { LossIdentifier } from '../training/losses/index.js';
import type { MetricIdentifier } from '../training/metrics/index.js';
import { runAsync, runSync } from '../training/run.js';
import type { CompileOptions } from '../training/trainer.js';
import { Trainer } from '../training/trainer.js';
import type { BatchOptions, EvaluateOptions, FitOptions } from './training-options.js';
import { BATCH_OPTION_KEYS, checkCallbacks, EVALUATE_OPTION_KEYS, TEST_BATCH_OPTION_KEYS, FIT_OPTION_KEYS, optionalSteps, positiveInteger } from './training-options.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import type { ParamTally, SummaryRow } from './summary.js';

export interface PredictOptions {
  /** Samples per forward pass (default 32), as Keras's `batch_size`. */
  batchSize?: number;
}

const PREDICT_OPTION_KEYS = optionKeys<PredictOptions>()(['batchSize']);

export interface SummaryOptions {
  /** Where lines go; `console.log` by default. */
  printFn?: (line: string) => void;
  /** Total width of the table (Keras's `line_length`). */
  lineLength?: number;
}

const SUMMARY_OPTION_KEYS = optionKeys<SummaryOptions>()(['printFn', 'lineLength']);

/**
 * How a model reaches the file formats, which live in io/ above models/ (io builds models from configs, so
 * models cannot import it). io installs its functions here when the package loads; a model asks for them
 * only when it is saved, loaded into or serialized.
 */
export interface ModelPersistence {
  /** Keras's inner model config (`model.get_config()`). */
  modelConfig(model: Model): Config;
  saveModel(model: Model, path: string): Promise<void>;
  saveWeights(model: Model, path: string): Promise<void>;
  loadWeights(model: Model, path: string): Promise<void>;
}

let installed: ModelPersistence | null = null;

/** Called once by io/ as the package loads. */
export function installModelPersistence(persistence: ModelPersistence): void {
  installed = persistence;
}

/** The installed functions, or a clear error when the package was not loaded from its index. */
export function modelPersistence(): ModelPersistence {
  if (installed === null) {
    throw new Error("depthwise: saving and model configs need the io layer; import the package from its index ('depthwise')");
  }
  return installed;
}

export abstract class Model extends Layer {
  /** As Keras's functional models: each layer casts its own inputs, the model does not. */
  protected override readonly autocastInputs: boolean = false;
  /** The layers in order of execution (a Sequential model's InputLayer excluded, as in Keras). */
  abstract get layers(): Layer[];

  /** The model's symbolic input, once it is known. */
  abstract get input(): SymbolicTensor | null;

  /** The model's symbolic output, once it is known. */
  abstract get output(): SymbolicTensor | null;

  /** Rows of the summary table: one per layer, with its output shape. */
  protected abstract summaryRows(): SummaryRow[];

  /** Every layer's weights, layer by layer (Keras's order; a shared layer's weights once). */
  override get weights(): Variable[] {
    return [...new Set(this.layers.flatMap((l) => l.weights))];
  }

  override get trainableWeights(): Variable[] {
    return this.weights.filter((w) => w.trainable);
  }

  override get nonTrainableWeights(): Variable[] {
    return this.weights.filter((w) => !w.trainable);
  }

  override get trainable(): boolean {
    return super.trainable;
  }

  /** Freezes or unfreezes every layer, as Keras's `model.trainable = false`. */
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /** Every layer's activity penalties, then every weight penalty (Keras's order). */
  override get losses(): Tensor[] {
    return [...this.layers.flatMap((l) => l.activityPenalties()), ...this.layers.flatMap((l) => l.weightPenalties())];
  }

  override applyConstraints(): void {
    for (const layer of this.layers) layer.applyConstraints();
  }

  override countParams(): number {
    if (!this.built) {
      throw new ShapeError(`model '${this.name}' is not built yet, so its parameter count is unknown; give it an input shape or call it on data first`);
    }
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** The layer with this name. */
  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) {
      throw new InvalidArgumentError('name', name, `the name of a layer of model '${this.name}': ${this.layers.map((l) => `'${l.name}'`).join(', ')}`);
    }
    return layer;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    let shape: (number | null)[] = [...inputShape];
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /**
   * Runs the model on `x` in batches (inference mode) and returns the concatenated outputs.
   *
   * @example
   * ```ts
   * const y = model.predict(tensor(images, [100, 28, 28, 1]), { batchSize: 50 });
   * ```
   */
  predict(x: Tensor, options: PredictOptions = {}): Tensor {
    if (!isTensor(x)) throw new InvalidArgumentError('x', x, 'a Tensor', `${this.name}.predict`);
    if (!isFloatDType(x.dtype)) throw new InvalidArgumentError('x', x.dtype, 'a float32 or float64 tensor', `${this.name}.predict`);
    checkOptions(options, PREDICT_OPTION_KEYS, `${this.name}.predict`);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError('batchSize', options.batchSize, 'a positive integer', `${this.name}.predict`);
    }
    if (x.rank === 0) throw new ShapeError(`${this.name}.predict: x must have a batch axis, got shape ${formatShape(x.shape)}`);
    const n = x.shape[0];
    // Each batch runs in a scope that frees its intermediate activations as soon as it is done.
    return noGrad(() => {
      if (n <= batchSize) return tidy(() => this.apply(x, { training: false }));
      return tidy(() => {
        const parts: Tensor[] = [];
        const rest = x.shape.slice(1);
        for (let start = 0; start < n; start += batchSize) {
          const count = Math.min(batchSize, n - start);
          const batch = slice(x, [start, ...rest.map(() => 0)], [count, ...rest]);
          parts.push(tidy(() => this.apply(batch, { training: false })));
        }
        return concat(parts, 0);
      });
    });
  }

  /**
   * Prints Keras's summary table: each layer's name and class, output shape and parameter count, then the
   * totals.
   *
   * @example
   * ```ts
   * model.summary();
   * ```
   */
  summary(options: SummaryOptions = {}): void {
    checkOptions(options, SUMMARY_OPTION_KEYS, `${this.name}.summary`);
    const print = options.printFn ?? ((line: string) => console.log(line));
    const lines = renderSummary({
      modelName: this.name,
      rows: this.summaryRows(),
      trainable: tally(this.trainableWeights),
      nonTrainable: tally(this.nonTrainableWeights),
      lineLength: options.lineLength,
    });
    for (const line of lines) print(line);
  }

  protected abstract override call(x: Tensor, options: CallOptions): Tensor;

  // ---- Training (Keras's compile / fit / evaluate / train_on_batch / test_on_batch) ----

  /** Set by callbacks (EarlyStopping, TerminateOnNaN) to end `fit` after the current batch or epoch. */
  stopTraining = false;
  private trainer: Trainer | null = null;

  /** The loss and metric identifiers given to `compile`, or null before it (saved as Keras's compile_config). */
  get compiledWith(): { loss: LossIdentifier; metrics: readonly MetricIdentifier[] } | null {
    return this.trainer ? { loss: this.trainer.lossIdentifier, metrics: this.trainer.metricIdentifiers } : null;
  }

  /** The compiled optimizer, or null before `compile`. */
  get optimizer(): Optimizer | null {
    return this.trainer?.optimizer ?? null;
  }

  /**
   * Configures training: the optimizer, the loss and the metrics (Keras's `compile`). Names are resolved
   * now, so a typo fails here.
   *
   * @example
   * ```ts
   * model.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
   * ```
   */
  compile(options: CompileOptions): void {
    this.trainer = new Trainer(this, options);
  }

  private requireTrainer(method: string): Trainer {
    if (!this.trainer) {
      throw new InvalidArgumentError('model', this.name, `a compiled model: call model.compile({ optimizer, loss, metrics }) before ${method}()`, `${this.name}.${method}`);
    }
    return this.trainer;
  }

  /**
   * Trains for `epochs` on in-memory data and returns the History (synchronously, as Keras's `fit`); for a
   * dataset (an iterable or async iterable of `[x, y]` batches) it returns a Promise of the History.
   *
   * @example
   * ```ts
   * const history = model.fit(x, y, { epochs: 5, batchSize: 64, validationSplit: 0.2 });
   * history.history.val_loss;
   * ```
   */
  fit(x: DataLike, y: DataLike, options?: FitOptions): History;
  fit(dataset: Dataset, options?: FitOptions): Promise<History>;
  fit(first: DataLike | Dataset, second?: DataLike | FitOptions, third?: FitOptions): History | Promise<History> {
    const context = `${this.name}.fit`;
    const trainer = this.requireTrainer('fit');
    const dataset = isDataset(first);
    const options = ((dataset ? second : third) ?? {}) as FitOptions;
    checkOptions(options, FIT_OPTION_KEYS, context);
    const epochs = positiveInteger(options.epochs, 'epochs', 1, context);
    const initialEpoch = options.initialEpoch ?? 0;
    if (!Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch >= epochs) {
      throw new InvalidArgumentError('initialEpoch', options.initialEpoch, `an integer in [0, epochs) = [0, ${epochs})`, context);
    }
    const callbacks = checkCallbacks(options.callbacks, context);
    const data = dataset ? { dataset: first } : { x: first as DataLike, y: second as DataLike };
    const { training, validation } = fitSources(data, options, this.input?.shape ?? null, context);
    const loop = fitLoop(this, trainer, training, { epochs, initialEpoch, verbose: options.verbose ?? 'auto', callbacks, validation });
    return dataset ? runAsync(loop) : runSync(loop);
  }

  /**
   * Loss (and metrics) on data in inference mode: a number when no metrics are compiled, else
   * `[loss, ...metrics]`, as Keras. For a dataset, a Promise of the same.
   *
   * @example
   * ```ts
   * const [loss, accuracy] = model.evaluate(xTest, yTest) as number[];
   * ```
   */
  evaluate(x: DataLike, y: DataLike, options?: EvaluateOptions): number | number[];
  evaluate(dataset: Dataset, options?: EvaluateOptions): Promise<number | number[]>;
  evaluate(first: DataLike | Dataset, second?: DataLike | EvaluateOptions, third?: EvaluateOptions): number | number[] | Promise<number | number[]> {
    const context = `${this.name}.evaluate`;
    const trainer = this.requireTrainer('evaluate');
    const dataset = isDataset(first);
    const options = ((dataset ? second : third) ?? {}) as EvaluateOptions;
    checkOptions(options, EVALUATE_OPTION_KEYS, context);
    const batchSize = positiveInteger(options.batchSize, 'batchSize', 32, context);
    const source: BatchSource = dataset
      ? new DatasetSource(first, optionalSteps(options.steps, 'steps', context), this.input?.shape ?? null)
      : new ArraySource(inMemoryBatch(first as DataLike, second as DataLike, this.input?.shape ?? null, { sampleWeight: options.sampleWeight }, context), batchSize, null);
    const verbose = resolveVerbose(options.verbose, context);
    const callbacks = new CallbackList(checkCallbacks(options.callbacks, context), {
      model: this,
      params: { epochs: 1, steps: source.steps, verbose },
      addProgbar: verbose !== 0,
    });
    const loop = evaluateLoop(trainer, source, callbacks);
    const scalarOrList = (logs: Logs) => {
      const values = trainer.metricNames().map((name) => logs[name]);
      return values.length === 1 ? values[0] : values;
    };
    return dataset ? runAsync(loop).then(scalarOrList) : scalarOrList(runSync(loop));
  }

  /**
   * One optimizer step on one batch; returns its loss, or `[loss, ...metrics]` when metrics are compiled.
   *
   * @example
   * ```ts
   * const loss = model.trainOnBatch(xBatch, yBatch);
   * ```
   */
  trainOnBatch(x: DataLike, y: DataLike, options: BatchOptions = {}): number | number[] {
    const context = `${this.name}.trainOnBatch`;
    const trainer = this.requireTrainer('trainOnBatch');
    checkOptions(options, BATCH_OPTION_KEYS, context);
    const batch = inMemoryBatch(x, y, this.input?.shape ?? null, options, context);
    trainer.resetMetrics();
    const logs = trainer.trainStep(batch);
    const values = trainer.metricNames().map((name) => logs[name]);
    return values.length === 1 ? values[0] : values;
  }

  /**
   * Loss (and metrics) on one batch in inference mode, without updating weights.
   *
   * @example
   * ```ts
   * const loss = model.testOnBatch(xBatch, yBatch);
   * ```
   */
  testOnBatch(x: DataLike, y: DataLike, options: Pick<BatchOptions, 'sampleWeight'> = {}): number | number[] {
    const context = `${this.name}.testOnBatch`;
    const trainer = this.requireTrainer('testOnBatch');
    checkOptions(options, TEST_BATCH_OPTION_KEYS, context);
    const batch = inMemoryBatch(x, y, this.input?.shape ?? null, options, context);
    trainer.resetMetrics();
    const logs = trainer.testStep(batch);
    const values = trainer.metricNames().map((name) => logs[name]);
    return values.length === 1 ? values[0] : values;
  }

  /**
   * Keras's model config (`model.get_config()`): the layers with their configs and, for functional
   * models, the graph.
   */
  override getConfig(): Config {
    return modelPersistence().modelConfig(this);
  }

  /**
   * Saves the model (architecture, weights, optimizer state) in Keras 3's `.keras` format; the old file,
   * if any, is replaced only once the new one is complete.
   *
   * @example
   * ```ts
   * await model.save('mnist.keras');
   * const restored = await loadModel('mnist.keras');
   * ```
   */
  async save(path: string): Promise<void> {
    await modelPersistence().saveModel(this, path);
  }

  /** Saves the weights only, as Keras's `.weights.h5`. @example `await model.saveWeights('w.weights.h5')` */
  async saveWeights(path: string): Promise<void> {
    await modelPersistence().saveWeights(this, path);
  }

  /**
   * Loads weights saved by `saveWeights` (or a Keras 3 `.weights.h5`, or a Keras 2 `.h5` by layer name).
   * @example `await model.loadWeights('w.weights.h5')`
   */
  async loadWeights(path: string): Promise<void> {
    await modelPersistence().loadWeights(this, path);
  }

  /** Resets the running loss and metrics (Keras's `reset_metrics`). */
  resetMetrics(): void {
    this.trainer?.resetMetrics();
  }
}

function tally(weights: readonly Variable[]): ParamTally {
  return {
    count: weights.reduce((n, w) => n + w.size, 0),
    bytes: weights.reduce((n, w) => n + w.size * bytesPerElement(w.dtype), 0),
  };
}
