/** Keras's `DepthwiseConv2D`: the rank-generic `DepthwiseConv` with 2 spatial axises. */

import type { Config } from '../../serialization/keras-object.js';
import { layerFunction } from '../layer-function.js';
import type { DepthwiseConvOptions } from './depthwise-conv.js';
import { DepthwiseConv, depthwiseConvSpec } from './depthwise-conv.js';

/** The options of `layerDepthwiseConv2d`: Keras's arguments in camelCase. */
export type DepthwiseConv2DOptions = DepthwiseConvOptions;

const SPEC = depthwiseConvSpec('DepthwiseConv2D', 2);

/**
 * Depthwise 2D convolution (Keras's `DepthwiseConv2D`) over `[batch, height, width, channels]` (or channels first): kernel
 * `[...kernelSize, inChannels, depthMultiplier]`, bias `[inChannels * depthMultiplier]`, weights in the order
 * `[depthwise_kernel, bias]`; output channel `c * depthMultiplier + m`.
 *
 * @example
 * ```ts
 * const layer = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same' });
 * const y = layer.apply(zeros([1, 8, 8, 3])); // shape [1, 8, 8, 6]
 * ```
 */
export class DepthwiseConv2D extends DepthwiseConv {
  readonly className = 'DepthwiseConv2D';

  constructor(options: DepthwiseConv2DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = DepthwiseConv2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): DepthwiseConv2D {
    return new DepthwiseConv2D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `DepthwiseConv2D` layer and composes it with `object` (Keras's `layer_depthwise_conv_2d`):
 * nothing → the layer; a Sequential model → that model with the layer added; a symbolic tensor → the
 * output tensor; a tensor → the computed output.
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [28, 28, 1] });
 * layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
 * ```
 */
export const layerDepthwiseConv2d = layerFunction((options: DepthwiseConv2DOptions) => new DepthwiseConv2D(options));
