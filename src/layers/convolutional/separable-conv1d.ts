/** Keras's `SeparableConv1D`, run on the 2D depthwise and pointwise ops through a unit height axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import { configToOptions } from '../serialize.js';
import type { SeparableConvOptions } from './separable-conv2d.js';
import { SEPARABLE_CONFIG_KEYS, SeparableConv } from './separable-conv2d.js';

/** The options of `SeparableConv1D`: those of `SeparableConv2D` with one-element windows. */
export type SeparableConv1DOptions = SeparableConvOptions;

const CLASS_NAME = 'SeparableConv1D';

/**
 * Depthwise-separable 1D convolution (Keras's `SeparableConv1D`): weights `depthwise_kernel [k, C, dm]`,
 * `pointwise_kernel [1, C * dm, filters]`, `bias [filters]`.
 *
 * @example
 * ```ts
 * const layer = new SeparableConv1D({ filters: 8, kernelSize: 3, depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 10, 4])); // shape [1, 8, 8]
 * ```
 */
export class SeparableConv1D extends SeparableConv {
  readonly className = CLASS_NAME;

  constructor(options: SeparableConv1DOptions) {
    super(options, 1, CLASS_NAME);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = SeparableConv1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): SeparableConv1D {
    return new SeparableConv1D(configToOptions(config, SEPARABLE_CONFIG_KEYS, CLASS_NAME) as unknown as SeparableConv1DOptions);
  }
}

/**
 * Creates a `SeparableConv1D` layer and composes it with `object` (Keras's `layer_separable_conv_1d`).
 *
 * @example
 * ```ts
 * const y = layerSeparableConv1d(layerInput({ shape: [16, 4] }), { filters: 8, kernelSize: 3 });
 * ```
 */
export const layerSeparableConv1d = layerFunction((options: SeparableConv1DOptions) => new SeparableConv1D(options));
