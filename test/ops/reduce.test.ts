import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import { tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

const SHAPE = [2, 3, 4] as const;

/** Every subset of {0,1,2}, including the empty set. */
const AXIS_SUBSETS: number[][] = [[], [0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];

const NAIVE = {
  sum: (v: number[]) => v.reduce((a, b) => a + b, 0),
  mean: (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length,
  max: (v: number[]) => Math.max(...v),
  min: (v: number[]) => Math.min(...v),
} as const;
type Red = keyof typeof NAIVE;

/** Groups the elements of a [2,3,4] tensor by their index on the kept axes; returns keepDims shape too. */
function naiveReduce(data: ArrayLike<number>, axes: readonly number[], f: (v: number[]) => number) {
  const kept = SHAPE.map((d, i) => (axes.includes(i) ? 1 : d));
  const groups = new Map<number, number[]>();
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 3; j++)
      for (let k = 0; k < 4; k++) {
        const idx = [i, j, k].map((v, d) => (axes.includes(d) ? 0 : v));
        const key = (idx[0] * kept[1] + idx[1]) * kept[2] + idx[2];
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key)!.push(data[(i * 3 + j) * 4 + k]);
      }
  const out = [...groups.keys()].sort((a, b) => a - b).map((key) => f(groups.get(key)!));
  return { out, kept, squeezed: SHAPE.filter((_, i) => !axes.includes(i)) };
}

describe('reductions over every axis subset of a rank-3 tensor', () => {
  const cases = product({
    op: ['sum', 'mean', 'max', 'min'] as Red[],
    axes: AXIS_SUBSETS,
    negative: [false, true],
    keepDims: [false, true],
    dtype: ['float32', 'float64'] as const,
  });
  for (const c of cases) {
    test(caseName(c), () => {
      const rng = mulberry32(5);
      const x = tensor(randomArray(24, rng), [...SHAPE], c.dtype);
      const axis = c.negative ? c.axes.map((a) => a - 3) : c.axes;
      const out = ops[c.op](x, { axis, keepDims: c.keepDims });
      const expected = naiveReduce(x.dataSync(), c.axes, NAIVE[c.op]);
      assert.equal(out.dtype, c.dtype);
      assert.deepEqual(out.shape, c.keepDims ? expected.kept : expected.squeezed);
      const tol = c.dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-13, atol: 1e-14 };
      assertAllClose(out.dataSync(), expected.out, tol);
    });
  }

  for (const op of ['sum', 'mean', 'max', 'min'] as const) {
    test(`${op} with no axis reduces everything to a scalar`, () => {
      const x = tensor(randomArray(24, mulberry32(1)), [...SHAPE], 'float64');
      assert.deepEqual(ops[op](x).shape, []);
      assert.deepEqual(ops[op](x, { keepDims: true }).shape, [1, 1, 1]);
      assert.deepEqual(ops[op](x, { axis: null }).shape, []);
      assertAllClose([ops[op](x).item()], [NAIVE[op]([...x.dataSync()])], { rtol: 1e-13, atol: 0 });
    });
  }

  test('a single number axis and a duplicate-axis list', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
    assert.deepEqual(ops.sum(x, { axis: 1 }).arraySync(), [6, 15]);
    assert.deepEqual(ops.sum(x, { axis: -2 }).arraySync(), [5, 7, 9]);
    assert.deepEqual(ops.sum(x, { axis: [1, -1] }).arraySync(), [6, 15]);
  });
});

describe('reduction gradients vs finite differences (float64)', () => {
  const cases = product({ op: ['sum', 'mean', 'max', 'min'] as Red[], axes: AXIS_SUBSETS, keepDims: [false, true] });
  for (const c of cases) {
    test(caseName(c), () => {
      const rng = mulberry32(9);
      // Distinct values (a shuffled grid) so max/min have no ties and no kinks within eps.
      const base = Array.from({ length: 24 }, (_, i) => (i - 12) * 0.1);
      for (let i = base.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [base[i], base[j]] = [base[j], base[i]];
      }
      const x = tensor(base, [...SHAPE], 'float64');
      const outShape = ops[c.op](x, { axis: c.axes, keepDims: c.keepDims }).shape;
      const ct = tensor(randomArray(outShape.reduce((a, b) => a * b, 1), rng), outShape, 'float64');
      checkGradients(() => ops.sum(ops.mul(ops[c.op](x, { axis: c.axes, keepDims: c.keepDims }), ct)), [x], {
        rtol: 1e-6,
        atol: 1e-8,
      });
    });
  }

  test('max with ties splits the gradient equally', () => {
    const x = tensor([[3, 1, 3], [2, 2, 2]], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.max(x, { axis: 1 })), [x]);
    assertAllClose(grads[0].dataSync(), [0.5, 0, 0.5, 1 / 3, 1 / 3, 1 / 3], { rtol: 1e-15, atol: 0 });
    const all = valueAndGrads(() => ops.max(x), [x]).grads[0];
    assert.deepEqual([...all.dataSync()], [0.5, 0, 0.5, 0, 0, 0]);
  });

  test('min with ties splits the gradient equally', () => {
    const x = tensor([1, 5, 1, 1], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.min(x), [x]);
    assertAllClose(grads[0].dataSync(), [1 / 3, 0, 1 / 3, 1 / 3], { rtol: 1e-15, atol: 0 });
  });

  test('mean gradient is 1/count', () => {
    const x = tensor(randomArray(24, mulberry32(2)), [...SHAPE], 'float32');
    const { grads } = valueAndGrads(() => ops.sum(ops.mean(x, { axis: [0, 2] })), [x]);
    assert.equal(grads[0].dtype, 'float32');
    assertAllClose(grads[0].dataSync(), new Array(24).fill(1 / 8), { rtol: 1e-7, atol: 0 });
  });
});

describe('reduction errors', () => {
  for (const c of product({ op: ['sum', 'mean', 'max', 'min'] as Red[], axis: [3, -4, 1.5, [0, 3]] as const })) {
    test(`axis out of range: ${caseName(c)}`, () => {
      const x = tensor(new Float64Array(24), [...SHAPE]);
      assert.throws(
        () => ops[c.op](x, { axis: c.axis }),
        (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axis' && /\[-3, 2\]/.test(e.message),
      );
    });
  }
});

describe('reductions of a scalar', () => {
  test('no axis: identity value and gradient 1', () => {
    const s = tensor(3, undefined, 'float64');
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      assert.equal(ops[op](s).item(), 3);
      assert.deepEqual(ops[op](s).shape, []);
      assert.equal(valueAndGrads(() => ops[op](s), [s]).grads[0].item(), 1);
    }
  });

  test('any axis on a scalar is out of range (was accepted for 0, and mean gave NaN)', () => {
    const s = tensor(3, undefined, 'float64');
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      for (const axis of [0, -1, [0]]) {
        assert.throws(
          () => ops[op](s, { axis }),
          (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axis' && /scalar/.test(e.message),
        );
      }
    }
  });
});

describe('reductions of int32', () => {
  test('sum/max/min stay int32; mean is float32 (not truncated)', () => {
    const x = tensor([[1, 2], [4, 4]], undefined, 'int32');
    assert.equal(ops.sum(x).dtype, 'int32');
    assert.equal(ops.sum(x).item(), 11);
    assert.equal(ops.max(x).item(), 4);
    assert.equal(ops.min(x, { axis: 0 }).dtype, 'int32');
    const m = ops.mean(x, { axis: 1 });
    assert.equal(m.dtype, 'float32');
    assert.deepEqual([...m.dataSync()], [1.5, 4]);
  });
});

describe('options are an object, never a positional axis', () => {
  test('sum(x, 1) and friends throw naming the options (tfjs and NumPy users write the axis positionally)', () => {
    const x = tensor([[1, 2], [3, 4]]);
    for (const op of ['sum', 'mean', 'max', 'min'] as const) {
      for (const bad of [1, [0], 'axis', null]) {
        assert.throws(
          () => (ops[op] as (x: unknown, o: unknown) => unknown)(x, bad),
          (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'options' && /\{ axis:/.test(e.message),
          `${op}(x, ${JSON.stringify(bad)})`,
        );
      }
      assert.throws(
        () => (ops[op] as (x: unknown, o: unknown) => unknown)(x, { axes: 1 }),
        (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axes' && /did you mean 'axis'\?/.test(e.message),
      );
      assert.throws(
        () => (ops[op] as (x: unknown, o: unknown) => unknown)(x, { keep_dims: true }),
        (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'keep_dims' && /use camelCase: 'keepDims'/.test(e.message),
      );
    }
    assert.deepEqual([...ops.sum(x, { axis: 1 }).dataSync()], [3, 7]);
  });
});
