/**
 * The browser-neutral entry (src/index.ts) does not load HDF5 at import. A checkpoint starts loading it when
 * made; a synchronous fit that begins before it is loaded is refused at onTrainBegin, before any epoch,
 * saying what to do; once loaded, the same fit saves.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { it } from 'node:test';
import { Dense, InputLayer, ioReady, loadModelSync, ModelCheckpoint, Sequential, tensor } from '../../src/index.js';
import { tempDir } from '../helpers/temp-dir.js';

it('refuses a fit that starts before HDF5 is loaded, then saves once it is', async () => {
  const dir = tempDir();
  const model = new Sequential({ layers: [new InputLayer({ shape: [2] }), new Dense({ units: 1 })] });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = tensor([1, 2, 3, 4], [2, 2]);
  const y = tensor([1, 0], [2, 1]);
  const checkpoint = new ModelCheckpoint({ filepath: path.join(dir, 'm.keras'), monitor: 'loss' });
  const before = model.weights.map((w) => Array.from(w.dataSync()));
  assert.throws(() => model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [checkpoint] }), /ModelCheckpoint: cannot save .*m\.keras: the HDF5 module is still loading; `await ioReady\(\)`/);
  assert.deepEqual(model.weights.map((w) => Array.from(w.dataSync())), before);
  assert.deepEqual(fs.readdirSync(dir), []);
  await ioReady();
  model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [checkpoint] });
  assert.deepEqual(loadModelSync(path.join(dir, 'm.keras')).weights.map((w) => Array.from(w.dataSync())), model.weights.map((w) => Array.from(w.dataSync())));
});
