// Fused batch normalization (src/ops/batch-norm.ts, src/kernels/batch-norm): training and inference
// forward against a naive float64 loop and against the composed-ops formula, the analytic backward against
// an explicit-Jacobian reference, the composed formula's autodiff and finite differences, for both data
// formats, ranks 2/3/4, center/scale on and off, float32 and float64; float64 accumulation; argument errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { InternalError, InvalidArgumentError, ShapeError } from '../../src/errors.js';
import {
  referenceBatchNormInference,
  referenceBatchNormTraining,
  referenceBatchNormTrainingBackward,
} from '../../src/kernels/batch-norm/reference.js';
import { resolveBatchNormParams } from '../../src/kernels/batch-norm/index.js';
import { batchNormInference, batchNormTraining } from '../../src/ops/batch-norm.js';
import { add, div, mul, sub } from '../../src/ops/elementwise.js';
import { sqrt, square } from '../../src/ops/pointwise.js';
import { mean, sum } from '../../src/ops/reduce.js';
import { reshape } from '../../src/ops/shape-ops.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

type Dt = 'float32' | 'float64';
const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

const SHAPES: Record<number, readonly number[]> = { 2: [6, 3], 3: [3, 4, 5], 4: [2, 3, 4, 5] };
const FORMATS = ['channels_last', 'channels_first'] as const;
const axisOf = (format: (typeof FORMATS)[number]) => (format === 'channels_last' ? -1 : 1);
const channelsOf = (shape: readonly number[], axis: number) => shape[axis < 0 ? axis + shape.length : axis];

const TOL: Record<Dt, { rtol: number; atol: number }> = {
  float64: { rtol: 1e-11, atol: 1e-12 },
  float32: { rtol: 2e-5, atol: 2e-5 },
};

interface Setup {
  shape: readonly number[];
  axis: number;
  x: Tensor;
  gamma: Tensor | null;
  beta: Tensor | null;
  dy: Tensor;
  movingMean: Tensor;
  movingVariance: Tensor;
}

function setup(rank: number, format: (typeof FORMATS)[number], center: boolean, scale: boolean, dtype: Dt, seed = 1): Setup {
  const shape = SHAPES[rank];
  const axis = axisOf(format);
  const C = channelsOf(shape, axis);
  const rng = mulberry32(seed * 101 + rank * 7 + (format === 'channels_last' ? 0 : 3));
  return {
    shape,
    axis,
    x: tensor(randomArray(size(shape), rng, -2, 3), [...shape], dtype),
    gamma: scale ? tensor(randomArray(C, rng, 0.5, 1.5), [C], dtype) : null,
    beta: center ? tensor(randomArray(C, rng), [C], dtype) : null,
    dy: tensor(randomArray(size(shape), rng), [...shape], dtype),
    movingMean: tensor(randomArray(C, rng), [C], dtype),
    movingVariance: tensor(randomArray(C, rng, 0.5, 2), [C], dtype),
  };
}

/** Keras's formula from the general ops, as the layer used to compute it. */
function composedTraining(s: Setup, x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  const a = s.axis < 0 ? s.axis + s.shape.length : s.axis;
  const reduction = s.shape.map((_, i) => i).filter((i) => i !== a);
  const bshape = s.shape.map((d, i) => (i === a ? d : 1));
  const m = mean(x, { axis: reduction, keepDims: true });
  const v = mean(square(sub(x, m)), { axis: reduction, keepDims: true });
  let y = div(sub(x, m), sqrt(add(v, epsilon)));
  if (gamma) y = mul(y, reshape(gamma, bshape));
  if (beta) y = add(y, reshape(beta, bshape));
  return y;
}

const ALL = product({ rank: [2, 3, 4], format: FORMATS, center: [true, false], scale: [true, false], dtype: ['float64', 'float32'] as const });

describe('batchNormTraining forward matches the naive float64 reference and the composed formula', () => {
  for (const c of ALL) {
    test(caseName(c), () => {
      const s = setup(c.rank, c.format, c.center, c.scale, c.dtype);
      const eps = 1e-3;
      const { y, mean: m, variance: v } = batchNormTraining(s.x, { axis: s.axis, gamma: s.gamma, beta: s.beta, epsilon: eps });
      assert.equal(y.dtype, c.dtype);
      assert.deepEqual(y.shape, s.shape);
      assert.deepEqual(m.shape, [channelsOf(s.shape, s.axis)]);
      const ref = referenceBatchNormTraining(s.x.dataSync(), s.shape, s.axis, s.gamma?.dataSync() ?? null, s.beta?.dataSync() ?? null, eps);
      assertAllClose(y.dataSync(), ref.y, TOL[c.dtype], 'y');
      assertAllClose(m.dataSync(), ref.mean, TOL[c.dtype], 'mean');
      assertAllClose(v.dataSync(), ref.variance, TOL[c.dtype], 'variance');
      assertAllClose(y.dataSync(), composedTraining(s, s.x, s.gamma, s.beta, eps).dataSync(), TOL[c.dtype], 'composed');
    });
  }
});

describe('batchNormTraining backward matches the explicit Jacobian and autodiff of the composed formula', () => {
  for (const c of ALL) {
    test(caseName(c), () => {
      const s = setup(c.rank, c.format, c.center, c.scale, c.dtype, 2);
      const eps = 0.01;
      const params = [s.x, ...(s.gamma ? [s.gamma] : []), ...(s.beta ? [s.beta] : [])];
      const fused = valueAndGrads(
        () => sum(mul(batchNormTraining(s.x, { axis: s.axis, gamma: s.gamma, beta: s.beta, epsilon: eps }).y, s.dy)),
        params,
      ).grads;
      fused.forEach((g, i) => assert.equal(g.dtype, c.dtype, `grad ${i} dtype`));
      const ref = referenceBatchNormTrainingBackward(s.x.dataSync(), s.shape, s.axis, s.gamma?.dataSync() ?? null, eps, s.dy.dataSync());
      assertAllClose(fused[0].dataSync(), ref.dx, TOL[c.dtype], 'dx vs Jacobian');
      let k = 1;
      if (s.gamma) assertAllClose(fused[k++].dataSync(), ref.dgamma, TOL[c.dtype], 'dgamma vs reference');
      if (s.beta) assertAllClose(fused[k++].dataSync(), ref.dbeta, TOL[c.dtype], 'dbeta vs reference');
      const composed = valueAndGrads(() => sum(mul(composedTraining(s, s.x, s.gamma, s.beta, eps), s.dy)), params).grads;
      composed.forEach((g, i) => assertAllClose(fused[i].dataSync(), g.dataSync(), TOL[c.dtype], `grad ${i} vs composed autodiff`));
    });
  }
});

describe('finite-difference gradients (float64)', () => {
  for (const c of product({ rank: [2, 3, 4], format: FORMATS, center: [true, false], scale: [true, false] })) {
    test(`training ${caseName(c)}`, () => {
      const s = setup(c.rank, c.format, c.center, c.scale, 'float64', 3);
      const params = [s.x, ...(s.gamma ? [s.gamma] : []), ...(s.beta ? [s.beta] : [])];
      checkGradients(() => sum(mul(batchNormTraining(s.x, { axis: s.axis, gamma: s.gamma, beta: s.beta, epsilon: 0.05 }).y, s.dy)), params, {
        rtol: 1e-6,
        atol: 1e-8,
      });
    });
    test(`inference ${caseName(c)}`, () => {
      const s = setup(c.rank, c.format, c.center, c.scale, 'float64', 4);
      const params = [s.x, ...(s.gamma ? [s.gamma] : []), ...(s.beta ? [s.beta] : [])];
      checkGradients(() => sum(mul(batchNormInference(s.x, s.movingMean, s.movingVariance, { axis: s.axis, gamma: s.gamma, beta: s.beta }), s.dy)), params, {
        rtol: 1e-6,
        atol: 1e-8,
      });
    });
  }
});

describe('batchNormInference matches the reference; the moving statistics get no gradient', () => {
  for (const c of ALL) {
    test(caseName(c), () => {
      const s = setup(c.rank, c.format, c.center, c.scale, c.dtype, 5);
      const eps = 1e-3;
      const run = () => batchNormInference(s.x, s.movingMean, s.movingVariance, { axis: s.axis, gamma: s.gamma, beta: s.beta, epsilon: eps });
      const y = run();
      assert.equal(y.dtype, c.dtype);
      const ref = referenceBatchNormInference(
        s.x.dataSync(),
        s.shape,
        s.axis,
        s.movingMean.dataSync(),
        s.movingVariance.dataSync(),
        s.gamma?.dataSync() ?? null,
        s.beta?.dataSync() ?? null,
        eps,
      );
      assertAllClose(y.dataSync(), ref, TOL[c.dtype], 'y');
      const { grads } = valueAndGrads(() => sum(mul(run(), s.dy)), [s.movingMean, s.movingVariance]);
      for (const g of grads) assert.ok([...g.dataSync()].every((v) => v === 0), 'moving statistics get zero gradient');
    });
  }
});

describe('accumulation and edge cases', () => {
  test('float32 statistics are accumulated in float64 (large offset, small spread, many values)', () => {
    const n = 200_000;
    const rng = mulberry32(9);
    const x = tensor(randomArray(n, rng, 0, 1).map((v) => 1000 + v), [n / 2, 2], 'float32');
    const { mean: m, variance: v } = batchNormTraining(x, {});
    const ref = referenceBatchNormTraining(x.dataSync(), x.shape, -1, null, null, 1e-3);
    // A float32 running sum of 100,000 values near 1000 would be off in the 4th digit.
    assertAllClose(m.dataSync(), ref.mean, { rtol: 1e-7, atol: 0 }, 'mean');
    assertAllClose(v.dataSync(), ref.variance, { rtol: 1e-6, atol: 0 }, 'variance');
  });

  test('a constant channel normalizes to beta; the gradient stays finite', () => {
    const x = tensor([2, 5, 2, 6, 2, 7], [3, 2], 'float64');
    const beta = tensor([0.25, 0], [2], 'float64');
    const { y, variance } = batchNormTraining(x, { beta });
    assert.deepEqual([...variance.dataSync()].map((v) => Math.round(v * 1e6) / 1e6), [0, 0.666667]);
    assertAllClose([0, 2, 4].map((i) => y.dataSync()[i]), [0.25, 0.25, 0.25], { rtol: 0, atol: 1e-15 });
    const { grads } = valueAndGrads(() => sum(mul(batchNormTraining(x, { beta }).y, x)), [x]);
    assert.ok([...grads[0].dataSync()].every(Number.isFinite));
  });

  test('params view any axis as [outer, channels, inner]', () => {
    assert.deepEqual(resolveBatchNormParams([2, 3, 4, 5], 1), { outer: 2, channels: 3, inner: 20, count: 40 });
    assert.deepEqual(resolveBatchNormParams([2, 3, 4, 5], -1), { outer: 24, channels: 5, inner: 1, count: 24 });
    assert.deepEqual(resolveBatchNormParams([2, 3, 4, 5], 2), { outer: 6, channels: 4, inner: 5, count: 30 });
    assert.deepEqual(resolveBatchNormParams([7], 0), { outer: 1, channels: 7, inner: 1, count: 1 });
  });

  test('a middle axis of a rank-4 tensor matches the reference', () => {
    const rng = mulberry32(11);
    const x = tensor(randomArray(120, rng), [2, 3, 4, 5], 'float64');
    const gamma = tensor(randomArray(4, rng), [4], 'float64');
    const { y } = batchNormTraining(x, { axis: 2, gamma });
    assertAllClose(y.dataSync(), referenceBatchNormTraining(x.dataSync(), x.shape, 2, gamma.dataSync(), null, 1e-3).y, TOL.float64);
  });

  test('mixed dtypes promote to the wider float', () => {
    const x = tensor([1, 2, 3, 4], [2, 2], 'float32');
    const gamma = tensor([1, 2], [2], 'float64');
    assert.equal(batchNormTraining(x, { gamma }).y.dtype, 'float64');
    assert.equal(batchNormInference(x, tensor([0, 0], [2]), tensor([1, 1], [2]), {}).dtype, 'float32');
  });

  test('argument errors', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.throws(() => batchNormTraining(x, { axis: 2 }), (e: unknown) => e instanceof InvalidArgumentError && /`axis`/.test(e.message));
    assert.throws(() => batchNormTraining(x, { axis: 0.5 }), InvalidArgumentError);
    assert.throws(() => batchNormTraining(x, { gamma: tensor([1, 2]) }), (e: unknown) => e instanceof InvalidArgumentError && /`gamma`/.test(e.message));
    assert.throws(() => batchNormTraining(x, { beta: tensor([1, 2, 3, 4], [1, 4]) }), (e: unknown) => e instanceof InvalidArgumentError && /`beta`/.test(e.message));
    assert.throws(() => batchNormTraining(x, { epsilon: -1 }), (e: unknown) => e instanceof InvalidArgumentError && /`epsilon`/.test(e.message));
    assert.throws(() => batchNormTraining(tensor([1, 2], [2], 'int32')), (e: unknown) => e instanceof InvalidArgumentError && /float32 or float64/.test(e.message));
    assert.throws(() => batchNormInference(x, tensor([0, 0]), tensor([1, 1, 1])), (e: unknown) => e instanceof InvalidArgumentError && /`movingMean`/.test(e.message));
    assert.throws(() => resolveBatchNormParams([2, -1], 0), ShapeError);
  });

  test('the axis is validated by both ops; the params only assert it', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const axisError = (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axis' && e.message === 'batchNorm: invalid `axis`: received -3; expected an integer in [-2, 1] for input shape [2,3].';
    assert.throws(() => batchNormTraining(x, { axis: -3 }), axisError);
    assert.throws(() => batchNormInference(x, tensor([0, 0, 0]), tensor([1, 1, 1]), { axis: -3 }), axisError);
    assert.throws(() => resolveBatchNormParams([2, 3], -3), InternalError);
  });
});
