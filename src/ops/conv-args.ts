/**
 * Argument normalisation shared by every convolution-like op and layer: tuples, padding, data format,
 * output padding. Each rule is validated once, here (the front end), with one wording; kernels and their
 * params receive only resolved, trusted values and merely assert them.
 */

import { describeValue, InvalidArgumentError, ShapeError } from '../errors.js';
import type { Tensor } from '../engine/tensor.js';
import { isSizeInteger, MAX_SIZE_ARGUMENT, sizeIntegerWords } from '../utils/arguments.js';
import type { DataFormat, Padding } from '../kernels/window.js';
import type { ExplicitPadding, SpatialRank } from '../kernels/conv/params.js';

export type { DataFormat, Padding, ExplicitPadding, SpatialRank };

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

/** Keras's padding names; 'causal' only where a layer allows it (Conv1D). */
export type LayerPadding = Padding | 'causal';

/** One of `allowed` in any case, as Keras lower-cases padding. */
export function normalizeLayerPadding<T extends LayerPadding>(value: unknown, allowed: readonly T[], context?: string): T {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if ((allowed as readonly unknown[]).includes(lowered)) return lowered as T;
  const names = allowed.map((a) => `'${a}'`);
  const words = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  throw new InvalidArgumentError('padding', value, `${words} (case-insensitive)`, context);
}

/** 'valid' or 'same' in any case, as Keras lower-cases padding. */
export function normalizePadding(value: unknown, context?: string): Padding {
  return normalizeLayerPadding(value, ['valid', 'same'] as const, context);
}

export function normalizeDataFormat(value: unknown, context?: string): DataFormat {
  const lowered = typeof value === 'string' ? value.toLowerCase() : value;
  if (lowered === 'channels_last' || lowered === 'channels_first') return lowered;
  throw new InvalidArgumentError('dataFormat', value, "'channels_last' or 'channels_first'", context);
}

/**
 * A convolution op's padding: 'valid' or 'same' (any case), or explicit `[before, after]` zero padding
 * per spatial axis (`before ≥ 0`; a negative `after` drops trailing input pixels).
 */
export function normalizeConvPadding(value: unknown, rank: number, context: string): Padding | ExplicitPadding {
  if (!Array.isArray(value)) return normalizePadding(value, context);
  const pair = (p: unknown) =>
    Array.isArray(p) && p.length === 2 && isSizeInteger(p[0], 0) && Number.isInteger(p[1]) && Math.abs(p[1] as number) <= MAX_SIZE_ARGUMENT;
  if (value.length !== rank || !value.every(pair)) {
    throw new InvalidArgumentError(
      'padding',
      value,
      `'valid', 'same' (case-insensitive) or ${rank} integer pairs [before, after] (before ≥ 0), one per spatial axis`,
      context,
    );
  }
  return value.map((p: readonly number[]) => [p[0], p[1]] as const);
}

/**
 * Keras's `output_padding` of a transposed convolution: null, or a non-negative integer (or one per axis),
 * each strictly less than the stride of its axis.
 */
export function normalizeOutputPadding(value: unknown, strides: readonly number[], context: string): number[] | null {
  if (value === undefined || value === null) return null;
  const outputPadding = normalizeTuple(value, strides.length, 'outputPadding', 0, context);
  if (outputPadding.some((op, i) => op >= strides[i])) {
    throw new InvalidArgumentError('outputPadding', value, `values strictly less than strides ${describeValue(strides)}`, context);
  }
  return outputPadding;
}

/**
 * The number of spatial axes of a convolution input: its rank less the batch and channel axes, which
 * must be one of `allowed` (1, 2 or 3); a wrong rank is a shape error naming the input's shape.
 */
export function spatialRankOf(x: Tensor, context: string, allowed: readonly SpatialRank[] = [1, 2, 3]): SpatialRank {
  const rank = x.rank - 2;
  if (!(allowed as readonly number[]).includes(rank)) {
    const ranks = allowed.map((r) => `rank-${r + 2}`).join(' or ');
    const layout = allowed.length === 1 && allowed[0] === 2 ? '[batch, height, width, channels] or [batch, channels, height, width]' : '[batch, ...spatial, channels] or [batch, channels, ...spatial]';
    throw new ShapeError(`${context}: invalid \`inputShape\`: received ${describeValue(x.shape)}; expected a ${ranks} shape ${layout}.`);
  }
  return rank as SpatialRank;
}
