/** Keras's `Conv1D`: the rank-generic `Conv` with 1 spatial axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { ConvOptions } from './conv.js';
import { Conv, convSpec } from './conv.js';

/** The options of `Conv1D`: Keras's arguments in camelCase (windows of 1 integer). */
export type Conv1DOptions = ConvOptions;

const SPEC = convSpec('Conv1D', 1, ['valid', 'same', 'causal']);

/**
 * 1D convolution (Keras's `Conv1D`, alias `Convolution1D`) over `[batch, steps, channels]` (or
 * `[batch, channels, steps]`); `padding` also takes 'causal' (left padding by `(kernelSize - 1) * dilationRate`,
 * so output step t depends on inputs ≤ t): kernel
 * `[...kernelSize, C / groups, filters]`, bias `[filters]`.
 *
 * @example
 * ```ts
 * const layer = new Conv1D({ filters: 4, kernelSize: 3, padding: 'causal', dilationRate: 2 });
 * const y = layer.apply(zeros([1, 10, 2])); // shape [1, 10, 4]
 * ```
 */
export class Conv1D extends Conv {
  readonly className = 'Conv1D';

  constructor(options: Conv1DOptions) {
    super(options, SPEC);
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
    return new Conv1D(SPEC.options.optionsFromConfig(config));
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
