/** Adagrad, as `keras.optimizers.Adagrad`. */

import type { UpdateRule } from '../../ops/optimizer-steps.js';
import type { Config } from '../../serialization/keras-object.js';
import type { OptimizerOptions, SlotSpec, UpdateContext } from './optimizer.js';
import { checkOptimizerOptions, Optimizer, optionsFromConfig, validateNonNegative, validatePositive } from './optimizer.js';
import { optionKeys } from '../../utils/option-keys.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** The accumulator's starting value, >= 0. Default 0.1. */
  initialAccumulatorValue?: number;
  /** Added inside the square root. Default 1e-7. */
  epsilon?: number;
}

const ADAGRAD_KEYS = optionKeys<Omit<AdagradOptions, keyof OptimizerOptions>>()(['initialAccumulatorValue', 'epsilon']);

/**
 * Keras 3's Adagrad: `acc += g²`, `w -= lr * g / sqrt(acc + epsilon)` (epsilon inside the root), the
 * accumulator starting at `initialAccumulatorValue`.
 *
 * @example
 * ```ts
 * const opt = new Adagrad({ learningRate: 0.01, initialAccumulatorValue: 0.1 });
 * ```
 */
export class Adagrad extends Optimizer {
  readonly className: string = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    const ctx = 'Adagrad';
    checkOptimizerOptions(options, ADAGRAD_KEYS, ctx);
    const initial = validateNonNegative(options.initialAccumulatorValue ?? 0.1, 'initialAccumulatorValue', ctx);
    const epsilon = validatePositive(options.epsilon ?? 1e-7, 'epsilon', ctx);
    super(ctx, options, ADAGRAD_KEYS, 0.001);
    this.initialAccumulatorValue = initial;
    this.epsilon = epsilon;
  }

  /**
   * Builds an Adagrad from Keras's `get_config()` dict.
   *
   * @example
   * ```ts
   * Adagrad.fromConfig({ learning_rate: 0.01, initial_accumulator_value: 0.1 });
   * ```
   */
  static fromConfig(config: Config): Adagrad {
    return new Adagrad(optionsFromConfig(config, 'Adagrad') as AdagradOptions);
  }

  slotGroups(): readonly (readonly SlotSpec[])[] {
    return [[{ name: 'accumulator', initialValue: this.initialAccumulatorValue }]];
  }

  protected updateRule({ learningRate }: UpdateContext): UpdateRule {
    return { kind: 'adagrad', learningRate, epsilon: this.epsilon };
  }

  protected ownConfig(): Config {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
