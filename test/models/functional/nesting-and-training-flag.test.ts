// Models as layers: a Sequential and a Functional called on placeholders inside a functional model, and a
// Functional added to a Sequential, each checked against the sub-models run one after the other;
// `trainable` through nesting; and the `training` call argument as Keras 3's Functional applies it: the flag
// the model runs with (fit: true; predict, evaluate: false; apply({ training })) overrides the one recorded
// at a call, the recorded one applies when the model runs without one, and a frozen BatchNormalization
// (trainable = false) always normalizes with its moving statistics.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { BatchNormalization, clearSession, Dense, Dropout, kerasModel, kerasModelSequential, layerInput, optimizers, setRandomSeed, tensor } from '../../../src/index.js';
import type { Model, SymbolicTensor, Tensor } from '../../../src/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

beforeEach(() => {
  clearSession();
  setRandomSeed(3);
});

const x = (n: number, width: number, seed: number): Tensor => tensor(randomArray(n * width, mulberry32(seed)), [n, width]);
const exact = { rtol: 0, atol: 0 };
const zeros = (t: Tensor): number => [...t.dataSync()].filter((v) => v === 0).length;

function encoder(): Model {
  const i = layerInput({ shape: [4], name: 'enc_in' });
  return kerasModel({ inputs: i, outputs: new Dense({ units: 3, activation: 'tanh', name: 'enc_dense' }).apply(i), name: 'encoder' });
}

function head(): Model {
  const seq = kerasModelSequential({ inputShape: [3], name: 'head' });
  seq.add(new Dense({ units: 2, name: 'head_dense' }));
  return seq;
}

describe('nested models', () => {
  test('a Functional and a Sequential called on placeholders compute what they compute alone, and their weights are the outer model\'s', () => {
    const enc = encoder();
    const hd = head();
    const input = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: input, outputs: hd.apply(enc.apply(input)) });
    assert.deepEqual(
      outer.layers.map((l) => l.className),
      ['InputLayer', 'Functional', 'Sequential'],
    );
    assert.equal(outer.countParams(), enc.countParams() + hd.countParams());
    assert.deepEqual(outer.weights, [...enc.weights, ...hd.weights]);
    const data = x(9, 4, 1);
    assertAllClose(outer.predict(data).dataSync(), hd.predict(enc.predict(data)).dataSync(), exact);
  });

  test('the same nested model called twice is one layer with two calls and its weights once', () => {
    const enc = encoder();
    const a = layerInput({ shape: [4] });
    const b = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: [a, b], outputs: [enc.apply(a) as SymbolicTensor, enc.apply(b) as SymbolicTensor] });
    assert.equal(enc.calls.length, 2);
    assert.equal(outer.weights.length, 2);
    const [pa, pb] = outer.predict<Tensor[]>([x(3, 4, 1), x(3, 4, 2)]);
    assertAllClose(pa.dataSync(), enc.predict(x(3, 4, 1)).dataSync(), exact);
    assertAllClose(pb.dataSync(), enc.predict(x(3, 4, 2)).dataSync(), exact);
  });

  test('a Functional added to a Sequential runs as one of its layers', () => {
    const enc = encoder();
    const seq = kerasModelSequential({ inputShape: [4] });
    seq.add(enc);
    seq.add(new Dense({ units: 1, name: 'after' }));
    assert.deepEqual(
      seq.layers.map((l) => l.name),
      ['encoder', 'after'],
    );
    const data = x(5, 4, 3);
    assertAllClose(seq.predict(data).dataSync(), seq.layers[1].apply(enc.predict(data)).dataSync(), exact);
  });

  test('trainable = false on the outer model freezes every layer inside nested models, and true unfreezes them', () => {
    const enc = encoder();
    const hd = head();
    const input = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: input, outputs: hd.apply(enc.apply(input)) });
    outer.trainable = false;
    assert.equal(outer.trainableWeights.length, 0);
    assert.equal(outer.nonTrainableWeights.length, 4);
    assert.equal(enc.getLayer('enc_dense').trainable, false);
    assert.equal(hd.getLayer('head_dense').trainable, false);
    outer.trainable = true;
    assert.equal(outer.trainableWeights.length, 4);
    // Freezing only the nested encoder leaves the head trainable, and training moves only the head.
    enc.trainable = false;
    assert.deepEqual(outer.trainableWeights, hd.weights);
    outer.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const before = enc.getWeights().map((w) => [...w.dataSync()]);
    const headBefore = hd.getWeights().map((w) => [...w.dataSync()]);
    outer.fit(x(8, 4, 4), x(8, 2, 5), { epochs: 1, verbose: 0 });
    assert.deepEqual(
      enc.getWeights().map((w) => [...w.dataSync()]),
      before,
    );
    assert.notDeepEqual(
      hd.getWeights().map((w) => [...w.dataSync()]),
      headBefore,
    );
  });
});

describe("trainable weights follow Keras 3's rule: none while the model itself is not trainable", () => {
  test('outer frozen, inner unfrozen again: the outer model has no trainable weights and fit moves nothing (Keras 3.15: 0 and 4)', () => {
    const enc = encoder();
    const input = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: input, outputs: new Dense({ units: 1 }).apply(enc.apply(input)) });
    outer.trainable = false;
    enc.trainable = true;
    assert.equal(enc.trainableWeights.length, 2);
    assert.equal(outer.trainableWeights.length, 0);
    assert.equal(outer.nonTrainableWeights.length, 4);
    outer.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const before = outer.getWeights().map((w) => [...w.dataSync()]);
    outer.fit(x(8, 4, 8), x(8, 1, 9), { epochs: 1, verbose: 0 });
    assert.deepEqual(
      outer.getWeights().map((w) => [...w.dataSync()]),
      before,
    );
  });

  test('inner frozen, one of its layers unfrozen: the inner model reports none, the outer model counts that layer (Keras 3.15: 0 and 4)', () => {
    const enc = encoder();
    const input = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: input, outputs: new Dense({ units: 1 }).apply(enc.apply(input)) });
    enc.trainable = false;
    enc.getLayer('enc_dense').trainable = true;
    assert.equal(enc.trainableWeights.length, 0);
    assert.equal(enc.nonTrainableWeights.length, 2);
    assert.equal(outer.trainableWeights.length, 4);
  });
});

describe('the training flag', () => {
  function dropoutModel(recorded: boolean | undefined) {
    const input = layerInput({ shape: [200] });
    const drop = new Dropout({ rate: 0.5 });
    const out = recorded === undefined ? drop.apply(input) : drop.apply(input, { training: recorded });
    return kerasModel({ inputs: input, outputs: out });
  }
  const ones = tensor(new Float32Array(4 * 200).fill(1), [4, 200]);

  for (const recorded of [undefined, true, false] as const) {
    test(`a Dropout recorded with training=${recorded}: the run's flag wins, the recorded one applies without one`, () => {
      const model = dropoutModel(recorded);
      assert.equal(zeros(model.predict(ones)), 0, 'predict runs in inference');
      assert.equal(zeros(model.apply(ones, { training: false })), 0, 'apply({ training: false })');
      assert.ok(zeros(model.apply(ones, { training: true })) > 100, 'apply({ training: true }) drops');
      const unflagged = zeros(model.apply(ones));
      if (recorded === true) assert.ok(unflagged > 100, 'no flag: the recorded true applies');
      else assert.equal(unflagged, 0, 'no flag: the recorded flag (or inference) applies');
    });
  }

  function bnModel(frozen: boolean) {
    const input = layerInput({ shape: [3] });
    const bn = new BatchNormalization({ momentum: 0.5, trainable: !frozen });
    const model = kerasModel({ inputs: input, outputs: new Dense({ units: 1 }).apply(bn.apply(input, { training: false })) });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mse' });
    return { model, bn };
  }
  const moving = (bn: BatchNormalization) => bn.nonTrainableWeights.map((w) => [...w.dataSync()]);
  const shifted = tensor(Float32Array.from({ length: 8 * 3 }, (_, i) => 5 + (i % 7)), [8, 3]);
  const targets = tensor(new Float32Array(8).fill(1), [8, 1]);

  test('fit overrides a recorded training=false: a trainable BatchNormalization updates its moving statistics (Keras 3.15)', () => {
    const { model, bn } = bnModel(false);
    const before = moving(bn);
    model.fit(shifted, targets, { epochs: 1, batchSize: 8, verbose: 0 });
    const after = moving(bn);
    assert.notDeepEqual(after, before);
    // moving_mean = 0.5 * 0 + 0.5 * batch mean, per feature
    const data = shifted.dataSync();
    const means = [0, 1, 2].map((c) => Array.from({ length: 8 }, (_, i) => data[i * 3 + c]).reduce((s, v) => s + v, 0) / 8);
    assertAllClose(after[0], means.map((m) => 0.5 * m), { rtol: 1e-6, atol: 1e-6 });
  });

  test('a frozen BatchNormalization keeps its moving statistics through fit, and its output is the inference one', () => {
    const { model, bn } = bnModel(true);
    const before = moving(bn);
    model.fit(shifted, targets, { epochs: 2, batchSize: 4, verbose: 0 });
    assert.deepEqual(moving(bn), before);
    assertAllClose(bn.apply(shifted, { training: true }).dataSync(), bn.apply(shifted, { training: false }).dataSync(), exact);
    assert.equal(bn.trainableWeights.length, 0);
  });

  test('a nested model called with training=false still trains its trainable layers under fit (the run flag wins)', () => {
    const enc = encoder();
    const input = layerInput({ shape: [4] });
    const outer = kerasModel({ inputs: input, outputs: new Dense({ units: 1 }).apply(enc.apply(input, { training: false })) });
    outer.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const before = enc.getWeights().map((w) => [...w.dataSync()]);
    outer.fit(x(8, 4, 6), x(8, 1, 7), { epochs: 1, verbose: 0 });
    assert.notDeepEqual(
      enc.getWeights().map((w) => [...w.dataSync()]),
      before,
    );
  });
});
