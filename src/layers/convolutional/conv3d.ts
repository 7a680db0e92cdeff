/** Keras's `Conv3D`: the rank-generic `Conv` with 3 spatial axes. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvOptions } from './conv.js';
import { Conv, convSpec } from './conv.js';

/** The options of `Conv3D`: Keras's arguments in camelCase (windows of 3 integers). */
export type Conv3DOptions = ConvOptions;

const SPEC = convSpec('Conv3D', 3, ['valid', 'same']);

/**
 * 3D convolution (Keras's `Conv3D`, alias `Convolution3D`) over
 * `[batch, depth, height, width, channels]` (or channels first), e.g. video frames or volumes: kernel
 * `[...kernelSize, C / groups, filters]`, bias `[filters]`.
 *
 * @example
 * ```ts
 * const layer = new Conv3D({ filters: 8, kernelSize: 3, padding: 'same' });
 * const y = layer.apply(zeros([1, 4, 16, 16, 2])); // shape [1, 4, 16, 16, 8]
 * ```
 */
export class Conv3D extends Conv {
  readonly className = 'Conv3D';

  constructor(options: Conv3DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv3D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv3D {
    return new Conv3D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `Conv3D` layer and composes it with `object` (Keras's `layer_conv_3d`).
 *
 * @example
 * ```ts
 * const y = layerConv3d(layerInput({ shape: [8, 32, 32, 1] }), { filters: 4, kernelSize: [3, 3, 3], padding: 'same' });
 * ```
 */
export const layerConv3d = layerFunction((options: Conv3DOptions) => new Conv3D(options));
