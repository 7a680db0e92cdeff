/** Keras's `ConvLSTM1D`: the rank-generic `ConvLSTM` with 1 spatial axis per time step. */

import type { Config } from '../../serialization/keras-object.js';
import type { ConvLSTMOptions } from './conv-lstm.js';
import { ConvLSTM, convLstmSpec } from './conv-lstm.js';
import { convLstmFunction } from './conv-lstm-function.js';

/** The options of `ConvLSTM1D`: Keras 3.15's arguments in camelCase. */
export type ConvLSTM1DOptions = ConvLSTMOptions;

const SPEC = convLstmSpec('ConvLSTM1D', 1);

/**
 * 1D convolutional LSTM (Keras's `ConvLSTM1D`) over `[batch, time, steps, channels]` (or channels first
 * per step): an LSTM whose input and recurrent transformations are convolutions. Weights `kernel
 * [...kernelSize, C, 4 * filters]`, `recurrent_kernel [...kernelSize, filters, 4 * filters]`, `bias
 * [4 * filters]` (gates i, f, c, o).
 *
 * @example
 * ```ts
 * const layer = new ConvLSTM1D({ filters: 4, kernelSize: 3, padding: 'same', returnSequences: true });
 * const y = layer.apply(zeros([2, 5, 16, 3])); // shape [2, 5, 16, 4]
 * ```
 */
export class ConvLSTM1D extends ConvLSTM {
  readonly className = 'ConvLSTM1D';

  constructor(options: ConvLSTM1DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ConvLSTM1D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ConvLSTM1D {
    return new ConvLSTM1D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `ConvLSTM1D` layer and composes it with `object` (Keras's `layer_conv_lstm_1d`); on a tensor with
 * `returnState: true` it returns `[output, h, c]`.
 *
 * @example
 * ```ts
 * const y = layerConvLstm1d(layerInput({ shape: [10, 32, 2] }), { filters: 8, kernelSize: 5 });
 * ```
 */
export const layerConvLstm1d = convLstmFunction((options: ConvLSTM1DOptions) => new ConvLSTM1D(options));
