// The rank-generic `conv` slot's kernel-manifest entries (src/kernels/wasm/manifest-conv3d.ts) against the
// naive float64 reference (src/kernels/conv/reference.ts) and the TypeScript loops: the im2col forward,
// the input gradient (stride-1 rotated forward and the strided gather) and the kernel gradient, over
// strides × dilation × padding × kernel sizes × channel counts (odd ones included), both data formats,
// ranks 1 and 2 lifted to three axes, sizes around the GEMM's and the kernel gradient's blocks; every
// split of the work gives the same bits, and real threads too. Grouped and float64 stay TypeScript.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { ConvParams, ExplicitPadding, Padding } from '../../src/kernels/conv/index.js';
import { convSizes, resolveConvParams, typescriptConvKernels } from '../../src/kernels/conv/index.js';
import { referenceConv, referenceConvBackwardBias, referenceConvBackwardInput, referenceConvBackwardKernel } from '../../src/kernels/conv/reference.js';
import { createWasmConvKernels } from '../../src/kernels/wasm/conv.js';
import * as K from '../../src/kernels/wasm/generated/constants.js';
import type { ConvNdVariant } from '../../src/kernels/wasm/manifest.js';
import { variantsOf } from '../../src/kernels/wasm/manifest.js';
import type { ParallelRunner } from '../../src/kernels/wasm/parallel.js';
import { serialRunner } from '../../src/kernels/wasm/parallel.js';
import { createThreadPool } from '../../src/kernels/wasm/thread-pool.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import {
  assertMatchesReference,
  assertSplitsBitIdentical,
  bits,
  float32Tolerance,
  requireEveryVariantSelected,
  resident,
  residentNaN,
  selectionsDuring,
  wasmBackend,
  wasmModule,
} from '../helpers/kernel-conformance.js';
import { caseName, product } from '../helpers/product.js';

const backend = wasmBackend();
const { arena, exports: wasm } = backend;

interface Case {
  /** Spatial sizes (1 to 3 axes), outermost first. */
  spatial: readonly number[];
  batch?: number;
  channels: number;
  filters: number;
  kernel: readonly number[];
  strides?: readonly number[];
  dilation?: readonly number[];
  padding?: Padding | ExplicitPadding;
  groups?: number;
  dataFormat?: 'channels_last' | 'channels_first';
}

const ones = (c: Case): number[] => c.spatial.map(() => 1);

function paramsOf(c: Case): ConvParams {
  const dataFormat = c.dataFormat ?? 'channels_last';
  const batch = c.batch ?? 1;
  const groups = c.groups ?? 1;
  const input = dataFormat === 'channels_last' ? [batch, ...c.spatial, c.channels] : [batch, c.channels, ...c.spatial];
  return resolveConvParams(input, [...c.kernel, c.channels / groups, c.filters], {
    strides: c.strides ?? ones(c),
    dilationRate: c.dilation ?? ones(c),
    padding: c.padding ?? 'same',
    dataFormat,
    groups,
  });
}

function describeCase(c: Case): string {
  return caseName({
    in: [c.batch ?? 1, ...c.spatial, c.channels], k: c.kernel, f: c.filters, s: c.strides ?? ones(c), d: c.dilation ?? ones(c),
    padding: typeof c.padding === 'object' ? JSON.stringify(c.padding) : (c.padding ?? 'same'),
    ...(c.groups !== undefined ? { groups: c.groups } : {}), format: c.dataFormat ?? 'channels_last',
  });
}

interface Data {
  p: ConvParams;
  x: Float32Array;
  kernel: Float32Array;
  bias: Float32Array;
  dy: Float32Array;
}

function dataOf(c: Case, seed: number): Data {
  const p = paramsOf(c);
  const sizes = convSizes(p);
  const rng = mulberry32(seed);
  const r = (n: number): Float32Array => resident(arena, randomArray(n, rng));
  return { p, x: r(sizes.input), kernel: r(sizes.kernel), bias: r(sizes.bias), dy: r(sizes.output) };
}

/** Every pass on one runner, outputs NaN-filled in wasm memory first (a forgotten element shows). */
function runAll(d: Data, runner: ParallelRunner, expectWasm = true): Record<'out' | 'dx' | 'dk' | 'db', Float32Array> {
  const conv = createWasmConvKernels(wasm, arena, runner);
  const sizes = convSizes(d.p);
  const out = residentNaN(arena, sizes.output);
  conv.forward(d.p, d.x, d.kernel, d.bias, out);
  const dx = residentNaN(arena, sizes.input);
  conv.backwardInput(d.p, d.dy, d.kernel, dx);
  const dk = residentNaN(arena, sizes.kernel);
  conv.backwardKernel(d.p, d.x, d.dy, dk);
  const db = residentNaN(arena, sizes.bias);
  conv.backwardBias(d.p, d.dy, db);
  if (expectWasm) assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], [3, 0], 'forward and both gradients ran in WebAssembly');
  return { out, dx, dk, db };
}

const prod = (v: readonly number[]): number => v.reduce((a, b) => a * b, 1);

/** The conformance of one case: the float64 reference, the TypeScript loops, and (optionally) the split check. */
function checkCase(c: Case, seed: number, splits = true): void {
  const d = dataOf(c, seed);
  const { p } = d;
  const got = runAll(d, serialRunner(wasm, arena));
  const patch = prod(p.kernelSize) * p.inChannelsPerGroup;
  const pixels = p.batch * prod(p.outSize);
  const taps = prod(p.kernelSize) * p.outChannelsPerGroup;
  assertMatchesReference(got.out, referenceConv(p, d.x, d.kernel, d.bias), patch, 'forward');
  assertMatchesReference(got.dx, referenceConvBackwardInput(p, d.dy, d.kernel), taps, 'backwardInput');
  assertMatchesReference(got.dk, referenceConvBackwardKernel(p, d.x, d.dy), pixels, 'backwardKernel');
  assertMatchesReference(got.db, referenceConvBackwardBias(p, d.dy), pixels, 'backwardBias');

  const ts = typescriptConvKernels;
  const sizes = convSizes(p);
  const heap = (n: number): Float32Array => new Float32Array(n);
  const [tsOut, tsDx, tsDk] = [heap(sizes.output), heap(sizes.input), heap(sizes.kernel)];
  ts.forward(p, Float32Array.from(d.x), Float32Array.from(d.kernel), Float32Array.from(d.bias), tsOut);
  ts.backwardInput(p, Float32Array.from(d.dy), Float32Array.from(d.kernel), tsDx);
  ts.backwardKernel(p, Float32Array.from(d.x), Float32Array.from(d.dy), tsDk);
  assertAllClose(got.out, tsOut, float32Tolerance(2 * patch), 'forward vs TypeScript');
  assertAllClose(got.dx, tsDx, float32Tolerance(2 * taps), 'backwardInput vs TypeScript');
  assertAllClose(got.dk, tsDk, float32Tolerance(2 * pixels), 'backwardKernel vs TypeScript');

  if (splits) assertSplitsBitIdentical(arena, (runner) => runAll(d, runner));
}

// The argument space on a small 3D volume: kernels (unit, cubic, mixed), strides (unit, cubic, mixed:
// the gather), dilation, padding, odd and even channel and filter counts.
const GRID = product({
  kernel: [[1, 1, 1], [3, 3, 3], [2, 3, 1]],
  strides: [[1, 1, 1], [2, 2, 2], [1, 2, 3]],
  dilation: [[1, 1, 1], [2, 1, 2]],
  padding: ['valid', 'same'],
  channels: [[3, 5], [4, 7]],
} as const);

describe('wasm conv (rank 3) im2col entries: forward, input and kernel gradients', () => {
  GRID.forEach((g, i) => {
    const c: Case = { spatial: [5, 6, 7], batch: 2, channels: g.channels[0], filters: g.channels[1], kernel: g.kernel, strides: g.strides, dilation: g.dilation, padding: g.padding };
    test(`${describeCase(c)}: reference, TypeScript loops, any split bit-identical`, () => checkCase(c, 100 + i));
  });

  // Explicit paddings (wholly padded windows, a cropping after-padding as the transposed convolution's
  // adjoint has), unit axes, channels_first, ranks 1 and 2 through the same slot.
  const EDGE_CASES: readonly Case[] = [
    { spatial: [2, 2, 3], channels: 3, filters: 4, kernel: [3, 3, 3], padding: [[3, 3], [4, 4], [3, 5]] },
    { spatial: [4, 5, 6], channels: 4, filters: 5, kernel: [2, 2, 2], padding: [[0, -1], [1, 0], [0, 1]] },
    { spatial: [3, 2, 3], channels: 2, filters: 3, kernel: [3, 3, 3], strides: [2, 2, 2], padding: [[3, 2], [3, 3], [4, 2]] },
    { spatial: [1, 9, 1], channels: 3, filters: 3, kernel: [1, 3, 1], strides: [1, 2, 1] },
    { spatial: [7, 1, 1], channels: 5, filters: 2, kernel: [3, 1, 1] },
    { spatial: [4, 5, 6], batch: 2, channels: 3, filters: 6, kernel: [3, 3, 3], dataFormat: 'channels_first' },
    { spatial: [5, 5, 6], batch: 2, channels: 5, filters: 3, kernel: [3, 2, 3], strides: [2, 1, 2], dataFormat: 'channels_first' },
    { spatial: [9, 8], batch: 2, channels: 3, filters: 5, kernel: [3, 3], strides: [2, 2] },
    { spatial: [9, 8], channels: 4, filters: 4, kernel: [3, 3], dilation: [2, 2], dataFormat: 'channels_first' },
    { spatial: [13], batch: 3, channels: 3, filters: 7, kernel: [5], padding: [[4, 0]] }, // causal
    { spatial: [13], channels: 6, filters: 3, kernel: [3], strides: [3] },
  ];
  EDGE_CASES.forEach((c, i) => {
    test(`edges: ${describeCase(c)}: reference, TypeScript loops, any split bit-identical`, () => checkCase(c, 300 + i));
  });

  // Output pixels around the im2col chunk (GEMM_MB), patches around the K block, filters around the
  // register tile and the N block; the kernel gradient's units, column chunks and pixel blocks.
  const BLOCK_CASES: readonly Case[] = [
    { spatial: [4, 4, 4], channels: 3, filters: 9, kernel: [3, 3, 3] }, // 64 pixels
    { spatial: [5, 13, 1], channels: 2, filters: 4, kernel: [3, 3, 1] }, // 65 pixels
    { spatial: [2, 2, 2], channels: 127, filters: 5, kernel: [2, 2, 2], padding: 'valid' }, // patch 1016
    { spatial: [2, 2, 2], channels: 128, filters: 8, kernel: [2, 2, 2], padding: 'valid' }, // patch 1024
    { spatial: [2, 2, 2], channels: 129, filters: 3, kernel: [2, 2, 2], padding: 'valid' }, // patch 1032: two K blocks
    { spatial: [2, 3, 3], channels: 3, filters: 129, kernel: [3, 3, 3] }, // two N blocks
    { spatial: [2, 2, 2], channels: 4, filters: 3, kernel: [2, 2, 2], padding: 'valid' }, // patch 32
    { spatial: [2, 2, 3], channels: 11, filters: 5, kernel: [1, 1, 3], padding: 'valid' }, // patch 33
    { spatial: [2, 2, 2], channels: 16, filters: 9, kernel: [2, 2, 2], padding: 'valid' }, // patch 128
    { spatial: [4, 8, 8], channels: 2, filters: 6, kernel: [3, 3, 3] }, // 256 pixels
    { spatial: [3, 9, 10], channels: 3, filters: 5, kernel: [3, 3, 3] }, // 270 pixels
  ];
  BLOCK_CASES.forEach((c, i) => {
    test(`blocks: ${describeCase(c)}: reference, TypeScript loops, any split bit-identical`, () => checkCase(c, 500 + i));
  });

  test('each pass selects its manifest entry: rotated forward at stride 1, the gather otherwise', () => {
    const [rotated, gather] = variantsOf<ConvNdVariant>('conv', 'convBackwardInput');
    assert.equal(rotated.code, K.IM2COL_WINDOWS);
    assert.equal(gather.code, K.IM2COL_GATHER);
    const cases: readonly (readonly [Case, ConvNdVariant])[] = [
      [{ spatial: [4, 4, 4], channels: 3, filters: 4, kernel: [3, 3, 3] }, rotated],
      [{ spatial: [4, 4, 4], channels: 3, filters: 4, kernel: [3, 3, 3], strides: [1, 1, 2] }, gather],
    ];
    for (const [c, expected] of cases) {
      const d = dataOf(c, 5);
      const conv = createWasmConvKernels(wasm, arena, serialRunner(wasm, arena));
      const picked = selectionsDuring(() => conv.backwardInput(d.p, d.dy, d.kernel, residentNaN(arena, convSizes(d.p).input)));
      assert.equal(picked.get(expected.name), 1, `${describeCase(c)} selected ${expected.name}`);
    }
  });

  test('grouped convolutions and float64 stay TypeScript (and match the reference)', () => {
    const conv = createWasmConvKernels(wasm, arena, serialRunner(wasm, arena));
    const grouped: Case = { spatial: [3, 4, 5], channels: 4, filters: 6, kernel: [3, 3, 3], groups: 2 };
    const d = dataOf(grouped, 9);
    const dx = new Float32Array(convSizes(d.p).input);
    conv.backwardInput(d.p, d.dy, d.kernel, dx);
    assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], [0, 1], 'grouped');
    assertMatchesReference(dx, referenceConvBackwardInput(d.p, d.dy, d.kernel), 81, 'grouped');
    conv.resetStats();
    const e = dataOf({ spatial: [3, 4, 5], channels: 3, filters: 4, kernel: [3, 3, 3] }, 10);
    const out = new Float64Array(convSizes(e.p).output);
    conv.forward(e.p, Float64Array.from(e.x), Float64Array.from(e.kernel), null, out);
    assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], [0, 1], 'float64');
    assertAllClose(out, referenceConv(e.p, e.x, e.kernel, null), { rtol: 1e-12, atol: 1e-12 }, 'float64');
  });

  test('arguments outside wasm memory are copied in and out, with the same results', () => {
    const c: Case = { spatial: [3, 5, 4], batch: 2, channels: 5, filters: 3, kernel: [3, 3, 3], strides: [1, 2, 1] };
    const d = dataOf(c, 11);
    const conv = createWasmConvKernels(wasm, arena, serialRunner(wasm, arena));
    const sizes = convSizes(d.p);
    const inPlace = runAll(d, serialRunner(wasm, arena));
    const heap = { out: new Float32Array(sizes.output), dx: new Float32Array(sizes.input), dk: new Float32Array(sizes.kernel) };
    conv.forward(d.p, Float32Array.from(d.x), Float32Array.from(d.kernel), Float32Array.from(d.bias), heap.out);
    conv.backwardInput(d.p, Float32Array.from(d.dy), Float32Array.from(d.kernel), heap.dx);
    conv.backwardKernel(d.p, Float32Array.from(d.x), Float32Array.from(d.dy), heap.dk);
    assert.ok(conv.stats().copiedArguments > 0, 'arguments were copied');
    for (const key of ['out', 'dx', 'dk'] as const) assert.equal(bits(heap[key]), bits(inPlace[key]), key);
  });
});

describe('wasm conv (rank 3) on real threads (shared memory)', () => {
  let pool: ReturnType<typeof createThreadPool> | null = null;
  before(async () => {
    const loaded = wasmModule();
    if (!loaded.shared) return;
    // Threshold 0: every job of two or more units is split, however small.
    pool = createThreadPool({ module: loaded.module, memory: loaded.memory, exports: loaded.exports, arena, threads: 2, serialThreshold: 0 });
    const deadline = Date.now() + 20_000;
    while (pool.stats().readyWorkers < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  });
  after(() => pool?.terminate());

  test('forward, input and kernel gradients split over two threads match one thread bit for bit', () => {
    assert.ok(pool !== null && pool.stats().readyWorkers >= 1, 'a worker thread started within 20 s');
    const cases: readonly Case[] = [
      { spatial: [4, 8, 8], batch: 2, channels: 5, filters: 7, kernel: [3, 3, 3] },
      { spatial: [5, 6, 7], batch: 2, channels: 3, filters: 4, kernel: [3, 3, 3], strides: [2, 2, 2] },
      { spatial: [4, 5, 6], batch: 2, channels: 3, filters: 6, kernel: [3, 3, 3], dataFormat: 'channels_first' },
    ];
    for (const [i, c] of cases.entries()) {
      const d = dataOf(c, 3000 + i);
      const one = runAll(d, serialRunner(wasm, arena));
      const two = runAll(d, pool);
      for (const key of ['out', 'dx', 'dk', 'db'] as const) assert.equal(bits(two[key]), bits(one[key]), `${describeCase(c)}: ${key}`);
    }
    assert.ok(pool.stats().parallelJobs > 0, 'jobs were split');
  });
});

requireEveryVariantSelected('conv');
