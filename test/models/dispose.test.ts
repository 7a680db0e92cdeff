// model.dispose(): a model's weights and its optimizer's slots are freed now, not when a finalizer runs
// (which happens only between event-loop turns). Issue #12: a synchronous loop of save, load and predict
// that drops the previous model grew WebAssembly memory by the loaded weights every cycle (+66.6 kB a cycle
// for this model); disposing the replaced model keeps it flat.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';

import { kerasModelSequential, layerConv2d, layerDense, layerFlatten, memoryInfo, optimizers, tensor } from '../../src/index.js';
import type { Model } from '../../src/models/model.js';
import { ioReady, loadModelSync, saveModelSync, saveWeightsSync } from '../../src/io/index.js';
import { tempDir } from '../helpers/temp-dir.js';

function convModel(): Model {
  const model = kerasModelSequential({ inputShape: [16, 16, 3] });
  layerConv2d(model, { filters: 8, kernelSize: 3 });
  layerFlatten(model, {});
  layerDense(model, { units: 10 });
  return model;
}

// On the TypeScript backend every tensor is on the heap: 0 bytes in use, and the bounds hold trivially.
describe('model.dispose()', () => {
  before(async () => {
    await ioReady();
  });

  test('200 synchronous save/load/predict cycles that dispose the replaced model: WebAssembly memory flat after the first cycles', (t) => {
    const file = path.join(tempDir('depthwise-dispose-', t), 'cycle.keras');
    const x = tensor(new Float32Array(2 * 16 * 16 * 3).fill(0.5), [2, 16, 16, 3]);
    let model = convModel();
    const first = model.predict(x).dataSync().slice();
    const inUse: number[] = [];
    for (let i = 1; i <= 200; i++) {
      saveModelSync(model, file);
      const next = loadModelSync(file);
      assert.deepEqual(next.predict(x).dataSync(), first);
      model.dispose();
      model = next;
      inUse.push(memoryInfo().wasmBytesInUse);
    }
    const figures = `bytes in use after cycles 1, 5, 50, 100, 200: ${[0, 4, 49, 99, 199].map((i) => inUse[i]).join(', ')}`;
    t.diagnostic(figures);
    // Cycle 5 on: each cycle frees exactly what it loaded.
    assert.equal(Math.max(...inUse.slice(4)), inUse[4], figures);
  });

  test('frees the weights and the optimizer slots, and later use throws naming the model', () => {
    const start = memoryInfo().wasmBytesInUse;
    const model = kerasModelSequential({ inputShape: [16], name: 'gone' });
    layerDense(model, { units: 64 });
    layerDense(model, { units: 1 });
    model.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    const x = tensor(new Float32Array(8 * 16).fill(0.25), [8, 16]);
    const y = tensor(new Float32Array(8).fill(1), [8, 1]);
    model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const weightBytes = model.countParams() * 4; // 1,153 float32 values
    const trained = memoryInfo().wasmBytesInUse;
    if (trained === 0) return; // the TypeScript backend: nothing lives outside the heap
    assert.ok(trained - start >= 3 * weightBytes, `the weights and Adam's two slots per weight are in use: ${trained - start} bytes`);
    model.dispose();
    const freed = trained - memoryInfo().wasmBytesInUse;
    assert.ok(freed >= 3 * weightBytes, `dispose() freed ${freed} bytes, the weights and slots are ${3 * weightBytes}`);
    assert.equal(model.isDisposed, true);
    model.dispose(); // twice: nothing more happens
    const disposed = /the model 'gone' was disposed/;
    assert.throws(() => model.predict(x), disposed);
    assert.throws(() => model.apply(x), disposed);
    assert.throws(() => model.fit(x, y, { verbose: 0 }), disposed);
    assert.throws(() => model.evaluate(x, y, { verbose: 0 }), disposed);
    assert.throws(() => model.trainOnBatch(x, y), disposed);
    assert.throws(() => model.getWeights(), disposed);
    assert.throws(() => model.setWeights([]), disposed);
    assert.throws(() => saveModelSync(model), disposed);
    assert.throws(() => saveWeightsSync(model), disposed);
  });
});
