/** What Sequential and functional models share: layers, weights, prediction and the summary. */

import type { Tensor } from '../engine/tensor.js';
import { isTensor } from '../engine/tensor.js';
import type { Variable } from '../engine/variable.js';
import { bytesPerElement, isFloatDType } from '../engine/dtype.js';
import type { FloatDType } from '../engine/dtype.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { CallOptions, LayerCall, LayerInputs, SymbolicShape, SymbolicTensor } from '../layers/layer.js';
import type { Config } from '../serialization/keras-object.js';
import { isSymbolicTensor, Layer } from '../layers/layer.js';
import { formatShape } from '../engine/shape.js';
import { tidy } from '../engine/scope.js';
import { concat } from '../ops/concat.js';
import { slice } from '../ops/slice.js';
import { noGrad } from '../engine/tape.js';
import { renderSummary } from './summary.js';
import type { History, Logs } from '../training/callbacks/index.js';
import { CallbackList } from '../training/callbacks/index.js';
import type { BatchSource, Dataset, ModelData } from '../training/data.js';
import { ArraySource, isDataset } from '../training/data.js';
import type { DataSpec } from './fit-data.js';
import { datasetSource, fitSources, makeBatch } from './fit-data.js';
import { evaluateLoop, fitLoop, resolveVerbose } from '../training/loops.js';
import type { Optimizer } from '../training/optimizers/index.js';
import { runAsync, runSync } from '../training/run.js';
import type { CompileOptions } from '../training/trainer.js';
import { Trainer } from '../training/trainer.js';
import type { BatchOptions, EvaluateOptions, FitOptions, ResultLogs } from './training-options.js';
import { BATCH_OPTION_KEYS, checkCallbacks, EVALUATE_OPTION_KEYS, TEST_BATCH_OPTION_KEYS, FIT_OPTION_KEYS, optionalSteps, positiveInteger, resultOf } from './training-options.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import type { ParamTally, SummaryRow } from './summary.js';
import type { Structure } from './structure.js';
import { leavesFor, unflatten } from './structure.js';
import { checkBoolean } from '../utils/arguments.js';

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
  /** Keras's serialized model (`serialize_keras_object(model)`: `{module, class_name, config, ...}`). */
  serializeModel(model: Model): Config;
  /** A model rebuilt from its serialized form (`{class_name, config}`), with fresh weights. */
  deserializeModel(serialized: Config): Model;
  saveModel(model: Model, path: string, options?: ModelSaveOptions): Promise<void>;
  saveWeights(model: Model, path: string, options?: ModelSaveOptions): Promise<void>;
  loadWeights(model: Model, path: string, options?: ModelLoadWeightsOptions): Promise<void>;
}

/** `model.save` / `model.saveWeights` options (io's `SaveOptions`), checked by io. */
export interface ModelSaveOptions {
  /** Replace an existing file (default true). */
  overwrite?: boolean;
}

/** `model.loadWeights` options (io's `LoadWeightsOptions`: its `LoadLimits`, `byName`, `skipMismatch`), checked by io. */
export interface ModelLoadWeightsOptions {
  maxBytes?: number;
  maxLayers?: number;
  maxConfigBytes?: number;
  /** Keras 2 `.h5` files: match layers by name (Keras's `by_name`); default in order. */
  byName?: boolean;
  /** Skip weights or layers that do not fit, with Keras's warning (Keras's `skip_mismatch`). */
  skipMismatch?: boolean;
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

/** A config of `getConfig()` rebuilt as `className`, checked to be an instance of `kind` (used by the subclasses' `fromConfig`). */
export function deserializeAs<M extends Model>(config: Config, className: string, kind: abstract new (...args: never[]) => M, context: string): M {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new InvalidArgumentError('config', config, 'a model config, as model.getConfig() returns', context);
  }
  const model = modelPersistence().deserializeModel({ class_name: className, config });
  if (!(model instanceof kind)) throw new InvalidArgumentError('config', className, `a ${className} config`, context);
  return model;
}

export abstract class Model extends Layer {
  /** As Keras's functional models: each layer casts its own inputs, the model does not. */
  protected override readonly autocastInputs: boolean = false;
  /** The layers in order of execution (a Sequential model's InputLayer excluded, as in Keras). */
  abstract get layers(): Layer[];

  /** The model's symbolic inputs, in order (Keras's `model.inputs`); empty while a Sequential's input is unknown. */
  abstract get inputs(): SymbolicTensor[];

  /** The model's symbolic outputs, in order (Keras's `model.outputs`); empty while unknown. */
  abstract get outputs(): SymbolicTensor[];

  /** How the inputs were given to `kerasModel` (one, a list, a dict), which calls and `predict` follow. */
  inputStructure: Structure = { kind: 'single' };
  /** How the outputs were given: what calls and `predict` return. */
  outputStructure: Structure = { kind: 'single' };

  /** The layer calls from the inputs to the outputs, in an order that runs each after its inputs; empty while the input is unknown. */
  abstract get graph(): readonly LayerCall[];

  private disposedFlag = false;

  /**
   * Frees the memory of the model's weights and of its optimizer's slots now, without waiting for garbage
   * collection (as TF.js's `model.dispose()`). WebAssembly memory is freed only explicitly or by a finalizer,
   * which runs between event-loop turns: a synchronous loop that loads model after model keeps every one
   * until it yields, unless each replaced model is disposed. Layers the model shares with another model are
   * freed too. Afterwards `predict`, `fit`, `evaluate`, calls, `getWeights`, `setWeights` and saving throw;
   * disposing twice does nothing.
   *
   * @example
   * ```ts
   * const next = loadModelSync('model.keras');
   * model.dispose();
   * model = next;
   * ```
   */
  dispose(): void {
    if (this.disposedFlag) return;
    const weights = this.weights;
    this.trainer?.optimizer.releaseSlots(weights);
    for (const w of weights) w.dispose();
    this.disposedFlag = true;
  }

  /** Whether {@link dispose} has been called. */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  override getWeights(): Tensor[] {
    this.checkNotDisposed(`${this.name}.getWeights`);
    return super.getWeights();
  }

  override setWeights(values: readonly Tensor[]): void {
    this.checkNotDisposed(`${this.name}.setWeights`);
    super.setWeights(values);
  }

  /** @internal Throws when the model was disposed; `context` names the method in the message. */
  checkNotDisposed(context: string): void {
    if (this.disposedFlag) throw new Error(`${context}: the model '${this.name}' was disposed (model.dispose() freed its weights); load or build it again to use it`);
  }

  override get outputCount(): number {
    return Math.max(1, this.outputs.length);
  }

  /** A call's output takes the dtype of the model's output tensor (Keras's compute_output_spec), not the model's own. */
  protected override symbolicOutputDtype(index: number): FloatDType {
    return this.outputs[index]?.dtype ?? this.dtype;
  }

  /** The model's input as Keras's `model.input`: the placeholder, or an array (or object) of them. */
  override get input(): SymbolicTensor | SymbolicTensor[] {
    return this.structured(this.inputs, this.inputStructure, 'input') as SymbolicTensor | SymbolicTensor[];
  }

  /** The model's output as Keras's `model.output`: the placeholder, or an array (or object) of them. */
  override get output(): SymbolicTensor | SymbolicTensor[] {
    return this.structured(this.outputs, this.outputStructure, 'output') as SymbolicTensor | SymbolicTensor[];
  }

  /** The inputs' shapes as Keras's `model.input_shape`: the shape for one input, else one per input in `inputs` order. */
  override get inputShape(): SymbolicShape | SymbolicShape[] {
    return this.flatShapes(this.inputs, 'input');
  }

  /** The outputs' shapes as Keras's `model.output_shape`: the shape for one output (a list of one too), else one per output. */
  override get outputShape(): SymbolicShape | SymbolicShape[] {
    return this.flatShapes(this.outputs, 'output');
  }

  private flatShapes(tensors: SymbolicTensor[], what: string): SymbolicShape | SymbolicShape[] {
    this.structured(tensors, { kind: 'list' }, what); // the same error while unknown
    return tensors.length === 1 ? tensors[0].shape : tensors.map((t) => t.shape);
  }

  private structured(tensors: SymbolicTensor[], structure: Structure, what: string): unknown {
    if (tensors.length === 0) {
      throw new InvalidArgumentError('model', this.name, `a model whose ${what} is known (give the first layer an input shape, or call the model on data)`, `${this.name}.${what}`);
    }
    return unflatten(tensors, structure);
  }

  /** The names of the input layers, as Keras's `model.input_names` (a dict of inputs is keyed by them). */
  get inputNames(): string[] {
    return this.inputStructure.kind === 'dict' ? [...this.inputStructure.keys] : this.inputs.map((t) => t.producer.layer.name);
  }

  /** The names of the layers that produce the outputs, as Keras's `model.output_names`. */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.producer.layer.name);
  }

  /**
   * The names training logs and per-output arguments (`loss`, `y`, `sampleWeight` as objects) use: the keys
   * of a dict of outputs, else the output layers' names; `['output']` while the output is unknown.
   */
  get outputKeys(): string[] {
    if (this.outputStructure.kind === 'dict') return [...this.outputStructure.keys];
    const names = this.outputNames;
    return names.length > 0 ? names : ['output'];
  }

  /** What training data must fit: the inputs' names and shapes and the outputs' names. */
  protected dataSpec(context: string): DataSpec {
    const inputs = this.inputs;
    return {
      inputKeys: inputs.length > 0 ? this.inputNames : ['input'],
      inputShapes: inputs.length > 0 ? inputs.map((t) => t.shape) : [null],
      outputKeys: this.outputKeys,
      context,
    };
  }

  /**
   * Runs the model on one tensor per input and returns one tensor per output (what training and `predict`
   * use, whatever structure the model was defined with).
   */
  applyOutputs(inputs: readonly Tensor[], options: CallOptions = {}): Tensor[] {
    this.checkNotDisposed(this.name);
    const result = super.applyAll(inputs.length === 1 && this.inputStructure.kind === 'single' ? inputs[0] : inputs, options);
    return Array.isArray(result) ? (result as Tensor[]) : [result as Tensor];
  }

  /** Rows of the summary table: one per layer, with its output shape. */
  protected abstract summaryRows(): SummaryRow[];

  /** Every layer's weights, layer by layer (Keras's order; a shared layer's weights once). */
  override get weights(): Variable[] {
    return [...new Set(this.layers.flatMap((l) => l.weights))];
  }

  /**
   * The weights training updates. As Keras 3's `trainable_weights`: none while the model itself is not
   * trainable (even if a layer inside was unfrozen again), else every weight whose own flag is set.
   */
  override get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return this.weights.filter((w) => w.trainable);
  }

  override get nonTrainableWeights(): Variable[] {
    if (!this.trainable) return this.weights;
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

  /**
   * @internal Sets the model's own flag and leaves its layers' as they are: a loaded config gives each layer
   * its own, as Keras's deserialization does.
   */
  setOwnTrainable(value: boolean): void {
    super.trainable = value;
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

  /**
   * The layer with this name, or at this index of `layers` (Keras's `get_layer(name=None, index=None)`).
   *
   * @example
   * ```ts
   * const features = kerasModel({ inputs: model.inputs, outputs: model.getLayer('block3_relu').output });
   * ```
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 0 || nameOrIndex >= layers.length) {
        throw new InvalidArgumentError('index', nameOrIndex, `an integer in [0, ${layers.length}) (model '${this.name}' has ${layers.length} layers)`, `${this.name}.getLayer`);
      }
      return layers[nameOrIndex];
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (!layer) {
      throw new InvalidArgumentError('name', nameOrIndex, `the name of a layer of model '${this.name}': ${layers.map((l) => `'${l.name}'`).join(', ')}`, `${this.name}.getLayer`);
    }
    return layer;
  }

  /**
   * Applies the model as a layer. Besides a tensor or an array of them, a model of several inputs takes
   * an object keyed by input name; a model of several outputs gives an array (or an object, for outputs
   * given as one).
   */
  override applyAll(x: LayerInputs | Readonly<Record<string, Tensor | SymbolicTensor>>, options: CallOptions = {}): Tensor | SymbolicTensor | Tensor[] | SymbolicTensor[] {
    this.checkNotDisposed(this.name);
    const inputs = this.inputs;
    let list: LayerInputs;
    if (inputs.length > 1 || this.inputStructure.kind !== 'single') {
      const isLeaf = (v: unknown): v is Tensor | SymbolicTensor => isTensor(v) || isSymbolicTensor(v);
      list = leavesFor(x, this.inputStructure, inputs.length, this.inputNames, isLeaf, 'inputs', `model '${this.name}'`) as LayerInputs;
    } else list = x as LayerInputs;
    const result = super.applyAll(list, options);
    // Keras's Functional.call unpacks a list of one output (unpack_singleton) on real tensors; its symbolic
    // call keeps the list.
    if (this.outputStructure.kind === 'list' && Array.isArray(result) && result.length === 1 && isTensor(result[0])) return result[0] as Tensor;
    if (this.outputStructure.kind !== 'dict' || !Array.isArray(result)) return result;
    return unflatten(result as Tensor[], this.outputStructure) as unknown as Tensor[];
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    // Sequential: each layer's output shape in turn (functional models override this).
    let shape: (number | null)[] = [...inputShape];
    for (const layer of this.layers) shape = layer.computeOutputShape(shape);
    return shape;
  }

  /**
   * Runs the model on `x` in batches (inference mode) and returns the concatenated outputs: one tensor for a
   * model of one output (unless given in an object), else an array (or an object, for outputs given as one)
   * with one per output. A
   * model of several inputs takes an array with one per input, or an object by input name.
   *
   * @example
   * ```ts
   * const y = model.predict(tensor(images, [100, 28, 28, 1]), { batchSize: 50 });
   * const [boxes, classes] = detector.predict<Tensor[]>([images, sizes]);
   * ```
   * The result type is `Tensor` unless given: `NoInfer` keeps `layer.apply(model.predict(x))` from
   * inferring the union of every result kind from `apply`'s parameter.
   */
  predict<Out extends Tensor | Tensor[] | Record<string, Tensor> = Tensor>(x: Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>, options: PredictOptions = {}): NoInfer<Out> {
    const context = `${this.name}.predict`;
    this.checkNotDisposed(context);
    checkOptions(options, PREDICT_OPTION_KEYS, context);
    const batchSize = options.batchSize ?? 32;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new InvalidArgumentError('batchSize', options.batchSize, 'a positive integer', context);
    }
    const count = Math.max(this.inputs.length, 1);
    const names = this.inputs.length > 0 ? this.inputNames : ['input'];
    const inputs = leavesFor(x, this.inputStructure.kind === 'single' && count === 1 ? { kind: 'single' } : this.inputStructure, count, names, isTensor, 'x', context);
    inputs.forEach((t, i) => {
      const argument = count > 1 ? `x['${names[i]}']` : 'x';
      if (!isFloatDType(t.dtype)) throw new InvalidArgumentError(argument, t.dtype, 'a float32 or float64 tensor', context);
      if (t.rank === 0) throw new ShapeError(`${context}: ${argument} must have a batch axis, got shape ${formatShape(t.shape)}`);
      if (t.shape[0] !== inputs[0].shape[0]) throw new ShapeError(`${context}: every input must have the same number of samples, but ${names[0]} has ${inputs[0].shape[0]} and ${names[i]} ${t.shape[0]}`);
    });
    const n = inputs[0].shape[0];
    // Each batch runs in a scope that frees its intermediate activations as soon as it is done.
    const outputs = noGrad(() =>
      tidy(() => {
        if (n <= batchSize) return this.applyOutputs(inputs, { training: false });
        const parts: Tensor[][] = [];
        for (let start = 0; start < n; start += batchSize) {
          const size = Math.min(batchSize, n - start);
          const batch = inputs.map((t) => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]));
          parts.push(tidy(() => this.applyOutputs(batch, { training: false })));
        }
        return parts[0].map((_, i) => concat(parts.map((p) => p[i]), 0));
      }),
    );
    // As Keras 3: one output comes back as a tensor when given alone or in a list, as a dict in a dict.
    if (outputs.length === 1 && this.outputStructure.kind !== 'dict') return outputs[0] as Out;
    return unflatten(outputs, this.outputStructure, 'sorted') as Out;
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
  get compiledWith(): Pick<CompileOptions, 'loss' | 'lossWeights' | 'metrics' | 'weightedMetrics'> | null {
    const t = this.trainer;
    return t ? { loss: t.lossIdentifier, lossWeights: t.lossWeights, metrics: t.metricIdentifiers, weightedMetrics: t.weightedMetricIdentifiers } : null;
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
    this.checkNotDisposed(`${this.name}.${method}`);
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
  fit(x: ModelData, y: ModelData, options?: FitOptions): History;
  fit(dataset: Dataset, options?: FitOptions): Promise<History>;
  fit(first: ModelData | Dataset, second?: ModelData | FitOptions, third?: FitOptions): History | Promise<History> {
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
    const data = dataset ? { dataset: first } : { x: first, y: second };
    const { training, validation } = fitSources(data, options, this.dataSpec(context));
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
  evaluate(x: ModelData, y: ModelData, options: EvaluateOptions & { returnDict: true }): ResultLogs;
  evaluate(x: ModelData, y: ModelData, options?: EvaluateOptions): number | number[];
  evaluate(dataset: Dataset, options: EvaluateOptions & { returnDict: true }): Promise<ResultLogs>;
  evaluate(dataset: Dataset, options?: EvaluateOptions): Promise<number | number[]>;
  evaluate(first: ModelData | Dataset, second?: ModelData | EvaluateOptions, third?: EvaluateOptions): number | number[] | ResultLogs | Promise<number | number[] | ResultLogs> {
    const context = `${this.name}.evaluate`;
    const trainer = this.requireTrainer('evaluate');
    const dataset = isDataset(first);
    const options = ((dataset ? second : third) ?? {}) as EvaluateOptions;
    checkOptions(options, EVALUATE_OPTION_KEYS, context);
    const batchSize = positiveInteger(options.batchSize, 'batchSize', 32, context);
    const returnDict = checkBoolean(options.returnDict, 'returnDict', context, false);
    const spec = this.dataSpec(context);
    const source: BatchSource = dataset
      ? datasetSource(first, optionalSteps(options.steps, 'steps', context), spec)
      : new ArraySource(makeBatch(spec, first, second, { sampleWeight: options.sampleWeight }).batch, batchSize, null);
    const verbose = resolveVerbose(options.verbose, context);
    const callbacks = new CallbackList(checkCallbacks(options.callbacks, context), {
      model: this,
      params: { epochs: 1, steps: source.steps, verbose },
      addProgbar: verbose !== 0,
    });
    const loop = evaluateLoop(trainer, source, callbacks);
    const result = (logs: Logs) => resultOf(logs, trainer.metricNames(), returnDict);
    return dataset ? runAsync(loop).then(result) : result(runSync(loop));
  }

  /**
   * One optimizer step on one batch; returns its loss, or `[loss, ...metrics]` when metrics are compiled.
   *
   * @example
   * ```ts
   * const loss = model.trainOnBatch(xBatch, yBatch);
   * ```
   */
  trainOnBatch(x: ModelData, y: ModelData, options: BatchOptions & { returnDict: true }): ResultLogs;
  trainOnBatch(x: ModelData, y: ModelData, options?: BatchOptions): number | number[];
  trainOnBatch(x: ModelData, y: ModelData, options: BatchOptions = {}): number | number[] | ResultLogs {
    const context = `${this.name}.trainOnBatch`;
    const trainer = this.requireTrainer('trainOnBatch');
    checkOptions(options, BATCH_OPTION_KEYS, context);
    const returnDict = checkBoolean(options.returnDict, 'returnDict', context, false);
    const { batch, created } = makeBatch(this.dataSpec(context), x, y, { sampleWeight: options.sampleWeight, classWeight: options.classWeight });
    trainer.resetMetrics();
    let logs: Logs;
    try {
      logs = trainer.trainStep(batch);
    } finally {
      for (const t of created) t.dispose();
    }
    return resultOf(logs, trainer.metricNames(), returnDict);
  }

  /**
   * Loss (and metrics) on one batch in inference mode, without updating weights.
   *
   * @example
   * ```ts
   * const loss = model.testOnBatch(xBatch, yBatch);
   * ```
   */
  testOnBatch(x: ModelData, y: ModelData, options: Pick<BatchOptions, 'sampleWeight'> & { returnDict: true }): ResultLogs;
  testOnBatch(x: ModelData, y: ModelData, options?: Pick<BatchOptions, 'sampleWeight' | 'returnDict'>): number | number[];
  testOnBatch(x: ModelData, y: ModelData, options: Pick<BatchOptions, 'sampleWeight' | 'returnDict'> = {}): number | number[] | ResultLogs {
    const context = `${this.name}.testOnBatch`;
    const trainer = this.requireTrainer('testOnBatch');
    checkOptions(options, TEST_BATCH_OPTION_KEYS, context);
    const returnDict = checkBoolean(options.returnDict, 'returnDict', context, false);
    const { batch, created } = makeBatch(this.dataSpec(context), x, y, { sampleWeight: options.sampleWeight });
    trainer.resetMetrics();
    let logs: Logs;
    try {
      logs = trainer.testStep(batch);
    } finally {
      for (const t of created) t.dispose();
    }
    return resultOf(logs, trainer.metricNames(), returnDict);
  }

  /**
   * Keras's model config (`model.get_config()`): the layers with their configs and, for functional
   * models, the graph.
   */
  override getConfig(): Config {
    return modelPersistence().modelConfig(this);
  }

  /**
   * The model's architecture as Keras's `model.to_json()`: the JSON of its serialized config (class name,
   * layers, graph), without weights; {@link modelFromJson} rebuilds it.
   *
   * @example
   * ```ts
   * const copy = modelFromJson(model.toJson()); // same layers, fresh weights
   * ```
   */
  toJson(): string {
    return JSON.stringify(modelPersistence().serializeModel(this));
  }

  /**
   * A model from a config of `getConfig()`, as Keras's `Model.from_config`: a functional config (one with
   * `input_layers`) gives a Functional, a list of layers a Sequential. Layers are new, weights freshly
   * initialized.
   *
   * @example
   * ```ts
   * const copy = Model.fromConfig(model.getConfig());
   * ```
   */
  static fromConfig(config: Config): Model {
    const functional = typeof config === 'object' && config !== null && 'input_layers' in config;
    return deserializeAs(config, functional ? 'Functional' : 'Sequential', Model, 'Model.fromConfig');
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
  async save(path: string, options?: ModelSaveOptions): Promise<void> {
    await modelPersistence().saveModel(this, path, options);
  }

  /** Saves the weights only, as Keras's `.weights.h5`. @example `await model.saveWeights('w.weights.h5')` */
  async saveWeights(path: string, options?: ModelSaveOptions): Promise<void> {
    await modelPersistence().saveWeights(this, path, options);
  }

  /**
   * Loads weights saved by `saveWeights` (or a Keras 3 `.weights.h5` or `.keras`, or a Keras 2 `.h5`, in
   * order or `byName`), as Keras's `load_weights`; see io's `loadWeights`.
   * @example `await model.loadWeights('w.weights.h5')`
   */
  async loadWeights(path: string, options?: ModelLoadWeightsOptions): Promise<void> {
    await modelPersistence().loadWeights(this, path, options);
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
