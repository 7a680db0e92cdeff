/** Stochastic gradient descent with optional (Nesterov) momentum, as `keras.optimizers.SGD`. */

import type { UpdateRule } from '../../ops/optimizer-steps.js';
import type { Config } from '../../serialization/keras-object.js';
import type { OptimizerOptions, SlotSpec, UpdateContext } from './optimizer.js';
import { checkBoolean } from '../../utils/arguments.js';
import { castScalar, checkOptimizerOptions, Optimizer, optionsFromConfig, validateRange } from './optimizer.js';
import { optionKeys } from '../../utils/option-keys.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: OptimizerOptions['learningRate'];
  /** In [0, 1]; 0 (the default) keeps no momentum slot. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

const SGD_KEYS = optionKeys<Omit<SGDOptions, keyof OptimizerOptions>>()(['momentum', 'nesterov']);

/**
 * Keras 3's SGD. Without momentum `w -= lr * g`. With momentum `m = momentum * m - lr * g`, then
 * `w += m`, or with Nesterov `w += momentum * m - lr * g` (using the updated `m`).
 *
 * @example
 * ```ts
 * const opt = new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true });
 * ```
 */
export class SGD extends Optimizer {
  readonly className: string = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    // Validated before super() so a rejected construction consumes no automatic name.
    checkOptimizerOptions(options, SGD_KEYS, 'SGD');
    const momentum = validateRange(options.momentum ?? 0, 'momentum', 'SGD', 0, 1);
    const nesterov = checkBoolean(options.nesterov ?? false, 'nesterov', 'SGD');
    super('SGD', options, SGD_KEYS, 0.01);
    this.momentum = momentum;
    this.nesterov = nesterov;
  }

  /**
   * Builds an SGD from Keras's `get_config()` dict.
   *
   * @example
   * ```ts
   * SGD.fromConfig({ learning_rate: 0.1, momentum: 0.9 });
   * ```
   */
  static fromConfig(config: Config): SGD {
    return new SGD(optionsFromConfig(config, 'SGD') as SGDOptions);
  }

  slotGroups(): readonly (readonly SlotSpec[])[] {
    // Keras creates the momentum slots only when momentum != 0.
    return this.momentum !== 0 ? [[{ name: 'momentum', initialValue: 0 }]] : [];
  }

  protected updateRule({ learningRate, dtype }: UpdateContext): UpdateRule {
    return { kind: 'sgd', learningRate, momentum: castScalar(this.momentum, dtype), nesterov: this.nesterov };
  }

  protected ownConfig(): Config {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
