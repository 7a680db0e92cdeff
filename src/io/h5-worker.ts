/**
 * Worker entry: snapshots HDF5 bytes with h5wasm and posts the result (or the error message) back. It tells
 * the calling thread through shared memory when it is ready, and when it exits, since that thread waits
 * in `Atomics.wait` and cannot hear events.
 */

import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { SnapshotLimits } from './h5-tree.js';
import { PROGRESS_INDEX, snapshotInProcess, WORKER_STATE } from './h5-isolate.js';
import { ioReady } from './hdf5.js';

interface Request {
  bytes: Uint8Array;
  file: string;
  limits: SnapshotLimits;
  port: MessagePort;
}

const state = (workerData as { state: Int32Array }).state;

function signal(index: number, value: number): void {
  Atomics.store(state, index, value);
  Atomics.notify(state, index);
}

function reply(request: Request, message: unknown, transfer: ArrayBuffer[] = []): void {
  request.port.postMessage(message, transfer);
  request.port.close();
  signal(1, WORKER_STATE.answered);
}

/** The buffers of the snapshot's arrays, moved rather than copied to the calling thread. */
function buffersOf(snapshot: ReturnType<typeof snapshotInProcess>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const node of Object.values(snapshot)) {
    if (node.kind === 'dataset' && ArrayBuffer.isView(node.value) && node.value.buffer instanceof ArrayBuffer) buffers.add(node.value.buffer);
  }
  return [...buffers];
}

process.on('exit', () => {
  signal(0, WORKER_STATE.exited);
  signal(1, WORKER_STATE.exited);
});

parentPort?.on('message', (request: Request) => {
  try {
    const snapshot = snapshotInProcess(request.bytes, request.file, request.limits, () => Atomics.add(state, PROGRESS_INDEX, 1));
    reply(request, { ok: true, snapshot }, buffersOf(snapshot));
  } catch (error) {
    reply(request, { ok: false, message: (error as Error).message });
  }
});

/** Resolves once h5wasm is loaded and the calling thread has been told; the bootstrap reports a rejection. */
export const started: Promise<void> = ioReady().then(() => signal(0, WORKER_STATE.ready));
