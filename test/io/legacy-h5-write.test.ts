/**
 * Keras 2 `.h5` writing: our files load back in our loader and in real Keras 3.15. The committed
 * depthwise_written.h5 was written by this library (write_depthwise_h5.ts) and loaded by Keras
 * (generate_depthwise_h5.py), which recorded its predictions; today's writer must still write that file.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { ioReady, loadModel, loadModelSync, loadWeightsSync, saveModel, saveModelSync, saveWeightsSync } from '../../src/io/index.js';
import { readH5Tree } from '../../src/io/h5-isolate.js';
import { readH5 } from '../../src/io/hdf5.js';
import type { H5Tree } from '../../src/io/h5-tree.js';
import { Dense, InputLayer, Sequential } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import type { Model } from '../../src/models/model.js';
import { FIXTURES, randomizeWeights, tempDir } from './helpers.js';
import { legacyFixtureInputs, legacyFixtureModel } from './legacy-fixture-model.js';

before(async () => {
  await ioReady();
});

interface KerasRecord {
  layers: [string, string][];
  weight_shapes: number[][];
  compiled: boolean;
  optimizer: string | null;
  predictions: number[][];
  weights_file_predictions: number[][];
}

const record = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'depthwise_written.json'), 'utf8')) as KerasRecord;
const committed = path.join(FIXTURES, 'depthwise_written.h5');
const committedWeights = path.join(FIXTURES, 'depthwise_weights_written.h5');

function outputs(model: Model, x: Tensor[]): number[][] {
  const y = model.predict<Tensor[]>(x);
  return (Array.isArray(y) ? y : [y]).map((t) => Array.from(t.dataSync()));
}

function assertClose(actual: number[][], expected: number[][], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((row, i) => {
    assert.equal(row.length, expected[i].length);
    row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tolerance * (1 + Math.abs(expected[i][j])), `output ${i}[${j}]: ${v} vs Keras ${expected[i][j]}`));
  });
}

/** What a Keras 2 file says about each layer: its name, weight names and values. */
function layout(tree: H5Tree, bytes: Uint8Array): unknown {
  const names = tree.stringListAttr('model_weights', 'layer_names') ?? [];
  return {
    modelConfig: JSON.parse(tree.stringAttr('', 'model_config') ?? 'null') as unknown,
    // The snapshot reader keeps only the attributes loading uses; training_config is read directly.
    trainingConfig: JSON.parse(readH5(bytes, tree.file, (root) => String(root.attrs.training_config?.value ?? 'null'))) as unknown,
    kerasVersion: tree.stringAttr('', 'keras_version'),
    layers: names.map((name) => {
      const weightNames = tree.stringListAttr(`model_weights/${name}`, 'weight_names') ?? [];
      return { name, weightNames, values: weightNames.map((w) => Array.from(tree.floats(`model_weights/${name}/${w}`))) };
    }),
  };
}

describe('Keras 2 .h5 written by depthwise', () => {
  it('the committed file, loaded by real Keras 3.15, predicted what our loader predicts from it', () => {
    const model = loadModelSync(committed);
    assert.deepEqual(model.layers.map((l) => [l.name, l.className]), record.layers);
    assert.deepEqual(model.weights.map((w) => [...w.shape]), record.weight_shapes);
    assert.equal(record.compiled, true);
    assert.equal(record.optimizer, 'Adam');
    assertClose(outputs(model, legacyFixtureInputs()), record.predictions, 1e-5);
  });

  it('today\'s writer writes the committed file (config, training config, layer and weight names, values)', () => {
    const dir = tempDir();
    saveModelSync(legacyFixtureModel(), path.join(dir, 'm.h5'));
    const ourBytes = fs.readFileSync(path.join(dir, 'm.h5'));
    const committedBytes = fs.readFileSync(committed);
    const ours = layout(readH5Tree(ourBytes, 'm.h5'), ourBytes);
    assert.deepEqual(ours, layout(readH5Tree(committedBytes, 'committed'), committedBytes));
    const written = ours as { trainingConfig: { loss: unknown; optimizer_config: { class_name: string } }; layers: { name: string; weightNames: string[] }[] };
    // Keras 3.15 cannot read back the alias 'mse' from a legacy training_config, so the full name is written.
    assert.deepEqual(written.trainingConfig.loss, ['mean_squared_error', 'mean_absolute_error']);
    assert.equal(written.trainingConfig.optimizer_config.class_name, 'Adam');
    assert.deepEqual(written.layers.find((l) => l.name === 'head')?.weightNames, ['head/hidden/kernel', 'head/hidden/bias', 'head/logits/kernel', 'head/logits/bias']);
    assert.deepEqual(written.layers.find((l) => l.name === 'bn')?.weightNames, ['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']);
    assert.deepEqual(written.layers.find((l) => l.name === 'image')?.weightNames, []);
  });

  it('round trips a functional model of two inputs and outputs: same predictions, same config, compiled', async () => {
    const model = legacyFixtureModel();
    randomizeWeights(model, 3);
    const file = path.join(tempDir(), 'multi.hdf5');
    await saveModel(model, file);
    const back = await loadModel(file);
    assert.deepEqual(outputs(back, legacyFixtureInputs()), outputs(model, legacyFixtureInputs()));
    assert.deepEqual(back.getConfig(), model.getConfig());
  });

  it('round trips a Sequential (the InputLayer is not among layer_names, as Keras writes it)', () => {
    const model = new Sequential({ name: 'seq', layers: [new InputLayer({ shape: [3] }), new Dense({ units: 2, activation: 'relu', name: 'a' }), new Dense({ units: 1, name: 'b' })] });
    randomizeWeights(model, 5);
    const file = path.join(tempDir(), 'seq.h5');
    saveModelSync(model, file);
    const tree = readH5Tree(fs.readFileSync(file), file);
    assert.deepEqual(tree.stringListAttr('model_weights', 'layer_names'), ['a', 'b']);
    assert.equal(readH5(fs.readFileSync(file), file, (root) => root.attrs.training_config), undefined);
    const config = JSON.parse(tree.stringAttr('', 'model_config') ?? '') as { class_name: string; config: { layers: Record<string, unknown>[] } };
    assert.equal(config.class_name, 'Sequential');
    assert.deepEqual(config.config.layers.map((l) => Object.keys(l).sort()), [['class_name', 'config'], ['class_name', 'config'], ['class_name', 'config']]);
    const back = loadModelSync(file);
    assert.deepEqual(back.getConfig(), model.getConfig());
    assert.deepEqual(back.weights.map((w) => Array.from(w.dataSync())), model.weights.map((w) => Array.from(w.dataSync())));
  });

  it("the weights alone in Keras 2's layout (save_weights('w.h5')): Keras 3.15 loads the committed file into a zeroed copy and predicts as the model file; ours writes the same and reads it back", () => {
    assertClose(record.weights_file_predictions, record.predictions, 1e-6);
    const model = legacyFixtureModel();
    const file = path.join(tempDir(), 'w.h5');
    saveWeightsSync(model, file);
    const ours = readH5Tree(fs.readFileSync(file), file);
    const kept = readH5Tree(fs.readFileSync(committedWeights), 'committed');
    assert.deepEqual(ours.stringListAttr('', 'layer_names'), kept.stringListAttr('', 'layer_names'));
    assert.equal(ours.group('model_weights'), null, 'weights at the root, as Keras 2 writes a weights-only file');
    const fresh = legacyFixtureModel();
    randomizeWeights(fresh, 9);
    loadWeightsSync(fresh, committedWeights);
    assertClose(outputs(fresh, legacyFixtureInputs()), record.weights_file_predictions, 1e-5);
    randomizeWeights(fresh, 10);
    loadWeightsSync(fresh, file);
    assert.deepEqual(outputs(fresh, legacyFixtureInputs()), outputs(model, legacyFixtureInputs()));
  });

  it('refuses other extensions, naming the ones it writes', () => {
    const model = new Sequential({ layers: [new InputLayer({ shape: [2] }), new Dense({ units: 1 })] });
    assert.throws(() => saveModelSync(model, path.join(tempDir(), 'm.json')), /'\.keras'.*'\.h5'/);
    assert.throws(() => saveWeightsSync(model, path.join(tempDir(), 'w.keras')), /'\.weights\.h5'.*'\.h5'/);
  });
});
