/**
 * The conformance toolkit every WebAssembly kernel suite (`test/kernels/wasm-*.test.ts`) uses, written
 * once: a private backend per test file, sizes around a variant's boundaries, comparison with a float64
 * reference within a float32 tolerance, the thread-split check (any split of the work units, each range
 * with its own garbage-filled scratch, gives the same bits), and the manifest coverage check (every
 * variant of a family was selected by the file's cases).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { test } from 'node:test';

import type { FloatArray } from '../../src/engine/dtype.js';
import type { WasmArena } from '../../src/kernels/wasm/arena.js';
import type { DepthwiseWasmModule, WasmBackend } from '../../src/kernels/wasm/index.js';
import { loadDepthwiseWasmModuleSync, wasmBackendFromModule } from '../../src/kernels/wasm/index.js';
import type { KernelVariant } from '../../src/kernels/wasm/manifest.js';
import { KERNEL_MANIFEST, variantSelections } from '../../src/kernels/wasm/manifest.js';
import type { LeadingArgs, ParallelKernel, ParallelOptions, ParallelRunner } from '../../src/kernels/wasm/parallel.js';
import type { Tolerance } from './close.js';
import { assertAllClose } from './close.js';

let loaded: DepthwiseWasmModule | null | undefined;
let backend: WasmBackend | undefined;

/** This file's own instance of the kernel module (the shared-memory build in Node). */
export function wasmModule(): DepthwiseWasmModule {
  loaded ??= loadDepthwiseWasmModuleSync();
  // `npm test` builds the module first (pretest): a missing module is a failure, never a skip.
  if (loaded === null) assert.fail('depthwise.wasm is not built: run `npm run build:wasm`');
  return loaded;
}

/** This file's own WebAssembly backend over `wasmModule()` (arena, pool), whatever the library's default backend is. */
export function wasmBackend(): WasmBackend {
  backend ??= wasmBackendFromModule(wasmModule());
  return backend;
}

/** A test body that gets the backend. */
export function withWasm(body: (b: WasmBackend, t: TestContext) => void): (t: TestContext) => void {
  return (t) => body(wasmBackend(), t);
}

/**
 * Sizes around each boundary (`b - 1`, `b`, `b + 1`), within `[min, max]`, sorted and unique: the
 * "channels <, =, > tile" cases of a variant.
 */
export function around(boundaries: readonly number[], min = 1, max = Number.MAX_SAFE_INTEGER): number[] {
  const out = new Set<number>();
  for (const b of boundaries) for (const v of [b - 1, b, b + 1]) if (v >= min && v <= max) out.add(v);
  return [...out].sort((a, c) => a - c);
}

/** float32 kernels accumulate in float32: the absolute tolerance grows with the number of terms summed. */
export function float32Tolerance(terms: number, scale = 1): Tolerance {
  return { rtol: 2e-5 * scale, atol: 3e-7 * Math.max(4, terms) * scale };
}

/**
 * `actual` against the float64 reference within `float32Tolerance(terms)` (or `tolerance`). Equal
 * infinities match (max pooling of a window wholly in the padding is -∞), which `∞ − ∞ = NaN` would not.
 */
export function assertMatchesReference(actual: ArrayLike<number>, reference: ArrayLike<number>, terms: number, label: string, tolerance?: Tolerance): void {
  const same = (a: number, e: number): boolean => a === e && !Number.isFinite(a);
  const a = Array.from(actual, (v, i) => (same(v, reference[i]) ? 0 : v));
  const e = Array.from(reference, (v, i) => (same(actual[i], v) ? 0 : v));
  assertAllClose(a, e, tolerance ?? float32Tolerance(terms), label);
}

/** The bytes of a typed array, for bit-for-bit comparisons (NaN payloads and -0 included). */
export function bits(a: FloatArray): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

/** A float32 array inside wasm memory holding `values` (tensors live there, so kernels take it in place). */
export function resident(arena: WasmArena, values: ArrayLike<number>): Float32Array {
  const view = arena.allocStorage('float32', values.length, false).view() as Float32Array;
  view.set(values);
  return view;
}

/** A block of wasm memory holding `values` as float32, by pointer, freed explicitly (for raw export calls). */
export function residentBlock(arena: WasmArena, values: ArrayLike<number>): { array: Float32Array; ptr: number; free(): void } {
  const ptr = arena.alloc(Math.max(values.length, 1) * 4, false);
  const array = new Float32Array(arena.buffer(), ptr, values.length);
  array.set(values);
  return { array, ptr, free: () => arena.release(ptr) };
}

/** A NaN-filled float32 array in wasm memory: any element a kernel forgets to write shows. */
export function residentNaN(arena: WasmArena, length: number): Float32Array {
  return resident(arena, new Float32Array(length).fill(Number.NaN));
}

export interface SplittingRunner extends ParallelRunner {
  /** Export calls made so far. */
  calls: number;
}

/**
 * A runner that calls each export over its units in `pieces` separate ranges, last range first, each
 * with its own scratch block filled with 0xff bytes (NaN as floats), as threads would: a kernel that reads
 * scratch it did not write, or keeps state between ranges, or writes outside its range, shows up.
 */
export function splittingRunner(arena: WasmArena, pieces: number): SplittingRunner {
  const runner: SplittingRunner = {
    threads: pieces,
    calls: 0,
    run<F extends ParallelKernel>(fn: F, args: LeadingArgs<F>, units: number, options: ParallelOptions): void {
      const bytes = options.scratchBytes ?? 0;
      for (let i = pieces - 1; i >= 0; i--) {
        const start = Math.round((units * i) / pieces);
        const end = Math.round((units * (i + 1)) / pieces);
        if (start === end) continue;
        const scratch = bytes > 0 ? arena.alloc(bytes, false) : 0;
        if (bytes > 0) new Uint8Array(arena.buffer(), scratch, bytes).fill(0xff);
        try {
          fn(...args, start, end, scratch);
        } finally {
          if (bytes > 0) arena.release(scratch);
        }
        runner.calls++;
      }
    },
  };
  return runner;
}

/**
 * Runs `compute` with runners splitting the work into each of `pieces` (1 first) and requires every
 * result to be bit-identical to the one-range result, more pieces to make more calls, and every element
 * of the one-range result to be written (outputs start as NaN, see `residentNaN`).
 */
export function assertSplitsBitIdentical(
  arena: WasmArena,
  compute: (runner: ParallelRunner) => Record<string, FloatArray>,
  pieces: readonly number[] = [1, 2, 3, 7],
): void {
  const runs = pieces.map((n) => {
    const runner = splittingRunner(arena, n);
    const results = Object.fromEntries(Object.entries(compute(runner)).map(([k, v]) => [k, v.slice()]));
    return { n, calls: runner.calls, results };
  });
  const [whole, ...split] = runs;
  for (const r of split) {
    assert.ok(r.calls > whole.calls, `${r.n} pieces made more calls (${r.calls}) than one (${whole.calls})`);
    for (const [name, values] of Object.entries(whole.results)) {
      assert.equal(bits(r.results[name]), bits(values), `${name}: ${r.n} pieces give the same bits as one call`);
    }
  }
  for (const [name, values] of Object.entries(whole.results)) {
    assert.ok(values.every((v) => !Number.isNaN(v)), `${name}: every element written`);
  }
}

/** The manifest entries of `family` (optionally only those `keep` accepts). */
export function manifestOf(family: KernelVariant['family'], keep: (v: KernelVariant) => boolean = () => true): KernelVariant[] {
  return KERNEL_MANIFEST.filter((v) => v.family === family && keep(v));
}

/**
 * Registers, after every other test of the file, a test that each listed manifest entry was selected at
 * least once by this file's cases (selections are counted per process; node runs each file in its own).
 */
export function requireEveryVariantSelected(family: KernelVariant['family'], keep?: (v: KernelVariant) => boolean): void {
  const variants = manifestOf(family, keep);
  const before = variantSelections();
  test(`manifest coverage: every ${family} variant (${variants.length}) was selected by the conformance cases`, () => {
    const now = variantSelections();
    const missing = variants.filter((v) => (now.get(v.name) ?? 0) <= (before.get(v.name) ?? 0));
    assert.deepEqual(missing.map((v) => v.name), [], 'variants no case selected');
  });
}

/** Runs `body` and returns how many times each variant was selected during it. */
export function selectionsDuring(body: () => void): Map<string, number> {
  const before = variantSelections();
  body();
  const out = new Map<string, number>();
  for (const [name, n] of variantSelections()) {
    const d = n - (before.get(name) ?? 0);
    if (d > 0) out.set(name, d);
  }
  return out;
}
