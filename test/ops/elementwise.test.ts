import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { ShapeError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { POINTWISE } from '../../src/ops/pointwise.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

type Dt = 'float32' | 'float64';
type Operand = readonly number[] | 'number';

const BINARY = {
  add: { op: ops.add, f: (a: number, b: number) => a + b },
  sub: { op: ops.sub, f: (a: number, b: number) => a - b },
  mul: { op: ops.mul, f: (a: number, b: number) => a * b },
  div: { op: ops.div, f: (a: number, b: number) => a / b },
  pow: { op: ops.pow, f: (a: number, b: number) => a ** b },
  maximum: { op: ops.maximum, f: (a: number, b: number) => Math.max(a, b) },
  minimum: { op: ops.minimum, f: (a: number, b: number) => Math.min(a, b) },
} as const;
type OpName = keyof typeof BINARY;

const SHAPE_PAIRS: ReadonlyArray<readonly [Operand, Operand]> = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[4, 1, 3], [2, 1]],
  [[], [2, 3]],
  [[2, 3], []],
  ['number', [2, 3]],
  [[2, 3], 'number'],
];

/** Values for operand `side` of `op`, away from kinks, ties, zero denominators and non-positive bases. */
function values(op: OpName, side: 0 | 1, n: number, rng: () => number): Float64Array {
  if (op === 'pow') return side === 0 ? randomArray(n, rng, 0.5, 2) : randomArray(n, rng, -1.5, 2.5);
  if (op === 'div' && side === 1) {
    const v = randomArray(n, rng, 0.5, 2);
    return v.map((x, i) => (i % 2 ? -x : x));
  }
  // maximum/minimum: one side in [-2,-0.1]∪[0.1,2] style ranges offset so that no pair ties.
  if (op === 'maximum' || op === 'minimum') return randomArray(n, rng, side === 0 ? -2 : -1.95, 2).map((x) => x + side * 0.013);
  return randomArray(n, rng, -2, 2);
}

/** Naive broadcasting: out[idx] = f(a[idx mapped], b[idx mapped]). */
function naiveBroadcast(
  a: ArrayLike<number>,
  aShape: readonly number[],
  b: ArrayLike<number>,
  bShape: readonly number[],
  f: (p: number, q: number) => number,
): { data: number[]; shape: number[] } {
  const rank = Math.max(aShape.length, bShape.length);
  const pa = [...Array(rank - aShape.length).fill(1), ...aShape];
  const pb = [...Array(rank - bShape.length).fill(1), ...bShape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const size = shape.reduce((x, y) => x * y, 1);
  const data: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    const idx: number[] = [];
    let r = flat;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia = ia * pa[d] + (pa[d] === 1 ? 0 : idx[d]);
      ib = ib * pb[d] + (pb[d] === 1 ? 0 : idx[d]);
    }
    data.push(f(a[ia], b[ib]));
  }
  return { data, shape };
}

function makeOperand(shape: Operand, data: Float64Array, dtype: Dt): Tensor | number {
  return shape === 'number' ? data[0] : tensor(data.slice(0, shape.reduce((x, y) => x * y, 1)), shape, dtype);
}

describe('binary ops: forward with broadcasting', () => {
  const cases = product({
    op: Object.keys(BINARY) as OpName[],
    shapes: SHAPE_PAIRS,
    dtype: ['float32', 'float64'] as const,
  });
  for (const c of cases) {
    test(caseName({ op: c.op, a: c.shapes[0], b: c.shapes[1], dtype: c.dtype }), () => {
      const rng = mulberry32(7);
      const [sa, sb] = c.shapes;
      const a = makeOperand(sa, values(c.op, 0, 24, rng), c.dtype);
      const b = makeOperand(sb, values(c.op, 1, 24, rng), c.dtype);
      const out = BINARY[c.op].op(a, b);
      const ad = typeof a === 'number' ? [a] : a.dataSync();
      const bd = typeof b === 'number' ? [b] : b.dataSync();
      const expected = naiveBroadcast(
        ad,
        typeof a === 'number' ? [] : a.shape,
        bd,
        typeof b === 'number' ? [] : b.shape,
        BINARY[c.op].f,
      );
      assert.equal(out.dtype, c.dtype);
      assert.deepEqual(out.shape, expected.shape);
      const tol = c.dtype === 'float32' ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-14, atol: 1e-14 };
      assertAllClose(out.dataSync(), expected.data, tol);
    });
  }
});

describe('binary ops: gradients of sum(op(a, b) * ct) vs finite differences (float64)', () => {
  const cases = product({ op: Object.keys(BINARY) as OpName[], shapes: SHAPE_PAIRS });
  for (const c of cases) {
    test(caseName({ op: c.op, a: c.shapes[0], b: c.shapes[1] }), () => {
      const rng = mulberry32(11);
      const [sa, sb] = c.shapes;
      const a = makeOperand(sa, values(c.op, 0, 24, rng), 'float64');
      const b = makeOperand(sb, values(c.op, 1, 24, rng), 'float64');
      const outShape = BINARY[c.op].op(a, b).shape;
      const ct = tensor(randomArray(outShape.reduce((x, y) => x * y, 1), rng), outShape, 'float64');
      const params = [a, b].filter((t): t is Tensor => typeof t !== 'number');
      checkGradients(() => ops.sum(ops.mul(BINARY[c.op].op(a, b), ct)), params, { rtol: 1e-6, atol: 1e-8 });
    });
  }

  test('pow gradient w.r.t. the exponent is 0 (not NaN) at base 0', () => {
    const a = tensor([0, 2], undefined, 'float64');
    const b = tensor([2, 3], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.pow(a, b)), [a, b]);
    assertAllClose(grads[0].dataSync(), [0, 12], { rtol: 1e-12, atol: 0 });
    assertAllClose(grads[1].dataSync(), [0, 8 * Math.log(2)], { rtol: 1e-12, atol: 0 });
  });

  for (const op of ['maximum', 'minimum'] as const) {
    test(`${op}: on ties the gradient goes to a`, () => {
      const a = tensor([1, 2], undefined, 'float64');
      const b = tensor([1, 2], undefined, 'float64');
      const { grads } = valueAndGrads(() => ops.sum(ops[op](a, b)), [a, b]);
      assert.deepEqual([...grads[0].dataSync()], [1, 1]);
      assert.deepEqual([...grads[1].dataSync()], [0, 0]);
    });
  }

  test('a float32 gradient for a float32 input promoted by a float64 operand', () => {
    const a = tensor([1, 2, 3]);
    const b = tensor([2, 2, 2], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(a, b)), [a, b]);
    assert.equal(grads[0].dtype, 'float32');
    assert.equal(grads[1].dtype, 'float64');
    assert.deepEqual([...grads[0].dataSync()], [2, 2, 2]);
    assert.deepEqual([...grads[1].dataSync()], [1, 2, 3]);
  });
});

describe('binary ops: dtype promotion and errors', () => {
  for (const c of product({ op: Object.keys(BINARY) as OpName[], order: ['32+64', '64+32'] as const })) {
    test(`float32 and float64 promote to float64: ${caseName(c)}`, () => {
      const f32 = tensor([1.5, 2]);
      const f64 = tensor([0.5, 3], undefined, 'float64');
      const out = c.order === '32+64' ? BINARY[c.op].op(f32, f64) : BINARY[c.op].op(f64, f32);
      assert.equal(out.dtype, 'float64');
      assert.ok(out.dataSync() instanceof Float64Array);
    });
  }

  test('a bare number adopts the tensor dtype; two numbers give float32', () => {
    assert.equal(ops.add(tensor([1], undefined, 'float64'), 1).dtype, 'float64');
    assert.equal(ops.add(2, tensor([1])).dtype, 'float32');
    assert.equal(ops.add(tensor([1], undefined, 'int32'), 1).dtype, 'int32');
    const two = ops.add(1, 2);
    assert.equal(two.dtype, 'float32');
    assert.equal(two.item(), 3);
  });

  test('an int32 tensor with a fractional number computes in float32 (not truncating the number)', () => {
    const i = tensor([1, 2], undefined, 'int32');
    for (const [out, expected] of [
      [ops.add(i, 1.5), [2.5, 3.5]],
      [ops.mul(0.5, i), [0.5, 1]],
      [ops.sub(i, 0.25), [0.75, 1.75]],
      [ops.where(tensor([1, 0]), i, 0.5), [1, 0.5]],
    ] as const) {
      assert.equal(out.dtype, 'float32');
      assert.deepEqual([...out.dataSync()], expected);
    }
    assert.equal(ops.mul(i, 2).dtype, 'int32');
  });

  test('int32 division truncates', () => {
    const out = ops.div(tensor([7, -7], undefined, 'int32'), 2);
    assert.equal(out.dtype, 'int32');
    assert.deepEqual([...out.dataSync()], [3, -3]);
  });

  test('broadcast error message names both shapes', () => {
    for (const op of Object.values(BINARY)) {
      assert.throws(
        () => op.op(tensor([1, 2, 3]), tensor([1, 2])),
        (e: unknown) => e instanceof ShapeError && /\(3,\) and \(2,\)/.test(e.message) && /broadcast/.test(e.message),
      );
    }
    assert.throws(() => ops.add(ops.reshape(tensor([1, 2, 3, 4, 5, 6]), [2, 3]), tensor([1, 2, 3, 4], [2, 2])), /\(2, 3\) and \(2, 2\)/);
  });

  test('a non-tensor, non-number operand is rejected naming it', () => {
    assert.throws(() => ops.add(tensor([1]), 'x' as unknown as number), /`b`/);
    assert.throws(() => ops.mul([1] as unknown as number, tensor([1])), /`a`/);
  });

  test('maximum/minimum propagate NaN', () => {
    const a = tensor([NaN, 1, 2], undefined, 'float64');
    const b = tensor([1, NaN, 0], undefined, 'float64');
    const mx = [...ops.maximum(a, b).dataSync()];
    const mn = [...ops.minimum(a, b).dataSync()];
    assert.ok(Number.isNaN(mx[0]) && Number.isNaN(mx[1]) && mx[2] === 2);
    assert.ok(Number.isNaN(mn[0]) && Number.isNaN(mn[1]) && mn[2] === 0);
  });

  test('neg', () => {
    assert.deepEqual(ops.neg(tensor([1, -2, 0])).arraySync(), [-1, 2, -0]);
  });
});

describe('comparisons', () => {
  const cmp = {
    equal: (p: number, q: number) => p === q,
    greater: (p: number, q: number) => p > q,
    greaterEqual: (p: number, q: number) => p >= q,
    less: (p: number, q: number) => p < q,
    lessEqual: (p: number, q: number) => p <= q,
  } as const;
  for (const c of product({ op: Object.keys(cmp) as Array<keyof typeof cmp>, dtype: ['float32', 'float64'] as const })) {
    test(caseName(c), () => {
      const a = tensor([[1, 2, 3]], undefined, c.dtype);
      const b = tensor([[2], [1]], undefined, c.dtype);
      const out = ops[c.op](a, b);
      assert.equal(out.dtype, c.dtype);
      assert.deepEqual(out.shape, [2, 3]);
      const expected = naiveBroadcast(a.dataSync(), [1, 3], b.dataSync(), [2, 1], (p, q) => (cmp[c.op](p, q) ? 1 : 0));
      assert.deepEqual([...out.dataSync()], expected.data);
    });
  }

  test('comparisons record no gradient', () => {
    const a = tensor([1, 2, 3], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.greater(a, 1.5)), [a]);
    assert.deepEqual([...grads[0].dataSync()], [0, 0, 0]);
  });
});

describe('where', () => {
  test('forward with broadcasting of condition and both sides', () => {
    const cond = tensor([[1], [0]]);
    const out = ops.where(cond, tensor([10, 20, 30]), -1);
    assert.deepEqual(out.shape, [2, 3]);
    assert.deepEqual(out.arraySync(), [
      [10, 20, 30],
      [-1, -1, -1],
    ]);
  });

  test('gradients flow only to the picked side (finite values)', () => {
    const rng = mulberry32(3);
    const a = tensor(randomArray(6, rng), [2, 3], 'float64');
    const b = tensor(randomArray(3, rng), [3], 'float64');
    const cond = tensor([1, 0, 1, 0, 0, 1], [2, 3], 'float64');
    const ct = tensor(randomArray(6, rng), [2, 3], 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(ops.where(cond, ops.mul(a, a), ops.exp(b)), ct)), [a, b]);
    const av = a.dataSync();
    const bv = b.dataSync();
    const c = ct.dataSync();
    const m = cond.dataSync();
    const expectA = Array.from({ length: 6 }, (_, i) => (m[i] ? 2 * av[i] * c[i] : 0));
    const expectB = [0, 0, 0];
    for (let i = 0; i < 6; i++) if (!m[i]) expectB[i % 3] += Math.exp(bv[i % 3]) * c[i];
    assertAllClose(grads[0].dataSync(), expectA, { rtol: 1e-12, atol: 1e-15 });
    assertAllClose(grads[1].dataSync(), expectB, { rtol: 1e-12, atol: 1e-15 });
    checkGradients(() => ops.sum(ops.mul(ops.where(cond, ops.mul(a, a), ops.exp(b)), ct)), [a, b], { rtol: 1e-6, atol: 1e-8 });
  });

  test('where(x > 0, log(x), 0): the value is finite and the gradient has no NaN at x < 0', () => {
    // log(x) itself is NaN for x < 0, but that branch is not picked: the where gradient sends exactly 0 to it,
    // and the pointwise gradient rule skips elements whose incoming gradient is 0, so 0 * (1/x) never
    // becomes NaN (1/x is finite here anyway; with x = 0 it would be Infinity, and 0 * Infinity = NaN is what
    // the skip avoids).
    const x = tensor([-2, 0, 0.5, 4], undefined, 'float64');
    const { value, grads } = valueAndGrads(() => ops.sum(ops.where(ops.greater(x, 0), ops.log(x), 0)), [x]);
    assertAllClose([value.item()], [Math.log(0.5) + Math.log(4)], { rtol: 1e-12, atol: 0 });
    assert.deepEqual([...grads[0].dataSync()], [0, 0, 2, 0.25]);
  });

  test('condition gets no gradient; a number side is allowed', () => {
    const c = tensor([1, 0], undefined, 'float64');
    const a = tensor([3, 4], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.where(c, a, 5)), [c, a]);
    assert.deepEqual([...grads[0].dataSync()], [0, 0]);
    assert.deepEqual([...grads[1].dataSync()], [1, 0]);
  });

  test('mismatched condition shape throws', () => {
    assert.throws(() => ops.where(tensor([1, 0, 1]), tensor([1, 2]), 0), ShapeError);
  });
});

/** erf by its Maclaurin series: accurate to ~1e-14 for |x| <= 3. */
function erfSeries(x: number): number {
  let term = x;
  let total = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    total += term / (2 * n + 1);
    if (Math.abs(term) < 1e-18) break;
  }
  return (2 / Math.sqrt(Math.PI)) * total;
}

const softplusOp = (x: Tensor) => ops.mapPointwise(x, POINTWISE.softplus);
const clipOp = (x: Tensor) => ops.clip(x, -0.5, 0.7);

const UNARY: Record<string, { op: (x: Tensor) => Tensor; f: (x: number) => number; lo: number; hi: number; tol?: number }> = {
  exp: { op: ops.exp, f: Math.exp, lo: -3, hi: 3 },
  log: { op: ops.log, f: Math.log, lo: 0.2, hi: 3 },
  log1p: { op: ops.log1p, f: Math.log1p, lo: -0.7, hi: 3 },
  sqrt: { op: ops.sqrt, f: Math.sqrt, lo: 0.2, hi: 3 },
  square: { op: ops.square, f: (x) => x * x, lo: -3, hi: 3 },
  abs: { op: ops.abs, f: Math.abs, lo: -3, hi: 3 },
  tanh: { op: ops.tanh, f: Math.tanh, lo: -3, hi: 3 },
  sigmoid: { op: ops.sigmoid, f: (x) => 1 / (1 + Math.exp(-x)), lo: -6, hi: 6 },
  relu: { op: ops.relu, f: (x) => Math.max(x, 0), lo: -3, hi: 3 },
  softplus: { op: softplusOp, f: (x) => Math.log(1 + Math.exp(x)), lo: -6, hi: 6 },
  erf: { op: ops.erf, f: erfSeries, lo: -3, hi: 3, tol: 1e-13 },
  clip: { op: clipOp, f: (x) => Math.min(Math.max(x, -0.5), 0.7), lo: -2, hi: 2 },
};

describe('pointwise ops', () => {
  for (const c of product({ fn: Object.keys(UNARY), dtype: ['float32', 'float64'] as const })) {
    test(`forward vs Math: ${caseName(c)}`, () => {
      const { op, f, lo, hi, tol } = UNARY[c.fn];
      const values = randomArray(30, mulberry32(21), lo, hi);
      const x = tensor(values, [5, 6], c.dtype);
      const y = op(x);
      assert.equal(y.dtype, c.dtype);
      assert.deepEqual(y.shape, [5, 6]);
      const expected = [...x.dataSync()].map(f);
      const base = c.dtype === 'float32' ? 1e-6 : 1e-14;
      assertAllClose(y.dataSync(), expected, { rtol: base, atol: Math.max(base, tol ?? 0) });
    });
  }

  for (const fn of Object.keys(UNARY)) {
    test(`gradient vs finite differences (float64): ${fn}`, () => {
      const { op, lo, hi } = UNARY[fn];
      const rng = mulberry32(22);
      const x = tensor(randomArray(12, rng, lo, hi), [3, 4], 'float64');
      const ct = tensor(randomArray(12, rng), [3, 4], 'float64');
      const tol = { rtol: 1e-6, atol: 1e-8 };
      checkGradients(() => ops.sum(ops.mul(op(x), ct)), [x], tol);
    });
  }

  test('exact gradients at kinks: abs and relu give 0 at 0, clip 1 at the bounds', () => {
    const x = tensor([0, -0.5, 0.7, 2], undefined, 'float64');
    const g = (op: (t: Tensor) => Tensor) => [...valueAndGrads(() => ops.sum(op(x)), [x]).grads[0].dataSync()];
    assert.deepEqual(g(ops.abs), [0, -1, 1, 1]);
    assert.deepEqual(g(ops.relu), [0, 0, 1, 1]);
    assert.deepEqual(g(clipOp), [1, 1, 1, 0]);
  });

  test('sigmoid, softplus and tanh are stable at ±800', () => {
    const x = tensor([-800, 800], undefined, 'float64');
    assert.deepEqual([...ops.sigmoid(x).dataSync()], [0, 1]);
    assert.deepEqual([...softplusOp(x).dataSync()], [0, 800]);
    assert.deepEqual([...ops.tanh(x).dataSync()], [-1, 1]);
    for (const op of [ops.sigmoid, softplusOp, ops.tanh]) {
      const g = [...valueAndGrads(() => ops.sum(op(x)), [x]).grads[0].dataSync()];
      assert.ok(g.every(Number.isFinite), `finite gradient ${g}`);
    }
    const f32 = tensor([-800, 800]);
    assert.deepEqual([...ops.sigmoid(f32).dataSync()], [0, 1]);
    assert.deepEqual([...valueAndGrads(() => ops.sum(softplusOp(f32)), [f32]).grads[0].dataSync()], [0, 1]);
  });

  test('sign forward and zero gradient', () => {
    const x = tensor([-2, 0, 3], undefined, 'float64');
    assert.deepEqual([...ops.sign(x).dataSync()], [-1, 0, 1]);
    assert.deepEqual([...valueAndGrads(() => ops.sum(ops.sign(x)), [x]).grads[0].dataSync()], [0, 0, 0]);
  });

  test('int32 input is rejected naming `x`', () => {
    assert.throws(() => ops.exp(tensor([1], undefined, 'int32')), /`x`/);
  });
});
