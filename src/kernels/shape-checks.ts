/**
 * Shape checks shared by the kernels' `params.ts`: tensors checked against each other where geometry is
 * resolved (once), with errors that name the kernel, the argument, the value and what fits. Option values
 * (strides, padding, data format...) are validated by the front end and only asserted by params.
 */
import { describeValue, ShapeError } from '../errors.js';

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
