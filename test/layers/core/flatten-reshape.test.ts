// Flatten and Reshape: the layer contract, Keras 3.15 golden values (Flatten with channels_first moves the
// channel axis last first; Reshape's -1 inference and unknown dimensions), a naive reference, and errors.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, kerasModelSequential, layerInput, setImageDataFormat, ShapeError, tensor, zeros } from '../../../src/index.js';
import { Flatten, layerFlatten, layerReshape, Reshape } from '../../../src/layers/core/index.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName } from '../../helpers/product.js';

beforeEach(() => clearSession());
afterEach(() => setImageDataFormat('channels_last'));

interface FlattenCase { data_format: 'channels_first' | 'channels_last'; input_shape: number[]; x: number[]; output_shape: number[]; output: number[] }
interface ReshapeCase { target_shape: number[]; input_shape: number[]; output_shape: number[]; symbolic_output_shape: (number | null)[]; unknown_dim_output_shape: (number | null)[] | null }
const fixture = loadKerasFixture<{ flatten: FlattenCase[]; reshape: ReshapeCase[] }>('core_layers.json');

describe('Flatten', () => {
  for (const dataFormat of ['channels_last', 'channels_first'] as const) {
    test(`contract, ${dataFormat}`, () => {
      runLayerTest({ make: (dtype) => new Flatten({ dataFormat, dtype }), fromConfig: (c) => Flatten.fromConfig(c), inputShape: [2, 3, 2, 4], expectedOutputShape: [2, 24], expectedWeightShapes: [] });
    });
  }

  for (const c of fixture.flatten) {
    test(`matches Keras: ${caseName({ dataFormat: c.data_format, shape: c.input_shape })}`, () => {
      const y = new Flatten({ dataFormat: c.data_format, dtype: 'float64' }).apply(tensor(c.x, c.input_shape, 'float64'));
      assert.deepEqual(y.shape, c.output_shape);
      assertAllClose(y.dataSync(), c.output, { rtol: 0, atol: 0 });
    });
  }

  test('channels_first equals the naive NCHW → NHWC gather', () => {
    const [n, ch, h, w] = [2, 3, 2, 4];
    const x = tensor(Array.from({ length: n * ch * h * w }, (_, i) => i), [n, ch, h, w]);
    const expected: number[] = [];
    for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let c = 0; c < ch; c++) expected.push(((b * ch + c) * h + i) * w + j);
    assert.deepEqual([...new Flatten({ dataFormat: 'channels_first' }).apply(x).dataSync()], expected);
  });

  test('rank 1 gives [batch, 1]; unknown dims give null; default data format follows keras.json', () => {
    assert.deepEqual(new Flatten().apply(zeros([4])).shape, [4, 1]);
    assert.deepEqual(new Flatten().apply(layerInput({ batchShape: [null, null, 3] })).shape, [null, null]);
    assert.deepEqual(new Flatten().apply(zeros([0, 2, 3])).shape, [0, 6]);
    setImageDataFormat('channels_first');
    assert.equal(new Flatten().dataFormat, 'channels_first');
  });

  test('composition and errors', () => {
    const model = kerasModelSequential({ inputShape: [2, 3] });
    assert.equal(layerFlatten(model, {}), model);
    assert.deepEqual(model.outputs[0].shape, [null, 6]);
    assert.deepEqual(layerFlatten(zeros([2, 2, 2]), {}).shape, [2, 4]);
    assert.throws(() => new Flatten({ dataFormat: 'nhwc' as never }), (e: unknown) => e instanceof InvalidArgumentError && /`dataFormat`/.test(e.message) && /"nhwc"/.test(e.message));
    assert.throws(() => new Flatten().apply(tensor(3)), (e: unknown) => e instanceof ShapeError && /min_ndim=1/.test(e.message));
  });
});

describe('Reshape', () => {
  test('contract', () => {
    runLayerTest({ make: (dtype) => new Reshape({ targetShape: [4, -1], dtype }), fromConfig: (c) => Reshape.fromConfig(c), inputShape: [2, 3, 4], expectedOutputShape: [2, 4, 3] });
  });

  for (const c of fixture.reshape) {
    test(`matches Keras: ${caseName({ target: c.target_shape, input: c.input_shape })}`, () => {
      const layer = new Reshape({ targetShape: c.target_shape });
      const y = layer.apply(tensor(Array.from({ length: c.input_shape.reduce((a, b) => a * b, 1) }, (_, i) => i), c.input_shape));
      assert.deepEqual(y.shape, c.output_shape);
      assert.deepEqual([...y.dataSync()], Array.from({ length: y.size }, (_, i) => i), 'row-major order kept');
      assert.deepEqual(layer.computeOutputShape([null, ...c.input_shape.slice(1)]), c.symbolic_output_shape);
      if (c.unknown_dim_output_shape) assert.deepEqual(layer.computeOutputShape([null, null, ...c.input_shape.slice(2)]), c.unknown_dim_output_shape);
    });
  }

  test('composition', () => {
    const model = kerasModelSequential({ inputShape: [12] });
    layerReshape(model, { targetShape: [3, 2, -1] });
    assert.deepEqual(model.outputs[0].shape, [null, 3, 2, 2]);
  });

  test('argument and shape errors name the argument and the value', () => {
    for (const [targetShape, value] of [[[-1, -1], '[-1,-1]'], [[2, -2], '[2,-2]'], [[1.5], '[1.5]'], ['3', '"3"'], [undefined, 'undefined']] as const) {
      assert.throws(() => new Reshape({ targetShape } as never), (e: unknown) => e instanceof InvalidArgumentError && /`targetShape`/.test(e.message) && e.message.includes(value), String(value));
    }
    assert.equal(new Reshape({ targetShape: [1] }).name, 'reshape', 'rejected constructions consume no name');
    assert.throws(() => new Reshape({ targetShape: [5] }).apply(zeros([2, 6])), (e: unknown) => e instanceof ShapeError && /total size of the tensor must be unchanged/.test(e.message));
    assert.throws(() => new Reshape({ targetShape: [4, -1] }).apply(zeros([2, 6])), (e: unknown) => e instanceof ShapeError && /cannot be divided/.test(e.message));
    assert.throws(() => new Reshape({ targetShape: [5], inputShape: [6] }), ShapeError);
  });
});
