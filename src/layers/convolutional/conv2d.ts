/** Keras's `Conv2D`: the rank-generic `Conv` with 2 spatial axes. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvOptions } from './conv.js';
import { Conv, convSpec } from './conv.js';

/** The options of `Conv2D`: Keras's arguments in camelCase (windows of 2 integers). */
export type Conv2DOptions = ConvOptions;

const SPEC = convSpec('Conv2D', 2, ['valid', 'same']);

/**
 * 2D convolution (Keras's `Conv2D`, alias `Convolution2D`) over `[batch, height, width, channels]`
 * (or channels first), with `groups` for grouped convolutions: kernel
 * `[...kernelSize, C / groups, filters]`, bias `[filters]`.
 *
 * @example
 * ```ts
 * const layer = new Conv2D({ filters: 16, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
 * const y = layer.apply(zeros([1, 32, 32, 3])); // shape [1, 16, 16, 16]
 * ```
 */
export class Conv2D extends Conv {
  readonly className = 'Conv2D';

  constructor(options: Conv2DOptions) {
    super(options, SPEC);
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
    return new Conv2D(SPEC.options.optionsFromConfig(config));
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
export const layerConv2d = layerFunction((options: Conv2DOptions) => new Conv2D(options));
