/** Keras's `Activation` layer: an activation function applied elementwise (or along an axis) as a layer. */

import type { Activation as ActivationObject, ActivationIdentifier } from '../../activations/index.js';
import { getActivation } from '../../activations/index.js';
import type { Tensor } from '../../engine/tensor.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { CallOptions, LayerOptions, SymbolicShape } from '../layer.js';
import { Layer } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { BASE_CONFIG_KEYS, configToOptions } from '../serialize.js';

/** The options of `layerActivation`. */
export interface ActivationOptions extends LayerOptions {
  /** A Keras activation name ('relu', 'softmax', ...), an activation function, or null for linear. */
  activation: ActivationIdentifier;
}

const CLASS_NAME = 'Activation';
const CONFIG_KEYS = [...BASE_CONFIG_KEYS, 'activity_regularizer', 'activation'];

function resolveArgs(options: ActivationOptions): ActivationObject {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', options, 'an object of Activation options', CLASS_NAME);
  }
  if (!('activation' in options)) {
    throw new InvalidArgumentError('activation', undefined, 'an activation name, a function, or null for linear (it is required)', CLASS_NAME);
  }
  return getActivation(options.activation, 'activation');
}

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
    const activation = resolveArgs(options);
    super(options, CLASS_NAME);
    this.activation = activation;
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
    return new Activation(configToOptions(config, CONFIG_KEYS, CLASS_NAME) as unknown as ActivationOptions);
  }

  override getConfig(): Config {
    return {
      ...super.getConfig(),
      ...(this.activityRegularizer ? { activity_regularizer: this.activityRegularizer.serialize() } : {}),
      activation: this.activation.name,
    };
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
