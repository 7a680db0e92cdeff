/**
 * The WebAssembly arena cannot be poisoned (issue #12): a request that is not a finite safe integer, or
 * beyond the memory limit, or one whose `memory.grow` fails, throws a RangeError naming the bytes and the
 * limit before any allocator state changes; afterwards allocations, frees and an unrelated computation
 * are bit-identical to a run that never saw the refused request. Through the public API: `zeros([1e12])`
 * and a ZeroPadding2D of `1e308` pixels.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { InvalidArgumentError, ZeroPadding2D, getBackendName, memoryInfo, tensor, tidy, zeros } from '../../src/index.js';
import { depthwiseConv2dSizes, resolveDepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import { WasmArena } from '../../src/kernels/wasm/arena.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { loadDepthwiseWasmModuleSync, wasmBackendFromModule } from '../../src/kernels/wasm/index.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { bits } from '../helpers/kernel-conformance.js';

/** A fresh backend (a new instance: its own memory and arena, no workers), so sequences start alike. */
function freshBackend(): WasmBackend {
  const loaded = loadDepthwiseWasmModuleSync();
  assert.ok(loaded !== null, 'depthwise.wasm is built');
  const b = wasmBackendFromModule(loaded);
  b.pool.terminate();
  return b;
}

/** Allocations, frees and a depthwise convolution; returns every offset handed out and the result's bits. */
function workload(b: WasmBackend): { offsets: number[]; result: string; stats: string } {
  const offsets: number[] = [];
  const blocks = [100, 4000, 64, 100, 70_000].map((n) => b.arena.alloc(n));
  offsets.push(...blocks);
  b.arena.release(blocks[1]);
  b.arena.release(blocks[3]);
  offsets.push(b.arena.alloc(3900), b.arena.alloc(90));
  const p = resolveDepthwiseConv2dParams([1, 9, 9, 8], [3, 3, 8, 1], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
  const sizes = depthwiseConv2dSizes(p);
  const rng = mulberry32(5);
  const x = b.arena.storageFrom(Float32Array.from(randomArray(sizes.input, rng)), 'float32');
  const k = b.arena.storageFrom(Float32Array.from(randomArray(sizes.kernel, rng)), 'float32');
  const out = b.arena.allocStorage('float32', sizes.output);
  b.depthwiseConv2d.forward(p, x.view() as Float32Array, k.view() as Float32Array, null, out.view() as Float32Array);
  offsets.push(x.byteOffset, k.byteOffset, out.byteOffset);
  const result = bits(Float32Array.from(out.view() as Float32Array));
  for (const s of [x, k, out]) s.dispose();
  const { bytesInUse, bytesReserved, allocations, reused, frees } = b.arena.stats();
  return { offsets, result, stats: JSON.stringify({ bytesInUse, bytesReserved, allocations, reused, frees }) };
}

describe('wasm arena: refused allocations leave it unchanged', () => {
  test('huge, infinite, NaN, negative and fractional requests throw a RangeError naming the bytes and the limit', () => {
    const b = freshBackend();
    const before = JSON.stringify(b.arena.stats());
    const refused: [() => unknown, RegExp][] = [
      [() => b.arena.alloc(2 ** 40), /^cannot allocate 1\.1e12 bytes: the WebAssembly memory limit is 4 GiB$/],
      [() => b.arena.alloc(Infinity), /cannot allocate Infinity bytes: a size must be a non-negative safe integer/],
      [() => b.arena.alloc(Number.NaN), /cannot allocate NaN bytes/],
      [() => b.arena.alloc(-16), /cannot allocate -16 bytes/],
      [() => b.arena.alloc(10.5), /cannot allocate 10\.5 bytes/],
      [() => b.arena.allocStorage('float32', 1e12), /^cannot allocate 4\.0e12 bytes for a float32 tensor of 1e12 elements: the WebAssembly memory limit is 4 GiB$/],
      [() => b.arena.allocStorage('float64', 1e308), /cannot allocate Infinity bytes for a float64 tensor of 1e308 elements/],
      // Within the limit, but not within what is left of it above the bump pointer.
      [() => b.arena.alloc(2 ** 32 - 64), /the WebAssembly memory limit is 4 GiB and only .* of it is left/],
    ];
    for (const [request, message] of refused) {
      assert.throws(request, (e: unknown) => e instanceof RangeError && message.test(e.message), String(message));
      assert.equal(JSON.stringify(b.arena.stats()), before, `${String(message)}: the arena's counters are unchanged`);
    }
  });

  test('after refused requests, allocations, frees and a computation are bit-identical to a run without them', () => {
    const clean = workload(freshBackend());
    const b = freshBackend();
    assert.throws(() => b.arena.allocStorage('float32', Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => b.arena.alloc(2 ** 33), RangeError);
    assert.throws(() => b.arena.alloc(2 ** 32 - 64), RangeError);
    const after = workload(b);
    assert.deepEqual(after.offsets, clean.offsets, 'the same offsets are handed out');
    assert.equal(after.result, clean.result, 'the same convolution bits');
    assert.equal(after.stats, clean.stats, 'the same counters');
  });

  test('a memory.grow that fails (the engine refuses) leaves the arena unchanged', () => {
    // The arena believes 4 GiB is allowed; the memory itself stops at 5 pages.
    const memory = new WebAssembly.Memory({ initial: 4, maximum: 5 });
    const arena = new WasmArena(memory, 1024);
    const first = arena.alloc(4 * 65536 - 2048);
    // One more page is needed; growing by half the memory (2 pages) fails, so the arena grows by the minimum.
    const second = arena.alloc(32768);
    assert.equal(memory.buffer.byteLength, 5 * 65536);
    assert.ok(second > first);
    const before = JSON.stringify(arena.stats());
    assert.throws(() => arena.alloc(65536), (e: unknown) => e instanceof RangeError && /could not grow by 64 KiB \(from 320 KiB\)/.test(e.message));
    assert.equal(JSON.stringify(arena.stats()), before, 'counters unchanged');
    assert.equal(memory.buffer.byteLength, 5 * 65536, 'the memory did not grow');
    // What still fits is served right after the failure, from where the bump pointer was.
    assert.equal(arena.alloc(16), second + 32768);
  });
});

describe('refused tensors through the public API', () => {
  test('zeros([1e12]) throws a clear RangeError and leaves memory as it was', () => {
    const before = memoryInfo();
    // Inside a scope the wasm backend allocates in its own memory; outside, tensors live on the heap.
    if (getBackendName() === 'wasm-simd') {
      assert.throws(() => tidy(() => zeros([1e12])), /^RangeError: cannot allocate 4\.0e12 bytes for a float32 tensor of 1e12 elements: the WebAssembly memory limit is 4 GiB$/);
    }
    assert.throws(() => zeros([1e12]), /^RangeError: cannot allocate 4\.0e12 bytes for a float32 tensor of 1e12 elements on the JavaScript heap: /);
    assert.deepEqual(memoryInfo(), before);
  });

  test('ZeroPadding2D with padding 1e308 is refused at construction, and later predictions are unchanged', () => {
    const x = tensor(Float32Array.from(randomArray(2 * 5 * 5 * 3, mulberry32(1))), [2, 5, 5, 3]);
    const pad = new ZeroPadding2D({ padding: 1 });
    const expected = bits(Float32Array.from(pad.apply(x).dataSync() as Float32Array));
    const before = memoryInfo();
    assert.throws(() => new ZeroPadding2D({ padding: 1e308 }).apply(x), InvalidArgumentError);
    // A size within the argument bound that memory cannot hold is refused by the allocator instead.
    assert.throws(() => tidy(() => new ZeroPadding2D({ padding: 2 ** 24 }).apply(x)), RangeError);
    assert.deepEqual(memoryInfo(), before, 'nothing allocated or lost');
    assert.equal(bits(Float32Array.from(pad.apply(x).dataSync() as Float32Array)), expected);
  });
});
