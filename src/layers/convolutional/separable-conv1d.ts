/** Keras's `SeparableConv1D`: the rank-generic `SeparableConv` with 1 spatial axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { SeparableConvOptions } from './separable-conv.js';
import { SeparableConv, separableConvSpec } from './separable-conv.js';

/** The options of `SeparableConv1D`: Keras's arguments in camelCase. */
export type SeparableConv1DOptions = SeparableConvOptions;

const SPEC = separableConvSpec('SeparableConv1D', 1);

/**
 * Depthwise-separable 1D convolution (Keras's `SeparableConv1D`, alias `SeparableConvolution1D`): a
 * depthwise convolution with `depthMultiplier` filters per channel, then a pointwise one to `filters` channels.
 *
 * @example
 * ```ts
 * const layer = new SeparableConv1D({ filters: 8, kernelSize: 3, depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 10, 4])); // shape [1, 8, 8]
 * ```
 */
export class SeparableConv1D extends SeparableConv {
  readonly className = 'SeparableConv1D';

  constructor(options: SeparableConv1DOptions) {
    super(options, SPEC);
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
    return new SeparableConv1D(SPEC.options.optionsFromConfig(config));
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
