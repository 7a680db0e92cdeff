/** The initializer base class: a named, serializable recipe for a weight's starting values. */

import type { DType, FloatDType } from '../engine/dtype.js';
import { DTYPES, FLOAT_DTYPES, parseDType } from '../engine/dtype.js';
import { assertValidShape } from '../engine/shape.js';
import type { Tensor } from '../engine/tensor.js';
import type { Config, SerializedKerasObject } from '../serialization/keras-object.js';
import { serializeKerasObject } from '../serialization/keras-object.js';

/** The Keras module every built-in initializer serializes under. */
export const INITIALIZERS_MODULE = 'keras.initializers';

/** A plain function used as an initializer, as Keras accepts `lambda shape, dtype=None: ...`. */
export type InitializerFunction = (shape: readonly number[], dtype: FloatDType) => Tensor;

/**
 * Base class of every initializer, mirroring `keras.initializers.Initializer`.
 *
 * Subclasses set `className` to Keras's class name, implement `call`, and return exactly Keras's
 * `get_config()` keys from `getConfig()`; each also has a static `fromConfig(config)`.
 *
 * @example
 * ```ts
 * class Halves extends Initializer {
 *   readonly className = 'Halves';
 *   call(shape: readonly number[], dtype: FloatDType = 'float32'): Tensor {
 *     return fill(shape, 0.5, dtype);
 *   }
 * }
 * ```
 */
export abstract class Initializer {
  /** Keras's class name, e.g. `'GlorotUniform'`; what `serialize()` writes as `class_name`. */
  abstract readonly className: string;

  /** Returns a new tensor of `shape` and `dtype` (default `float32`, Keras's floatx). */
  abstract call(shape: readonly number[], dtype?: FloatDType): Tensor;

  /** The constructor arguments, with Keras's snake_case keys and values, as `get_config()` returns them. */
  getConfig(): Config {
    return {};
  }

  /** `{module: 'keras.initializers', class_name, config, registered_name: null}`. */
  serialize(): SerializedKerasObject {
    return serializeKerasObject(INITIALIZERS_MODULE, this.className, this.getConfig());
  }

  /**
   * A new initializer from this one's config, as Keras's `clone()`. An unseeded initializer's clone draws
   * a new default seed, so it produces different values (as in Keras).
   */
  clone(): Initializer {
    const ctor = this.constructor as unknown as { fromConfig(config: Config): Initializer };
    return ctor.fromConfig(this.getConfig());
  }
}

/** Validates `call`'s arguments: a shape of non-negative integers and a float dtype (or any dtype if `anyDType`). */
export function checkCallArgs(shape: unknown, dtype: unknown, anyDType = false): DType {
  assertValidShape(shape);
  return parseDType(dtype ?? 'float32', 'dtype', anyDType ? DTYPES : FLOAT_DTYPES);
}
