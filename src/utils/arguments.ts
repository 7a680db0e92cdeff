/**
 * The range rules every numeric argument of the public API follows, written once so each rule has one
 * wording: sizes, strides, dilations, kernel sizes, units, filters, paddings, croppings and dimensions
 * are integers in a bounded range, checked where the argument is given (a layer's constructor, an op's
 * options), so no absurd value reaches a kernel as a WebAssembly trap or an allocator request.
 */

import { InvalidArgumentError } from '../errors.js';

/**
 * The largest size-like integer argument: 2^24 = 16,777,216. Far beyond any real layer (and refused, a
 * deliberate difference from Keras, which takes any integer), and small enough that window arithmetic on
 * it (offsets, paddings, products with kernel sizes) stays exact in the 32-bit integers kernels use.
 */
export const MAX_SIZE_ARGUMENT = 2 ** 24;

/**
 * `value` as a boolean: `true` or `false`, or `fallback` when `value` is undefined and a fallback is given;
 * anything else is refused, naming the argument.
 *
 * @example
 * ```ts
 * const centered = checkBoolean(options.centered ?? false, 'centered', 'RMSprop');
 * ```
 */
export function checkBoolean(value: unknown, argument: string, context: string, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(argument, value, 'true or false', context);
  return value;
}

/** Whether `value` is an integer in `[min, MAX_SIZE_ARGUMENT]`. */
export function isSizeInteger(value: unknown, min = 1): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= MAX_SIZE_ARGUMENT;
}

/** What {@link isSizeInteger} allows, in words: 'a positive integer ≤ 16777216'. */
export function sizeIntegerWords(min = 1): string {
  const kind = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
  return `${kind} ≤ ${MAX_SIZE_ARGUMENT}`;
}

/**
 * `value` as a size-like integer in `[min, MAX_SIZE_ARGUMENT]`, or an error naming the argument, the value
 * and the range.
 *
 * @example
 * ```ts
 * const units = checkSizeInteger(options.units, 'units', 1, 'Dense');
 * ```
 */
export function checkSizeInteger(value: unknown, argument: string, min = 1, context?: string): number {
  if (!isSizeInteger(value, min)) throw new InvalidArgumentError(argument, value, sizeIntegerWords(min), context);
  return value;
}
