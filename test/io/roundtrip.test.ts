/** Save → load gives bit-identical weights and predictions, for every layer class, format and float dtype. */

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { FloatDType } from '../../src/engine/dtype.js';
import { BUILT_IN_LAYER_CLASSES } from '../../src/layers/registry.js';
import { ioReady, loadModelSync, loadWeightsSync, saveModelSync, saveWeightsSync } from '../../src/io/index.js';
import { exportTfjs } from '../../src/io/tfjs.js';
import { modelToConfig } from '../../src/io/config-write.js';
import { modelFromConfig } from '../../src/io/model-config.js';
import type { Model } from '../../src/models/model.js';
import { bits, LAYER_CASES, random, randomTensor, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

function input(model: Model, dtype: FloatDType) {
  const shape = (model.inputs[0].shape).slice(1) as number[];
  return randomTensor([2, ...shape], dtype, random(3));
}

function assertSame(a: Model, b: Model, dtype: FloatDType, label: string): void {
  assert.deepEqual(b.layers.map((l) => l.name), a.layers.map((l) => l.name), `${label}: layer names`);
  assert.deepEqual(b.weights.map(bits), a.weights.map(bits), `${label}: weights bit-identical`);
  const x = input(a, dtype);
  assert.equal(bits(b.predict(x)), bits(a.predict(x)), `${label}: predictions identical`);
}

describe('round trips', () => {
  it('covers every built-in layer class', () => {
    assert.deepEqual(BUILT_IN_LAYER_CLASSES.filter((c) => LAYER_CASES[c] === undefined), []);
  });

  for (const dtype of ['float32', 'float64'] as const) {
    for (const className of BUILT_IN_LAYER_CLASSES) {
      it(`${className} (${dtype}): config, .keras, .weights.h5${dtype === 'float32' ? ', TF.js' : ''}`, () => {
        const dir = tempDir();
        const model = singleLayerModel(className, dtype);
        const rebuilt = modelFromConfig(JSON.parse(JSON.stringify(modelToConfig(model))));
        assert.deepEqual(modelToConfig(rebuilt), modelToConfig(model), 'config round trip');
        assert.deepEqual(rebuilt.weights.map((w) => w.shape), model.weights.map((w) => w.shape), 'config: weight shapes');

        const file = path.join(dir, 'm.keras');
        saveModelSync(model, file);
        const loaded = loadModelSync(file);
        assertSame(model, loaded, dtype, '.keras');
        assert.deepEqual(modelToConfig(loaded), modelToConfig(model), '.keras: config survives');

        const weights = path.join(dir, 'm.weights.h5');
        saveWeightsSync(model, weights);
        const fresh = modelFromConfig(modelToConfig(model));
        loadWeightsSync(fresh, weights);
        assertSame(model, fresh, dtype, '.weights.h5');

        if (dtype === 'float32') {
          const json = path.join(dir, 'model.json');
          exportTfjs(model, json);
          assertSame(model, loadModelSync(json), dtype, 'TF.js');
        }
      });
    }
  }

  it('refuses float64 for TF.js, which has no float64', () => {
    const model = singleLayerModel('Dense', 'float64');
    assert.throws(() => exportTfjs(model, path.join(tempDir(), 'model.json')), /float32 only/);
  });
});
