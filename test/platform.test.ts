/**
 * The browser graph: bundling `src/index.ts` for the browser with esbuild reaches no Node built-in (every
 * Node-only feature asks `platform/node-builtins.ts` at call time), and the `node` entry adds nothing but
 * the built-ins it installs.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { build } from 'esbuild';

import * as nodeEntry from '../src/node.js';
import * as index from '../src/index.js';
import { nodeBuiltin, requireNodeBuiltin } from '../src/platform/node-builtins.js';

describe('platform split', () => {
  it('src/index.ts bundles for the browser with no error, no warning and no Node built-in', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      splitting: true,
      outdir: 'out',
      metafile: true,
      logLevel: 'silent',
    });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, []);
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    assert.deepEqual(imports, []);
  });

  it('the node entry exports exactly the public surface', () => {
    assert.deepEqual(Object.keys(nodeEntry).sort(), Object.keys(index).sort());
  });

  it('built-ins come from Node here, and a missing one is named', () => {
    assert.equal(typeof nodeBuiltin('node:fs')?.readFileSync, 'function');
    assert.throws(() => requireNodeBuiltin('node:nope' as 'node:fs', 'Testing'), /Testing needs Node\.js \(node:nope\), which this environment does not have/);
  });
});
