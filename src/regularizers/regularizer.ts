/** The regularizer base class and the argument checks every Keras regularizer shares. */

import type { Tensor } from '../engine/tensor.js';
import { scalar } from '../engine/tensor.js';
import { InvalidArgumentError } from '../errors.js';
import type { Config, SerializedKerasObject } from '../serialization/keras-object.js';
import { serializeKerasObject } from '../serialization/keras-object.js';
import { assertTensor } from '../ops/convert.js';

/** The `module` Keras 3 writes in a serialized regularizer. */
export const REGULARIZERS_MODULE = 'keras.regularizers';

/**
 * Any function from a weight tensor to a scalar penalty tensor. Keras accepts plain functions wherever it
 * accepts a regularizer, so `getRegularizer` passes them through.
 *
 * @example
 * ```ts
 * const myL1: RegularizerFn = (x) => ops.mul(ops.sum(ops.abs(x)), 0.01);
 * ```
 */
export type RegularizerFn = (x: Tensor) => Tensor;

/**
 * Base class of the built-in regularizers, as `keras.regularizers.Regularizer`. Like Keras's base class it is
 * usable on its own (`getRegularizer('regularizer')` returns one): it adds no penalty and has no config.
 *
 * @example
 * ```ts
 * class Sum extends Regularizer {
 *   override readonly className = 'Sum';
 *   override call(x: Tensor): Tensor { return ops.sum(x); }
 *   override getConfig(): Config { return {}; }
 * }
 * ```
 */
export class Regularizer {
  /** The Keras class name written as `class_name` when serialized. */
  readonly className: string = 'Regularizer';

  /** The scalar penalty for `x`, built from differentiable ops so autograd sees it. */
  call(x: Tensor): Tensor {
    assertTensor(x, 'x');
    return scalar(0, x.dtype);
  }

  /** The constructor arguments in Keras's snake_case form. */
  getConfig(): Config {
    // Keras's base class raises NotImplementedError here too: it has nothing that could rebuild it.
    throw new Error(`${this.className} does not implement getConfig()`);
  }

  /** Keras 3's serialized form, `{ module: 'keras.regularizers', class_name, config, registered_name: null }`. */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(REGULARIZERS_MODULE, this.className, this.getConfig());
  }
}

/**
 * Keras's `validate_float_arg`: a penalty factor must be a finite, non-negative number. Booleans are refused
 * although Python would take `True` as 1, since in TypeScript that is always a mistake.
 */
export function validateFactor(value: unknown, argument: string, context: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidArgumentError(argument, value, 'a finite non-negative number', context);
  }
  return value;
}

/**
 * A plain function used as a regularizer, wrapped so that layers hold one kind of object. It serializes as
 * Keras serializes a function: by name, under module 'builtins'.
 */
export class FunctionRegularizer extends Regularizer {
  override readonly className = 'function';
  readonly fn: RegularizerFn;

  constructor(fn: RegularizerFn) {
    super();
    this.fn = fn;
  }

  override call(x: Tensor): Tensor {
    return this.fn(x);
  }

  override getConfig(): Config {
    return { name: this.fn.name || 'custom' };
  }

  override serialize(): SerializedKerasObject {
    return { module: 'builtins', class_name: 'function', config: this.getConfig(), registered_name: this.fn.name || 'custom' };
  }
}
