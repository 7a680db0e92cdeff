/**
 * What every convolution layer shares, of any rank (Keras's `BaseConv`, `BaseDepthwiseConv`,
 * `BaseSeparableConv`, `BaseConvTranspose` all repeat it): the window options and their schema entries,
 * the stride/dilation rule, the input checks, the output-shape rule and weight creation. A concrete layer
 * (`Conv3D`, `DepthwiseConv1D`, ...) is then a declaration: its class name, its rank and its options.
 */

import type { Activation, ActivationIdentifier } from '../../activations/index.js';
import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import type { SpatialRank } from '../../kernels/conv/params.js';
import { SPATIAL_AXES } from '../../kernels/conv/params.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, LayerPadding } from '../../ops/conv-args.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { option } from '../options-schema.js';
import { serializeOrNull } from '../serialize.js';

/** Keras's paddings; 'causal' only for Conv1D. */
export type ConvPadding = LayerPadding;

/** The arguments every convolution layer takes, in camelCase. */
export interface BaseConvOptions extends LayerOptions {
  /** The window: one integer for every spatial axis, or one per axis. Required. */
  kernelSize: IntOrTuple;
  /** Default 1. A stride ≠ 1 cannot be combined with a dilation rate ≠ 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case; 'same' puts the odd pixel of padding at the end of each axis. */
  padding?: string;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** A Keras activation name, an activation function, or null for linear. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  biasConstraint?: ConstraintIdentifier;
}

/** The schema entries of the window options, for a layer of `rank` spatial axes (spread into its schema). */
export function windowSchema(rank: SpatialRank, paddings: readonly ConvPadding[] = ['valid', 'same']) {
  return {
    kernelSize: option.tuple(rank, { required: true }),
    strides: option.tuple(rank, { default: 1 }),
    padding: option.padding(paddings, 'valid'),
    dataFormat: option.dataFormat(),
    dilationRate: option.tuple(rank, { default: 1 }),
  };
}

/** The validated window arguments, as the base class holds them. */
export interface WindowArgs {
  kernelSize: readonly number[];
  strides: readonly number[];
  padding: ConvPadding;
  dataFormat: DataFormat;
  dilationRate: readonly number[];
  activation: Activation;
  useBias: boolean;
  biasInitializer: Initializer;
  biasRegularizer: Regularizer | null;
  biasConstraint: Constraint | null;
}

/** One weight's initializer, regularizer and constraint. */
export interface WeightArgs {
  initializer: Initializer;
  regularizer: Regularizer | null;
  constraint: Constraint | null;
}

/**
 * The documented contract of every convolution layer (Keras 3.15's BaseConv computes it anyway; its
 * ConvLSTM refuses it): a stride ≠ 1 is incompatible with a dilation rate ≠ 1.
 */
export function checkStridesAndDilation(args: { strides: readonly number[]; dilationRate: readonly number[] }, options: { strides?: unknown; dilationRate?: unknown }, className: string): void {
  if (args.strides.some((s) => s !== 1) && args.dilationRate.some((d) => d !== 1)) {
    throw new InvalidArgumentError(
      'strides',
      { strides: options.strides, dilationRate: options.dilationRate },
      'strides of 1 when dilationRate is not 1 (a stride ≠ 1 is incompatible with a dilation rate ≠ 1)',
      className,
    );
  }
}

/** Refuses `weights` of the wrong count before anything is built, naming Keras's weight order. */
export function checkWeightCount(weights: readonly Tensor[] | undefined, names: readonly string[], className: string): void {
  if (weights && weights.length !== names.length) {
    throw new InvalidArgumentError('weights', weights.map((w) => w.shape), `${names.length} tensors ([${names.join(', ')}])`, className);
  }
}

/** Refuses a missing or non-object options argument, naming the class. */
export function requireOptions(options: unknown, className: string): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError('options', options, `an object of ${className} options`, className);
  }
}

/**
 * The base of every convolution layer: holds the window arguments, checks inputs (rank, a defined and
 * unchanging channel axis), computes output shapes and creates the weights.
 */
export abstract class BaseConv extends Layer {
  readonly rank: SpatialRank;
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly padding: ConvPadding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly number[];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;
  readonly biasRegularizer: Regularizer | null;
  readonly biasConstraint: Constraint | null;
  /** Input channels, fixed by the first build. */
  protected inputChannels: number | null = null;
  /** The bias, once built with `useBias`. */
  bias: Variable | null = null;

  protected constructor(options: LayerOptions, rank: SpatialRank, args: WindowArgs, className: string) {
    super(options, className);
    this.rank = rank;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.dataFormat = args.dataFormat;
    this.dilationRate = args.dilationRate;
    this.activation = args.activation;
    this.useBias = args.useBias;
    this.biasInitializer = args.biasInitializer;
    this.biasRegularizer = args.biasRegularizer;
    this.biasConstraint = args.biasConstraint;
  }

  /** Output channels for this many input channels. */
  protected abstract outputChannels(inputChannels: number): number;

  /**
   * Creates the kernels (Keras's weight names, with their initializer, regularizer and constraint) in the
   * order of `weightShapesFor`, then the bias when `useBias`; every variant builds through this.
   */
  protected buildWeights(inputShape: SymbolicShape, kernels: readonly { name: string; args: WeightArgs }[]): Variable[] {
    const shapes = this.weightShapesFor(inputShape);
    this.inputChannels = inputShape[this.channelAxis()] as number;
    const created = kernels.map(({ name, args }, i) =>
      this.addWeight({ name, shape: shapes[i], initializer: args.initializer, regularizer: args.regularizer, constraint: args.constraint }),
    );
    if (this.useBias) {
      const shape = shapes[kernels.length];
      this.bias = this.addWeight({ name: 'bias', shape, initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
    return created;
  }

  /** Output length of spatial axis `axis`; the transposed convolution overrides it. */
  protected outputLength(size: number, axis: number): number {
    const padding = this.padding === 'causal' ? 'same' : this.padding; // causal: ceil(n / s), as 'same'
    return convOutputLength(size, this.kernelSize[axis], this.strides[axis], this.dilationRate[axis], padding);
  }

  protected channelAxis(): number {
    return this.dataFormat === 'channels_last' ? this.rank + 1 : 1;
  }

  /** Subclasses call this last in their constructor: a declared input shape is checked at once. */
  protected checkDeclaredInput(): void {
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    const spatial = this.rank === 1 ? ['steps'] : SPATIAL_AXES[this.rank];
    const axes = this.dataFormat === 'channels_last' ? ['batch', ...spatial, 'channels'] : ['batch', 'channels', ...spatial];
    if (inputShape.length !== this.rank + 2) {
      throw new ShapeError(
        `Input of layer '${this.name}' is incompatible with the layer: expected rank ${this.rank + 2} ([${axes.join(', ')}]), but received input with shape ${formatShape(inputShape)}`,
      );
    }
    const channels = inputShape[this.channelAxis()];
    if (channels === null) {
      throw new ShapeError(`Layer '${this.name}': the channel dimension (axis ${this.channelAxis()}) of the input should be defined, but received input with shape ${formatShape(inputShape)}`);
    }
    if (this.inputChannels !== null && channels !== this.inputChannels) {
      throw new ShapeError(
        `Input of layer '${this.name}' is incompatible with the layer: expected axis ${this.channelAxis()} of input shape to have value ${this.inputChannels}, but received input with shape ${formatShape(inputShape)}`,
      );
    }
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const first = this.dataFormat === 'channels_last' ? 1 : 2;
    const spatial = inputShape.slice(first, first + this.rank).map((size, axis) => {
      if (size === null) return null;
      const length = this.outputLength(size, axis);
      if (length <= 0) {
        throw new ShapeError(
          `Layer '${this.name}': input shape ${formatShape(inputShape)} is too small for kernel size ${formatShape(this.kernelSize)} with dilation ${formatShape(this.dilationRate)} and padding '${this.padding}' (output size ${length})`,
        );
      }
      return length;
    });
    const channels = this.outputChannels(inputShape[this.channelAxis()] as number);
    return this.dataFormat === 'channels_last' ? [inputShape[0], ...spatial, channels] : [inputShape[0], channels, ...spatial];
  }

  /** The config: the base layer's, the layer's own options, and Keras's always-present activity regularizer. */
  protected convConfig(own: Config): Config {
    return { ...super.getConfig(), ...own, activity_regularizer: serializeOrNull(this.activityRegularizer) };
  }
}
