/**
 * The loader's two module variants and the worker pool over shared WebAssembly memory.
 *
 * The pool is exercised with a tiny test-only module compiled here from AssemblyScript source (so no test
 * export ships in the package), with the same memory flags as the kernels' threaded build. Its exports
 * follow the parallel convention `(...args, start, end, scratch)`. Checked: every unit computed exactly
 * once over thousands of jobs in a row, results equal to one serial call, per-thread scratch is private,
 * a trap in a worker (or on the caller) surfaces as an Error and leaves the pool usable, workers see
 * memory growth, thread-count changes, validation of `setNumThreads`, and that a process using the pool
 * exits by itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/temp-dir.js';

import asc from 'assemblyscript/dist/asc.js';

import { WasmArena } from '../../src/kernels/wasm/arena.js';
import { KernelTrapError } from '../../src/kernels/wasm/kernel-error.js';
import type { DepthwiseWasmModule, WasmModuleInstance } from '../../src/kernels/wasm/loader.js';
import {
  instantiateWasmModuleSync,
  loadDepthwiseWasmModule,
  loadDepthwiseWasmModuleSync,
  memoryImportOf,
  wasmModulePath,
} from '../../src/kernels/wasm/loader.js';
import type { ThreadPool } from '../../src/kernels/wasm/thread-pool.js';
import { createThreadPool, getNumThreads, setNumThreads } from '../../src/kernels/wasm/thread-pool.js';
import { wasmModule } from '../helpers/kernel-conformance.js';

const SELFTEST = `
export function heapBase(): usize { return __heap_base; }
/** out[i] = i * 3 + 1. */
export function poolFill(out: usize, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) store<i32>(out + (<usize>i << 2), i * 3 + 1);
}
/** out[i] += 1, a plain read-modify-write: a unit computed twice (or by two threads at once) shows. */
export function poolCount(out: usize, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) store<i32>(out + (<usize>i << 2), load<i32>(out + (<usize>i << 2)) + 1);
}
/** out[i] += 1 after \`iters\` of busy work per unit. */
export function poolCountSlow(out: usize, iters: i32, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) {
    let x: f64 = <f64>i;
    for (let k = 0; k < iters; k++) x = x * 0.999999 + 1.0;
    store<i32>(out + (<usize>i << 2), load<i32>(out + (<usize>i << 2)) + (x > -1.0 ? 1 : 0));
  }
}
/** out[i] = the scratch pointer of the thread that computed unit i, after \`iters\` of busy work. */
export function poolWho(out: usize, iters: i32, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) {
    let x: f64 = <f64>i;
    for (let k = 0; k < iters; k++) x = x * 0.999999 + 1.0;
    store<i32>(out + (<usize>i << 2), x > -1.0 ? <i32>scratch : 0);
  }
}
/** Traps in every unit run by a thread whose scratch is not \`callerScratch\`, after busy work. */
export function poolTrapInWorker(callerScratch: usize, iters: i32, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) {
    let x: f64 = <f64>i;
    for (let k = 0; k < iters; k++) x = x * 0.999999 + 1.0;
    if (x > -1.0 && scratch != callerScratch) unreachable();
  }
}
/** Traps if unit \`bad\` is in the range. */
export function poolTrapAt(bad: i32, start: i32, end: i32, scratch: usize): void {
  if (bad >= start && bad < end) unreachable();
}
/** Fills \`words\` words of scratch with the unit's pattern and counts mismatches on reading back. */
export function poolScratch(out: usize, words: i32, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) {
    for (let w = 0; w < words; w++) store<i32>(scratch + (<usize>w << 2), i * 7 + w);
    let bad = 0;
    for (let w = 0; w < words; w++) if (load<i32>(scratch + (<usize>w << 2)) != i * 7 + w) bad++;
    store<i32>(out + (<usize>i << 2), bad);
  }
}
/** Writes 4 words per unit at base + 16 i: scratch pointer, unit, and a checksum of both. */
export function poolHigh(base: usize, iters: i32, start: i32, end: i32, scratch: usize): void {
  for (let i = start; i < end; i++) {
    let x: f64 = <f64>i;
    for (let k = 0; k < iters; k++) x = x * 0.999999 + 1.0;
    const p = base + (<usize>i << 4);
    store<i32>(p, <i32>scratch);
    store<i32>(p + 4, i);
    store<i32>(p + 8, x > -1.0 ? (<i32>scratch) ^ (i * 31) : 0);
  }
}
`;

async function compileSelftest(): Promise<Uint8Array<ArrayBuffer>> {
  const result = await asc.compileString(
    { 'pool-selftest.ts': SELFTEST },
    {
      runtime: 'stub',
      importMemory: true,
      sharedMemory: true,
      maximumMemory: 65536,
      initialMemory: 1,
      enable: ['simd', 'threads'],
      use: ['abort='],
      optimizeLevel: 3,
      noAssert: true,
    },
  );
  if (result.error !== null || result.binary === null) {
    throw new Error(`pool self-test module did not compile: ${String(result.error)}\n${result.stderr.toString()}`);
  }
  return new Uint8Array(result.binary);
}

/** The self-test module's exports, typed (the pool takes the functions themselves). */
interface Selftest {
  poolFill(out: number, start: number, end: number, scratch: number): void;
  poolCount(out: number, start: number, end: number, scratch: number): void;
  poolCountSlow(out: number, iters: number, start: number, end: number, scratch: number): void;
  poolWho(out: number, iters: number, start: number, end: number, scratch: number): void;
  poolTrapInWorker(callerScratch: number, iters: number, start: number, end: number, scratch: number): void;
  poolTrapAt(bad: number, start: number, end: number, scratch: number): void;
  poolScratch(out: number, words: number, start: number, end: number, scratch: number): void;
  poolHigh(base: number, iters: number, start: number, end: number, scratch: number): void;
}

function selftestFunctions(exports: WebAssembly.Exports): Selftest {
  const fn = <K extends keyof Selftest>(name: K): Selftest[K] => {
    const f = exports[name];
    if (typeof f !== 'function') throw new Error(`self-test export \`${name}\` missing`);
    return f as Selftest[K];
  };
  return {
    poolFill: fn('poolFill'),
    poolCount: fn('poolCount'),
    poolCountSlow: fn('poolCountSlow'),
    poolWho: fn('poolWho'),
    poolTrapInWorker: fn('poolTrapInWorker'),
    poolTrapAt: fn('poolTrapAt'),
    poolScratch: fn('poolScratch'),
    poolHigh: fn('poolHigh'),
  };
}

interface Fixture {
  wasm: WasmModuleInstance;
  fns: Selftest;
  arena: WasmArena;
  pool: ThreadPool;
  bytes: Uint8Array<ArrayBuffer>;
}

let fixture: Fixture | null = null;

/** Polls until `pool` has `n` started workers (startup is asynchronous; jobs never wait for it). */
async function waitForWorkers(pool: ThreadPool, n: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pool.stats().readyWorkers < n) {
    if (Date.now() > deadline) throw new Error(`workers did not start within ${timeoutMs} ms (${pool.stats().readyWorkers}/${n})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function i32(f: Fixture, ptr: number, length: number): Int32Array {
  return new Int32Array(f.wasm.memory.buffer, ptr, length);
}

/** Runs `job` until `worked()` says a worker took part, up to `tries` times (a busy machine may delay a worker). */
function untilAWorkerTookPart(tries: number, job: () => void, worked: () => boolean): boolean {
  for (let i = 0; i < tries; i++) {
    job();
    if (worked()) return true;
  }
  return false;
}

/** The caller's scratch pointer: a one-unit job always runs on the calling thread. */
function callerScratch(f: Fixture, scratchBytes: number): number {
  const out = f.arena.alloc(4);
  f.pool.run(f.fns.poolWho, [out, 0], 1, { costPerUnit: 1, scratchBytes });
  const ptr = i32(f, out, 1)[0];
  f.arena.release(out);
  return ptr;
}

describe('wasm loader variants', () => {
  test('Node loads the shared (threaded) build synchronously; its memory is imported, shared and re-exported', () => {
    const wasm = wasmModule();
    assert.equal(wasm.shared, true);
    assert.ok(wasm.memory.buffer instanceof SharedArrayBuffer);
    assert.equal(wasm.exports.memory, wasm.memory);
    assert.equal(typeof wasm.exports.heapBase(), 'number');
    assert.ok(WebAssembly.Module.imports(wasm.module).some((i) => i.module === 'env' && i.name === 'memory' && i.kind === 'memory'));
  });

  test('the single variant uses a plain memory; both declare the limits the build sets', async () => {
    const shared = await wasmModulePath('shared');
    const single = await wasmModulePath('single');
    assert.ok(shared !== null && single !== null, 'both variants are built (npm test builds them first)');
    assert.deepEqual(memoryImportOf(readFileSync(shared)), { initial: 16, maximum: 65536, shared: true });
    assert.deepEqual(memoryImportOf(readFileSync(single)), { initial: 16, maximum: undefined, shared: false });
    const wasm = await loadDepthwiseWasmModule({ variant: 'single' });
    assert.ok(wasm !== null);
    assert.equal(wasm.shared, false);
    assert.ok(wasm.memory.buffer instanceof ArrayBuffer);
    // Same kernels in both variants.
    const names = (m: WebAssembly.Module): string[] => WebAssembly.Module.exports(m).map((e) => e.name).sort();
    assert.deepEqual(names(wasm.module), names((loadDepthwiseWasmModuleSync() as DepthwiseWasmModule).module));
  });

  test('a missing file gives null, not an error', async () => {
    const missing = new URL('file:///nonexistent/depthwise.wasm');
    assert.equal(loadDepthwiseWasmModuleSync({ url: missing }), null);
    assert.equal(await loadDepthwiseWasmModule({ url: missing }), null);
  });
});

describe('thread pool over shared memory', () => {
  before(async () => {
    const bytes = await compileSelftest();
    const wasm = instantiateWasmModuleSync(bytes);
    const arena = new WasmArena(wasm.memory, wasm.heapBase);
    // Threshold 0: every job of two or more units is split, however small.
    const pool = createThreadPool({ module: wasm.module, memory: wasm.memory, exports: wasm.exports, arena, threads: 2, serialThreshold: 0 });
    fixture = { wasm, fns: selftestFunctions(wasm.exports), arena, pool, bytes };
    await waitForWorkers(pool, 1);
  });
  after(() => fixture?.pool.terminate());

  function withPool(body: (f: Fixture, t: TestContext) => void | Promise<void>): (t: TestContext) => Promise<void> {
    return async (t) => {
      assert.ok(fixture !== null, 'the fixture was set up');
      await body(fixture, t);
    };
  }

  test(
    'results equal one serial call, for unit counts from 1 to over a thousand',
    withPool((f) => {
      assert.equal(f.pool.threads, 2);
      assert.equal(f.pool.parallel, true);
      for (const units of [1, 2, 3, 5, 7, 8, 9, 64, 100, 1001, 4099]) {
        const out = f.arena.alloc(units * 4);
        const expected = f.arena.alloc(units * 4);
        f.pool.run(f.fns.poolFill, [out], units, { costPerUnit: 1 });
        f.fns.poolFill(expected, 0, units, 0);
        assert.deepEqual(i32(f, out, units), i32(f, expected, units), `units=${units}`);
        assert.ok(i32(f, out, units).every((v, i) => v === i * 3 + 1));
        f.arena.release(out);
        f.arena.release(expected);
      }
    }),
  );

  test(
    'every unit is computed exactly once over thousands of jobs in a row',
    withPool((f) => {
      const units = 257;
      const jobs = 4000;
      const out = f.arena.alloc(units * 4);
      const before = f.pool.stats().parallelJobs;
      for (let j = 0; j < jobs; j++) {
        // Varying sizes change the chunking from job to job; the counts must still come out exact.
        f.pool.run(f.fns.poolCount, [out], j % 2 === 0 ? units : 1 + (j % units), { costPerUnit: 1 });
      }
      const counts = i32(f, out, units);
      for (let i = 0; i < units; i++) {
        let expected = jobs / 2;
        for (let j = 1; j < jobs; j += 2) if (i < 1 + (j % units)) expected++;
        assert.equal(counts[i], expected, `unit ${i}`);
      }
      // Jobs of one unit run serially; every other one went through the pool's protocol.
      assert.ok(f.pool.stats().parallelJobs - before >= jobs - jobs / units - 1);
      f.arena.release(out);
    }),
  );

  test(
    'workers take part, and each thread gets its own scratch block',
    withPool((f) => {
      const units = 64;
      const out = f.arena.alloc(units * 4);
      const mine = callerScratch(f, 1024);
      const tookPart = untilAWorkerTookPart(
        50,
        () => f.pool.run(f.fns.poolWho, [out, 20_000], units, { costPerUnit: 1, scratchBytes: 1024 }),
        () => i32(f, out, units).some((p) => p !== mine),
      );
      assert.ok(tookPart, 'a worker computed some units, with a scratch block other than the caller\'s');
      // Usually both threads computed some; a preempted caller may have left all of them to the worker.
      const who = new Set(i32(f, out, units));
      assert.ok(who.size <= 2, 'two threads, at most two scratch blocks');
      for (const p of who) assert.ok(p !== 0 && p % 16 === 0, 'scratch pointers are non-null and aligned');

      // Shared scratch would let threads overwrite each other's patterns.
      for (let j = 0; j < 200; j++) {
        f.pool.run(f.fns.poolScratch, [out, 256], units, { costPerUnit: 1, scratchBytes: 1024 });
        assert.ok(i32(f, out, units).every((bad) => bad === 0), `job ${j}: scratch was clobbered`);
      }
      // A larger request regrows every thread's block.
      f.pool.run(f.fns.poolScratch, [out, 4096], units, { costPerUnit: 1, scratchBytes: 4096 * 4 });
      assert.ok(i32(f, out, units).every((bad) => bad === 0));
      f.arena.release(out);
    }),
  );

  test(
    'a trap in a worker surfaces as an Error on the caller, and the pool keeps working',
    withPool((f) => {
      const mine = callerScratch(f, 64);
      let caught: unknown = null;
      for (let i = 0; i < 50 && caught === null; i++) {
        try {
          f.pool.run(f.fns.poolTrapInWorker, [mine, 20_000], 64, { costPerUnit: 1, scratchBytes: 64 });
        } catch (error) {
          caught = error;
        }
      }
      assert.ok(caught instanceof KernelTrapError, 'the job threw a KernelTrapError');
      assert.equal(caught.exportName, 'poolTrapInWorker');
      assert.equal(caught.thread, 'worker thread');
      assert.equal(caught.reason, 'unreachable');
      assert.match(caught.message, /`poolTrapInWorker` trapped \(unreachable\) in a worker thread/);
      assert.ok(caught.cause instanceof Error && /unreachable/.test(caught.cause.message), 'the worker\'s error text is the cause');

      const units = 500;
      const out = f.arena.alloc(units * 4);
      f.pool.run(f.fns.poolFill, [out], units, { costPerUnit: 1 });
      assert.ok(i32(f, out, units).every((v, i) => v === i * 3 + 1));
      f.arena.release(out);
    }),
  );

  test(
    'a trap on the calling thread names the op and keeps the RuntimeError as cause; a split job that traps closes cleanly',
    withPool((f) => {
      // A one-unit job always runs on the caller.
      const context = { op: 'selfTest forward', describe: () => 'x [1,2,3]' };
      assert.throws(
        () => f.pool.run(f.fns.poolTrapAt, [0], 1, { costPerUnit: 1, context }),
        (error: unknown) =>
          error instanceof KernelTrapError &&
          error.cause instanceof WebAssembly.RuntimeError &&
          error.thread === 'calling thread' &&
          error.message === 'selfTest forward wasm kernel trapped (unreachable) on x [1,2,3] (export `poolTrapAt`, calling thread)',
      );
      // In a split job unit 0 may be claimed by the caller or by a worker still polling from the previous
      // job: either way the trap surfaces as a KernelTrapError naming the op, and the pool keeps working.
      assert.throws(
        () => f.pool.run(f.fns.poolTrapAt, [0], 1000, { costPerUnit: 1, context }),
        (error: unknown) => error instanceof KernelTrapError && /^selfTest forward wasm kernel trapped \(unreachable\) on x \[1,2,3\]/.test(error.message),
      );
      const units = 300;
      const out = f.arena.alloc(units * 4);
      f.pool.run(f.fns.poolFill, [out], units, { costPerUnit: 1 });
      assert.ok(i32(f, out, units).every((v, i) => v === i * 3 + 1));
      f.arena.release(out);
    }),
  );

  test(
    'bad arguments are rejected with errors naming them',
    withPool((f) => {
      const stranger = (start: number, end: number, scratch: number): void => void [start, end, scratch];
      assert.throws(() => f.pool.run(stranger, [], 4, { costPerUnit: 1 }), /not an export of this pool's module instance/);
      assert.throws(() => f.pool.run(f.fns.poolFill, [0], -1, { costPerUnit: 1 }), /`units`/);
      assert.throws(() => f.pool.run(f.fns.poolFill, [0], 2.5, { costPerUnit: 1 }), /`units`/);
      const tooMany = (...args: number[]): void => f.fns.poolFill(args[0], args[1], args[2], args[3]);
      assert.throws(() => f.pool.run(tooMany, new Array<number>(40).fill(0), 4, { costPerUnit: 1 }), /`args`/);
      assert.throws(() => f.pool.setThreads(0), /`threads` must be a positive integer/);
    }),
  );

  test(
    'workers see memory grown between jobs',
    withPool((f) => {
      const mine = callerScratch(f, 64);
      const units = 256;
      let seen = false;
      for (let attempt = 0; attempt < 20 && !seen; attempt++) {
        const oldBytes = f.wasm.memory.buffer.byteLength;
        f.wasm.memory.grow(2); // 128 KiB, above everything allocated so far; the job writes 4 KiB there
        const base = oldBytes + 4096;
        f.pool.run(f.fns.poolHigh, [base, 20_000], units, { costPerUnit: 1, scratchBytes: 64 });
        const words = new Int32Array(f.wasm.memory.buffer, base, units * 4);
        for (let i = 0; i < units; i++) {
          const who = words[4 * i];
          assert.equal(words[4 * i + 1], i);
          assert.equal(words[4 * i + 2], who ^ (i * 31));
          if (who !== mine) seen = true;
        }
        // The arena treats memory above its bump pointer as fresh (zero) pages: leave it so.
        words.fill(0);
      }
      assert.ok(seen, 'a worker wrote above the old memory size');
    }),
  );

  test(
    'changing the thread count pauses, resumes and starts workers; one thread runs serially',
    withPool(async (f) => {
      const units = 128;
      const out = f.arena.alloc(units * 4);
      f.pool.setThreads(1);
      assert.equal(f.pool.threads, 1);
      const serialBefore = f.pool.stats().serialJobs;
      f.pool.run(f.fns.poolFill, [out], units, { costPerUnit: 1 });
      assert.equal(f.pool.stats().serialJobs, serialBefore + 1);
      assert.ok(i32(f, out, units).every((v, i) => v === i * 3 + 1));

      f.pool.setThreads(3);
      assert.equal(f.pool.threads, 3);
      await waitForWorkers(f.pool, 2);
      new Int32Array(f.wasm.memory.buffer, out, units).fill(0);
      for (let j = 0; j < 500; j++) f.pool.run(f.fns.poolCount, [out], units, { costPerUnit: 1 });
      assert.ok(i32(f, out, units).every((v) => v === 500));

      f.pool.setThreads(2);
      await waitForWorkers(f.pool, 1);
      for (let j = 0; j < 500; j++) f.pool.run(f.fns.poolCount, [out], units, { costPerUnit: 1 });
      assert.ok(i32(f, out, units).every((v) => v === 1000));

      // Down to one thread and back: the paused worker resumes at once, no new worker is started.
      const spawned = f.pool.stats().workers;
      f.pool.setThreads(1);
      const serial = f.pool.stats().serialJobs;
      f.pool.run(f.fns.poolCount, [out], units, { costPerUnit: 1 });
      assert.equal(f.pool.stats().serialJobs, serial + 1, 'one thread: serial');
      f.pool.setThreads(3);
      const parallelJobs = f.pool.stats().parallelJobs;
      f.pool.run(f.fns.poolCount, [out], units, { costPerUnit: 1 });
      assert.equal(f.pool.stats().parallelJobs, parallelJobs + 1, 'split at once, with no worker to wait for');
      assert.equal(f.pool.stats().workers, spawned, 'no new worker');
      assert.ok(i32(f, out, units).every((v) => v === 1002));
      f.arena.release(out);
    }),
  );

  test(
    'jobs below the threshold stay on the calling thread',
    withPool((f) => {
      const pool = createThreadPool({ ...f.wasm, arena: f.arena, threads: 2, serialThreshold: 1000 });
      try {
        const out = f.arena.alloc(400);
        pool.run(f.fns.poolFill, [out], 100, { costPerUnit: 9 }); // 900 < 1000
        assert.equal(pool.stats().serialJobs, 1);
        assert.equal(pool.stats().parallelJobs, 0);
        assert.ok(i32(f, out, 100).every((v, i) => v === i * 3 + 1));
        f.arena.release(out);
      } finally {
        pool.terminate();
      }
    }),
  );

  test(
    'a terminated pool, or one over a non-shared memory, runs everything on the calling thread',
    withPool((f) => {
      const pool = createThreadPool({ ...f.wasm, arena: f.arena, threads: 2, serialThreshold: 0 });
      pool.terminate();
      assert.equal(pool.threads, 1);
      assert.equal(pool.parallel, false);
      const out = f.arena.alloc(400);
      pool.run(f.fns.poolFill, [out], 100, { costPerUnit: 1 });
      assert.ok(i32(f, out, 100).every((v, i) => v === i * 3 + 1));
      f.arena.release(out);

      const memory = new WebAssembly.Memory({ initial: 1 });
      const plain = createThreadPool({
        module: f.wasm.module,
        memory,
        exports: f.wasm.exports,
        arena: new WasmArena(memory, 1024),
        threads: 4,
      });
      assert.equal(plain.parallel, false);
      assert.equal(plain.threads, 1);
      plain.terminate();
    }),
  );

  /**
   * Runs `body` (TypeScript, top-level await allowed) in a child Node process that has `wasm` (the
   * self-test module instantiated on a shared memory), `arena`, `createThreadPool` and `i32(ptr, n)`;
   * returns its trimmed stdout. A child, because a deadlocked pool blocks its thread in `Atomics.wait`,
   * where no test timeout can fire: the parent's `spawnSync` timeout turns a hang into a failure.
   */
  function runChild(f: Fixture, body: string, timeoutMs = 60_000): string {
    const dir = tempDir('depthwise-pool-');
    const wasmFile = join(dir, 'selftest.wasm');
    writeFileSync(wasmFile, f.bytes);
    const src = (file: string): string => JSON.stringify(new URL(`../../src/kernels/wasm/${file}`, import.meta.url).href);
    const script = join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
import { WasmArena } from ${src('arena.ts')};
import { instantiateWasmModuleSync } from ${src('loader.ts')};
import { createThreadPool } from ${src('thread-pool.ts')};
const wasm = instantiateWasmModuleSync(readFileSync(${JSON.stringify(wasmFile)}));
const arena = new WasmArena(wasm.memory, wasm.heapBase);
const fns = wasm.exports as unknown as Record<string, (...args: number[]) => void>;
const i32 = (ptr: number, n: number) => new Int32Array(wasm.memory.buffer, ptr, n);
void createThreadPool; void i32; void fns;
${body}
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    rmSync(dir, { recursive: true, force: true });
    assert.equal(child.error, undefined, `the child process did not exit within ${timeoutMs} ms (${String(child.error)})`);
    assert.equal(child.status, 0, child.stderr);
    return child.stdout.trim();
  }

  test(
    'a process that used the pool exits by itself',
    withPool((f) => {
      const started = Date.now();
      const out = runChild(
        f,
        `const pool = createThreadPool({ ...wasm, arena, threads: 2, serialThreshold: 0 });
while (pool.stats().readyWorkers < 1) await new Promise((r) => setTimeout(r, 5));
const out = arena.alloc(400);
pool.run(fns.poolFill, [out], 100, { costPerUnit: 1 });
// Let the worker fall asleep in Atomics.wait, then leave without terminating the pool.
await new Promise((r) => setTimeout(r, 50));
console.log(pool.stats().parallelJobs === 1 && i32(out, 100).every((v, i) => v === i * 3 + 1) ? 'ok' : 'wrong');`,
      );
      assert.equal(out, 'ok');
      assert.ok(Date.now() - started < 30_000);
    }),
  );

  test(
    'a worker stalled between reading a job and claiming units never mixes it with the next job',
    withPool((f) => {
      // The stall widens the window a descheduled worker would open. Without the protocol's ACTIVE
      // handshake the caller finishes job g alone and publishes job g+1, and the stalled worker then runs
      // job g's function and bounds on job g+1's units: units counted twice, written to the wrong output,
      // or claimed and never done (a hang; on an idle machine that is what happens).
      const out = runChild(
        f,
        `const pool = createThreadPool({ ...wasm, arena, threads: 2, serialThreshold: 0, workerStallMs: 0.03 });
while (pool.stats().readyWorkers < 1) await new Promise((r) => setTimeout(r, 5));
const units = 64;
const a = arena.alloc(units * 4);
const b = arena.alloc(units * 4);
const jobs = 1000;
for (let j = 0; j < jobs; j++) {
  // About 20 µs per job, less than a stall: a careless caller would already be in the next job.
  if (j % 2 === 0) pool.run(fns.poolCountSlow, [a, 300], units, { costPerUnit: 1 });
  else pool.run(fns.poolCountSlow, [b, 600], units / 2, { costPerUnit: 1 });
}
const okA = i32(a, units).every((v) => v === jobs / 2);
const okB = i32(b, units).every((v, i) => v === (i < units / 2 ? jobs / 2 : 0));
console.log(okA && okB ? 'ok' : 'wrong: ' + i32(a, units).join(',') + ' / ' + i32(b, units).join(','));`,
      );
      assert.equal(out, 'ok');
    }),
  );
});

describe('setNumThreads / getNumThreads', () => {
  test('defaults to the available cores, validates, and drives every live pool', () => {
    assert.equal(getNumThreads(), availableParallelism());
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, '2' as unknown as number, 257]) {
      assert.throws(() => setNumThreads(bad), (e: unknown) => e instanceof RangeError && /`n`/.test(e.message), String(bad));
    }
    assert.equal(getNumThreads(), availableParallelism(), 'a rejected value changes nothing');
    assert.ok(fixture !== null);
    const pool = createThreadPool({ ...fixture.wasm, arena: fixture.arena, serialThreshold: 0 });
    try {
      assert.equal(pool.threads, availableParallelism());
      setNumThreads(1);
      assert.equal(getNumThreads(), 1);
      assert.equal(pool.threads, 1);
      setNumThreads(3);
      assert.equal(pool.threads, 3);
    } finally {
      pool.terminate();
      setNumThreads(availableParallelism());
    }
  });
});
