/** Adam, as `keras.optimizers.Adam`. */

import type { UpdateRule } from '../../ops/optimizer-steps.js';
import type { Config } from '../../serialization/keras-object.js';
import type { OptimizerOptions, SlotSpec, UpdateContext } from './optimizer.js';
import { checkBoolean } from '../../utils/arguments.js';
import { castScalar, checkOptimizerOptions, Optimizer, optionsFromConfig, validatePositive, validateRange } from './optimizer.js';
import { optionKeys } from '../../utils/option-keys.js';

export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the first-moment average, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment average, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to `sqrt(v)` (not inside the root). Default 1e-7. */
  epsilon?: number;
  /** Use the running maximum of `v` (AMSGrad). Default false. */
  amsgrad?: boolean;
}

export const ADAM_KEYS = optionKeys<Omit<AdamOptions, keyof OptimizerOptions>>()(['beta1', 'beta2', 'epsilon', 'amsgrad']);

export interface ResolvedAdamOptions {
  beta1: number;
  beta2: number;
  epsilon: number;
  amsgrad: boolean;
}

/** Validates Adam's own options (shared with AdamW). */
export function resolveAdamOptions(options: AdamOptions, context: string): ResolvedAdamOptions {
  return {
    beta1: validateRange(options.beta1 ?? 0.9, 'beta1', context, 0, 1, true),
    beta2: validateRange(options.beta2 ?? 0.999, 'beta2', context, 0, 1, true),
    epsilon: validatePositive(options.epsilon ?? 1e-7, 'epsilon', context),
    amsgrad: checkBoolean(options.amsgrad ?? false, 'amsgrad', context),
  };
}

/**
 * Keras 3's Adam, which folds the bias corrections into the step size:
 * `alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)`, `m += (g - m) * (1 - beta1)`,
 * `v += (g² - v) * (1 - beta2)`, `w -= m * alpha / (sqrt(v) + epsilon)` (`v` replaced by its running max
 * with amsgrad). Epsilon is therefore added to the uncorrected `sqrt(v)`, unlike the paper's `sqrt(v̂)`.
 *
 * @example
 * ```ts
 * const opt = new Adam({ learningRate: 1e-3, amsgrad: true });
 * ```
 */
export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  /**
   * @param kerasClass Internal: the Keras class being built (`'AdamW'` from its subclass), which names the
   *   optimizer and its errors.
   */
  constructor(options: AdamOptions = {}, kerasClass = 'Adam') {
    checkOptimizerOptions(options, ADAM_KEYS, kerasClass);
    const own = resolveAdamOptions(options, kerasClass);
    super(kerasClass, options, ADAM_KEYS, 0.001);
    this.beta1 = own.beta1;
    this.beta2 = own.beta2;
    this.epsilon = own.epsilon;
    this.amsgrad = own.amsgrad;
  }

  /**
   * Builds an Adam from Keras's `get_config()` dict.
   *
   * @example
   * ```ts
   * Adam.fromConfig({ learning_rate: 0.01, beta_1: 0.8 });
   * ```
   */
  static fromConfig(config: Config): Adam {
    return new Adam(optionsFromConfig(config, 'Adam') as AdamOptions);
  }

  slotGroups(): readonly (readonly SlotSpec[])[] {
    const groups: SlotSpec[][] = [[{ name: 'momentum', initialValue: 0 }, { name: 'velocity', initialValue: 0 }]];
    if (this.amsgrad) groups.push([{ name: 'velocity_hat', initialValue: 0 }]);
    return groups;
  }

  protected updateRule({ learningRate: lr, localStep, dtype }: UpdateContext): UpdateRule {
    const beta1Power = castScalar(castScalar(this.beta1, dtype) ** localStep, dtype);
    const beta2Power = castScalar(castScalar(this.beta2, dtype) ** localStep, dtype);
    return {
      kind: 'adam',
      alpha: (lr * Math.sqrt(1 - beta2Power)) / (1 - beta1Power),
      oneMinusBeta1: 1 - this.beta1,
      oneMinusBeta2: 1 - this.beta2,
      epsilon: this.epsilon,
      amsgrad: this.amsgrad,
    };
  }

  protected ownConfig(): Config {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
