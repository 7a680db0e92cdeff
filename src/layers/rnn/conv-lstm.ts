/**
 * Keras's `ConvLSTM` (the RNN over a `ConvLSTMCell`), of any rank: `ConvLSTM1D`, `ConvLSTM2D` and
 * `ConvLSTM3D` are declarations. The time loop runs over the cell's ops (`conv-lstm-cell.ts`), so
 * gradients flow back through time by autograd; `returnSequences`, `goBackwards`, `returnState`,
 * `stateful` (states kept across calls, `resetStates()`), masks and dropout follow Keras's RNN.
 */

import type { ActivationIdentifier } from '../../activations/index.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import { allocArray } from '../../engine/dtype.js';
import type { FloatDType } from '../../engine/dtype.js';
import type { SeedGenerator } from '../../engine/random.js';
import { SeedGenerator as Seeds } from '../../engine/random.js';
import { formatShape, shapesEqual } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import { tensorFromArray, zeros } from '../../engine/tensor.js';
import { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, Padding } from '../../ops/conv-args.js';
import { concat } from '../../ops/concat.js';
import { where } from '../../ops/elementwise.js';
import { cast, reshape } from '../../ops/shape-ops.js';
import { slice } from '../../ops/slice.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { defineOptions, option } from '../options-schema.js';
import type { ResolvedOptions } from '../options-schema.js';
import { checkStridesAndDilation, checkWeightCount, requireOptions } from '../convolutional/base-conv.js';
import type { ConvLstmCellConfig } from './conv-lstm-cell.js';
import { cellStep, projectInputs } from './conv-lstm-cell.js';
import { UnitForgetBias } from './unit-forget-bias.js';

/** The options of `ConvLSTM1D` / `ConvLSTM2D` / `ConvLSTM3D`: Keras 3.15's arguments in camelCase. */
export interface ConvLSTMOptions extends LayerOptions {
  /** Channels of the states and the output. Required. */
  filters: number;
  /** The input convolution's window (the recurrent one has the same): an integer per spatial axis, or one for all. Required. */
  kernelSize: IntOrTuple;
  /** The input convolution's strides. Default 1; a stride ≠ 1 cannot be combined with a dilation rate ≠ 1. */
  strides?: IntOrTuple;
  /** The input convolution's padding, 'valid' (default) or 'same'; the recurrent one is always 'same'. */
  padding?: string;
  /** Of each step: `[batch, time, ...spatial, channels]` or `[batch, time, channels, ...spatial]`. Defaults to `imageDataFormat()`. */
  dataFormat?: DataFormat | null;
  /** The input convolution's dilation. Default 1. */
  dilationRate?: IntOrTuple;
  /** Default 'tanh'. */
  activation?: ActivationIdentifier;
  /** Of the gates; default 'sigmoid'. */
  recurrentActivation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  /** Default 'orthogonal'. */
  recurrentInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  /** Default true: the forget gate's bias starts at 1 (the rest from `biasInitializer`). */
  unitForgetBias?: boolean;
  kernelRegularizer?: RegularizerIdentifier;
  recurrentRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
  recurrentConstraint?: ConstraintIdentifier;
  biasConstraint?: ConstraintIdentifier;
  /** Fraction of the input dropped in training (one mask per gate, fixed across the time steps). Default 0. */
  dropout?: number;
  /** Fraction of the state dropped in training (one mask per gate, fixed across the time steps). Default 0. */
  recurrentDropout?: number;
  /** Seed of the dropout masks. */
  seed?: number | null;
  /** Return every step's output `[batch, time, ...]` instead of the last one. Default false. */
  returnSequences?: boolean;
  /** Also return the final states: a call gives `[output, h, c]` (tensors or, in a graph, symbolic tensors), as Keras. Default false. */
  returnState?: boolean;
  /** Process the sequence from its last step to its first (outputs in that order). Default false. */
  goBackwards?: boolean;
  /** Keep the final states of a call as the next call's initial states (`resetStates()` zeros them). Default false. */
  stateful?: boolean;
  /** Keras's loop-unrolling switch; accepted and written to the config (the loop here is always unrolled, with the same results). */
  unroll?: boolean;
  /** With a mask: masked steps output zeros instead of the previous output. Default false. */
  zeroOutputForMask?: boolean;
}

/** The declared options of a ConvLSTM class of `rank` spatial axes (Keras's config order). */
export function convLstmSpec(className: string, rank: SpatialRank) {
  const options = defineOptions<ConvLSTMOptions>()(className, {
    returnSequences: option.boolean(false),
    returnState: option.boolean(false),
    goBackwards: option.boolean(false),
    stateful: option.boolean(false),
    unroll: option.boolean(false),
    zeroOutputForMask: option.boolean(false),
    filters: option.size({ required: true }),
    kernelSize: option.tuple(rank, { required: true }),
    strides: option.tuple(rank, { default: 1 }),
    padding: option.padding(['valid', 'same'] as const, 'valid'),
    dataFormat: option.dataFormat(),
    dilationRate: option.tuple(rank, { default: 1 }),
    activation: option.activation('tanh'),
    recurrentActivation: option.activation('sigmoid'),
    useBias: option.boolean(true),
    kernelInitializer: option.initializer('glorot_uniform'),
    recurrentInitializer: option.initializer('orthogonal'),
    biasInitializer: option.initializer('zeros'),
    unitForgetBias: option.boolean(true),
    kernelRegularizer: option.regularizer(),
    recurrentRegularizer: option.regularizer(),
    biasRegularizer: option.regularizer(),
    kernelConstraint: option.constraint(),
    recurrentConstraint: option.constraint(),
    biasConstraint: option.constraint(),
    dropout: option.number({ default: 0, min: 0, max: 1 }),
    recurrentDropout: option.number({ default: 0, min: 0, max: 1 }),
    seed: option.seed(),
  });
  return { className, rank, options };
}

export type ConvLSTMSpec = ReturnType<typeof convLstmSpec>;
type ConvLSTMArgs = ResolvedOptions<ConvLSTMSpec['options']['schema']>;

function resolveConvLstmArgs(options: ConvLSTMOptions, spec: ConvLSTMSpec): ConvLSTMArgs {
  requireOptions(options, spec.className);
  const args = spec.options.resolve(options);
  checkStridesAndDilation(args, options, spec.className);
  checkWeightCount(options.weights, ['kernel', 'recurrent_kernel', ...(args.useBias ? ['bias'] : [])], spec.className);
  return args;
}

/** Dropout masks as Keras draws them (`dropout(ones)`): `1 / (1 - rate)` where kept, 0 where dropped. */
function dropoutMasks(generator: SeedGenerator, rate: number, shape: readonly number[], dtype: FloatDType): Tensor[] {
  const keep = 1 - rate;
  return [0, 1, 2, 3].map(() => {
    const rng = generator.nextRandom();
    const values = allocArray(dtype, shape.reduce((n, d) => n * d, 1));
    for (let i = 0; i < values.length; i++) values[i] = rng.nextDouble() < keep ? 1 / keep : 0;
    return tensorFromArray(values, shape, dtype);
  });
}

/** The ConvLSTM layer of any rank (Keras's `ConvLSTM`); use `ConvLSTM1D`, `ConvLSTM2D` or `ConvLSTM3D`. */
export abstract class ConvLSTM extends Layer {
  readonly rank: SpatialRank;
  readonly filters: number;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly zeroOutputForMask: boolean;
  kernel: Variable | null = null;
  recurrentKernel: Variable | null = null;
  bias: Variable | null = null;
  private readonly spec: ConvLSTMSpec;
  private readonly args: ConvLSTMArgs;
  private readonly cell: ConvLstmCellConfig;
  private readonly seedGenerator: SeedGenerator | null;
  /** A stateful layer's kept `[h, c]` (not weights: Keras keeps them out of `weights` and files too). */
  private states: [Variable, Variable] | null = null;
  private inputChannels: number | null = null;
  private lastStates: [Tensor, Tensor] | null = null;
  private capturingStates = false;

  protected constructor(options: ConvLSTMOptions, spec: ConvLSTMSpec) {
    const args = resolveConvLstmArgs(options, spec);
    super(options, spec.className);
    this.spec = spec;
    this.args = args;
    this.rank = spec.rank;
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dataFormat = args.dataFormat;
    this.dilationRate = args.dilationRate;
    this.useBias = args.useBias;
    this.dropout = args.dropout;
    this.recurrentDropout = args.recurrentDropout;
    this.returnSequences = args.returnSequences;
    this.returnState = args.returnState;
    this.goBackwards = args.goBackwards;
    this.stateful = args.stateful;
    this.zeroOutputForMask = args.zeroOutputForMask;
    this.cell = { ...args, rank: spec.rank };
    this.seedGenerator = args.dropout > 0 || args.recurrentDropout > 0 ? new Seeds(args.seed) : null;
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  private channelAxis(): number {
    return this.dataFormat === 'channels_last' ? this.rank + 2 : 2;
  }

  /** The spatial sizes of one step of the input. */
  private stepSpatial(shape: SymbolicShape): (number | null)[] {
    return this.dataFormat === 'channels_last' ? shape.slice(2, 2 + this.rank) : shape.slice(3);
  }

  /** The shape of the states (and of one step's output) for an input of `shape`, batch included. */
  private stateShape(shape: SymbolicShape): (number | null)[] {
    const spatial = this.stepSpatial(shape).map((size, i) => (size === null ? null : convOutputLength(size, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)));
    return this.dataFormat === 'channels_last' ? [shape[0], ...spatial, this.filters] : [shape[0], this.filters, ...spatial];
  }

  override get outputCount(): number {
    return this.returnState ? 3 : 1;
  }

  /** With `returnState`, a call gives `[output, h, c]`, as Keras's. */
  protected override symbolicOutputs(shapes: readonly SymbolicShape[]): { shapes: (number | null)[][]; list: boolean } {
    if (!this.returnState) return super.symbolicOutputs(shapes);
    const state = this.stateShape(shapes[0]);
    return { shapes: [this.computeOutputShape(shapes[0]), state, [...state]], list: true };
  }

  protected override callInputs(inputs: readonly Tensor[], options: CallOptions): Tensor | Tensor[] {
    return this.returnState ? this.callWithStates(inputs[0], options) : super.callInputs(inputs, options);
  }

  private callWithStates(x: Tensor, options: CallOptions): [Tensor, Tensor, Tensor] {
    this.capturingStates = true;
    try {
      const output = this.call(x, options);
      const [h, c] = this.lastStates as [Tensor, Tensor];
      return [output, h, c];
    } finally {
      this.capturingStates = false;
      this.lastStates = null;
    }
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const spatial = this.rank === 1 ? ['steps'] : this.rank === 2 ? ['rows', 'cols'] : ['depth', 'rows', 'cols'];
    const layout = this.dataFormat === 'channels_last' ? ['batch', 'time', ...spatial, 'channels'] : ['batch', 'time', 'channels', ...spatial];
    if (inputShape.length !== this.rank + 3) {
      throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected rank ${this.rank + 3} ([${layout.join(', ')}]), but received input with shape ${formatShape(inputShape)}`);
    }
    if (this.stepSpatial(inputShape).includes(null)) {
      throw new ShapeError(`Layer '${this.name}': ConvLSTM layers only support static input shapes for the spatial dimensions; received input shape ${formatShape(inputShape)}`);
    }
    const channels = inputShape[this.channelAxis()];
    if (channels === null) {
      throw new ShapeError(`Layer '${this.name}': the channel dimension (axis ${this.channelAxis()}) of the input should be defined, but received input with shape ${formatShape(inputShape)}`);
    }
    if (this.inputChannels !== null && channels !== this.inputChannels) {
      throw new ShapeError(`Input of layer '${this.name}' is incompatible with the layer: expected axis ${this.channelAxis()} of input shape to have value ${this.inputChannels}, but received input with shape ${formatShape(inputShape)}`);
    }
    this.stateShape(inputShape).forEach((size) => {
      if (size !== null && size <= 0) {
        throw new ShapeError(`Layer '${this.name}': input shape ${formatShape(inputShape)} is too small for kernel size ${formatShape(this.kernelSize)} with padding '${this.padding}' (output size ${size})`);
      }
    });
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const state = this.stateShape(inputShape);
    return this.returnSequences ? [state[0], inputShape[1], ...state.slice(1)] : state;
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const shapes = [
      [...this.kernelSize, channels, 4 * this.filters],
      [...this.kernelSize, this.filters, 4 * this.filters],
    ];
    return this.useBias ? [...shapes, [4 * this.filters]] : shapes;
  }

  override build(inputShape: SymbolicShape): void {
    if (this.stateful && inputShape[0] === null) {
      throw new ShapeError(
        `Layer '${this.name}': with stateful: true the batch size must be static (declare it with batchInputShape or batchSize); received input shape ${formatShape(inputShape)}`,
      );
    }
    const [kernelShape, recurrentShape, biasShape] = this.weightShapesFor(inputShape);
    const { args } = this;
    this.inputChannels = inputShape[this.channelAxis()] as number;
    this.kernel = this.addWeight({ name: 'kernel', shape: kernelShape, initializer: args.kernelInitializer, regularizer: args.kernelRegularizer, constraint: args.kernelConstraint });
    this.recurrentKernel = this.addWeight({
      name: 'recurrent_kernel',
      shape: recurrentShape,
      initializer: args.recurrentInitializer,
      regularizer: args.recurrentRegularizer,
      constraint: args.recurrentConstraint,
    });
    if (biasShape) {
      const initializer = args.unitForgetBias ? new UnitForgetBias(args.biasInitializer, this.filters) : args.biasInitializer;
      this.bias = this.addWeight({ name: 'bias', shape: biasShape, initializer, regularizer: args.biasRegularizer, constraint: args.biasConstraint });
    }
    if (this.stateful) {
      const shape = this.stateShape(inputShape) as number[];
      const state = (name: string) => new Variable(zeros(shape, this.dtype), { name, path: `${this.name}/${name}`, trainable: false });
      this.states = [state('rnn_state_h'), state('rnn_state_c')];
    }
    this.built = true;
  }

  /**
   * Zeros a stateful layer's kept states (Keras's `reset_states`); nothing to do for a layer that is not
   * stateful or not built yet.
   *
   * @example
   * ```ts
   * layer.resetStates(); // the next sequence starts from zero states
   * ```
   */
  resetStates(): void {
    if (this.states === null) return;
    for (const v of this.states) v.assign(zeros(v.shape, v.dtype));
  }

  /**
   * The output and the final states `[output, h, c]` (Keras's result with `return_state=True`), on tensors.
   *
   * @example
   * ```ts
   * const [y, h, c] = new ConvLSTM2D({ filters: 4, kernelSize: 3, returnState: true }).applyWithState(frames);
   * ```
   */
  applyWithState(x: Tensor, options: CallOptions = {}): [Tensor, Tensor, Tensor] {
    if (this.returnState) return this.applyAll(x, options) as [Tensor, Tensor, Tensor];
    this.capturingStates = true;
    try {
      const output = this.apply(x, options);
      const [h, c] = this.lastStates as [Tensor, Tensor];
      return [output, h, c];
    } finally {
      this.capturingStates = false;
      this.lastStates = null;
    }
  }

  /** Keras's `compute_mask`: the input mask passes through with `returnSequences`, else none. */
  override computeMask(_inputs: Tensor, mask: Tensor | null = null): Tensor | null {
    return this.returnSequences ? mask : null;
  }

  private initialStates(x: Tensor, options: CallOptions): [Tensor, Tensor] {
    const shape = this.stateShape(x.shape) as number[];
    const given = options.initialState ?? null;
    if (given !== null) {
      if (!Array.isArray(given) || given.length !== 2 || !given.every((s) => shapesEqual(s.shape, shape))) {
        throw new InvalidArgumentError('initialState', Array.isArray(given) ? given.map((s) => s.shape) : given, `two tensors [h, c] of shape ${formatShape(shape)}`, `layer '${this.name}'`);
      }
      return [cast(given[0], x.dtype), cast(given[1], x.dtype)];
    }
    if (this.states !== null) {
      if (this.states[0].shape[0] !== x.shape[0]) {
        throw new ShapeError(`Layer '${this.name}' is stateful: the batch size of the input (${x.shape[0]}) must be the batch size of its states (${this.states[0].shape[0]})`);
      }
      return [this.states[0], this.states[1]];
    }
    return [zeros(shape, x.dtype), zeros(shape, x.dtype)];
  }

  /** The mask's step `t` as a condition broadcasting over a state, or null without a mask. */
  private maskAt(mask: Tensor | null, t: number, dtype: FloatDType): Tensor | null {
    if (mask === null) return null;
    const [batch] = mask.shape;
    return reshape(cast(slice(mask, [0, t], [batch, 1]), dtype), [batch, ...new Array<number>(this.rank + 1).fill(1)]);
  }

  protected call(x: Tensor, options: CallOptions): Tensor {
    if (!this.kernel || !this.recurrentKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const [batch, steps] = x.shape;
    if (steps === 0) throw new ShapeError(`Layer '${this.name}': the input has no time steps (shape ${formatShape(x.shape)})`);
    const mask = options.mask ?? null;
    if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps)) {
      throw new ShapeError(`Layer '${this.name}': the mask must have shape [batch, time] = [${batch}, ${steps}]; received ${formatShape(mask.shape)}`);
    }
    let [h, c] = this.initialStates(x, options);
    const training = options.training === true && this.seedGenerator !== null;
    const stepShape = [batch, ...x.shape.slice(2)];
    const inputMasks = training && this.dropout > 0 && this.dropout < 1 ? dropoutMasks(this.seedGenerator as SeedGenerator, this.dropout, stepShape, this.dtype) : null;
    const stateMasks = training && this.recurrentDropout > 0 && this.recurrentDropout < 1 ? dropoutMasks(this.seedGenerator as SeedGenerator, this.recurrentDropout, h.shape, this.dtype) : null;
    const zx = projectInputs(this.cell, x, this.kernel, this.bias, inputMasks);
    const outputs: Tensor[] = [];
    let output: Tensor | null = null;
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      const zt = reshape(slice(zx, zx.shape.map((_, i) => (i === 1 ? t : 0)), zx.shape.map((d, i) => (i === 1 ? 1 : d))), zx.shape.filter((_, i) => i !== 1));
      const [hNext, cNext] = cellStep(this.cell, zt, h, c, this.recurrentKernel, stateMasks);
      const m = this.maskAt(mask, t, this.dtype);
      if (m === null) {
        [h, c, output] = [hNext, cNext, hNext];
      } else {
        // Masked steps keep the states; their output is the previous one (or zeros), as Keras's RNN.
        output = this.zeroOutputForMask ? where(m, hNext, 0) : where(m, hNext, h);
        [h, c] = [where(m, hNext, h), where(m, cNext, c)];
      }
      if (this.returnSequences) outputs.push(reshape(output, [batch, 1, ...output.shape.slice(1)]));
    }
    if (this.states !== null) {
      this.states[0].assign(h);
      this.states[1].assign(c);
    }
    if (this.capturingStates) this.lastStates = [h, c];
    return this.returnSequences ? concat(outputs, 1) : (output as Tensor);
  }

  override getConfig(): Config {
    const own = this.spec.options.toConfig(this.args);
    // Keras writes activity_regularizer among the cell's arguments, always.
    return { ...super.getConfig(), ...own, activity_regularizer: this.activityRegularizer ? this.activityRegularizer.serialize() : null };
  }
}
