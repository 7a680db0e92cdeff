// Sequential and functional models: summary() text identical to Keras 3.15's (fixture), weights and
// parameter counts, prediction in batches, deferred building, and input checks.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  clearSession,
  DepthwiseConv2D,
  kerasModel,
  kerasModelSequential,
  layerAdd,
  layerDepthwiseConv2d,
  layerInput,
  ShapeError,
  tensor,
  zeros,
} from '../../src/index.js';
import type { Model } from '../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface ModelFixture {
  model_name: string;
  layer_names: string[];
  count_params?: number;
  summary_default: { ok: boolean; result: { text: string } };
  weights: { path: string; shape: number[]; dtype: string; trainable: boolean }[];
}
const fixture = loadKerasFixture<{ models: Record<string, ModelFixture> }>('summary.json');

function summaryText(model: Model): string {
  const lines: string[] = [];
  model.summary({ printFn: (line) => lines.push(line) });
  return `${lines.join('\n')}\n`;
}

beforeEach(() => clearSession());

/** The fixture's models, rebuilt with our API exactly as generate.py builds them in Keras. */
const builders: Record<string, () => Model> = {
  a_sequential_float32: () => {
    const model = kerasModelSequential({ inputShape: [28, 28, 1] });
    return layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
  },
  b2_sequential_float64_layer_dtype: () => {
    const model = kerasModelSequential({ inputShape: [28, 28, 1], inputDtype: 'float64' });
    return layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu', dtype: 'float64' });
  },
  c_functional: () => {
    const inputs = layerInput({ shape: [16, 16, 3] });
    const hidden = layerDepthwiseConv2d(inputs, { kernelSize: 3, padding: 'same' });
    return kerasModel({ inputs, outputs: layerDepthwiseConv2d(hidden, { kernelSize: 3, strides: 2, depthMultiplier: 2 }) });
  },
  d_sequential_trainable_false: () => {
    const model = kerasModelSequential({ inputShape: [10, 10, 4] });
    layerDepthwiseConv2d(model, { kernelSize: 3, trainable: false });
    return layerDepthwiseConv2d(model, { kernelSize: 1, depthMultiplier: 2 });
  },
  e_sequential_unbuilt: () => layerDepthwiseConv2d(kerasModelSequential(), { kernelSize: 3 }),
  f_sequential_input_shape_kwarg: () => layerDepthwiseConv2d(kerasModelSequential(), { kernelSize: 3, inputShape: [6, 6, 2] }),
};

describe('models match Keras 3.15', () => {
  for (const [id, build] of Object.entries(builders)) {
    test(id, () => {
      const expected = fixture.models[id];
      assert.ok(expected, `fixture has ${id}`);
      const model = build();
      assert.equal(model.name, expected.model_name);
      assert.equal(summaryText(model), expected.summary_default.result.text);
      assert.deepEqual(
        model.layers.map((l) => l.name),
        expected.layer_names,
      );
      if (expected.count_params !== undefined) assert.equal(model.countParams(), expected.count_params);
      else assert.throws(() => model.countParams(), ShapeError);
      // Keras prefixes weight paths with the model's name scope; ours are the layer's own paths.
      assert.deepEqual(
        model.weights.map((w) => ({ path: w.path, shape: [...w.shape], dtype: w.dtype, trainable: w.trainable })),
        expected.weights.map((w) => ({ ...w, path: w.path.replace(/^(sequential|functional)\//, '') })),
      );
    });
  }
});

describe('Sequential', () => {
  test('predict runs in batches and gives what one big call gives', () => {
    const model = kerasModelSequential({ inputShape: [6, 6, 2] });
    layerDepthwiseConv2d(model, { kernelSize: 3, padding: 'same', activation: 'tanh' });
    layerDepthwiseConv2d(model, { kernelSize: 3, strides: 2, depthMultiplier: 3 });
    const x = tensor(randomArray(70 * 6 * 6 * 2, mulberry32(5)), [70, 6, 6, 2]);
    const batched = model.predict(x, { batchSize: 16 });
    const whole = model.predict(x, { batchSize: 100 });
    assert.deepEqual(batched.shape, [70, 2, 2, 6]);
    assertAllClose(batched.dataSync(), whole.dataSync(), { rtol: 0, atol: 0 });
  });

  test('without an input shape it builds on the first call, and then summarises like Keras', () => {
    const model = kerasModelSequential();
    layerDepthwiseConv2d(model, { kernelSize: 3 });
    assert.equal(model.built, false);
    model.predict(zeros([2, 5, 5, 3]));
    assert.equal(model.built, true);
    assert.deepEqual(model.outputs[0].shape, [null, 3, 3, 3]);
    assert.equal(model.countParams(), 30);
    assert.ok(summaryText(model).includes('(None, 3, 3, 3)'));
  });

  test('an incompatible layer is refused at add, and the model is unchanged', () => {
    const model = kerasModelSequential({ inputShape: [4, 4, 2] });
    layerDepthwiseConv2d(model, { kernelSize: 3 });
    assert.throws(() => layerDepthwiseConv2d(model, { kernelSize: 3 }), ShapeError);
    assert.equal(model.layers.length, 1);
    assert.deepEqual(model.outputs[0].shape, [null, 2, 2, 2]);
  });

  test('inputs of the wrong shape are refused with the expected shape in the message', () => {
    const model = kerasModelSequential({ inputShape: [4, 4, 2] });
    layerDepthwiseConv2d(model, { kernelSize: 3 });
    assert.throws(() => model.predict(zeros([1, 5, 5, 2])), /expected shape \(None, 4, 4, 2\)/);
  });

  test('layers: [layerInput(...), ...layers] builds at once, as keras.Sequential([keras.Input(shape), ...])', () => {
    const model = kerasModelSequential({ layers: [layerInput({ shape: [5, 5, 3] }), new DepthwiseConv2D({ kernelSize: 3 })] });
    assert.equal(model.built, true);
    assert.deepEqual(model.outputs[0].shape, [null, 3, 3, 3]);
    assert.equal(model.layers.length, 1);
  });

  test('a first layer that is a model gives the input shape once a second layer comes, as Keras 3 _maybe_rebuild', () => {
    const inputs = layerInput({ shape: [4, 4, 2] });
    const base = kerasModel({ inputs, outputs: layerDepthwiseConv2d(inputs, { kernelSize: 3 }) });
    const model = kerasModelSequential({ layers: [base] });
    assert.equal(model.built, false); // one layer: Keras leaves it unbuilt too
    model.add(new DepthwiseConv2D({ kernelSize: 2 }));
    assert.equal(model.built, true);
    assert.deepEqual(model.outputs[0].shape, [null, 1, 1, 2]);
    assert.equal(model.countParams(), base.countParams() + 2 * 4 + 2);
    assert.ok(summaryText(model).includes('(None, 1, 1, 2)'));
    // A layer that does not fit is refused and leaves the model unbuilt, as it was.
    const other = kerasModelSequential({ layers: [base] });
    assert.throws(() => other.add(new DepthwiseConv2D({ kernelSize: 3 })), ShapeError);
    assert.equal(other.built, false);
    assert.equal(other.layers.length, 1);
  });

  test('model.trainable = false freezes every layer', () => {
    const model = builders.a_sequential_float32();
    model.trainable = false;
    assert.equal(model.trainableWeights.length, 0);
    assert.equal(model.nonTrainableWeights.length, 2);
    assert.equal((model.layers[0] as DepthwiseConv2D).trainable, false);
  });
});

describe('functional models', () => {
  test('a layer called on two graphs shares its weights', () => {
    const shared = new DepthwiseConv2D({ kernelSize: 1 });
    const a = layerInput({ shape: [3, 3, 2] });
    const b = layerInput({ shape: [5, 5, 2] });
    const modelA = kerasModel({ inputs: a, outputs: shared.apply(a) });
    const modelB = kerasModel({ inputs: b, outputs: shared.apply(b) });
    assert.equal(modelA.weights[0], modelB.weights[0]);
  });

  test('outputs that do not come from the inputs are refused', () => {
    const a = layerInput({ shape: [3, 3, 2] });
    const b = layerInput({ shape: [3, 3, 2] });
    assert.throws(() => kerasModel({ inputs: a, outputs: layerDepthwiseConv2d(b, { kernelSize: 1 }) }), /outputs/);
  });
});

describe('computeOutputShape of a functional graph with a merge', () => {
  test('comes from the graph, with the batch size of the given shape', () => {
    const inputs = layerInput({ shape: [6, 6, 2] });
    const branch = layerDepthwiseConv2d(inputs, { kernelSize: 3, padding: 'same' });
    const model = kerasModel({ inputs, outputs: layerAdd([inputs, branch]) });
    assert.deepEqual(model.computeOutputShape([5, 6, 6, 2]), [5, 6, 6, 2]);
    assert.throws(() => model.computeOutputShape([5, 7, 6, 2]), ShapeError);
  });
});
