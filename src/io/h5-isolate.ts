/**
 * Reading untrusted HDF5 with a time limit. The HDF5 C library can loop forever on some corrupt files and a
 * synchronous WebAssembly call cannot be interrupted, so in Node the snapshot is taken in a worker thread
 * while this thread waits (synchronously, with `Atomics.wait`) for at most `timeoutMs`; a worker that does
 * not answer is terminated and replaced. Where workers are unavailable it runs in-process.
 */

import type * as WorkerThreadsModule from 'node:worker_threads';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { ModelFileError } from './errors.js';
import type { H5Snapshot } from './h5-tree.js';
import { H5Tree, snapshotH5 } from './h5-tree.js';
import { h5Classes, readH5 } from './hdf5.js';

type WorkerThreads = typeof WorkerThreadsModule;

let threads: WorkerThreads | null | undefined;
let worker: NodeWorker | null = null;
let timeoutMs = 10_000;

/** Sets how long one HDF5 read may take before it is abandoned (default 10 s); returns the previous value. */
export function setHdf5Timeout(ms: number): number {
  const previous = timeoutMs;
  timeoutMs = ms;
  return previous;
}

function workerThreads(): WorkerThreads | null {
  if (threads === undefined) {
    try {
      threads = createRequire(import.meta.url)('node:worker_threads') as WorkerThreads;
    } catch {
      threads = null;
    }
  }
  return threads;
}

/** The snapshot of `bytes`, taken here (the worker calls this). */
export function snapshotInProcess(bytes: Uint8Array, file: string): H5Snapshot {
  const { isGroup, isDataset } = h5Classes();
  return readH5(bytes, file, (root) => snapshotH5(root, isGroup, isDataset));
}

let workerBroken = false;

function startWorker(wt: WorkerThreads): NodeWorker {
  let w: NodeWorker;
  if (import.meta.url.endsWith('.ts')) {
    // Running from source under tsx: Node 20 does not pass tsx's loader hooks on to workers, so the worker
    // registers tsx itself before importing the TypeScript entry.
    const entry = JSON.stringify(new URL('./h5-worker.ts', import.meta.url).href);
    w = new wt.Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, { eval: true });
  } else {
    w = new wt.Worker(new URL('./h5-worker.js', import.meta.url));
  }
  // A worker that cannot start makes later reads run in-process rather than each waiting for the timeout.
  w.on('error', () => {
    workerBroken = true;
    worker = null;
  });
  w.unref();
  return w;
}

function snapshotInWorker(wt: WorkerThreads, bytes: Uint8Array, file: string): H5Snapshot {
  worker ??= startWorker(wt);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new wt.MessageChannel();
  worker.postMessage({ bytes, file, port: port2, flag }, [port2]);
  // The first call also waits for the worker to load the HDF5 module.
  Atomics.wait(flag, 0, 0, timeoutMs);
  const received = wt.receiveMessageOnPort(port1) as { message: { ok: boolean; snapshot?: H5Snapshot; message?: string } } | undefined;
  port1.close();
  if (received === undefined) {
    void worker.terminate();
    worker = null;
    throw new ModelFileError(file, `reading the HDF5 data did not finish within ${timeoutMs} ms (a corrupt file can make the HDF5 library loop); abandoned`);
  }
  const { ok, snapshot, message } = received.message;
  if (!ok || snapshot === undefined) throw new ModelFileError(file, message?.startsWith(file) ? message.slice(file.length + 2) : (message ?? 'unreadable HDF5 data'));
  return snapshot;
}

/**
 * Opens untrusted HDF5 bytes as an {@link H5Tree}, with the time limit where workers exist.
 *
 * @example
 * ```ts
 * const tree = readH5Tree(bytes, 'weights.h5');
 * tree.stringListAttr('', 'layer_names');
 * ```
 */
export function readH5Tree(bytes: Uint8Array, file: string): H5Tree {
  const wt = workerThreads();
  const snapshot = wt !== null && !workerBroken && typeof SharedArrayBuffer === 'function' ? snapshotInWorker(wt, bytes, file) : snapshotInProcess(bytes, file);
  return new H5Tree(snapshot, file);
}

/** Stops the worker (tests, or a host that wants no thread left). */
export function stopHdf5Worker(): void {
  void worker?.terminate();
  worker = null;
}
