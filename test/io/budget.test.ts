/**
 * The resource budget for untrusted files: each hostile file the probe of issue #12 found costly (huge
 * declared shapes, many large layers, HDF5 datasets with no data, zip bombs, many layers, deep or huge
 * JSON) is refused in under a second and 200 MB, with the figure in the message; the limits are options.
 */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { unzipSync } from 'fflate';
import { InvalidArgumentError } from '../../src/errors.js';
import { DEFAULT_LIMITS, exportTfjs, ioReady, loadModelSync, loadWeightsSync, ModelFileError, modelFromKerasBytes, modelFromTfjs, saveWeightsSync } from '../../src/io/index.js';
import { peakMemorySupported, startMemoryWatch } from '../helpers/memory.js';
import { modelFromConfig } from '../../src/io/model-config.js';
import { replaceEntry, rewriteH5, rng, zipBomb } from './fuzz/mutate-bytes.js';
import { FIXTURES, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
  // Warm the HDF5 worker, so that timings measure the refusal.
  modelFromKerasBytes(keras, 'warm-up.keras');
});

const keras = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras3_sequential.keras')));
const entries = unzipSync(keras);
const config = () => JSON.parse(new TextDecoder().decode(entries['config.json'])) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
const withConfig = (c: unknown, deflate = false) => replaceEntry(keras, 'config.json', new TextEncoder().encode(JSON.stringify(c)), deflate);

/** Asserts `load` is refused, naming `file`, matching `pattern`, in under 1 s and 200 MB. */
function refusedCheaply(load: () => unknown, file: string, pattern: RegExp): void {
  const memory = startMemoryWatch();
  const started = performance.now();
  assert.throws(load, (e: unknown) => e instanceof ModelFileError && e.message.startsWith(file) && pattern.test(e.message));
  const ms = performance.now() - started;
  const mb = memory();
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
  if (peakMemorySupported) assert.ok(mb < 200, `added ${mb.toFixed(0)} MB at its peak`);
}

describe('declared weights are counted from the config before anything is built', () => {
  it('a Dense of 2^24 units: the total in the message, and how to raise the limit', () => {
    const c = config();
    c.config.layers[5].config.units = 2 ** 24;
    refusedCheaply(() => modelFromKerasBytes(withConfig(c), 'm.keras'), 'm.keras', /the config declares at least 2\.48 GB of weights \([\d,]+ values; layer 'head' \(Dense\) alone 2\.48 GB\); the limit is 2 GiB; pass \{ maxBytes \} to raise it/);
  });

  it('a Dense of 2^28 units is refused by the argument range itself, naming the layer and the argument', () => {
    const c = config();
    c.config.layers[5].config.units = 2 ** 28;
    refusedCheaply(() => modelFromKerasBytes(withConfig(c), 'm.keras'), 'm.keras', /layers\[5\] 'head' \(Dense\): Dense: invalid `units`: received 268435456; expected a positive integer ≤ 16777216/);
  });

  it('filters: 2**22 and depth_multiplier: 1048576 in a 40 kB file: more weights than the file stores', () => {
    const conv = config();
    conv.config.layers[3].config.filters = 2 ** 22;
    refusedCheaply(() => modelFromKerasBytes(withConfig(conv), 'm.keras'), 'm.keras', /declares at least [\d,]+ weight values \(\d+ MB; layer 'conv' \(Conv2D\).*\) but model\.weights\.h5 stores only 415/);
    const dw = config();
    dw.config.layers[1].config.depth_multiplier = 1048576;
    refusedCheaply(() => modelFromKerasBytes(withConfig(dw), 'm.keras'), 'm.keras', /layer 'dw' \(DepthwiseConv2D\).* stores only 415/);
  });

  it('sixty-four Dense layers of 67 MB each (each under any per-layer cap) are refused on their total', () => {
    const layers = [{ class_name: 'InputLayer', config: { batch_shape: [null, 4096], name: 'in' } }, ...Array.from({ length: 64 }, (_, i) => ({ class_name: 'Dense', config: { units: 4096, name: `d${i}` } }))];
    const c = { class_name: 'Sequential', config: { name: 'wide', layers } };
    refusedCheaply(() => modelFromConfig(c, 'wide.json'), 'wide.json', /declares at least 2\.15 GB of weights \(537,001,984 values; layer 'd31' \(Dense\) alone 67\.1 MB\); the limit is 2 GiB/);
    // In a file, the few values it stores refuse it at the first layer, whatever the budget.
    refusedCheaply(() => modelFromKerasBytes(withConfig(c), 'wide.keras', { maxBytes: 2 ** 33 }), 'wide.keras', /layer 'd0' \(Dense\) alone 67\.1 MB\) but model\.weights\.h5 stores only 415/);
  });

  it('maxBytes lowers the limit too, and the fixture loads under the default', () => {
    assert.throws(() => modelFromKerasBytes(keras, 'm.keras', { maxBytes: 1000 }), /declares more than 1 kB of weights .*; the limit is 1 kB; pass \{ maxBytes \} to raise it/);
    assert.equal(modelFromKerasBytes(keras, 'm.keras').layers.length, 5);
  });
});

describe('the data a file holds is bounded before it is read', () => {
  it('an HDF5 dataset resized to 2^28-2^40 elements with nothing written is refused unread', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const grown = await rewriteH5(entries['model.weights.h5'], { grow: rng(seed) });
      refusedCheaply(() => modelFromKerasBytes(replaceEntry(keras, 'model.weights.h5', grown), 'g.keras'), 'g.keras', /declares shape \[\d+(, \d+)*\] of 4-byte values \([\d.]+ [GT]B\), which .* cannot fit in the [\d.]+ kB file/);
    }
  });

  it('zero bombs: an honest one is refused on its ratio before inflating, a lying one once it outgrows its declared size', () => {
    // The config's bomb stays under its 16 MiB limit, so that the ratio is what refuses it.
    for (const [entry, size, inflated] of [['model.weights.h5', 2 ** 25, '33.6 MB'], ['config.json', 2 ** 23, '8.39 MB']] as const) {
      const honest = zipBomb(keras, entry, size, false);
      refusedCheaply(() => modelFromKerasBytes(honest, 'bomb.keras'), 'bomb.keras', new RegExp(`would inflate from [\\d.]+ kB to ${inflated} \\(\\d+:1\\); real model data compresses far less than 250:1`));
      const lying = zipBomb(keras, entry, size, true);
      refusedCheaply(() => modelFromKerasBytes(lying, 'bomb.keras'), 'bomb.keras', /inflates to more than the 16 bytes it declares/);
    }
  });

  it('a CRC-32 mismatch is refused: one flipped bit in stored weights no longer loads silently', () => {
    const view = new DataView(keras.buffer.slice(0));
    const flipped = new Uint8Array(view.buffer);
    const weights = entries['model.weights.h5'];
    // The last weight value of the stored (uncompressed) HDF5 entry, located in the archive.
    const at = Buffer.from(flipped).indexOf(Buffer.from(weights.subarray(weights.length - 64)));
    flipped[at + 60] ^= 0x01;
    refusedCheaply(() => modelFromKerasBytes(flipped, 'bit.keras'), 'bit.keras', /zip entry 'model\.weights\.h5' fails its CRC-32 check \(the archive says 0x[0-9a-f]{8}, the data gives 0x[0-9a-f]{8}\)/);
  });
});

describe('configs are bounded in size, nesting and layer count', () => {
  it('JSON over maxConfigBytes, nested 100,000 deep, or 32 MiB of whitespace in a small zip', () => {
    const padded = replaceEntry(keras, 'config.json', new TextEncoder().encode(`{"x": ${' '.repeat(17 * 2 ** 20)}1}`));
    refusedCheaply(() => modelFromKerasBytes(padded, 'big.keras'), 'big.keras', /zip entry 'config\.json' declares 17\.8 MB; the limit for it is 16 MiB/);
    const nested = replaceEntry(keras, 'config.json', new TextEncoder().encode(`${'['.repeat(100_000)}${']'.repeat(100_000)}`));
    refusedCheaply(() => modelFromKerasBytes(nested, 'deep.keras'), 'deep.keras', /config\.json nests arrays and objects more than 100 levels deep/);
    const whitespace = zipBomb(keras, 'config.json', 2 ** 25, false);
    refusedCheaply(() => modelFromKerasBytes(whitespace, 'ws.keras'), 'ws.keras', /zip entry 'config\.json' declares 33.6 MB; the limit for it is 16 MiB/);
  });

  it('200,000 layers are refused by maxLayers after parsing, and maxLayers can be lowered', () => {
    const layers = [{ class_name: 'InputLayer', config: { batch_shape: [null, 4], name: 'in' } }, ...Array.from({ length: 200_000 }, (_, i) => ({ class_name: 'ReLU', config: { name: `r${i}` } }))];
    const many = withConfig({ class_name: 'Sequential', config: { name: 'deep', layers } });
    refusedCheaply(() => modelFromKerasBytes(many, 'many.keras'), 'many.keras', /the Sequential config lists 200001 layers; the limit is 10000; pass \{ maxLayers \} to raise it/);
    assert.throws(() => modelFromKerasBytes(keras, 'm.keras', { maxLayers: 3 }), /lists 6 layers; the limit is 3/);
  });
});

describe('load options', () => {
  it('are validated: positive integers, known names only', () => {
    for (const bad of [-1, 0, 1.5, '2GB', Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      assert.throws(() => modelFromKerasBytes(keras, 'm.keras', { maxBytes: bad as number }), (e: unknown) => e instanceof InvalidArgumentError && /invalid `maxBytes`/.test(e.message));
    }
    assert.throws(() => modelFromKerasBytes(keras, 'm.keras', { maxbytes: 5 } as never), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'maxbytes' && /did you mean 'maxBytes'\?/.test(e.message));
    assert.throws(() => modelFromKerasBytes(keras, 'm.keras', { compile: 'yes' } as never), /invalid `compile`/);
    assert.deepEqual(DEFAULT_LIMITS, { maxBytes: 2 ** 31, maxLayers: 10_000, maxConfigBytes: 2 ** 24 });
  });

  it('reach every loader: loadModel, loadWeights, TF.js', () => {
    const dir = tempDir();
    const model = singleLayerModel('Dense', 'float32');
    const file = path.join(dir, 'm.keras');
    fs.writeFileSync(file, keras);
    assert.throws(() => loadModelSync(file, { maxBytes: 100 }), /the limit is 100 bytes/);
    saveWeightsSync(model, path.join(dir, 'w.weights.h5'));
    assert.throws(() => loadWeightsSync(model, path.join(dir, 'w.weights.h5'), { maxBytes: 8 }), /the limit is 8 bytes/);
    exportTfjs(model, path.join(dir, 'model.json'));
    assert.throws(() => modelFromTfjs(path.join(dir, 'model.json'), { maxBytes: 8 }), /the weights manifest declares 72 bytes of weights; the limit is 8 bytes/);
    assert.throws(() => modelFromTfjs(path.join(dir, 'model.json'), { maxConfigBytes: 100 }), /model\.json is [\d.]+ kB; the limit is 100 bytes; pass \{ maxConfigBytes \}/);
  });

  it('a TF.js manifest declaring terabytes is refused before any shard is opened', () => {
    const dir = tempDir();
    exportTfjs(singleLayerModel('Dense', 'float32'), path.join(dir, 'model.json'));
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { weightsManifest: { weights: { shape: number[] }[] }[] };
    json.weightsManifest[0].weights[0].shape = [2 ** 20, 2 ** 20];
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    refusedCheaply(() => modelFromTfjs(path.join(dir, 'model.json')), path.join(dir, 'model.json'), /the weights manifest declares 4\.4 TB of weights; the limit is 2 GiB/);
  });
});
