/** The identity-matrix initializer. */

import type { DType } from '../engine/dtype.js';
import { allocArray } from '../engine/dtype.js';
import { formatShape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import { tensorFromArray } from '../engine/tensor.js';
import { ShapeError } from '../errors.js';
import type { Config } from '../serialization/keras-object.js';
import { Initializer, checkCallArgs } from './initializer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { finiteNumber, optionsFromConfig, snakeKeys } from './options.js';

export interface IdentityOptions {
  /** Multiplies the identity matrix (default 1). */
  gain?: number;
}

const IDENTITY_KEYS = optionKeys<IdentityOptions>()(['gain']);

/**
 * `gain` times the identity matrix, as Keras's `Identity` (`eye(rows, cols)`; non-square shapes get ones on
 * the main diagonal). Like Keras, only 2-D shapes are accepted; a depthwise kernel is 4-D, so use another
 * initializer there. Keras's class is `Identity`; `'identity'` and `'IdentityInitializer'` name it.
 *
 * @example
 * ```ts
 * new Identity({ gain: 2 }).call([2, 3]); // [[2, 0, 0], [0, 2, 0]]
 * ```
 */
export class Identity extends Initializer {
  readonly className: string = 'Identity';
  readonly gain: number;

  constructor(options: IdentityOptions = {}) {
    checkOptions(options, IDENTITY_KEYS, 'Identity');
    super();
    this.gain = finiteNumber(options.gain, 'gain', 'Identity', 1);
  }

  call(shape: readonly number[], dtype?: DType): Tensor {
    const resolved = checkCallArgs(shape, dtype, true);
    if (shape.length !== 2) {
      throw new ShapeError(
        `Identity: the identity initializer can only be used for 2D matrices; received shape ${formatShape(shape)} of rank ${shape.length}`,
      );
    }
    const [rows, cols] = shape;
    // Filled on the host, then handed to the backend: a device backend's `dataSync()` is a copy.
    const data = allocArray(resolved, rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) data[i * cols + i] = this.gain;
    return tensorFromArray(data, shape, resolved);
  }

  /**
   * Keras 3.15's `Identity.get_config()` returns `{}` and so drops `gain`. We match it for the default gain and
   * write `{gain}` otherwise, so a non-default gain survives `clone()` and saving (Keras's constructor accepts it).
   */
  override getConfig(): Config {
    return this.gain === 1 ? {} : { gain: this.gain };
  }

  static fromConfig(config: Config): Identity {
    return new Identity(optionsFromConfig(config, snakeKeys(IDENTITY_KEYS), 'Identity') as IdentityOptions);
  }
}
