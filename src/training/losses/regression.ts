/** Regression losses: mean squared error and mean absolute error (`keras.losses`). */

import type { Tensor } from '../../engine/tensor.js';
import type { PointwiseFn } from '../../ops/index.js';
import { mapPointwise, mean, square, sub } from '../../ops/index.js';
import type { LossOptions, LossValues } from './loss.js';
import { alignSameShape, Loss, LOSS_OPTION_KEYS } from './loss.js';
import { checkOptions } from '../../utils/option-keys.js';

/**
 * |x| with JAX's subgradient at 0 (d|x|/dx = 1 there, where our `ops.abs` uses 0), so that a prediction
 * equal to its target gets the gradient Keras computes, -1/n with respect to yPred.
 */
const ABS_JAX: PointwiseFn = { name: 'abs', f: Math.abs, df: (x) => (x >= 0 ? 1 : -1) };

/**
 * `mean(square(yTrue - yPred), axis=-1)` per sample, as `keras.losses.MeanSquaredError`.
 *
 * @example
 * ```ts
 * new MeanSquaredError().call(tensor([[1], [0]]), tensor([[0.5], [0.5]])).item(); // 0.25
 * ```
 */
export class MeanSquaredError extends Loss {
  readonly className = 'MeanSquaredError';

  constructor(options: LossOptions = {}) {
    checkOptions(options, LOSS_OPTION_KEYS, 'MeanSquaredError');
    super('mean_squared_error', options);
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const [t, p] = alignSameShape(yTrue, yPred, this.name);
    return { values: mean(square(sub(t, p)), { axis: -1 }) };
  }
}

/**
 * `mean(abs(yTrue - yPred), axis=-1)` per sample, as `keras.losses.MeanAbsoluteError`.
 *
 * @example
 * ```ts
 * new MeanAbsoluteError().call(tensor([[1], [0]]), tensor([[0.5], [0.5]])).item(); // 0.5
 * ```
 */
export class MeanAbsoluteError extends Loss {
  readonly className = 'MeanAbsoluteError';

  constructor(options: LossOptions = {}) {
    checkOptions(options, LOSS_OPTION_KEYS, 'MeanAbsoluteError');
    super('mean_absolute_error', options);
  }

  protected values(yTrue: Tensor, yPred: Tensor): LossValues {
    const [t, p] = alignSameShape(yTrue, yPred, this.name);
    return { values: mean(mapPointwise(sub(t, p), ABS_JAX), { axis: -1 }) };
  }
}

/** `new MeanSquaredError(options)`. @example `losses.meanSquaredError().call(yTrue, yPred)` */
export function meanSquaredError(options: LossOptions = {}): MeanSquaredError {
  return new MeanSquaredError(options);
}

/** `new MeanAbsoluteError(options)`. @example `losses.meanAbsoluteError().call(yTrue, yPred)` */
export function meanAbsoluteError(options: LossOptions = {}): MeanAbsoluteError {
  return new MeanAbsoluteError(options);
}
