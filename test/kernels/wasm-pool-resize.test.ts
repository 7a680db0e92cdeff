// The pooling and bilinear-resize kernel-manifest entries (src/kernels/wasm/manifest-image.ts) against the
// naive float64 references and the TypeScript kernels: channel counts around the 4-lane vector and the
// 16-channel backward block, both data formats, width-1 and height-1 images, windows larger than the input,
// windows wholly in the padding, NaN; max pooling is the TypeScript kernels' bits, any split of the work
// gives the same bits, and float64 stays TypeScript.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { PoolParams } from '../../src/kernels/pool/index.js';
import { poolSizes, resolvePoolParams, typescriptPoolKernels } from '../../src/kernels/pool/index.js';
import { referencePool, referencePoolBackward } from '../../src/kernels/pool/reference.js';
import type { ResizeParams } from '../../src/kernels/resize/index.js';
import { resizeSizes, resolveResizeParams, typescriptResizeKernels } from '../../src/kernels/resize/index.js';
import { referenceBilinearResize, referenceBilinearResizeBackward } from '../../src/kernels/resize/reference.js';
import { createWasmPool2dKernels } from '../../src/kernels/wasm/pool2d.js';
import { createWasmResizeKernels } from '../../src/kernels/wasm/resize.js';
import type { ParallelRunner } from '../../src/kernels/wasm/parallel.js';
import { serialRunner } from '../../src/kernels/wasm/parallel.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import {
  around,
  assertMatchesReference,
  assertSplitsBitIdentical,
  bits,
  float32Tolerance,
  requireEveryVariantSelected,
  resident,
  residentNaN,
  selectionsDuring,
  splittingRunner,
  wasmBackend,
} from '../helpers/kernel-conformance.js';
import { caseName, product } from '../helpers/product.js';

const backend = wasmBackend();
const { arena, exports: wasm } = backend;
const serial = serialRunner(wasm, arena);
type Format = 'channels_last' | 'channels_first';

const CHANNELS = around([4, 16]).concat([1, 33]);

/** `[N, H, W]`: width 1, height 1, odd sizes. */
const IMAGES: readonly (readonly [number, number, number])[] = [
  [2, 7, 9],
  [1, 6, 1],
  [1, 1, 5],
  [3, 4, 4],
];

function shapeOf([n, h, w]: readonly [number, number, number], c: number, dataFormat: Format): number[] {
  return dataFormat === 'channels_last' ? [n, h, w, c] : [n, c, h, w];
}

interface PoolResults {
  max: Float32Array;
  avg: Float32Array;
  maxDx: Float32Array;
  avgDx: Float32Array;
}

function runPool(p: PoolParams, x: Float32Array, dy: Float32Array, runner: ParallelRunner): PoolResults {
  const k = createWasmPool2dKernels(wasm, arena, runner);
  const sizes = poolSizes(p);
  const [max, avg, maxDx, avgDx] = [sizes.output, sizes.output, sizes.input, sizes.input].map((n) => residentNaN(arena, n));
  k.maxForward(p, x, max);
  k.avgForward(p, x, avg);
  k.maxBackward(p, x, dy, maxDx);
  k.avgBackward(p, dy, avgDx);
  assert.equal(k.stats().typescriptCalls, 0);
  return { max, avg, maxDx, avgDx };
}

function typescriptPool(p: PoolParams, x: Float32Array, dy: Float32Array): PoolResults {
  const ts = typescriptPoolKernels;
  const sizes = poolSizes(p);
  const [max, avg, maxDx, avgDx] = [sizes.output, sizes.output, sizes.input, sizes.input].map((n) => new Float32Array(n));
  ts.maxForward(p, Float32Array.from(x), max);
  ts.avgForward(p, Float32Array.from(x), avg);
  ts.maxBackward(p, Float32Array.from(x), Float32Array.from(dy), maxDx);
  ts.avgBackward(p, Float32Array.from(dy), avgDx);
  return { max, avg, maxDx, avgDx };
}

/** Ties and NaN, so the first-maximum and NaN rules are exercised, not just distinct values. */
function poolInput(n: number, rng: () => number): Float32Array {
  return Float32Array.from(randomArray(n, rng), (v, i) => (i % 17 === 3 ? Number.NaN : i % 5 === 0 ? 0.5 : Math.round(v * 8) / 8));
}

function checkPool(p: PoolParams, seed: number, compareTypescript = true): void {
  const sizes = poolSizes(p);
  const rng = mulberry32(seed);
  const x = resident(arena, poolInput(sizes.input, rng));
  const dy = resident(arena, randomArray(sizes.output, rng));
  const got = runPool(p, x, dy, serial);
  const count = p.poolSize.reduce((m, d) => m * d, 1);
  assertMatchesReference(got.max, referencePool(p, 'max', x), 1, 'max forward');
  assertMatchesReference(got.avg, referencePool(p, 'avg', x), count, 'avg forward');
  assertMatchesReference(got.maxDx, referencePoolBackward(p, 'max', x, dy), count, 'max backward');
  assertMatchesReference(got.avgDx, referencePoolBackward(p, 'avg', x, dy), count, 'avg backward');
  if (compareTypescript) {
    const ts = typescriptPool(p, x, dy);
    for (const key of ['max', 'maxDx'] as const) assert.equal(bits(got[key]), bits(ts[key]), `${key}: the TypeScript kernel's bits`);
    assertAllClose(got.avg, ts.avg, float32Tolerance(count), 'avg forward vs TypeScript');
    assertAllClose(got.avgDx, ts.avgDx, float32Tolerance(count), 'avg backward vs TypeScript');
  }
  // Outputs hold NaN (from x), which `assertSplitsBitIdentical` would read as unwritten: the same check here.
  for (const pieces of [2, 3, 7]) {
    const split = runPool(p, x, dy, splittingRunner(arena, pieces));
    for (const key of ['max', 'avg', 'maxDx', 'avgDx'] as const) assert.equal(bits(split[key]), bits(got[key]), `${key}: ${pieces} pieces`);
  }
}

describe('wasm pool2d entries: max and average, forward and backward', () => {
  const grid = product({
    channels: CHANNELS,
    image: [0, 1, 2, 3],
    window: ['2x2 s2 valid', '3x3 s1 same', '2x3 s(1,3) same', '1x1 s1 valid', '3x3 s2 same'] as const,
    dataFormat: ['channels_last', 'channels_first'] as const,
  }).filter((c, i) => i % 3 === 0 || c.channels === 16 || c.channels === 4);
  for (const c of grid) {
    test(caseName(c), () => {
      const [pool, stride, padding] = c.window.split(' ');
      const poolSize = pool.split('x').map(Number) as [number, number];
      const s = stride.slice(1).replace(/[()]/g, '').split(',').map(Number);
      const strides = (s.length === 1 ? [s[0], s[0]] : s) as [number, number];
      const image = IMAGES[c.image];
      // 'valid' needs the window inside the image.
      const fitted: [number, number, number] = padding === 'valid' ? [image[0], Math.max(image[1], poolSize[0]), Math.max(image[2], poolSize[1])] : [...image];
      const p = resolvePoolParams(shapeOf(fitted, c.channels, c.dataFormat), { poolSize, strides, padding: padding as 'valid' | 'same', dataFormat: c.dataFormat });
      checkPool(p, c.channels * 100 + c.image);
    });
  }

  test('windows wholly in the padding: max gives -Infinity, average NaN, neither routes a gradient (as the reference)', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const base = resolvePoolParams(shapeOf([1, 3, 4], 5, dataFormat), { poolSize: [2, 2], strides: [1, 1], padding: 'valid', dataFormat });
      // Three rows and columns of padding before a 2x2 window: the first outputs see no input pixel.
      const p: PoolParams = { ...base, padBefore: [3, 3], padAfter: [3, 0], outSize: [8, 5] };
      checkPool(p, 7, false);
      const x = resident(arena, randomArray(poolSizes(p).input, mulberry32(1)));
      const out = residentNaN(arena, poolSizes(p).output);
      createWasmPool2dKernels(wasm, arena, serial).maxForward(p, x, out);
      assert.equal(out[0], Number.NEGATIVE_INFINITY, dataFormat);
    }
  });

  test('float64 arrays take the TypeScript kernels; heap float32 arrays are copied in and out', () => {
    const p = resolvePoolParams([1, 5, 5, 6], { poolSize: [2, 2], strides: [2, 2], padding: 'same', dataFormat: 'channels_last' });
    const k = createWasmPool2dKernels(wasm, arena, serial);
    const x = randomArray(poolSizes(p).input, mulberry32(3));
    const out = new Float64Array(poolSizes(p).output);
    k.avgForward(p, x, out);
    assertAllClose(out, referencePool(p, 'avg', x), { rtol: 1e-12, atol: 1e-12 }, 'float64');
    const heap = new Float32Array(poolSizes(p).output);
    k.maxForward(p, Float32Array.from(x), heap);
    assertMatchesReference(heap, referencePool(p, 'max', Float32Array.from(x)), 1, 'heap float32');
    assert.deepEqual([k.stats().typescriptCalls, k.stats().wasmCalls], [1, 1]);
    assert.ok(k.stats().copiedArguments >= 2);
  });
});

function runResize(p: ResizeParams, x: Float32Array, dy: Float32Array, runner: ParallelRunner): { out: Float32Array; dx: Float32Array } {
  const k = createWasmResizeKernels(wasm, arena, runner);
  const sizes = resizeSizes(p);
  const out = residentNaN(arena, sizes.output);
  const dx = residentNaN(arena, sizes.input);
  k.bilinearForward(p, x, out);
  k.bilinearBackward(p, dy, dx);
  assert.equal(k.stats().typescriptCalls, 0);
  return { out, dx };
}

describe('wasm bilinear resize entries: forward and backward', () => {
  // Upsampling (UpSampling2D's integer factors), downsampling, identity, a 1-pixel source, width 1.
  const SIZES: readonly { image: readonly [number, number, number]; size: readonly [number, number] }[] = [
    { image: [2, 4, 5], size: [8, 10] },
    { image: [1, 3, 3], size: [9, 6] },
    { image: [1, 9, 7], size: [4, 3] },
    { image: [2, 5, 5], size: [5, 5] },
    { image: [1, 1, 1], size: [3, 4] },
    { image: [1, 6, 1], size: [12, 2] },
  ];
  const grid = product({ channels: CHANNELS, size: [0, 1, 2, 3, 4, 5], dataFormat: ['channels_last', 'channels_first'] as const }).filter(
    (c, i) => i % 2 === 0 || c.channels === 4,
  );
  for (const c of grid) {
    const { image, size } = SIZES[c.size];
    test(`${caseName({ ...c, size: `${image.slice(1).join('x')}->${size.join('x')}` })}`, () => {
      const p = resolveResizeParams(shapeOf(image, c.channels, c.dataFormat), size, c.dataFormat);
      const sizes = resizeSizes(p);
      const rng = mulberry32(c.channels * 10 + c.size);
      const x = resident(arena, randomArray(sizes.input, rng));
      const dy = resident(arena, randomArray(sizes.output, rng));
      const got = runResize(p, x, dy, serial);
      // Each dx element gathers from at most (ceil(out / in) + 1)² outputs per axis pair.
      const gathered = (Math.ceil(p.outHeight / p.inHeight) + 1) * (Math.ceil(p.outWidth / p.inWidth) + 1);
      assertMatchesReference(got.out, referenceBilinearResize(p, x), 4, 'forward');
      assertMatchesReference(got.dx, referenceBilinearResizeBackward(p, dy), 4 * gathered, 'backward');
      const ts = typescriptResizeKernels;
      const [tsOut, tsDx] = [new Float32Array(sizes.output), new Float32Array(sizes.input)];
      ts.bilinearForward(p, Float32Array.from(x), tsOut);
      ts.bilinearBackward(p, Float32Array.from(dy), tsDx);
      assertAllClose(got.out, tsOut, { rtol: 2e-6, atol: 2e-6 }, 'forward vs TypeScript');
      assertAllClose(got.dx, tsDx, { rtol: 2e-6, atol: 2e-6 * gathered }, 'backward vs TypeScript');
      assertSplitsBitIdentical(arena, (runner) => runResize(p, x, dy, runner));
    });
  }

  test('each data format selects its entry; float64 takes the TypeScript kernels', () => {
    for (const dataFormat of ['channels_last', 'channels_first'] as const) {
      const p = resolveResizeParams(shapeOf([1, 3, 3], 5, dataFormat), [6, 6], dataFormat);
      const x = resident(arena, randomArray(45, mulberry32(2)));
      const picked = selectionsDuring(() => createWasmResizeKernels(wasm, arena, serial).bilinearForward(p, x, residentNaN(arena, 180)));
      assert.deepEqual([...picked.keys()], [`f32 bilinear-resize ${dataFormat === 'channels_last' ? 'nhwc' : 'nchw via nhwc'} wasmsimd`]);
    }
    const p = resolveResizeParams([1, 3, 3, 2], [6, 6], 'channels_last');
    const k = createWasmResizeKernels(wasm, arena, serial);
    const x = randomArray(18, mulberry32(4));
    const out = new Float64Array(72);
    k.bilinearForward(p, x, out);
    assertAllClose(out, referenceBilinearResize(p, x), { rtol: 1e-12, atol: 1e-12 }, 'float64');
    assert.equal(k.stats().typescriptCalls, 1);
  });
});

requireEveryVariantSelected('pool2d');
requireEveryVariantSelected('resize');
