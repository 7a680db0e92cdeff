// Pooling of every rank and bilinear-resize kernels against their naive float64 references, over a grid of
// rank × pool size × strides × padding × data format × dtype.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InternalError, ShapeError } from '../../src/errors.js';
import type { DataFormat, Padding, PoolParams } from '../../src/kernels/pool/index.js';
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolOutputShape, poolSizes, resolvePoolParams } from '../../src/kernels/pool/index.js';
import { referencePool, referencePoolBackward } from '../../src/kernels/pool/reference.js';
import { bilinearResizeBackward, bilinearResizeForward, resolveResizeParams, resizeSizes } from '../../src/kernels/resize/index.js';
import { referenceBilinearResize, referenceBilinearResizeBackward } from '../../src/kernels/resize/reference.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { caseName, product } from '../helpers/product.js';

type Dtype = 'float32' | 'float64';
type Pair = readonly [number, number];
/** `[batch, height, width, channels]`, whatever the data format. */
type Geometry = readonly [number, number, number, number];

const ARRAY = { float32: Float32Array, float64: Float64Array } as const;
const TOLERANCE = { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-14 } } as const;

function shapeOf(g: readonly number[], dataFormat: DataFormat): number[] {
  const [n, ...rest] = g;
  const c = rest[rest.length - 1];
  return dataFormat === 'channels_last' ? [...g] : [n, c, ...rest.slice(0, -1)];
}

// Per rank: width 1, unit axes, odd and even sizes, 1 and many channels; 'same' with pools larger than
// small inputs puts windows larger than the input.
const GEOMETRIES: Record<1 | 2 | 3, readonly (readonly number[])[]> = {
  1: [[1, 5, 3], [2, 7, 4], [1, 1, 1], [2, 2, 5]],
  2: [[1, 5, 1, 3], [2, 6, 7, 4], [1, 7, 8, 1], [2, 4, 5, 5], [1, 2, 2, 3], [2, 1, 4, 2], [1, 9, 6, 2]],
  3: [[1, 3, 4, 5, 2], [2, 2, 3, 1, 3], [1, 4, 2, 2, 1], [1, 1, 5, 3, 2]],
};
const POOLS: Record<1 | 2 | 3, readonly (readonly number[])[]> = {
  1: [[1], [2], [3], [5]],
  2: [[1, 1], [2, 2], [3, 3], [2, 3], [5, 4]],
  3: [[1, 1, 1], [2, 2, 2], [3, 2, 1], [2, 3, 3]],
};
const STRIDES: Record<1 | 2 | 3, readonly (readonly number[] | null)[]> = {
  1: [null, [1], [2], [3]],
  2: [null, [1, 1], [2, 2], [1, 3]],
  3: [null, [1, 1, 1], [2, 2, 2], [1, 2, 3]],
};

const grid = ([1, 2, 3] as const).flatMap((rank) =>
  product({
    pool: POOLS[rank],
    strides: STRIDES[rank],
    padding: ['valid', 'same'] as Padding[],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    dtype: ['float32', 'float64'] as Dtype[],
  }).map((c, i) => {
    const g = GEOMETRIES[rank][i % GEOMETRIES[rank].length];
    // 'valid' needs the window to fit; 'same' keeps the small geometries, windows larger than the input.
    const geometry = c.padding === 'valid' ? g.map((n, a) => (a === 0 || a === rank + 1 ? n : Math.max(n, c.pool[a - 1]))) : [...g];
    return { rank, ...c, geometry };
  }),
);

function paramsOf(c: (typeof grid)[number]): PoolParams {
  return resolvePoolParams(shapeOf(c.geometry, c.dataFormat), { poolSize: c.pool, strides: c.strides ?? c.pool, padding: c.padding, dataFormat: c.dataFormat });
}

describe('pooling kernels of every rank match the naive reference', () => {
  test('the grid covers every rank, windows larger than the input and width 1', () => {
    for (const rank of [1, 2, 3]) assert.ok(grid.some((c) => c.rank === rank && c.padding === 'same' && c.pool.some((k, a) => k > c.geometry[a + 1])), `rank ${rank}`);
    assert.ok(grid.some((c) => c.geometry[c.rank] === 1));
    assert.ok(grid.length >= 400);
  });
  for (const c of grid) {
    test(caseName({ ...c, geometry: c.geometry }), () => {
      const p = paramsOf(c);
      const sizes = poolSizes(p);
      const rng = mulberry32(sizes.input * 31 + sizes.output);
      const x = ARRAY[c.dtype].from(randomArray(sizes.input, rng));
      const dy = ARRAY[c.dtype].from(randomArray(sizes.output, rng));
      const tol = TOLERANCE[c.dtype];
      for (const mode of ['max', 'avg'] as const) {
        const out = new ARRAY[c.dtype](sizes.output).fill(NaN);
        (mode === 'max' ? maxPoolForward : avgPoolForward)(p, x, out);
        assertAllClose(out, referencePool(p, mode, x), tol, `${mode} forward`);
        const dx = new ARRAY[c.dtype](sizes.input).fill(NaN);
        if (mode === 'max') maxPoolBackward(p, x, dy, dx);
        else avgPoolBackward(p, dy, dx);
        assertAllClose(dx, referencePoolBackward(p, mode, x, dy), tol, `${mode} backward`);
      }
    });
  }
});

describe('pooling kernel semantics', () => {
  const p = resolvePoolParams([1, 4, 4, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'valid', dataFormat: 'channels_last' });
  const ties = Float64Array.from([1, 3, 3, 0, 3, 2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0]);

  test('max backward routes a tie to the first maximum in row-major window order (as JAX/XLA)', () => {
    const dx = new Float64Array(16);
    maxPoolBackward(p, ties, new Float64Array(9).fill(1), dx);
    assert.deepEqual([...dx], [0, 2, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  test("'same' max pooling never lets the padding win, even for negative inputs", () => {
    const q = resolvePoolParams([1, 3, 3, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const out = new Float64Array(9);
    maxPoolForward(q, Float64Array.from([-1, -2, -3, -4, -5, -6, -7, -8, -9]), out);
    assert.deepEqual([...out], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
  });

  test("'same' average pooling divides by the in-bounds count (Keras: 3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9)", () => {
    const q = resolvePoolParams([1, 3, 3, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const out = new Float64Array(9);
    avgPoolForward(q, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), out);
    assert.deepEqual([...out], [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
  });

  test('a 3D window pools over depth too', () => {
    const q = resolvePoolParams([1, 2, 2, 2, 1], { poolSize: [2, 2, 2], strides: [2, 2, 2], padding: 'valid', dataFormat: 'channels_last' });
    const x = Float64Array.from([1, 2, 3, 4, 5, 6, 8, 7]);
    const out = new Float64Array(1);
    maxPoolForward(q, x, out);
    assert.deepEqual([...out], [8]);
    avgPoolForward(q, x, out);
    assert.deepEqual([...out], [4.5]);
  });

  test('NaN propagates through max pooling', () => {
    const out = new Float64Array(9);
    const x = Float64Array.from(ties);
    x[5] = NaN;
    maxPoolForward(p, x, out);
    // Pixel (1, 1) lies in windows (0, 0), (0, 1), (1, 0) and (1, 1).
    assert.deepEqual([...out].map(Number.isNaN), [true, true, false, true, true, false, false, false, false]);
  });

  test('resolve: output shape and paddings; shapes are checked, options only asserted', () => {
    const q = resolvePoolParams([2, 3, 7, 5], { poolSize: [2, 3], strides: [1, 2], padding: 'same', dataFormat: 'channels_first' });
    assert.deepEqual(poolOutputShape(q), [2, 3, 7, 3]);
    assert.deepEqual([q.padBefore, q.padAfter], [[0, 1], [1, 1]]);
    const base = { poolSize: [2, 2] as Pair, strides: [2, 2] as Pair, padding: 'valid' as Padding, dataFormat: 'channels_last' as DataFormat };
    assert.throws(() => resolvePoolParams([1, 1, 4, 1], base), (e: unknown) => e instanceof ShapeError && /height 1 is smaller than the pool height 2/.test(e.message));
    assert.throws(() => resolvePoolParams([1, 4, 4], base), (e: unknown) => e instanceof ShapeError && /`inputShape`/.test(e.message));
    assert.throws(() => resolvePoolParams([1, 4, 4, 1], { ...base, poolSize: [0, 2] }), InternalError);
    assert.throws(() => resolvePoolParams([1, 4, 4, 1], { ...base, strides: [1.5, 2] as unknown as Pair }), InternalError);
    assert.throws(() => resolvePoolParams([1, 4, 4, 1], { ...base, padding: 'full' as Padding }), InternalError);
    assert.throws(() => resolvePoolParams([1, 4, 4, 1], { ...base, dataFormat: 'nhwc' as DataFormat }), InternalError);
    assert.throws(() => maxPoolForward(q, new Float64Array(3), new Float64Array(poolSizes(q).output)), ShapeError);
  });
});

describe('bilinear resize kernels match the jax.image.resize-style reference', () => {
  const cases = product({
    geometry: [[1, 3, 4, 2], [2, 1, 1, 3], [1, 2, 5, 1], [1, 4, 1, 2]] as Geometry[],
    factor: [[2, 2], [3, 1], [1, 4], [3, 2]] as Pair[],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    dtype: ['float32', 'float64'] as Dtype[],
  });
  for (const c of cases) {
    test(caseName(c), () => {
      const [, h, w] = c.geometry;
      const p = resolveResizeParams(shapeOf(c.geometry, c.dataFormat), [h * c.factor[0], w * c.factor[1]], c.dataFormat);
      const sizes = resizeSizes(p);
      const rng = mulberry32(7 + sizes.output);
      const x = ARRAY[c.dtype].from(randomArray(sizes.input, rng));
      const dy = ARRAY[c.dtype].from(randomArray(sizes.output, rng));
      const out = new ARRAY[c.dtype](sizes.output);
      bilinearResizeForward(p, x, out);
      assertAllClose(out, referenceBilinearResize(p, x), TOLERANCE[c.dtype], 'forward');
      const dx = new ARRAY[c.dtype](sizes.input).fill(NaN);
      bilinearResizeBackward(p, dy, dx);
      assertAllClose(dx, referenceBilinearResizeBackward(p, dy), TOLERANCE[c.dtype], 'backward');
    });
  }
  test('shapes are checked; the options the op validated are only asserted', () => {
    assert.throws(() => resolveResizeParams([1, 2, 2], [4, 4], 'channels_last'), ShapeError);
    assert.throws(() => resolveResizeParams([1, 2, 2, 1], [0, 4], 'channels_last'), InternalError);
    assert.throws(() => resolveResizeParams([1, 2, 2, 1], [4, 4], 'nhwc' as DataFormat), InternalError);
  });
});
