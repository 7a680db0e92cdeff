/**
 * The generated WebAssembly boundary: the loader checks every kernel family's exports (name and parameter
 * count) and the module's boundary digest against `src/kernels/wasm/generated/`, so a build from other
 * sources is refused with a message naming what differs; the shared numbers the wrappers write match what
 * the kernels read; and a trap inside a kernel, on the calling thread or in a worker, becomes a
 * `KernelTrapError` naming the op, its shapes and params, with the original error as `cause`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import type { DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { createWasmDepthwiseConv2dKernels } from '../../src/kernels/wasm/depthwise-conv2d.js';
import * as K from '../../src/kernels/wasm/generated/constants.js';
import { BOUNDARY_HASH, EXPORTS, bindKernelExports } from '../../src/kernels/wasm/generated/exports.js';
import { KernelTrapError } from '../../src/kernels/wasm/kernel-error.js';
import { instantiateDepthwiseWasmModuleSync, instantiateWasmModuleSync, wasmModulePath } from '../../src/kernels/wasm/loader.js';
import { createThreadPool } from '../../src/kernels/wasm/thread-pool.js';
import type { ThreadPool } from '../../src/kernels/wasm/thread-pool.js';
import { resident, wasmBackend, wasmModule } from '../helpers/kernel-conformance.js';

async function builtBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const path = await wasmModulePath('shared');
  assert.ok(path !== null, 'depthwise.wasm is built');
  return readFileSync(path) as Uint8Array<ArrayBuffer>;
}

describe('wasm boundary: the loader checks every kernel family', () => {
  test('a module missing an export of any family is refused, naming the family and the export', () => {
    const raw = wasmModule().exports;
    const instance = instantiateWasmModuleSync(readFileSync(wasmModulePathSync()) as Uint8Array<ArrayBuffer>).exports;
    const families = new Set(Object.values(EXPORTS).map((e) => e.family));
    assert.deepEqual([...families].sort(), ['activation', 'batchNorm', 'depthwise', 'gemm', 'module', 'movement', 'pool2d', 'reduce', 'resize']);
    for (const family of families) {
      const name = Object.entries(EXPORTS).find(([, e]) => e.family === family)?.[0] as string;
      const missing = Object.fromEntries(Object.entries(instance).filter(([n]) => n !== name));
      assert.throws(() => bindKernelExports(missing), new RegExp(`missing ${family} export \`${name}\``), name);
      const stale = { ...instance, [name]: (a: number, b: number) => a + b };
      assert.throws(() => bindKernelExports(stale), new RegExp(`${family} export \`${name}\` takes 2 arguments, expected ${EXPORTS[name as keyof typeof EXPORTS].arity}`), name);
    }
    assert.equal(raw.memory, wasmModule().memory);
  });

  test('every function the module exports is in the generated table, with its parameter count', () => {
    const exports = instantiateWasmModuleSync(readFileSync(wasmModulePathSync()) as Uint8Array<ArrayBuffer>).exports;
    const functions = Object.entries(exports).filter(([, v]) => typeof v === 'function');
    assert.deepEqual(functions.map(([n]) => n).sort(), Object.keys(EXPORTS).sort());
    for (const [name, fn] of functions) assert.equal((fn as (...a: number[]) => unknown).length, EXPORTS[name as keyof typeof EXPORTS].arity, name);
  });

  test('a module carrying another boundary digest (built from other sources) is refused', async () => {
    const bytes = await builtBytes();
    assert.ok(instantiateDepthwiseWasmModuleSync(bytes).exports.forwardNhwc.length === 10);
    // The digest is the last bytes of the module (the section build-wasm appends): change one character.
    const tampered = Uint8Array.from(bytes);
    const at = tampered.lastIndexOf(BOUNDARY_HASH.charCodeAt(BOUNDARY_HASH.length - 1));
    tampered[at] = BOUNDARY_HASH.endsWith('0') ? 0x31 : 0x30;
    assert.throws(() => instantiateDepthwiseWasmModuleSync(tampered), /built from other sources .* run npm run build:wasm/);
  });

  test('the params block: offsets are distinct words below PARAM_WORDS; path codes are distinct', () => {
    const offsets = Object.entries(K).filter(([n]) => n.startsWith('P_')).map(([, v]) => v);
    assert.equal(new Set(offsets).size, offsets.length);
    assert.equal(Math.max(...offsets) + 1, K.PARAM_WORDS);
    const forward = Object.entries(K).filter(([n]) => n.startsWith('FORWARD_') || n.startsWith('BACKWARD_')).map(([, v]) => v);
    assert.equal(new Set(forward).size, forward.length);
    const geometry = Object.entries(K).filter(([n]) => n.startsWith('G_')).map(([, v]) => v);
    assert.equal(Math.max(...geometry) + 1, K.GEOMETRY_WORDS);
  });

  test('the scratch-size exports cover what the kernels use: a call with exactly that scratch, surrounded by guards, leaves the guards', () => {
    const b = wasmBackend();
    const p = resolveDepthwiseConv2dParams([1, 9, 11, 70], [3, 3, 70, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
    const sizes = depthwiseConv2dSizes(p);
    const x = resident(b.arena, new Float32Array(sizes.input).fill(1));
    const k = resident(b.arena, new Float32Array(sizes.kernel).fill(1));
    const out = resident(b.arena, new Float32Array(sizes.output));
    let checked = 0;
    const kernels = createWasmDepthwiseConv2dKernels(b.exports, b.arena, {
      threads: 1,
      run(fn, args, units, options) {
        const bytes = options.scratchBytes ?? 0;
        const guard = 64;
        const block = b.arena.alloc(bytes + 2 * guard, false);
        const all = new Uint8Array(b.arena.buffer(), block, bytes + 2 * guard);
        all.fill(0xa5);
        fn(...args, 0, units, block + guard);
        const view = new Uint8Array(b.arena.buffer(), block, bytes + 2 * guard);
        assert.ok(view.subarray(0, guard).every((v) => v === 0xa5) && view.subarray(guard + bytes).every((v) => v === 0xa5), 'guards intact');
        b.arena.release(block);
        checked++;
      },
    });
    kernels.forward(p, x, k, null, out);
    kernels.backwardKernel(p, x, out, k);
    assert.equal(checked, 2);
    assert.ok(out.every((v) => v > 0));
  });
});

/** The path of the shared build (loaded synchronously for tests that need the raw bytes). */
function wasmModulePathSync(): URL {
  return new URL('../../dist/kernels/wasm/depthwise.wasm', import.meta.url);
}

/**
 * Params the front end would refuse: a stride of 2^32 is stored as 0 in the i32 params block, and the row
 * paths divide by the width stride (the window's interior columns).
 */
function trappingParams(size = 8): DepthwiseConv2dParams {
  const p = resolveDepthwiseConv2dParams([1, size, size, 3], [3, 3, 3, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
  return { ...p, strideHeight: 1, strideWidth: 2 ** 32 };
}

describe('wasm traps become errors naming the op', () => {
  test('on the calling thread: the op, its shapes and params, the export, with the RuntimeError as cause; memory is released', () => {
    const b = wasmBackend();
    const p = trappingParams();
    const sizes = depthwiseConv2dSizes(p);
    const kernels = createWasmDepthwiseConv2dKernels(b.exports, b.arena);
    // A good call first, so the serial runner already holds its (kept) scratch block.
    kernels.forward({ ...p, strideWidth: 1 }, new Float32Array(sizes.input), new Float32Array(sizes.kernel), null, new Float32Array(sizes.output));
    const inUse = b.arena.stats().bytesInUse;
    assert.throws(
      () => kernels.forward(p, new Float32Array(sizes.input), new Float32Array(sizes.kernel), null, new Float32Array(sizes.output)),
      (e: unknown) => {
        assert.ok(e instanceof KernelTrapError);
        assert.equal(e.op, 'depthwiseConv2d forward');
        assert.equal(e.exportName, 'forwardNhwc');
        assert.ok(e.cause instanceof WebAssembly.RuntimeError);
        assert.match(
          e.message,
          /^depthwiseConv2d forward wasm kernel trapped \(divide by zero\) on x \[1,8,8,3\] \(channels_last\), kernel \[3,3,3,1\], strides \[1,4294967296\], .* \(export `forwardNhwc`, calling thread\)$/,
        );
        return true;
      },
    );
    // The copies of the heap arguments and the call's temporaries went back to the arena.
    assert.equal(b.arena.stats().bytesInUse, inUse);
  });

  describe('in a worker thread', () => {
    let pool: ThreadPool | null = null;
    before(async () => {
      const loaded = wasmModule();
      // The caller stalls before claiming its share, so the worker claims (and traps on) every unit first.
      pool = createThreadPool({ module: loaded.module, memory: loaded.memory, exports: loaded.exports, arena: wasmBackend().arena, threads: 2, serialThreshold: 0, callerStallMs: 200 });
      const deadline = Date.now() + 20_000;
      while (pool.stats().readyWorkers < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    });
    after(() => pool?.terminate());

    test('the error names the op and the thread, with the worker\'s text as cause', () => {
      assert.ok(pool !== null && pool.stats().readyWorkers >= 1, 'a worker started');
      const b = wasmBackend();
      const p = trappingParams(64);
      const sizes = depthwiseConv2dSizes(p);
      const kernels = createWasmDepthwiseConv2dKernels(b.exports, b.arena, pool);
      const threads = new Set<string>();
      for (let i = 0; i < 5 && !threads.has('worker thread'); i++) {
        assert.throws(
          () => kernels.forward(p, resident(b.arena, new Float32Array(sizes.input)), resident(b.arena, new Float32Array(sizes.kernel)), null, resident(b.arena, new Float32Array(sizes.output))),
          (e: unknown) => {
            assert.ok(e instanceof KernelTrapError);
            assert.match(e.message, /^depthwiseConv2d forward wasm kernel trapped \(divide by zero\) on x \[1,64,64,3\]/);
            assert.ok(e.cause instanceof Error);
            threads.add(e.thread);
            return true;
          },
        );
      }
      assert.ok(threads.has('worker thread'), `a worker trapped first at least once (${[...threads].join(', ')})`);
    });
  });
});
