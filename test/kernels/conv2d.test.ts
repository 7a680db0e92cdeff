import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import type { FloatArray } from '../../src/engine/dtype.js';
import type { Conv2dOptions, Conv2dParams, DataFormat, ExplicitPadding, Padding } from '../../src/kernels/conv2d/index.js';
import {
  conv2dBackwardBias,
  conv2dBackwardInput,
  conv2dBackwardKernel,
  conv2dForward,
  conv2dInputShape,
  conv2dOutputShape,
  conv2dSizes,
  convTransposeForwardPadding,
  convTransposeOutputLength,
  resolveConv2dParams,
  typescriptConv2dKernels,
} from '../../src/kernels/conv2d/index.js';
import {
  referenceConv2d,
  referenceConv2dBackwardBias,
  referenceConv2dBackwardInput,
  referenceConv2dBackwardKernel,
} from '../../src/kernels/conv2d/reference.js';
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
  padding: Padding | ExplicitPadding;
  dataFormat: DataFormat;
  groups: number;
  filters: number;
  dtype: Dtype;
  input: Geometry;
}

// Channels 4 and 8 (so groups 2 and C divide them); width 1, 1-row and 2x2 inputs so 5x5 'same'
// kernels are larger than the input.
const GEOMETRIES: readonly Geometry[] = [
  [1, 5, 1, 4],
  [2, 6, 7, 4],
  [1, 7, 8, 8],
  [2, 4, 5, 4],
  [1, 3, 3, 8],
  [1, 2, 2, 4],
  [2, 1, 4, 8],
];

const dilated = (k: number, d: number) => (k - 1) * d + 1;

function buildCases(): ConvCase[] {
  const grid = product({
    kernel: [[1, 1], [3, 3], [2, 3], [5, 5]] as Pair[],
    strides: [[1, 1], [2, 2], [1, 2]] as Pair[],
    dilation: [[1, 1], [2, 2], [2, 1]] as Pair[],
    padding: ['valid', 'same'] as Padding[],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    groups: ['1', '2', 'C'] as const,
    dtype: ['float32', 'float64'] as Dtype[],
  }).filter((c) => (c.strides[0] === 1 && c.strides[1] === 1) || (c.dilation[0] === 1 && c.dilation[1] === 1));

  const cases: ConvCase[] = grid.map((c, i) => {
    const [n, h, w, ch] = GEOMETRIES[i % GEOMETRIES.length];
    const input: Geometry =
      c.padding === 'valid'
        ? [n, Math.max(h, dilated(c.kernel[0], c.dilation[0])), Math.max(w, dilated(c.kernel[1], c.dilation[1])), ch]
        : [n, h, w, ch];
    const groups = c.groups === '1' ? 1 : c.groups === '2' ? 2 : ch;
    const filters = groups === 1 ? [3, 5, 8][i % 3] : groups * [1, 2, 3][i % 3];
    return { ...c, groups, filters, input };
  });

  // Stride and dilation both > 1 (layers forbid it, the kernel must still be right), explicit paddings as
  // Conv1D 'causal' and the transposed convolution use them (a negative `after` crops), and 'same'
  // kernels larger than the input.
  const explicit = product({
    geometry: [
      { kernel: [3, 3], strides: [2, 2], dilation: [2, 2], input: [2, 7, 6, 4], padding: 'same' },
      { kernel: [2, 3], strides: [2, 1], dilation: [1, 2], input: [1, 5, 8, 4], padding: 'valid' },
      { kernel: [1, 3], strides: [1, 1], dilation: [1, 2], input: [2, 1, 6, 4], padding: [[0, 0], [4, 0]] },
      { kernel: [3, 2], strides: [2, 2], dilation: [1, 1], input: [1, 6, 5, 8], padding: [[1, -1], [0, 1]] },
      { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], input: [1, 4, 4, 4], padding: [[2, 2], [2, 0]] },
      { kernel: [5, 5], strides: [2, 2], dilation: [1, 1], input: [1, 2, 3, 4], padding: 'same' },
      { kernel: [5, 3], strides: [1, 1], dilation: [1, 1], input: [2, 1, 1, 8], padding: 'same' },
      { kernel: [3, 3], strides: [1, 1], dilation: [2, 2], input: [1, 2, 2, 4], padding: 'same' },
    ] as Array<Pick<ConvCase, 'kernel' | 'strides' | 'dilation' | 'input' | 'padding'>>,
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    groups: [1, 2, 4],
    dtype: ['float32', 'float64'] as Dtype[],
  }).map(({ geometry, ...rest }) => ({ ...geometry, ...rest, filters: rest.groups * 2 }));

  // Pointwise (1x1, stride 1, unpadded, one group) convolutions take matrix-product fast paths: channel
  // and filter counts below, at and past the 4-wide unrolls, and pixel counts that are and are not
  // multiples of 4; 'same' pads nothing for a 1x1 kernel, so it takes the fast path too.
  const pointwise = product({
    channels: [1, 3, 4, 5, 8, 17],
    dataFormat: ['channels_last', 'channels_first'] as DataFormat[],
    dtype: ['float32', 'float64'] as Dtype[],
  }).map(({ channels, dataFormat, dtype }, i): ConvCase => ({
    kernel: [1, 1],
    strides: [1, 1],
    dilation: [1, 1],
    padding: i % 2 === 0 ? 'valid' : 'same',
    dataFormat,
    groups: 1,
    filters: [1, 3, 4, 6, 9, 17][(i + channels) % 6],
    dtype,
    input: i % 3 === 0 ? [2, 3, 5, channels] : i % 3 === 1 ? [1, 4, 4, channels] : [3, 1, 3, channels],
  }));
  return [...cases, ...explicit, ...pointwise];
}

function inputShapeOf(c: Pick<ConvCase, 'input' | 'dataFormat'>): number[] {
  const [n, h, w, ch] = c.input;
  return c.dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w];
}

function optionsOf(c: ConvCase): Conv2dOptions {
  return { strides: c.strides, dilationRate: c.dilation, padding: c.padding, dataFormat: c.dataFormat, groups: c.groups };
}

function runForward(p: Conv2dParams, dtype: Dtype, x: FloatArray, k: FloatArray, b: FloatArray | null): FloatArray {
  const out = alloc(dtype, conv2dSizes(p).output);
  conv2dForward(p, x, k, b, out);
  return out;
}

function sampleIndices(n: number, count: number, rng: () => number): number[] {
  const picked = new Set<number>([0, n - 1]);
  while (picked.size < Math.min(n, count)) picked.add(Math.floor(rng() * n));
  return [...picked];
}

/** Central differences of the (affine in each argument) objective: exact up to rounding for a big step. */
function checkFiniteDifferences(label: string, v: Float64Array, analytic: ArrayLike<number>, f: () => number, rng: () => number): void {
  const h = 0.5;
  for (const i of sampleIndices(v.length, 6, rng)) {
    const saved = v[i];
    v[i] = saved + h;
    const plus = f();
    v[i] = saved - h;
    const minus = f();
    v[i] = saved;
    assertAllClose([analytic[i]], [(plus - minus) / (2 * h)], { rtol: 1e-9, atol: 1e-9 }, `${label}[${i}] vs finite differences`);
  }
}

const CASES = buildCases();

describe('conv2d kernels vs naive reference', () => {
  test('the grid covers groups 1, 2 and C, both formats and explicit padding', () => {
    assert.ok(CASES.length > 400);
    assert.ok(CASES.some((c) => c.groups === c.input[3] && c.groups > 2));
    assert.ok(CASES.some((c) => Array.isArray(c.padding)));
    for (const ch of [1, 3, 4, 5, 8, 17]) {
      for (const dataFormat of ['channels_last', 'channels_first']) {
        for (const dtype of ['float32', 'float64']) {
          assert.ok(
            CASES.some((c) => c.kernel[0] === 1 && c.kernel[1] === 1 && c.groups === 1 && c.input[3] === ch && c.dataFormat === dataFormat && c.dtype === dtype),
            `a pointwise case with ${ch} channels, ${dataFormat}, ${dtype}`,
          );
        }
      }
    }
  });
  CASES.forEach((c, caseIndex) => {
    const [n, h, w, ch] = c.input;
    test(caseName({ ...c, input: `${n}x${h}x${w}x${ch}` }), () => {
      const rng = mulberry32(0xc0de + caseIndex);
      const p = resolveConv2dParams(inputShapeOf(c), [c.kernel[0], c.kernel[1], ch / c.groups, c.filters], optionsOf(c));
      const sizes = conv2dSizes(p);
      const taps = p.kernelHeight * p.kernelWidth * p.inChannelsPerGroup;
      const pixels = p.batch * p.outHeight * p.outWidth;

      const x = random(c.dtype, sizes.input, rng);
      const k = random(c.dtype, sizes.kernel, rng);
      const b = random(c.dtype, sizes.bias, rng);
      const dy = random(c.dtype, sizes.output, rng);

      const y = runForward(p, c.dtype, x, k, b);
      assertAllClose(y, referenceConv2d(p, x, k, b), tolerance(c.dtype, taps + 1), 'forward');
      const yNoBias = runForward(p, c.dtype, x, k, null);
      assertAllClose(yNoBias, referenceConv2d(p, x, k, null), tolerance(c.dtype, taps), 'forward (no bias)');

      const dx = alloc(c.dtype, sizes.input);
      conv2dBackwardInput(p, dy, k, dx);
      const fanOut = p.kernelHeight * p.kernelWidth * p.outChannelsPerGroup;
      assertAllClose(dx, referenceConv2dBackwardInput(p, dy, k), tolerance(c.dtype, fanOut), 'backward input');

      const dk = alloc(c.dtype, sizes.kernel);
      conv2dBackwardKernel(p, x, dy, dk);
      assertAllClose(dk, referenceConv2dBackwardKernel(p, x, dy), tolerance(c.dtype, pixels), 'backward kernel');

      const db = alloc(c.dtype, sizes.bias);
      conv2dBackwardBias(p, dy, db);
      assertAllClose(db, referenceConv2dBackwardBias(p, dy), tolerance(c.dtype, pixels), 'backward bias');

      if (c.dtype !== 'float64') return;
      const [x64, k64, b64] = [x, k, b] as Float64Array[];
      // Adjoint identities: the backward passes are the transposes of the bilinear forward pass.
      const lhs = dot(yNoBias, dy);
      const scale = sumAbsProducts(yNoBias, dy) + 1;
      assert.ok(Math.abs(lhs - dot(x, dx)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <x, dx> = ${dot(x, dx)}`);
      assert.ok(Math.abs(lhs - dot(k, dk)) <= 1e-12 * scale, `<conv(x,k), dy> = ${lhs} vs <k, dk> = ${dot(k, dk)}`);

      const objective = () => dot(runForward(p, 'float64', x64, k64, b64), dy);
      checkFiniteDifferences('dx', x64, dx, objective, rng);
      checkFiniteDifferences('dkernel', k64, dk, objective, rng);
      checkFiniteDifferences('dbias', b64, db, objective, rng);
    });
  });
});

describe('conv2d kernels: hand-computed values', () => {
  test('groups: filter f reads only the input channels of its group', () => {
    // C=4, groups=2, one filter per group, 1x1 kernel of ones: out = [x0+x1, x2+x3].
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const shape = dataFormat === 'channels_last' ? [1, 1, 1, 4] : [1, 4, 1, 1];
      const p = resolveConv2dParams(shape, [1, 1, 2, 2], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat, groups: 2 });
      const out = new Float64Array(2);
      conv2dForward(p, new Float64Array([1, 2, 30, 40]), new Float64Array([1, 10, 1, 10]), new Float64Array([0.5, 0]), out);
      assert.deepEqual([...out], [1 + 2 + 0.5, 300 + 400], dataFormat);
    }
  });

  test("'same' with stride 2 pads TensorFlow-style: the extra row goes at the bottom", () => {
    const p = resolveConv2dParams([1, 4, 1, 1], [3, 1, 1, 1], { strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const out = new Float64Array(2);
    conv2dForward(p, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 10, 100]), null, out);
    assert.deepEqual([...out], [1 + 20 + 300, 3 + 40]);
  });

  test('explicit causal padding: output t sees inputs t, t-d, ... only', () => {
    const p = resolveConv2dParams([1, 1, 4, 1], [1, 2, 1, 1], { strides: [1, 1], dilationRate: [1, 2], padding: [[0, 0], [2, 0]], dataFormat: 'channels_last' });
    const out = new Float64Array(4);
    conv2dForward(p, new Float64Array([1, 2, 3, 4]), new Float64Array([10, 1]), null, out);
    assert.deepEqual([...out], [1, 2, 13, 24]);
  });

  test('the TypeScript kernel table holds the four kernels', () => {
    assert.equal(typescriptConv2dKernels.forward, conv2dForward);
    assert.equal(typescriptConv2dKernels.backwardBias, conv2dBackwardBias);
  });

  test('kernels reject buffers of the wrong length', () => {
    const p = resolveConv2dParams([1, 3, 3, 2], [2, 2, 2, 3], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_last' });
    const x = new Float64Array(18);
    const k = new Float64Array(24);
    const y = new Float64Array(12);
    assert.throws(() => conv2dForward(p, new Float64Array(17), k, null, y), ShapeError);
    assert.throws(() => conv2dForward(p, x, k, new Float64Array(2), y), /`bias` has 2 elements; expected 3/);
    assert.throws(() => conv2dForward(p, x, k, null, new Float64Array(9)), /`out`/);
    assert.throws(() => conv2dBackwardInput(p, y, new Float64Array(4), x), /`kernel`/);
    assert.throws(() => conv2dBackwardKernel(p, x, y, new Float64Array(9)), /`dkernel`/);
    assert.throws(() => conv2dBackwardBias(p, new Float64Array(7), new Float64Array(3)), /`dy`/);
  });
});

describe('conv2d params', () => {
  test('resolves the full geometry, groups included, for both data formats', () => {
    const options: Conv2dOptions = { strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: 2 };
    const last = resolveConv2dParams([2, 4, 5, 6], [3, 4, 3, 8], options);
    const expected: Conv2dParams = {
      batch: 2, inHeight: 4, inWidth: 5, inChannels: 6, kernelHeight: 3, kernelWidth: 4, groups: 2,
      inChannelsPerGroup: 3, outChannelsPerGroup: 4, strideHeight: 2, strideWidth: 1, dilationHeight: 1,
      dilationWidth: 1, padTop: 0, padBottom: 1, padLeft: 1, padRight: 2, outHeight: 2, outWidth: 5,
      outChannels: 8, dataFormat: 'channels_last',
    };
    assert.deepEqual(last, expected);
    assert.deepEqual(conv2dOutputShape(last), [2, 2, 5, 8]);
    assert.deepEqual(conv2dInputShape(last), [2, 4, 5, 6]);
    const first = resolveConv2dParams([2, 6, 4, 5], [3, 4, 3, 8], { ...options, dataFormat: 'channels_first' });
    assert.deepEqual(first, { ...expected, dataFormat: 'channels_first' });
    assert.deepEqual(conv2dOutputShape(first), [2, 8, 2, 5]);
    const explicit = resolveConv2dParams([1, 1, 5, 1], [1, 3, 1, 1], { ...options, strides: [1, 1], groups: 1, padding: [[0, 0], [2, -1]] });
    assert.deepEqual([explicit.padLeft, explicit.padRight, explicit.outWidth], [2, -1, 4]);
  });

  test('transposed-convolution lengths and paddings follow Keras (JAX backend)', () => {
    // [in, k, s, d, padding, outputPadding] -> [length, forward before, forward after], as printed by Keras's
    // _get_output_shape_given_tf_padding and _convert_conv_transpose_padding_args_from_keras_to_jax.
    const table: Array<[number, number, number, number, Padding, number | null, number, number, number]> = [
      [4, 3, 2, 1, 'valid', null, 9, 0, 0],
      [4, 3, 2, 1, 'valid', 1, 10, 0, -1],
      [4, 2, 3, 1, 'valid', null, 12, 0, -1],
      [4, 3, 2, 1, 'same', null, 8, 0, 1],
      [4, 3, 2, 1, 'same', 1, 8, 0, 1],
      [4, 4, 2, 1, 'same', null, 8, 1, 1],
      [5, 3, 1, 2, 'same', null, 5, 2, 2],
      [3, 1, 2, 1, 'same', 0, 5, 0, 0],
    ];
    for (const [n, k, s, d, padding, op, length, before, after] of table) {
      assert.equal(convTransposeOutputLength(n, k, s, d, padding, op), length, `length ${[n, k, s, d, padding, op].join()}`);
      assert.deepEqual(convTransposeForwardPadding(k, s, d, padding, op), [before, after], `padding ${[n, k, s, d, padding, op].join()}`);
      // The forward convolution on the transposed output gives back the transposed input's length.
      const K = (k - 1) * d + 1;
      assert.equal(Math.floor((length + before + after - K) / s) + 1, n);
    }
  });

  const ok = {
    input: [1, 5, 5, 4] as number[],
    kernel: [3, 3, 2, 6] as number[],
    options: { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_last', groups: 2 } as Conv2dOptions,
  };
  const badCases: Array<{ name: string; input?: unknown; kernel?: unknown; options?: Record<string, unknown>; error: typeof ShapeError | typeof InvalidArgumentError; message: RegExp }> = [
    { name: 'rank-3 input', input: [5, 5, 4], error: ShapeError, message: /`inputShape`: received \[5,5,4\]; expected a rank-4 shape/ },
    { name: 'zero height', input: [1, 0, 5, 4], error: ShapeError, message: /`inputShape\[1\]`: received 0/ },
    { name: 'rank-3 kernel', kernel: [3, 3, 2], error: ShapeError, message: /`kernelShape`/ },
    { name: 'groups not dividing channels', options: { groups: 3 }, kernel: [3, 3, 1, 6], error: ShapeError, message: /`groups`: received 3; expected a divisor of both the 4 input channels/ },
    { name: 'groups not dividing filters', kernel: [3, 3, 2, 5], error: ShapeError, message: /`groups`.*5 filters/ },
    { name: 'kernel channels', kernel: [3, 3, 4, 6], error: ShapeError, message: /`kernelShape\[2\]`: received 4; expected 2/ },
    { name: 'zero groups', options: { groups: 0 }, error: InvalidArgumentError, message: /`groups`: received 0/ },
    { name: 'valid window too large', kernel: [6, 3, 2, 6], error: ShapeError, message: /input height 5.*dilated kernel height 6/ },
    { name: 'explicit padding cropping everything', options: { padding: [[0, -3], [0, 0]] }, error: ShapeError, message: /output height 0/ },
    { name: 'bad padding', options: { padding: 'full' }, error: InvalidArgumentError, message: /`padding`: received "full"/ },
    { name: 'fractional explicit padding', options: { padding: [[0.5, 0], [0, 0]] }, error: InvalidArgumentError, message: /`padding`/ },
    { name: 'bad data format', options: { dataFormat: 'NHWC' }, error: InvalidArgumentError, message: /`dataFormat`: received "NHWC"/ },
    { name: 'zero stride', options: { strides: [0, 1] }, error: InvalidArgumentError, message: /`strides`: received \[0,1\]/ },
    { name: 'zero dilation', options: { dilationRate: [1, 0] }, error: InvalidArgumentError, message: /`dilationRate`/ },
  ];
  for (const bad of badCases) {
    test(`rejects ${bad.name}`, () => {
      assert.throws(
        () => resolveConv2dParams((bad.input ?? ok.input) as number[], (bad.kernel ?? ok.kernel) as number[], { ...ok.options, ...bad.options } as Conv2dOptions),
        (err: unknown) => {
          assert.ok(err instanceof bad.error, `expected ${bad.error.name}, got ${String(err)}`);
          assert.match((err as Error).message, bad.message);
          return true;
        },
      );
    });
  }
});
