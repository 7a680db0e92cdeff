import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { fill, ones, scalar, Tensor, tensor, zeros } from '../../src/engine/tensor.js';
import { Variable } from '../../src/engine/variable.js';
import { cast } from '../../src/ops/shape-ops.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { caseName, product } from '../helpers/product.js';

describe('tensor()', () => {
  test('nested arrays infer the shape and default to float32', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.rank, 2);
    assert.equal(t.size, 6);
    assert.equal(t.dtype, 'float32');
    assert.ok(t.dataSync() instanceof Float32Array);
    assert.deepEqual([...t.dataSync()], [1, 2, 3, 4, 5, 6]);
  });

  test('rank-3 nested arrays', () => {
    const t = tensor([[[1], [2]], [[3], [4]], [[5], [6]]]);
    assert.deepEqual(t.shape, [3, 2, 1]);
    assert.deepEqual([...t.dataSync()], [1, 2, 3, 4, 5, 6]);
  });

  test('flat array + shape', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    assert.deepEqual(t.shape, [3, 2]);
    assert.deepEqual(t.arraySync(), [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  const typedCases = [
    { array: new Float32Array([1.5, 2]), dtype: 'float32', ctor: Float32Array },
    { array: new Float64Array([1.5, 2]), dtype: 'float64', ctor: Float64Array },
    { array: new Int32Array([1, -2]), dtype: 'int32', ctor: Int32Array },
  ] as const;
  for (const { array, dtype, ctor } of typedCases) {
    test(`typed array infers dtype=${dtype}`, () => {
      const t = tensor(array);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [2]);
      assert.ok(t.dataSync() instanceof ctor);
      assert.deepEqual([...t.dataSync()], [...array]);
    });
  }

  test('typed array input is copied, not aliased', () => {
    const src = new Float64Array([1, 2]);
    const t = tensor(src);
    src[0] = 99;
    assert.equal(t.dataSync()[0], 1);
  });

  test('a number makes a scalar', () => {
    const t = tensor(2.5);
    assert.deepEqual(t.shape, []);
    assert.equal(t.rank, 0);
    assert.equal(t.size, 1);
    assert.equal(t.item(), 2.5);
    assert.equal(t.arraySync(), 2.5);
  });

  for (const { dtype } of product({ dtype: ['float32', 'float64', 'int32'] as const })) {
    test(`explicit dtype=${dtype}`, () => {
      const t = tensor([[1, 2]], undefined, dtype);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [1, 2]);
      const ctor = { float32: Float32Array, float64: Float64Array, int32: Int32Array }[dtype];
      assert.ok(t.dataSync() instanceof ctor);
    });
  }

  test('explicit dtype overrides a typed array dtype', () => {
    const t = tensor(new Float32Array([1, 2, 3, 4]), [2, 2], 'float64');
    assert.equal(t.dtype, 'float64');
    assert.deepEqual(t.shape, [2, 2]);
    assert.ok(t.dataSync() instanceof Float64Array);
  });

  test('float64 values are rounded when stored as float32', () => {
    const t = tensor([0.1]);
    assert.equal(t.dataSync()[0], Math.fround(0.1));
    assert.notEqual(t.dataSync()[0], 0.1);
    assert.equal(tensor([0.1], undefined, 'float64').dataSync()[0], 0.1);
  });

  test('cast to int32 truncates toward zero', () => {
    const t = cast(tensor([1.7, -1.7, 2.5, -0.5, 3], undefined, 'float64'), 'int32');
    assert.equal(t.dtype, 'int32');
    assert.deepEqual([...t.dataSync()], [1, -1, 2, 0, 3]);
  });

  test('tensor(..., "int32") truncates too', () => {
    assert.deepEqual([...tensor([1.9, -1.9], undefined, 'int32').dataSync()], [1, -1]);
  });

  test('empty arrays', () => {
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(tensor([[], []]).shape, [2, 0]);
    assert.deepEqual(tensor([[], []]).arraySync(), [[], []]);
  });

  const ragged: unknown[] = [
    [[1, 2], [3]],
    [[1, 2], 3],
    [1, [2]],
    [[[1, 2]], [[3, 4], [5, 6]]],
  ];
  for (const values of ragged) {
    test(`ragged ${JSON.stringify(values)} throws naming \`values\``, () => {
      assert.throws(
        () => tensor(values as number[]),
        (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'values' && /`values`/.test(e.message),
      );
    });
  }

  test('non-numeric elements throw naming `values`', () => {
    assert.throws(() => tensor(['a'] as unknown as number[]), /`values`/);
    assert.throws(() => tensor('abc' as unknown as number), /`values`/);
  });

  test('size mismatch with an explicit shape throws naming the shape', () => {
    assert.throws(
      () => tensor([1, 2, 3, 4, 5], [2, 3]),
      (e: unknown) => e instanceof ShapeError && /shape \(2, 3\)/.test(e.message) && /5 values/.test(e.message),
    );
  });

  test('invalid shape and dtype arguments are named', () => {
    assert.throws(() => tensor([1, 2], [2.5]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'shape');
    assert.throws(() => tensor([1, 2], [-1, 2]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'shape');
    assert.throws(
      () => tensor([1, 2], undefined, 'float16' as 'float32'),
      (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'dtype' && /float16/.test(e.message),
    );
  });
});

describe('zeros / ones / fill / scalar', () => {
  for (const c of product({ shape: [[], [3], [2, 3], [2, 0, 4]], dtype: ['float32', 'float64', 'int32'] as const })) {
    test(caseName(c), () => {
      const size = c.shape.reduce((a, b) => a * b, 1);
      const z = zeros(c.shape, c.dtype);
      const o = ones(c.shape, c.dtype);
      const f = fill(c.shape, 7, c.dtype);
      for (const [t, v] of [
        [z, 0],
        [o, 1],
        [f, 7],
      ] as const) {
        assert.deepEqual(t.shape, c.shape);
        assert.equal(t.dtype, c.dtype);
        assert.equal(t.size, size);
        assert.ok([...t.dataSync()].every((x) => x === v));
      }
    });
  }

  test('defaults to float32', () => {
    assert.equal(zeros([2]).dtype, 'float32');
    assert.equal(ones([2]).dtype, 'float32');
    assert.equal(fill([2], 0.5).dtype, 'float32');
    assert.equal(scalar(3).dtype, 'float32');
    assert.deepEqual(scalar(3).shape, []);
  });

  test('fill truncates for int32', () => {
    assert.deepEqual([...fill([2], 2.9, 'int32').dataSync()], [2, 2]);
  });

  test('bad shapes are rejected naming `shape`', () => {
    assert.throws(() => zeros([2, -1]), /`shape`/);
    assert.throws(() => ones([1.5]), /`shape`/);
    assert.throws(() => fill('2' as unknown as number[], 1), /`shape`/);
  });
});

describe('Tensor accessors', () => {
  test('dataSync returns the typed array of the dtype', () => {
    assert.ok(tensor([1], undefined, 'float32').dataSync() instanceof Float32Array);
    assert.ok(tensor([1], undefined, 'float64').dataSync() instanceof Float64Array);
    assert.ok(tensor([1], undefined, 'int32').dataSync() instanceof Int32Array);
  });

  for (const values of [3, [1, 2, 3], [[1, 2], [3, 4]], [[[1.5], [2.5]]], [[], []]] as const) {
    test(`arraySync round trip ${JSON.stringify(values)}`, () => {
      const t = tensor(values as unknown as number[], undefined, 'float64');
      assert.deepEqual(t.arraySync(), values);
      assert.deepEqual(tensor(t.arraySync(), undefined, 'float64').arraySync(), values);
    });
  }

  test('shape is frozen and a copy of the argument', () => {
    const shape = [2, 2];
    const t = tensor([1, 2, 3, 4], shape);
    shape[0] = 4;
    assert.deepEqual(t.shape, [2, 2]);
    assert.ok(Object.isFrozen(t.shape));
  });

  test('item() of a size-1 tensor of any rank', () => {
    assert.equal(tensor([[4]]).item(), 4);
    assert.equal(tensor([7], undefined, 'int32').item(), 7);
    assert.throws(() => tensor([1, 2]).item(), (e: unknown) => e instanceof ShapeError && /\(2,\)/.test(e.message));
  });

  test('toString shows shape and dtype', () => {
    assert.equal(tensor([[1, 2, 3]]).toString(), 'Tensor(shape=(1, 3), dtype=float32)');
    assert.equal(tensor([1], undefined, 'float64').toString(), 'Tensor(shape=(1,), dtype=float64)');
    assert.equal(tensor(1, undefined, 'int32').toString(), 'Tensor(shape=(), dtype=int32)');
    assert.equal(String(tensor(1)), 'Tensor(shape=(), dtype=float32)');
  });

  test('ids are unique', () => {
    const a = tensor(1);
    const b = tensor(1);
    assert.notEqual(a.id, b.id);
    assert.ok(a instanceof Tensor);
  });
});

describe('Variable', () => {
  const make = (t: Tensor) => new Variable(t, { name: 'kernel', path: 'layer/kernel' });

  test('copies its initial value and takes its dtype', () => {
    const init = tensor([1, 2], undefined, 'float64');
    const v = make(init);
    assert.equal(v.dtype, 'float64');
    assert.deepEqual(v.shape, [2]);
    assert.equal(v.name, 'kernel');
    assert.equal(v.path, 'layer/kernel');
    assert.equal(v.trainable, true);
    init.dataSync()[0] = 42;
    assert.equal(v.dataSync()[0], 1);
    assert.equal(new Variable(init, { name: 'b', path: 'l/b', trainable: false }).trainable, false);
  });

  test('assign keeps the id and replaces the value', () => {
    const v = make(tensor([1, 2, 3]));
    const id = v.id;
    const value = tensor([4, 5, 6]);
    v.assign(value);
    assert.equal(v.id, id);
    assert.deepEqual([...v.dataSync()], [4, 5, 6]);
    value.dataSync()[0] = 0;
    assert.equal(v.dataSync()[0], 4, 'assign copies');
  });

  test('assign casts float64 to the variable dtype float32', () => {
    const v = make(tensor([0, 0]));
    v.assign(tensor([0.1, 2], undefined, 'float64'));
    assert.equal(v.dtype, 'float32');
    assert.ok(v.dataSync() instanceof Float32Array);
    assert.deepEqual([...v.dataSync()], [Math.fround(0.1), 2]);
  });

  test('assign casts float32 to a float64 variable', () => {
    const v = make(tensor([0, 0], undefined, 'float64'));
    v.assign(tensor([0.5, 2]));
    assert.ok(v.dataSync() instanceof Float64Array);
    assert.deepEqual([...v.dataSync()], [0.5, 2]);
  });

  test('assign with the wrong shape throws and leaves the value', () => {
    const v = make(tensor([[1, 2]]));
    assert.throws(
      () => v.assign(tensor([1, 2])),
      (e: unknown) => e instanceof ShapeError && /\(2,\)/.test(e.message) && /\(1, 2\)/.test(e.message) && /layer\/kernel/.test(e.message),
    );
    assert.deepEqual(v.arraySync(), [[1, 2]]);
  });

  test('an int32 variable rejects float values', () => {
    const v = make(tensor([1], undefined, 'int32'));
    assert.throws(() => v.assign(tensor([1.5])), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'value');
  });
});
