#!/usr/bin/env node
/**
 * Compiles the AssemblyScript kernels (assembly/) with the AssemblyScript compiler API into two modules
 * from the same source; the settings live in asconfig.json (one target each):
 *
 * - `dist/kernels/wasm/depthwise.wasm` (target `release`): imports a *shared* memory (`env.memory`,
 *   maximum 65536 pages = 4 GiB) and enables the threads feature, so one memory can be instantiated by a
 *   pool of workers (src/kernels/wasm/thread-pool.ts). Shared memory needs a declared maximum; 4 GiB is
 *   the whole wasm32 address space, which costs nothing on 64-bit engines (V8 reserves the full 4 GiB
 *   plus guard regions for every wasm32 memory anyway, and commits pages only as the memory grows).
 * - `dist/kernels/wasm/depthwise-single.wasm` (target `single`): the same kernels over a plain
 *   (non-shared) imported memory, for browser pages that are not cross-origin isolated and so cannot
 *   create a SharedArrayBuffer.
 *
 * Both: 128-bit SIMD, -O3, the stub runtime (the kernels never allocate; the JavaScript side owns the heap
 * above `heapBase()`), no `env.abort` import, and the imported memory re-exported as `memory`.
 * Every worker instantiating the shared module re-applies its data segments to the shared memory, possibly
 * while another thread runs a kernel; that is harmless only while the kernels keep nothing but constant
 * data there (no mutable statics, no `memory.data` scratch, which would also be shared by all threads).
 * Module-level `let`s are wasm globals, private to each instance (thread), so they are safe. See
 * `checkNoMutableStatics` for what the build rejects.
 *
 * The outputs sit under dist/ (git-ignored, shipped in the package's "files") at the same relative place
 * as the compiled loader, dist/kernels/wasm/loader.js, which finds them next to itself; run from source,
 * the loader looks in this same dist/ folder.
 *
 * The typed boundary: first `wasm-boundary.mjs` regenerates src/kernels/wasm/generated/ from the same
 * sources (export signatures, shared constants); after each compile the module's exports are checked
 * against that table, and the table's digest is appended to the module as the custom section
 * `depthwise.boundary`, which the loader compares with the generated `BOUNDARY_HASH`.
 */
/* global process, console */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import asc from 'assemblyscript/dist/asc.js';

import { checkAgainstModule, generate, withBoundarySection } from './wasm-boundary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const variants = [
  { target: 'release', file: 'dist/kernels/wasm/depthwise.wasm', flags: ['--enable', 'simd,threads', '--sharedMemory'] },
  { target: 'single', file: 'dist/kernels/wasm/depthwise-single.wasm', flags: ['--enable', 'simd'] },
];

const boundary = generate();
console.log(`build-wasm: ${boundary.exports.length} exports and ${boundary.constants.length} constants in src/kernels/wasm/generated/ (boundary ${boundary.hash})`);

for (const { target, file, flags } of variants) {
  const outFile = resolve(root, file);
  await mkdir(dirname(outFile), { recursive: true });
  const args = [
    '--config', resolve(root, 'asconfig.json'),
    '--target', target,
    // Spelled out as well as in asconfig.json, so the flags that matter are visible here.
    '--importMemory',
    '-O3',
    '--runtime', 'stub',
    ...flags,
  ];
  const started = Date.now();
  const { error } = await asc.main(args, { stdout: process.stdout, stderr: process.stderr });
  if (error) {
    console.error(`build-wasm: compilation of target \`${target}\` failed: ${error.message}`);
    process.exit(1);
  }
  await checkNoMutableStatics(outFile.replace(/\.wasm$/, '.wat'), target);
  const bytes = await readFile(outFile);
  const problems = checkAgainstModule(bytes, boundary.exports);
  if (problems.length > 0) {
    console.error(`build-wasm: target \`${target}\` does not match src/kernels/wasm/generated/exports.ts:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  await writeFile(outFile, withBoundarySection(bytes, boundary.hash));
  const { size } = await stat(outFile);
  console.log(`build-wasm: wrote ${outFile} (${size} bytes) in ${Date.now() - started} ms`);
}

/**
 * Rejects what would break on a memory shared by several instances: the stub allocator (each instance has
 * its own bump pointer over the same memory, so two threads would be handed the same addresses, and it
 * would collide with the JavaScript arena above `heapBase()`). Data segments are reported so that a new
 * one gets a second look: it must be constant (a lookup table), never written, since a late worker
 * re-applies it. Today the kernels have none.
 */
async function checkNoMutableStatics(watFile, target) {
  const wat = await readFile(watFile, 'utf8');
  if (/\(func \$~lib\/rt\/stub\/__alloc/.test(wat)) {
    console.error(`build-wasm: target \`${target}\` links the stub allocator: a kernel allocates, which the shared-memory design forbids (each thread's allocator would hand out the same addresses).`);
    process.exit(1);
  }
  const segments = wat.match(/^ \(data /gm)?.length ?? 0;
  if (segments > 0) {
    console.log(`build-wasm: target \`${target}\` has ${segments} data segment(s); they must hold constant data only (re-applied by each worker).`);
  }
}
