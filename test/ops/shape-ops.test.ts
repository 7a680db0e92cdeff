import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import { tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName } from '../helpers/product.js';

const TOL = { rtol: 1e-6, atol: 1e-8 };

function weighted(rng: () => number, shape: readonly number[]) {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), rng), [...shape], 'float64');
}

describe('reshape', () => {
  const cases: Array<{ from: number[]; to: number[]; resolved: number[] }> = [
    { from: [2, 3, 4], to: [6, 4], resolved: [6, 4] },
    { from: [2, 3, 4], to: [-1, 4], resolved: [6, 4] },
    { from: [2, 3, 4], to: [2, -1], resolved: [2, 12] },
    { from: [2, 3, 4], to: [-1], resolved: [24] },
    { from: [2, 3, 4], to: [4, 1, -1, 2], resolved: [4, 1, 3, 2] },
    { from: [1], to: [], resolved: [] },
    { from: [], to: [1, 1], resolved: [1, 1] },
    { from: [0, 3], to: [3, -1], resolved: [3, 0] },
  ];
  for (const c of cases) {
    test(caseName(c), () => {
      const rng = mulberry32(1);
      const x = weighted(rng, c.from);
      const y = ops.reshape(x, c.to);
      assert.deepEqual(y.shape, c.resolved);
      assert.deepEqual([...y.dataSync()], [...x.dataSync()]);
      if (x.size > 0) {
        const ct = weighted(rng, c.resolved);
        checkGradients(() => ops.sum(ops.mul(ops.reshape(x, c.to), ct)), [x], TOL);
      }
    });
  }

  test('errors', () => {
    const x = tensor(new Float32Array(12), [3, 4]);
    assert.throws(() => ops.reshape(x, [5, -1]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'shape');
    assert.throws(() => ops.reshape(x, [-1, -1]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'shape');
    assert.throws(() => ops.reshape(x, [0, -1]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'shape');
    assert.throws(() => ops.reshape(x, [5, 2]), (e: unknown) => e instanceof ShapeError && /\(3, 4\) to \(5, 2\)/.test(e.message));
    assert.throws(() => ops.reshape(x, [-2, -6]), ShapeError);
    assert.throws(() => ops.reshape(x, [2.5, 4.8]), ShapeError);
  });
});

describe('transpose', () => {
  const perms = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  for (const perm of perms) {
    test(`perm=${perm.join('')} of [2,3,4]`, () => {
      const rng = mulberry32(2);
      const x = weighted(rng, [2, 3, 4]);
      const y = ops.transpose(x, perm);
      const shape = perm.map((a) => x.shape[a]);
      assert.deepEqual(y.shape, shape);
      const xd = x.dataSync();
      const yd = y.dataSync();
      for (let i = 0; i < 2; i++)
        for (let j = 0; j < 3; j++)
          for (let k = 0; k < 4; k++) {
            const src = [i, j, k];
            const dst = perm.map((a) => src[a]);
            assert.equal(yd[(dst[0] * shape[1] + dst[1]) * shape[2] + dst[2]], xd[(i * 3 + j) * 4 + k]);
          }
      const ct = weighted(rng, shape);
      checkGradients(() => ops.sum(ops.mul(ops.transpose(x, perm), ct)), [x], TOL);
    });
  }

  test('default reverses the axes', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(ops.transpose(x).arraySync(), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    const x3 = weighted(mulberry32(4), [2, 3, 4]);
    assert.deepEqual(ops.transpose(x3).shape, [4, 3, 2]);
    assert.deepEqual([...ops.transpose(x3).dataSync()], [...ops.transpose(x3, [2, 1, 0]).dataSync()]);
    assert.deepEqual(ops.transpose(tensor(5)).shape, []);
  });

  test('bad perm names `perm`', () => {
    const x = tensor(new Float32Array(6), [2, 3]);
    for (const perm of [[0], [0, 0], [1, 2], [0, 1, 2]]) {
      assert.throws(() => ops.transpose(x, perm), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'perm');
    }
  });
});

describe('broadcastTo', () => {
  const cases = [
    { from: [3], to: [2, 3] },
    { from: [2, 1], to: [2, 3] },
    { from: [], to: [2, 2] },
    { from: [1, 3, 1], to: [2, 3, 4] },
    { from: [2, 3], to: [2, 3] },
  ];
  for (const c of cases) {
    test(caseName(c), () => {
      const rng = mulberry32(3);
      const x = weighted(rng, c.from);
      const y = ops.broadcastTo(x, c.to);
      assert.deepEqual(y.shape, c.to);
      const expected = ops.add(x, tensor(new Float64Array(c.to.reduce((a, b) => a * b, 1)), c.to));
      assert.deepEqual([...y.dataSync()], [...expected.dataSync()]);
      const ct = weighted(rng, c.to);
      checkGradients(() => ops.sum(ops.mul(ops.broadcastTo(x, c.to), ct)), [x], TOL);
    });
  }

  test('incompatible targets throw', () => {
    assert.throws(() => ops.broadcastTo(tensor([1, 2, 3]), [2, 2]), ShapeError);
    assert.throws(() => ops.broadcastTo(tensor([[1, 2]]), [2]), (e: unknown) => e instanceof ShapeError && /\(1, 2\) to \(2,\)/.test(e.message));
  });
});

describe('cast', () => {
  test('float64 → float32 rounds, float32 → float64 is exact', () => {
    const x = tensor([0.1, 1e40], undefined, 'float64');
    const y = ops.cast(x, 'float32');
    assert.equal(y.dtype, 'float32');
    assert.deepEqual([...y.dataSync()], [Math.fround(0.1), Infinity]);
    const z = ops.cast(y, 'float64');
    assert.equal(z.dtype, 'float64');
    assert.equal(z.dataSync()[0], Math.fround(0.1));
  });

  test('same dtype returns the tensor itself', () => {
    const x = tensor([1]);
    assert.equal(ops.cast(x, 'float32'), x);
  });

  test('int32 → float', () => {
    const y = ops.cast(tensor([1, -2], undefined, 'int32'), 'float64');
    assert.ok(y.dataSync() instanceof Float64Array);
    assert.deepEqual([...y.dataSync()], [1, -2]);
  });

  test('gradient flows back in the source dtype', () => {
    const x = tensor([1, 2, 3]);
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(ops.cast(x, 'float64'), tensor([1, 2, 3], undefined, 'float64'))), [x]);
    assert.equal(grads[0].dtype, 'float32');
    assert.deepEqual([...grads[0].dataSync()], [1, 2, 3]);
    const x64 = weighted(mulberry32(8), [4]);
    checkGradients(() => ops.sum(ops.square(ops.cast(ops.cast(x64, 'float32'), 'float64'))), [x64], { rtol: 1e-3, atol: 1e-4, eps: 1e-3 });
  });

  test('no gradient through a cast to int32', () => {
    const x = tensor([1.5, 2.5], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.cast(ops.cast(x, 'int32'), 'float64')), [x]);
    assert.deepEqual([...grads[0].dataSync()], [0, 0]);
  });

  test('unknown dtype names `dtype`', () => {
    assert.throws(() => ops.cast(tensor([1]), 'bool' as 'int32'), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'dtype');
  });
});

describe('stopGradient', () => {
  test('same values, no gradient', () => {
    const x = tensor([1, 2, 3], undefined, 'float64');
    const y = ops.stopGradient(x);
    assert.deepEqual([...y.dataSync()], [1, 2, 3]);
    assert.notEqual(y.id, x.id);
    const { grads } = valueAndGrads(() => ops.sum(ops.add(ops.mul(ops.stopGradient(x), x), ops.stopGradient(ops.square(x)))), [x]);
    // d/dx [sg(x) * x + sg(x^2)] = sg(x) = x
    assertAllClose(grads[0].dataSync(), [1, 2, 3], { rtol: 0, atol: 0 });
  });
});
