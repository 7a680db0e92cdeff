/** Keras's `Conv3DTranspose`: the rank-generic `ConvTranspose` with 3 spatial axises. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvTransposeOptions } from './conv-transpose.js';
import { ConvTranspose, convTransposeSpec } from './conv-transpose.js';

/** The options of `Conv3DTranspose`: Keras's arguments in camelCase. */
export type Conv3DTransposeOptions = ConvTransposeOptions;

const SPEC = convTransposeSpec('Conv3DTranspose', 3);

/**
 * Transposed 3D convolution (Keras's `Conv3DTranspose`, alias `Convolution3DTranspose`, Keras 2's `Deconvolution3D`): kernel
 * `[...kernelSize, filters, C]`, bias `[filters]`, weights `[kernel, bias]`.
 *
 * @example
 * ```ts
 * const layer = new Conv3DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 4, 8, 8, 4])); // shape [1, 8, 16, 16, 2]
 * ```
 */
export class Conv3DTranspose extends ConvTranspose {
  readonly className = 'Conv3DTranspose';

  constructor(options: Conv3DTransposeOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv3DTranspose.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv3DTranspose {
    return new Conv3DTranspose(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `Conv3DTranspose` layer and composes it with `object` (Keras's `layer_conv_3d_transpose`).
 *
 * @example
 * ```ts
 * const up = layerConv3dTranspose(volume, { filters: 1, kernelSize: 3, strides: [1, 2, 2], padding: 'same' });
 * ```
 */
export const layerConv3dTranspose = layerFunction((options: Conv3DTransposeOptions) => new Conv3DTranspose(options));
