/** Keras's `DepthwiseConv2D`: each input channel convolved with its own `depthMultiplier` filters. */

import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { Activation, ActivationIdentifier } from '../../activations/index.js';
import { getActivation } from '../../activations/index.js';
import { imageDataFormat } from '../../config/keras-config.js';
import type { Constraint, ConstraintIdentifier } from '../../constraints/index.js';
import { getConstraint } from '../../constraints/index.js';
import type { Initializer, InitializerIdentifier } from '../../initializers/index.js';
import { getInitializer } from '../../initializers/index.js';
import type { Config } from '../../io/keras-object.js';
import { convOutputLength } from '../../kernels/window.js';
import type { DataFormat, IntOrTuple, Padding } from '../../ops/conv-args.js';
import { normalizeDataFormat, normalizePadding, normalizeTuple } from '../../ops/conv-args.js';
import { depthwiseConv2d } from '../../ops/depthwise-conv2d.js';
import type { Regularizer, RegularizerIdentifier } from '../../regularizers/index.js';
import { getRegularizer } from '../../regularizers/index.js';
import { formatShape } from '../../engine/shape.js';
import type { CallOptions, LayerOptions } from '../layer.js';
import { Layer } from '../layer.js';
import type { SymbolicShape } from '../symbolic-tensor.js';
import { BASE_CONFIG_KEYS, configToOptions, serializeOrNull } from '../serialize.js';
import { layerFunction } from '../layer-function.js';

/** The options of `layerDepthwiseConv2d`: Keras's arguments in camelCase. */
export interface DepthwiseConv2DOptions extends LayerOptions {
  /** Height and width of the window: one integer for both, or [height, width]. */
  kernelSize: IntOrTuple;
  /** Default 1. A stride ≠ 1 cannot be combined with a dilation rate ≠ 1. */
  strides?: IntOrTuple;
  /** 'valid' (default) or 'same', any case; 'same' puts the odd pixel of padding at the bottom/right. */
  padding?: string;
  /** Output channels per input channel (default 1); output channel `c * depthMultiplier + m`. */
  depthMultiplier?: number;
  /** Defaults to `imageDataFormat()` (keras.json, else 'channels_last'). */
  dataFormat?: DataFormat | null;
  /** Default 1. */
  dilationRate?: IntOrTuple;
  /** A Keras activation name, an activation function, or null for linear. */
  activation?: ActivationIdentifier;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default 'zeros'. */
  biasInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  biasRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier;
  biasConstraint?: ConstraintIdentifier;
}

const CLASS_NAME = 'DepthwiseConv2D';

const CONFIG_KEYS = [
  ...BASE_CONFIG_KEYS,
  'kernel_size',
  'strides',
  'padding',
  'data_format',
  'dilation_rate',
  'activation',
  'use_bias',
  'depth_multiplier',
  'depthwise_initializer',
  'bias_initializer',
  'depthwise_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'depthwise_constraint',
  'bias_constraint',
];

interface ResolvedArgs {
  kernelSize: [number, number];
  strides: [number, number];
  padding: Padding;
  depthMultiplier: number;
  dataFormat: DataFormat;
  dilationRate: [number, number];
  activation: Activation;
  useBias: boolean;
  depthwiseInitializer: Initializer;
  biasInitializer: Initializer;
  depthwiseRegularizer: Regularizer | null;
  biasRegularizer: Regularizer | null;
  depthwiseConstraint: Constraint | null;
  biasConstraint: Constraint | null;
}

/** Validates every argument before the layer exists, so a bad call leaves no half-built layer behind. */
function resolveArgs(options: DepthwiseConv2DOptions): ResolvedArgs {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', options, 'an object of DepthwiseConv2D options', CLASS_NAME);
  }
  if (options.kernelSize === undefined || options.kernelSize === null) {
    throw new InvalidArgumentError('kernelSize', options.kernelSize, 'a positive integer or an array of 2 positive integers (it is required)', CLASS_NAME);
  }
  const kernelSize = normalizeTuple(options.kernelSize, 2, 'kernelSize', 1, CLASS_NAME) as [number, number];
  const strides = normalizeTuple(options.strides ?? 1, 2, 'strides', 1, CLASS_NAME) as [number, number];
  const dilationRate = normalizeTuple(options.dilationRate ?? 1, 2, 'dilationRate', 1, CLASS_NAME) as [number, number];
  if (strides.some((s) => s !== 1) && dilationRate.some((d) => d !== 1)) {
    throw new InvalidArgumentError(
      'strides',
      { strides: options.strides, dilationRate: options.dilationRate },
      'strides of 1 when dilationRate is not 1 (a stride ≠ 1 is incompatible with a dilation rate ≠ 1)',
      CLASS_NAME,
    );
  }
  const depthMultiplier = options.depthMultiplier ?? 1;
  if (!Number.isInteger(depthMultiplier) || depthMultiplier < 1) {
    throw new InvalidArgumentError('depthMultiplier', options.depthMultiplier, 'a positive integer', CLASS_NAME);
  }
  const useBias = options.useBias ?? true;
  if (typeof useBias !== 'boolean') throw new InvalidArgumentError('useBias', options.useBias, 'true or false', CLASS_NAME);
  return {
    kernelSize,
    strides,
    padding: normalizePadding(options.padding ?? 'valid', CLASS_NAME),
    depthMultiplier,
    dataFormat: options.dataFormat === undefined || options.dataFormat === null ? imageDataFormat() : normalizeDataFormat(options.dataFormat, CLASS_NAME),
    dilationRate,
    activation: getActivation(options.activation, 'activation'),
    useBias,
    depthwiseInitializer: getInitializer(options.depthwiseInitializer ?? 'glorot_uniform', 'depthwiseInitializer'),
    biasInitializer: getInitializer(options.biasInitializer ?? 'zeros', 'biasInitializer'),
    depthwiseRegularizer: getRegularizer(options.depthwiseRegularizer, 'depthwiseRegularizer'),
    biasRegularizer: getRegularizer(options.biasRegularizer, 'biasRegularizer'),
    depthwiseConstraint: getConstraint(options.depthwiseConstraint, 'depthwiseConstraint'),
    biasConstraint: getConstraint(options.biasConstraint, 'biasConstraint'),
  };
}

/**
 * Depthwise 2D convolution (Keras's `DepthwiseConv2D`): kernel `[kh, kw, inChannels, depthMultiplier]`,
 * bias `[inChannels * depthMultiplier]`, weights in the order `[depthwise_kernel, bias]`.
 *
 * @example
 * ```ts
 * const layer = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 8, 8, 3])); // shape [1, 8, 8, 6]
 * ```
 */
export class DepthwiseConv2D extends Layer {
  readonly className = CLASS_NAME;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly dataFormat: DataFormat;
  readonly dilationRate: readonly [number, number];
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly depthwiseInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly depthwiseConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
  depthwiseKernel: Variable | null = null;
  bias: Variable | null = null;
  private inputChannels: number | null = null;

  constructor(options: DepthwiseConv2DOptions) {
    const args = resolveArgs(options);
    super(options, CLASS_NAME);
    this.kernelSize = args.kernelSize;
    this.strides = args.strides;
    this.padding = args.padding;
    this.depthMultiplier = args.depthMultiplier;
    this.dataFormat = args.dataFormat;
    this.dilationRate = args.dilationRate;
    this.activation = args.activation;
    this.useBias = args.useBias;
    this.depthwiseInitializer = args.depthwiseInitializer;
    this.biasInitializer = args.biasInitializer;
    this.depthwiseRegularizer = args.depthwiseRegularizer;
    this.biasRegularizer = args.biasRegularizer;
    this.depthwiseConstraint = args.depthwiseConstraint;
    this.biasConstraint = args.biasConstraint;
    if (options.weights) {
      const expected = this.useBias ? 2 : 1;
      if (options.weights.length !== expected) {
        throw new InvalidArgumentError('weights', options.weights.map((w) => w.shape), `${expected} tensors ([depthwise_kernel${this.useBias ? ', bias' : ''}])`, CLASS_NAME);
      }
    }
    if (this.batchInputShape) this.assertInputCompatible(this.batchInputShape);
  }

  private channelAxis(): number {
    return this.dataFormat === 'channels_last' ? 3 : 1;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    if (inputShape.length !== 4) {
      throw new ShapeError(
        `Input of layer '${this.name}' is incompatible with the layer: expected rank 4 (${this.dataFormat === 'channels_last' ? '[batch, height, width, channels]' : '[batch, channels, height, width]'}), but received input with shape ${formatShape(inputShape)}`,
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

  protected override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [this.kernelSize[0], this.kernelSize[1], channels, this.depthMultiplier];
    return this.useBias ? [kernel, [channels * this.depthMultiplier]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const [kernelShape, biasShape] = this.weightShapesFor(inputShape);
    this.inputChannels = kernelShape[2];
    this.depthwiseKernel = this.addWeight({
      name: 'kernel',
      shape: kernelShape,
      initializer: this.depthwiseInitializer,
      regularizer: this.depthwiseRegularizer,
      constraint: this.depthwiseConstraint,
    });
    if (biasShape) {
      this.bias = this.addWeight({
        name: 'bias',
        shape: biasShape,
        initializer: this.biasInitializer,
        regularizer: this.biasRegularizer,
        constraint: this.biasConstraint,
      });
    }
    this.built = true;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    this.assertInputCompatible(inputShape);
    const channelsLast = this.dataFormat === 'channels_last';
    const [h, w] = channelsLast ? [inputShape[1], inputShape[2]] : [inputShape[2], inputShape[3]];
    const out = (size: number | null, i: 0 | 1): number | null => {
      if (size === null) return null;
      const length = convOutputLength(size, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding);
      if (length <= 0) {
        throw new ShapeError(
          `Layer '${this.name}': input shape ${formatShape(inputShape)} is too small for kernel size ${formatShape(this.kernelSize)} with dilation ${formatShape(this.dilationRate)} and padding '${this.padding}' (output size ${length})`,
        );
      }
      return length;
    };
    const channels = (inputShape[this.channelAxis()] as number) * this.depthMultiplier;
    const oh = out(h, 0);
    const ow = out(w, 1);
    return channelsLast ? [inputShape[0], oh, ow, channels] : [inputShape[0], channels, oh, ow];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.depthwiseKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const y = depthwiseConv2d(x, this.depthwiseKernel, {
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilationRate,
      dataFormat: this.dataFormat,
      bias: this.bias,
    });
    return this.activation.apply(y);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = DepthwiseConv2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): DepthwiseConv2D {
    return new DepthwiseConv2D(configToOptions(config, CONFIG_KEYS, CLASS_NAME) as unknown as DepthwiseConv2DOptions);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      activation: this.activation.name,
      use_bias: this.useBias,
      depth_multiplier: this.depthMultiplier,
      depthwise_initializer: this.depthwiseInitializer.serialize(),
      bias_initializer: this.biasInitializer.serialize(),
      depthwise_regularizer: serializeOrNull(this.depthwiseRegularizer),
      bias_regularizer: serializeOrNull(this.biasRegularizer),
      activity_regularizer: serializeOrNull(this.activityRegularizer),
      depthwise_constraint: serializeOrNull(this.depthwiseConstraint),
      bias_constraint: serializeOrNull(this.biasConstraint),
    };
  }
}

/**
 * Creates a `DepthwiseConv2D` layer and composes it with `object` (Keras's `layer_depthwise_conv_2d`):
 * nothing → the layer; a Sequential model → that model with the layer added; a symbolic tensor → the
 * output tensor; a tensor → the computed output.
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [28, 28, 1] });
 * layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
 * ```
 */
export const layerDepthwiseConv2d = layerFunction((options: DepthwiseConv2DOptions) => new DepthwiseConv2D(options));
