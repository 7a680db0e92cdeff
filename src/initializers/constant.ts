/** Zeros, Ones and Constant: initializers that need no randomness. */

import type { DType } from '../engine/dtype.js';
import type { Tensor } from '../engine/tensor.js';
import { fill } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config } from '../serialization/keras-object.js';
import { Initializer, checkCallArgs } from './initializer.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { optionsFromConfig, snakeKeys } from './options.js';

/**
 * All zeros (Keras `Zeros`; names `'zeros'`, `'zero'`).
 *
 * @example
 * ```ts
 * new Zeros().call([2, 2]); // [[0, 0], [0, 0]]
 * ```
 */
export class Zeros extends Initializer {
  readonly className: string = 'Zeros';

  call(shape: readonly number[], dtype?: DType): Tensor {
    return fill(shape, 0, checkCallArgs(shape, dtype, true));
  }

  static fromConfig(config: Config): Zeros {
    optionsFromConfig(config, [], 'Zeros');
    return new Zeros();
  }
}

/**
 * All ones (Keras `Ones`; names `'ones'`, `'one'`).
 *
 * @example
 * ```ts
 * new Ones().call([3], 'float64'); // [1, 1, 1]
 * ```
 */
export class Ones extends Initializer {
  readonly className: string = 'Ones';

  call(shape: readonly number[], dtype?: DType): Tensor {
    return fill(shape, 1, checkCallArgs(shape, dtype, true));
  }

  static fromConfig(config: Config): Ones {
    optionsFromConfig(config, [], 'Ones');
    return new Ones();
  }
}

export interface ConstantOptions {
  /** The scalar every element takes (default 0). */
  value?: number;
}

const CONSTANT_KEYS = optionKeys<ConstantOptions>()(['value']);

/**
 * Every element equal to `value` (Keras `Constant`; config `{value}`).
 *
 * @example
 * ```ts
 * new Constant({ value: 0.5 }).call([2]); // [0.5, 0.5]
 * ```
 */
export class Constant extends Initializer {
  readonly className: string = 'Constant';
  readonly value: number;

  constructor(options: ConstantOptions = {}) {
    checkOptions(options, CONSTANT_KEYS, 'Constant');
    super();
    const value = options.value ?? 0;
    // Keras accepts only scalars here ("Only scalar values are allowed").
    if (typeof value !== 'number') throw new InvalidArgumentError('value', value, 'a number', 'Constant');
    this.value = value;
  }

  call(shape: readonly number[], dtype?: DType): Tensor {
    return fill(shape, this.value, checkCallArgs(shape, dtype, true));
  }

  override getConfig(): Config {
    return { value: this.value };
  }

  static fromConfig(config: Config): Constant {
    return new Constant(optionsFromConfig(config, snakeKeys(CONSTANT_KEYS), 'Constant') as ConstantOptions);
  }
}
