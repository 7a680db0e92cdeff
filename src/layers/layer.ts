/**
 * The layer base: validated configuration, lazy `build` on the first input, weights as Variables,
 * regularization losses, eager and symbolic application, and Keras's config round trip.
 */

import type { FloatDType } from '../engine/dtype.js';
import { isFloatDType, parseDType } from '../engine/dtype.js';
import { formatShape, shapesEqual } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { isTensor } from '../engine/tensor.js';
import { Variable } from '../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { Initializer } from '../initializers/index.js';
import type { Config } from '../serialization/keras-object.js';
import { serializeKerasObject } from '../serialization/keras-object.js';
import { div } from '../ops/elementwise.js';
import { cast, copy } from '../ops/shape-ops.js';
import type { Constraint } from '../constraints/index.js';
import type { Regularizer, RegularizerIdentifier } from '../regularizers/index.js';
import { getRegularizer } from '../regularizers/index.js';
import { classNameToSnake, uniqueName } from './naming.js';
import { isSizeInteger, MAX_SIZE_ARGUMENT, sizeIntegerWords, checkBoolean } from '../utils/arguments.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';

export type SymbolicShape = readonly (number | null)[];

/** A recorded call of a layer on symbolic inputs (Keras's Node): what a functional model replays. */
export interface LayerCall {
  readonly layer: Layer;
  readonly inputs: readonly SymbolicTensor[];
  /** Whether the layer was given an array (merge layers, models of several inputs) rather than one placeholder. */
  readonly listInput?: boolean;
  /**
   * The `training` flag given explicitly at the call (`base.apply(x, { training: false })`), which the
   * model respects whatever mode it runs in; absent when the call left it to the model.
   */
  readonly training?: boolean;
  /** The placeholders the call produced, in output order (one for most layers). */
  readonly outputs: SymbolicTensor[];
}

let nextSymbolicId = 0;

export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  readonly shape: SymbolicShape;
  readonly dtype: FloatDType;
  /** The call that produced this tensor; for a model input, the InputLayer's call with no inputs. */
  readonly producer: LayerCall;
  /** Which of the call's outputs this is. */
  readonly outputIndex: number;

  constructor(shape: SymbolicShape, dtype: FloatDType, producer: LayerCall, outputIndex = 0) {
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.producer = producer;
    this.outputIndex = outputIndex;
    producer.outputs[outputIndex] = this;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `<SymbolicTensor shape=${formatShape(this.shape)}, dtype=${this.dtype}, source=${this.producer.layer.name}>`;
  }
}

export function isSymbolicTensor(value: unknown): value is SymbolicTensor {
  return value instanceof SymbolicTensor;
}


/** Options every layer accepts (Keras's base `Layer` arguments, Keras 2's input arguments included). */
export interface LayerOptions {
  /** Unique name; generated from the class name when omitted (`depthwise_conv2d`, `depthwise_conv2d_1`, ...). */
  name?: string;
  /** Whether the layer's weights are updated during training. Default true. */
  trainable?: boolean;
  /** Compute and weight dtype: 'float32' (default) or 'float64'. */
  dtype?: FloatDType;
  /** Input shape without the batch axis, for the first layer of a model. */
  inputShape?: readonly (number | null)[];
  /** Input shape including the batch axis (`null` for any batch size). */
  batchInputShape?: readonly (number | null)[];
  /** Fixed batch size, combined with `inputShape`. */
  batchSize?: number;
  /** Initial weight values, in the order of `getWeights()`; applied when the layer is built. */
  weights?: readonly Tensor[];
  /** Penalty on the layer's output, added to `losses` on each call. */
  activityRegularizer?: RegularizerIdentifier;
}

/** What `apply` takes: one tensor or placeholder, or an array of them for layers that merge inputs. */
export type LayerInputs = Tensor | SymbolicTensor | readonly Tensor[] | readonly SymbolicTensor[];

export interface CallOptions {
  /** Training mode (dropout, batch normalization); false for inference. */
  training?: boolean;
  /**
   * Which timesteps (or positions) of the input are valid, for mask-aware layers (Softmax,
   * GlobalAveragePooling1D): a tensor of the input's leading shape, non-zero where valid, as Keras's
   * `mask` call argument. Layers that ignore masks ignore it. Nothing propagates masks automatically yet:
   * a producer (Embedding with `maskZero`) offers {@link Layer.computeMask}, and the caller passes the
   * result here.
   */
  mask?: Tensor | null;
  /**
   * The states a recurrent layer starts from (Keras's `initial_state` call argument), e.g. `[h, c]` for a
   * ConvLSTM; other layers ignore it. Default: zeros (or a stateful layer's kept states).
   */
  initialState?: readonly Tensor[] | null;
}

const CALL_OPTION_KEYS = optionKeys<CallOptions>()(['training', 'mask', 'initialState']);

interface WeightSpec {
  name: string;
  shape: readonly number[];
  initializer: Initializer;
  regularizer?: Regularizer | null;
  constraint?: Constraint | null;
  trainable?: boolean;
}

function checkShapeList(value: unknown, argument: string, context: string): (number | null)[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((d) => d === null || isSizeInteger(d))) {
    throw new InvalidArgumentError(argument, value, `an array of positive integers ≤ ${MAX_SIZE_ARGUMENT} or null`, context);
  }
  return [...(value as (number | null)[])];
}

/** Resolves Keras's three ways of declaring the input (inputShape, batchInputShape, batchSize). */
function resolveBatchInputShape(options: LayerOptions, context: string): (number | null)[] | null {
  const inputShape = checkShapeList(options.inputShape, 'inputShape', context);
  const batchInputShape = checkShapeList(options.batchInputShape, 'batchInputShape', context);
  const batchSize = options.batchSize;
  if (batchSize !== undefined && batchSize !== null && !isSizeInteger(batchSize)) {
    throw new InvalidArgumentError('batchSize', batchSize, sizeIntegerWords(), context);
  }
  if (batchInputShape) {
    if (inputShape) {
      throw new InvalidArgumentError('batchInputShape', batchInputShape, 'not to be given together with inputShape', context);
    }
    if (batchSize !== undefined && batchSize !== null && batchInputShape[0] !== null && batchInputShape[0] !== batchSize) {
      throw new InvalidArgumentError('batchSize', batchSize, `the batch dimension of batchInputShape (${batchInputShape[0]})`, context);
    }
    return batchInputShape;
  }
  if (inputShape) return [batchSize ?? null, ...inputShape];
  if (batchSize !== undefined && batchSize !== null) {
    throw new InvalidArgumentError('batchSize', batchSize, 'to be given together with inputShape', context);
  }
  return null;
}

export abstract class Layer {
  /** Keras's class name, e.g. 'DepthwiseConv2D'. */
  abstract readonly className: string;
  readonly name: string;
  readonly dtype: FloatDType;
  /** Shape of the expected input including the batch axis, when declared through the options. */
  readonly batchInputShape: readonly (number | null)[] | null;
  readonly activityRegularizer: Regularizer | null;
  built = false;
  /** Floating inputs are cast to the layer dtype, as Keras's autocast; models pass them through instead. */
  protected readonly autocastInputs: boolean = true;
  /** Whether `apply` takes int32 tensors (Embedding's indices); every other layer computes on floats. */
  protected readonly acceptsIntegerInputs: boolean = false;

  private trainableFlag: boolean;
  /** Weights by the kind they were created as; Keras lists trainable-created ones first. */
  private readonly trainableVariables: Variable[] = [];
  private readonly nonTrainableVariables: Variable[] = [];
  private readonly initialWeights: readonly Tensor[] | null;
  private activityLosses: Tensor[] = [];
  /** What `addLoss` collected during the current call. */
  private addedLosses: Tensor[] = [];
  private readonly regularized: { variable: Variable; regularizer: Regularizer }[] = [];
  /** The layer's calls on symbolic inputs, in order (Keras's inbound nodes). */
  private readonly inboundCalls: LayerCall[] = [];
  private readonly constrained: { variable: Variable; constraint: Constraint }[] = [];

  constructor(options: LayerOptions, className: string) {
    const context = className;
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name.length === 0 || options.name.includes('/'))) {
      throw new InvalidArgumentError('name', options.name, "a non-empty string without '/'", context);
    }
    const dtype = options.dtype === undefined || options.dtype === null ? 'float32' : parseDType(options.dtype, 'dtype');
    if (!isFloatDType(dtype)) throw new InvalidArgumentError('dtype', options.dtype, "'float32' or 'float64'", context);
    const trainable = checkBoolean(options.trainable ?? undefined, 'trainable', context, true);
    const batchInputShape = resolveBatchInputShape(options, context);
    if (options.weights !== undefined && options.weights !== null) {
      if (!Array.isArray(options.weights) || !options.weights.every(isTensor)) {
        throw new InvalidArgumentError('weights', options.weights, 'an array of Tensors', context);
      }
    }
    this.activityRegularizer = getRegularizer(options.activityRegularizer, 'activityRegularizer');
    this.dtype = dtype;
    this.trainableFlag = trainable;
    this.batchInputShape = batchInputShape;
    this.initialWeights = options.weights ?? null;
    // The name is taken last, so that a rejected configuration does not consume an automatic name.
    this.name = options.name ?? uniqueName(classNameToSnake(className));
  }

  /**
   * Whether training updates this layer's weights. Setting it flips the `trainable` flag of every weight
   * created trainable, so they move between `trainableWeights` and `nonTrainableWeights`, as in Keras 3.
   */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') throw new InvalidArgumentError('trainable', value, 'true or false', this.name);
    this.trainableFlag = value;
    for (const v of this.trainableVariables) v.trainable = value;
  }

  /** All weights: those created trainable first, then the rest, each in creation order (Keras's order). */
  get weights(): Variable[] {
    return [...this.trainableVariables, ...this.nonTrainableVariables];
  }

  get trainableWeights(): Variable[] {
    return this.weights.filter((v) => v.trainable);
  }

  get nonTrainableWeights(): Variable[] {
    return this.weights.filter((v) => !v.trainable);
  }

  /** Copies of the weights' current values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => copy(v));
  }

  /**
   * Replaces the weights' values. The count, every shape and dtype must fit and no value may be disposed;
   * all are checked before the first is assigned, so on any error nothing has changed.
   */
  setWeights(values: readonly Tensor[]): void {
    const weights = this.weights;
    this.checkWeightValues(values, weights.map((w) => w.shape));
    weights.forEach((w, i) => w.assign(values[i]));
  }

  /** The regularization penalties, in Keras's order: the last call's activity penalty, then the weight penalties. */
  get losses(): Tensor[] {
    return [...this.activityPenalties(), ...this.weightPenalties()];
  }

  /** The activity penalties of the last call (Keras lists these first). */
  activityPenalties(): Tensor[] {
    return this.activityLosses;
  }

  /** Weight regularizer penalties, computed now from the current weights (differentiable). */
  weightPenalties(): Tensor[] {
    return this.regularized.map((entry) => entry.regularizer.call(entry.variable));
  }

  /** Projects constrained weights back onto their sets (called after each optimizer step). */
  applyConstraints(): void {
    for (const { variable, constraint } of this.constrained) variable.assign(constraint.call(variable));
  }

  countParams(): number {
    if (!this.built) {
      throw new ShapeError(`layer '${this.name}' is not built yet, so its weights (and parameter count) are unknown; call it on an input first`);
    }
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Builds the layer for inputs of this shape (batch axis included). */
  build(inputShape: SymbolicShape): void {
    this.built = true;
    void inputShape;
  }

  /** Shape of the output for an input of the given shape (batch axis included, `null` for unknown). */
  abstract computeOutputShape(inputShape: SymbolicShape): (number | null)[];

  /** The computation on real tensors, already cast to the layer dtype. */
  protected abstract call(x: Tensor, options: CallOptions): Tensor;

  /** Checks an input shape against what the layer accepts; throws ShapeError naming the layer. */
  protected assertInputCompatible(inputShape: SymbolicShape): void {
    void inputShape;
  }

  protected addWeight(spec: WeightSpec): Variable {
    const initial = spec.initializer.call(spec.shape, this.dtype);
    const createdTrainable = spec.trainable ?? true;
    const variable = new Variable(initial, {
      name: spec.name,
      path: `${this.name}/${spec.name}`,
      trainable: createdTrainable && this.trainableFlag,
    });
    (createdTrainable ? this.trainableVariables : this.nonTrainableVariables).push(variable);
    if (spec.regularizer) this.regularized.push({ variable, regularizer: spec.regularizer });
    if (spec.constraint) this.constrained.push({ variable, constraint: spec.constraint });
    return variable;
  }

  /** Validates `weights` values against the expected shapes, before anything is assigned. */
  protected checkWeightValues(values: readonly Tensor[], shapes: readonly (readonly number[])[]): void {
    if (!Array.isArray(values) || values.length !== shapes.length || !values.every(isTensor)) {
      throw new InvalidArgumentError(
        'weights',
        Array.isArray(values) ? values.map((v) => (isTensor(v) ? v.shape : v)) : values,
        `${shapes.length} tensors of shapes ${shapes.map((s) => formatShape(s)).join(', ')}`,
        `layer '${this.name}'`,
      );
    }
    values.forEach((v, i) => {
      if (!shapesEqual(v.shape, shapes[i]) || !isFloatDType(v.dtype) || v.isDisposed) {
        throw new InvalidArgumentError(
          `weights[${i}]`,
          `${v.isDisposed ? 'disposed ' : ''}${v.dtype} tensor of shape ${formatShape(v.shape)}`,
          `a live float tensor of shape ${formatShape(shapes[i])}`,
          `layer '${this.name}'`,
        );
      }
    });
  }

  /** The weight shapes `build` would create for this input shape, so `weights` can be checked first. */
  weightShapesFor(inputShape: SymbolicShape): (readonly number[])[] {
    void inputShape;
    return [];
  }

  /**
   * Multi-input hooks. A layer taking a list of inputs (Add, Concatenate) overrides these three; every
   * other layer takes exactly one input and keeps the defaults, which delegate to the single-input
   * `assertInputCompatible` / `computeOutputShape` / `call`.
   */
  protected checkInputShapes(shapes: readonly SymbolicShape[]): void {
    if (shapes.length !== 1) {
      throw new InvalidArgumentError('inputs', `${shapes.length} tensors`, 'exactly one input tensor', `layer '${this.name}'`);
    }
    this.assertInputCompatible(shapes[0]);
  }

  protected outputShapeFor(shapes: readonly SymbolicShape[]): (number | null)[] {
    return this.computeOutputShape(shapes[0]);
  }

  /**
   * The shapes of a call's outputs, and whether the layer returns them as an array. One output by default;
   * a layer of several outputs (a model with several outputs) overrides this and returns an array from
   * `callInputs`.
   */
  protected symbolicOutputs(shapes: readonly SymbolicShape[]): { shapes: (number | null)[][]; list: boolean } {
    return { shapes: [this.outputShapeFor(shapes)], list: false };
  }

  /** How many tensors a call returns: one, or several for a model of several outputs or a ConvLSTM with `returnState`. */
  get outputCount(): number {
    return 1;
  }

  /** The dtype of a call's output `index`: the layer's own; a model's is that of its output tensor. */
  protected symbolicOutputDtype(_index: number): FloatDType {
    return this.dtype;
  }

  protected callInputs(inputs: readonly Tensor[], options: CallOptions): Tensor | Tensor[] {
    return this.call(inputs[0], options);
  }

  /** @internal Records a call on symbolic inputs and returns its outputs (InputLayer records its own). */
  protected recordCall(inputs: readonly SymbolicTensor[], listInput: boolean, shapes: readonly SymbolicShape[], training: boolean | undefined): LayerCall {
    const call: LayerCall = { layer: this, inputs, listInput, outputs: [], ...(training === undefined ? {} : { training }) };
    shapes.forEach((shape, i) => new SymbolicTensor(shape, this.symbolicOutputDtype(i), call, i));
    this.inboundCalls.push(call);
    return call;
  }

  /** The layer's calls on symbolic inputs, in order (Keras's inbound nodes; a shared layer has several). */
  get calls(): readonly LayerCall[] {
    return this.inboundCalls;
  }

  /** The first symbolic call, which Keras's `layer.input` / `layer.output` describe. */
  private firstCall(what: string): LayerCall {
    const call = this.inboundCalls[0];
    if (call === undefined) {
      throw new InvalidArgumentError('layer', this.name, `a layer that has been called on a symbolic input: it has no defined ${what} yet`, `${this.name}.${what}`);
    }
    return call;
  }

  /** The symbolic input of the layer's first call (an array for layers called on several), as Keras's `layer.input`. */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const call = this.firstCall('input');
    return call.listInput ? [...call.inputs] : call.inputs[0] ?? call.outputs[0];
  }

  /** The symbolic output of the layer's first call (an array for layers of several outputs), as Keras's `layer.output`. */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const call = this.firstCall('output');
    return call.outputs.length === 1 ? call.outputs[0] : [...call.outputs];
  }

  /** The shape of `input` (one per input for several), as Keras's `layer.input_shape`... of Keras 2. */
  get inputShape(): SymbolicShape | SymbolicShape[] {
    const input = this.input;
    return Array.isArray(input) ? input.map((t) => t.shape) : input.shape;
  }

  /** The shape of `output` (one per output for several). */
  get outputShape(): SymbolicShape | SymbolicShape[] {
    const output = this.output;
    return Array.isArray(output) ? output.map((t) => t.shape) : output.shape;
  }

  private buildOnce(shapes: readonly SymbolicShape[]): void {
    this.checkInputShapes(shapes);
    if (this.built) return;
    this.outputShapeFor(shapes); // shape errors surface here, before any weight exists
    if (this.initialWeights) this.checkWeightValues(this.initialWeights, this.weightShapesFor(shapes[0]));
    this.build(shapes[0]);
    this.built = true;
    if (this.initialWeights) this.setWeights(this.initialWeights);
  }

  /**
   * Applies the layer: to a Tensor it computes the output; to a SymbolicTensor it records the call and
   * returns the output's placeholder (functional API). Layers that merge several inputs take an array.
   * The layer is built on its first input.
   *
   * @example
   * ```ts
   * const y = layer.apply(tensor(x, [1, 8, 8, 3]));
   * ```
   */
  apply(x: Tensor | readonly Tensor[], options?: CallOptions): Tensor;
  apply(x: SymbolicTensor | readonly SymbolicTensor[], options?: CallOptions): SymbolicTensor;
  apply(x: LayerInputs, options?: CallOptions): Tensor | SymbolicTensor;
  apply(x: LayerInputs, options: CallOptions = {}): Tensor | SymbolicTensor {
    return this.applyAll(x, options) as Tensor | SymbolicTensor;
  }

  /**
   * `apply` for layers that may return several outputs (models with several outputs): an array then, in
   * output order; otherwise the single output.
   *
   * @example
   * ```ts
   * const [a, b] = twoHeadModel.applyAll(inputs) as SymbolicTensor[];
   * ```
   */
  applyAll(x: LayerInputs, options: CallOptions = {}): Tensor | SymbolicTensor | Tensor[] | SymbolicTensor[] {
    const list: readonly unknown[] = Array.isArray(x) ? x : [x];
    const context = `layer '${this.name}'`;
    // `{ trainig: true }` would otherwise run in inference mode without a word.
    checkOptions(options, CALL_OPTION_KEYS, `${context}.apply`);
    if (options.training !== undefined && typeof options.training !== 'boolean') {
      throw new InvalidArgumentError('training', options.training, 'true, false or undefined', context);
    }
    if (list.length > 0 && list.every(isSymbolicTensor)) {
      const symbolic = list as readonly SymbolicTensor[];
      const shapes = symbolic.map((t) => t.shape);
      this.buildOnce(shapes);
      const outputs = this.symbolicOutputs(shapes);
      const call = this.recordCall(symbolic, Array.isArray(x), outputs.shapes, options.training);
      return outputs.list ? [...call.outputs] : call.outputs[0];
    }
    if (list.length === 0 || !list.every(isTensor)) {
      throw new InvalidArgumentError('x', x, 'a Tensor or a SymbolicTensor (or an array of one kind, for layers that merge inputs)', context);
    }
    const tensors = list as readonly Tensor[];
    for (const t of tensors) {
      if (!isFloatDType(t.dtype) && !this.acceptsIntegerInputs) throw new InvalidArgumentError('x', t.dtype, 'a float32 or float64 tensor', context);
    }
    this.buildOnce(tensors.map((t) => t.shape));
    this.addedLosses = [];
    const output = this.callInputs(this.autocastInputs ? tensors.map((t) => cast(t, this.dtype)) : tensors, options);
    const regularizer = this.activityRegularizer;
    // Keras order: what `call` added first, then the activity regularizer's penalty.
    this.activityLosses = [...this.addedLosses, ...(regularizer ? (Array.isArray(output) ? output : [output]).map((o) => this.activityPenalty(regularizer, o)) : [])];
    this.addedLosses = [];
    return output;
  }

  /**
   * Keras's `add_loss`, for custom layers: called inside `call`, it adds a scalar loss (computed with
   * differentiable ops) to this call's `losses`, which `fit` and `model.losses` include, as the activity
   * penalties. Each call replaces the previous call's losses.
   *
   * @example
   * ```ts
   * protected call(x: Tensor): Tensor { this.addLoss(ops.mul(ops.sum(x), 1e-2)); return x; }
   * ```
   */
  protected addLoss(loss: Tensor): void {
    if (!isTensor(loss) || loss.size !== 1) throw new InvalidArgumentError('loss', isTensor(loss) ? `a tensor of shape [${loss.shape.join(', ')}]` : loss, 'a scalar Tensor', `layer '${this.name}'.addLoss`);
    this.addedLosses.push(loss);
  }

  /** Keras 3 divides the activity penalty by the batch size, so its strength does not depend on it. */
  private activityPenalty(regularizer: Regularizer, output: Tensor): Tensor {
    const penalty = regularizer.call(output);
    return output.rank > 0 ? div(penalty, output.shape[0]) : penalty;
  }

  /**
   * The mask of this layer's output for `inputs` (whose own mask is `mask`), as Keras's
   * `compute_mask`: by default none, since a layer that changes the timesteps cannot pass a mask
   * through unchanged. Mask producers (Embedding with `maskZero`) and mask-preserving layers override it;
   * it is the hook through which a functional model will propagate masks.
   *
   * @example
   * ```ts
   * const mask = embedding.computeMask(ids); // 1 where ids != 0
   * const pooled = pooling.apply(embedding.apply(ids), { mask });
   * ```
   */
  computeMask(inputs: Tensor, mask: Tensor | null = null): Tensor | null {
    void inputs;
    void mask;
    return null;
  }

  /** The layer's Keras config (snake_case keys, as Keras 3's `get_config()`). */
  getConfig(): Config {
    return baseLayerConfig(this);
  }
}

/**
 * Keras's base `Layer.get_config` writes `activity_regularizer` after the dtype policy, and only when one is
 * set; layers whose config follows the base one spread this right after `super.getConfig()`.
 */
export function activityRegularizerConfig(layer: Layer): Config {
  return layer.activityRegularizer ? { activity_regularizer: layer.activityRegularizer.serialize() } : {};
}

/** The keys every Keras layer config starts with: name, trainable and the dtype policy. */
export function baseLayerConfig(layer: Layer): Config {
  return {
    name: layer.name,
    trainable: layer.trainable,
    dtype: serializeKerasObject('keras', 'DTypePolicy', { name: layer.dtype }),
  };
}
