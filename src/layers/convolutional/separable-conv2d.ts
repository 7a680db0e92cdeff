/** Keras's `SeparableConv2D`: the rank-generic `SeparableConv` with 2 spatial axises. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { SeparableConvOptions } from './separable-conv.js';
import { SeparableConv, separableConvSpec } from './separable-conv.js';

/** The options of `SeparableConv2D`: Keras's arguments in camelCase. */
export type SeparableConv2DOptions = SeparableConvOptions;

const SPEC = separableConvSpec('SeparableConv2D', 2);

/**
 * Depthwise-separable 2D convolution (Keras's `SeparableConv2D`, alias `SeparableConvolution2D`): a
 * depthwise convolution with `depthMultiplier` filters per channel, then a pointwise one to `filters` channels.
 *
 * @example
 * ```ts
 * const layer = new SeparableConv2D({ filters: 32, kernelSize: 3, padding: 'same', depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 16, 16, 8])); // shape [1, 16, 16, 32]
 * ```
 */
export class SeparableConv2D extends SeparableConv {
  readonly className = 'SeparableConv2D';

  constructor(options: SeparableConv2DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = SeparableConv2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): SeparableConv2D {
    return new SeparableConv2D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `SeparableConv2D` layer and composes it with `object` (Keras's `layer_separable_conv_2d`).
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [32, 32, 3] });
 * layerSeparableConv2d(model, { filters: 16, kernelSize: 3, activation: 'relu' });
 * ```
 */
export const layerSeparableConv2d = layerFunction((options: SeparableConv2DOptions) => new SeparableConv2D(options));
