/**
 * Argument normalisation shared by every convolution-like op and layer: tuples, padding, data format.
 * Validated once here (front end), so kernels receive only resolved, trusted parameters.
 */

import { InvalidArgumentError } from '../errors.js';
import { isSizeInteger, sizeIntegerWords } from '../utils/arguments.js';
import type { DataFormat, Padding } from '../kernels/window.js';

export type { DataFormat, Padding };

/** An int or a tuple of `n` ints, as Keras accepts for kernel_size, strides and dilation_rate. */
export type IntOrTuple = number | readonly number[];

/**
 * Expands an int to an `n`-tuple and checks every entry is an integer ≥ `min`.
 * @param argument the camelCase option name, used in the error.
 */
export function normalizeTuple(value: unknown, n: number, argument: string, min = 1, context?: string): number[] {
  const allowed = `${sizeIntegerWords(min)} or an array of ${n} such integers`;
  const list = typeof value === 'number' ? new Array<number>(n).fill(value) : value;
  if (!Array.isArray(list) || list.length !== n || !list.every((v) => isSizeInteger(v, min))) {
    throw new InvalidArgumentError(argument, value, allowed, context);
  }
  return [...(list as number[])];
}

/** 'valid' or 'same' in any case, as Keras lower-cases padding. */
export function normalizePadding(value: unknown, context?: string): Padding {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if (lowered === 'valid' || lowered === 'same') return lowered;
  throw new InvalidArgumentError('padding', value, "'valid' or 'same' (case-insensitive)", context);
}

export function normalizeDataFormat(value: unknown, context?: string): DataFormat {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if (lowered === 'channels_last' || lowered === 'channels_first') return lowered;
  throw new InvalidArgumentError('dataFormat', value, "'channels_last' or 'channels_first'", context);
}
