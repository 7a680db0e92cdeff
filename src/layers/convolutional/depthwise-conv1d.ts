/** Keras's `DepthwiseConv1D`, run on the 2D depthwise op through a unit height axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import { configToOptions } from '../serialize.js';
import type { DepthwiseConv2DOptions } from './depthwise-conv2d.js';
import { DEPTHWISE_CONFIG_KEYS, DepthwiseConv } from './depthwise-conv2d.js';

/** The options of `DepthwiseConv1D`: those of `DepthwiseConv2D` with one-element windows. */
export type DepthwiseConv1DOptions = DepthwiseConv2DOptions;

const CLASS_NAME = 'DepthwiseConv1D';

/**
 * Depthwise 1D convolution (Keras's `DepthwiseConv1D`) over `[batch, steps, channels]` (or
 * `[batch, channels, steps]`): kernel `[k, C, depthMultiplier]`, bias `[C * depthMultiplier]`.
 *
 * @example
 * ```ts
 * const layer = new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 10, 4])); // shape [1, 8, 8]
 * ```
 */
export class DepthwiseConv1D extends DepthwiseConv {
  readonly className = CLASS_NAME;

  constructor(options: DepthwiseConv1DOptions) {
    super(options, 1, CLASS_NAME);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = DepthwiseConv1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): DepthwiseConv1D {
    return new DepthwiseConv1D(configToOptions(config, DEPTHWISE_CONFIG_KEYS, CLASS_NAME) as unknown as DepthwiseConv1DOptions);
  }
}

/**
 * Creates a `DepthwiseConv1D` layer and composes it with `object` (Keras's `layer_depthwise_conv_1d`).
 *
 * @example
 * ```ts
 * const y = layerDepthwiseConv1d(layerInput({ shape: [16, 4] }), { kernelSize: 5, padding: 'same' });
 * ```
 */
export const layerDepthwiseConv1d = layerFunction((options: DepthwiseConv1DOptions) => new DepthwiseConv1D(options));
