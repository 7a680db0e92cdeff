/** The constraint base class and the pieces the norm constraints share. */

import type { Tensor } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config, SerializedKerasObject } from '../serialization/keras-object.js';
import { serializeKerasObject } from '../serialization/keras-object.js';
import { sqrt, square, sum } from '../ops/index.js';
import { assertTensor } from '../ops/convert.js';

/** The `module` Keras 3 writes in a serialized constraint. */
export const CONSTRAINTS_MODULE = 'keras.constraints';

export { EPSILON } from '../config/epsilon.js';

/**
 * Any function from weights to projected weights. Keras accepts plain functions wherever it accepts a
 * constraint, so `getConstraint` passes them through.
 *
 * @example
 * ```ts
 * const clipToOne: ConstraintFn = (w) => ops.clip(w, -1, 1);
 * ```
 */
export type ConstraintFn = (w: Tensor) => Tensor;

/**
 * An axis argument as Keras takes it: one axis, several, or `null` for all (negative axes count from the end).
 */
export type ConstraintAxis = number | readonly number[] | null;

/**
 * Base class of the built-in constraints, as `keras.constraints.Constraint`. On its own it is the identity
 * projection, which is what Keras's `constraints.get('constraint')` returns.
 *
 * @example
 * ```ts
 * class Clip extends Constraint {
 *   override readonly className = 'Clip';
 *   override call(w: Tensor): Tensor { return ops.clip(w, -1, 1); }
 * }
 * ```
 */
export class Constraint {
  /** The Keras class name written as `class_name` when serialized. */
  readonly className: string = 'Constraint';

  /** The projected weights, with `w`'s shape and dtype. */
  call(w: Tensor): Tensor {
    assertTensor(w, 'w');
    return w;
  }

  /** The constructor arguments in Keras's snake_case form. */
  getConfig(): Config {
    return {};
  }

  /** Keras 3's serialized form, `{ module: 'keras.constraints', class_name, config, registered_name: null }`. */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(CONSTRAINTS_MODULE, this.className, this.getConfig());
  }
}

/**
 * Checks an axis argument. Whether the axes fit the weights' rank is only known at `call` time, where the
 * reduction checks it.
 */
export function validateAxis(value: unknown, context: string): number | number[] | null {
  if (value === null) return null;
  if (Number.isInteger(value)) return value as number;
  if (Array.isArray(value) && value.length > 0 && value.every((a) => Number.isInteger(a))) return [...(value as number[])];
  throw new InvalidArgumentError('axis', value, 'an integer, a non-empty array of integers, or null', context);
}

/**
 * Checks a norm bound or rate. Keras does not validate these; we refuse non-finite and negative values
 * because they make the projection meaningless (a negative max norm flips the weights' sign).
 */
export function validateNonNegative(value: unknown, argument: string, context: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(argument, value, 'a finite non-negative number', context);
  }
  return value;
}

/** `sqrt(sum(w², axis, keepdims=True))`, the per-slice L2 norms every norm constraint starts from. */
export function norms(w: Tensor, axis: number | readonly number[] | null): Tensor {
  return sqrt(sum(square(w), { axis, keepDims: true }));
}

/** A config's axis in the form Keras writes it: the int, or a copy of the list. */
export function axisConfig(axis: number | readonly number[] | null): number | number[] | null {
  return typeof axis === 'number' || axis === null ? axis : [...axis];
}

/**
 * A plain function used as a constraint, wrapped so that layers hold one kind of object. It serializes as
 * Keras serializes a function: by name, under module 'builtins'.
 */
export class FunctionConstraint extends Constraint {
  override readonly className = 'function';
  readonly fn: ConstraintFn;

  constructor(fn: ConstraintFn) {
    super();
    this.fn = fn;
  }

  override call(w: Tensor): Tensor {
    return this.fn(w);
  }

  override getConfig(): Config {
    return { name: this.fn.name || 'custom' };
  }

  override serialize(): SerializedKerasObject {
    return { module: 'builtins', class_name: 'function', config: this.getConfig(), registered_name: this.fn.name || 'custom' };
  }
}
