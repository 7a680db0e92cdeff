/** Keras's `LeakyReLU` and `ELU` layers: pointwise rectifiers with one parameter each. */

import { eluFn, leakyReluFn } from '../../activations/index.js';
import type { Tensor } from '../../engine/tensor.js';
import { mapPointwise } from '../../ops/pointwise.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerActivationLeakyRelu`. */
export interface LeakyReLUOptions extends LayerOptions {
  /** Slope below zero, ≥ 0. Default 0.3 (the layer's default; the `leaky_relu` function's is 0.2). */
  negativeSlope?: number;
}

/** The options of `layerActivationElu`. */
export interface ELUOptions extends LayerOptions {
  /** Scale of the negative part `alpha * (e^x - 1)`. Default 1. */
  alpha?: number;
}

const LEAKY = defineOptions<LeakyReLUOptions>()('LeakyReLU', { negativeSlope: option.number({ default: 0.3, min: 0 }) });
const ELU_OPTIONS = defineOptions<ELUOptions>()('ELU', { alpha: option.number({ default: 1 }) });

/**
 * Leaky rectifier (Keras's `LeakyReLU`): `x` for `x ≥ 0`, `negativeSlope · x` below.
 *
 * @example
 * ```ts
 * new LeakyReLU({ negativeSlope: 0.1 }).apply(tensor([-2, 3])); // [-0.2, 3]
 * ```
 */
export class LeakyReLU extends Layer {
  readonly className = 'LeakyReLU';
  readonly negativeSlope: number;

  constructor(options: LeakyReLUOptions = {}) {
    const args = LEAKY.resolve(options);
    super(options, 'LeakyReLU');
    this.negativeSlope = args.negativeSlope;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return mapPointwise(x, leakyReluFn(this.negativeSlope));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `LeakyReLU.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): LeakyReLU {
    return new LeakyReLU(LEAKY.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...LEAKY.toConfig(this) };
  }
}

/**
 * Exponential linear unit (Keras's `ELU`): `x` for `x > 0`, `alpha · (e^x − 1)` otherwise.
 *
 * @example
 * ```ts
 * new ELU({ alpha: 0.5 }).apply(tensor([-1, 2])); // [-0.316, 2]
 * ```
 */
export class ELU extends Layer {
  readonly className = 'ELU';
  readonly alpha: number;

  constructor(options: ELUOptions = {}) {
    const args = ELU_OPTIONS.resolve(options);
    super(options, 'ELU');
    this.alpha = args.alpha;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return mapPointwise(x, eluFn(this.alpha));
  }

  /** Rebuilds a layer from `getConfig()` output. @example `ELU.fromConfig(layer.getConfig())` */
  static fromConfig(config: Config): ELU {
    return new ELU(ELU_OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...ELU_OPTIONS.toConfig(this) };
  }
}

/**
 * Creates a `LeakyReLU` layer and composes it with `object` (Keras's `layer_activation_leaky_relu`).
 *
 * @example
 * ```ts
 * layerActivationLeakyRelu(model, { negativeSlope: 0.1 });
 * ```
 */
export const layerActivationLeakyRelu = layerFunction((options: LeakyReLUOptions = {}) => new LeakyReLU(options));

/**
 * Creates an `ELU` layer and composes it with `object` (Keras's `layer_activation_elu`).
 *
 * @example
 * ```ts
 * const y = layerActivationElu(x, { alpha: 1 });
 * ```
 */
export const layerActivationElu = layerFunction((options: ELUOptions = {}) => new ELU(options));
