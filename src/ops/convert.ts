/** Turning op arguments (tensors or plain numbers) into tensors of a common dtype. */

import type { DType } from '../engine/dtype.js';
import { resultDType } from '../engine/dtype.js';
import { InvalidArgumentError } from '../errors.js';
import { fill, isTensor, Tensor } from '../engine/tensor.js';

export type TensorOrNumber = Tensor | number;

export function asTensor(value: TensorOrNumber, dtype: DType, argument = 'x'): Tensor {
  if (isTensor(value)) return value;
  if (typeof value === 'number') return fill([], value, dtype);
  throw new InvalidArgumentError(argument, value, 'a Tensor or a number');
}

/** The dtype of a binary op: tensors decide; a bare number adopts the other operand's dtype. */
export function binaryDType(a: TensorOrNumber, b: TensorOrNumber): DType {
  if (isTensor(a) && isTensor(b)) return resultDType(a.dtype, b.dtype);
  if (isTensor(a)) return a.dtype;
  if (isTensor(b)) return b.dtype;
  return 'float32';
}

export function assertTensor(value: unknown, argument: string): asserts value is Tensor {
  if (!(value instanceof Tensor)) throw new InvalidArgumentError(argument, value, 'a Tensor');
}
