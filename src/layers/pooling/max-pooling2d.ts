/** Keras's `MaxPooling2D`: the maximum over each window, per channel. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import { configToOptions } from '../serialize.js';
import type { Pooling2DOptions } from './pooling2d-base.js';
import { POOLING2D_CONFIG_KEYS, Pooling2D } from './pooling2d-base.js';

/** The options of `layerMaxPooling2d`; `poolSize` defaults to 2 (i.e. [2, 2]). */
export type MaxPooling2DOptions = Pooling2DOptions;

const CLASS_NAME = 'MaxPooling2D';

/**
 * 2D max pooling (Keras's `MaxPooling2D`, alias `MaxPool2D`). 'same' padding reads as -∞; the gradient
 * goes to the first maximal element of each window (row-major), as Keras 3 on JAX/XLA routes it.
 *
 * @example
 * ```ts
 * const layer = new MaxPooling2D({ poolSize: 2 });
 * const y = layer.apply(zeros([1, 8, 8, 3])); // shape [1, 4, 4, 3]
 * ```
 */
export class MaxPooling2D extends Pooling2D {
  readonly className = CLASS_NAME;
  protected readonly mode = 'max';

  constructor(options: MaxPooling2DOptions = {}) {
    super(options, CLASS_NAME, 2);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = MaxPooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): MaxPooling2D {
    return new MaxPooling2D(configToOptions(config, POOLING2D_CONFIG_KEYS, CLASS_NAME) as MaxPooling2DOptions);
  }
}

/**
 * Creates a `MaxPooling2D` layer and composes it with `object` (Keras's `layer_max_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerMaxPooling2d(input, { poolSize: 2, padding: 'same' });
 * ```
 */
export const layerMaxPooling2d = layerFunction((options: MaxPooling2DOptions) => new MaxPooling2D(options));
