/**
 * Validation shared by every kernel's `params.ts`: shapes of positive integers, [height, width] pairs and
 * enumerated options, with errors that name the kernel, the argument, the value and what is allowed.
 */
import { describeValue, InvalidArgumentError, ShapeError, UnknownNameError } from '../errors.js';
import type { DataFormat, Padding } from './window.js';

export const PADDINGS: readonly Padding[] = ['valid', 'same'];
export const DATA_FORMATS: readonly DataFormat[] = ['channels_last', 'channels_first'];

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Same wording as `InvalidArgumentError`, but typed as a shape problem so callers can tell them apart. */
export function shapeError(context: string, argument: string, received: unknown, expected: string): ShapeError {
  return new ShapeError(`${context}: invalid \`${argument}\`: received ${describeValue(received)}; expected ${expected}.`);
}

/** A shape with one positive integer per named axis. */
export function requireShape(context: string, argument: string, shape: unknown, axes: readonly string[]): readonly number[] {
  const layout = `[${axes.join(', ')}]`;
  if (!Array.isArray(shape) || shape.length !== axes.length) {
    throw shapeError(context, argument, shape, `a rank-${axes.length} shape ${layout}`);
  }
  shape.forEach((dim: unknown, i) => {
    if (!isPositiveInteger(dim)) {
      throw shapeError(context, `${argument}[${i}]`, dim, `a positive integer (${axes[i]} of ${layout}; full shape ${describeValue(shape)})`);
    }
  });
  return shape as readonly number[];
}

export function requirePair(context: string, argument: string, value: unknown): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every(isPositiveInteger)) {
    throw new InvalidArgumentError(argument, value, 'a pair of positive integers [height, width]', context);
  }
  return value as unknown as readonly [number, number];
}

export function requireOneOf<T extends string>(context: string, argument: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) throw new UnknownNameError(argument, value, allowed, context);
  return value as T;
}
