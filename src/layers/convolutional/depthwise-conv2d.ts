/**
 * Keras's `DepthwiseConv2D` (each input channel convolved with its own `depthMultiplier` filters), and
 * the rank-generic depthwise layer it and `DepthwiseConv1D` share.
 */

import type { Tensor } from '../../engine/tensor.js';
import type { Variable } from '../../engine/variable.js';
import { ShapeError } from '../../errors.js';
import type { ConstraintIdentifier } from '../../constraints/index.js';
import type { InitializerIdentifier } from '../../initializers/index.js';
import type { Config } from '../../serialization/keras-object.js';
import { depthwiseConv2d } from '../../ops/depthwise-conv2d.js';
import type { EpilogueTensors } from '../../ops/windowed-op.js';
import type { RegularizerIdentifier } from '../../regularizers/index.js';
import type { CallOptions, SymbolicShape } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions, serializeOrNull } from '../serialize.js';
import type { BaseConvOptions, WeightArgs } from './base-conv.js';
import { BaseConv, checkWeightCount, requirePositiveInteger, resolveWeightArgs, resolveWindowArgs, WINDOW_CONFIG_KEYS } from './base-conv.js';

/** The options of `layerDepthwiseConv2d` (and, with one-element windows, `DepthwiseConv1D`). */
export interface DepthwiseConv2DOptions extends BaseConvOptions {
  /** Output channels per input channel (default 1); output channel `c * depthMultiplier + m`. */
  depthMultiplier?: number;
  /** Default 'glorot_uniform'. */
  depthwiseInitializer?: InitializerIdentifier;
  depthwiseRegularizer?: RegularizerIdentifier;
  depthwiseConstraint?: ConstraintIdentifier;
}

export const DEPTHWISE_CONFIG_KEYS: readonly string[] = [
  ...BASE_CONFIG_KEYS,
  ...WINDOW_CONFIG_KEYS,
  'depth_multiplier',
  'depthwise_initializer',
  'bias_initializer',
  'depthwise_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'depthwise_constraint',
  'bias_constraint',
];

/**
 * The depthwise convolution of any rank (Keras's `BaseDepthwiseConv`): kernel
 * `[...kernelSize, C, depthMultiplier]`, bias `[C * depthMultiplier]`, weights `[kernel, bias]`.
 * Rank 1 runs on the 2D depthwise op through a unit height axis.
 */
export abstract class DepthwiseConv extends BaseConv {
  readonly depthMultiplier: number;
  readonly depthwiseInitializer: WeightArgs['initializer'];
  readonly depthwiseRegularizer: WeightArgs['regularizer'];
  readonly depthwiseConstraint: WeightArgs['constraint'];
  depthwiseKernel: Variable | null = null;

  protected constructor(options: DepthwiseConv2DOptions, rank: 1 | 2, className: string) {
    const window = resolveWindowArgs(options, rank, className);
    const depthMultiplier = requirePositiveInteger(options.depthMultiplier, 'depthMultiplier', className, 1);
    const depthwise = resolveWeightArgs(options as unknown as Record<string, unknown>, 'depthwise');
    checkWeightCount(options.weights, window.useBias ? ['depthwise_kernel', 'bias'] : ['depthwise_kernel'], className);
    super(options, window, className);
    this.depthMultiplier = depthMultiplier;
    this.depthwiseInitializer = depthwise.initializer;
    this.depthwiseRegularizer = depthwise.regularizer;
    this.depthwiseConstraint = depthwise.constraint;
    this.checkDeclaredInput();
  }

  protected outputChannels(inputChannels: number): number {
    return inputChannels * this.depthMultiplier;
  }

  override weightShapesFor(inputShape: SymbolicShape): number[][] {
    const channels = inputShape[this.channelAxis()] as number;
    const kernel = [...this.kernelSize, channels, this.depthMultiplier];
    return this.useBias ? [kernel, [channels * this.depthMultiplier]] : [kernel];
  }

  override build(inputShape: SymbolicShape): void {
    const kernel = { initializer: this.depthwiseInitializer, regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint };
    // Keras 3 names the depthwise kernel 'kernel' (the config and `weights` order call it depthwise).
    [this.depthwiseKernel] = this.buildWeights(inputShape, [{ name: 'kernel', args: kernel }]);
  }


  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.finish(this.convolve(x));
  }

  /** @internal Inference with a fused per-channel epilogue (see `models/inference-fusion.ts`); 2D only. */
  callFused(x: Tensor, epilogue: EpilogueTensors): Tensor {
    return this.convolve(x, epilogue);
  }

  private convolve(x: Tensor, epilogue?: EpilogueTensors): Tensor {
    if (!this.depthwiseKernel) throw new ShapeError(`layer '${this.name}' used before it was built`);
    return depthwiseConv2d(this.to2d(x), this.kernel2d(this.depthwiseKernel), {
      strides: this.pair(this.strides),
      padding: this.padding === 'causal' ? 'same' : this.padding,
      dilationRate: this.pair(this.dilationRate),
      dataFormat: this.dataFormat,
      bias: this.bias,
      epilogue,
    });
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...this.windowConfig(),
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

const CLASS_NAME = 'DepthwiseConv2D';

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
export class DepthwiseConv2D extends DepthwiseConv {
  readonly className = CLASS_NAME;

  constructor(options: DepthwiseConv2DOptions) {
    super(options, 2, CLASS_NAME);
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
    return new DepthwiseConv2D(configToOptions(config, DEPTHWISE_CONFIG_KEYS, CLASS_NAME) as unknown as DepthwiseConv2DOptions);
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
