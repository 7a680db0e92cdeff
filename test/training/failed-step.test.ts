// A training step that throws leaves the model exactly as it was (weights, BatchNormalization's moving
// statistics, optimizer state), and NaN in the data reaches the loss so TerminateOnNaN stops on it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  kerasModelSequential,
  layerBatchNormalization,
  layerConv2d,
  layerDense,
  layerFlatten,
  layerRelu,
  ops,
  optimizers,
  setRandomSeed,
  tensor,
  TerminateOnNaN,
} from '../../src/index.js';

function model() {
  setRandomSeed(11);
  const m = kerasModelSequential({ inputShape: [6, 6, 2] });
  layerConv2d(m, { filters: 3, kernelSize: 3 });
  layerBatchNormalization(m, {});
  layerRelu(m, {});
  layerFlatten(m, {});
  layerDense(m, { units: 4, activation: 'softmax' });
  m.compile({ optimizer: optimizers.adam(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

const x = tensor(Float32Array.from({ length: 5 * 6 * 6 * 2 }, (_, i) => Math.sin(i * 0.3)), [5, 6, 6, 2]);
const snapshot = (m: ReturnType<typeof model>) => m.weights.map((w) => Array.from(w.dataSync()));

describe('a failed step changes nothing', () => {
  for (const [name, labels] of [
    ['a label out of range', [0, 1, 2, 3, 9]],
    ['a fractional label', [0, 1, 2.5, 3, 0]],
    ['labels of the wrong count', [0, 1, 2]],
  ] as const) {
    test(`fit that throws on its first batch (${name}): weights and moving statistics bit for bit unchanged`, () => {
      const m = model();
      m.predict(x); // built
      const before = snapshot(m);
      const y = tensor(labels as unknown as number[], [labels.length]);
      assert.throws(() => m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0 }));
      assert.deepEqual(snapshot(m), before);
      assert.throws(() => m.trainOnBatch(x, y));
      assert.deepEqual(snapshot(m), before);
      // The model still trains afterwards, from where it was.
      m.fit(x, tensor([0, 1, 2, 3, 0], [5]), { epochs: 1, batchSize: 5, verbose: 0 });
      assert.notDeepEqual(snapshot(m), before);
    });
  }
});

describe('NaN in the data', () => {
  test('propagates through Conv → BatchNormalization → ReLU to the loss, and TerminateOnNaN stops at the first batch', () => {
    const m = model();
    const bad = ops.mul(x, tensor([Number.NaN]));
    const history = m.fit(bad, tensor([0, 1, 2, 3, 0], [5]), { epochs: 5, batchSize: 5, verbose: 0, callbacks: [new TerminateOnNaN()] });
    assert.equal(history.history.loss.length, 1, 'stopped after the first epoch');
    assert.ok(Number.isNaN(history.history.loss[0] as number));
    assert.ok(Number.isNaN(m.predict(bad).dataSync()[0]), 'predict gives NaN, not a finite guess');
  });
});
