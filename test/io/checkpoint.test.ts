/** ModelCheckpoint saves through checkpointSave; every file it writes loads back. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { checkpointSave, ioReady, loadModelSync, loadWeightsSync, modelFromConfig, modelToConfig } from '../../src/io/index.js';
import { ModelCheckpoint } from '../../src/training/callbacks/index.js';
import { bits, random, randomTensor, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

describe('ModelCheckpoint with checkpointSave', () => {
  const x = randomTensor([8, 5], 'float32', random(1));
  const y = randomTensor([8, 3], 'float32', random(2));

  it('writes a loadable .keras per epoch, resuming the optimizer', () => {
    const dir = tempDir();
    const model = singleLayerModel('Dense', 'float32');
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const callback = new ModelCheckpoint(path.join(dir, 'ep{epoch:02d}.keras'), { save: checkpointSave, monitor: 'loss' });
    model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [callback] });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['ep01.keras', 'ep02.keras']);
    const loaded = loadModelSync(path.join(dir, 'ep02.keras'));
    assert.deepEqual(loaded.weights.map(bits), model.weights.map(bits));
    assert.equal(loaded.optimizer?.iterations, 4);
  });

  it('writes .weights.h5 with saveWeightsOnly', () => {
    const dir = tempDir();
    const model = singleLayerModel('Dense', 'float32');
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const file = path.join(dir, 'w.weights.h5');
    model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint(file, { save: checkpointSave, saveWeightsOnly: true, monitor: 'loss' })] });
    const fresh = modelFromConfig(modelToConfig(model));
    loadWeightsSync(fresh, file);
    assert.deepEqual(fresh.weights.map(bits), model.weights.map(bits));
  });

  it('saves with no save option, as keras.callbacks.ModelCheckpoint(filepath, ...) (io installs the default)', () => {
    const dir = tempDir();
    const model = singleLayerModel('Dense', 'float32');
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const file = path.join(dir, 'best.weights.h5');
    model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint(file, { monitor: 'loss', saveBestOnly: true, saveWeightsOnly: true })] });
    const fresh = modelFromConfig(modelToConfig(model));
    loadWeightsSync(fresh, file);
    assert.deepEqual(fresh.weights.map(bits), model.weights.map(bits));
  });
});
