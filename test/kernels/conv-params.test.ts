// The convolution geometry (one params module for every rank, grouped and depthwise, and the 2D slots'
// params derived from it), the shape checks made where it is resolved, the transposed convolution's
// lengths and paddings, and hand-computed kernel values.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InternalError, ShapeError } from '../../src/errors.js';
import type { ConvOptions, ConvParams } from '../../src/kernels/conv/index.js';
import {
  convBackwardBias,
  convBackwardInput,
  convBackwardKernel,
  convForward,
  convInputShape,
  convOutputShape,
  convTransposeForwardPadding,
  convTransposeOutputLength,
  resolveConvParams,
  resolveConvTransposeParams,
  resolveDepthwiseConvParams,
  typescriptConvKernels,
} from '../../src/kernels/conv/index.js';
import type { Conv2dParams } from '../../src/kernels/conv2d/index.js';
import { conv2dParamsOf, convParamsOfConv2d, resolveConv2dParams } from '../../src/kernels/conv2d/index.js';
import type { DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { convOutputLength, convParamsOfDepthwise, depthwiseConv2dParamsOf, resolveDepthwiseConv2dParams, samePadding } from '../../src/kernels/depthwise-conv2d/index.js';
import type { Padding } from '../../src/kernels/window.js';

const options2d: ConvOptions = { strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: 2 };

describe('conv params: one geometry for every rank', () => {
  test('resolves the full 2D geometry, groups included, for both data formats', () => {
    const last = resolveConvParams([2, 4, 5, 6], [3, 4, 3, 8], options2d);
    const expected: ConvParams = {
      rank: 2, batch: 2, inChannels: 6, outChannels: 8, groups: 2, inChannelsPerGroup: 3, outChannelsPerGroup: 4,
      inSize: [4, 5], kernelSize: [3, 4], strides: [2, 1], dilations: [1, 1], padBefore: [0, 1], padAfter: [1, 2],
      outSize: [2, 5], dataFormat: 'channels_last',
    };
    assert.deepEqual(last, expected);
    assert.deepEqual(convOutputShape(last), [2, 2, 5, 8]);
    assert.deepEqual(convInputShape(last), [2, 4, 5, 6]);
    const first = resolveConvParams([2, 6, 4, 5], [3, 4, 3, 8], { ...options2d, dataFormat: 'channels_first' });
    assert.deepEqual(first, { ...expected, dataFormat: 'channels_first' });
    assert.deepEqual(convOutputShape(first), [2, 8, 2, 5]);
  });

  test('ranks 1 and 3, explicit padding with a negative after', () => {
    const p1 = resolveConvParams([3, 9, 2], [3, 2, 4], { strides: [2], dilationRate: [1], padding: 'valid', dataFormat: 'channels_last' });
    assert.deepEqual([p1.rank, p1.outSize, p1.outChannels], [1, [4], 4]);
    const q = resolveConvParams([1, 3, 4, 8, 8], [3, 3, 3, 3, 6], { strides: [1, 2, 2], dilationRate: [1, 1, 1], padding: 'same', dataFormat: 'channels_first' });
    assert.deepEqual([q.rank, q.inSize, q.outSize, q.padBefore, q.padAfter], [3, [4, 8, 8], [4, 4, 4], [1, 0, 0], [1, 1, 1]]);
    const causal = resolveConvParams([1, 5, 1], [3, 1, 1], { strides: [1], dilationRate: [2], padding: [[4, -1]], dataFormat: 'channels_last' });
    assert.deepEqual([causal.padBefore, causal.padAfter, causal.outSize], [[4], [-1], [4]]);
  });

  test('a depthwise kernel [...k, C, dm] is the grouped kernel [...k, 1, C * dm] with groups = C', () => {
    const p = resolveDepthwiseConvParams([1, 6, 3], [3, 3, 2], { strides: [1], dilationRate: [1], padding: 'same', dataFormat: 'channels_last' });
    assert.deepEqual([p.groups, p.inChannelsPerGroup, p.outChannelsPerGroup, p.outChannels], [3, 1, 2, 6]);
    assert.deepEqual(p, resolveConvParams([1, 6, 3], [3, 1, 6], { strides: [1], dilationRate: [1], padding: 'same', dataFormat: 'channels_last', groups: 3 }));
  });

  test("the 2D slots' params are derived from the rank-generic ones and back, rank 1 as a unit height", () => {
    const p2 = resolveConvParams([2, 4, 5, 6], [3, 4, 3, 8], options2d);
    const c2 = conv2dParamsOf(p2);
    const expected: Conv2dParams = {
      batch: 2, inHeight: 4, inWidth: 5, inChannels: 6, kernelHeight: 3, kernelWidth: 4, groups: 2, inChannelsPerGroup: 3,
      outChannelsPerGroup: 4, strideHeight: 2, strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padBottom: 1,
      padLeft: 1, padRight: 2, outHeight: 2, outWidth: 5, outChannels: 8, dataFormat: 'channels_last',
    };
    assert.deepEqual(c2, expected);
    assert.deepEqual(convParamsOfConv2d(c2), p2);
    assert.deepEqual(resolveConv2dParams([2, 4, 5, 6], [3, 4, 3, 8], { ...options2d, strides: [2, 1], dilationRate: [1, 1] }), expected);
    const p1 = resolveConvParams([1, 2, 7], [3, 2, 4], { strides: [2], dilationRate: [1], padding: 'same', dataFormat: 'channels_first' });
    const lifted = conv2dParamsOf(p1);
    assert.deepEqual([lifted.inHeight, lifted.kernelHeight, lifted.strideHeight, lifted.padTop, lifted.padBottom, lifted.outHeight], [1, 1, 1, 0, 0, 1]);
    assert.deepEqual([lifted.inWidth, lifted.outWidth, lifted.padLeft, lifted.padRight], [7, 4, 1, 1]);

    const d = resolveDepthwiseConvParams([2, 4, 5, 3], [3, 4, 3, 2], { strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const dw: DepthwiseConv2dParams = {
      batch: 2, inHeight: 4, inWidth: 5, inChannels: 3, kernelHeight: 3, kernelWidth: 4, depthMultiplier: 2, strideHeight: 2,
      strideWidth: 1, dilationHeight: 1, dilationWidth: 1, padTop: 0, padBottom: 1, padLeft: 1, padRight: 2, outHeight: 2,
      outWidth: 5, outChannels: 6, dataFormat: 'channels_last',
    };
    assert.deepEqual(depthwiseConv2dParamsOf(d), dw);
    assert.deepEqual(convParamsOfDepthwise(dw), d);
    assert.deepEqual(resolveDepthwiseConv2dParams([2, 4, 5, 3], [3, 4, 3, 2], { strides: [2, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' }), dw);
  });

  test('params assert (internal errors) the options the front end validates; they do not re-validate them', () => {
    const bad: Array<Partial<ConvOptions>> = [{ strides: [0, 1] }, { dilationRate: [1, 1.5] }, { padding: 'full' as Padding }, { dataFormat: 'NHWC' as never }, { groups: 0 }, { strides: [1, 1, 1] }];
    for (const b of bad) assert.throws(() => resolveConvParams([1, 5, 5, 4], [3, 3, 2, 6], { ...options2d, ...b }), InternalError, JSON.stringify(b));
  });

  const badShapes: Array<{ name: string; input?: number[]; kernel?: number[]; options?: Partial<ConvOptions>; message: RegExp }> = [
    { name: 'rank-3 input for a 2D convolution', input: [5, 5, 4], message: /`inputShape`: received \[5,5,4\]; expected a rank-4 shape \[batch, height, width, channels\]/ },
    { name: 'zero height', input: [1, 0, 5, 4], message: /`inputShape\[1\]`: received 0/ },
    { name: 'kernel of the wrong rank', kernel: [3, 3, 2], message: /`kernelShape`/ },
    { name: 'groups not dividing the channels', options: { groups: 3 }, kernel: [3, 3, 1, 6], message: /`groups`: received 3; expected a divisor of both the 4 input channels/ },
    { name: 'groups not dividing the filters', kernel: [3, 3, 2, 5], message: /`groups`.*5 filters/ },
    { name: 'kernel channels', kernel: [3, 3, 4, 6], message: /`kernelShape\[2\]`: received 4; expected 2/ },
    { name: "'valid' window larger than the input", kernel: [6, 3, 2, 6], options: { padding: 'valid' }, message: /input height 5.*dilated kernel height 6.*output height 0/ },
    { name: 'explicit padding cropping everything', options: { padding: [[0, -3], [0, 0]], strides: [1, 1] }, kernel: [3, 3, 2, 6], message: /output height 0/ },
  ];
  for (const bad of badShapes) {
    test(`shape check: ${bad.name}`, () => {
      assert.throws(() => resolveConvParams(bad.input ?? [1, 5, 5, 4], bad.kernel ?? [3, 3, 2, 6], { ...options2d, ...bad.options }), (err: unknown) => {
        assert.ok(err instanceof ShapeError, `expected ShapeError, got ${String(err)}`);
        assert.match((err as Error).message, bad.message);
        return true;
      });
    });
  }

  test('depthwise: the kernel must have the input channels', () => {
    assert.throws(() => resolveDepthwiseConvParams([1, 2, 5, 5], [3, 3, 3, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat: 'channels_first' }), /`kernelShape\[2\]`: received 3; expected 2 to match the 2 channels/);
  });
});

describe('window arithmetic', () => {
  test('samePadding splits TensorFlow-style, extra pixel after', () => {
    const table: Array<[number, number, number, number, [number, number]]> = [
      [4, 3, 2, 1, [0, 1]], [5, 4, 1, 1, [1, 2]], [5, 3, 1, 1, [1, 1]], [5, 3, 1, 2, [2, 2]], [6, 2, 2, 1, [0, 0]],
      [7, 3, 3, 1, [1, 1]], [6, 1, 2, 1, [0, 0]], [2, 5, 1, 1, [2, 2]], [1, 2, 1, 3, [1, 2]],
    ];
    for (const [n, k, s, d, expected] of table) assert.deepEqual(samePadding(n, k, s, d), expected, [n, k, s, d].join());
  });

  test('convOutputLength follows the Keras rule, with dilation', () => {
    const table: Array<[number, number, number, number, Padding, number]> = [
      [10, 3, 1, 1, 'valid', 8], [10, 3, 1, 2, 'valid', 6], [10, 3, 2, 1, 'valid', 4], [9, 3, 2, 1, 'valid', 4], [7, 3, 2, 2, 'valid', 2],
      [5, 5, 1, 1, 'valid', 1], [4, 3, 1, 2, 'valid', 0], [10, 3, 1, 2, 'same', 10], [10, 3, 3, 1, 'same', 4], [2, 5, 2, 1, 'same', 1],
    ];
    for (const [n, k, s, d, padding, expected] of table) assert.equal(convOutputLength(n, k, s, d, padding), expected, [n, k, s, d, padding].join());
  });

  test('an empty axis gives no output; window options the front end let through are a bug', () => {
    assert.equal(convOutputLength(0, 3, 1, 1, 'valid'), -2);
    assert.equal(convOutputLength(0, 3, 2, 1, 'same'), 0);
    const bad: Array<[number, number, number, number, Padding]> = [[-1, 3, 1, 1, 'valid'], [5, 0, 1, 1, 'valid'], [5, 3, 1.5, 1, 'same'], [5, 3, 1, 0, 'same'], [5, 3, 1, 1, 'full' as Padding]];
    for (const [n, k, s, d, padding] of bad) assert.throws(() => convOutputLength(n, k, s, d, padding), InternalError, [n, k, s, d, padding].join());
  });

  test('transposed-convolution lengths and paddings follow Keras (JAX backend)', () => {
    // [in, k, s, d, padding, outputPadding] -> [length, forward before, forward after], as printed by Keras's
    // _get_output_shape_given_tf_padding and _convert_conv_transpose_padding_args_from_keras_to_jax.
    const table: Array<[number, number, number, number, Padding, number | null, number, number, number]> = [
      [4, 3, 2, 1, 'valid', null, 9, 0, 0], [4, 3, 2, 1, 'valid', 1, 10, 0, -1], [4, 2, 3, 1, 'valid', null, 12, 0, -1],
      [4, 3, 2, 1, 'same', null, 8, 0, 1], [4, 3, 2, 1, 'same', 1, 8, 0, 1], [4, 4, 2, 1, 'same', null, 8, 1, 1],
      [5, 3, 1, 2, 'same', null, 5, 2, 2], [3, 1, 2, 1, 'same', 0, 5, 0, 0],
    ];
    for (const [n, k, s, d, padding, op, length, before, after] of table) {
      assert.equal(convTransposeOutputLength(n, k, s, d, padding, op), length, `length ${[n, k, s, d, padding, op].join()}`);
      assert.deepEqual(convTransposeForwardPadding(k, s, d, padding, op), [before, after], `padding ${[n, k, s, d, padding, op].join()}`);
      const K = (k - 1) * d + 1;
      assert.equal(Math.floor((length + before + after - K) / s) + 1, n);
    }
  });

  test('the transposed geometry of any rank is the forward convolution of the transposed output', () => {
    const p = resolveConvTransposeParams([1, 4, 3, 5, 2], [3, 3, 2, 5, 2], { strides: [2, 1, 2], dilationRate: [1, 1, 1], padding: 'same', outputPadding: null, dataFormat: 'channels_last' });
    assert.deepEqual([p.inSize, p.outSize, p.inChannels, p.outChannels], [[8, 3, 10], [4, 3, 5], 5, 2]);
    assert.throws(() => resolveConvTransposeParams([1, 4, 2], [3, 5, 3], { strides: [1], dilationRate: [1], padding: 'valid', outputPadding: null, dataFormat: 'channels_last' }), /kernel's last axis \(3\) must equal the 2 input channels/);
  });
});

describe('convolution kernels: hand-computed values', () => {
  const p = (input: number[], kernel: number[], o: Partial<ConvOptions>): ConvParams =>
    resolveConvParams(input, kernel, { strides: kernel.slice(0, -2).map(() => 1), dilationRate: kernel.slice(0, -2).map(() => 1), padding: 'valid', dataFormat: 'channels_last', ...o });

  test('groups: filter f reads only the input channels of its group', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const q = p(dataFormat === 'channels_last' ? [1, 1, 1, 4] : [1, 4, 1, 1], [1, 1, 2, 2], { dataFormat, groups: 2 });
      const out = new Float64Array(2);
      convForward(q, new Float64Array([1, 2, 30, 40]), new Float64Array([1, 10, 1, 10]), new Float64Array([0.5, 0]), out);
      assert.deepEqual([...out], [1 + 2 + 0.5, 300 + 400], dataFormat);
    }
  });

  test('depthwise: output channel c*dm+m is input channel c times kernel[.., c, m]', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const q = resolveDepthwiseConvParams(dataFormat === 'channels_last' ? [1, 1, 1, 2] : [1, 2, 1, 1], [1, 1, 2, 2], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat });
      const out = new Float64Array(4);
      convForward(q, new Float64Array([1, 10]), new Float64Array([2, 3, 5, 7]), new Float64Array([0.5, 0, 0, 0]), out);
      assert.deepEqual([...out], [2.5, 3, 50, 70], dataFormat);
    }
  });

  test("'same' with stride 2 pads TensorFlow-style: the extra row goes at the bottom", () => {
    const q = p([1, 4, 1, 1], [3, 1, 1, 1], { strides: [2, 1], padding: 'same' });
    const out = new Float64Array(2);
    convForward(q, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 10, 100]), null, out);
    assert.deepEqual([...out], [1 + 20 + 300, 3 + 40]);
  });

  test('explicit causal padding: output t sees inputs t, t-d, ... only', () => {
    const q = p([1, 4, 1], [2, 1, 1], { dilationRate: [2], padding: [[2, 0]] });
    const out = new Float64Array(4);
    convForward(q, new Float64Array([1, 2, 3, 4]), new Float64Array([10, 1]), null, out);
    assert.deepEqual([...out], [1, 2, 13, 24]);
  });

  test('a 3D window sums over depth, height and width', () => {
    // x = 1..8 in a 2x2x2 cube, a 2x2x2 kernel of ones: one output, the sum 36.
    const q = p([1, 2, 2, 2, 1], [2, 2, 2, 1, 1], {});
    const out = new Float64Array(1);
    convForward(q, Float64Array.from({ length: 8 }, (_, i) => i + 1), new Float64Array(8).fill(1), null, out);
    assert.deepEqual([...out], [36]);
  });

  test('float32 outputs are rounded to float32 as they accumulate', () => {
    const q = p([1, 1, 3, 1], [1, 3, 1, 1], {});
    const out = new Float32Array(1);
    convForward(q, new Float32Array([0.1, 0.2, 0.3]), new Float32Array([1, 1, 1]), null, out);
    assert.equal(out[0], Math.fround(Math.fround(Math.fround(0.1) + Math.fround(0.2)) + Math.fround(0.3)));
  });

  test('the TypeScript kernel table holds the four kernels', () => {
    assert.equal(typescriptConvKernels.forward, convForward);
    assert.equal(typescriptConvKernels.backwardBias, convBackwardBias);
  });

  test('kernels reject buffers of the wrong length', () => {
    const q = p([1, 3, 3, 2], [2, 2, 2, 3], {});
    const x = new Float64Array(18);
    const k = new Float64Array(24);
    const y = new Float64Array(12);
    assert.throws(() => convForward(q, new Float64Array(17), k, null, y), ShapeError);
    assert.throws(() => convForward(q, x, k, new Float64Array(2), y), /`bias` has 2 elements; expected 3/);
    assert.throws(() => convForward(q, x, k, null, new Float64Array(9)), /`out`/);
    assert.throws(() => convBackwardInput(q, y, new Float64Array(4), x), /`kernel`/);
    assert.throws(() => convBackwardKernel(q, x, y, new Float64Array(9)), /`dkernel`/);
    assert.throws(() => convBackwardBias(q, new Float64Array(7), new Float64Array(3)), /`dy`/);
  });
});
