/**
 * Sources other than paths (issue #16): `saveModel`/`saveWeights` with no path return the file's bytes;
 * `loadModel`/`loadWeights` read bytes (`Uint8Array`, `ArrayBuffer`), a `Blob`, and URLs (fetched from a
 * local server, a TF.js model.json's shard beside it), telling the format by the bytes, within the budget;
 * the browser-only destinations say so in Node.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';

import {
  exportTfjs,
  ioReady,
  loadModel,
  loadModelSync,
  loadWeights,
  loadWeightsSync,
  ModelFileError,
  saveModel,
  saveModelSync,
  saveWeights,
  saveWeightsSync,
} from '../../src/io/index.js';
import { wasmModuleUrls, setWasmPaths } from '../../src/kernels/wasm/loader.js';
import { bits, FIXTURES, randomizeWeights, singleLayerModel, tempDir } from './helpers.js';

let origin = '';
const served = new Map<string, Uint8Array>();
const server = createServer((request, response) => {
  const body = served.get(request.url ?? '');
  if (body === undefined) response.writeHead(404).end();
  else response.writeHead(200, { 'Content-Length': String(body.byteLength) }).end(body);
});

before(async () => {
  await ioReady();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function trainedModel() {
  const model = singleLayerModel('DepthwiseConv2D', 'float32');
  randomizeWeights(model, 3);
  return model;
}

describe('save() with no path returns the bytes of the file', () => {
  it('saveModel gives a .keras zip that loadModel and loadModelSync read back from bytes', async () => {
    const model = trainedModel();
    const bytes = await saveModel(model);
    assert.ok(bytes instanceof Uint8Array);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    assert.deepEqual([...saveModelSync(model).subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04]);
    for (const source of [bytes, bytes.slice().buffer, new Blob([bytes.slice()])]) {
      const loaded = await loadModel(source);
      assert.deepEqual(loaded.getWeights().map(bits), model.getWeights().map(bits));
    }
    assert.deepEqual(loadModelSync(bytes).getWeights().map(bits), model.getWeights().map(bits));
  });

  it('a file: URL is read as the path it names', async (t) => {
    const model = trainedModel();
    const file = path.join(tempDir('depthwise-sources-', t), 'm.keras');
    await saveModel(model, file);
    assert.deepEqual((await loadModel(pathToFileURL(file))).getWeights().map(bits), model.getWeights().map(bits));
  });

  it('saveWeights gives a .weights.h5 that loadWeights reads back from bytes, all or nothing', async () => {
    const model = trainedModel();
    const bytes = await saveWeights(model);
    assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x48, 0x44, 0x46]);
    assert.deepEqual([...saveWeightsSync(model).subarray(0, 4)], [0x89, 0x48, 0x44, 0x46]);
    const fresh = singleLayerModel('DepthwiseConv2D', 'float32');
    await loadWeights(fresh, bytes);
    assert.deepEqual(fresh.getWeights().map(bits), model.getWeights().map(bits));
    const other = singleLayerModel('DepthwiseConv2D', 'float32');
    loadWeightsSync(other, bytes);
    assert.deepEqual(other.getWeights().map(bits), model.getWeights().map(bits));
  });
});

describe('loading from URLs and untrusted bytes', () => {
  it('fetches a .keras, a Keras 2 .h5 and a TF.js model.json with its shard', async (t) => {
    const model = trainedModel();
    served.set('/m.keras', await saveModel(model));
    served.set('/old.h5', new Uint8Array(readFileSync(path.join(FIXTURES, 'keras2_model.h5'))));
    const dir = tempDir('depthwise-sources-', t);
    exportTfjs(model, path.join(dir, 'model.json'));
    const json = readFileSync(path.join(dir, 'model.json'));
    const shard = (JSON.parse(json.toString()) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0];
    served.set('/tfjs/model.json', new Uint8Array(json));
    served.set(`/tfjs/${shard}`, new Uint8Array(readFileSync(path.join(dir, shard))));

    assert.deepEqual((await loadModel(`${origin}/m.keras`)).getWeights().map(bits), model.getWeights().map(bits));
    assert.deepEqual((await loadModel(new URL(`${origin}/m.keras`))).getWeights().map(bits), model.getWeights().map(bits));
    const legacy = await loadModel(`${origin}/old.h5`);
    assert.deepEqual(legacy.getWeights().map(bits), loadModelSync(path.join(FIXTURES, 'keras2_model.h5')).getWeights().map(bits));
    assert.deepEqual((await loadModel(`${origin}/tfjs/model.json`)).getWeights().map(bits), model.getWeights().map(bits));
    // As bytes alone a model.json cannot find its shard; given as a list of files it can.
    await assert.rejects(loadModel(json), /weight shards cannot be found from bytes alone/);
    const files = [new File([json], 'model.json'), new File([readFileSync(path.join(dir, shard))], shard)];
    assert.deepEqual((await loadModel(files)).getWeights().map(bits), model.getWeights().map(bits));
  });

  it('refuses what it cannot read, naming the source', async () => {
    await assert.rejects(loadModel(`${origin}/missing.keras`), (e: unknown) => e instanceof ModelFileError && /missing\.keras: cannot be fetched: HTTP 404/.test(e.message));
    await assert.rejects(loadModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /is neither a \.keras file \(zip\), a Keras 2 \.h5 file \(HDF5\) nor a TensorFlow\.js model\.json/);
    const bytes = await saveModel(trainedModel());
    await assert.rejects(loadModel(bytes, { maxBytes: 1 }), (e: unknown) => e instanceof ModelFileError && /the limit is 1 bytes/.test(e.message));
    await assert.rejects(loadModel(42 as never), /loadModel reads a path \(Node\), a URL/);
    await assert.rejects(loadModel('indexeddb://digits'), /IndexedDB is not available here/);
    await assert.rejects(saveModel(trainedModel(), 'downloads://digits'), /downloads:\/\/ needs a browser page/);
  });
});

describe('setWasmPaths', () => {
  it('points the kernel modules at a folder or per-variant URLs, and null restores the files beside the library', () => {
    setWasmPaths('https://cdn.example.com/depthwise/');
    assert.deepEqual(wasmModuleUrls('single').map(String), ['https://cdn.example.com/depthwise/depthwise-single.wasm']);
    setWasmPaths({ shared: 'https://cdn.example.com/x/threads.wasm' });
    assert.deepEqual(wasmModuleUrls('shared').map(String), ['https://cdn.example.com/x/threads.wasm']);
    setWasmPaths(null);
    assert.ok(wasmModuleUrls('shared').every((u) => u.pathname.endsWith('/depthwise.wasm')));
    assert.throws(() => setWasmPaths(3 as never), /setWasmPaths: expected a URL/);
  });
});
