/** Keras's `Conv2DTranspose`: the rank-generic `ConvTranspose` with 2 spatial axises. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvTransposeOptions } from './conv-transpose.js';
import { ConvTranspose, convTransposeSpec } from './conv-transpose.js';

/** The options of `Conv2DTranspose`: Keras's arguments in camelCase. */
export type Conv2DTransposeOptions = ConvTransposeOptions;

const SPEC = convTransposeSpec('Conv2DTranspose', 2);

/**
 * Transposed 2D convolution (Keras's `Conv2DTranspose`, alias `Convolution2DTranspose`, Keras 2's `Deconvolution2D`): kernel
 * `[...kernelSize, filters, C]`, bias `[filters]`, weights `[kernel, bias]`.
 *
 * @example
 * ```ts
 * const layer = new Conv2DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 7, 7, 16])); // shape [1, 14, 14, 8]
 * ```
 */
export class Conv2DTranspose extends ConvTranspose {
  readonly className = 'Conv2DTranspose';

  constructor(options: Conv2DTransposeOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv2DTranspose.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv2DTranspose {
    return new Conv2DTranspose(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `Conv2DTranspose` layer and composes it with `object` (Keras's `layer_conv_2d_transpose`).
 *
 * @example
 * ```ts
 * const up = layerConv2dTranspose(features, { filters: 3, kernelSize: 4, strides: 2, padding: 'same' });
 * ```
 */
export const layerConv2dTranspose = layerFunction((options: Conv2DTransposeOptions) => new Conv2DTranspose(options));
