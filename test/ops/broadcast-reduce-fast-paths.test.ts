// The per-channel fast paths of the binary and reduce kernels (src/kernels/elementwise/binary.ts, src/kernels/reduce/js.ts):
// which shapes take them, and exact equality with the general odometer loops, re-implemented here as the
// oracle (same combine order and per-step rounding into an array of the result dtype).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DataArray, DType } from '../../src/engine/dtype.js';
import { allocArray } from '../../src/engine/dtype.js';
import { broadcastShapes, sizeOf, stridesOf } from '../../src/engine/shape.js';
import { tensor } from '../../src/engine/tensor.js';
import { broadcastBand } from '../../src/kernels/elementwise/index.js';
import * as ops from '../../src/ops/index.js';
import { reductionBand } from '../../src/kernels/reduce/index.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { caseName, product } from '../helpers/product.js';

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** The general broadcasting loop: unravel each output index and read both operands by broadcast strides. */
function generalBinary(x: DataArray, xs: readonly number[], y: DataArray, ys: readonly number[], dtype: DType, f: (a: number, b: number) => number): DataArray {
  const shape = broadcastShapes(xs, ys);
  const out = allocArray(dtype, sizeOf(shape));
  const strides = (s: readonly number[]) => {
    const padded = [...new Array<number>(shape.length - s.length).fill(1), ...s];
    return stridesOf(padded).map((st, d) => (padded[d] === 1 ? 0 : st));
  };
  const sx = strides(xs);
  const sy = strides(ys);
  for (let i = 0; i < out.length; i++) {
    let rest = i;
    let xi = 0;
    let yi = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      const k = rest % shape[d];
      rest = Math.floor(rest / shape[d]);
      xi += k * sx[d];
      yi += k * sy[d];
    }
    out[i] = f(x[xi], y[yi]);
  }
  return out;
}

/** The general reduction: visit inputs in order, combining into the output slot with the reduced strides zeroed. */
function generalReduce(x: DataArray, shape: readonly number[], axes: readonly number[], dtype: DType, initial: number, combine: (a: number, v: number) => number): DataArray {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const outStrides = stridesOf(kept).map((s, i) => (axes.includes(i) ? 0 : s));
  const out = allocArray(dtype, sizeOf(kept)).fill(initial);
  for (let i = 0; i < x.length; i++) {
    let rest = i;
    let o = 0;
    for (let d = shape.length - 1; d >= 0; d--) {
      o += (rest % shape[d]) * outStrides[d];
      rest = Math.floor(rest / shape[d]);
    }
    out[o] = combine(out[o], x[i]);
  }
  return out;
}

const BINARY = {
  add: { op: ops.add, f: (a: number, b: number) => a + b },
  sub: { op: ops.sub, f: (a: number, b: number) => a - b },
  mul: { op: ops.mul, f: (a: number, b: number) => a * b },
  div: { op: ops.div, f: (a: number, b: number) => a / b },
} as const;

// [big, small, which band]: trailing blocks (inner = 1), per-block constants (inner > 1), and middle bands.
const BAND_PAIRS: ReadonlyArray<readonly [readonly number[], readonly number[], { outer: number; mid: number; inner: number }]> = [
  [[4, 5, 6, 7], [7], { outer: 120, mid: 7, inner: 1 }],
  [[4, 5, 6, 7], [1, 1, 7], { outer: 120, mid: 7, inner: 1 }],
  [[4, 5, 6, 7], [6, 7], { outer: 20, mid: 42, inner: 1 }],
  [[4, 5, 6, 7], [1, 5, 1, 1], { outer: 4, mid: 5, inner: 42 }],
  [[4, 5, 6, 7], [5, 1, 1], { outer: 4, mid: 5, inner: 42 }],
  [[4, 5, 6, 7], [4, 5, 1, 1], { outer: 1, mid: 20, inner: 42 }],
  [[4, 5, 6, 7], [4, 1, 1, 1], { outer: 1, mid: 4, inner: 210 }],
  [[4, 5, 6, 7], [5, 6, 1], { outer: 4, mid: 30, inner: 7 }],
  [[4, 1, 6], [1, 1, 6], { outer: 4, mid: 6, inner: 1 }],
];

describe('mapBinary band fast path', () => {
  test('broadcastBand classifies shapes', () => {
    for (const [big, small, band] of BAND_PAIRS) assert.deepEqual(broadcastBand(small, big), band, `${small} over ${big}`);
    assert.equal(broadcastBand([4, 1, 1, 7], [4, 5, 6, 7]), null, 'two separate runs take the general loop');
    assert.equal(broadcastBand([1, 1], [3, 4]), null, 'all ones is the scalar path');
  });

  for (const c of product({ pair: BAND_PAIRS.map(([a, b]) => [a, b] as const), swapped: [false, true], op: ['add', 'sub', 'mul', 'div'] as const, dtype: ['float32', 'float64', 'int32'] as const })) {
    const [big, small] = c.pair;
    test(caseName({ big, small, swapped: c.swapped, op: c.op, dtype: c.dtype }), () => {
      const rng = mulberry32(size(big) + size(small));
      const rand = (n: number) => (c.dtype === 'int32' ? randomArray(n, rng, -50, 50).map(Math.round).map((v) => v || 1) : randomArray(n, rng, 0.5, 2));
      const a = tensor(rand(size(big)), [...big], c.dtype);
      const b = tensor(rand(size(small)), [...small], c.dtype);
      const [l, r] = c.swapped ? [b, a] : [a, b];
      const f = c.op === 'div' && c.dtype === 'int32' ? (p: number, q: number) => Math.trunc(p / q) : BINARY[c.op].f;
      const out = BINARY[c.op].op(l, r);
      const expected = generalBinary(l.dataSync(), l.shape, r.dataSync(), r.shape, c.dtype, f);
      assert.deepEqual(out.shape, broadcastShapes(l.shape, r.shape));
      assert.deepEqual(out.dataSync(), expected);
    });
  }
});

describe('reduceRaw band fast path', () => {
  const SHAPE = [3, 4, 5, 6];
  test('reductionBand classifies axis sets', () => {
    const band = (shape: readonly number[], axes: number[]) => reductionBand(shape, new Set(axes));
    assert.deepEqual(band(SHAPE, [0, 1, 2]), { outer: 60, mid: 6, inner: 1 }, 'all but the last (per-channel NHWC)');
    assert.deepEqual(band(SHAPE, [2, 3]), { outer: 1, mid: 12, inner: 30 }, 'trailing block (row sums)');
    assert.deepEqual(band(SHAPE, [0, 2, 3]), { outer: 3, mid: 4, inner: 30 }, 'N and H·W around C (NCHW)');
    assert.deepEqual(band([3, 1, 5], [0, 2]), { outer: 15, mid: 1, inner: 1 }, 'only a size-1 axis kept: one leading block');
    assert.deepEqual(band([3, 1, 5], [1]), { outer: 1, mid: 15, inner: 1 }, 'a size-1 axis moves nothing');
    assert.equal(band(SHAPE, [1, 3]), null, 'interleaved axes take the general loop');
    assert.equal(band(SHAPE, [1]), null);
  });

  const AXES = [[0], [0, 1], [0, 1, 2], [0, 1, 2, 3], [3], [2, 3], [1, 2, 3], [0, 3], [0, 2, 3], [0, 1, 3], [1], [1, 3], [0, 2]];
  const REDUCERS = {
    sum: { initial: 0, combine: (a: number, v: number) => a + v },
    max: { initial: -Infinity, combine: (a: number, v: number) => (v > a || Number.isNaN(v) ? v : a) },
    min: { initial: Infinity, combine: (a: number, v: number) => (v < a || Number.isNaN(v) ? v : a) },
  } as const;
  for (const c of product({ axes: AXES, op: ['sum', 'max', 'min'] as const, dtype: ['float32', 'float64', 'int32'] as const })) {
    test(caseName(c), () => {
      const rng = mulberry32(c.axes.length * 13 + 1);
      // Large magnitudes make float32 sums round at every step, so a different order or a float64
      // accumulator would show up as a mismatch.
      const values = randomArray(size(SHAPE), rng, -1e4, 1e4).map((v) => (c.dtype === 'int32' ? Math.round(v) : v / 3));
      const x = tensor(values, SHAPE, c.dtype);
      const out = ops[c.op](x, { axis: c.axes, keepDims: true });
      const { initial, combine } = REDUCERS[c.op];
      assert.deepEqual(out.dataSync(), generalReduce(x.dataSync(), SHAPE, c.axes, c.dtype, initial, combine));
    });
  }

  test('a size-1 axis in the middle and the mean (sum then divide) agree exactly', () => {
    const x = tensor(randomArray(3 * 1 * 5 * 2, mulberry32(4), -1e3, 1e3), [3, 1, 5, 2], 'float32');
    const expected = generalReduce(x.dataSync(), x.shape, [0, 1, 2], 'float32', 0, (a, v) => a + v);
    assert.deepEqual(ops.sum(x, { axis: [0, 1, 2] }).dataSync(), expected);
    assert.deepEqual(ops.mean(x, { axis: [0, 1, 2] }).dataSync(), Float32Array.from(expected, (v) => v / 15));
  });
});
