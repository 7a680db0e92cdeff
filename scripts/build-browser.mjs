#!/usr/bin/env node
/**
 * The self-contained browser build, `dist/browser/depthwise.js`: one ES module a plain page imports with
 * `import * as dw from './dist/browser/depthwise.js'` (no bundler, no import map). esbuild bundles
 * `src/index.ts` (the platform-neutral entry, which reaches no Node built-in) with every dependency; h5wasm
 * (4 MB, only needed to save or load) stays a separate chunk beside it, loaded on first use. The two kernel
 * modules are copied beside it, where the loader's `new URL('./depthwise.wasm', import.meta.url)` finds
 * them. The thread-pool worker needs no file: it starts from a Blob URL of its source.
 *
 * Fails on any esbuild warning or on a Node built-in in the output's imports, so a `node:*` import creeping
 * into the browser graph breaks the build, not a user's page.
 *
 * Usage: `node scripts/build-browser.mjs` (part of `npm run build`; needs `npm run build:wasm` first).
 */
/* global console, process */
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'browser');
const wasmDir = join(root, 'dist', 'kernels', 'wasm');
const WASM_FILES = ['depthwise.wasm', 'depthwise-single.wasm'];

const started = Date.now();
await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
const result = await build({
  entryPoints: { depthwise: join(root, 'src', 'index.ts') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  chunkNames: 'depthwise-[name]-[hash]',
  minify: true,
  sourcemap: true,
  metafile: true,
  logLevel: 'silent',
});
if (result.warnings.length > 0) {
  for (const warning of result.warnings) console.error(`build-browser: warning: ${warning.text}`);
  process.exit(1);
}
const nodeImports = Object.values(result.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.path.startsWith('node:') || i.external));
if (nodeImports.length > 0) {
  console.error(`build-browser: the browser build imports ${nodeImports.map((i) => i.path).join(', ')}`);
  process.exit(1);
}
for (const file of WASM_FILES) await copyFile(join(wasmDir, file), join(outdir, file));
const sizes = Object.entries(result.metafile.outputs)
  .filter(([name]) => name.endsWith('.js'))
  .map(([name, output]) => `${name.split('/').pop()} ${(output.bytes / 1024).toFixed(0)} KiB`);
console.log(`build-browser: wrote dist/browser/ (${sizes.join(', ')}, ${WASM_FILES.join(', ')}) in ${Date.now() - started} ms`);
