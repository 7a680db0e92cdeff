/** Keras's `Conv2DTranspose`: the adjoint of `Conv2D`, used to upsample. */

import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { describeValue, InvalidArgumentError, ShapeError } from '../../errors.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { convTransposeOutputLength } from '../../kernels/conv2d/index.js';
import type { IntOrTuple } from '../../ops/conv-args.js';
import { normalizeTuple } from '../../ops/conv-args.js';
import { conv2dTranspose } from '../../ops/conv2d-transpose.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions, serializeOrNull } from '../serialize.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkWeightCount, requirePositiveInteger, resolveWeightArgs, resolveWindowArgs, WINDOW_CONFIG_KEYS } from './base-conv.js';

/** The options of `Conv2DTranspose`: Keras's arguments in camelCase. */
export interface Conv2DTransposeOptions extends BaseConvOptions {
  /** Number of output channels. Required. */
  filters: number;
  /**
   * Extra rows/columns added at the bottom/right of the output, each strictly less than its stride.
   * Default null: Keras's default output size (`in * stride` for 'same').
   */
  outputPadding?: IntOrTuple | null;
  /** Default 'glorot_uniform'. */
  kernelInitializer?: InitializerIdentifier;
  kernelRegularizer?: RegularizerIdentifier;
  kernelConstraint?: ConstraintIdentifier;
}

const CLASS_NAME = 'Conv2DTranspose';

const CONFIG_KEYS: readonly string[] = [
  ...BASE_CONFIG_KEYS,
  ...WINDOW_CONFIG_KEYS,
  'filters',
  'output_padding',
  'kernel_initializer',
  'bias_initializer',
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
];

function resolveOutputPadding(value: IntOrTuple | null | undefined, strides: readonly number[]): number[] | null {
  if (value === undefined || value === null) return null;
  const outputPadding = normalizeTuple(value, 2, 'outputPadding', 0, CLASS_NAME);
  if (outputPadding.some((op, i) => op >= strides[i])) {
    throw new InvalidArgumentError('outputPadding', value, `values strictly less than strides ${describeValue(strides)}`, CLASS_NAME);
  }
  return outputPadding;
}

/**
 * Transposed 2D convolution (Keras's `Conv2DTranspose`): kernel `[kh, kw, filters, C]` (Keras's layout,
 * filters before input channels), bias `[filters]`, weights `[kernel, bias]`.
 *
 * @example
 * ```ts
 * const layer = new Conv2DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 7, 7, 16])); // shape [1, 14, 14, 8]
 * ```
 */
export class Conv2DTranspose extends BaseConv {
  readonly className = CLASS_NAME;
  readonly filters: number;
  readonly outputPadding: readonly number[] | null;
  readonly kernelInitializer: WeightArgs['initializer'];
  readonly kernelRegularizer: WeightArgs['regularizer'];
  readonly kernelConstraint: WeightArgs['constraint'];
  kernel: Variable | null = null;

  constructor(options: Conv2DTransposeOptions) {
    const window = resolveWindowArgs(options, 2, CLASS_NAME);
    const filters = requirePositiveInteger(options.filters, 'filters', CLASS_NAME);
    const outputPadding = resolveOutputPadding(options.outputPadding, window.strides);
    const kernelArgs = resolveWeightArgs(options as unknown as Record<string, unknown>, 'kernel');
    checkWeightCount(options.weights, window.useBias ? ['kernel', 'bias'] : ['kernel'], CLASS_NAME);
    super(options, window, CLASS_NAME);
    this.filters = filters;
    this.outputPadding = outputPadding;
    this.kernelInitializer = kernelArgs.initializer;
    this.kernelRegularizer = kernelArgs.regularizer;
    this.kernelConstraint = kernelArgs.constraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected override outputLength(size: number, axis: number): number {
    const padding = this.padding === 'causal' ? 'same' : this.padding;
    const op = this.outputPadding ? this.outputPadding[axis] : null;
    return convTransposeOutputLength(size, this.kernelSize[axis], this.strides[axis], this.dilationRate[axis], padding, op);
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, this.filters, channels];
    return this.useBias ? [kernel, [this.filters]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint };
    [this.kernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }


  protected call(x: Tensor, _options: CallOptions): Tensor {
    if (!this.kernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    const y = conv2dTranspose(x, this.kernel, {
      strides: this.strides,
      padding: this.padding === 'causal' ? 'same' : this.padding,
      outputPadding: this.outputPadding,
      dilationRate: this.dilationRate,
      dataFormat: this.dataFormat,
      bias: this.bias,
    });
    return this.finish(y);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv2DTranspose.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv2DTranspose {
    return new Conv2DTranspose(configToOptions(config, CONFIG_KEYS, CLASS_NAME) as unknown as Conv2DTransposeOptions);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...this.windowConfig(),
      output_padding: this.outputPadding ? [...this.outputPadding] : null,
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

/**
 * Creates a `Conv2DTranspose` layer and composes it with `object` (Keras's `layer_conv_2d_transpose`).
 *
 * @example
 * ```ts
 * const up = layerConv2dTranspose(features, { filters: 3, kernelSize: 4, strides: 2, padding: 'same' });
 * ```
 */
export const layerConv2dTranspose = layerFunction((options: Conv2DTransposeOptions) => new Conv2DTranspose(options));
