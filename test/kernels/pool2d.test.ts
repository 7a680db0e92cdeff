// Pooling and bilinear-resize kernels against their naive float64 references, over a grid of geometry.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import type { DataFormat, Padding, Pool2dParams } from '../../src/kernels/pool2d/index.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
  pool2dOutputShape,
  pool2dSizes,
  resolvePool2dParams,
} from '../../src/kernels/pool2d/index.js';
import { referencePool2d, referencePool2dBackward } from '../../src/kernels/pool2d/reference.js';
import { bilinearResizeBackward, bilinearResizeForward, resolveResizeParams, resizeSizes } from '../../src/kernels/resize/index.js';
import { referenceBilinearResize, referenceBilinearResizeBackward } from '../../src/kernels/resize/reference.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { caseName, product } from '../helpers/product.js';

type Dtype = 'float32' | 'float64';
type Pair = readonly [number, number];
/** `[batch, height, width, channels]`, whatever the data format. */
type Geometry = readonly [number, number, number, number];

// Width 1, height 1, odd and even sizes, 1 and many channels; 'same' with 4x4/5x5 pools on 2x2 and 1-row
// inputs puts windows larger than the input.
const GEOMETRIES: readonly Geometry[] = [
  [1, 5, 1, 3],
  [2, 6, 7, 4],
  [1, 7, 8, 1],
  [2, 4, 5, 5],
  [1, 2, 2, 3],
  [2, 1, 4, 2],
  [1, 9, 6, 2],
];

const ARRAY = { float32: Float32Array, float64: Float64Array } as const;
const TOLERANCE = { float32: { rtol: 1e-5, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-14 } } as const;

function shapeOf(g: Geometry, dataFormat: DataFormat): number[] {
  const [n, h, w, c] = g;
  return dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w];
}

const grid = product({
  pool: [[1, 1], [2, 2], [3, 3], [2, 3], [5, 4]] as Pair[],
  strides: [null, [1, 1], [2, 2], [1, 3]] as (Pair | null)[],
  padding: ['valid', 'same'] as Padding[],
  dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
  dtype: ['float32', 'float64'] as Dtype[],
}).map((c, i) => {
  const [n, h, w, ch] = GEOMETRIES[i % GEOMETRIES.length];
  // 'valid' needs the window to fit; 'same' keeps the small geometries, windows larger than the input.
  const geometry: Geometry = c.padding === 'valid' ? [n, Math.max(h, c.pool[0]), Math.max(w, c.pool[1]), ch] : [n, h, w, ch];
  return { ...c, geometry };
});

function paramsOf(c: (typeof grid)[number]): Pool2dParams {
  return resolvePool2dParams(shapeOf(c.geometry, c.dataFormat), {
    poolSize: c.pool,
    strides: c.strides ?? c.pool,
    padding: c.padding,
    dataFormat: c.dataFormat,
  });
}

describe('pool2d kernels match the naive reference', () => {
  test('the grid covers windows larger than the input and width 1', () => {
    assert.ok(grid.some((c) => c.padding === 'same' && (c.pool[0] > c.geometry[1] || c.pool[1] > c.geometry[2])));
    assert.ok(grid.some((c) => c.geometry[2] === 1));
    assert.ok(grid.length >= 150);
  });
  for (const c of grid) {
    test(caseName({ ...c, geometry: c.geometry }), () => {
      const p = paramsOf(c);
      const sizes = pool2dSizes(p);
      const rng = mulberry32(sizes.input * 31 + sizes.output);
      const x = ARRAY[c.dtype].from(randomArray(sizes.input, rng));
      const dy = ARRAY[c.dtype].from(randomArray(sizes.output, rng));
      const tol = TOLERANCE[c.dtype];
      for (const mode of ['max', 'avg'] as const) {
        const out = new ARRAY[c.dtype](sizes.output).fill(NaN);
        (mode === 'max' ? maxPool2dForward : avgPool2dForward)(p, x, out);
        assertAllClose(out, referencePool2d(p, mode, x), tol, `${mode} forward`);
        const dx = new ARRAY[c.dtype](sizes.input).fill(NaN);
        if (mode === 'max') maxPool2dBackward(p, x, dy, dx);
        else avgPool2dBackward(p, dy, dx);
        assertAllClose(dx, referencePool2dBackward(p, mode, x, dy), tol, `${mode} backward`);
      }
    });
  }
});

describe('pool2d kernel semantics', () => {
  const p = resolvePool2dParams([1, 4, 4, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'valid', dataFormat: 'channels_last' });
  const ties = Float64Array.from([1, 3, 3, 0, 3, 2, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0]);

  test('max backward routes a tie to the first maximum in row-major window order (as JAX/XLA)', () => {
    const dx = new Float64Array(16);
    maxPool2dBackward(p, ties, new Float64Array(9).fill(1), dx);
    assert.deepEqual([...dx], [0, 2, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  test("'same' max pooling never lets the padding win, even for negative inputs", () => {
    const q = resolvePool2dParams([1, 3, 3, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const out = new Float64Array(9);
    maxPool2dForward(q, Float64Array.from([-1, -2, -3, -4, -5, -6, -7, -8, -9]), out);
    assert.deepEqual([...out], [-1, -2, -3, -4, -5, -6, -7, -8, -9]);
  });

  test("'same' average pooling divides by the in-bounds count (Keras: 3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9)", () => {
    const q = resolvePool2dParams([1, 3, 3, 1], { poolSize: [2, 2], strides: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const out = new Float64Array(9);
    avgPool2dForward(q, Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), out);
    assert.deepEqual([...out], [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
  });

  test('NaN propagates through max pooling', () => {
    const out = new Float64Array(9);
    const x = Float64Array.from(ties);
    x[5] = NaN;
    maxPool2dForward(p, x, out);
    // Pixel (1, 1) lies in windows (0, 0), (0, 1), (1, 0) and (1, 1).
    assert.deepEqual([...out].map(Number.isNaN), [true, true, false, true, true, false, false, false, false]);
  });

  test('resolve: output shape, strides default is explicit, errors name the argument', () => {
    const q = resolvePool2dParams([2, 3, 7, 5], { poolSize: [2, 3], strides: [1, 2], padding: 'same', dataFormat: 'channels_first' });
    assert.deepEqual(pool2dOutputShape(q), [2, 3, 7, 3]);
    assert.deepEqual([q.padTop, q.padBottom, q.padLeft, q.padRight], [0, 1, 1, 1]);
    const base = { poolSize: [2, 2] as Pair, strides: [2, 2] as Pair, padding: 'valid' as Padding, dataFormat: 'channels_last' as DataFormat };
    assert.throws(() => resolvePool2dParams([1, 1, 4, 1], base), (e: unknown) => e instanceof ShapeError && /height 1 is smaller than the pool height 2/.test(e.message));
    assert.throws(() => resolvePool2dParams([1, 4, 4], base), ShapeError);
    assert.throws(() => resolvePool2dParams([1, 4, 4, 1], { ...base, poolSize: [0, 2] }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'poolSize');
    assert.throws(() => resolvePool2dParams([1, 4, 4, 1], { ...base, strides: [1.5, 2] as unknown as Pair }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'strides');
    assert.throws(() => resolvePool2dParams([1, 4, 4, 1], { ...base, padding: 'full' as Padding }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'padding');
    assert.throws(() => resolvePool2dParams([1, 4, 4, 1], { ...base, dataFormat: 'nhwc' as DataFormat }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'dataFormat');
    assert.throws(() => maxPool2dForward(q, new Float64Array(3), new Float64Array(pool2dSizes(q).output)), ShapeError);
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
  test('errors name the argument', () => {
    assert.throws(() => resolveResizeParams([1, 2, 2, 1], [0, 4], 'channels_last'), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'outSize');
    assert.throws(() => resolveResizeParams([1, 2, 2], [4, 4], 'channels_last'), ShapeError);
  });
});
