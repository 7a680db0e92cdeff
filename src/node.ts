/**
 * The package's entry in Node (the `node` condition of package.json's exports): the whole public surface of
 * `index.ts`, after making Node's built-ins available to it on Node versions without
 * `process.getBuiltinModule` (see `platform/node-builtins.ts`). Browsers and bundlers get `index.ts`, which
 * reaches no Node built-in.
 */

import './platform/install-node.js';

export * from './index.js';
