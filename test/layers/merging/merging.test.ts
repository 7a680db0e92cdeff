// Add and Concatenate: the layer contract, Keras 3.15's outputs and configs (fixture section `merging` of
// applications.json), the differentiable concat op, functional graphs with a residual, and errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { concat } from '../../../src/ops/concat.js';
import { Add, Concatenate, layerAdd, layerConcatenate } from '../../../src/layers/merging/index.js';
import { layerConv2d } from '../../../src/layers/convolutional/index.js';
import { clearSession, InvalidArgumentError, kerasModel, layerInput, ops, ShapeError, tensor, valueAndGrads } from '../../../src/index.js';
import type { Tensor } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { assertAllClose } from '../../helpers/close.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';

interface MergeCase {
  class: 'Add' | 'Concatenate';
  kwargs: { axis?: number };
  inputs: [number[], number[]][];
  output_shape: number[];
  output: number[];
}
const fixture = loadKerasFixture<{ merging: { configs: Record<string, Config>; cases: MergeCase[]; shapes: Record<string, (number | null)[]> } }>(
  'applications.json',
).merging;

beforeEach(() => clearSession());

describe('layer contract', () => {
  test('Add: equal shapes, three inputs, broadcasting a 1 and a lower rank', () => {
    for (const inputShape of [[[2, 3, 4], [2, 3, 4]], [[2, 4, 3], [2, 4, 3], [2, 4, 3]], [[2, 1, 3], [2, 4, 3]], [[2, 3], [2, 4, 3]]]) {
      runLayerTest({ make: (dtype) => new Add({ dtype }), fromConfig: Add.fromConfig, inputShape, expectedOutputShape: [2, ...inputShape[inputShape.length - 1].slice(1)], expectedWeightShapes: [] });
    }
  });

  test('Concatenate: last axis, axis 1, axis -2, channels_first channels and the batch axis', () => {
    const cases: [number, number[][], number[]][] = [
      [-1, [[2, 4, 4, 3], [2, 4, 4, 5]], [2, 4, 4, 8]],
      [1, [[2, 3, 5], [2, 1, 5], [2, 2, 5]], [2, 6, 5]],
      [-2, [[2, 3, 5], [2, 4, 5]], [2, 7, 5]],
      [1, [[2, 3, 4, 4], [2, 2, 4, 4]], [2, 5, 4, 4]], // channels_first images joined on channels
      [0, [[2, 3], [1, 3]], [3, 3]],
    ];
    for (const [axis, inputShape, expectedOutputShape] of cases) {
      runLayerTest({ make: (dtype) => new Concatenate({ axis, dtype }), fromConfig: Concatenate.fromConfig, inputShape, expectedOutputShape, expectedWeightShapes: [] });
    }
  });
});

describe('Keras 3.15', () => {
  test('outputs equal Keras on every fixture case', () => {
    for (const c of fixture.cases) {
      const inputs = c.inputs.map(([shape, data]) => tensor(data, shape));
      const layer = c.class === 'Add' ? new Add() : new Concatenate(c.kwargs);
      const y = layer.apply(inputs);
      assert.deepEqual(y.shape, c.output_shape);
      assertAllClose(y.dataSync(), c.output, { rtol: 1e-6, atol: 1e-6 }, `${c.class} ${JSON.stringify(c.kwargs)}`);
    }
  });

  test('get_config is exactly Keras', () => {
    assert.deepEqual(new Add().getConfig(), fixture.configs.add_default);
    assert.deepEqual(new Add({ name: 'block_2_add', dtype: 'float64' }).getConfig(), fixture.configs.add_named);
    assert.deepEqual(new Concatenate().getConfig(), fixture.configs.concatenate_default);
    assert.deepEqual(new Concatenate({ axis: 1, name: 'cat' }).getConfig(), fixture.configs.concatenate_axis1);
    assert.deepEqual(Concatenate.fromConfig(fixture.configs.concatenate_axis1).getConfig(), fixture.configs.concatenate_axis1);
  });

  test('symbolic output shapes equal compute_output_shape', () => {
    assert.deepEqual(new Add().computeOutputShapes([[null, 4, 3], [null, 1, 3]]), fixture.shapes.add_sym);
    assert.deepEqual(new Concatenate({ axis: 1 }).computeOutputShapes([[null, 4, 3], [null, 2, 3]]), fixture.shapes.concat_sym);
    assert.deepEqual(new Concatenate({ axis: 1 }).computeOutputShapes([[null, null, 3], [null, 2, 3]]), fixture.shapes.concat_sym_unknown);
  });
});

describe('concat op', () => {
  test('gradients are the slices of the output gradient', () => {
    const a = tensor([1, 2, 3, 4], [2, 2], 'float64');
    const b = tensor([5, 6], [2, 1], 'float64');
    const w = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(concat([a, b], 1), w)), [a, b]);
    assert.deepEqual(Array.from(grads[0].dataSync()), [1, 2, 4, 5]);
    assert.deepEqual(Array.from(grads[1].dataSync()), [3, 6]);
  });

  test('int32 tensors concatenate; mismatched shapes, dtypes and axes are refused', () => {
    assert.deepEqual(Array.from(concat([tensor([1, 2], [2], 'int32'), tensor([3], [1], 'int32')]).dataSync()), [1, 2, 3]);
    assert.throws(() => concat([tensor([1, 2], [1, 2]), tensor([1, 2, 3], [1, 3])], 0), ShapeError);
    assert.throws(() => concat([tensor([1], [1]), tensor([1], [1], 'float64')]), InvalidArgumentError);
    assert.throws(() => concat([tensor([1], [1])], 1), InvalidArgumentError);
    assert.throws(() => concat([]), InvalidArgumentError);
  });
});

describe('functional graphs', () => {
  test('a residual block: layerAdd([input, branch]) replays in a functional model', () => {
    const inputs = layerInput({ shape: [4, 4, 2], dtype: 'float64' });
    const branch = layerConv2d(inputs, { filters: 2, kernelSize: 3, padding: 'same', dtype: 'float64' });
    const joined = layerConcatenate([layerAdd([inputs, branch], { name: 'res_add', dtype: 'float64' }), inputs], { axis: -1, dtype: 'float64' });
    const model = kerasModel({ inputs, outputs: joined });
    assert.deepEqual(model.layers.map((l) => l.className), ['InputLayer', 'Conv2D', 'Add', 'Concatenate']);
    assert.deepEqual(joined.shape, [null, 4, 4, 4]);
    const x = tensor(Array.from({ length: 32 }, (_, i) => Math.sin(i)), [1, 4, 4, 2], 'float64');
    const y: Tensor = model.predict(x);
    const direct = ops.add(x, model.getLayer('conv2d').apply(x));
    assertAllClose(ops.reshape(y, [16, 4]).dataSync().filter((_, i) => i % 4 < 2), direct.dataSync(), { rtol: 1e-12, atol: 1e-12 }, 'residual');
  });

  test('layerAdd without an object returns the layer; with tensors it computes', () => {
    assert.ok(layerAdd() instanceof Add);
    assert.ok(layerConcatenate({ axis: 1 }) instanceof Concatenate);
    assert.deepEqual(Array.from(layerAdd([tensor([1, 2], [1, 2]), tensor([3, 4], [1, 2])]).dataSync()), [4, 6]);
  });
});

describe('errors', () => {
  test('one input is refused (Keras 2 rule; Keras 3.15 passes a single tensor through)', () => {
    assert.throws(() => new Add().apply([tensor([1, 2], [1, 2])]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'inputs');
    assert.throws(() => new Concatenate().apply([tensor([1, 2], [1, 2])]), InvalidArgumentError);
    assert.throws(() => new Add().apply(tensor([1, 2], [1, 2])), InvalidArgumentError);
  });

  test('incompatible shapes, batch sizes and ranks', () => {
    assert.throws(() => layerAdd([layerInput({ shape: [4] }), layerInput({ shape: [5] })]), /Inputs have incompatible shapes/);
    assert.throws(() => new Add().apply([tensor([1, 2], [2, 1]), tensor([1, 2, 3], [3, 1])]), /different batch sizes/);
    assert.throws(() => layerConcatenate([layerInput({ shape: [4, 3] }), layerInput({ shape: [5, 3] })]), ShapeError);
    assert.throws(() => layerConcatenate([layerInput({ shape: [4, 3] }), layerInput({ shape: [3] })]), ShapeError);
  });

  test('axis out of range and non-integer axis', () => {
    assert.throws(() => layerConcatenate([layerInput({ shape: [4] }), layerInput({ shape: [4] })], { axis: 2 }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axis');
    assert.throws(() => layerConcatenate([layerInput({ shape: [4] }), layerInput({ shape: [4] })], { axis: -3 }), InvalidArgumentError);
    assert.throws(() => new Concatenate({ axis: 1.5 }), InvalidArgumentError);
    assert.throws(() => Concatenate.fromConfig({ name: 'c', axis: 1, bogus: 2 }), InvalidArgumentError);
    assert.throws(() => new Add().computeOutputShape([null, 3]), InvalidArgumentError);
  });
});
