/**
 * Large valid files (issue #12). A 20,000-layer `.keras` made by our own saveModelSync was refused as
 * corrupt on a busy machine: the HDF5 reader's time limit (750 ms plus 10 ms per MiB without progress) did
 * not allow for one `keys()` of the 20,000 children of its `layers` group (736 ms). Now the limit allows
 * 0.1 ms for each layer the config lists, the default layer budget (10,000) refuses files beyond any real
 * model before their HDF5 data is read, and loading is linear in the layer count.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { kerasModelSequential, layerDense, layerRelu } from '../../src/index.js';
import { DEFAULT_LIMITS, LoadBudget } from '../../src/io/budget.js';
import { readH5Tree, resetHdf5Worker, stallLimit } from '../../src/io/h5-isolate.js';
import { ioReady, ModelFileError, modelFromKerasBytes, saveModelSync, saveWeightsSync } from '../../src/io/index.js';
import type { Model } from '../../src/models/model.js';

/** `blocks` Dense(4) + ReLU pairs after a [null, 4] input: the shape of the file in the issue. */
function blocksModel(blocks: number): Model {
  const model = kerasModelSequential({ inputShape: [4] });
  for (let i = 0; i < blocks; i++) {
    layerDense(model, { units: 4 });
    layerRelu(model, {});
  }
  return model;
}

/** The fastest of `runs` loads, in ms, and the model loaded. */
function loadMs(bytes: Uint8Array, runs: number): { ms: number; model: Model } {
  let best = Infinity;
  let model: Model | null = null;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    model = modelFromKerasBytes(bytes, 'big.keras');
    best = Math.min(best, performance.now() - started);
  }
  return { ms: best, model: model as Model };
}

describe('large valid files', { timeout: 120_000 }, () => {
  before(async () => {
    await ioReady();
  });

  it('a config listing more than maxLayers (10,000 by default) is refused before its HDF5 data is read, naming the count, the limit and the option', () => {
    assert.equal(DEFAULT_LIMITS.maxLayers, 10_000);
    const files = unzipSync(saveModelSync(blocksModel(2)));
    const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as { config: { layers: unknown[] } };
    const [input, dense, relu] = config.config.layers as Record<string, Record<string, unknown>>[];
    const layers = [input];
    for (let i = 0; i < 10_000; i++) layers.push({ ...dense, config: { ...dense.config, name: `d${i}` } }, { ...relu, config: { ...relu.config, name: `r${i}` } });
    config.config.layers = layers;
    // Not HDF5 at all: were the weight data read first, the refusal would say so.
    const big = zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)), 'model.weights.h5': strToU8('not HDF5') }, { level: 0 });
    const started = performance.now();
    assert.throws(
      () => modelFromKerasBytes(big, 'big.keras'),
      (e: unknown) => e instanceof ModelFileError && /^big\.keras: the Sequential config lists 20001 layers; the limit is 10000; pass \{ maxLayers \} to raise it$/.test(e.message),
    );
    assert.ok(performance.now() - started < 1000, `took ${(performance.now() - started).toFixed(0)} ms`);
    // Raised, the count passes and the weight data is read (and refused here, since it is not HDF5).
    assert.throws(() => modelFromKerasBytes(big, 'big.keras', { maxLayers: 20_001 }), /not an HDF5 file/);
  });

  describe('the HDF5 time limit', () => {
    after(() => resetHdf5Worker());

    it('allows 0.1 ms a listed layer: a read that blocks 1.2 s without progress is abandoned for a small model, and finishes for 10,000 layers', () => {
      assert.equal(stallLimit(0, 0), 750);
      assert.equal(stallLimit(14 * 2 ** 20, 20_000), 750 + 140 + 2000);
      const bytes = saveWeightsSync(blocksModel(2));
      resetHdf5Worker(new URL('../helpers/slow-h5-worker.ts', import.meta.url).href);
      // 10,000 listed layers: 750 + 1,000 ms without progress is allowed, and the read finishes (this first
      // read also starts the worker, which the time limit does not count).
      assert.notEqual(readH5Tree(bytes, 'w.weights.h5', LoadBudget.DEFAULT, 10_000).group('layers'), null);
      const started = performance.now();
      assert.throws(
        () => readH5Tree(bytes, 'w.weights.h5', LoadBudget.DEFAULT, 4),
        (e: unknown) =>
          e instanceof ModelFileError &&
          /^w\.weights\.h5: reading the HDF5 data made no progress for 750 ms, and was abandoned: the data may be corrupt \(that can make the HDF5 library loop\), or this machine too busy to read it in time; if the file is trusted, load it with a longer limit \(setHdf5Timeout\(ms\)\)$/.test(e.message),
      );
      assert.ok(performance.now() - started < 1200, `abandoned after ${(performance.now() - started).toFixed(0)} ms`);
      // The abandoned worker was replaced, and a large model's read finishes again.
      assert.notEqual(readH5Tree(bytes, 'w.weights.h5', LoadBudget.DEFAULT, 10_000).group('layers'), null);
    });
  });

  it('loading is linear in the layer count: 4x the layers in under 6x the time (200 and 800 layers)', (t) => {
    const started = performance.now();
    const small = saveModelSync(blocksModel(100));
    const large = saveModelSync(blocksModel(400));
    const savedMs = performance.now() - started;
    const { ms: smallMs } = loadMs(small, 2);
    const { ms: largeMs, model } = loadMs(large, 2);
    assert.equal(model.layers.length, 800);
    t.diagnostic(`built and saved 200 + 800 layers in ${savedMs.toFixed(0)} ms; loaded 200 layers in ${smallMs.toFixed(0)} ms, 800 in ${largeMs.toFixed(0)} ms`);
    assert.ok(largeMs < 6 * smallMs + 50, `200 layers: ${smallMs.toFixed(0)} ms, 800 layers: ${largeMs.toFixed(0)} ms`);
  });
});
