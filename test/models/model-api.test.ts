/**
 * Keras's model-level names: toJson / modelFromJson, Model/Sequential/Functional.fromConfig(getConfig()),
 * cloneModel, a Sequential built from another model's layers, and the Metric and Optimizer methods Keras
 * users call by hand (updateState / result / resetState, apply(grads, vars)).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cloneModel, Dense, Functional, InputLayer, kerasModel, layerConcatenate, layerDense, layerInput, metrics, Model, modelFromJson, optimizers,
  Sequential, setRandomSeed, tensor, Variable,
} from '../../src/index.js';
import type { Tensor , Layer} from '../../src/index.js';

const values = (t: Tensor): number[] => Array.from(t.dataSync());
const outputs = (m: Model, x: Tensor | Tensor[]): number[][] => {
  const y = m.predict<Tensor | Tensor[]>(x);
  return (Array.isArray(y) ? y : [y]).map(values);
};

function sequential(): Sequential {
  return new Sequential({ name: 'stack', layers: [new InputLayer({ shape: [3] }), new Dense({ units: 4, activation: 'relu', name: 'h' }), new Dense({ units: 2, name: 'out' })] });
}

/** Two inputs, two outputs, a nested Sequential and a nested Functional. */
function multiIo(): Functional {
  const a = layerInput({ shape: [3], name: 'a' });
  const b = layerInput({ shape: [2], name: 'b' });
  const innerIn = layerInput({ shape: [4], name: 'inner_in' });
  const inner = kerasModel({ inputs: innerIn, outputs: layerDense(innerIn, { units: 2, name: 'inner_dense' }), name: 'inner_fn' });
  const stack = new Sequential({ name: 'inner_seq', layers: [new InputLayer({ shape: [3] }), new Dense({ units: 4, activation: 'tanh', name: 's1' })] });
  const h = stack.apply(a) as never;
  const y1 = inner.apply(h) as never;
  const y2 = layerDense(layerConcatenate([a, b], { name: 'cat' }), { units: 1, name: 'side' });
  return kerasModel({ inputs: [a, b], outputs: [y1, y2], name: 'multi' });
}

const xs = [tensor([[1, -2, 0.5], [0.3, 0.2, -1]]), tensor([[0.5, 1], [-1, 2]])];
const xSeq = tensor([[1, -2, 0.5], [0.3, 0.2, -1]]);

/** Every layer object of a model, nested models' included. */
function allLayers(m: Model): Layer[] {
  return m.layers.flatMap((l) => (l instanceof Model ? [l, ...allLayers(l)] : [l]));
}

describe('toJson, modelFromJson and fromConfig', () => {
  for (const [name, make, x] of [['Sequential', sequential, xSeq], ['multi-IO Functional with nested models', multiIo, xs]] as const) {
    it(`${name}: the config survives a round trip; layers are new and weights fresh`, () => {
      setRandomSeed(1);
      const model = make();
      const json = model.toJson();
      const parsed = JSON.parse(json) as { class_name: string; config: unknown };
      assert.equal(parsed.class_name, model instanceof Sequential ? 'Sequential' : 'Functional');
      assert.deepEqual(parsed.config, model.getConfig());
      for (const copy of [modelFromJson(json), Model.fromConfig(model.getConfig()), model instanceof Sequential ? Sequential.fromConfig(model.getConfig()) : Functional.fromConfig(model.getConfig())]) {
        assert.deepEqual(copy.getConfig(), model.getConfig());
        assert.equal(copy.toJson(), json);
        assert.equal(copy.constructor, model.constructor);
        const originals = new Set(allLayers(model));
        assert.ok(allLayers(copy).every((l) => !originals.has(l)), 'no layer is shared with the original');
        assert.notDeepEqual(copy.weights.map(values), model.weights.map(values));
        copy.setWeights(model.getWeights());
        assert.deepEqual(outputs(copy, x as never), outputs(model, x as never));
      }
    });
  }

  it('Sequential.fromConfig refuses a functional config, and fromConfig a non-object', () => {
    assert.throws(() => Sequential.fromConfig(multiIo().getConfig()), /Sequential config has no `layers`|Sequential/);
    assert.throws(() => Model.fromConfig(null as never), /invalid `config`/);
    assert.throws(() => modelFromJson('{"class_name": "Sequential"'), /model JSON/);
  });
});

describe('cloneModel', () => {
  for (const [name, make, x] of [['Sequential', sequential, xSeq], ['multi-IO Functional with nested models', multiIo, xs]] as const) {
    it(`${name}: same architecture and names, every layer re-created, fresh weights, not compiled, the original untouched`, () => {
      setRandomSeed(2);
      const model = make();
      model.compile({ optimizer: 'sgd', loss: 'mse' });
      const before = model.weights.map(values);
      const clone = cloneModel(model);
      assert.equal(clone.constructor, model.constructor);
      assert.equal(clone.name, model.name);
      assert.deepEqual(allLayers(clone).map((l) => [l.name, l.className]), allLayers(model).map((l) => [l.name, l.className]));
      assert.deepEqual(clone.getConfig(), model.getConfig());
      const originals = new Set(allLayers(model));
      assert.ok(allLayers(clone).every((l) => !originals.has(l)));
      assert.deepEqual(clone.weights.map((w) => w.shape), model.weights.map((w) => w.shape));
      assert.notDeepEqual(clone.weights.map(values), before);
      assert.equal(clone.optimizer, null);
      assert.deepEqual(model.weights.map(values), before);
      clone.setWeights(model.getWeights());
      assert.deepEqual(outputs(clone, x as never), outputs(model, x as never));
      assert.equal(clone.inputs.length, model.inputs.length);
      assert.equal(clone.outputs.length, model.outputs.length);
    });
  }
});

describe('a Sequential from another model\'s layers (Keras: Sequential(model.layers))', () => {
  it('a functional chain: its InputLayer comes first in layers and sets the input; slice(0, -1) drops the head', () => {
    setRandomSeed(3);
    const input = layerInput({ shape: [3], name: 'x' });
    const model = kerasModel({ inputs: input, outputs: layerDense(layerDense(input, { units: 4, name: 'f1' }), { units: 2, name: 'f2' }) });
    assert.ok(model.layers[0] instanceof InputLayer);
    const same = new Sequential({ layers: model.layers });
    assert.deepEqual(outputs(same, xSeq), outputs(model, xSeq));
    const trunk = new Sequential({ layers: model.layers.slice(0, -1) });
    assert.deepEqual(trunk.layers.map((l) => l.name), ['f1']);
    assert.deepEqual(trunk.outputs[0].shape, [null, 4]);
    assert.deepEqual(outputs(trunk, xSeq), [values(model.getLayer('f1').apply(xSeq) as Tensor)]);
  });

  it('a Sequential: its layers (no InputLayer) and their prefix, with the input given again', () => {
    setRandomSeed(4);
    const model = sequential();
    const same = new Sequential({ inputShape: [3], layers: model.layers });
    assert.deepEqual(outputs(same, xSeq), outputs(model, xSeq));
    const trunk = new Sequential({ layers: [new InputLayer({ shape: [3] }), ...model.layers.slice(0, -1)] });
    assert.deepEqual(trunk.outputs[0].shape, [null, 4]);
    assert.deepEqual(trunk.weights, model.layers[0].weights, 'the layers (and weights) are shared, as in Keras');
  });
});

describe('Metric and Optimizer methods used by hand', () => {
  it('metric.updateState / result / resetState accumulate across batches as Keras', () => {
    const mse = new metrics.MeanSquaredError();
    mse.updateState(tensor([[0], [1]]), tensor([[1], [1]]));
    assert.equal(mse.result(), 0.5);
    mse.updateState(tensor([[0], [0]]), tensor([[2], [0]]));
    assert.equal(mse.result(), 1.25);
    mse.resetState();
    assert.equal(mse.result(), 0);
    const accuracy = new metrics.BinaryAccuracy();
    accuracy.updateState(tensor([[1], [0], [1], [0]]), tensor([[0.9], [0.2], [0.3], [0.6]]));
    assert.equal(accuracy.result(), 0.5);
  });

  it('optimizer.apply(grads, vars) is one step of applyGradients', () => {
    const v = new Variable(tensor([1, 2]), { name: 'v', path: 'v' });
    const w = new Variable(tensor([1, 2]), { name: 'w', path: 'w' });
    const a = optimizers.sgd({ learningRate: 0.5 });
    const b = optimizers.sgd({ learningRate: 0.5 });
    a.apply([tensor([1, -1])], [v]);
    b.applyGradients([[tensor([1, -1]), w]]);
    assert.deepEqual(values(v), [0.5, 2.5]);
    assert.deepEqual(values(v), values(w));
    assert.equal(a.iterations, 1);
    assert.throws(() => a.apply([tensor([1, -1])], []), /./);
  });
});
