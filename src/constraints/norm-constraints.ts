/** Keras's MaxNorm, MinMaxNorm, UnitNorm and NonNeg weight constraints. */

import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import { add, clip, div, maximum, mul } from '../ops/index.js';
import { assertTensor } from '../ops/convert.js';
import type { ConstraintAxis } from './constraint.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { axisConfig, Constraint, EPSILON, norms, validateAxis, validateNonNegative } from './constraint.js';

export interface MaxNormOptions {
  /** The largest norm allowed; 2 when omitted. */
  maxValue?: number;
  /** The axis (or axes) the norm is taken over; 0 when omitted. */
  axis?: ConstraintAxis;
}

export interface MinMaxNormOptions {
  /** The smallest norm allowed; 0 when omitted. */
  minValue?: number;
  /** The largest norm allowed; 1 when omitted. */
  maxValue?: number;
  /** How far to move toward the allowed range per projection, in [0, 1]; 1 (all the way) when omitted. */
  rate?: number;
  /** The axis (or axes) the norm is taken over; 0 when omitted. */
  axis?: ConstraintAxis;
}

export interface UnitNormOptions {
  /** The axis (or axes) the norm is taken over; 0 when omitted. */
  axis?: ConstraintAxis;
}

const MAX_NORM_KEYS = optionKeys<MaxNormOptions>()(['maxValue', 'axis']);
const MIN_MAX_NORM_KEYS = optionKeys<MinMaxNormOptions>()(['minValue', 'maxValue', 'rate', 'axis']);
const UNIT_NORM_KEYS = optionKeys<UnitNormOptions>()(['axis']);

export type MaxNormConfig = { max_value: number; axis: number | number[] | null };
export type MinMaxNormConfig = { min_value: number; max_value: number; rate: number; axis: number | number[] | null };
export type UnitNormConfig = { axis: number | number[] | null };

/**
 * Rescales each slice along `axis` whose L2 norm exceeds `maxValue` down to that norm, as
 * `keras.constraints.MaxNorm`: `w * clip(n, 0, maxValue) / (epsilon + n)` with `n = ‖w‖` over `axis`.
 * For a depthwise kernel `[kh, kw, channels, multiplier]`, `axis: [0, 1]` bounds each filter.
 *
 * @example
 * ```ts
 * new MaxNorm({ maxValue: 1, axis: 0 }).call(tensor([[3], [4]])); // ≈ [[0.6], [0.8]]
 * ```
 */
export class MaxNorm extends Constraint {
  override readonly className = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: number | readonly number[] | null;

  constructor(options: MaxNormOptions = {}) {
    checkOptions(options, MAX_NORM_KEYS, 'MaxNorm');
    super();
    this.maxValue = validateNonNegative(options.maxValue ?? 2, 'max_value', 'MaxNorm');
    this.axis = validateAxis(options.axis === undefined ? 0 : options.axis, 'MaxNorm');
  }

  override call(w: Tensor): Tensor {
    assertTensor(w, 'w');
    const n = norms(w, this.axis);
    // Same operation order as Keras: w * (desired / (epsilon + norms)).
    return mul(w, div(clip(n, 0, this.maxValue), add(EPSILON, n)));
  }

  override getConfig(): MaxNormConfig {
    return { max_value: this.maxValue, axis: axisConfig(this.axis) };
  }
}

/**
 * Moves each slice's L2 norm along `axis` toward `[minValue, maxValue]` at `rate`, as
 * `keras.constraints.MinMaxNorm`: `w * (rate * clip(n, min, max) + (1 - rate) * n) / (epsilon + n)`.
 *
 * @example
 * ```ts
 * new MinMaxNorm({ minValue: 1, maxValue: 2 }).call(tensor([[0.3], [0.4]])); // ≈ [[0.6], [0.8]]
 * ```
 */
export class MinMaxNorm extends Constraint {
  override readonly className = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: number | readonly number[] | null;

  constructor(options: MinMaxNormOptions = {}) {
    checkOptions(options, MIN_MAX_NORM_KEYS, 'MinMaxNorm');
    super();
    this.minValue = validateNonNegative(options.minValue ?? 0, 'min_value', 'MinMaxNorm');
    this.maxValue = validateNonNegative(options.maxValue ?? 1, 'max_value', 'MinMaxNorm');
    if (this.maxValue < this.minValue) {
      throw new InvalidArgumentError('max_value', this.maxValue, `a number >= min_value (${this.minValue})`, 'MinMaxNorm');
    }
    this.rate = validateNonNegative(options.rate ?? 1, 'rate', 'MinMaxNorm');
    if (this.rate > 1) throw new InvalidArgumentError('rate', this.rate, 'a number in [0, 1]', 'MinMaxNorm');
    this.axis = validateAxis(options.axis === undefined ? 0 : options.axis, 'MinMaxNorm');
  }

  override call(w: Tensor): Tensor {
    assertTensor(w, 'w');
    const n = norms(w, this.axis);
    const desired = add(mul(this.rate, clip(n, this.minValue, this.maxValue)), mul(1 - this.rate, n));
    return mul(w, div(desired, add(EPSILON, n)));
  }

  override getConfig(): MinMaxNormConfig {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: axisConfig(this.axis) };
  }
}

/**
 * Scales each slice along `axis` to unit L2 norm, as `keras.constraints.UnitNorm`: `w / (epsilon + n)`.
 *
 * @example
 * ```ts
 * new UnitNorm().call(tensor([[3], [4]])); // ≈ [[0.6], [0.8]]
 * ```
 */
export class UnitNorm extends Constraint {
  override readonly className = 'UnitNorm';
  readonly axis: number | readonly number[] | null;

  constructor(options: UnitNormOptions = {}) {
    checkOptions(options, UNIT_NORM_KEYS, 'UnitNorm');
    super();
    this.axis = validateAxis(options.axis === undefined ? 0 : options.axis, 'UnitNorm');
  }

  override call(w: Tensor): Tensor {
    assertTensor(w, 'w');
    return div(w, add(EPSILON, norms(w, this.axis)));
  }

  override getConfig(): UnitNormConfig {
    return { axis: axisConfig(this.axis) };
  }
}

/**
 * Replaces negative weights with 0, as `keras.constraints.NonNeg` (`maximum(w, 0)`).
 *
 * @example
 * ```ts
 * new NonNeg().call(tensor([-1, 2])); // [0, 2]
 * ```
 */
export class NonNeg extends Constraint {
  override readonly className = 'NonNeg';

  override call(w: Tensor): Tensor {
    assertTensor(w, 'w');
    return maximum(w, 0);
  }
}

/**
 * A max-norm constraint, as `keras.constraints.max_norm`.
 *
 * @example
 * ```ts
 * const c = maxNorm({ maxValue: 3, axis: [0, 1] });
 * ```
 */
export function maxNorm(options: MaxNormOptions = {}): MaxNorm {
  return new MaxNorm(options);
}

/**
 * A min-max-norm constraint, as `keras.constraints.min_max_norm`.
 *
 * @example
 * ```ts
 * const c = minMaxNorm({ minValue: 0.5, maxValue: 1, rate: 0.5 });
 * ```
 */
export function minMaxNorm(options: MinMaxNormOptions = {}): MinMaxNorm {
  return new MinMaxNorm(options);
}

/**
 * A unit-norm constraint, as `keras.constraints.unit_norm`.
 *
 * @example
 * ```ts
 * const c = unitNorm({ axis: [0, 1] });
 * ```
 */
export function unitNorm(options: UnitNormOptions = {}): UnitNorm {
  return new UnitNorm(options);
}

/**
 * A non-negativity constraint, as `keras.constraints.non_neg`.
 *
 * @example
 * ```ts
 * const c = nonNeg();
 * ```
 */
export function nonNeg(): NonNeg {
  return new NonNeg();
}
