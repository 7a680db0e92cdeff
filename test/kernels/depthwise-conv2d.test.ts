import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import type { FloatArray } from '../../src/engine/dtype.js';
import type {
  DataFormat,
  DepthwiseConv2dOptions,
  DepthwiseConv2dParams,
  Padding,
} from '../../src/kernels/depthwise-conv2d/index.js';
import {
  convOutputLength,
  depthwiseConv2dBackwardBias,
  depthwiseConv2dBackwardInput,
  depthwiseConv2dBackwardKernel,
  depthwiseConv2dForward,
  depthwiseConv2dOutputShape,
  depthwiseConv2dSizes,
  resolveDepthwiseConv2dParams,
  samePadding,
} from '../../src/kernels/depthwise-conv2d/index.js';
import {
  referenceDepthwiseConv2d,
  referenceDepthwiseConv2dBackwardBias,
  referenceDepthwiseConv2dBackwardInput,
  referenceDepthwiseConv2dBackwardKernel,
} from '../../src/kernels/depthwise-conv2d/reference.js';
import { assertAllClose, mulberry32 } from '../helpers/close.js';
import { caseName, product } from '../helpers/product.js';
import type { Dtype } from '../helpers/kernel-arrays.js';
import { alloc, dot, random, sumAbsProducts, tolerance } from '../helpers/kernel-arrays.js';

type Pair = readonly [number, number];

/** `[batch, height, width, channels]`, whatever the data format. */
type Geometry = readonly [number, number, number, number];

interface ConvCase {
  kernel: Pair;
  strides: Pair;
  dilation: Pair;
  padding: Padding;
  dataFormat: DataFormat;
  depthMultiplier: number;
  dtype: Dtype;
  input: Geometry;
}

// Channel counts 1,3,4,5,8,9; width 1; odd and even sizes; 2x2 and 1-row inputs so that 5x5 'same'
// kernels are larger than the input.
const GEOMETRIES: readonly Geometry[] = [
  [1, 5, 1, 3],
  [2, 6, 7, 4],
  [1, 7, 8, 1],
  [2, 4, 5, 5],
  [1, 3, 3, 8],
  [1, 9, 6, 9],
  [1, 2, 2, 3],
  [2, 1, 4, 4],
  [1, 2, 1, 5],
];

function dilated(k: number, d: number): number {
  return (k - 1) * d + 1;
}

function buildCases(): ConvCase[] {
  const grid = product({
    kernel: [[1, 1], [3, 3], [2, 3], [5, 5]] as Pair[],
    strides: [[1, 1], [2, 2], [1, 2]] as Pair[],
    dilation: [[1, 1], [2, 2], [2, 1]] as Pair[],
    padding: ['valid', 'same'] as Padding[],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    depthMultiplier: [1, 2, 3],
    dtype: ['float32', 'float64'] as Dtype[],
  }).filter((c) => (c.strides[0] === 1 && c.strides[1] === 1) || (c.dilation[0] === 1 && c.dilation[1] === 1));

  const cases: ConvCase[] = grid.map((c, i) => {
    // Cycling with a length coprime to the inner dimensions spreads every geometry over every option.
    const [n, h, w, ch] = GEOMETRIES[i % GEOMETRIES.length];
    const input: Geometry =
      c.padding === 'valid'
        ? [n, Math.max(h, dilated(c.kernel[0], c.dilation[0])), Math.max(w, dilated(c.kernel[1], c.dilation[1])), ch]
        : [n, h, w, ch];
    return { ...c, input };
  });

  // Stride and dilation both > 1: the layer forbids it (as Keras does), but the kernel must still be right.
  const explicit = product({
    geometry: [
      { kernel: [3, 3], strides: [2, 2], dilation: [2, 2], input: [2, 7, 6, 3] },
      { kernel: [2, 3], strides: [2, 1], dilation: [1, 2], input: [1, 5, 8, 4] },
      { kernel: [3, 2], strides: [1, 3], dilation: [3, 1], input: [1, 9, 7, 2] },
      { kernel: [5, 5], strides: [2, 2], dilation: [2, 2], input: [1, 9, 10, 5] },
    ] as Array<Pick<ConvCase, 'kernel' | 'strides' | 'dilation' | 'input'>>,
    padding: ['valid', 'same'] as Padding[],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    depthMultiplier: [2],
    dtype: ['float64'] as Dtype[],
  }).map(({ geometry, ...rest }) => ({ ...geometry, ...rest }));

  // 'same' with kernels larger than the input, including with strides.
  const oversizedGeometries: Array<Pick<ConvCase, 'kernel' | 'strides' | 'dilation' | 'input'>> = [
    { kernel: [5, 5], strides: [2, 2], dilation: [1, 1], input: [1, 2, 3, 4] },
    { kernel: [5, 3], strides: [1, 1], dilation: [1, 1], input: [2, 1, 1, 1] },
    { kernel: [3, 3], strides: [1, 1], dilation: [2, 2], input: [1, 2, 2, 3] },
  ];
  const oversized: ConvCase[] = product({
    geometry: oversizedGeometries,
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    dtype: ['float32', 'float64'] as Dtype[],
  }).map(({ geometry, ...rest }) => ({ ...geometry, ...rest, padding: 'same', depthMultiplier: 2 }));
  return [...cases, ...explicit, ...oversized];
}

function inputShapeOf(c: Pick<ConvCase, 'input' | 'dataFormat'>): number[] {
  const [n, h, w, ch] = c.input;
  return c.dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w];
}

function optionsOf(c: ConvCase): DepthwiseConv2dOptions {
  return { strides: c.strides, dilationRate: c.dilation, padding: c.padding, dataFormat: c.dataFormat };
}

function runForward(p: DepthwiseConv2dParams, dtype: Dtype, x: FloatArray, k: FloatArray, b: FloatArray | null) {
  const out = alloc(dtype, depthwiseConv2dSizes(p).output);
  depthwiseConv2dForward(p, x, k, b, out);
  return out;
}

/** Picks up to `count` distinct indices in [0, n), always including both ends (padding edges). */
function sampleIndices(n: number, count: number, rng: () => number): number[] {
  const picked = new Set<number>([0, n - 1]);
  while (picked.size < Math.min(n, count)) picked.add(Math.floor(rng() * n));
  return [...picked];
}

/**
 * Central differences of `f(v) = <forward(v), ct>` at sampled entries of `v`. The forward pass is
 * affine in each argument, so the difference quotient is exact up to rounding; a large step keeps
 * that rounding small.
 */
function checkFiniteDifferences(
  label: string,
  v: Float64Array,
  analytic: ArrayLike<number>,
  f: () => number,
  rng: () => number,
): void {
  const h = 0.5;
  for (const i of sampleIndices(v.length, 6, rng)) {
    const saved = v[i];
    v[i] = saved + h;
    const plus = f();
    v[i] = saved - h;
    const minus = f();
    v[i] = saved;
    const numeric = (plus - minus) / (2 * h);
    assertAllClose([analytic[i]], [numeric], { rtol: 1e-9, atol: 1e-9 }, `${label}[${i}] vs finite differences`);
  }
}

const CASES = buildCases();

describe('depthwise conv2d kernels vs naive reference', () => {
  CASES.forEach((c, caseIndex) => {
    const [n, h, w, ch] = c.input;
    const title = caseName({ ...c, input: `${n}x${h}x${w}x${ch}` });
    test(title, () => {
      const rng = mulberry32(0x5eed + caseIndex);
      const p = resolveDepthwiseConv2dParams(inputShapeOf(c), [c.kernel[0], c.kernel[1], ch, c.depthMultiplier], optionsOf(c));
      const sizes = depthwiseConv2dSizes(p);
      const taps = p.kernelHeight * p.kernelWidth;
      const pixels = p.batch * p.outHeight * p.outWidth;

      const x = random(c.dtype, sizes.input, rng);
      const k = random(c.dtype, sizes.kernel, rng);
      const b = random(c.dtype, sizes.bias, rng);
      const dy = random(c.dtype, sizes.output, rng);

      const y = runForward(p, c.dtype, x, k, b);
      assertAllClose(y, referenceDepthwiseConv2d(p, x, k, b), tolerance(c.dtype, taps + 1), 'forward');
      const yNoBias = runForward(p, c.dtype, x, k, null);
      assertAllClose(yNoBias, referenceDepthwiseConv2d(p, x, k, null), tolerance(c.dtype, taps), 'forward (no bias)');

      const dx = alloc(c.dtype, sizes.input);
      depthwiseConv2dBackwardInput(p, dy, k, dx);
      assertAllClose(dx, referenceDepthwiseConv2dBackwardInput(p, dy, k), tolerance(c.dtype, taps * p.depthMultiplier), 'backward input');

      const dk = alloc(c.dtype, sizes.kernel);
      depthwiseConv2dBackwardKernel(p, x, dy, dk);
      assertAllClose(dk, referenceDepthwiseConv2dBackwardKernel(p, x, dy), tolerance(c.dtype, pixels), 'backward kernel');

      const db = alloc(c.dtype, sizes.bias);
      depthwiseConv2dBackwardBias(p, dy, db);
      assertAllClose(db, referenceDepthwiseConv2dBackwardBias(p, dy), tolerance(c.dtype, pixels), 'backward bias');

      if (c.dtype !== 'float64') return;
      const x64 = x as Float64Array;
      const k64 = k as Float64Array;
      const b64 = b as Float64Array;

      // Adjoint identities: the backward passes are the transposes of the (bilinear) forward pass.
      const lhs = dot(yNoBias, dy);
      const scale = sumAbsProducts(yNoBias, dy) + 1;
      assert.ok(Math.abs(lhs - dot(x, dx)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <x, dx> = ${dot(x, dx)}`);
      assert.ok(Math.abs(lhs - dot(k, dk)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <k, dk> = ${dot(k, dk)}`);
      const biasOnly = runForward(p, 'float64', new Float64Array(sizes.input), k, b);
      assert.ok(Math.abs(dot(biasOnly, dy) - dot(b, db)) <= 1e-12 * scale, 'bias adjoint');

      const objective = () => dot(runForward(p, 'float64', x64, k64, b64), dy);
      checkFiniteDifferences('dx', x64, dx, objective, rng);
      checkFiniteDifferences('dkernel', k64, dk, objective, rng);
      checkFiniteDifferences('dbias', b64, db, objective, rng);
    });
  });
});

describe('depthwise conv2d kernels: hand-computed values', () => {
  test('output channel c*dm+m is input channel c times kernel[.., .., c, m]', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const p = resolveDepthwiseConv2dParams(dataFormat === 'channels_last' ? [1, 1, 1, 2] : [1, 2, 1, 1], [1, 1, 2, 2], {
        strides: [1, 1],
        dilationRate: [1, 1],
        padding: 'valid',
        dataFormat,
      });
      const out = new Float64Array(4);
      depthwiseConv2dForward(p, new Float64Array([1, 10]), new Float64Array([2, 3, 5, 7]), new Float64Array([0.5, 0, 0, 0]), out);
      assert.deepEqual([...out], [2.5, 3, 50, 70], dataFormat);
    }
  });

  test("'same' with stride 2 pads TensorFlow-style: the extra row goes at the bottom", () => {
    // in=4, k=3, s=2 → out=2, total pad 1 → top 0, bottom 1.
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const p = resolveDepthwiseConv2dParams(dataFormat === 'channels_last' ? [1, 4, 1, 1] : [1, 1, 4, 1], [3, 1, 1, 1], {
        strides: [2, 1],
        dilationRate: [1, 1],
        padding: 'same',
        dataFormat,
      });
      const out = new Float64Array(2);
      depthwiseConv2dForward(p, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 10, 100]), null, out);
      assert.deepEqual([...out], [1 + 20 + 300, 3 + 40], dataFormat);
    }
  });

  test('float32 outputs are rounded to float32', () => {
    const p = resolveDepthwiseConv2dParams([1, 1, 3, 1], [1, 3, 1, 1], {
      strides: [1, 1],
      dilationRate: [1, 1],
      padding: 'valid',
      dataFormat: 'channels_last',
    });
    const out = new Float32Array(1);
    depthwiseConv2dForward(p, new Float32Array([0.1, 0.2, 0.3]), new Float32Array([1, 1, 1]), null, out);
    assert.equal(out[0], Math.fround(Math.fround(Math.fround(0.1) + Math.fround(0.2)) + Math.fround(0.3)));
  });

  test('kernels reject buffers of the wrong length', () => {
    const p = resolveDepthwiseConv2dParams([1, 3, 3, 2], [2, 2, 2, 1], {
      strides: [1, 1],
      dilationRate: [1, 1],
      padding: 'valid',
      dataFormat: 'channels_last',
    });
    const x = new Float64Array(18);
    const k = new Float64Array(8);
    const y = new Float64Array(8);
    assert.throws(() => depthwiseConv2dForward(p, new Float64Array(17), k, null, y), ShapeError);
    assert.throws(() => depthwiseConv2dForward(p, x, k, new Float64Array(3), y), /`bias` has 3 elements; expected 2/);
    assert.throws(() => depthwiseConv2dForward(p, x, k, null, new Float64Array(9)), /`out`/);
    assert.throws(() => depthwiseConv2dBackwardInput(p, y, new Float64Array(4), x), /`kernel`/);
    assert.throws(() => depthwiseConv2dBackwardKernel(p, x, y, new Float64Array(9)), /`dkernel`/);
    assert.throws(() => depthwiseConv2dBackwardBias(p, new Float64Array(7), new Float64Array(2)), /`dy`/);
  });
});

describe('depthwise conv2d params', () => {
  test('samePadding splits TensorFlow-style, extra pixel after', () => {
    assert.deepEqual(samePadding(4, 3, 2, 1), [0, 1]);
    assert.deepEqual(samePadding(5, 4, 1, 1), [1, 2]);
    assert.deepEqual(samePadding(5, 3, 1, 1), [1, 1]);
    assert.deepEqual(samePadding(5, 3, 1, 2), [2, 2]);
    assert.deepEqual(samePadding(6, 2, 2, 1), [0, 0]);
    assert.deepEqual(samePadding(7, 3, 3, 1), [1, 1]);
    assert.deepEqual(samePadding(6, 1, 2, 1), [0, 0]);
    assert.deepEqual(samePadding(2, 5, 1, 1), [2, 2]); // kernel larger than input
    assert.deepEqual(samePadding(1, 2, 1, 3), [1, 2]); // dilated kernel 4: total 3
  });

  test('convOutputLength follows the Keras rule, with dilation', () => {
    assert.equal(convOutputLength(10, 3, 1, 1, 'valid'), 8);
    assert.equal(convOutputLength(10, 3, 1, 2, 'valid'), 6);
    assert.equal(convOutputLength(10, 3, 2, 1, 'valid'), 4);
    assert.equal(convOutputLength(9, 3, 2, 1, 'valid'), 4);
    assert.equal(convOutputLength(7, 3, 2, 2, 'valid'), 2);
    assert.equal(convOutputLength(5, 5, 1, 1, 'valid'), 1);
    assert.equal(convOutputLength(4, 3, 1, 2, 'valid'), 0);
    assert.equal(convOutputLength(10, 3, 1, 2, 'same'), 10);
    assert.equal(convOutputLength(10, 3, 3, 1, 'same'), 4);
    assert.equal(convOutputLength(2, 5, 2, 1, 'same'), 1);
  });

  test('resolves the full geometry for both data formats', () => {
    const options: DepthwiseConv2dOptions = {
      strides: [2, 1],
      dilationRate: [1, 1],
      padding: 'same',
      dataFormat: 'channels_last',
    };
    const expected: DepthwiseConv2dParams = {
      batch: 2,
      inHeight: 4,
      inWidth: 5,
      inChannels: 3,
      kernelHeight: 3,
      kernelWidth: 4,
      depthMultiplier: 2,
      strideHeight: 2,
      strideWidth: 1,
      dilationHeight: 1,
      dilationWidth: 1,
      padTop: 0,
      padBottom: 1,
      padLeft: 1,
      padRight: 2,
      outHeight: 2,
      outWidth: 5,
      outChannels: 6,
      dataFormat: 'channels_last',
    };
    const last = resolveDepthwiseConv2dParams([2, 4, 5, 3], [3, 4, 3, 2], options);
    assert.deepEqual(last, expected);
    assert.deepEqual(depthwiseConv2dOutputShape(last), [2, 2, 5, 6]);
    const first = resolveDepthwiseConv2dParams([2, 3, 4, 5], [3, 4, 3, 2], { ...options, dataFormat: 'channels_first' });
    assert.deepEqual(first, { ...expected, dataFormat: 'channels_first' });
    assert.deepEqual(depthwiseConv2dOutputShape(first), [2, 6, 2, 5]);

    const valid = resolveDepthwiseConv2dParams([1, 9, 8, 1], [3, 2, 1, 1], {
      strides: [1, 1],
      dilationRate: [3, 2],
      padding: 'valid',
      dataFormat: 'channels_last',
    });
    assert.deepEqual(
      [valid.outHeight, valid.outWidth, valid.padTop, valid.padBottom, valid.padLeft, valid.padRight],
      [3, 6, 0, 0, 0, 0],
    );
  });

  const ok = {
    input: [1, 5, 5, 3] as number[],
    kernel: [3, 3, 3, 1] as number[],
    options: { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_last' } as DepthwiseConv2dOptions,
  };
  const badCases: Array<{
    name: string;
    input?: unknown;
    kernel?: unknown;
    options?: Partial<Record<keyof DepthwiseConv2dOptions, unknown>>;
    error: typeof ShapeError | typeof InvalidArgumentError;
    message: RegExp;
  }> = [
    { name: 'rank-3 input', input: [5, 5, 3], error: ShapeError, message: /`inputShape`: received \[5,5,3\]; expected a rank-4 shape \[batch, height, width, channels\]/ },
    { name: 'rank-4 input, channels_first', input: [1, 3, 5], options: { dataFormat: 'channels_first' }, error: ShapeError, message: /`inputShape`.*\[1,3,5\].*\[batch, channels, height, width\]/ },
    { name: 'rank-5 kernel', kernel: [3, 3, 3, 1, 1], error: ShapeError, message: /`kernelShape`: received \[3,3,3,1,1\]; expected a rank-4 shape/ },
    { name: 'zero width', input: [1, 5, 0, 3], error: ShapeError, message: /`inputShape\[2\]`: received 0; expected a positive integer \(width/ },
    { name: 'fractional batch', input: [1.5, 5, 5, 3], error: ShapeError, message: /`inputShape\[0\]`: received 1\.5/ },
    { name: 'NaN height', input: [1, Number.NaN, 5, 3], error: ShapeError, message: /`inputShape\[1\]`: received null/ },
    { name: 'negative depth multiplier', kernel: [3, 3, 3, -1], error: ShapeError, message: /`kernelShape\[3\]`: received -1.*depthMultiplier/ },
    { name: 'channel mismatch', kernel: [3, 3, 4, 1], error: ShapeError, message: /`kernelShape\[2\]`: received 4; expected 3 to match the 3 channels/ },
    { name: 'channel mismatch, channels_first', input: [1, 2, 5, 5], options: { dataFormat: 'channels_first' }, error: ShapeError, message: /`kernelShape\[2\]`: received 3; expected 2/ },
    { name: 'kernel too large for valid', kernel: [6, 3, 3, 1], error: ShapeError, message: /input height 5 is smaller than the dilated kernel height 6.*output height 0/ },
    { name: 'dilated kernel too large for valid', options: { dilationRate: [1, 3] }, error: ShapeError, message: /input width 5 is smaller than the dilated kernel width 7 \(kernel width 3, dilation 3\).*output width -1/ },
    { name: 'zero stride', options: { strides: [0, 1] }, error: InvalidArgumentError, message: /`strides`: received \[0,1\]; expected a pair of positive integers/ },
    { name: 'fractional stride', options: { strides: [1, 1.5] }, error: InvalidArgumentError, message: /`strides`: received \[1,1\.5\]/ },
    { name: 'scalar stride', options: { strides: 2 }, error: InvalidArgumentError, message: /`strides`: received 2/ },
    { name: 'zero dilation', options: { dilationRate: [1, 0] }, error: InvalidArgumentError, message: /`dilationRate`: received \[1,0\]/ },
    { name: 'unknown padding', options: { padding: 'full' }, error: InvalidArgumentError, message: /`padding`: received "full"; expected one of 'valid', 'same'/ },
    { name: 'unknown data format', options: { dataFormat: 'NHWC' }, error: InvalidArgumentError, message: /`dataFormat`: received "NHWC"; expected one of 'channels_last', 'channels_first'/ },
  ];
  for (const bad of badCases) {
    test(`rejects ${bad.name}`, () => {
      assert.throws(
        () =>
          resolveDepthwiseConv2dParams(
            (bad.input ?? ok.input) as number[],
            (bad.kernel ?? ok.kernel) as number[],
            { ...ok.options, ...bad.options } as DepthwiseConv2dOptions,
          ),
        (err: unknown) => {
          assert.ok(err instanceof bad.error, `expected ${bad.error.name}, got ${String(err)}`);
          assert.match((err as Error).message, bad.message);
          return true;
        },
      );
    });
  }

  test('convOutputLength and samePadding reject invalid sizes', () => {
    assert.throws(() => convOutputLength(0, 3, 1, 1, 'same'), /`inputLength`: received 0/);
    assert.throws(() => convOutputLength(5, 3, 1, 1, 'full' as Padding), /`padding`: received "full"/);
    assert.throws(() => samePadding(5, 3, 0, 1), /`stride`: received 0/);
    assert.throws(() => samePadding(5, 3, 1, 1.5), /`dilation`: received 1\.5/);
  });
});
