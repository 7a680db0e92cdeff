/** Worker entry: snapshots HDF5 bytes with h5wasm and posts the result (or the error message) back. */

import { parentPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { snapshotInProcess } from './h5-isolate.js';
import { ioReady } from './hdf5.js';

interface Request {
  bytes: Uint8Array;
  file: string;
  port: MessagePort;
  flag: Int32Array;
}

function reply(request: Request, message: unknown): void {
  request.port.postMessage(message);
  request.port.close();
  Atomics.store(request.flag, 0, 1);
  Atomics.notify(request.flag, 0);
}

const ready = ioReady();
parentPort?.on('message', (request: Request) => {
  ready.then(
    () => {
      try {
        reply(request, { ok: true, snapshot: snapshotInProcess(request.bytes, request.file) });
      } catch (error) {
        reply(request, { ok: false, message: (error as Error).message });
      }
    },
    (error: unknown) => reply(request, { ok: false, message: `the HDF5 module did not load: ${String(error)}` }),
  );
});
