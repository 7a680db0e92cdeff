/**
 * Where a tensor's elements live. Kernels never see a Tensor: they receive typed-array views obtained from
 * `Storage.view()`, with outputs allocated by the caller. A heap storage wraps an ordinary typed array; a
 * WebAssembly backend can implement the same interface over its linear memory (re-deriving the view when
 * memory grows), so a kernel reads and writes tensors in place without copying them in and out per call.
 */

import type { DataArray, DType } from './dtype.js';
import { allocArray } from './dtype.js';

export interface Storage {
  readonly dtype: DType;
  readonly length: number;
  /** A view of the elements. Valid until the next allocation on the same backend; do not cache it. */
  view(): DataArray;
}

/** Storage in an ordinary JavaScript typed array (the TypeScript backend). */
export class HeapStorage implements Storage {
  readonly dtype: DType;
  readonly length: number;
  private readonly array: DataArray;

  constructor(array: DataArray, dtype: DType) {
    this.array = array;
    this.dtype = dtype;
    this.length = array.length;
  }

  view(): DataArray {
    return this.array;
  }
}

/** Allocates zero-filled storage. The single allocation point a faster backend replaces. */
export function allocStorage(dtype: DType, length: number): Storage {
  return new HeapStorage(allocArray(dtype, length), dtype);
}

/** Wraps an existing typed array of the right kind without copying. */
export function wrapStorage(array: DataArray, dtype: DType): Storage {
  return new HeapStorage(array, dtype);
}
