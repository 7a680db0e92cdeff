#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (assembly/) to dist/kernels/wasm/depthwise.wasm with the
 * AssemblyScript compiler API: 128-bit SIMD, -O3, the stub runtime (the kernels never allocate; the
 * JavaScript side owns the heap above `heapBase()`), no `env.abort` import. Settings live in asconfig.json.
 *
 * The output sits under dist/ (git-ignored, shipped in the package's "files") at the same relative place
 * as the compiled loader, dist/kernels/wasm/loader.js, which finds it next to itself; run from source,
 * the loader looks in this same dist/ folder.
 */
/* global process, console */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import asc from 'assemblyscript/dist/asc.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = resolve(root, 'dist/kernels/wasm/depthwise.wasm');
await mkdir(dirname(outFile), { recursive: true });

const args = [
  '--config', resolve(root, 'asconfig.json'),
  '--target', 'release',
  // Spelled out as well as in asconfig.json, so the flags that matter are visible here.
  '--enable', 'simd',
  '-O3',
  '--runtime', 'stub',
];
const started = Date.now();
const { error, stdout, stderr } = await asc.main(args, { stdout: process.stdout, stderr: process.stderr });
if (error) {
  console.error(`build-wasm: compilation failed: ${error.message}`);
  process.exit(1);
}
void stdout;
void stderr;
const { size } = await stat(outFile);
console.log(`build-wasm: wrote ${outFile} (${size} bytes) in ${Date.now() - started} ms`);
