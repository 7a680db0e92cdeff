/** Turning op arguments (tensors or plain numbers) into tensors of a common dtype. */

import type { DType } from '../engine/dtype.js';
import { isFloatDType, resultDType } from '../engine/dtype.js';
import type { Storage } from '../engine/storage.js';
import { InvalidArgumentError } from '../errors.js';
import { fill, isTensor, Tensor } from '../engine/tensor.js';

export type TensorOrNumber = Tensor | number;

export function asTensor(value: TensorOrNumber, dtype: DType, argument = 'x'): Tensor {
  if (isTensor(value)) return value;
  if (typeof value === 'number') return fill([], value, dtype);
  throw new InvalidArgumentError(argument, value, 'a Tensor or a number');
}

/**
 * The dtype of a binary op: tensors decide; a bare number adopts the other operand's dtype, except that a
 * fractional number with an int32 tensor gives float32 (Keras's weak typing: `int32 + 1.5` is float32),
 * rather than silently truncating the number.
 */
export function binaryDType(a: TensorOrNumber, b: TensorOrNumber): DType {
  if (isTensor(a) && isTensor(b)) return resultDType(a.dtype, b.dtype);
  if (isTensor(a)) return weakDType(a.dtype, b);
  if (isTensor(b)) return weakDType(b.dtype, a);
  return 'float32';
}

function weakDType(dtype: DType, other: TensorOrNumber): DType {
  return dtype === 'int32' && typeof other === 'number' && !Number.isInteger(other) ? 'float32' : dtype;
}

export function assertTensor(value: unknown, argument: string): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(argument, value, 'a Tensor');
}

/** A float tensor's storage, for kernels that take float data (checked, not cast). */
export function floatStorage(t: Tensor): Storage {
  if (!isFloatDType(t.dtype)) throw new InvalidArgumentError('dtype', t.dtype, "'float32' or 'float64' data");
  return t.storageHandle;
}
