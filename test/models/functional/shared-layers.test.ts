// Shared layers (one layer called on several tensors) and what a layer tells about its calls:
// `layer.calls`, `input`/`output` (Keras 3: of the first call, no error for a shared layer — measured in
// 3.15, which has no get_output_at), `inputShape`/`outputShape`, weights counted once, and gradients from
// both uses summed in one step (checked against a float64 hand computation).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { Add, clearSession, Dense, InvalidArgumentError, kerasModel, layerInput, optimizers, tensor } from '../../../src/index.js';
import type { SymbolicTensor, Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

beforeEach(() => clearSession());

function siamese() {
  const left = layerInput({ shape: [4], name: 'left' });
  const right = layerInput({ shape: [4], name: 'right' });
  const shared = new Dense({ units: 3, name: 'shared' });
  const oa = shared.apply(left);
  const ob = shared.apply(right);
  const add = new Add({ name: 'sum' });
  const model = kerasModel({ inputs: [left, right], outputs: add.apply([oa, ob]) });
  return { model, shared, add, left, right, oa, ob };
}

describe('a layer called on two tensors', () => {
  test('records both calls, in order, with their inputs and outputs', () => {
    const { shared, left, right, oa, ob } = siamese();
    assert.equal(shared.calls.length, 2);
    assert.deepEqual(shared.calls[0].inputs, [left]);
    assert.deepEqual(shared.calls[1].inputs, [right]);
    assert.deepEqual(shared.calls[0].outputs, [oa]);
    assert.deepEqual(shared.calls[1].outputs, [ob]);
    assert.equal(oa.producer, shared.calls[0]);
    assert.equal(ob.producer.layer, shared);
  });

  test("input and output describe the first call, as Keras 3's (no error for a shared layer)", () => {
    const { shared, left, oa } = siamese();
    assert.equal(shared.input, left);
    assert.equal(shared.output, oa);
    assert.deepEqual(shared.inputShape, [null, 4]);
    assert.deepEqual(shared.outputShape, [null, 3]);
  });

  test('a merge layer has a list input and a single output; inputShape lists each shape', () => {
    const { add, oa, ob } = siamese();
    assert.deepEqual(add.input, [oa, ob]);
    assert.deepEqual(add.inputShape, [
      [null, 3],
      [null, 3],
    ]);
    assert.deepEqual(add.outputShape, [null, 3]);
  });

  test('a layer never called symbolically has no input or output, and says so', () => {
    const dense = new Dense({ units: 2, name: 'lonely' });
    dense.apply(tensor([1, 2], [1, 2])); // an eager call records no graph call
    assert.equal(dense.calls.length, 0);
    for (const read of [() => dense.input, () => dense.output, () => dense.inputShape, () => dense.outputShape]) {
      assert.throws(read, (e: unknown) => e instanceof InvalidArgumentError && /lonely/.test(e.message) && /has no defined (input|output) yet/.test(e.message));
    }
  });

  test('its weights are the model\'s once: weights, countParams and the layer list', () => {
    const { model, shared } = siamese();
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['left', 'right', 'shared', 'sum'],
    );
    assert.equal(model.weights.length, 2);
    assert.deepEqual(model.weights, shared.weights);
    assert.equal(model.countParams(), 4 * 3 + 3);
    assert.equal(model.trainableWeights.length, 2);
  });

  test('predict applies the same weights to both inputs', () => {
    const { model, shared } = siamese();
    const rng = mulberry32(1);
    const a = tensor(randomArray(10 * 4, rng), [10, 4]);
    const b = tensor(randomArray(10 * 4, rng), [10, 4]);
    const expected = new Add().apply([shared.apply(a), shared.apply(b)]);
    assertAllClose(model.predict([a, b]).dataSync(), expected.dataSync(), { rtol: 0, atol: 0 });
  });

  test('one SGD step sums the gradients of both uses (float64 hand computation)', () => {
    const left = layerInput({ shape: [3] });
    const right = layerInput({ shape: [3] });
    const shared = new Dense({ units: 1, useBias: false, dtype: 'float64' });
    const model = kerasModel({ inputs: [left, right], outputs: new Add({ dtype: 'float64' }).apply([shared.apply(left), shared.apply(right)]) });
    const lr = 0.1;
    model.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: 'mse' });
    const n = 5;
    const rng = mulberry32(9);
    const a = randomArray(n * 3, rng);
    const b = randomArray(n * 3, rng);
    const t = randomArray(n, rng);
    const w = [...shared.getWeights()[0].dataSync()];
    // s_i = w·(a_i + b_i); L = mean (s_i - t_i)²; dL/dw_k = 2/n Σ (s_i - t_i)(a_ik + b_ik)
    const grad = [0, 0, 0];
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += w[k] * (a[i * 3 + k] + b[i * 3 + k]);
      loss += (s - t[i]) ** 2 / n;
      for (let k = 0; k < 3; k++) grad[k] += (2 / n) * (s - t[i]) * (a[i * 3 + k] + b[i * 3 + k]);
    }
    const reported = model.trainOnBatch([tensor(a, [n, 3], 'float64'), tensor(b, [n, 3], 'float64')], tensor(t, [n, 1], 'float64')) as number;
    assertAllClose([reported], [loss], { rtol: 1e-12, atol: 0 });
    assertAllClose(
      shared.getWeights()[0].dataSync(),
      w.map((v, k) => v - lr * grad[k]),
      { rtol: 1e-12, atol: 1e-15 },
    );
  });

  test('sharing a layer across inputs of different shapes is refused at the second call', () => {
    const a = layerInput({ shape: [4] });
    const b = layerInput({ shape: [5] });
    const dense = new Dense({ units: 2 });
    dense.apply(a);
    assert.throws(() => dense.apply(b as SymbolicTensor));
    assert.equal(dense.calls.length, 1, 'the refused call is not recorded');
  });
});

describe('getLayer and feature extraction', () => {
  function net() {
    const input = layerInput({ shape: [4], name: 'in' });
    const h1 = new Dense({ units: 6, activation: 'relu', name: 'h1' }).apply(input);
    const h2 = new Dense({ units: 5, activation: 'tanh', name: 'h2' }).apply(h1);
    const out = new Dense({ units: 2, name: 'out' }).apply(h2);
    return kerasModel({ inputs: input, outputs: out });
  }

  test('getLayer by name and by index, with clear errors', () => {
    const model = net();
    assert.equal(model.getLayer('h2').name, 'h2');
    assert.equal(model.getLayer(0).name, 'in');
    assert.equal(model.getLayer(3).name, 'out');
    assert.throws(() => model.getLayer('h3'), /the name of a layer of model '.*': 'in', 'h1', 'h2', 'out'/);
    assert.throws(() => model.getLayer(4), /an integer in \[0, 4\)/);
    assert.throws(() => model.getLayer(1.5), InvalidArgumentError);
  });

  test("kerasModel({ inputs: model.inputs, outputs: model.getLayer('h1').output }) gives the layer's activations", () => {
    const model = net();
    const features = kerasModel({ inputs: model.inputs, outputs: model.getLayer('h1').output });
    const x = tensor(randomArray(8 * 4, mulberry32(4)), [8, 4]);
    const h1 = model.getLayer('h1').apply(x);
    assertAllClose(features.predict(x).dataSync(), h1.dataSync(), { rtol: 0, atol: 0 });
    // It shares the layers (and so the weights) with the model.
    assert.equal(features.getLayer('h1'), model.getLayer('h1'));
  });

  test('a feature extractor over every layer\'s output gives each layer\'s activation, chained eagerly', () => {
    const model = net();
    const all = kerasModel({ inputs: model.inputs, outputs: model.layers.map((l) => l.output as SymbolicTensor) });
    const x = tensor(randomArray(8 * 4, mulberry32(5)), [8, 4]);
    const outs = all.predict<Tensor[]>(x);
    assert.equal(outs.length, 4);
    assertAllClose(outs[0].dataSync(), x.dataSync(), { rtol: 0, atol: 0 });
    let current = x;
    for (let i = 1; i < 4; i++) {
      current = model.layers[i].apply(current);
      assertAllClose(outs[i].dataSync(), current.dataSync(), { rtol: 0, atol: 0 }, model.layers[i].name);
    }
  });
});
