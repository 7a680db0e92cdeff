/**
 * Fuzzing the loaders: hand-written config edits, the HDF5 file that once looped forever, and a seeded
 * campaign of mutants per format (`.keras`, Keras 2 `.h5`, `.weights.h5` into a live model, TF.js; see
 * test/io/fuzz/). Every mutant loads or is refused with a ModelFileError naming the file, within 1 s; a
 * refused load into a live model leaves it bit for bit as it was. `npm run fuzz` runs longer campaigns.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { ioReady, ModelFileError, modelFromKerasBytes } from '../../src/io/index.js';
import { modelFromLegacyH5 } from '../../src/io/legacy-h5.js';
import { runCampaign } from './fuzz/campaign.js';
import { FIXTURES } from './helpers.js';

before(async () => {
  await ioReady();
  // The worker is warmed up first, so that a time limit measures parsing only.
  modelFromLegacyH5(new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_model.h5'))), 'warm-up.h5');
});

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

describe('fuzzing the loaders', { timeout: 300_000 }, () => {
  const keras = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras3_sequential.keras')));
  const h5 = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras2_model.h5')));

  it('hand-written config edits are refused with the file named, or load', () => {
    const files = unzipSync(keras);
    const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as unknown;
    let refused = 0;
    CONFIG_EDITS.forEach((edit, i) => {
      const bytes = zipSync({ ...files, 'config.json': strToU8(JSON.stringify(edit(config))) }, { level: 0 });
      try {
        modelFromKerasBytes(bytes, 'fuzz.keras');
      } catch (error) {
        assert.ok(error instanceof ModelFileError && error.message.startsWith('fuzz.keras'), `edit ${i}: ${String(error)}`);
        refused += 1;
      }
    });
    assert.ok(refused >= CONFIG_EDITS.length - 2, `only ${refused} of ${CONFIG_EDITS.length} edits were refused`);
  });

  it('a file that sends the HDF5 library into an endless loop is abandoned within a second, and the next file reads', () => {
    // Found by the fuzzer: one byte of the fixture's object headers changed from 6 to 38.
    const looping = h5.slice();
    looping[4624] = 38;
    const started = performance.now();
    assert.throws(() => modelFromLegacyH5(looping, 'fuzz-loop.h5'), (e: unknown) => e instanceof ModelFileError && /made no progress for \d+ ms/.test(e.message));
    assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
    // The worker was replaced: the next file reads normally.
    assert.equal(modelFromLegacyH5(h5, 'fuzz.h5').layers.length, 5);
  });

  it('200 seeded mutants per format: no crash, every refusal names the file, none hangs, no refused load changes the model', async () => {
    // A bound that catches a hang, not a speed figure: a 20,000-layer config takes about 1 s to load on a
    // busy 2-core machine. `npm run fuzz` reports the slowest refusal and load against 1 s.
    const figures = await runCampaign({ seed: 2024, count: 200, slowMs: 5000 });
    assert.equal(figures.targets.length, 4);
    for (const t of figures.targets) {
      assert.deepEqual(t.crashes, [], `${t.target}: threw something other than a ModelFileError naming the file`);
      assert.deepEqual(t.slow, [], `${t.target}: slower than 5 s`);
      assert.deepEqual(t.refusedButChanged, [], `${t.target}: refused after changing the model`);
      // The mutants reach both outcomes, and the loaders' checks (not one blanket refusal).
      assert.ok(t.refused >= 100 && t.loaded >= 5, `${t.target}: ${t.refused} refused, ${t.loaded} loaded`);
      assert.ok(t.reasons.size >= 10, `${t.target}: only ${t.reasons.size} distinct refusals`);
      assert.ok(t.maxLoadMemoryMb < 200, `${t.target}: a load added ${t.maxLoadMemoryMb.toFixed(0)} MB (${t.maxLoadMemory})`);
    }
  });
});
