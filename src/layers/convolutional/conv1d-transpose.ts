/** Keras's `Conv1DTranspose`: the rank-generic `ConvTranspose` with 1 spatial axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvTransposeOptions } from './conv-transpose.js';
import { ConvTranspose, convTransposeSpec } from './conv-transpose.js';

/** The options of `Conv1DTranspose`: Keras's arguments in camelCase. */
export type Conv1DTransposeOptions = ConvTransposeOptions;

const SPEC = convTransposeSpec('Conv1DTranspose', 1);

/**
 * Transposed 1D convolution (Keras's `Conv1DTranspose`, alias `Convolution1DTranspose`): kernel
 * `[...kernelSize, filters, C]`, bias `[filters]`, weights `[kernel, bias]`.
 *
 * @example
 * ```ts
 * const layer = new Conv1DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 10, 8])); // shape [1, 20, 4]
 * ```
 */
export class Conv1DTranspose extends ConvTranspose {
  readonly className = 'Conv1DTranspose';

  constructor(options: Conv1DTransposeOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Conv1DTranspose.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): Conv1DTranspose {
    return new Conv1DTranspose(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `Conv1DTranspose` layer and composes it with `object` (Keras's `layer_conv_1d_transpose`).
 *
 * @example
 * ```ts
 * const up = layerConv1dTranspose(sequence, { filters: 8, kernelSize: 4, strides: 2, padding: 'same' });
 * ```
 */
export const layerConv1dTranspose = layerFunction((options: Conv1DTransposeOptions) => new Conv1DTranspose(options));
