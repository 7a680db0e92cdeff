/**
 * Keras's `SeparableConv2D` (a depthwise convolution, then a 1×1 pointwise one), and the rank-generic
 * separable layer it and `SeparableConv1D` share.
 */

import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { conv2d } from '../../ops/conv2d.js';
import { depthwiseConv2d } from '../../ops/depthwise-conv2d.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions, serializeOrNull } from '../serialize.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkWeightCount, requirePositiveInteger, resolveWeightArgs, resolveWindowArgs, WINDOW_CONFIG_KEYS } from './base-conv.js';

/** The options of `SeparableConv2D` / `SeparableConv1D`: Keras's arguments in camelCase. */
export interface SeparableConvOptions extends BaseConvOptions {
  /** Output channels of the pointwise step. Required. */
  filters: number;
  /** Depthwise output channels per input channel (default 1). */
  depthMultiplier?: number;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  /** Default 'glorot_uniform'. */
  pointwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  pointwiseRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier;
  pointwiseConstraint?: ConstraintIdentifier;
}

export const SEPARABLE_CONFIG_KEYS: readonly string[] = [
  ...BASE_CONFIG_KEYS,
  ...WINDOW_CONFIG_KEYS,
  'depth_multiplier',
  'filters',
  'depthwise_initializer',
  'pointwise_initializer',
  'bias_initializer',
  'depthwise_regularizer',
  'pointwise_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'depthwise_constraint',
  'pointwise_constraint',
  'bias_constraint',
];

/**
 * The separable convolution of any rank (Keras's `BaseSeparableConv`). Weights, in Keras's order:
 * `depthwise_kernel [...kernelSize, C, dm]`, `pointwise_kernel [...1s, C * dm, filters]`, `bias [filters]`.
 */
export abstract class SeparableConv extends BaseConv {
  readonly filters: number;
  readonly depthMultiplier: number;
  readonly depthwise: WeightArgs;
  readonly pointwise: WeightArgs;
  depthwiseKernel: Variable | null = null;
  pointwiseKernel: Variable | null = null;

  protected constructor(options: SeparableConvOptions, rank: 1 | 2, className: string) {
    const window = resolveWindowArgs(options, rank, className);
    const filters = requirePositiveInteger(options.filters, 'filters', className);
    const depthMultiplier = requirePositiveInteger(options.depthMultiplier, 'depthMultiplier', className, 1);
    const record = options as unknown as Record<string, unknown>;
    const depthwise = resolveWeightArgs(record, 'depthwise');
    const pointwise = resolveWeightArgs(record, 'pointwise');
    const names = ['depthwise_kernel', 'pointwise_kernel', ...(window.useBias ? ['bias'] : [])];
    checkWeightCount(options.weights, names, className);
    super(options, window, className);
    this.filters = filters;
    this.depthMultiplier = depthMultiplier;
    this.depthwise = depthwise;
    this.pointwise = pointwise;
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const shapes = [
      [...this.kernelSize, channels, this.depthMultiplier],
      [...this.kernelSize.map(() => 1), channels * this.depthMultiplier, this.filters],
    ];
    return this.useBias ? [...shapes, [this.filters]] : shapes;
  }

  override build(inputShape: SymbolicShape): void {
    [this.depthwiseKernel, this.pointwiseKernel] = this.buildWeights(inputShape, [
      { name: 'depthwise_kernel', args: this.depthwise },
      { name: 'pointwise_kernel', args: this.pointwise },
    ]);
  }


  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.depthwiseKernel || !this.pointwiseKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const mid = depthwiseConv2d(this.to2d(x), this.kernel2d(this.depthwiseKernel), {
      strides: this.pair(this.strides),
      padding: this.padding === 'causal' ? 'same' : this.padding,
      dilationRate: this.pair(this.dilationRate),
      dataFormat: this.dataFormat,
    });
    // The pointwise step is a 1×1 convolution: the conv2d kernel's matrix-product fast path.
    const y = conv2d(mid, this.kernel2d(this.pointwiseKernel), { dataFormat: this.dataFormat, bias: this.bias });
    return this.finish(y);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      depth_multiplier: this.depthMultiplier,
      filters: this.filters,
      ...this.windowConfig(),
      depthwise_initializer: this.depthwise.initializer.serialize(),
      pointwise_initializer: this.pointwise.initializer.serialize(),
      bias_initializer: this.biasInitializer.serialize(),
      depthwise_regularizer: serializeOrNull(this.depthwise.regularizer),
      pointwise_regularizer: serializeOrNull(this.pointwise.regularizer),
      bias_regularizer: serializeOrNull(this.biasRegularizer),
      activity_regularizer: serializeOrNull(this.activityRegularizer),
      depthwise_constraint: serializeOrNull(this.depthwise.constraint),
      pointwise_constraint: serializeOrNull(this.pointwise.constraint),
      bias_constraint: serializeOrNull(this.biasConstraint),
    };
  }
}

const CLASS_NAME = 'SeparableConv2D';

/**
 * Depthwise-separable 2D convolution (Keras's `SeparableConv2D`): a depthwise convolution with
 * `depthMultiplier` filters per channel, then a 1×1 convolution to `filters` channels.
 *
 * @example
 * ```ts
 * const layer = new SeparableConv2D({ filters: 32, kernelSize: 3, padding: 'same', depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 16, 16, 8])); // shape [1, 16, 16, 32]
 * ```
 */
export class SeparableConv2D extends SeparableConv {
  readonly className = CLASS_NAME;

  constructor(options: SeparableConvOptions) {
    super(options, 2, CLASS_NAME);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = SeparableConv2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): SeparableConv2D {
    return new SeparableConv2D(configToOptions(config, SEPARABLE_CONFIG_KEYS, CLASS_NAME) as unknown as SeparableConvOptions);
  }
}

/**
 * Creates a `SeparableConv2D` layer and composes it with `object` (Keras's `layer_separable_conv_2d`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [32, 32, 3] });
 * layerSeparableConv2d(model, { filters: 16, kernelSize: 3, activation: 'relu' });
 * ```
 */
export const layerSeparableConv2d = layerFunction((options: SeparableConvOptions) => new SeparableConv2D(options));
