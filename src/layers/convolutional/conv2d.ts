/** Keras's `Conv2D`, and the rank-generic convolution layer it and `Conv1D` share. */

import type { Variable } from '../../engine/variable.js';
import type { Tensor } from '../../engine/tensor.js';
import { formatShape } from '../../engine/shape.js';
import { InvalidArgumentError, ShapeError } from '../../errors.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import type { ExplicitPadding } from '../../kernels/conv2d/index.js';
import { conv2d } from '../../ops/conv2d.js';
import type { EpilogueTensors } from '../../ops/windowed-op.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions, serializeOrNull } from '../serialize.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkWeightCount, requirePositiveInteger, resolveWeightArgs, resolveWindowArgs, WINDOW_CONFIG_KEYS } from './base-conv.js';

/** The options of `Conv2D` / `Conv1D`: Keras's arguments in camelCase. */
export interface ConvOptions extends BaseConvOptions {
  /** Number of output channels. Required; divisible by `groups`. */
  filters: number;
  /** Default 1: channels and filters split into this many independent convolutions. */
  groups?: number;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
}

export const CONV_CONFIG_KEYS: readonly string[] = [
  ...BASE_CONFIG_KEYS,
  ...WINDOW_CONFIG_KEYS,
  'filters',
  'groups',
  'kernel_initializer',
  'bias_initializer',
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
];

/**
 * The convolution layer of any rank (Keras's `BaseConv`): kernel `[...kernelSize, C / groups, filters]`,
 * bias `[filters]`, weights in the order `[kernel, bias]`. Use `Conv2D` or `Conv1D`.
 */
export abstract class Conv extends BaseConv {
  readonly filters: number;
  readonly groups: number;
  readonly kernelInitializer: WeightArgs['initializer'];
  readonly kernelRegularizer: WeightArgs['regularizer'];
  readonly kernelConstraint: WeightArgs['constraint'];
  kernel: Variable | null = null;

  protected constructor(options: ConvOptions, rank: 1 | 2, className: string, allowCausal = false) {
    const window = resolveWindowArgs(options, rank, className, allowCausal);
    const filters = requirePositiveInteger(options.filters, 'filters', className);
    const groups = requirePositiveInteger(options.groups, 'groups', className, 1);
    if (filters % groups !== 0) {
      throw new InvalidArgumentError('groups', options.groups, `a divisor of filters (${filters})`, className);
    }
    const kernelArgs = resolveWeightArgs(options as unknown as Record<string, unknown>, 'kernel');
    checkWeightCount(options.weights, window.useBias ? ['kernel', 'bias'] : ['kernel'], className);
    super(options, window, className);
    this.filters = filters;
    this.groups = groups;
    this.kernelInitializer = kernelArgs.initializer;
    this.kernelRegularizer = kernelArgs.regularizer;
    this.kernelConstraint = kernelArgs.constraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape): void {
    super.assertInputCompatible(inputShape);
    const channels = inputShape[this.channelAxis()] as number;
    if (channels % this.groups !== 0) {
      throw new ShapeError(
        `Layer '${this.name}': the number of input channels must be evenly divisible by the number of groups; received groups=${this.groups}, but the input has ${channels} channels (full input shape ${formatShape(inputShape)})`,
      );
    }
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, channels / this.groups, this.filters];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint };
    [this.kernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }


  /** Conv1D 'causal': pad `(k - 1) * d` before the steps only, so output t never sees inputs after t. */
  private explicitPadding(): ExplicitPadding | 'valid' | 'same' {
    if (this.padding !== 'causal') return this.padding;
    return [[0, 0], [(this.kernelSize[0] - 1) * this.dilationRate[0], 0]];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.finish(this.convolve(x));
  }

  /** @internal Inference with a fused per-channel epilogue (see `models/inference-fusion.ts`); 2D only. */
  callFused(x: Tensor, epilogue: EpilogueTensors): Tensor {
    return this.convolve(x, epilogue);
  }

  private convolve(x: Tensor, epilogue?: EpilogueTensors): Tensor {
    if (!this.kernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    return conv2d(this.to2d(x), this.kernel2d(this.kernel), {
      strides: this.pair(this.strides),
      dilationRate: this.pair(this.dilationRate),
      padding: this.explicitPadding(),
      dataFormat: this.dataFormat,
      groups: this.groups,
      bias: this.bias,
      epilogue,
    });
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...this.windowConfig(),
      groups: this.groups,
      kernel_initializer: this.kernelInitializer.serialize(),
      bias_initializer: this.biasInitializer.serialize(),
      kernel_regularizer: serializeOrNull(this.kernelRegularizer),
      bias_regularizer: serializeOrNull(this.biasRegularizer),
      activity_regularizer: serializeOrNull(this.activityRegularizer),
      kernel_constraint: serializeOrNull(this.kernelConstraint),
      bias_constraint: serializeOrNull(this.biasConstraint),
    };
  }
}

const CLASS_NAME = 'Conv2D';

/**
 * 2D convolution (Keras's `Conv2D`), with `groups` for grouped convolutions: kernel
 * `[kh, kw, C / groups, filters]`, bias `[filters]`.
 *
 * @example
 * ```ts
 * const layer = new Conv2D({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
 * const y = layer.apply(zeros([1, 32, 32, 3])); // shape [1, 16, 16, 16]
 * ```
 */
export class Conv2D extends Conv {
  readonly className = CLASS_NAME;

  constructor(options: ConvOptions) {
    super(options, 2, CLASS_NAME);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv2D {
    return new Conv2D(configToOptions(config, CONV_CONFIG_KEYS, CLASS_NAME) as unknown as ConvOptions);
  }
}

/**
 * Creates a `Conv2D` layer and composes it with `object` (Keras's `layer_conv_2d`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [28, 28, 1] });
 * layerConv2d(model, { filters: 8, kernelSize: 3, activation: 'relu' });
 * ```
 */
export const layerConv2d = layerFunction((options: ConvOptions) => new Conv2D(options));
