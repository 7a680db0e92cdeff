/** Keras's `Activation` layer: an activation function applied elementwise (or along an axis) as a layer. */

import type { Activation as ActivationObject, ActivationIdentifier } from '../../activations/index.js';
import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { activityRegularizerConfig, Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions, option } from '../options-schema.js';

/** The options of `layerActivation`. */
export interface ActivationOptions extends LayerOptions {
  /** A Keras activation name ('relu', 'softmax', ...), an activation function, or null for linear. */
  activation: ActivationIdentifier;
}

const CLASS_NAME = 'Activation';

const OPTIONS = defineOptions<ActivationOptions>()(CLASS_NAME, { activation: option.requiredActivation() });

/**
 * Applies an activation function (Keras's `Activation`); the output has the input's shape.
 *
 * @example
 * ```ts
 * new Activation({ activation: 'tanh' }).apply(tensor([[-1, 0, 1]]));
 * ```
 */
export class Activation extends Layer {
  readonly className = CLASS_NAME;
  readonly activation: ActivationObject;

  constructor(options: ActivationOptions) {
    const args = OPTIONS.resolve(options);
    super(options, CLASS_NAME);
    this.activation = args.activation;
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return this.activation.apply(x);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Activation.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Activation {
    return new Activation(OPTIONS.optionsFromConfig(config));
  }

  override getConfig(): Config {
    return { ...super.getConfig(), ...activityRegularizerConfig(this), ...OPTIONS.toConfig(this) };
  }
}

/**
 * Creates an `Activation` layer and composes it with `object` (Keras's `layer_activation`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [4] });
 * layerActivation(model, { activation: 'relu' });
 * ```
 */
export const layerActivation = layerFunction((options: ActivationOptions) => new Activation(options));
