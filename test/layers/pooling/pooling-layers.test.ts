// The pooling layers' Keras contract: runLayerTest (shapes, symbolic/eager, config round trip, float32 and
// float64, finite-difference gradients), defaults, data-format default, composition through `object`.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { clearSession, kerasModelSequential, layerInput, setImageDataFormat, tensor, zeros } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import type { Pooling2DOptions } from '../../../src/layers/pooling/index.js';
import {
  AveragePooling2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  MaxPooling2D,
  layerAveragePooling2d,
  layerGlobalAveragePooling2d,
  layerGlobalMaxPooling2d,
  layerMaxPooling2d,
} from '../../../src/layers/pooling/index.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName } from '../../helpers/product.js';

beforeEach(() => clearSession());
afterEach(() => setImageDataFormat(null));

// Random uniform inputs have no ties, so max pooling is differentiable at every sampled point.
const POOLING: Array<{ options: Pooling2DOptions & { poolSize: number | number[] }; inputShape: number[]; out: number[] }> = [
  { options: { poolSize: 2 }, inputShape: [2, 6, 6, 3], out: [2, 3, 3, 3] },
  { options: { poolSize: 3, strides: 2, padding: 'same' }, inputShape: [1, 7, 5, 2], out: [1, 4, 3, 2] },
  { options: { poolSize: [2, 3], strides: [1, 2], padding: 'valid', dataFormat: 'channels_first' }, inputShape: [2, 3, 5, 7], out: [2, 3, 4, 3] },
  { options: { poolSize: 4, strides: 1, padding: 'same' }, inputShape: [1, 2, 3, 2], out: [1, 2, 3, 2] },
  { options: { poolSize: [3, 1], padding: 'same', dataFormat: 'channels_first' }, inputShape: [1, 2, 5, 1], out: [1, 2, 2, 1] },
];

describe('MaxPooling2D and AveragePooling2D layer contract', () => {
  for (const { options, inputShape, out } of POOLING) {
    for (const [name, make, fromConfig] of [
      ['MaxPooling2D', (o: Pooling2DOptions) => new MaxPooling2D(o), (c: Config) => MaxPooling2D.fromConfig(c)],
      ['AveragePooling2D', (o: Pooling2DOptions) => new AveragePooling2D({ poolSize: 2, ...o }), (c: Config) => AveragePooling2D.fromConfig(c)],
    ] as const) {
      test(`${name} ${caseName({ ...options })} on ${inputShape.join('x')}`, () => {
        runLayerTest({
          make: (dtype) => make({ ...options, dtype }),
          fromConfig,
          inputShape,
          expectedOutputShape: out,
          expectedWeightShapes: [],
        });
      });
    }
  }
});

describe('global pooling layer contract', () => {
  for (const [name, make, fromConfig] of [
    ['GlobalAveragePooling2D', (o: object) => new GlobalAveragePooling2D(o), (c: Config) => GlobalAveragePooling2D.fromConfig(c)],
    ['GlobalMaxPooling2D', (o: object) => new GlobalMaxPooling2D(o), (c: Config) => GlobalMaxPooling2D.fromConfig(c)],
  ] as const) {
    for (const [options, out] of [
      [{}, [2, 4]],
      [{ keepdims: true }, [2, 1, 1, 4]],
      [{ dataFormat: 'channels_first' }, [2, 3]],
      [{ dataFormat: 'channels_first', keepdims: true }, [2, 3, 1, 1]],
    ] as const) {
      test(`${name} ${caseName(options)}`, () => {
        runLayerTest({ make: (dtype) => make({ ...options, dtype }), fromConfig, inputShape: [2, 3, 5, 4], expectedOutputShape: [...out] });
      });
    }
  }
});

describe('pooling defaults and configs', () => {
  test("MaxPooling2D defaults: pool 2, strides = pool size, 'valid', channels_last (Keras's get_config)", () => {
    assert.deepEqual(new MaxPooling2D().getConfig(), {
      name: 'max_pooling2d',
      trainable: true,
      dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null },
      pool_size: [2, 2],
      padding: 'valid',
      strides: [2, 2],
      data_format: 'channels_last',
    });
    const avg = new AveragePooling2D({ poolSize: [3, 2], strides: null, padding: 'SAME' });
    assert.deepEqual([avg.name, avg.strides, avg.padding], ['average_pooling2d', [3, 2], 'same']);
    assert.deepEqual(new GlobalMaxPooling2D().getConfig().keepdims, false);
  });

  test('dataFormat defaults to imageDataFormat()', () => {
    setImageDataFormat('channels_first');
    for (const layer of [new MaxPooling2D(), new AveragePooling2D({ poolSize: 2 }), new GlobalAveragePooling2D(), new GlobalMaxPooling2D()]) {
      assert.equal(layer.dataFormat, 'channels_first', layer.className);
    }
    assert.deepEqual(new MaxPooling2D().apply(zeros([1, 3, 4, 6])).shape, [1, 3, 2, 3]);
  });

  test('symbolic shapes keep unknown dimensions', () => {
    const layer = new MaxPooling2D({ poolSize: 3, padding: 'same' });
    assert.deepEqual(layer.computeOutputShape([null, null, 7, 2]), [null, null, 3, 2]);
    assert.deepEqual(new GlobalAveragePooling2D({ keepdims: true }).computeOutputShape([null, null, null, 5]), [null, 1, 1, 5]);
  });

  test('values: max and same-padded average at the borders', () => {
    const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1], 'float64');
    assert.deepEqual([...new MaxPooling2D({ poolSize: 2, strides: 1 }).apply(x).dataSync()], [5, 6, 8, 9]);
    const avg = new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same', dtype: 'float64' }).apply(x);
    assert.deepEqual([...avg.dataSync()], [3, 4, 4.5, 6, 7, 7.5, 7.5, 8.5, 9]);
    assert.deepEqual([...new GlobalMaxPooling2D().apply(x).dataSync()], [9]);
    assert.deepEqual([...new GlobalAveragePooling2D().apply(x).dataSync()], [5]);
  });
});

describe('pooling layer functions compose with object', () => {
  test('nothing, a Sequential model, a symbolic tensor, a tensor', () => {
    assert.ok(layerMaxPooling2d({}) instanceof MaxPooling2D);
    assert.ok(layerAveragePooling2d({ poolSize: 2 }) instanceof AveragePooling2D);
    const model = kerasModelSequential({ inputShape: [8, 8, 3] });
    layerMaxPooling2d(model, { poolSize: 2 });
    layerAveragePooling2d(model, { poolSize: 2, padding: 'same' });
    layerGlobalAveragePooling2d(model, {});
    assert.deepEqual(model.predict(zeros([2, 8, 8, 3])).shape, [2, 3]);
    const input = layerInput({ shape: [6, 6, 4] });
    assert.deepEqual(layerGlobalMaxPooling2d(input, { keepdims: true }).shape, [null, 1, 1, 4]);
    assert.deepEqual(layerMaxPooling2d(zeros([1, 4, 4, 2]), { poolSize: 2 }).shape, [1, 2, 2, 2]);
  });
});
