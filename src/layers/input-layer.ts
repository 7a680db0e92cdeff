/** Keras's `InputLayer` and `layerInput`: the entry point of a model graph. */

import type { FloatDType } from '../engine/dtype.js';
import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config, ConfigValue } from '../serialization/keras-object.js';
import type { CallOptions, SymbolicShape, SymbolicTensor } from './layer.js';
import { Layer } from './layer.js';
import { defineOwnOptions, option } from './options-schema.js';

/** The options of `layerInput` (Keras's `Input` arguments in camelCase). */
export interface InputOptions {
  /** Shape without the batch axis; `null` entries for sizes known only at run time. */
  shape?: readonly (number | null)[];
  /** Fixed batch size; any when omitted. */
  batchSize?: number;
  /** Full shape with the batch axis, as an alternative to shape + batchSize. */
  batchShape?: readonly (number | null)[];
  /** 'float32' (default) or 'float64'. */
  dtype?: FloatDType;
  /** Unique name; `input_layer`, `input_layer_1`, ... when omitted. */
  name?: string;
  /** Accepted for Keras compatibility; sparse inputs are not supported, so only false. */
  sparse?: boolean;
}

const CLASS_NAME = 'InputLayer';

// Its own options only (an InputLayer takes none of the other layers' base options). Its config is not a
// copy of its options (Keras writes `batch_shape`), so getConfig below writes it.
const OPTIONS = defineOwnOptions<InputOptions>()(CLASS_NAME, {
  shape: option.shape(),
  batchSize: option.checkedByLayerBase(),
  batchShape: option.shape(),
  dtype: option.checkedByLayerBase(),
  name: option.checkedByLayerBase(),
  sparse: option.falseOnly('sparse inputs are not supported'),
});

/** Holds a model's input placeholder; it has no weights and passes tensors through. */
export class InputLayer extends Layer {
  readonly className = CLASS_NAME;

  constructor(options: InputOptions) {
    const args = OPTIONS.resolve(options);
    if (args.shape === null && args.batchShape === null) {
      throw new InvalidArgumentError('shape', undefined, 'an array of positive integers or null (or `batchShape`)', CLASS_NAME);
    }
    super(
      { name: options.name, dtype: options.dtype, inputShape: args.shape ?? undefined, batchInputShape: args.batchShape ?? undefined, batchSize: options.batchSize },
      CLASS_NAME,
    );
    this.built = true;
    // Its one call has no inputs and produces the model input placeholder.
    this.recordCall([], false, [this.batchInputShape as SymbolicShape], undefined);
  }

  /** The placeholder this layer holds (Keras's `Input` tensor). */
  override get output(): SymbolicTensor {
    return this.calls[0].outputs[0];
  }

  computeOutputShape(inputShape: SymbolicShape): (number | null)[] {
    return [...inputShape];
  }

  protected call(x: Tensor, _options: CallOptions): Tensor {
    return x;
  }

  override getConfig(): Config {
    return {
      batch_shape: this.batchInputShape as ConfigValue,
      dtype: this.dtype,
      sparse: false,
      ragged: false,
      name: this.name,
      optional: false,
    };
  }
}

/**
 * A symbolic model input (Keras's `layer_input` / `keras.Input`).
 *
 * @example
 * ```ts
 * const inputs = layerInput({ shape: [28, 28, 1] });
 * const outputs = layerDepthwiseConv2d(inputs, { kernelSize: 3 });
 * const model = kerasModel({ inputs, outputs });
 * ```
 */
export function layerInput(options: InputOptions): SymbolicTensor {
  return new InputLayer(options).output;
}
