/** The immutable n-dimensional array every op consumes and produces. */

import { InvalidArgumentError, ShapeError } from '../errors.js';
import type { DataArray, DType } from './dtype.js';
import { allocArray, dtypeOfArray, isDType } from './dtype.js';
import type { Shape } from './shape.js';
import { assertValidShape, formatShape, sizeOf } from './shape.js';
import type { Storage } from './storage.js';
import { allocStorage, CpuStorage, getStorageAllocator, HeapStorage, wrapStorage } from './storage.js';

/** Nested JavaScript arrays of numbers, as `arraySync()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

export type TensorLike = number | NestedArray | readonly number[] | DataArray;

let nextTensorId = 0;

/**
 * A row-major array of `float32`, `float64` or `int32` elements with a fixed shape.
 *
 * @example
 * ```ts
 * const t = tensor([[1, 2], [3, 4]]);
 * t.shape; // [2, 2]
 * t.dataSync(); // Float32Array [1, 2, 3, 4]
 * ```
 */
export class Tensor {
  /** Identity used by autograd; a Variable keeps its id when its value is reassigned. */
  readonly id: number;
  readonly dtype: DType;
  protected shapeValue: readonly number[];
  protected storage: Storage;

  constructor(storage: Storage, shape: Shape) {
    if (storage.length !== sizeOf(shape)) {
      throw new ShapeError(`storage of ${storage.length} elements does not match shape ${formatShape(shape)}`);
    }
    this.id = nextTensorId++;
    this.dtype = storage.dtype;
    this.shapeValue = Object.freeze([...shape]);
    this.storage = storage;
  }

  get shape(): readonly number[] {
    return this.shapeValue;
  }

  get rank(): number {
    return this.shapeValue.length;
  }

  get size(): number {
    return this.storage.length;
  }

  /** @internal The storage, for scopes and ops that share it (reshape). */
  get storageHandle(): Storage {
    return this.storage;
  }

  /**
   * Frees the elements now when they live in backend (WebAssembly) memory; a no-op for heap storage.
   * Tensors sharing the storage (reshapes) are freed with it. Using the tensor afterwards throws.
   */
  dispose(): void {
    this.storage.dispose?.();
  }

  /**
   * @internal Moves the elements from backend memory that is freed only explicitly (WebAssembly) to the
   * JavaScript heap; `endScope` does this to what leaves the outermost scope, where the active allocator
   * asks for it (`heapOutsideScopes`). False where there is nothing to move (heap storage already, or a
   * device backend's storage, which stays where it is).
   */
  moveToHeap(): boolean {
    const storage = this.storage;
    if (getStorageAllocator()?.heapOutsideScopes !== true || !(storage instanceof CpuStorage) || (storage as Storage).dispose === undefined) return false;
    this.storage = new HeapStorage(storage.view().slice(), storage.dtype);
    return true;
  }

  /** Whether `dispose()` freed this tensor's elements. */
  get isDisposed(): boolean {
    return this.storage.isDisposed === true;
  }

  /**
   * The elements in row-major order, now. On the CPU backends this is the tensor's own storage (no copy):
   * treat it as read-only. A backend that cannot read synchronously throws; use {@link data} there.
   *
   * @example
   * ```ts
   * tensor([1, 2]).dataSync(); // Float32Array [1, 2]
   * ```
   */
  dataSync(): DataArray {
    return this.storage.readSync();
  }

  /**
   * The elements in row-major order, once the backend has them; works on every backend.
   *
   * @example
   * ```ts
   * const values = await model.predict(x).data();
   * ```
   */
  data(): Promise<DataArray> {
    return this.storage.read();
  }

  /** The elements as nested JavaScript arrays (a number for a scalar). */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shapeValue);
  }

  /** The elements as nested JavaScript arrays, once the backend has them. @example `await t.array()` */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shapeValue);
  }

  /** The single element of a size-1 tensor as a number. */
  item(): number {
    if (this.size !== 1) throw new ShapeError(`item() needs a tensor of one element, got shape ${formatShape(this.shape)}`);
    return this.dataSync()[0];
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
  }
}

function nest(data: DataArray, shape: readonly number[]): NestedArray {
  if (shape.length === 0) return data[0];
  let offset = 0;
  const build = (dim: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]; i++) {
      if (dim === shape.length - 1) out.push(data[offset++]);
      else out.push(build(dim + 1));
    }
    return out;
  };
  return build(0);
}

/** Builds a tensor around freshly computed data without copying. Internal to ops and kernels. */
export function tensorFromArray(data: DataArray, shape: Shape, dtype: DType = dtypeOfArray(data)): Tensor {
  return new Tensor(wrapStorage(data, dtype), shape);
}

/** The same elements seen with another shape of the same size (no copy; lifetimes are shared). */
export function tensorWithShape(source: Tensor, shape: Shape): Tensor {
  return new Tensor(source.storageHandle, shape);
}

/**
 * A tensor whose every element the caller is about to write (a kernel output): its contents start
 * undefined, which saves clearing memory that is overwritten anyway.
 */
export function uninitializedTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocStorage(dtype, sizeOf(shape), false, false), shape);
}

/** A zero-filled tensor whose storage an op writes into. */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocStorage(dtype, sizeOf(shape)), shape);
}

function inferShape(values: unknown): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

function flattenInto(values: unknown, shape: readonly number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof values !== 'number' && typeof values !== 'boolean') {
      throw new InvalidArgumentError('values', values, 'numbers in nested arrays of a regular shape');
    }
    out.push(Number(values));
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new InvalidArgumentError('values', values, `a nested array of regular shape ${formatShape(shape)}`);
  }
  for (const v of values) flattenInto(v, shape, dim + 1, out);
}

/**
 * Creates a tensor from a number, nested arrays, a flat array or a typed array.
 *
 * `dtype` defaults to the typed array's own type, and to `float32` for JavaScript numbers (Keras's floatx).
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
 * ```
 */
export function tensor(values: TensorLike, shape?: readonly number[], dtype?: DType): Tensor {
  if (dtype !== undefined && !isDType(dtype)) {
    throw new InvalidArgumentError('dtype', dtype, "one of 'float32', 'float64', 'int32'");
  }
  if (shape !== undefined) assertValidShape(shape);
  let flat: ArrayLike<number>;
  let inferred: number[];
  let sourceDType: DType = 'float32';
  if (ArrayBuffer.isView(values)) {
    flat = values;
    inferred = [values.length];
    sourceDType = dtypeOfArray(values);
  } else if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values);
    const out: number[] = [];
    flattenInto(values, inferred, 0, out);
    flat = out;
  } else {
    throw new InvalidArgumentError('values', values, 'a number, nested arrays of numbers, or a typed array');
  }
  const finalShape = shape ?? inferred;
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(
      `tensor(): ${flat.length} values do not fill shape ${formatShape(finalShape)} (${sizeOf(finalShape)} elements)`,
    );
  }
  const finalDType = dtype ?? sourceDType;
  const data = allocArray(finalDType, flat.length);
  for (let i = 0; i < flat.length; i++) data[i] = flat[i];
  return tensorFromArray(data, finalShape, finalDType);
}

/** A tensor of zeros. @example `zeros([2, 3])` */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  assertValidShape(shape);
  return emptyTensor(shape, dtype);
}

/** A tensor of ones. @example `ones([2, 3], 'float64')` */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

/** A tensor with every element equal to `value`. @example `fill([2], 0.5)` */
export function fill(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape(shape);
  if (value === 0) return emptyTensor(shape, dtype);
  const t = uninitializedTensor(shape, dtype);
  t.storageHandle.write(allocArray(dtype, t.size).fill(value));
  return t;
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return fill([], value, dtype);
}

export function isTensor(value: unknown): value is Tensor {
  return value instanceof Tensor;
}
