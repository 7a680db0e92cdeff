/** Keras's `ConvLSTM3D`: the rank-generic `ConvLSTM` with 3 spatial axises per time step. */

import type { Config } from '../../serialization/keras-object.js';
import type { ConvLSTMOptions } from './conv-lstm.js';
import { ConvLSTM, convLstmSpec } from './conv-lstm.js';
import { convLstmFunction } from './conv-lstm-function.js';

/** The options of `ConvLSTM3D`: Keras 3.15's arguments in camelCase. */
export type ConvLSTM3DOptions = ConvLSTMOptions;

const SPEC = convLstmSpec('ConvLSTM3D', 3);

/**
 * 3D convolutional LSTM (Keras's `ConvLSTM3D`) over `[batch, time, depth, rows, cols, channels]` (or channels first
 * per step): an LSTM whose input and recurrent transformations are convolutions. Weights `kernel
 * [...kernelSize, C, 4 * filters]`, `recurrent_kernel [...kernelSize, filters, 4 * filters]`, `bias
 * [4 * filters]` (gates i, f, c, o).
 *
 * @example
 * ```ts
 * const layer = new ConvLSTM3D({ filters: 2, kernelSize: 3, padding: 'same' });
 * const y = layer.apply(zeros([1, 4, 6, 8, 8, 1])); // shape [1, 6, 8, 8, 2]
 * ```
 */
export class ConvLSTM3D extends ConvLSTM {
  readonly className = 'ConvLSTM3D';

  constructor(options: ConvLSTM3DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ConvLSTM3D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ConvLSTM3D {
    return new ConvLSTM3D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `ConvLSTM3D` layer and composes it with `object` (Keras's `layer_conv_lstm_3d`); on a tensor with
 * `returnState: true` it returns `[output, h, c]`.
 *
 * @example
 * ```ts
 * const y = layerConvLstm3d(layerInput({ shape: [4, 6, 8, 8, 1] }), { filters: 2, kernelSize: 3, padding: 'same' });
 * ```
 */
export const layerConvLstm3d = convLstmFunction((options: ConvLSTM3DOptions) => new ConvLSTM3D(options));
