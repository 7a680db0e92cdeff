/**
 * ModelCheckpoint as a Node user meets it: everything from the package's Node entry (src/node.ts), no
 * `save` option, no `await ioReady()`, a synchronous fit. Every file it writes loads back.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it, mock } from 'node:test';
import { Dense, InputLayer, loadModelSync, loadWeightsSync, modelFromConfig, modelToConfig, ModelCheckpoint, Sequential, setRandomSeed, tensor } from '../../src/node.js';
import type { Model, Tensor } from '../../src/node.js';
import { tempDir } from '../helpers/temp-dir.js';

function data(): { x: Tensor; y: Tensor } {
  const xs = Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const ys = Array.from({ length: 20 }, (_, i) => xs[2 * i] - 0.5 * xs[2 * i + 1]);
  return { x: tensor(xs, [20, 2]), y: tensor(ys, [20, 1]) };
}

function model(): Model {
  setRandomSeed(42);
  const m = new Sequential({ layers: [new InputLayer({ shape: [2] }), new Dense({ units: 4, activation: 'tanh' }), new Dense({ units: 1 })] });
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  return m;
}

const bits = (t: Tensor): number[] => Array.from(t.dataSync());

describe('ModelCheckpoint without a save option or ioReady (Node entry)', () => {
  it('writes .keras files named by {epoch:02d} and {val_loss:.2f}, each loading back, and no temporary file is left', () => {
    const dir = tempDir();
    const m = model();
    const { x, y } = data();
    const history = m.fit(x, y, { epochs: 3, batchSize: 5, verbose: 0, validationSplit: 0.25, callbacks: [new ModelCheckpoint({ filepath: path.join(dir, 'ck', 'e{epoch:02d}-{val_loss:.2f}.keras') })] });
    const expected = history.history.val_loss.map((v, i) => `e${String(i + 1).padStart(2, '0')}-${v.toFixed(2)}.keras`);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'ck')).sort(), expected.sort());
    const last = loadModelSync(path.join(dir, 'ck', expected[2]));
    assert.deepEqual(last.weights.map(bits), m.weights.map(bits));
    assert.equal(last.optimizer?.iterations, m.optimizer?.iterations);
  });

  it('writes .weights.h5 with saveWeightsOnly (the positional form too)', () => {
    const dir = tempDir();
    const m = model();
    const { x, y } = data();
    const file = path.join(dir, 'w{epoch}.weights.h5');
    m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint(file, { saveWeightsOnly: true, monitor: 'loss' })] });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['w1.weights.h5', 'w2.weights.h5']);
    const fresh = modelFromConfig(modelToConfig(m));
    loadWeightsSync(fresh, path.join(dir, 'w2.weights.h5'));
    assert.deepEqual(fresh.weights.map(bits), m.weights.map(bits));
  });

  it('writes Keras 2 .h5 only when the monitored value improves (saveBestOnly, mode)', () => {
    const dir = tempDir();
    const m = model();
    const { x, y } = data();
    const saved: string[] = [];
    const history = m.fit(x, y, {
      epochs: 6,
      batchSize: 4,
      verbose: 0,
      callbacks: [new ModelCheckpoint({ filepath: path.join(dir, 'best{epoch}.h5'), monitor: 'mae', mode: 'max', saveBestOnly: true, saveFreq: 'epoch' })],
    });
    let best = -Infinity;
    history.history.mae.forEach((v, i) => {
      if (Math.fround(v) > Math.fround(best)) {
        best = v;
        saved.push(`best${i + 1}.h5`);
      }
    });
    assert.deepEqual(fs.readdirSync(dir).sort(), saved.sort());
    assert.ok(saved.length >= 1);
    const back = loadModelSync(path.join(dir, saved[saved.length - 1]));
    assert.deepEqual(back.getConfig(), m.getConfig());
  });

  it('a missing monitor value warns and saves, as Keras', () => {
    const dir = tempDir();
    const m = model();
    const { x, y } = data();
    const warn = mock.method(console, 'warn', () => undefined);
    try {
      m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: path.join(dir, 'm.keras'), saveBestOnly: true })] });
    } finally {
      warn.mock.restore();
    }
    assert.deepEqual(warn.mock.calls.map((c) => c.arguments[0]), ['Can save best model only with val_loss available.']);
    assert.deepEqual(fs.readdirSync(dir), ['m.keras']);
  });

  it('refuses bad options in the constructor, and fields this fit does not log before the first epoch', () => {
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.txt' }), /invalid `filepath`.*'\.keras'/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.h5', saveWeightsOnly: true }), /'\.weights\.h5' when saveWeightsOnly/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.keras', mode: 'up' as 'max' }), /invalid `mode`/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'e{epoch:.2q}.keras' }), /format spec that fits \{epoch\}/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'e{epoch.keras' }), /balanced/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'e{0}.keras' }), /format fields that name a value/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.keras', monitor: 'val_thing' }), /cannot tell whether 'val_thing'/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.keras', saveFreq: 0 }), /invalid `saveFreq`/);
    assert.throws(() => new ModelCheckpoint({ filepath: 'm.keras', save_best_only: true } as never), /use camelCase: 'saveBestOnly'/);
    assert.throws(() => new ModelCheckpoint('a.keras', { filepath: 'b.keras' }), /given once/);
    assert.throws(() => new ModelCheckpoint({} as never), /invalid `filepath`/);
    const dir = tempDir();
    const m = model();
    const before = m.weights.map(bits);
    const { x, y } = data();
    for (const filepath of ['{val_los:.2f}.keras', '{val_loss}.keras', 'b{batch}.keras']) {
      // No validation data: val_loss is never logged; {batch} only with batch-frequency saving.
      assert.throws(() => m.fit(x, y, { epochs: 2, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: path.join(dir, filepath) })] }), /this fit logs no '(val_los|val_loss|batch)'/);
    }
    assert.deepEqual(m.weights.map(bits), before);
    assert.equal(m.optimizer?.iterations, 0);
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it('saveFreq in batches fills {batch}', () => {
    const dir = tempDir();
    const m = model();
    const { x, y } = data();
    m.fit(x, y, { epochs: 1, batchSize: 5, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: path.join(dir, 'e{epoch}b{batch}-{loss:.3f}.weights.h5'), saveWeightsOnly: true, saveFreq: 2 })] });
    assert.deepEqual(fs.readdirSync(dir).map((f) => f.replace(/-.*/, '')).sort(), ['e1b2', 'e1b4']);
  });
});
