// The rank-generic convolution and pooling ops: one wording per argument rule (validated here, once),
// which backend slot each rank runs on, the family's identities (depthwise = grouped with groups = C, a
// rank-1 convolution = a 2D one of unit height, the transposed convolution = the adjoint), and gradients by
// central differences in float64 for ranks 1 and 3.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, ops, ShapeError, tensor, valueAndGrads } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import type { KernelBackend } from '../../src/kernels/kernel-backend.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

function random(shape: number[], seed: number): Tensor {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), mulberry32(seed)), shape, 'float64');
}

// The objectives are linear in each parameter, so central differences are exact up to rounding and a large
// step keeps the rounding small.
const BILINEAR = { rtol: 1e-9, atol: 1e-10, eps: 0.5 };
const dot = (a: Tensor, b: Tensor) => ops.sum(ops.mul(a, b));

/** Runs `body` with the active backend's slots wrapped to count calls per `slot.method`. */
function countingSlots(body: () => void): Map<string, number> {
  const previous = getBackend();
  const calls = new Map<string, number>();
  const wrap = <T extends object>(slot: string, kernels: T): T =>
    Object.fromEntries(
      Object.entries(kernels).map(([name, fn]) => [
        name,
        (...args: unknown[]) => {
          calls.set(`${slot}.${name}`, (calls.get(`${slot}.${name}`) ?? 0) + 1);
          return (fn as (...a: unknown[]) => unknown).apply(kernels, args);
        },
      ]),
    ) as T;
  const counting: KernelBackend = { ...previous, name: 'counting', conv: wrap('conv', previous.conv), conv2d: wrap('conv2d', previous.conv2d), depthwiseConv2d: wrap('depthwiseConv2d', previous.depthwiseConv2d), pooling: wrap('pooling', previous.pooling) };
  setBackend(counting);
  try {
    body();
  } finally {
    setBackend(previous);
  }
  return calls;
}

describe('argument rules: validated once, at the op, naming the op, the argument and the value', () => {
  const cases: Array<[string, () => unknown, string, string]> = [];
  for (const rank of [1, 2, 3]) {
    const x = random([1, ...new Array<number>(rank).fill(5), 4], rank);
    const k = random([...new Array<number>(rank).fill(3), 2, 6], 10 + rank);
    const dk = random([...new Array<number>(rank).fill(3), 4, 2], 20 + rank);
    const tk = random([...new Array<number>(rank).fill(3), 3, 4], 30 + rank);
    cases.push(
      [`rank ${rank}: conv strides 0`, () => ops.conv(x, k, { strides: 0, groups: 2 }), 'conv', 'strides'],
      [`rank ${rank}: conv dilation of the wrong length`, () => ops.conv(x, k, { dilationRate: [1, 1, 1, 1], groups: 2 }), 'conv', 'dilationRate'],
      [`rank ${rank}: conv padding 'full'`, () => ops.conv(x, k, { padding: 'full', groups: 2 }), 'conv', 'padding'],
      [`rank ${rank}: conv explicit padding of the wrong length`, () => ops.conv(x, k, { padding: [[1, 1]].concat(rank === 1 ? [[0, 0]] : []) as never, groups: 2 }), 'conv', 'padding'],
      [`rank ${rank}: conv groups 0`, () => ops.conv(x, k, { groups: 0 }), 'conv', 'groups'],
      [`rank ${rank}: conv data format`, () => ops.conv(x, k, { dataFormat: 'NHWC' as never, groups: 2 }), 'conv', 'dataFormat'],
      [`rank ${rank}: depthwiseConv strides 1.5`, () => ops.depthwiseConv(x, dk, { strides: 1.5 }), 'depthwiseConv', 'strides'],
      [`rank ${rank}: depthwiseConv explicit padding with 'same'`, () => ops.depthwiseConv(x, dk, { padding: 'same', explicitPadding: new Array(rank).fill([1, 1]) }), 'depthwiseConv', 'padding'],
      [`rank ${rank}: convTranspose output padding ≥ stride`, () => ops.convTranspose(x, tk, { strides: 2, outputPadding: 2 }), 'convTranspose', 'outputPadding'],
      [`rank ${rank}: convTranspose negative output padding`, () => ops.convTranspose(x, tk, { outputPadding: -1 }), 'convTranspose', 'outputPadding'],
      [`rank ${rank}: maxPool pool size 0`, () => ops.maxPool(x, { poolSize: 0 }), 'maxPool', 'poolSize'],
      [`rank ${rank}: avgPool padding 'causal'`, () => ops.avgPool(x, { padding: 'causal' }), 'avgPool', 'padding'],
    );
  }
  for (const [title, fn, op, argument] of cases) {
    test(title, () => {
      assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && e.argument === argument && e.message.startsWith(`${op}: invalid \`${argument}\``));
    });
  }

  test('shapes are checked where the geometry is resolved: ShapeError naming the shape', () => {
    const x = random([1, 5, 5, 4], 1);
    assert.throws(() => ops.conv(random([4, 4], 2), random([3, 4, 2], 3)), (e: unknown) => e instanceof ShapeError && /conv: invalid `inputShape`: received \[4,4\]; expected a rank-3 or rank-4 or rank-5 shape/.test(e.message));
    assert.throws(() => ops.conv2d(random([1, 4, 4, 4, 4], 2), random([3, 3, 3, 4, 2], 3)), (e: unknown) => e instanceof ShapeError && /conv2d: .*rank-4 shape/.test(e.message));
    assert.throws(() => ops.conv(x, random([3, 3, 3, 4, 2], 4)), (e: unknown) => e instanceof ShapeError && /`kernelShape`/.test(e.message));
    assert.throws(() => ops.conv(x, random([3, 3, 3, 2], 4)), (e: unknown) => e instanceof ShapeError && /`kernelShape\[2\]`: received 3; expected 4/.test(e.message));
    assert.throws(() => ops.maxPool(x, { poolSize: 6 }), (e: unknown) => e instanceof ShapeError && /height 5 is smaller than the pool height 6/.test(e.message));
  });
});

describe('each rank runs on its slot: ranks 1 and 2 on the 2D slots (fast paths), rank 3 on the rank-generic one', () => {
  for (const rank of [1, 2, 3]) {
    test(`rank ${rank}`, () => {
      const spatial = new Array<number>(rank).fill(4);
      const x = random([1, ...spatial, 2], 1);
      const calls = countingSlots(() => {
        ops.conv(x, random([...new Array<number>(rank).fill(3), 2, 3], 2));
        ops.depthwiseConv(x, random([...new Array<number>(rank).fill(3), 2, 2], 3));
        ops.convTranspose(x, random([...new Array<number>(rank).fill(2), 3, 2], 4), { strides: 2 });
        ops.maxPool(x);
      });
      const expected = rank === 3 ? { 'conv.forward': 2, 'conv.backwardInput': 1 } : { 'conv2d.forward': 1, 'depthwiseConv2d.forward': 1, 'conv2d.backwardInput': 1 };
      assert.deepEqual(Object.fromEntries([...calls].filter(([k]) => !k.startsWith('pooling'))), expected);
      assert.equal(calls.get('pooling.maxForward'), 1);
    });
  }
});

describe('the family is one convolution', () => {
  product({ rank: [1, 2, 3] as const, dataFormat: ['channels_last', 'channels_first'] as const }).forEach((c) => {
    test(`depthwise is grouped with groups = C, kernel [...k, C, dm] = [...k, 1, C * dm]: ${caseName(c)}`, () => {
      const spatial = new Array<number>(c.rank).fill(5);
      const x = random(c.dataFormat === 'channels_last' ? [2, ...spatial, 3] : [2, 3, ...spatial], 1);
      const k = random([...new Array<number>(c.rank).fill(3), 3, 2], 2);
      const options = { strides: 2, padding: 'same', dataFormat: c.dataFormat } as const;
      const grouped = ops.conv(x, ops.reshape(k, [...new Array<number>(c.rank).fill(3), 1, 6]), { ...options, groups: 3 });
      assert.deepEqual(ops.depthwiseConv(x, k, options).dataSync(), grouped.dataSync());
    });
  });

  test('a rank-1 convolution is the 2D one with a unit height', () => {
    const x = random([2, 7, 4], 1);
    const k = random([3, 2, 6], 2);
    const y = ops.conv(x, k, { padding: [[2, 0]], dilationRate: 2, groups: 2 });
    const y2 = ops.conv2d(ops.reshape(x, [2, 1, 7, 4]), ops.reshape(k, [1, 3, 2, 6]), { padding: [[0, 0], [2, 0]], dilationRate: [1, 2], groups: 2 });
    assert.deepEqual(y.dataSync(), y2.dataSync());
  });

  product({ rank: [1, 3] as const, strides: [1, 2] as const, padding: ['valid', 'same'] as const, dataFormat: ['channels_last', 'channels_first'] as const }).forEach((c, i) => {
    test(`the transposed convolution is the adjoint of the convolution: ${caseName(c)}`, () => {
      const spatial = c.rank === 1 ? [5] : [3, 4, 3];
      const x = random(c.dataFormat === 'channels_last' ? [2, ...spatial, 3] : [2, 3, ...spatial], i);
      const kernel = random([...new Array<number>(c.rank).fill(3), 2, 3], 50 + i);
      const options = { strides: c.strides, padding: c.padding, dataFormat: c.dataFormat };
      const y = ops.convTranspose(x, kernel, options);
      const z = random([...y.shape], 100 + i);
      // <convT(x, K), z> = <x, conv(z, K)>: conv on the transposed output's shape gives back x's shape.
      const back = ops.conv(z, kernel, options);
      assert.deepEqual(back.shape, x.shape);
      assert.ok(Math.abs(dot(y, z).item() - dot(x, back).item()) < 1e-10 * (1 + Math.abs(dot(y, z).item())));
    });
  });
});

describe('gradients of the ops of ranks 1 and 3 vs central differences (float64)', () => {
  product({ rank: [1, 3] as const, dataFormat: ['channels_last', 'channels_first'] as const }).forEach((c, i) => {
    const spatial = c.rank === 1 ? [6] : [3, 4, 3];
    const taps = new Array<number>(c.rank).fill(2);
    const x = random(c.dataFormat === 'channels_last' ? [2, ...spatial, 4] : [2, 4, ...spatial], i);
    test(`conv, groups 2, strided, bias: ${caseName(c)}`, () => {
      const k = random([...taps, 2, 4], 10 + i);
      const b = random([4], 20 + i);
      const ct = random([...ops.conv(x, k, { strides: 2, padding: 'same', dataFormat: c.dataFormat, groups: 2 }).shape], 30 + i);
      checkGradients(() => dot(ops.conv(x, k, { strides: 2, padding: 'same', dataFormat: c.dataFormat, groups: 2, bias: b }), ct), [x, k, b], BILINEAR);
    });
    test(`depthwiseConv, multiplier 2, dilated: ${caseName(c)}`, () => {
      const k = random([...taps, 4, 2], 40 + i);
      const ct = random([...ops.depthwiseConv(x, k, { dilationRate: 2, padding: 'same', dataFormat: c.dataFormat }).shape], 50 + i);
      checkGradients(() => dot(ops.depthwiseConv(x, k, { dilationRate: 2, padding: 'same', dataFormat: c.dataFormat }), ct), [x, k], BILINEAR);
    });
    test(`convTranspose, output padding, bias: ${caseName(c)}`, () => {
      const k = random([...taps, 3, 4], 60 + i);
      const b = random([3], 70 + i);
      const options = { strides: 2, outputPadding: 1, dataFormat: c.dataFormat, bias: b };
      const ct = random([...ops.convTranspose(x, k, options).shape], 80 + i);
      checkGradients(() => dot(ops.convTranspose(x, k, options), ct), [x, k, b], BILINEAR);
    });
    test(`maxPool and avgPool, 'same': ${caseName(c)}`, () => {
      const options = { poolSize: 2, strides: 1, padding: 'same', dataFormat: c.dataFormat } as const;
      const ct = random([...ops.maxPool(x, options).shape], 90 + i);
      // Max pooling is piecewise linear: a small step stays within one piece for random (tie-free) inputs.
      checkGradients(() => dot(ops.maxPool(x, options), ct), [x], { rtol: 1e-6, atol: 1e-8, eps: 1e-6 });
      checkGradients(() => dot(ops.avgPool(x, options), ct), [x], BILINEAR);
    });
  });
});

describe('conv with groups = input channels (Keras depthwise spelling) runs on the depthwise kernels', () => {
  // 'same' with stride 1 takes the depthwise route; the equal explicit padding stays on the grouped path,
  // so the two must agree in value and in every gradient.
  for (const [rank, multiplier, channelsFirst] of [[2, 1, false], [2, 2, false], [1, 1, false], [3, 2, false], [2, 1, true]] as const) {
    test(`rank ${rank}, ${multiplier} filter(s) per channel${channelsFirst ? ', channels_first' : ''}`, () => {
      const random = mulberry32(rank * 10 + multiplier);
      const channels = 3;
      const spatial = Array<number>(rank).fill(rank === 3 ? 4 : 6);
      const xShape = channelsFirst ? [2, channels, ...spatial] : [2, ...spatial, channels];
      const x = tensor(randomArray(xShape.reduce((a, b) => a * b, 1), random), xShape, 'float64');
      const kernel = tensor(randomArray(3 ** rank * channels * multiplier, random), [...Array<number>(rank).fill(3), 1, channels * multiplier], 'float64');
      const bias = tensor(randomArray(channels * multiplier, random), [channels * multiplier], 'float64');
      const dataFormat = channelsFirst ? 'channels_first' : 'channels_last';
      const run = (padding: 'same' | [number, number][]) => ops.conv(x, kernel, { padding, groups: channels, bias, dataFormat });
      const explicit = Array.from({ length: rank }, () => [1, 1] as [number, number]);
      const a = run('same');
      const b = run(explicit);
      assert.deepEqual(a.shape, b.shape);
      assertClose(a.dataSync(), b.dataSync());
      const probe = tensor(randomArray(a.size, random), a.shape, 'float64');
      const gradsOf = (padding: 'same' | [number, number][]) => valueAndGrads(() => ops.sum(ops.mul(run(padding), probe)), [x, kernel, bias]).grads;
      gradsOf('same').forEach((g, i) => assertClose(g.dataSync(), gradsOf(explicit)[i].dataSync()));
    });
  }
});

function assertClose(a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-12 + 1e-9 * Math.abs(b[i]), `at ${i}: ${a[i]} vs ${b[i]}`);
}
