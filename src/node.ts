/**
 * The package's entry in Node (the `node` condition of package.json's exports): the whole public surface of
 * `index.ts`, after making Node's built-ins available to it on Node versions without
 * `process.getBuiltinModule` (see `platform/node-builtins.ts`). Browsers and bundlers get `index.ts`, which
 * reaches no Node built-in.
 */

import './platform/install-node.js';
import { ioReady } from './io/hdf5.js';

export * from './index.js';

// In Node, HDF5 (about 0.1 s) is loaded as the package is imported, as the WebAssembly kernels are, so the
// synchronous savers (ModelCheckpoint inside a synchronous fit, saveModelSync, the applications' weights)
// work without `await ioReady()`. Browsers load it on first use instead.
await ioReady();
