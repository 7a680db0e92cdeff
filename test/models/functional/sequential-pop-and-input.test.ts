// Sequential as Keras 3 builds it from an InputLayer given as its first layer (`keras.Sequential([Input(...),
// ...])`), and Sequential.pop(): what the model lists, computes, counts, summarises and saves afterwards.
import assert from 'node:assert/strict';
import { before, beforeEach, describe, test } from 'node:test';
import { clearSession, Dense, InputLayer, InvalidArgumentError, ioReady, kerasModel, kerasModelSequential, layerInput, loadModelSync, saveModelSync, tensor } from '../../../src/index.js';
import type { Model, Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

before(async () => {
  await ioReady();
});
beforeEach(() => clearSession());

const data = (n: number, width: number, seed: number): Tensor => tensor(Float32Array.from(randomArray(n * width, mulberry32(seed))), [n, width]);
const exact = { rtol: 0, atol: 0 };

function summaryLines(model: Model): string[] {
  const lines: string[] = [];
  model.summary({ printFn: (l) => lines.push(l) });
  return lines;
}

describe('an InputLayer as the first layer', () => {
  for (const form of ['InputLayer in layers', 'layerInput() added', 'inputShape on the first layer'] as const) {
    test(`${form}: the input is set, layers leave it out, predict is the layers' composition`, () => {
      const d1 = new Dense({ units: 3, activation: 'relu', name: 'd1', ...(form === 'inputShape on the first layer' ? { inputShape: [4] } : {}) });
      const d2 = new Dense({ units: 2, name: 'd2' });
      let model;
      if (form === 'InputLayer in layers') model = kerasModelSequential({ layers: [new InputLayer({ shape: [4], name: 'the_input' }), d1, d2] });
      else if (form === 'layerInput() added') {
        model = kerasModelSequential();
        model.add(layerInput({ shape: [4], name: 'the_input' }));
        model.add(d1);
        model.add(d2);
      } else model = kerasModelSequential({ layers: [d1, d2] });
      assert.deepEqual(
        model.layers.map((l) => l.name),
        ['d1', 'd2'],
      );
      assert.equal(model.built, true);
      assert.deepEqual(model.inputs[0].shape, [null, 4]);
      if (form !== 'inputShape on the first layer') assert.deepEqual(model.inputNames, ['the_input']);
      assert.deepEqual(model.outputs[0].shape, [null, 2]);
      assert.equal(model.countParams(), 4 * 3 + 3 + 3 * 2 + 2);
      const x = data(5, 4, 1);
      assertAllClose(model.predict(x).dataSync(), d2.apply(d1.apply(x)).dataSync(), exact);
      // The summary lists the layers without the input, as Keras's Sequential summary does.
      assert.deepEqual(
        summaryLines(model)
          .filter((l) => /^│ \S/.test(l))
          .map((l) => l.split(' ')[1]),
        ['d1', 'd2'],
      );
    });
  }

  test('an input after the first layer is refused, and the model is unchanged', () => {
    const model = kerasModelSequential({ layers: [new InputLayer({ shape: [4] }), new Dense({ units: 2 })] });
    assert.throws(() => model.add(new InputLayer({ shape: [4] })), (e: unknown) => e instanceof InvalidArgumentError && /an input only as the first layer/.test(e.message));
    assert.throws(() => kerasModelSequential({ layers: [new Dense({ units: 2 }), new InputLayer({ shape: [4] })] }), /an input only as the first layer/);
    assert.equal(model.layers.length, 1);
  });

  test('it saves and loads with the same config, names and predictions', () => {
    const model = kerasModelSequential({ layers: [new InputLayer({ shape: [4], name: 'the_input' }), new Dense({ units: 3, name: 'd1' })], name: 'with_input' });
    const loaded = loadModelSync(saveModelSync(model));
    assert.equal(loaded.className, 'Sequential');
    assert.deepEqual(loaded.getConfig(), model.getConfig());
    assert.deepEqual(loaded.inputNames, ['the_input']);
    const x = data(3, 4, 2);
    assertAllClose(loaded.predict(x).dataSync(), model.predict(x).dataSync(), exact);
  });
});

describe('Sequential.pop()', () => {
  function threeLayers() {
    const model = kerasModelSequential({ inputShape: [4], name: 'stack' });
    const layers = [new Dense({ units: 5, activation: 'tanh', name: 'a' }), new Dense({ units: 3, name: 'b' }), new Dense({ units: 1, name: 'c' })];
    for (const l of layers) model.add(l);
    return { model, layers };
  }

  test('removes and returns the last layer; outputs, weights, params and predict follow', () => {
    const { model, layers } = threeLayers();
    const popped = model.pop();
    assert.equal(popped, layers[2]);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['a', 'b'],
    );
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    assert.equal(model.outputs[0], layers[1].output);
    assert.equal(model.weights.length, 4);
    assert.equal(model.countParams(), 4 * 5 + 5 + 5 * 3 + 3);
    const x = data(6, 4, 3);
    assertAllClose(model.predict(x).dataSync(), layers[1].apply(layers[0].apply(x)).dataSync(), exact);
  });

  test('a layer added after pop is built on the new last output, and the popped name is free again', () => {
    const { model, layers } = threeLayers();
    model.pop();
    const replacement = new Dense({ units: 7, name: 'c' });
    model.add(replacement);
    assert.deepEqual(model.outputs[0].shape, [null, 7]);
    const x = data(2, 4, 4);
    assertAllClose(model.predict(x).dataSync(), replacement.apply(layers[1].apply(layers[0].apply(x))).dataSync(), exact);
  });

  test('the popped model used as a feature extractor trains and saves like any model', () => {
    const { model } = threeLayers();
    model.pop();
    const loaded = loadModelSync(saveModelSync(model));
    assert.deepEqual(
      loaded.layers.map((l) => l.name),
      ['a', 'b'],
    );
    const x = data(3, 4, 5);
    assertAllClose(loaded.predict(x).dataSync(), model.predict(x).dataSync(), exact);
    // And as the base of a functional model.
    const input = layerInput({ shape: [4] });
    const top = new Dense({ units: 2 });
    const f = kerasModel({ inputs: input, outputs: top.apply(model.apply(input)) });
    assertAllClose(f.predict(x).dataSync(), top.apply(model.predict(x)).dataSync(), exact);
  });

  test('pop on an empty model is refused with a clear error', () => {
    const model = kerasModelSequential({ inputShape: [2] });
    assert.throws(() => model.pop(), /a model with layers to pop \(it has none\)/);
  });
});
