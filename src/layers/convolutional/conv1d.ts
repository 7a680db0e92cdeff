/** Keras's `Conv1D`, run on the 2D convolution kernels through a unit height axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import { configToOptions } from '../serialize.js';
import type { ConvOptions } from './conv2d.js';
import { Conv, CONV_CONFIG_KEYS } from './conv2d.js';

/**
 * The options of `Conv1D`: those of `Conv2D`, with one-element windows, and `padding` also accepting
 * 'causal' (left padding by `(kernelSize - 1) * dilationRate`, so output step t depends on inputs ≤ t).
 */
export type Conv1DOptions = ConvOptions;

const CLASS_NAME = 'Conv1D';

/**
 * 1D convolution (Keras's `Conv1D`) over `[batch, steps, channels]` (or `[batch, channels, steps]`):
 * kernel `[k, C / groups, filters]`, bias `[filters]`.
 *
 * @example
 * ```ts
 * const layer = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 });
 * const y = layer.apply(zeros([1, 10, 2])); // shape [1, 10, 4]
 * ```
 */
export class Conv1D extends Conv {
  readonly className = CLASS_NAME;

  constructor(options: Conv1DOptions) {
    super(options, 1, CLASS_NAME, true);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv1D {
    return new Conv1D(configToOptions(config, CONV_CONFIG_KEYS, CLASS_NAME) as unknown as Conv1DOptions);
  }
}

/**
 * Creates a `Conv1D` layer and composes it with `object` (Keras's `layer_conv_1d`).
 *
 * @example
 * ```ts
 * const y = layerConv1d(layerInput({ shape: [16, 3] }), { filters: 8, kernelSize: 5, padding: 'causal' });
 * ```
 */
export const layerConv1d = layerFunction((options: Conv1DOptions) => new Conv1D(options));
