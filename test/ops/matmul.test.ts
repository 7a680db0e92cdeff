// The matmul op and its kernel: every transpose combination and batch broadcast against the naive float64
// reference (which shares no code with the kernel), gradients against finite differences, dtypes, errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { tensor } from '../../src/engine/tensor.js';
import { InternalError, InvalidArgumentError, ShapeError } from '../../src/errors.js';
import { matmulForward } from '../../src/kernels/matmul/js.js';
import { resolveMatmulParams } from '../../src/kernels/matmul/params.js';
import { referenceMatmul } from '../../src/kernels/matmul/reference.js';
import { matmul } from '../../src/ops/matmul.js';
import { mul, sum } from '../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** Stored operand shapes for logical op(A) [m, k] and op(B) [k, n] with the given batch dims. */
function shapes(aLead: number[], bLead: number[], m: number, k: number, n: number, tA: boolean, tB: boolean) {
  return { aShape: [...aLead, ...(tA ? [k, m] : [m, k])], bShape: [...bLead, ...(tB ? [n, k] : [k, n])] };
}

const BATCHES: [number[], number[]][] = [
  [[], []],
  [[3], []],
  [[], [2]],
  [[2], [2]],
  [[2, 1], [3]],
  [[1, 3], [2, 1]],
];

describe('matmul forward vs the naive reference', () => {
  const cases = product({ batch: BATCHES, mkn: [[1, 1, 1], [3, 4, 5], [5, 1, 2], [4, 7, 3]], tA: [false, true], tB: [false, true] });
  for (const c of cases) {
    test(caseName(c), () => {
      const [m, k, n] = c.mkn;
      const { aShape, bShape } = shapes(c.batch[0], c.batch[1], m, k, n, c.tA, c.tB);
      const rng = mulberry32(size(aShape) * 31 + size(bShape));
      const a = randomArray(size(aShape), rng);
      const b = randomArray(size(bShape), rng);
      const expected = referenceMatmul(a, aShape, b, bShape, c.tA, c.tB);
      for (const dtype of ['float64', 'float32'] as const) {
        const y = matmul(tensor(a, aShape, dtype), tensor(b, bShape, dtype), { transposeA: c.tA, transposeB: c.tB });
        assert.deepEqual(y.shape, expected.shape);
        assert.equal(y.dtype, dtype);
        const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-5 };
        assertAllClose(y.dataSync(), expected.values, tol, dtype);
      }
    });
  }

  test('the kernel overwrites its output (no accumulation into stale values)', () => {
    const p = resolveMatmulParams([2, 2], [2, 2], { transposeA: false, transposeB: false });
    const out = new Float64Array(4).fill(99);
    matmulForward(p, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 0, 0, 1]), out);
    assert.deepEqual([...out], [1, 2, 3, 4]);
  });

  test('a known product, and a float32 × float64 product computed in float64', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[7, 8], [9, 10], [11, 12]], undefined, 'float64');
    const y = matmul(a, b);
    assert.equal(y.dtype, 'float64');
    assert.deepEqual(y.arraySync(), [[58, 64], [139, 154]]);
  });

  test('NaN and Infinity propagate (zeros in A are not skipped)', () => {
    const y = matmul(tensor([[0, 1]], [1, 2], 'float64'), tensor([[Infinity], [1]], [2, 1], 'float64'));
    assert.ok(Number.isNaN(y.dataSync()[0]));
  });

  test('empty inner dimension gives zeros', () => {
    const y = matmul(tensor(new Float64Array(0), [2, 0]), tensor(new Float64Array(0), [0, 3]));
    assert.deepEqual([...y.dataSync()], [0, 0, 0, 0, 0, 0]);
  });
});

describe('matmul gradients', () => {
  const cases = product({ batch: [[[], []], [[2], []], [[2, 1], [3]], [[], [2]]] as [number[], number[]][], tA: [false, true], tB: [false, true] });
  for (const c of cases) {
    test(caseName(c), () => {
      const { aShape, bShape } = shapes(c.batch[0], c.batch[1], 3, 4, 2, c.tA, c.tB);
      const rng = mulberry32(7);
      const a = tensor(randomArray(size(aShape), rng), aShape, 'float64');
      const b = tensor(randomArray(size(bShape), rng), bShape, 'float64');
      const probe = matmul(a, b, { transposeA: c.tA, transposeB: c.tB });
      const ct = tensor(randomArray(probe.size, rng), probe.shape, 'float64');
      checkGradients(() => sum(mul(matmul(a, b, { transposeA: c.tA, transposeB: c.tB }), ct)), [a, b], { rtol: 1e-7, atol: 1e-9 });
    });
  }
});

describe('matmul errors name the argument and the value', () => {
  const x = tensor([[1, 2], [3, 4]]);
  test('rank < 2', () => {
    assert.throws(() => matmul(tensor([1, 2]), x), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'a' && /rank 2/.test(e.message));
    assert.throws(() => matmul(x, tensor([1, 2])), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'b');
    // The op validates the ranks; the params only assert them.
    assert.throws(() => resolveMatmulParams([2], [2, 2], { transposeA: false, transposeB: false }), InternalError);
  });
  test('inner dimensions', () => {
    assert.throws(() => matmul(x, tensor([[1, 2, 3]])), (e: unknown) => e instanceof ShapeError && /inner dimensions/.test(e.message));
    assert.doesNotThrow(() => matmul(x, tensor([[1, 2]]), { transposeB: true }));
  });
  test('batch dimensions that do not broadcast', () => {
    assert.throws(() => matmul(tensor(new Float32Array(12), [3, 2, 2]), tensor(new Float32Array(8), [2, 2, 2])), ShapeError);
  });
  test('int32 operands and non-boolean flags', () => {
    assert.throws(() => matmul(tensor([[1]], [1, 1], 'int32'), tensor([[1]], [1, 1], 'int32')), InvalidArgumentError);
    assert.throws(() => matmul(x, x, { transposeA: 1 as unknown as boolean }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'transposeA' && /1/.test(e.message));
    assert.throws(() => matmul(x, [1] as unknown as typeof x), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'b');
  });
});
