/** Keras's `Add`: the elementwise sum of a list of tensors. */

import type { Tensor } from '../../engine/tensor.js';
import type { Config } from '../../serialization/keras-object.js';
import { add } from '../../ops/elementwise.js';
import type { LayerOptions } from '../layer.js';
import { layerFunction } from '../layer-function.js';
import { defineOptions } from '../options-schema.js';
import { Merge } from './base-merge.js';

/** The options of `layerAdd`: only the base layer arguments (name, dtype, trainable, ...). */
export type AddOptions = LayerOptions;

const CLASS_NAME = 'Add';

const OPTIONS = defineOptions<AddOptions>()(CLASS_NAME, {});

/**
 * Adds a list of at least two tensors elementwise (Keras's `Add`). Shapes must match or broadcast:
 * equal batch sizes, other axes equal or 1; inputs of lower rank are expanded at axis 1. No weights.
 *
 * @example
 * ```ts
 * const sum = new Add().apply([zeros([2, 4]), ones([2, 4])]); // ones, shape [2, 4]
 * ```
 */
export class Add extends Merge {
  readonly className = CLASS_NAME;

  constructor(options: AddOptions = {}) {
    OPTIONS.resolve(options);
    super(options, CLASS_NAME);
  }

  protected mergeFunction(inputs: readonly Tensor[]): Tensor {
    // Left to right, as Keras, so float rounding matches input order.
    return inputs.slice(1).reduce((acc, t) => add(acc, t), inputs[0]);
  }

  /**
   * Rebuilds a layer from `getConfig()` output (or a Keras 3 config).
   *
   * @example
   * ```ts
   * const copy = Add.fromConfig({ name: 'block_2_add', trainable: true });
   * ```
   */
  static fromConfig(config: Config): Add {
    return new Add(OPTIONS.optionsFromConfig(config));
  }
}

/**
 * Creates an `Add` layer and composes it with `object` (Keras's `layer_add`): an array of symbolic
 * tensors → their sum's placeholder; an array of tensors → the computed sum; nothing → the layer.
 *
 * @example
 * ```ts
 * const inputs = layerInput({ shape: [8, 8, 16] });
 * const branch = layerConv2d(inputs, { filters: 16, kernelSize: 3, padding: 'same' });
 * const outputs = layerAdd([inputs, branch], { name: 'residual' });
 * ```
 */
export const layerAdd = layerFunction((options: AddOptions) => new Add(options));
