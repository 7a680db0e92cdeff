/**
 * Where a tensor's elements live. Ops hand storages to the active backend's kernels, with outputs
 * allocated by the caller through `allocStorage`. A heap storage wraps an ordinary typed array; the
 * WebAssembly backend installs a {@link StorageAllocator} that places tensors in the module's linear
 * memory, so kernels read and write them in place without copying them in and out per call. CPU kernels
 * see a storage's `view()`; a device backend keeps its storages opaque.
 *
 * Memory in WebAssembly is not garbage collected: a disposable storage is freed by `dispose()`, by the
 * end of the {@link beginScope | scope} that allocated it (see `scope.ts`), or, as a safety net, by a
 * finalizer when it becomes unreachable.
 */

import type { DataArray, DType } from './dtype.js';
import { formatCount } from '../utils/sizes.js';
import { allocArray, bytesPerElement } from './dtype.js';
import { scopeDepth, trackInScope } from './scope.js';

/**
 * A tensor's elements, owned by the backend that allocated them. Ops never look inside: they hand storages
 * to the backend's kernels (see `kernels/kernel-backend.ts`). Reading values is the edge where data
 * leaves a backend: `readSync()` on backends that can (the CPU ones), `read()` on every backend.
 */
export interface Storage {
  readonly dtype: DType;
  readonly length: number;
  /**
   * The elements now. On CPU backends this is the storage's own memory (no copy; treat it as read-only);
   * a backend that cannot read synchronously (a GPU) throws an error saying to use `read()`.
   */
  readSync(): DataArray;
  /** The elements once the backend has them (a copy on device backends). */
  read(): Promise<DataArray>;
  /** Copies `values` (a JavaScript array, a typed array or another storage) in at `offset`, converting to this dtype. */
  write(values: ArrayLike<number> | Storage, offset?: number): void;
  /** Frees the elements now (storages that are not garbage collected); absent for heap storage. */
  dispose?(): void;
  readonly isDisposed?: boolean;
}

/**
 * Storage in memory the CPU addresses directly (a JavaScript typed array, WebAssembly linear memory):
 * CPU kernels read and write `view()` in place.
 */
export abstract class CpuStorage implements Storage {
  abstract readonly dtype: DType;
  abstract readonly length: number;
  /** A view of the elements, valid until `dispose()`. */
  abstract view(): DataArray;

  readSync(): DataArray {
    return this.view();
  }

  read(): Promise<DataArray> {
    return Promise.resolve(this.view());
  }

  write(values: ArrayLike<number> | Storage, offset = 0): void {
    const source = isStorage(values) ? values.readSync() : values;
    const view = this.view();
    if (this.dtype === 'int32' && !(source instanceof Int32Array)) {
      // Typed-array assignment to Int32Array wraps modulo 2^32; Keras's cast truncates toward zero.
      for (let i = 0; i < source.length; i++) view[offset + i] = Math.trunc(source[i]);
    } else {
      view.set(source, offset);
    }
  }
}

export function isStorage(value: unknown): value is Storage {
  return typeof value === 'object' && value !== null && typeof (value as Partial<Storage>).readSync === 'function' && typeof (value as Partial<Storage>).write === 'function';
}

/** The CPU view of a storage, for CPU kernels; a clear error for a storage of a device backend. */
export function cpuView(storage: Storage): DataArray {
  if (storage instanceof CpuStorage) return storage.view();
  throw new Error(`a CPU kernel was given a ${storage.constructor.name} (a device backend's storage): read it back with read() first`);
}

/** Storage in an ordinary JavaScript typed array (the TypeScript backend). */
export class HeapStorage extends CpuStorage {
  readonly dtype: DType;
  readonly length: number;
  private readonly array: DataArray;

  constructor(array: DataArray, dtype: DType) {
    super();
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
  /**
   * Keep tensors made outside every scope on the JavaScript heap (see `allocStorage`): for memory that
   * only an explicit free releases and that a CPU kernel can also use from the heap (WebAssembly).
   */
  readonly heapOutsideScopes?: boolean;
}

let allocator: StorageAllocator | null = null;

/** A typed array for a tensor on the heap, or a RangeError naming the size when the engine refuses it. */
function heapArray(dtype: DType, length: number): DataArray {
  try {
    return allocArray(dtype, length);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const bytes = formatCount(length * bytesPerElement(dtype), 1);
    throw new RangeError(`cannot allocate ${bytes} bytes for a ${dtype} tensor of ${formatCount(length)} elements on the JavaScript heap: ${error.message}`, { cause: error });
  }
}

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
 *
 * Outside every scope a non-persistent tensor goes to the JavaScript heap when the allocator asks for it
 * (`heapOutsideScopes`, the WebAssembly backend): nothing would free it in WebAssembly memory but a
 * finalizer, which never runs during synchronous work, while the garbage collector reclaims heap tensors
 * whenever they become unreachable. So user code that drops
 * results without `dispose()` keeps memory bounded, and the library runs its own work (training steps,
 * prediction batches, `valueAndGrads`) inside scopes, in backend memory.
 */
export function allocStorage(dtype: DType, length: number, persistent = false, zeroed = true): Storage {
  if (allocator === null || (allocator.heapOutsideScopes === true && !persistent && scopeDepth() === 0)) {
    return new HeapStorage(heapArray(dtype, length), dtype);
  }
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
