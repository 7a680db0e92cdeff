/** RMSprop, as `keras.optimizers.RMSprop`. */

import type { UpdateRule } from '../../ops/optimizer-steps.js';
import type { Config } from '../../serialization/keras-object.js';
import type { OptimizerOptions, SlotSpec, UpdateContext } from './optimizer.js';
import { checkBoolean } from '../../utils/arguments.js';
import { checkOptimizerOptions, Optimizer, optionsFromConfig, validatePositive, validateRange } from './optimizer.js';
import { optionKeys } from '../../utils/option-keys.js';

export interface RMSpropOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the squared-gradient average, in [0, 1). Default 0.9. */
  rho?: number;
  /** In [0, 1]; 0 (the default) keeps no momentum slot. */
  momentum?: number;
  /** Added inside the square root. Default 1e-7. */
  epsilon?: number;
  /** Normalise by the gradient's estimated variance rather than its second moment. Default false. */
  centered?: boolean;
}

const RMSPROP_KEYS = optionKeys<Omit<RMSpropOptions, keyof OptimizerOptions>>()(['rho', 'momentum', 'epsilon', 'centered']);

/**
 * Keras 3's RMSprop: `v = rho * v + (1 - rho) * g²`; centered also keeps `a = rho * a + (1 - rho) * g` and
 * uses `v - a²`; `increment = lr * g / sqrt(v [- a²] + epsilon)` (epsilon inside the root); then
 * `w -= increment`, or with momentum `mom = momentum * mom + increment; w -= mom`.
 *
 * @example
 * ```ts
 * const opt = new RMSprop({ learningRate: 1e-3, centered: true, momentum: 0.9 });
 * ```
 */
export class RMSprop extends Optimizer {
  readonly className: string = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    const ctx = 'RMSprop';
    checkOptimizerOptions(options, RMSPROP_KEYS, ctx);
    const rho = validateRange(options.rho ?? 0.9, 'rho', ctx, 0, 1, true);
    const momentum = validateRange(options.momentum ?? 0, 'momentum', ctx, 0, 1);
    const epsilon = validatePositive(options.epsilon ?? 1e-7, 'epsilon', ctx);
    const centered = checkBoolean(options.centered ?? false, 'centered', ctx);
    super(ctx, options, RMSPROP_KEYS, 0.001);
    this.rho = rho;
    this.momentum = momentum;
    this.epsilon = epsilon;
    this.centered = centered;
  }

  /**
   * Builds an RMSprop from Keras's `get_config()` dict.
   *
   * @example
   * ```ts
   * RMSprop.fromConfig({ learning_rate: 0.001, rho: 0.95 });
   * ```
   */
  static fromConfig(config: Config): RMSprop {
    return new RMSprop(optionsFromConfig(config, 'RMSprop') as RMSpropOptions);
  }

  slotGroups(): readonly (readonly SlotSpec[])[] {
    // Keras's build order: velocities, then momentums (if momentum > 0), then average gradients (if centered).
    const groups: SlotSpec[][] = [[{ name: 'velocity', initialValue: 0 }]];
    if (this.momentum > 0) groups.push([{ name: 'momentum', initialValue: 0 }]);
    if (this.centered) groups.push([{ name: 'average_gradient', initialValue: 0 }]);
    return groups;
  }

  protected updateRule({ learningRate }: UpdateContext): UpdateRule {
    return { kind: 'rmsprop', learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  protected ownConfig(): Config {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
