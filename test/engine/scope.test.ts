import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { DataArray, DType } from '../../src/engine/dtype.js';
import { allocArray } from '../../src/engine/dtype.js';
import { beginScope, endScope, scopeDepth, tidy } from '../../src/engine/scope.js';
import type { Storage, StorageAllocator } from '../../src/engine/storage.js';
import { CpuStorage, setStorageAllocator, wrapStorage } from '../../src/engine/storage.js';
import { emptyTensor, tensorWithShape } from '../../src/engine/tensor.js';
import { Variable } from '../../src/engine/variable.js';
import { add, mul } from '../../src/ops/elementwise.js';
import { reshape } from '../../src/ops/shape-ops.js';

/** A JavaScript allocator with the lifetime rules of WebAssembly memory: storages must be disposed. */
class CountingAllocator implements StorageAllocator {
  readonly name = 'counting';
  live = new Set<FakeStorage>();
  constructor(readonly heapOutsideScopes = false) {}
  alloc(dtype: DType, length: number): Storage {
    const s = new FakeStorage(this, dtype, length);
    this.live.add(s);
    return s;
  }
  ownerOf(array: DataArray): Storage | 'inside' | null {
    for (const s of this.live) if (s.array === array) return s;
    return null;
  }
}

class FakeStorage extends CpuStorage {
  readonly array: DataArray;
  isDisposed = false;
  constructor(
    private readonly owner: CountingAllocator,
    readonly dtype: DType,
    readonly length: number,
  ) {
    super();
    this.array = allocArray(dtype, length);
  }
  view(): DataArray {
    if (this.isDisposed) throw new Error('view() after dispose()');
    return this.array;
  }
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.owner.live.delete(this);
  }
}

function withAllocator(run: (a: CountingAllocator) => void, heapOutsideScopes = false): void {
  const a = new CountingAllocator(heapOutsideScopes);
  setStorageAllocator(a);
  try {
    run(a);
  } finally {
    setStorageAllocator(null);
  }
}

describe('memory scopes', () => {
  it('tidy frees every intermediate and keeps the result', () => {
    withAllocator((a) => {
      const x = emptyTensor([4], 'float32');
      x.dataSync().set([1, 2, 3, 4]);
      const y = tidy(() => add(mul(x, x), x));
      assert.deepEqual([...y.dataSync()], [2, 6, 12, 20]);
      assert.equal(a.live.size, 2, 'x and y survive; mul(x, x) is freed');
      assert.equal(x.isDisposed, false);
    });
  });

  it('keeps tensors inside arrays and objects of the result, and storage shared by a reshape', () => {
    withAllocator((a) => {
      const x = emptyTensor([2, 2], 'float32');
      const out = tidy(() => ({ pair: [reshape(add(x, 1), [4]), add(x, 2)], other: 3 }));
      assert.equal(out.pair[0].dataSync()[0], 1);
      assert.equal(out.pair[1].dataSync()[3], 2);
      assert.equal(a.live.size, 3);
    });
  });

  it('nested scopes hand kept tensors to the parent, which frees them unless kept again', () => {
    withAllocator((a) => {
      const depth = beginScope();
      const inner = tidy(() => add(emptyTensor([3], 'float32'), 1));
      assert.equal(a.live.size, 1);
      endScope(depth);
      assert.equal(inner.isDisposed, true);
      assert.equal(a.live.size, 0);
      assert.throws(() => inner.dataSync(), /after dispose/);
    });
  });

  it('a throwing function still closes its scope and frees what it allocated', () => {
    withAllocator((a) => {
      assert.throws(() =>
        tidy(() => {
          add(emptyTensor([3], 'float32'), 1);
          throw new Error('boom');
        }),
      /boom/);
      assert.equal(a.live.size, 0);
      assert.equal(scopeDepth(), 0);
    });
  });

  it('endScope refuses to close a scope that is not the innermost', () => {
    const outer = beginScope();
    const inner = beginScope();
    assert.throws(() => endScope(outer), /not the innermost/);
    endScope(inner);
    endScope(outer);
  });

  it('variables are never freed by a scope; a replaced value is freed when the scope ends', () => {
    withAllocator((a) => {
      const v = tidy(() => new Variable(add(emptyTensor([2], 'float32'), 5), { name: 'w', path: 'l/w' }));
      assert.deepEqual([...v.dataSync()], [5, 5]);
      assert.equal(a.live.size, 1, 'only the variable');
      tidy(() => v.assign(add(v, 1)));
      assert.deepEqual([...v.dataSync()], [6, 6]);
      assert.equal(a.live.size, 1, 'the old value and the temporary are freed');
      v.assign(add(v, 1)); // outside any scope: the old value is freed at once, the temporary is not tracked
      assert.deepEqual([...v.dataSync()], [7, 7]);
    });
  });

  it('wrapStorage resolves a view of allocator memory to its owner, so a wrapped alias keeps it alive', () => {
    withAllocator((a) => {
      const kept = tidy(() => {
        const t = add(emptyTensor([4], 'float32'), 1);
        const alias = tensorWithShape(t, [2, 2]);
        return alias;
      });
      assert.equal(kept.dataSync()[0], 1);
      const x = emptyTensor([4], 'float32');
      assert.equal(wrapStorage(x.dataSync(), 'float32'), x.storageHandle);
      assert.equal(a.live.size, 2);
    });
  });

  it('Tensor.dispose frees at once; disposing twice is harmless', () => {
    withAllocator((a) => {
      const t = emptyTensor([8], 'float64');
      t.dispose();
      t.dispose();
      assert.equal(t.isDisposed, true);
      assert.equal(a.live.size, 0);
    });
  });

  describe('an allocator whose memory only explicit frees release (heapOutsideScopes, as WebAssembly)', () => {
    it('tensors made outside every scope live on the JavaScript heap, where the garbage collector frees them', () => {
      withAllocator((a) => {
        const x = add(emptyTensor([4], 'float32'), 1);
        assert.equal(a.live.size, 0);
        assert.deepEqual([...mul(x, 3).dataSync()], [3, 3, 3, 3]);
        assert.equal(a.live.size, 0);
      }, true);
    });

    it('inside a scope they use the allocator; what the outermost scope returns moves to the heap, values intact', () => {
      withAllocator((a) => {
        let during = 0;
        const out = tidy(() => {
          const y = add(emptyTensor([2, 2], 'float32'), 1);
          during = a.live.size;
          return { y, flat: reshape(y, [4]), inner: tidy(() => mul(y, 2)) };
        });
        assert.equal(during, 3, 'the zeros, the scalar 1 and their sum, in allocator memory');
        assert.equal(a.live.size, 0, 'nothing left in allocator memory');
        assert.deepEqual([...out.flat.dataSync()], [1, 1, 1, 1]);
        assert.deepEqual([...out.y.dataSync()], [1, 1, 1, 1]);
        assert.deepEqual([...out.inner.dataSync()], [2, 2, 2, 2]);
        assert.equal(out.y.isDisposed, false);
      }, true);
    });

    it('a nested scope hands its result to the enclosing scope, still in allocator memory', () => {
      withAllocator((a) => {
        tidy(() => {
          const inner = tidy(() => add(emptyTensor([3], 'float32'), 1));
          assert.equal(a.live.size, 1);
          assert.equal(inner.isDisposed, false);
        });
        assert.equal(a.live.size, 0);
      }, true);
    });

    it('variables still live in allocator memory', () => {
      withAllocator((a) => {
        const v = new Variable(emptyTensor([2], 'float32'), { name: 'w', path: 'l/w' });
        assert.equal(a.live.size, 1);
        v.dispose();
      }, true);
    });
  });
});
