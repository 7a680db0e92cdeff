/** Stochastic gradient descent with optional (Nesterov) momentum, as `keras.optimizers.SGD`. */

import type { DataArray, FloatArray } from '../../engine/dtype.js';
import type { Config } from '../../serialization/keras-object.js';
import type { OptimizerOptions, SlotSpec, UpdateContext } from './optimizer.js';
import { Optimizer, optionsFromConfig, validateBoolean, validateRange } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: OptimizerOptions['learningRate'];
  /** In [0, 1]; 0 (the default) keeps no momentum slot. */
  momentum?: number;
  /** Nesterov momentum. Default false. */
  nesterov?: boolean;
}

const SGD_KEYS = ['momentum', 'nesterov'] as const;

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
    const momentum = validateRange(options.momentum ?? 0, 'momentum', 'SGD', 0, 1);
    const nesterov = validateBoolean(options.nesterov ?? false, 'nesterov', 'SGD');
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

  protected updateStep(w: FloatArray, g: DataArray, slots: ReadonlyMap<string, FloatArray>, { learningRate: lr, dtype }: UpdateContext): void {
    if (this.momentum === 0) {
      for (let i = 0; i < w.length; i++) w[i] = w[i] - g[i] * lr;
      return;
    }
    const m = slots.get('momentum') as FloatArray;
    const momentum = dtype === 'float32' ? Math.fround(this.momentum) : this.momentum;
    for (let i = 0; i < w.length; i++) {
      m[i] = m[i] * momentum - g[i] * lr;
      w[i] = this.nesterov ? w[i] + (m[i] * momentum - g[i] * lr) : w[i] + m[i];
    }
  }

  protected ownConfig(): Config {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}
