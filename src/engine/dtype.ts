/** Element types a tensor can hold, and the typed arrays that store them. */

import { InvalidArgumentError } from '../errors.js';

export type DType = 'float32' | 'float64' | 'int32';
export type FloatDType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;
export type DataArray = Float32Array | Float64Array | Int32Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];
export const FLOAT_DTYPES: readonly FloatDType[] = ['float32', 'float64'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function isFloatDType(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

/** Validates a user-supplied dtype string (Keras's spelling), naming the argument on failure. */
export function parseDType(value: unknown, argument = 'dtype', allowed: readonly DType[] = DTYPES): DType {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as DType;
  throw new InvalidArgumentError(argument, value, `one of ${allowed.map((d) => `'${d}'`).join(', ')}`);
}

export function allocArray(dtype: DType, size: number): DataArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    default:
      return dtype satisfies never;
  }
}

export function dtypeOfArray(array: DataArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  return 'int32';
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/** The dtype two operands are computed in: the wider float wins, as in Keras's type promotion for floats. */
export function resultDType(a: DType, b: DType): DType {
  if (a === 'float64' || b === 'float64') return 'float64';
  if (a === 'float32' || b === 'float32') return 'float32';
  return 'int32';
}

/** Narrows a data array to a float array, checking at run time rather than trusting a cast. */
export function asFloatArray(array: DataArray): FloatArray {
  if (array instanceof Int32Array) throw new InvalidArgumentError('dtype', 'int32', "'float32' or 'float64' data");
  return array;
}
