/** Keras's `DepthwiseConv1D`: the rank-generic `DepthwiseConv` with 1 spatial axis. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { DepthwiseConvOptions } from './depthwise-conv.js';
import { DepthwiseConv, depthwiseConvSpec } from './depthwise-conv.js';

/** The options of `layerDepthwiseConv1d`: Keras's arguments in camelCase. */
export type DepthwiseConv1DOptions = DepthwiseConvOptions;

const SPEC = depthwiseConvSpec('DepthwiseConv1D', 1);

/**
 * Depthwise 1D convolution (Keras's `DepthwiseConv1D`) over `[batch, steps, channels]` (or `[batch, channels, steps]`): kernel
 * `[...kernelSize, inChannels, depthMultiplier]`, bias `[inChannels * depthMultiplier]`, weights in the order
 * `[depthwise_kernel, bias]`; output channel `c * depthMultiplier + m`.
 *
 * @example
 * ```ts
 * const layer = new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2 });
 * const y = layer.apply(zeros([1, 10, 4])); // shape [1, 8, 8]
 * ```
 */
export class DepthwiseConv1D extends DepthwiseConv {
  readonly className = 'DepthwiseConv1D';

  constructor(options: DepthwiseConv1DOptions) {
    super(options, SPEC);
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
    return new DepthwiseConv1D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `DepthwiseConv1D` layer and composes it with `object` (Keras's `layer_depthwise_conv_1d`):
 * nothing → the layer; a Sequential model → that model with the layer added; a symbolic tensor → the
 * output tensor; a tensor → the computed output.
 *
 * @example
 * ```ts
 * const y = layerDepthwiseConv1d(layerInput({ shape: [16, 4] }), { kernelSize: 5, padding: 'same' });
 * ```
 */
export const layerDepthwiseConv1d = layerFunction((options: DepthwiseConv1DOptions) => new DepthwiseConv1D(options));
