/**
 * Paths and the HDF5 reader thread: only regular files are read (a directory, FIFO, socket or link to
 * /dev/zero is refused by type, naming the file, before it is opened), and a reader thread that cannot
 * start is noticed at once, so valid files still load quickly, with the cause named.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportTfjs, ioReady, loadModelSync, loadWeightsSync, ModelFileError, modelFromTfjs } from '../../src/io/index.js';
import { hdf5WorkerFallbackReason, resetHdf5Worker } from '../../src/io/h5-isolate.js';
import { FIXTURES, singleLayerModel, tempDir } from './helpers.js';

before(async () => {
  await ioReady();
});

function refusedByType(load: () => unknown, file: string, kind: RegExp): void {
  const started = performance.now();
  assert.throws(load, (e: unknown) => e instanceof ModelFileError && e.message.startsWith(file) && kind.test(e.message));
  assert.ok(performance.now() - started < 1000);
}

describe('only regular files are read', () => {
  it('a directory, a FIFO, a socket and a link to /dev/zero, as a model file', async (t) => {
    const dir = tempDir('depthwise-io-', t);
    const directory = path.join(dir, 'dir.keras');
    fs.mkdirSync(directory);
    refusedByType(() => loadModelSync(directory), directory, /is a directory, not a regular file/);
    const fifo = path.join(dir, 'fifo.keras');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo is needed for this test');
    // Opening a FIFO for reading blocks until a writer comes: the type check must come first.
    refusedByType(() => loadModelSync(fifo), fifo, /is a FIFO \(named pipe\), not a regular file/);
    const zero = path.join(dir, 'zero.h5');
    fs.symlinkSync('/dev/zero', zero);
    refusedByType(() => loadWeightsSync(singleLayerModel('Dense', 'float32'), zero), zero, /is a character device \(it resolves to \/dev\/zero\), not a regular file/);
    const socket = path.join(dir, 'sock.keras');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      refusedByType(() => loadModelSync(socket), socket, /is a socket, not a regular file/);
    } finally {
      server.close();
    }
    refusedByType(() => loadModelSync(path.join(dir, 'missing.keras')), path.join(dir, 'missing.keras'), /does not exist/);
  });

  it('a TF.js shard that is a directory, or a link to /dev/zero, is refused against model.json, naming the shard', (t) => {
    const dir = tempDir('depthwise-io-', t);
    const file = path.join(dir, 'model.json');
    exportTfjs(singleLayerModel('Dense', 'float32'), file);
    const shard = path.join(dir, (JSON.parse(fs.readFileSync(file, 'utf8')) as { weightsManifest: { paths: string[] }[] }).weightsManifest[0].paths[0]);
    fs.rmSync(shard);
    fs.mkdirSync(shard);
    refusedByType(() => modelFromTfjs(file), file, new RegExp(`weights shard ${shard.replace(/[.]/g, '\\.')}: is a directory`));
    fs.rmdirSync(shard);
    fs.symlinkSync('/dev/zero', shard);
    refusedByType(() => modelFromTfjs(file), file, /weights shard .*: is a character device \(it resolves to \/dev\/zero\)/);
  });
});

describe('the HDF5 reader thread', () => {
  after(() => resetHdf5Worker());

  it('that cannot start (its file missing, as after bundling) is noticed at once: loads run in this thread, with one warning', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error & { code?: string }) => {
      if (w.code === 'DEPTHWISE_HDF5_WORKER') warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      resetHdf5Worker(new URL('./no-such-h5-worker.js', import.meta.url).href);
      for (const name of ['keras3_sequential.keras', 'keras3_functional.keras', 'keras2_model.h5']) {
        const started = performance.now();
        assert.ok(loadModelSync(path.join(FIXTURES, name)).layers.length > 0);
        assert.ok(performance.now() - started < 5000, `${name} took ${performance.now() - started} ms`);
      }
      assert.match(hdf5WorkerFallbackReason() ?? '', /no-such-h5-worker\.js/);
      // Warnings are emitted on the next tick.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
      resetHdf5Worker();
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /the HDF5 reader thread could not start \(.*no-such-h5-worker\.js.*\); HDF5 files are now read in the calling thread, without the time limit/);
  });

  it('starts under node --input-type=module -e, which once made every load wait 10 s and fail', () => {
    const source = fileURLToPath(new URL('../../src/io/index.ts', import.meta.url));
    const script = `
      const io = await import(${JSON.stringify(source)});
      const h5 = await import(${JSON.stringify(fileURLToPath(new URL('../../src/io/h5-isolate.ts', import.meta.url)))});
      await io.ioReady();
      const started = performance.now();
      const model = io.loadModelSync(${JSON.stringify(path.join(FIXTURES, 'keras3_sequential.keras'))});
      console.log(JSON.stringify({ layers: model.layers.length, ms: performance.now() - started, fallback: h5.hdf5WorkerFallbackReason() }));`;
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split('\n').pop() as string) as { layers: number; ms: number; fallback: string | null };
    assert.equal(result.layers, 5);
    assert.equal(result.fallback, null, 'the worker started');
    assert.ok(result.ms < 5000, `the first load took ${result.ms} ms`);
  });
});
