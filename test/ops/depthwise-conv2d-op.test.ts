import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import type { DepthwiseConv2dOpOptions } from '../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { caseName, product } from '../helpers/product.js';

function rand(shape: readonly number[], rng: () => number, dtype: 'float32' | 'float64' = 'float64'): Tensor {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), rng), [...shape], dtype);
}

describe('ops.depthwiseConv2d gradients vs finite differences (float64)', () => {
  const cases = product({
    padding: ['valid', 'same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
    strides: [1, 2],
    dilation: [1, 2],
    depthMultiplier: [1, 2],
  }).filter((c) => !(c.strides !== 1 && c.dilation !== 1));
  for (const c of cases) {
    test(caseName(c), () => {
      const rng = mulberry32(31);
      const [n, h, w, ch] = [2, 6, 7, 3];
      const x = rand(c.dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w], rng);
      const kernel = rand([3, 2, ch, c.depthMultiplier], rng);
      const bias = rand([ch * c.depthMultiplier], rng);
      const options = { strides: c.strides, padding: c.padding, dilationRate: c.dilation, dataFormat: c.dataFormat, bias };
      const y = ops.depthwiseConv2d(x, kernel, options);
      assert.equal(y.dtype, 'float64');
      const ct = rand(y.shape, rng);
      checkGradients(() => ops.sum(ops.mul(ops.depthwiseConv2d(x, kernel, options), ct)), [x, kernel, bias], {
        rtol: 1e-6,
        atol: 1e-8,
        maxElements: 48,
      });
    });
  }

  test('without bias: gradients w.r.t. x and kernel; the bias adds per channel', () => {
    const rng = mulberry32(32);
    const x = rand([1, 4, 4, 2], rng);
    const kernel = rand([2, 2, 2, 1], rng);
    const bias = tensor([0.5, -1], undefined, 'float64');
    const plain = ops.depthwiseConv2d(x, kernel);
    assert.deepEqual(plain.shape, [1, 3, 3, 2]);
    const biased = ops.depthwiseConv2d(x, kernel, { bias });
    const diff = ops.sub(biased, plain).dataSync();
    for (let i = 0; i < diff.length; i++) assertAllClose([diff[i]], [i % 2 === 0 ? 0.5 : -1], { rtol: 1e-12, atol: 1e-12 });
    checkGradients(() => ops.sum(ops.square(ops.depthwiseConv2d(x, kernel))), [x, kernel], { rtol: 1e-6, atol: 1e-8 });
    const { grads } = valueAndGrads(() => ops.sum(ops.depthwiseConv2d(x, kernel, { bias })), [bias]);
    assert.deepEqual([...grads[0].dataSync()], [9, 9]);
  });
});

describe('ops.depthwiseConv2d dtypes and options', () => {
  test('float32 x with a float64 kernel gives float64, gradients in each input dtype', () => {
    const rng = mulberry32(33);
    const x = rand([1, 4, 4, 2], rng, 'float32');
    const kernel = rand([3, 3, 2, 1], rng, 'float64');
    const bias = rand([2], rng, 'float32');
    const y = ops.depthwiseConv2d(x, kernel, { padding: 'same', bias });
    assert.equal(y.dtype, 'float64');
    assert.deepEqual(y.shape, [1, 4, 4, 2]);
    const ref = ops.depthwiseConv2d(ops.cast(x, 'float64'), kernel, { padding: 'same', bias: ops.cast(bias, 'float64') });
    assertAllClose(y.dataSync(), ref.dataSync(), { rtol: 0, atol: 0 });
    const { grads } = valueAndGrads(() => ops.sum(ops.depthwiseConv2d(x, kernel, { padding: 'same', bias })), [x, kernel, bias]);
    assert.deepEqual(
      grads.map((g) => g.dtype),
      ['float32', 'float64', 'float32'],
    );
    assert.deepEqual([...grads[2].dataSync()], [16, 16]);
  });

  test('float32 inputs give float32', () => {
    const rng = mulberry32(34);
    const y = ops.depthwiseConv2d(rand([1, 3, 3, 1], rng, 'float32'), rand([2, 2, 1, 2], rng, 'float32'));
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(y.shape, [1, 2, 2, 2]);
  });

  test('padding is case-insensitive', () => {
    const rng = mulberry32(35);
    const x = rand([1, 5, 5, 2], rng);
    const k = rand([3, 3, 2, 1], rng);
    const lower = ops.depthwiseConv2d(x, k, { padding: 'same' });
    for (const padding of ['SAME', 'Same']) {
      const y = ops.depthwiseConv2d(x, k, { padding });
      assert.deepEqual(y.shape, [1, 5, 5, 2]);
      assert.deepEqual([...y.dataSync()], [...lower.dataSync()]);
    }
    assert.deepEqual(ops.depthwiseConv2d(x, k, { padding: 'VALID' }).shape, [1, 3, 3, 2]);
  });

  test('tuple strides and dilation', () => {
    const rng = mulberry32(36);
    const x = rand([1, 7, 8, 1], rng);
    const k = rand([2, 3, 1, 1], rng);
    assert.deepEqual(ops.depthwiseConv2d(x, k, { strides: [2, 3] }).shape, [1, 3, 2, 1]);
    assert.deepEqual(ops.depthwiseConv2d(x, k, { dilationRate: [3, 1] }).shape, [1, 4, 6, 1]);
  });

  const x = tensor(new Float64Array(2 * 5 * 5 * 3), [2, 5, 5, 3]);
  const k = tensor(new Float64Array(3 * 3 * 3), [3, 3, 3, 1]);
  const bad: Array<[string, DepthwiseConv2dOpOptions, string]> = [
    ['strides 0', { strides: 0 }, 'strides'],
    ['strides 1.5', { strides: 1.5 }, 'strides'],
    ['strides of 3', { strides: [1, 1, 1] }, 'strides'],
    ['strides string', { strides: '2' as unknown as number }, 'strides'],
    ['dilationRate -1', { dilationRate: -1 }, 'dilationRate'],
    ['dilationRate [1]', { dilationRate: [1] }, 'dilationRate'],
    ['padding full', { padding: 'full' }, 'padding'],
    ['padding number', { padding: 1 as unknown as string }, 'padding'],
    ['dataFormat NHWC', { dataFormat: 'NHWC' as 'channels_last' }, 'dataFormat'],
    ['bias wrong length', { bias: tensor([1, 2]) }, 'bias'],
    ['bias wrong rank', { bias: tensor([[1, 2, 3]]) }, 'bias'],
  ];
  for (const [name, options, argument] of bad) {
    test(`bad option names \`${argument}\`: ${name}`, () => {
      assert.throws(
        () => ops.depthwiseConv2d(x, k, options),
        (e: unknown) =>
          e instanceof InvalidArgumentError && e.argument === argument && e.message.includes(`\`${argument}\``) && /depthwiseConv2d/.test(e.message),
      );
    });
  }

  test('bad shapes throw ShapeError naming the shape', () => {
    assert.throws(() => ops.depthwiseConv2d(tensor([1, 2, 3]), k), (e: unknown) => e instanceof ShapeError && /inputShape/.test(e.message));
    assert.throws(() => ops.depthwiseConv2d(x, tensor(new Float64Array(9), [3, 3, 1])), (e: unknown) => e instanceof ShapeError && /kernelShape/.test(e.message));
    assert.throws(
      () => ops.depthwiseConv2d(x, tensor(new Float64Array(18), [3, 3, 2, 1])),
      (e: unknown) => e instanceof ShapeError && /kernelShape\[2\]/.test(e.message),
    );
    assert.throws(() => ops.depthwiseConv2d(x, tensor(new Float64Array(6 * 6 * 3), [6, 6, 3, 1])), (e: unknown) => e instanceof ShapeError && /smaller than/.test(e.message));
  });

  test('int32 inputs are rejected naming `x`', () => {
    assert.throws(
      () => ops.depthwiseConv2d(tensor(new Int32Array(25 * 3), [1, 5, 5, 3]), tensor(new Int32Array(27), [3, 3, 3, 1])),
      (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'x',
    );
  });
});
