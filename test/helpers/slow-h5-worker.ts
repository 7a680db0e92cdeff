/**
 * Test worker: the real HDF5 worker, except that each read first blocks for BLOCK_MS without reporting
 * progress, as one uninterruptible HDF5 call does (`keys()` of a group of 20,000 children took 736 ms on a
 * busy machine). Its 'message' listener is registered before the real worker's, so it runs first.
 */

import { parentPort } from 'node:worker_threads';

export const BLOCK_MS = 1200;

parentPort?.on('message', () => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, BLOCK_MS);
});

export const { started } = await import('../../src/io/h5-worker.js');
