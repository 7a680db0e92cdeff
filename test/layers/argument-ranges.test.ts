// Every numeric argument is range-checked where it is given: absurd values (1e308, 2^32, NaN, Infinity,
// fractions, negatives, anything above 2^24) are refused at construction with an error naming the
// argument, so none reaches a kernel as a WebAssembly trap; the largest accepted value still constructs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  InvalidArgumentError,
  kerasModelSequential,
  layerConv1d,
  layerConv2d,
  layerConv2dTranspose,
  layerCropping1d,
  layerCropping2d,
  layerDense,
  layerDepthwiseConv1d,
  layerDepthwiseConv2d,
  layerDropout,
  layerMaxPooling2d,
  layerAveragePooling2d,
  layerReshape,
  layerSeparableConv2d,
  layerUpsampling1d,
  layerUpsampling2d,
  layerZeroPadding1d,
  layerZeroPadding2d,
  ops,
  tensor,
} from '../../src/index.js';
import { MAX_SIZE_ARGUMENT } from '../../src/utils/arguments.js';

const ABSURD = [1e308, 2 ** 32, 2 ** 32 + 1, MAX_SIZE_ARGUMENT + 1, Number.NaN, Infinity, 1.5];

/** [layer function, the options that make it valid, the argument under test]. */
const CASES: readonly [string, (options: Record<string, unknown>) => unknown, Record<string, unknown>, string][] = [
  ['Conv2D', layerConv2d as never, { filters: 2, kernelSize: 3 }, 'filters'],
  ['Conv2D', layerConv2d as never, { filters: 2, kernelSize: 3 }, 'kernelSize'],
  ['Conv2D', layerConv2d as never, { filters: 2, kernelSize: 3 }, 'strides'],
  ['Conv2D', layerConv2d as never, { filters: 2, kernelSize: 3 }, 'dilationRate'],
  ['Conv1D', layerConv1d as never, { filters: 2, kernelSize: 3 }, 'strides'],
  ['Conv2DTranspose', layerConv2dTranspose as never, { filters: 2, kernelSize: 3 }, 'strides'],
  ['DepthwiseConv2D', layerDepthwiseConv2d as never, { kernelSize: 3 }, 'depthMultiplier'],
  ['DepthwiseConv2D', layerDepthwiseConv2d as never, { kernelSize: 3 }, 'strides'],
  ['DepthwiseConv2D', layerDepthwiseConv2d as never, { kernelSize: 3 }, 'dilationRate'],
  ['DepthwiseConv1D', layerDepthwiseConv1d as never, { kernelSize: 3 }, 'kernelSize'],
  ['SeparableConv2D', layerSeparableConv2d as never, { filters: 2, kernelSize: 3 }, 'depthMultiplier'],
  ['Dense', layerDense as never, { units: 2 }, 'units'],
  ['MaxPooling2D', layerMaxPooling2d as never, {}, 'poolSize'],
  ['AveragePooling2D', layerAveragePooling2d as never, { poolSize: 2 }, 'strides'],
  ['ZeroPadding2D', layerZeroPadding2d as never, {}, 'padding'],
  ['ZeroPadding1D', layerZeroPadding1d as never, {}, 'padding'],
  ['Cropping2D', layerCropping2d as never, {}, 'cropping'],
  ['Cropping1D', layerCropping1d as never, {}, 'cropping'],
  ['UpSampling2D', layerUpsampling2d as never, {}, 'size'],
  ['UpSampling1D', layerUpsampling1d as never, {}, 'size'],
];

describe('numeric arguments are range-checked at construction', () => {
  for (const [className, make, valid, argument] of CASES) {
    test(`${className} ${argument}: ${ABSURD.length} absurd values refused naming the argument; ${MAX_SIZE_ARGUMENT} accepted`, () => {
      for (const bad of ABSURD) {
        assert.throws(
          () => make({ ...valid, [argument]: bad }),
          (e: unknown) => e instanceof InvalidArgumentError && e.argument === argument && e.message.includes(String(MAX_SIZE_ARGUMENT)),
          `${className}({ ${argument}: ${bad} })`,
        );
      }
      // Stride and dilation together are the documented contract's error, not a range error.
      if (argument !== 'dilationRate') make({ ...valid, [argument]: MAX_SIZE_ARGUMENT });
    });
  }

  test('Reshape, Dropout noiseShape and input shapes refuse dimensions above the bound', () => {
    assert.throws(() => layerReshape({ targetShape: [2 ** 32] }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'targetShape');
    assert.throws(() => layerDropout({ rate: 0.5, noiseShape: [null, 1e308] }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'noiseShape');
    assert.throws(() => kerasModelSequential({ inputShape: [2 ** 32, 4] }), InvalidArgumentError);
    assert.throws(() => layerDense({ units: 2, inputShape: [1e308] }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'inputShape');
    assert.throws(() => layerDense({ units: 2, batchSize: 1e308 }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'batchSize');
  });

  test('ops refuse the same values in their options (strides 2^32 is no divide-by-zero trap)', () => {
    const x = tensor(new Float32Array(2 * 5 * 5 * 3), [2, 5, 5, 3]);
    const k = tensor(new Float32Array(3 * 3 * 3), [3, 3, 3, 1]);
    for (const bad of ABSURD) {
      assert.throws(() => ops.depthwiseConv2d(x, k, { strides: bad }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'strides');
      assert.throws(() => ops.depthwiseConv2d(x, k, { dilationRate: bad }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'dilationRate');
      assert.throws(() => ops.maxPool2d(x, { poolSize: bad }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'poolSize');
    }
    // Huge but accepted strides compute (one output pixel), identically on every backend.
    assert.deepEqual(ops.depthwiseConv2d(x, k, { strides: MAX_SIZE_ARGUMENT }).shape, [2, 1, 1, 3]);
  });

  test('tensor shapes must count their elements exactly', () => {
    assert.throws(() => ops.reshape(tensor([1]), [2 ** 40, 2 ** 40]));
    assert.throws(() => tensor([1], [1.5]), InvalidArgumentError);
  });
});
