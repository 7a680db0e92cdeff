/**
 * The WebAssembly SIMD depthwise kernels against the naive float64 reference, over channel counts around
 * the SIMD width, width-1 images, windows wholly in padding, stride/dilation combinations, depth
 * multipliers and both data formats (channels-first goes through an NHWC transpose inside the kernels);
 * plus the zero-copy path, the copy fallback, the fused activations, and the wasm memory allocator.
 *
 * Fails when dist/kernels/wasm/depthwise.wasm has not been built (`npm test` builds it first).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DataFormat } from '../../src/kernels/depthwise-conv2d/index.js';
import { depthwiseConv2dSizes } from '../../src/kernels/depthwise-conv2d/index.js';
import { referenceDepthwiseConv2d } from '../../src/kernels/depthwise-conv2d/reference.js';
import { sizeClass } from '../../src/kernels/wasm/index.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { assertMatchesReference } from '../helpers/kernel-conformance.js';
import type { DepthwiseCase } from '../helpers/wasm-depthwise-cases.js';
import { checkDepthwiseCase, resolveCase, withWasm } from '../helpers/wasm-depthwise-cases.js';

interface Case extends DepthwiseCase {
  name: string;
}

const resolve = resolveCase;

const CHANNELS = [1, 3, 4, 5, 7, 8, 9, 16, 17];

function buildCases(): Case[] {
  const cases: Case[] = [];
  const windows: Array<Pick<Case, 'kernel' | 'strides' | 'dilation'>> = [
    { kernel: [3, 3], strides: [1, 1], dilation: [1, 1] },
    { kernel: [3, 3], strides: [2, 2], dilation: [1, 1] },
    { kernel: [3, 3], strides: [1, 1], dilation: [2, 2] },
    { kernel: [3, 3], strides: [2, 1], dilation: [1, 1] },
    { kernel: [3, 3], strides: [2, 2], dilation: [2, 2] },
    { kernel: [5, 5], strides: [1, 1], dilation: [1, 1] },
    { kernel: [1, 1], strides: [2, 2], dilation: [1, 1] },
    { kernel: [2, 3], strides: [1, 2], dilation: [2, 1] },
    { kernel: [7, 7], strides: [2, 2], dilation: [1, 1] },
  ];
  const images: Array<readonly [number, number, number]> = [
    [2, 7, 6],
    [1, 5, 1], // width 1
    [1, 9, 11],
    [2, 1, 4], // height 1
  ];
  let i = 0;
  for (const ch of CHANNELS) {
    for (const win of windows) {
      const [n, h, w] = images[i % images.length];
      const dataFormat: DataFormat = i % 3 === 2 ? 'channels_first' : 'channels_last';
      const dm = i % 4 === 3 ? 2 : 1;
      const padding = i % 5 === 4 ? 'valid' : 'same';
      i++;
      const span = (k: number, d: number): number => (k - 1) * d + 1;
      const input: Case['input'] =
        padding === 'valid'
          ? [n, Math.max(h, span(win.kernel[0], win.dilation[0])), Math.max(w, span(win.kernel[1], win.dilation[1])), ch]
          : [n, h, w, ch];
      cases.push({ name: '', input, ...win, dm, dataFormat, padding });
    }
  }
  // Windows wholly inside the padding (border outputs are bias only), both formats, with and without dm.
  for (const ch of [1, 4, 5, 9]) {
    for (const dataFormat of ['channels_last', 'channels_first'] as DataFormat[]) {
      cases.push({
        name: '',
        input: [1, 3, 2, ch],
        kernel: [3, 3],
        strides: [1, 2],
        dilation: [1, 1],
        dm: ch === 5 ? 3 : 1,
        dataFormat,
        padding: [4, 3, 5, 4],
      });
    }
  }
  // MobileNet-like interior-heavy shapes (exercise the unrolled 3x3 path at length).
  for (const [h, ch, s] of [
    [16, 32, 1],
    [15, 24, 2],
    [8, 64, 1],
  ] as const) {
    cases.push({ name: '', input: [2, h, h, ch], kernel: [3, 3], strides: [s, s], dilation: [1, 1], dm: 1, dataFormat: 'channels_last', padding: 'same' });
  }
  return cases.map((c) => ({
    ...c,
    name:
      `${c.input.join('x')} k${c.kernel.join('x')} s${c.strides.join('x')} d${c.dilation.join('x')} dm${c.dm} ` +
      `${typeof c.padding === 'string' ? c.padding : `pad${c.padding.join(',')}`} ${c.dataFormat}`,
  }));
}

function nanArray(n: number): Float32Array {
  return new Float32Array(n).fill(Number.NaN);
}

describe('wasm depthwise conv2d kernels vs naive reference', () => {
  buildCases().forEach((c, index) => {
    test(
      c.name,
      withWasm((b) => {
        const p = resolve(c);
        checkDepthwiseCase(b.depthwiseConv2d, p, 0xa5e + index, (v) => Float32Array.from(v), (['linear', 'relu', 'relu6'] as const)[index % 3]);
        // The forward without a bias, too (the slot above always passes one).
        const sizes = depthwiseConv2dSizes(p);
        const rng = mulberry32(0xb00 + index);
        const x = Float32Array.from(randomArray(sizes.input, rng));
        const kernel = Float32Array.from(randomArray(sizes.kernel, rng));
        const out = nanArray(sizes.output);
        b.depthwiseConv2d.forward(p, x, kernel, null, out);
        assertMatchesReference(out, referenceDepthwiseConv2d(p, x, kernel, null), p.kernelHeight * p.kernelWidth, 'forward without bias');
      }),
    );
  });
});

describe('wasm depthwise conv2d: memory paths', () => {
  const base: Case = {
    name: 'zero-copy',
    input: [2, 9, 7, 13],
    kernel: [3, 3],
    strides: [1, 1],
    dilation: [1, 1],
    dm: 1,
    dataFormat: 'channels_last',
    padding: 'same',
  };

  test(
    'arguments resident in wasm memory are passed in place; others are copied, with the same result',
    withWasm((b) => {
      const k = b.depthwiseConv2d;
      const p = resolve(base);
      const sizes = depthwiseConv2dSizes(p);
      const rng = mulberry32(7);
      const xHeap = Float32Array.from(randomArray(sizes.input, rng));
      const kHeap = Float32Array.from(randomArray(sizes.kernel, rng));
      const bHeap = Float32Array.from(randomArray(sizes.bias, rng));
      const xs = b.arena.storageFrom(xHeap, 'float32');
      const ks = b.arena.storageFrom(kHeap, 'float32');
      const bs = b.arena.storageFrom(bHeap, 'float32');
      const os = b.arena.allocStorage('float32', sizes.output);

      k.resetStats();
      k.forward(p, xs.view() as Float32Array, ks.view() as Float32Array, bs.view() as Float32Array, os.view() as Float32Array);
      let stats = k.stats();
      assert.equal(stats.zeroCopyArguments, 4);
      assert.equal(stats.copiedArguments, 0);
      const resident = Float32Array.from(os.view());

      k.resetStats();
      const outHeap = new Float32Array(sizes.output);
      k.forward(p, xHeap, kHeap, bHeap, outHeap);
      stats = k.stats();
      assert.equal(stats.zeroCopyArguments, 0);
      assert.equal(stats.copiedArguments, 4);
      assert.deepEqual(outHeap, resident);
      assertMatchesReference(resident, referenceDepthwiseConv2d(p, xHeap, kHeap, bHeap), 9, 'resident');
      for (const s of [xs, ks, bs, os]) s.dispose();
    }),
  );

  test(
    'fused relu and relu6 epilogues',
    withWasm((b) => {
      const p = resolve(base);
      const sizes = depthwiseConv2dSizes(p);
      const rng = mulberry32(11);
      const x = Float32Array.from(randomArray(sizes.input, rng, -3, 3));
      const kernel = Float32Array.from(randomArray(sizes.kernel, rng, -3, 3));
      const bias = Float32Array.from(randomArray(sizes.bias, rng));
      const expected = referenceDepthwiseConv2d(p, x, kernel, bias);
      for (const [activation, f] of [
        ['relu', (v: number) => Math.max(v, 0)],
        ['relu6', (v: number) => Math.min(Math.max(v, 0), 6)],
      ] as const) {
        const out = nanArray(sizes.output);
        b.depthwiseConv2d.forwardFused(p, x, kernel, bias, out, activation);
        assertMatchesReference(out, expected.map(f), 9, activation);
      }
    }),
  );

  test(
    'float64 arguments go to the TypeScript kernels',
    withWasm((b) => {
      const p = resolve(base);
      const sizes = depthwiseConv2dSizes(p);
      const rng = mulberry32(3);
      const x = randomArray(sizes.input, rng);
      const kernel = randomArray(sizes.kernel, rng);
      const out = new Float64Array(sizes.output);
      b.depthwiseConv2d.resetStats();
      b.depthwiseConv2d.forward(p, x, kernel, null, out);
      assert.equal(b.depthwiseConv2d.stats().typescriptCalls, 1);
      assertMatchesReference(out, referenceDepthwiseConv2d(p, x, kernel, null), 9, 'float64', { rtol: 1e-12, atol: 1e-12 });
    }),
  );
});

describe('wasm arena and storage', () => {
  test('size classes are 16-byte aligned, at most 25% over, and monotone', () => {
    let previous = 0;
    for (let bytes = 1; bytes < 70000; bytes += 7) {
      const size = sizeClass(bytes);
      assert.ok(size >= bytes && size % 16 === 0, `class ${size} for ${bytes}`);
      assert.ok(bytes <= 64 || size <= bytes * 1.25 + 16, `class ${size} for ${bytes} wastes too much`);
      assert.ok(size >= previous);
      previous = size;
    }
  });

  test(
    'a freed block is reused by the next request of its class, zero-filled',
    withWasm((b) => {
      const a = b.arena.allocStorage('float32', 1000);
      (a.view() as Float32Array).fill(5);
      const offset = a.byteOffset;
      a.dispose();
      assert.throws(() => a.view(), /after dispose/);
      const again = b.arena.allocStorage('float32', 990);
      assert.equal(again.byteOffset, offset);
      assert.ok(again.view().every((v) => v === 0));
      again.dispose();
    }),
  );

  test(
    'views are re-derived after memory growth and keep their contents',
    withWasm((b) => {
      const s = b.arena.allocStorage('int32', 257);
      const before = s.view();
      for (let i = 0; i < before.length; i++) before[i] = i * 3;
      const grows = b.arena.stats().grows;
      const big = b.arena.allocStorage('float64', (b.arena.stats().memoryBytes >> 3) + 1);
      assert.ok(b.arena.stats().grows > grows, 'memory grew');
      if (b.exports.memory.buffer instanceof SharedArrayBuffer) {
        // A shared memory grows in place: old views stay valid (over the old length) and keep their data.
        assert.equal(before[256], 768, 'an old view of a shared memory still reads the block');
      } else {
        assert.equal(before.length, 0, 'the old view of a non-shared memory is detached by growth');
      }
      const after = s.view();
      assert.equal(after.length, 257);
      assert.equal(after[256], 768);
      assert.ok(b.arena.contains(after), 'the new view is over the module memory');
      big.dispose();
      s.dispose();
    }),
  );
});
