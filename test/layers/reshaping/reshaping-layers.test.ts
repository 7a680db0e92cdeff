// The reshaping layers' Keras contract: runLayerTest (shapes, symbolic/eager, config round trip, float32
// and float64, finite-difference gradients), defaults and configs, data-format default, composition.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { clearSession, kerasModelSequential, layerInput, setImageDataFormat, tensor, zeros } from '../../../src/index.js';
import type { Layer } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import {
  Cropping1D,
  Cropping2D,
  UpSampling1D,
  UpSampling2D,
  ZeroPadding1D,
  ZeroPadding2D,
  layerCropping1d,
  layerCropping2d,
  layerUpsampling1d,
  layerUpsampling2d,
  layerZeroPadding1d,
  layerZeroPadding2d,
} from '../../../src/layers/reshaping/index.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName } from '../../helpers/product.js';

beforeEach(() => clearSession());
afterEach(() => setImageDataFormat(null));

type Make = (options: Record<string, unknown>) => Layer;
const F32 = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

const CASES: Array<{ name: string; make: Make; fromConfig: (c: Config) => Layer; options: Record<string, unknown>; inputShape: number[]; out: number[] }> = [
  { name: 'ZeroPadding2D', make: (o) => new ZeroPadding2D(o), fromConfig: (c) => ZeroPadding2D.fromConfig(c), options: {}, inputShape: [2, 3, 4, 2], out: [2, 5, 6, 2] },
  { name: 'ZeroPadding2D', make: (o) => new ZeroPadding2D(o), fromConfig: (c) => ZeroPadding2D.fromConfig(c), options: { padding: [[1, 2], [0, 3]], dataFormat: 'channels_first' }, inputShape: [1, 2, 3, 3], out: [1, 2, 6, 6] },
  { name: 'ZeroPadding1D', make: (o) => new ZeroPadding1D(o), fromConfig: (c) => ZeroPadding1D.fromConfig(c), options: { padding: [2, 0] }, inputShape: [2, 4, 3], out: [2, 6, 3] },
  { name: 'ZeroPadding1D', make: (o) => new ZeroPadding1D(o), fromConfig: (c) => ZeroPadding1D.fromConfig(c), options: { dataFormat: 'channels_first' }, inputShape: [2, 3, 4], out: [2, 3, 6] },
  { name: 'Cropping2D', make: (o) => new Cropping2D(o), fromConfig: (c) => Cropping2D.fromConfig(c), options: { cropping: [[1, 0], [2, 1]] }, inputShape: [2, 5, 6, 2], out: [2, 4, 3, 2] },
  { name: 'Cropping2D', make: (o) => new Cropping2D(o), fromConfig: (c) => Cropping2D.fromConfig(c), options: { cropping: [1, 2], dataFormat: 'channels_first' }, inputShape: [1, 2, 4, 5], out: [1, 2, 2, 1] },
  { name: 'Cropping1D', make: (o) => new Cropping1D(o), fromConfig: (c) => Cropping1D.fromConfig(c), options: {}, inputShape: [2, 5, 3], out: [2, 3, 3] },
  { name: 'UpSampling2D', make: (o) => new UpSampling2D(o), fromConfig: (c) => UpSampling2D.fromConfig(c), options: {}, inputShape: [1, 2, 3, 2], out: [1, 4, 6, 2] },
  { name: 'UpSampling2D', make: (o) => new UpSampling2D(o), fromConfig: (c) => UpSampling2D.fromConfig(c), options: { size: [3, 2], interpolation: 'bilinear' }, inputShape: [2, 3, 2, 2], out: [2, 9, 4, 2] },
  { name: 'UpSampling2D', make: (o) => new UpSampling2D(o), fromConfig: (c) => UpSampling2D.fromConfig(c), options: { size: 2, interpolation: 'Bilinear', dataFormat: 'channels_first' }, inputShape: [1, 3, 2, 3], out: [1, 3, 4, 6] },
  { name: 'UpSampling2D', make: (o) => new UpSampling2D(o), fromConfig: (c) => UpSampling2D.fromConfig(c), options: { size: [1, 3], dataFormat: 'channels_first' }, inputShape: [1, 2, 2, 2], out: [1, 2, 2, 6] },
  { name: 'UpSampling1D', make: (o) => new UpSampling1D(o), fromConfig: (c) => UpSampling1D.fromConfig(c), options: { size: 3 }, inputShape: [2, 3, 2], out: [2, 9, 2] },
];

describe('reshaping layer contract', () => {
  for (const c of CASES) {
    test(`${c.name} ${caseName(c.options)} on ${c.inputShape.join('x')}`, () => {
      runLayerTest({
        make: (dtype) => c.make({ ...c.options, dtype }),
        fromConfig: c.fromConfig,
        inputShape: c.inputShape,
        expectedOutputShape: c.out,
        expectedWeightShapes: [],
      });
    });
  }
});

describe('reshaping defaults and configs (Keras get_config)', () => {
  test('defaults', () => {
    const base = (name: string) => ({ name, trainable: true, dtype: F32 });
    assert.deepEqual(new ZeroPadding2D().getConfig(), { ...base('zero_padding2d'), padding: [[1, 1], [1, 1]], data_format: 'channels_last' });
    assert.deepEqual(new ZeroPadding1D().getConfig(), { ...base('zero_padding1d'), padding: [1, 1], data_format: 'channels_last' });
    assert.deepEqual(new Cropping2D().getConfig(), { ...base('cropping2d'), cropping: [[0, 0], [0, 0]], data_format: 'channels_last' });
    assert.deepEqual(new Cropping1D().getConfig(), { ...base('cropping1d'), cropping: [1, 1] });
    assert.deepEqual(new UpSampling2D().getConfig(), { ...base('up_sampling2d'), size: [2, 2], data_format: 'channels_last', interpolation: 'nearest' });
    assert.deepEqual(new UpSampling1D().getConfig(), { ...base('up_sampling1d'), size: 2 });
  });

  test('the padding and cropping forms normalise as in Keras', () => {
    assert.deepEqual(new ZeroPadding2D({ padding: 2 }).padding, [[2, 2], [2, 2]]);
    assert.deepEqual(new ZeroPadding2D({ padding: [2, 1] }).padding, [[2, 2], [1, 1]]);
    assert.deepEqual(new ZeroPadding2D({ padding: [[0, 1], 3] }).padding, [[0, 1], [3, 3]]);
    assert.deepEqual(new Cropping2D({ cropping: [1, [0, 2]] }).cropping, [[1, 1], [0, 2]]);
    // One [before, after] pair per spatial axis for every rank (the config keeps Keras's flat 1D pair).
    assert.deepEqual(new Cropping1D({ cropping: 2 }).cropping, [[2, 2]]);
    assert.equal(new UpSampling2D({ interpolation: 'BILINEAR' }).interpolation, 'bilinear');
  });

  test('dataFormat defaults to imageDataFormat() (Cropping1D and UpSampling1D have none)', () => {
    setImageDataFormat('channels_first');
    for (const layer of [new ZeroPadding2D(), new ZeroPadding1D(), new Cropping2D(), new UpSampling2D()]) {
      assert.equal(layer.dataFormat, 'channels_first', layer.className);
    }
    assert.deepEqual(new ZeroPadding1D().apply(zeros([1, 2, 3])).shape, [1, 2, 5]);
  });

  test('symbolic shapes keep unknown dimensions', () => {
    assert.deepEqual(new ZeroPadding2D().computeOutputShape([null, null, 4, 2]), [null, null, 6, 2]);
    assert.deepEqual(new Cropping2D({ cropping: 1 }).computeOutputShape([null, 5, null, 2]), [null, 3, null, 2]);
    assert.deepEqual(new UpSampling2D().computeOutputShape([null, null, 3, 2]), [null, null, 6, 2]);
    assert.deepEqual(new UpSampling1D().computeOutputShape([null, null, 2]), [null, null, 2]);
  });

  test('values: nearest repeats, bilinear interpolates with half-pixel centres (Keras values)', () => {
    const x = tensor([0, 1, 2, 3, 4, 5], [1, 2, 3, 1], 'float64');
    const near = new UpSampling2D({ size: [1, 2] }).apply(x);
    assert.deepEqual([...near.dataSync()], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const bilinear = new UpSampling2D({ size: [2, 1], interpolation: 'bilinear', dtype: 'float64' }).apply(x);
    assert.deepEqual([...bilinear.dataSync()], [0, 1, 2, 0.75, 1.75, 2.75, 2.25, 3.25, 4.25, 3, 4, 5]);
    assert.deepEqual([...new Cropping2D({ cropping: [[0, 1], [1, 0]] }).apply(x).dataSync()], [1, 2]);
    assert.deepEqual([...new ZeroPadding1D({ padding: [1, 0] }).apply(tensor([1, 2], [1, 2, 1])).dataSync()], [0, 1, 2]);
  });
});

describe('reshaping layer functions compose with object', () => {
  test('nothing, a Sequential model, a symbolic tensor, a tensor', () => {
    assert.ok(layerZeroPadding2d({}) instanceof ZeroPadding2D);
    assert.ok(layerCropping1d({ cropping: 1 }) instanceof Cropping1D);
    const model = kerasModelSequential({ inputShape: [4, 4, 2] });
    layerZeroPadding2d(model, { padding: 1 });
    layerCropping2d(model, { cropping: [[2, 0], [0, 2]] });
    layerUpsampling2d(model, { size: 2, interpolation: 'bilinear' });
    assert.deepEqual(model.predict(zeros([3, 4, 4, 2])).shape, [3, 8, 8, 2]);
    const seq = layerInput({ shape: [5, 3] });
    assert.deepEqual(layerUpsampling1d(layerZeroPadding1d(seq, { padding: 1 }), { size: 2 }).shape, [null, 14, 3]);
    assert.deepEqual(layerCropping1d(zeros([1, 5, 3]), { cropping: [0, 1] }).shape, [1, 4, 3]);
  });
});
