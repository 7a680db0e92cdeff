// ConvLSTM weights in Keras's file layout: Keras keeps them in the layer's cell group
// (`layers/conv_lstm2d/cell/vars/0..2`, the layer's own `vars` empty). A `.keras` file Keras 3.15 wrote
// (test/fixtures/keras/generate_conv_lstm_file.py) loads and predicts as in Keras, and ours writes the same layout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import type { Group } from 'h5wasm';
import { readH5 } from '../../src/io/hdf5.js';

import { ioReady, loadModelSync, saveModelSync, tensor } from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { loadKerasFixture } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/temp-dir.js';

const fixture = loadKerasFixture<{ x: number[]; y: number[]; weights: number[][] }>('conv_lstm_file.json');
const kerasFile = fileURLToPath(new URL('../fixtures/keras/io/conv_lstm2d.keras', import.meta.url));
const x = () => tensor(fixture.x);

describe('ConvLSTM2D in .keras files, as Keras 3 lays them out', () => {
  before(() => ioReady());

  test("Keras's file loads: the cell's weights, and the predictions", () => {
    const model = loadModelSync(kerasFile);
    model.weights.forEach((w, i) => assertAllClose(w.dataSync(), fixture.weights[i].flat(Infinity as 1) as number[], { rtol: 0, atol: 0 }, w.path));
    assertAllClose((model.predict(x()) as Tensor).dataSync(), fixture.y.flat(Infinity as 1) as number[], { rtol: 1e-5, atol: 1e-6 }, 'predictions');
  });

  test('ours saves the weights under cell/vars, with an empty vars of its own, and loads them back', () => {
    const model = loadModelSync(kerasFile);
    const file = join(tempDir('depthwise-conv-lstm-'), 'm.keras');
    saveModelSync(model, file);
    const h5 = unzipSync(readFileSync(file))['model.weights.h5'];
    const keys = (root: Group, path: string) => (root.get(path) as Group).keys().sort();
    const [own, cell] = readH5(h5, file, (root) => [keys(root, 'layers/conv_lstm2d/vars'), keys(root, 'layers/conv_lstm2d/cell/vars')]);
    assert.deepEqual(own, []);
    assert.deepEqual(cell, ['0', '1', '2']);
    const again = loadModelSync(file);
    assertAllClose((again.predict(x()) as Tensor).dataSync(), (model.predict(x()) as Tensor).dataSync(), { rtol: 0, atol: 0 }, 'round trip');
  });
});
