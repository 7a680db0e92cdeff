/** Saving never corrupts an existing file; untrusted files load or fail with a clear error naming the file. */

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { setWriteFs } from '../../src/io/atomic-write.js';
import type { WriteFs } from '../../src/io/atomic-write.js';
import { ioReady, loadModelSync, loadWeightsSync, ModelFileError, modelFromKerasBytes, registerLayer, saveModelSync, unregisterLayer } from '../../src/io/index.js';
import { Dense } from '../../src/layers/core/index.js';
import { FIXTURES, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

const seqBytes = () => new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'keras3_sequential.keras')));

function withConfig(edit: (config: Record<string, unknown>) => void): Uint8Array {
  const files = unzipSync(seqBytes());
  const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as Record<string, unknown>;
  edit(config);
  files['config.json'] = strToU8(JSON.stringify(config));
  return zipSync(files, { level: 0 });
}

type Layers = { config: { layers: { class_name: string; config: Record<string, unknown>; registered_name?: string | null }[] } };

function rejects(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => modelFromKerasBytes(bytes, 'tampered.keras'),
    (e: unknown) => e instanceof ModelFileError && e.message.startsWith('tampered.keras') && pattern.test(e.message),
  );
}

describe('atomic saving', () => {
  let restore: WriteFs | null = null;
  after(() => {
    if (restore) setWriteFs(restore);
  });

  it('a write failing part-way leaves the existing file intact and no temp file behind', () => {
    const dir = tempDir();
    const file = path.join(dir, 'model.keras');
    saveModelSync(singleLayerModel('Dense', 'float32'), file);
    const before = fs.readFileSync(file);
    let written = 0;
    restore = setWriteFs({
      ...fs,
      writeSync: (fd, data, offset, length) => {
        if (written > 100) throw new Error('disk full (injected)');
        const n = fs.writeSync(fd, data, offset, Math.min(length, 64));
        written += n;
        return n;
      },
    } as WriteFs);
    assert.throws(() => saveModelSync(singleLayerModel('Conv2D', 'float32'), file), (e: unknown) => e instanceof ModelFileError && /disk full/.test(e.message) && e.message.includes(file));
    setWriteFs(restore);
    restore = null;
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), ['model.keras']);
    assert.equal(loadModelSync(file).layers[0].className, 'Dense');
  });
});

describe('untrusted files', () => {
  it('unknown layer classes are refused, naming the class and the file', () => {
    rejects(withConfig((c) => { (c as unknown as Layers).config.layers[1].class_name = 'EvilLambda'; }), /unknown layer class 'EvilLambda'/);
  });

  it('custom classes load only once registered', () => {
    const edit = (c: Record<string, unknown>) => {
      const layer = (c as unknown as Layers).config.layers[5];
      layer.class_name = 'MyHead';
      layer.registered_name = 'Custom>MyHead';
    };
    rejects(withConfig(edit), /unknown layer class 'MyHead'/);
    registerLayer('Custom>MyHead', (config) => Dense.fromConfig(config));
    try {
      const model = modelFromKerasBytes(withConfig(edit), 'custom.keras', { compile: false });
      assert.equal(model.layers[4].name, 'head');
    } finally {
      unregisterLayer('Custom>MyHead');
    }
  });

  it('weights that disagree with the config are refused', () => {
    rejects(withConfig((c) => { (c as unknown as Layers).config.layers[5].config.units = 4; }), /shape|stores only/);
  });

  it('absurd sizes in the config are refused before anything is allocated', () => {
    rejects(withConfig((c) => { (c as unknown as Layers).config.layers[5].config.units = 2 ** 40; }), /./);
    rejects(withConfig((c) => { (c as unknown as Layers).config.layers[3].config.filters = 2 ** 30; }), /invalid `filters`: received 1073741824; expected a positive integer ≤ 16777216/);
    rejects(withConfig((c) => { (c as unknown as Layers).config.layers[3].config.filters = 2 ** 24; }), /declares (at least )?\d+(\.\d+)? [GT]B of weights .*; the limit is 2 GiB; pass \{ maxBytes \} to raise it/);
  });

  it('truncated and non-zip data are refused', () => {
    const bytes = seqBytes();
    rejects(bytes.slice(0, bytes.length - 500), /zip|HDF5|corrupt|truncated/);
    rejects(strToU8('not a zip at all'), /not a zip/);
  });

  it('a zip entry declaring an absurd size is refused', () => {
    const bytes = seqBytes();
    // Patch the central directory's uncompressed size of the first entry (offset 24 in its record).
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = bytes.length - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        const first = view.getUint32(bytes.length - 22 + 16, true);
        view.setUint32(first + 20, 1, true); // compressed size 1
        view.setUint16(first + 10, 8, true); // deflate
        view.setUint32(first + 24, 0xfffffff0, true);
        break;
      }
    }
    rejects(bytes, /believable|corrupt|zip/);
  });

  it('a weights file cannot be loaded into a model it does not fit (Keras 2 content under a .weights.h5 name)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'm.weights.h5');
    fs.copyFileSync(path.join(FIXTURES, 'keras2_weights.h5'), file);
    assert.throws(() => loadWeightsSync(singleLayerModel('Dense', 'float32'), file), (e: unknown) => e instanceof ModelFileError && /layer count mismatch/.test(e.message) && e.message.includes(file));
  });
});
