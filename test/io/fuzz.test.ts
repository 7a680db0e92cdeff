/**
 * Hundreds of mutated `.keras` and Keras 2 `.h5` files (byte flips, truncations, config edits): each one
 * either loads or throws a ModelFileError naming the file; nothing crashes, hangs or throws anything else.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { ioReady, ModelFileError, modelFromKerasBytes } from '../../src/io/index.js';
import { modelFromLegacyH5 } from '../../src/io/legacy-h5.js';
import { setHdf5Timeout } from '../../src/io/h5-isolate.js';
import { FIXTURES, random } from './helpers.js';

let previousTimeout: number | null = null;
before(async () => {
  await ioReady();
  // A file that sends HDF5 into a loop costs this long; the worker is warmed up first so it is all parsing.
  modelFromLegacyH5(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_model.h5'))), 'warm-up.h5');
  previousTimeout = setHdf5Timeout(3000);
});
after(() => {
  setHdf5Timeout(previousTimeout);
});

const next = random(2024);
const int = (n: number) => Math.floor((next() + 0.5) * n);

function flip(bytes: Uint8Array, count: number, from = 0): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < count; i++) out[from + int(out.length - from)] ^= 1 << int(8);
  return out;
}

const CONFIG_EDITS: ((c: unknown) => unknown)[] = [
  () => null,
  () => [],
  (c) => ({ ...(c as object), class_name: 'Lambda' }),
  (c) => ({ ...(c as object), config: 'nope' }),
  (c) => JSON.parse(JSON.stringify(c).replace(/"units":3/, '"units":-1')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"kernel_size":\[3,3\]/, '"kernel_size":[1e9,3]')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"batch_shape":\[null,8,8,3\]/, '"batch_shape":[null,8,8]')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"batch_shape":\[null,8,8,3\]/, '"batch_shape":"big"')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"DepthwiseConv2D"/, '"Conv2D"')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"padding":"same"/, '"padding":"valid"')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"activation":"softmax"/, '"activation":"__import__"')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"depth_multiplier":2/, '"depth_multiplier":2e12')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"name":"dw"/g, '"name":"head"')),
  (c) => JSON.parse(JSON.stringify(c).replace(/"layers":\[/, '"layers":[{"class_name":"InputLayer","config":{"batch_shape":[null,2]}},')),
];

function check(load: () => unknown, label: string): 'loaded' | 'refused' {
  try {
    load();
    return 'loaded';
  } catch (error) {
    assert.ok(error instanceof ModelFileError, `${label}: threw ${String(error)}`);
    assert.ok(error.message.startsWith('fuzz'), `${label}: message does not name the file: ${error.message}`);
    assert.ok(error.message.length < 4000, `${label}: message too long`);
    return 'refused';
  }
}

describe('fuzzing the loaders', { timeout: 300_000 }, () => {
  const keras = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras3_sequential.keras')));
  const h5 = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_model.h5')));

  it('.keras: 200 byte flips and 60 truncations', () => {
    const outcomes = { loaded: 0, refused: 0 };
    for (let i = 0; i < 200; i++) outcomes[check(() => modelFromKerasBytes(flip(keras, 1 + int(16)), 'fuzz.keras', { compile: i % 2 === 0 }), `flip ${i}`)]++;
    for (let i = 0; i < 60; i++) outcomes[check(() => modelFromKerasBytes(keras.slice(0, int(keras.length)), 'fuzz.keras'), `truncate ${i}`)]++;
    assert.ok(outcomes.refused > 0);
  });

  it('.keras: config edits, and byte flips inside model.weights.h5 only', () => {
    const files = unzipSync(keras);
    const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as unknown;
    CONFIG_EDITS.forEach((edit, i) => {
      const bytes = zipSync({ ...files, 'config.json': strToU8(JSON.stringify(edit(config))) }, { level: 0 });
      check(() => modelFromKerasBytes(bytes, 'fuzz.keras'), `config edit ${i}`);
    });
    for (let i = 0; i < 120; i++) {
      const weights = flip(files['model.weights.h5'], 1 + int(8));
      check(() => modelFromKerasBytes(zipSync({ ...files, 'model.weights.h5': weights }, { level: 0 }), 'fuzz.keras'), `h5 flip ${i}`);
    }
  });

  it('a file that sends the HDF5 library into an endless loop is abandoned with a clear error', () => {
    // Found by this fuzzer: one byte of the fixture's object headers changed from 6 to 38.
    const looping = h5.slice();
    looping[4624] = 38;
    assert.throws(() => modelFromLegacyH5(looping, 'fuzz-loop.h5'), (e: unknown) => e instanceof ModelFileError && /did not finish within 3000 ms/.test(e.message));
    // The worker was replaced: the next file reads normally.
    assert.equal(modelFromLegacyH5(h5, 'fuzz.h5').layers.length, 5);
  });

  it('Keras 2 .h5: 150 byte flips and 40 truncations', () => {
    for (let i = 0; i < 150; i++) check(() => modelFromLegacyH5(flip(h5, 1 + int(16)), 'fuzz.h5'), `flip ${i}`);
    for (let i = 0; i < 40; i++) check(() => modelFromLegacyH5(h5.slice(0, int(h5.length)), 'fuzz.h5'), `truncate ${i}`);
  });
});
