/** The L1, L2 and L1L2 weight penalties of `keras.regularizers`. */

import type { Tensor } from '../engine/tensor.js';
import { scalar } from '../engine/tensor.js';
import { abs, add, mul, square, sum } from '../ops/index.js';
import { assertTensor } from '../ops/convert.js';
import { checkOptions, optionKeys } from '../utils/option-keys.js';
import { Regularizer, validateFactor } from './regularizer.js';

export interface L1Options {
  /** The L1 factor; Keras's default 0.01 when omitted or null. */
  l1?: number | null;
}

export interface L2Options {
  /** The L2 factor; Keras's default 0.01 when omitted or null. */
  l2?: number | null;
}

export interface L1L2Options {
  /** The L1 factor; 0 (no L1 term) when omitted or null, as Keras's `L1L2` constructor. */
  l1?: number | null;
  /** The L2 factor; 0 (no L2 term) when omitted or null, as Keras's `L1L2` constructor. */
  l2?: number | null;
}

const L1_KEYS = optionKeys<L1Options>()(['l1']);
const L2_KEYS = optionKeys<L2Options>()(['l2']);
const L1L2_KEYS = optionKeys<L1L2Options>()(['l1', 'l2']);

export type L1Config = { l1: number };
export type L2Config = { l2: number };
export type L1L2Config = { l1: number; l2: number };

/**
 * `l1 * sum(|x|)`, as `keras.regularizers.L1`.
 *
 * Keras stores `l1` as a floatx tensor, so with floatx float32 its config reads back 0.009999999776482582
 * for 0.01; we keep the number as given, which is what Keras reports under floatx float64. The penalty is
 * computed in `x`'s dtype either way, as Keras's `ops.cast(self.l1, x.dtype)` does.
 *
 * @example
 * ```ts
 * new L1({ l1: 0.1 }).call(tensor([1, -2])).item(); // 0.3 (float32)
 * ```
 */
export class L1 extends Regularizer {
  override readonly className = 'L1';
  readonly l1: number;

  constructor(options: L1Options = {}) {
    checkOptions(options, L1_KEYS, 'L1');
    super();
    this.l1 = validateFactor(options.l1 ?? 0.01, 'l1', 'L1');
  }

  override call(x: Tensor): Tensor {
    assertTensor(x, 'x');
    return mul(this.l1, sum(abs(x)));
  }

  override getConfig(): L1Config {
    return { l1: this.l1 };
  }
}

/**
 * `l2 * sum(x²)`, as `keras.regularizers.L2`.
 *
 * @example
 * ```ts
 * new L2({ l2: 0.5 }).call(tensor([1, -2])).item(); // 2.5
 * ```
 */
export class L2 extends Regularizer {
  override readonly className = 'L2';
  readonly l2: number;

  constructor(options: L2Options = {}) {
    checkOptions(options, L2_KEYS, 'L2');
    super();
    this.l2 = validateFactor(options.l2 ?? 0.01, 'l2', 'L2');
  }

  override call(x: Tensor): Tensor {
    assertTensor(x, 'x');
    return mul(this.l2, sum(square(x)));
  }

  override getConfig(): L2Config {
    return { l2: this.l2 };
  }
}

/**
 * `l1 * sum(|x|) + l2 * sum(x²)`, as `keras.regularizers.L1L2`. Both factors default to 0 here, unlike the
 * 0.01 of `L1` and `L2` (Keras keeps this for backward compatibility: `L1L2({ l2: 0.1 })` has no L1 term).
 *
 * @example
 * ```ts
 * new L1L2({ l1: 0.1, l2: 0.5 }).call(tensor([1, -2])).item(); // 0.3 + 2.5
 * ```
 */
export class L1L2 extends Regularizer {
  override readonly className = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(options: L1L2Options = {}) {
    checkOptions(options, L1L2_KEYS, 'L1L2');
    super();
    this.l1 = validateFactor(options.l1 ?? 0, 'l1', 'L1L2');
    this.l2 = validateFactor(options.l2 ?? 0, 'l2', 'L1L2');
  }

  override call(x: Tensor): Tensor {
    assertTensor(x, 'x');
    // Same summation order as Keras (0 + L1 term + L2 term), skipping a zero factor's term entirely.
    let penalty = scalar(0, x.dtype);
    if (this.l1 !== 0) penalty = add(penalty, mul(this.l1, sum(abs(x))));
    if (this.l2 !== 0) penalty = add(penalty, mul(this.l2, sum(square(x))));
    return penalty;
  }

  override getConfig(): L1L2Config {
    return { l1: this.l1, l2: this.l2 };
  }
}

/**
 * An L1 penalty, as `keras.regularizers.l1` (an alias of `L1`).
 *
 * @example
 * ```ts
 * const reg = l1({ l1: 0.001 });
 * ```
 */
export function l1(options: L1Options = {}): L1 {
  return new L1(options);
}

/**
 * An L2 penalty, as `keras.regularizers.l2` (an alias of `L2`).
 *
 * @example
 * ```ts
 * const reg = l2({ l2: 0.001 });
 * ```
 */
export function l2(options: L2Options = {}): L2 {
  return new L2(options);
}

/**
 * A combined L1 + L2 penalty, as `keras.regularizers.l1_l2` (an alias of `L1L2`; both factors default to 0).
 *
 * @example
 * ```ts
 * const reg = l1L2({ l1: 0.001, l2: 0.01 });
 * ```
 */
export function l1L2(options: L1L2Options = {}): L1L2 {
  return new L1L2(options);
}
