/** AdamW, as `keras.optimizers.AdamW`: Adam with decoupled weight decay on by default. */

import { InvalidArgumentError } from '../../errors.js';
import type { Config } from '../../serialization/keras-object.js';
import type { AdamOptions } from './adam.js';
import { Adam, ADAM_KEYS } from './adam.js';
import { checkOptimizerOptions, optionsFromConfig } from './optimizer.js';

export interface AdamWOptions extends AdamOptions {
  /** Default 0.004. Must be a number (Keras rejects null for AdamW). */
  weightDecay?: number;
}

/**
 * Keras 3's AdamW: exactly Adam plus the base optimizer's weight decay, applied before the Adam update as
 * `w -= w * weightDecay * lr` (lr being the step's learning rate, not scaled by Adam's bias correction).
 *
 * @example
 * ```ts
 * const opt = new AdamW({ learningRate: 1e-3, weightDecay: 0.01 });
 * opt.excludeFromWeightDecay({ varNames: ['bias'] });
 * ```
 */
export class AdamW extends Adam {
  override readonly className: string = 'AdamW';

  constructor(options: AdamWOptions = {}) {
    checkOptimizerOptions(options, ADAM_KEYS, 'AdamW');
    if (options.weightDecay === null) {
      // Keras: "Argument `weight_decay` must be a float. Received: weight_decay=None".
      throw new InvalidArgumentError('weightDecay', null, 'a finite number >= 0', 'AdamW');
    }
    super({ ...options, weightDecay: options.weightDecay ?? 0.004 }, 'AdamW');
  }

  /**
   * Builds an AdamW from Keras's `get_config()` dict.
   *
   * @example
   * ```ts
   * AdamW.fromConfig({ learning_rate: 0.001, weight_decay: 0.01 });
   * ```
   */
  static override fromConfig(config: Config): AdamW {
    return new AdamW(optionsFromConfig(config, 'AdamW') as AdamWOptions);
  }
}
