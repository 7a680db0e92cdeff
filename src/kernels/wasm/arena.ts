/**
 * Tensor memory inside the WebAssembly module's linear memory, so kernels read and write tensors in place.
 *
 * Allocator: a bump pointer above the module's `heapBase()` plus one free list per size class. Requests
 * are rounded up to a class (16-byte aligned for v128; four classes per power of two above 64 bytes, so
 * at most 25% is wasted) and a freed block goes back to its class's list for reuse by the next request of
 * that class. Blocks are never split or coalesced: tensor sizes in a network repeat from step to step, so
 * the lists reach a steady state after the first step. When the bump pointer reaches the end, memory grows
 * (at least by half of its size, amortising growth); growth replaces `memory.buffer`, which detaches every
 * typed array over the old buffer, which is why `WasmStorage.view()` re-derives its view and callers must
 * not cache views across allocations (the `Storage` contract).
 *
 * Lifetime: `WasmStorage.dispose()` frees at once; a storage that becomes unreachable without being
 * disposed is freed by a FinalizationRegistry, so code written for the heap backend (which never disposes)
 * does not leak, only holds memory longer.
 *
 * Refusals: every request is checked (a finite, non-negative safe integer, within the memory's limit and
 * what is left below it) before any allocator state changes, and a `memory.grow` that fails changes
 * nothing either; so a refused allocation (a layer asked for `1e308` pixels of padding) throws a
 * RangeError naming the bytes and the limit, and leaves the bump pointer, the free lists, the live blocks
 * and the counters exactly as they were.
 */
import type { DataArray, DType } from '../../engine/dtype.js';
import type { StorageAllocator } from '../../engine/storage.js';
import { CpuStorage } from '../../engine/storage.js';
import { formatByteSize, formatCount } from '../../utils/sizes.js';

const PAGE = 65536;
const ALIGN = 16;
const MIN_CLASS = 64;

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

/** The wasm32 address space (65536 pages), the limit of a memory that declares none. */
const WASM32_MAX_BYTES = 2 ** 32;

/** The size class (bytes) a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  if (bytes <= MIN_CLASS) return MIN_CLASS;
  const high = 2 ** Math.floor(Math.log2(bytes - 1));
  const step = Math.max(ALIGN, high / 4);
  return Math.ceil(bytes / step) * step;
}

export interface ArenaStats {
  /** Bytes in live blocks (class sizes). */
  bytesInUse: number;
  /** Bytes between the heap base and the bump pointer (live + free-listed). */
  bytesReserved: number;
  /** Size of the linear memory. */
  memoryBytes: number;
  allocations: number;
  /** Allocations served from a free list. */
  reused: number;
  frees: number;
  grows: number;
}

export class WasmArena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly live = new Map<number, number>();
  /**
   * The storage each view was made by, to resolve a view back to its owner. A WeakMap (not WeakRefs,
   * which stay alive until the current job ends, i.e. all through a synchronous `fit`).
   */
  private readonly owners = new WeakMap<ArrayBufferView, WasmStorage>();
  /** Every buffer object `memory.buffer` has returned (growth of shared memory returns a new one). */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private currentBuffer: ArrayBufferLike;
  /** Shared memory never detaches views on growth, so they can be cached for the storage's lifetime. */
  readonly shared: boolean;
  private readonly counters = { allocations: 0, reused: 0, frees: 0, grows: 0, bytesInUse: 0 };
  /** The most bytes the memory may hold (its declared maximum). */
  readonly limit: number;
  private readonly finalizer = new FinalizationRegistry<number>((offset) => {
    if (this.live.has(offset)) this.release(offset);
  });

  /**
   * @param maximumBytes The memory's declared maximum (default: the wasm32 limit, 4 GiB); requests beyond
   *   what is left below it are refused without growing.
   */
  constructor(memory: WebAssembly.Memory, heapBase: number, maximumBytes: number = WASM32_MAX_BYTES) {
    this.memory = memory;
    this.limit = Math.min(maximumBytes, WASM32_MAX_BYTES);
    this.currentBuffer = memory.buffer;
    this.buffers.add(this.currentBuffer);
    this.shared = typeof SharedArrayBuffer !== 'undefined' && this.currentBuffer instanceof SharedArrayBuffer;
    this.base = Math.ceil(heapBase / ALIGN) * ALIGN;
    this.top = this.base;
  }

  /** The memory's current buffer (recorded, so views over it are recognised as ours). */
  buffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    if (buffer !== this.currentBuffer) {
      this.currentBuffer = buffer;
      this.buffers.add(buffer);
    }
    return buffer;
  }

  /** Whether `array` is a view of this arena's memory. */
  contains(array: ArrayBufferView): boolean {
    return array.buffer === this.currentBuffer || this.buffers.has(array.buffer);
  }

  /**
   * Reserves at least `bytes` bytes; returns the byte offset. Zero-filled when `zero` (the default).
   * `what` names the request in a refusal (e.g. `for a float32 tensor of 1e12 elements`).
   *
   * @throws RangeError when `bytes` is not a non-negative safe integer, exceeds the memory's limit or
   *   what is left below it, or the memory cannot grow; the arena is then unchanged.
   */
  alloc(bytes: number, zero = true, what = ''): number {
    const size = this.classOf(bytes, what);
    const list = this.free.get(size);
    let offset = list !== undefined && list.length > 0 ? list[list.length - 1] : undefined;
    if (offset !== undefined) {
      list?.pop();
      this.counters.reused++;
      // Int32Array.fill: about 4x faster than a byte fill on shared memory (size classes are multiples of 16).
      if (zero) new Int32Array(this.buffer(), offset, size >> 2).fill(0);
    } else {
      offset = this.top;
      const end = offset + size;
      if (end > this.limit) {
        throw this.refusal(bytes, what, `only ${formatByteSize(this.limit - this.top)} of it is left`);
      }
      this.ensureCapacity(end, bytes, what);
      this.top = end; // fresh pages are zero, and the bump region has never been handed out
    }
    this.counters.allocations++;
    this.counters.bytesInUse += size;
    this.live.set(offset, size);
    return offset;
  }

  /** The size class of a request, after checking it (nothing has changed when this throws). */
  private classOf(bytes: number, what: string): number {
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new RangeError(`cannot allocate ${formatCount(bytes, 1)} bytes${what}: a size must be a non-negative safe integer`);
    }
    if (bytes > this.limit) throw this.refusal(bytes, what, '');
    return sizeClass(Math.max(bytes, 1));
  }

  private refusal(bytes: number, what: string, detail: string): RangeError {
    return new RangeError(`cannot allocate ${formatCount(bytes, 1)} bytes${what}: the WebAssembly memory limit is ${formatByteSize(this.limit)}${detail === '' ? '' : ` and ${detail}`}`);
  }

  /** Grows the memory to hold `end` bytes, by at least half its size when the limit allows; changes nothing if it fails. */
  private ensureCapacity(end: number, bytes: number, what: string): void {
    const have = this.buffer().byteLength;
    if (end <= have) return;
    const needed = Math.ceil((end - have) / PAGE);
    const room = Math.floor((this.limit - have) / PAGE);
    const generous = Math.min(Math.max(needed, Math.ceil(have / PAGE / 2)), room);
    for (const pages of generous > needed ? [generous, needed] : [needed]) {
      try {
        this.memory.grow(pages);
        this.counters.grows++;
        return;
      } catch {
        // The engine refused (out of memory, or a limit below the declared one): try the minimum, then give up.
      }
    }
    throw this.refusal(bytes, what, `the memory could not grow by ${formatByteSize(needed * PAGE)} (from ${formatByteSize(have)})`);
  }

  /** Returns a block to its size class. */
  release(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) throw new Error(`WasmArena: no live block at offset ${offset} (double free?)`);
    this.live.delete(offset);
    this.counters.frees++;
    this.counters.bytesInUse -= size;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    list.push(offset);
  }

  /** Allocates a tensor storage of `length` elements (zero-filled unless `zeroed` is false). */
  allocStorage(dtype: DType, length: number, zeroed = true): WasmStorage {
    const what = ` for a ${dtype} tensor of ${formatCount(length)} elements`;
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      throw new RangeError(`cannot allocate ${formatCount(length * BYTES[dtype], 1)} bytes${what}: an element count must be a non-negative safe integer`);
    }
    const storage = new WasmStorage(this, dtype, length, this.alloc(length * BYTES[dtype], zeroed, what));
    this.finalizer.register(storage, storage.byteOffset, storage);
    return storage;
  }

  /** Copies a typed array into a new storage (the one copy a user-created tensor pays). */
  storageFrom(array: DataArray, dtype: DType): WasmStorage {
    const storage = this.allocStorage(dtype, array.length);
    storage.view().set(array);
    return storage;
  }

  /** The live storage whose view `array` is (same start), `'inside'` for another view of this memory, else null. */
  ownerOf(array: ArrayBufferView): WasmStorage | 'inside' | null {
    if (!this.contains(array)) return null;
    const owner = this.owners.get(array);
    return owner !== undefined && !owner.isDisposed ? owner : 'inside';
  }

  /** @internal Records the storage a view belongs to (see `ownerOf`). */
  registerView(view: ArrayBufferView, storage: WasmStorage): void {
    this.owners.set(view, storage);
  }

  /** This arena as the engine's tensor allocator (`setStorageAllocator`). */
  storageAllocator(): StorageAllocator {
    return {
      name: 'wasm',
      alloc: (dtype, length, zeroed) => this.allocStorage(dtype, length, zeroed),
      ownerOf: (array) => this.ownerOf(array),
      heapOutsideScopes: true,
    };
  }

  /** @internal Called by `WasmStorage.dispose`. */
  disposeStorage(storage: WasmStorage): void {
    this.finalizer.unregister(storage);
    this.release(storage.byteOffset);
  }

  stats(): ArenaStats {
    return {
      ...this.counters,
      bytesReserved: this.top - this.base,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }
}

/** A tensor's elements in wasm memory. `view()` is re-derived whenever memory growth replaced the buffer. */
export class WasmStorage extends CpuStorage {
  readonly dtype: DType;
  readonly length: number;
  readonly byteOffset: number;
  private readonly arena: WasmArena;
  private cached: DataArray | null = null;
  private disposed = false;

  constructor(arena: WasmArena, dtype: DType, length: number, byteOffset: number) {
    super();
    this.arena = arena;
    this.dtype = dtype;
    this.length = length;
    this.byteOffset = byteOffset;
  }

  view(): DataArray {
    if (this.disposed) throw new Error('WasmStorage: the tensor was disposed (view() after dispose())');
    if (this.cached !== null && this.arena.shared) return this.cached;
    const buffer = this.arena.buffer();
    if (this.cached !== null && this.cached.buffer === buffer) return this.cached;
    this.cached =
      this.dtype === 'float32'
        ? new Float32Array(buffer, this.byteOffset, this.length)
        : this.dtype === 'float64'
          ? new Float64Array(buffer, this.byteOffset, this.length)
          : new Int32Array(buffer, this.byteOffset, this.length);
    this.arena.registerView(this.cached, this);
    return this.cached;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees the block now; any view obtained earlier must no longer be used. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cached = null;
    this.arena.disposeStorage(this);
  }
}
