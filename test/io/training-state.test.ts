/** Optimizer state is saved and restored, so training resumes exactly where it stopped. */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ioReady, loadModelSync, loadWeightsSync, saveModelSync, saveWeightsSync } from '../../src/io/index.js';
import { modelToConfig } from '../../src/io/config-write.js';
import { modelFromConfig } from '../../src/io/model-config.js';
import { optimizers } from '../../src/training/optimizers/index.js';
import type { Model } from '../../src/models/model.js';
import { bits, random, randomTensor, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

const x = randomTensor([4, 6, 6, 3], 'float32', random(11));
const y = randomTensor([4, 4, 4, 6], 'float32', random(12));

function trained(optimizer: Parameters<Model['compile']>[0]['optimizer']): Model {
  const model = singleLayerModel('DepthwiseConv2D', 'float32');
  model.compile({ optimizer, loss: 'mse' });
  model.trainOnBatch(x, y);
  model.trainOnBatch(x, y);
  return model;
}

describe('optimizer state', () => {
  for (const [name, make] of [
    ['Adam (amsgrad)', () => optimizers.adam({ learningRate: 0.01, amsgrad: true })],
    ['SGD with momentum', () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9 })],
    ['RMSprop centered', () => optimizers.rmsprop({ centered: true, momentum: 0.5 })],
  ] as const) {
    it(`${name}: save → load → the next steps match an uninterrupted run bit for bit`, () => {
      const a = trained(make());
      const file = path.join(tempDir(), 'ckpt.keras');
      saveModelSync(a, file);
      const b = loadModelSync(file);
      assert.equal(b.optimizer?.className, a.optimizer?.className);
      assert.equal(b.optimizer?.iterations, 2);
      for (let i = 0; i < 2; i++) {
        a.trainOnBatch(x, y);
        b.trainOnBatch(x, y);
      }
      assert.deepEqual(b.weights.map(bits), a.weights.map(bits));
    });
  }

  it('.weights.h5 carries the optimizer state too (as Keras 3 save_weights)', () => {
    const a = trained(optimizers.adam({ learningRate: 0.01 }));
    const file = path.join(tempDir(), 'w.weights.h5');
    saveWeightsSync(a, file);
    const b = modelFromConfig(modelToConfig(a));
    b.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    loadWeightsSync(b, file);
    assert.equal(b.optimizer?.iterations, 2);
    a.trainOnBatch(x, y);
    b.trainOnBatch(x, y);
    assert.deepEqual(b.weights.map(bits), a.weights.map(bits));
  });
});
