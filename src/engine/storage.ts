/**
 * Where a tensor's elements live. Kernels never see a Tensor: they receive typed-array views obtained from
 * `Storage.view()`, with outputs allocated by the caller. A heap storage wraps an ordinary typed array; the
 * WebAssembly backend installs a {@link StorageAllocator} that places tensors in the module's linear
 * memory, so kernels read and write them in place without copying them in and out per call.
 *
 * Memory in WebAssembly is not garbage collected: a disposable storage is freed by `dispose()`, by the
 * end of the {@link beginScope | scope} that allocated it (see `scope.ts`), or, as a safety net, by a
 * finalizer when it becomes unreachable.
 */

import type { DataArray, DType } from './dtype.js';
import { allocArray } from './dtype.js';
import { trackInScope } from './scope.js';

export interface Storage {
  readonly dtype: DType;
  readonly length: number;
  /** A view of the elements. For a disposable storage it is valid until `dispose()`. */
  view(): DataArray;
  /** Frees the elements now (storages that are not garbage collected); absent for heap storage. */
  dispose?(): void;
  readonly isDisposed?: boolean;
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

/** Places tensors in memory a faster backend can read in place. */
export interface StorageAllocator {
  readonly name: string;
  /** Storage of `length` elements, zero-filled when `zeroed` (else whatever the memory held). */
  alloc(dtype: DType, length: number, zeroed: boolean): Storage;
  /**
   * For an array inside this allocator's memory: the live storage whose view it is exactly, or `'inside'`
   * when it is some other part of the memory (a sub-range, a freed block). `null` for any other array.
   */
  ownerOf(array: DataArray): Storage | 'inside' | null;
}

let allocator: StorageAllocator | null = null;

/** Installs (or, with `null`, removes) the allocator `allocStorage` uses. Existing tensors keep their storage. */
export function setStorageAllocator(next: StorageAllocator | null): void {
  allocator = next;
}

export function getStorageAllocator(): StorageAllocator | null {
  return allocator;
}

/**
 * Allocates storage: the single allocation point a faster backend replaces. Zero-filled unless
 * `zeroed` is false (for outputs a kernel overwrites entirely; heap storage is zero-filled anyway). The
 * storage belongs to the innermost open scope unless `persistent` (a variable's value).
 */
export function allocStorage(dtype: DType, length: number, persistent = false, zeroed = true): Storage {
  if (allocator === null) return new HeapStorage(allocArray(dtype, length), dtype);
  const storage = allocator.alloc(dtype, length, zeroed);
  if (!persistent) trackInScope(storage);
  return storage;
}

/**
 * Wraps an existing typed array without copying. An array that is itself a view of backend memory
 * resolves to the storage that owns it (so lifetimes stay with the owner); a view into the middle of
 * backend memory is copied, since nothing would keep its owner alive.
 */
export function wrapStorage(array: DataArray, dtype: DType): Storage {
  if (allocator !== null) {
    const owner = allocator.ownerOf(array);
    if (owner !== null && owner !== 'inside' && owner.dtype === dtype && owner.length === array.length) return owner;
    if (owner !== null) return new HeapStorage(array.slice(), dtype);
  }
  return new HeapStorage(array, dtype);
}
