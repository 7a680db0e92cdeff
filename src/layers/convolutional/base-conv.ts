/**
 * What every convolution layer shares (Keras's `BaseConv`, `BaseDepthwiseConv`, `BaseSeparableConv`,
 * `BaseConvTranspose` all repeat it): the window arguments and their validation, the input checks, the
 * output-shape rule, the window part of the config, and running rank-1 layers on the 2D ops through a
 * unit height axis.
 */

import type { Activation, ActivationIdentifier } from '../../activations/index.js';
import { getActivation } from '../../activations/index.js';
import { imageDataFormat } from '../../config/keras-config.js';
import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { getConstraint } from '../../constraints/index.js';
import { formatShape } from '../../engine/shape.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import { checkSizeInteger, sizeIntegerWords } from '../../utils/arguments.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import { getInitializer } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, Padding } from '../../ops/conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from '../../ops/conv-args.js';
import { reshape } from '../../ops/shape-ops.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import { getRegularizer } from '../../regularizers/index.js';
import type { LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';

/** Keras's paddings; 'causal' only for Conv1D. */
export type ConvPadding = Padding | 'causal';

/** The arguments every convolution layer takes, in camelCase. */
export interface BaseConvOptions extends LayerOptions {
  /** The window: one integer for every spatial axis, or one per axis. Required. */
  kernelSize: IntOrTuple;
  /** Default 1. A stride ≠ 1 cannot be combined with a dilation rate ≠ 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case; 'same' puts the odd pixel of padding at the bottom/right. */
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

/** The validated window arguments. */
export interface WindowArgs {
  rank: 1 | 2;
  kernelSize: number[];
  strides: number[];
  padding: ConvPadding;
  dataFormat: DataFormat;
  dilationRate: number[];
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

/** The config keys `windowConfig` writes. */
export const WINDOW_CONFIG_KEYS: readonly string[] = ['kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias'];

/** Refuses a missing or non-object options argument, naming the class. */
export function requireOptions(options: unknown, className: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', options, `an object of ${className} options`, className);
  }
}

/** A positive integer argument (`filters`, `depthMultiplier`, `groups`); `fallback` when omitted, else required. */
export function requirePositiveInteger(value: unknown, argument: string, className: string, fallback?: number): number {
  const resolved = value === undefined || value === null ? fallback : value;
  if (resolved === undefined) throw new InvalidArgumentError(argument, value, `${sizeIntegerWords()} (it is required)`, className);
  return checkSizeInteger(resolved, argument, 1, className);
}

/**
 * Validates the window arguments. Throws before the layer exists, so a bad call leaves nothing behind.
 * The stride/dilation rule is Keras's documented contract for every convolution layer.
 */
export function resolveWindowArgs(options: BaseConvOptions, rank: 1 | 2, className: string, allowCausal = false): WindowArgs {
  requireOptions(options, className);
  const tuple = `a positive integer or an array of ${rank} positive integer${rank === 1 ? '' : 's'}`;
  if (options.kernelSize === undefined || options.kernelSize === null) {
    throw new InvalidArgumentError('kernelSize', options.kernelSize, `${tuple} (it is required)`, className);
  }
  const kernelSize = normalizeTuple(options.kernelSize, rank, 'kernelSize', 1, className);
  const strides = normalizeTuple(options.strides ?? 1, rank, 'strides', 1, className);
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, rank, 'dilationRate', 1, className);
  if (strides.some((s) => s !== 1) && dilationRate.some((d) => d !== 1)) {
    throw new InvalidArgumentError(
      'strides',
      { strides: options.strides, dilationRate: options.dilationRate },
      'strides of 1 when dilationRate is not 1 (a stride ≠ 1 is incompatible with a dilation rate ≠ 1)',
      className,
    );
  }
  const lowered = typeof options.padding === 'string' ? options.padding.toLowerCase() : options.padding;
  let padding: ConvPadding;
  if (allowCausal && lowered === 'causal') padding = 'causal';
  else if (allowCausal && lowered !== 'valid' && lowered !== 'same' && lowered !== undefined) {
    throw new InvalidArgumentError('padding', options.padding, "'valid', 'same' or 'causal' (case-insensitive)", className);
  } else padding = normalizePadding(options.padding ?? 'valid', className);
  const useBias = options.useBias ?? true;
  if (typeof useBias !== 'boolean') throw new InvalidArgumentError('useBias', options.useBias, 'true or false', className);
  const dataFormat =
    options.dataFormat === undefined || options.dataFormat === null ? imageDataFormat() : normalizeDataFormat(options.dataFormat, className);
  return {
    rank,
    kernelSize,
    strides,
    padding,
    dataFormat,
    dilationRate,
    activation: getActivation(options.activation, 'activation'),
    useBias,
    biasInitializer: getInitializer(options.biasInitializer ?? 'zeros', 'biasInitializer'),
    biasRegularizer: getRegularizer(options.biasRegularizer, 'biasRegularizer'),
    biasConstraint: getConstraint(options.biasConstraint, 'biasConstraint'),
  };
}

/** Resolves `<prefix>Initializer`, `<prefix>Regularizer`, `<prefix>Constraint` (e.g. `depthwise…`). */
export function resolveWeightArgs(
  options: Partial<Record<string, unknown>>,
  prefix: 'kernel' | 'depthwise' | 'pointwise',
): WeightArgs {
  return {
    initializer: getInitializer((options[`${prefix}Initializer`] ?? 'glorot_uniform') as InitializerIdentifier, `${prefix}Initializer`),
    regularizer: getRegularizer(options[`${prefix}Regularizer`] as RegularizerIdentifier, `${prefix}Regularizer`),
    constraint: getConstraint(options[`${prefix}Constraint`] as ConstraintIdentifier, `${prefix}Constraint`),
  };
}

/** Refuses `weights` of the wrong count before anything is built, naming Keras's weight order. */
export function checkWeightCount(weights: readonly Tensor[] | undefined, names: readonly string[], className: string): void {
  if (weights && weights.length !== names.length) {
    throw new InvalidArgumentError('weights', weights.map((w) => w.shape), `${names.length} tensors ([${names.join(', ')}])`, className);
  }
}

/**
 * The base of every convolution layer: holds the window arguments, checks inputs (rank, a defined and
 * unchanging channel axis), computes output shapes and runs rank-1 layers on the 2D ops.
 */
export abstract class BaseConv extends Layer {
  readonly rank: 1 | 2;
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

  protected constructor(options: LayerOptions, args: WindowArgs, className: string) {
    super(options, className);
    this.rank = args.rank;
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
    const spatial = this.rank === 1 ? ['steps'] : ['height', 'width'];
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

  /** A per-axis tuple as the 2D ops take it: rank-1 layers get a unit height. */
  protected pair(values: readonly number[], unit = 1): [number, number] {
    return this.rank === 1 ? [unit, values[0]] : [values[0], values[1]];
  }

  /** Rank-1 inputs `[N, L, C]` / `[N, C, L]` become `[N, 1, L, C]` / `[N, C, 1, L]` (storage shared). */
  protected to2d(x: Tensor): Tensor {
    if (this.rank === 2) return x;
    const [n, a, b] = x.shape;
    return reshape(x, this.dataFormat === 'channels_last' ? [n, 1, a, b] : [n, a, 1, b]);
  }

  /** Undoes `to2d` on the output and applies the activation. */
  protected finish(y: Tensor): Tensor {
    const out = this.rank === 2 ? y : reshape(y, this.dataFormat === 'channels_last' ? [y.shape[0], y.shape[2], y.shape[3]] : [y.shape[0], y.shape[1], y.shape[3]]);
    return this.activation.apply(out);
  }

  /** A rank-1 kernel `[k, a, b]` as the 2D ops take it: `[1, k, a, b]` (storage shared). */
  protected kernel2d(kernel: Tensor): Tensor {
    return this.rank === 2 ? kernel : reshape(kernel, [1, ...kernel.shape]);
  }

  /** The window part of Keras's config. */
  protected windowConfig(): Config {
    return {
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
    };
  }
}
