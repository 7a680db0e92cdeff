/** Keras's `AveragePooling2D`: the mean over each window, per channel. */

import type { IntOrTuple } from '../../ops/conv-args.js';
import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import { configToOptions } from '../serialize.js';
import type { Pooling2DOptions } from './pooling2d-base.js';
import { POOLING2D_CONFIG_KEYS, Pooling2D } from './pooling2d-base.js';

/** The options of `layerAveragePooling2d`; unlike max pooling, Keras 3 requires `poolSize`. */
export interface AveragePooling2DOptions extends Pooling2DOptions {
  poolSize: IntOrTuple;
}

const CLASS_NAME = 'AveragePooling2D';

/**
 * 2D average pooling (Keras's `AveragePooling2D`, alias `AvgPool2D`). With 'same' padding each window
 * averages only its in-bounds elements, so border outputs are not pulled towards zero.
 *
 * @example
 * ```ts
 * const layer = new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' });
 * const y = layer.apply(zeros([1, 8, 8, 3])); // shape [1, 8, 8, 3]
 * ```
 */
export class AveragePooling2D extends Pooling2D {
  readonly className = CLASS_NAME;
  protected readonly mode = 'avg';

  constructor(options: AveragePooling2DOptions) {
    super(options, CLASS_NAME, null);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = AveragePooling2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): AveragePooling2D {
    return new AveragePooling2D(configToOptions(config, POOLING2D_CONFIG_KEYS, CLASS_NAME) as unknown as AveragePooling2DOptions);
  }
}

/**
 * Creates an `AveragePooling2D` layer and composes it with `object` (Keras's `layer_average_pooling_2d`).
 *
 * @example
 * ```ts
 * const y = layerAveragePooling2d(input, { poolSize: 2 });
 * ```
 */
export const layerAveragePooling2d = layerFunction((options: AveragePooling2DOptions) => new AveragePooling2D(options));
