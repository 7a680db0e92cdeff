/** Keras's `ConvLSTM2D`: the rank-generic `ConvLSTM` with 2 spatial axises per time step. */

import type { Config } from '../../serialization/keras-object.js';
import type { ConvLSTMOptions } from './conv-lstm.js';
import { ConvLSTM, convLstmSpec } from './conv-lstm.js';
import { convLstmFunction } from './conv-lstm-function.js';

/** The options of `ConvLSTM2D`: Keras 3.15's arguments in camelCase. */
export type ConvLSTM2DOptions = ConvLSTMOptions;

const SPEC = convLstmSpec('ConvLSTM2D', 2);

/**
 * 2D convolutional LSTM (Keras's `ConvLSTM2D`) over `[batch, time, rows, cols, channels]` (or channels first
 * per step): an LSTM whose input and recurrent transformations are convolutions. Weights `kernel
 * [...kernelSize, C, 4 * filters]`, `recurrent_kernel [...kernelSize, filters, 4 * filters]`, `bias
 * [4 * filters]` (gates i, f, c, o).
 *
 * @example
 * ```ts
 * const layer = new ConvLSTM2D({ filters: 8, kernelSize: 3, padding: 'same', returnSequences: true });
 * const y = layer.apply(zeros([2, 10, 16, 16, 1])); // shape [2, 10, 16, 16, 8]
 * ```
 */
export class ConvLSTM2D extends ConvLSTM {
  readonly className = 'ConvLSTM2D';

  constructor(options: ConvLSTM2DOptions) {
    super(options, SPEC);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = ConvLSTM2D.fromConfig(layer.getConfig());
   * ```
   */
  static fromConfig(config: Config): ConvLSTM2D {
    return new ConvLSTM2D(SPEC.options.optionsFromConfig(config));
  }
}

/**
 * Creates a `ConvLSTM2D` layer and composes it with `object` (Keras's `layer_conv_lstm_2d`); on a tensor with
 * `returnState: true` it returns `[output, h, c]`.
 *
 * @example
 * ```ts
 * const model = kerasModelSequential({ inputShape: [10, 16, 16, 1] });
 * layerConvLstm2d(model, { filters: 8, kernelSize: 3, padding: 'same', returnSequences: true });
 * const [y, h, c] = layerConvLstm2d(frames, { filters: 8, kernelSize: 3, returnState: true });
 * ```
 */
export const layerConvLstm2d = convLstmFunction((options: ConvLSTM2DOptions) => new ConvLSTM2D(options));
