// The conv2d kernel-manifest entries (src/kernels/wasm/manifest-conv.ts) against the naive float64
// references and the TypeScript kernels: im2col forward, input gradient (stride-1 rotated forward and the
// strided gather), kernel gradient, and the route of `groups = C` convolutions to the depthwise kernels.
// Sizes go around each entry's boundaries (im2col chunk, K and N blocks, kernel-gradient pixel blocks and
// column chunks), channel counts around the vector width, width-1 and height-1 images, windows wholly in
// the padding, stride with dilation; every split of the work gives the same bits, and real threads too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import type { Conv2dParams, ExplicitPadding, Padding } from '../../src/kernels/conv2d/index.js';
import { conv2dSizes, resolveConv2dParams, typescriptConv2dKernels } from '../../src/kernels/conv2d/index.js';
import {
  referenceConv2d,
  referenceConv2dBackwardBias,
  referenceConv2dBackwardInput,
  referenceConv2dBackwardKernel,
} from '../../src/kernels/conv2d/reference.js';
import { createWasmConv2dKernels } from '../../src/kernels/wasm/conv2d.js';
import * as K from '../../src/kernels/wasm/generated/constants.js';
import type { ConvVariant } from '../../src/kernels/wasm/manifest.js';
import { variantsOf } from '../../src/kernels/wasm/manifest.js';
import { serialRunner } from '../../src/kernels/wasm/parallel.js';
import type { ParallelRunner } from '../../src/kernels/wasm/parallel.js';
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

const backend = wasmBackend();
const { arena, exports: wasm } = backend;

interface Case {
  /** `[N, H, W, C]` whatever the format. */
  input: readonly [number, number, number, number];
  kernel: readonly [number, number];
  filters: number;
  strides?: readonly [number, number];
  dilation?: readonly [number, number];
  padding?: Padding | ExplicitPadding;
  groups?: number;
  dataFormat?: 'channels_last' | 'channels_first';
}

function paramsOf(c: Case): Conv2dParams {
  const [n, h, w, ch] = c.input;
  const dataFormat = c.dataFormat ?? 'channels_last';
  const groups = c.groups ?? 1;
  return resolveConv2dParams(dataFormat === 'channels_last' ? [n, h, w, ch] : [n, ch, h, w], [c.kernel[0], c.kernel[1], ch / groups, c.filters], {
    strides: c.strides ?? [1, 1],
    dilationRate: c.dilation ?? [1, 1],
    padding: c.padding ?? 'same',
    dataFormat,
    groups,
  });
}

function describeCase(c: Case): string {
  const pad = typeof c.padding === 'object' ? JSON.stringify(c.padding) : (c.padding ?? 'same');
  return (
    `input ${c.input.join('x')} kernel ${c.kernel.join('x')} filters ${c.filters} strides ${(c.strides ?? [1, 1]).join('x')} ` +
    `dilation ${(c.dilation ?? [1, 1]).join('x')} padding ${pad}${c.groups !== undefined ? ` groups ${c.groups}` : ''} ${c.dataFormat ?? 'channels_last'}`
  );
}

interface Data {
  p: Conv2dParams;
  x: Float32Array;
  kernel: Float32Array;
  bias: Float32Array;
  scale: Float32Array;
  dy: Float32Array;
}

function dataOf(c: Case, seed: number): Data {
  const p = paramsOf(c);
  const sizes = conv2dSizes(p);
  const rng = mulberry32(seed);
  const r = (n: number, lo = -1, hi = 1): Float32Array => resident(arena, randomArray(n, rng, lo, hi));
  return { p, x: r(sizes.input), kernel: r(sizes.kernel), bias: r(sizes.bias), scale: r(sizes.bias, 0.5, 2), dy: r(sizes.output) };
}

/** Every slot on one runner, outputs NaN-filled in wasm memory first (a forgotten element shows). */
function runAll(d: Data, runner: ParallelRunner): Record<'out' | 'fused' | 'dx' | 'dk' | 'db', Float32Array> {
  const conv = createWasmConv2dKernels(wasm, arena, runner);
  const sizes = conv2dSizes(d.p);
  const out = residentNaN(arena, sizes.output);
  conv.forward(d.p, d.x, d.kernel, d.bias, out);
  const fused = residentNaN(arena, sizes.output);
  conv.forwardFused(d.p, d.x, d.kernel, d.scale, d.bias, fused, 'relu6');
  const dx = residentNaN(arena, sizes.input);
  conv.backwardInput(d.p, d.dy, d.kernel, dx);
  const dk = residentNaN(arena, sizes.kernel);
  conv.backwardKernel(d.p, d.x, d.dy, dk);
  const db = residentNaN(arena, sizes.bias);
  conv.backwardBias(d.p, d.dy, db);
  assert.equal(conv.stats().typescriptCalls, 0, 'every slot ran in WebAssembly');
  return { out, fused, dx, dk, db };
}

/** The conformance of one case: references, the TypeScript kernels, and the split check. */
function checkCase(c: Case, seed: number): void {
  const d = dataOf(c, seed);
  const { p } = d;
  const got = runAll(d, serialRunner(wasm, arena));
  const patch = p.kernelHeight * p.kernelWidth * p.inChannelsPerGroup;
  const pixels = p.batch * p.outHeight * p.outWidth;
  const taps = p.kernelHeight * p.kernelWidth * p.outChannelsPerGroup;
  const raw = referenceConv2d(p, d.x, d.kernel, null);
  const channel = (i: number): number => (p.dataFormat === 'channels_last' ? i % p.outChannels : Math.floor(i / (p.outHeight * p.outWidth)) % p.outChannels);
  assertMatchesReference(got.out, raw.map((v, i) => v + d.bias[channel(i)]), patch, 'forward');
  assertMatchesReference(got.fused, raw.map((v, i) => Math.min(Math.max(v * d.scale[channel(i)] + d.bias[channel(i)], 0), 6)), 4 * patch, 'forwardFused relu6');
  assertMatchesReference(got.dx, referenceConv2dBackwardInput(p, d.dy, d.kernel), taps, 'backwardInput');
  assertMatchesReference(got.dk, referenceConv2dBackwardKernel(p, d.x, d.dy), pixels, 'backwardKernel');
  assertMatchesReference(got.db, referenceConv2dBackwardBias(p, d.dy), pixels, 'backwardBias');

  const ts = typescriptConv2dKernels;
  const sizes = conv2dSizes(p);
  const heap = (n: number): Float32Array => new Float32Array(n);
  const [tsOut, tsDx, tsDk] = [heap(sizes.output), heap(sizes.input), heap(sizes.kernel)];
  ts.forward(p, Float32Array.from(d.x), Float32Array.from(d.kernel), Float32Array.from(d.bias), tsOut);
  ts.backwardInput(p, Float32Array.from(d.dy), Float32Array.from(d.kernel), tsDx);
  ts.backwardKernel(p, Float32Array.from(d.x), Float32Array.from(d.dy), tsDk);
  assertAllClose(got.out, tsOut, float32Tolerance(2 * patch), 'forward vs TypeScript');
  assertAllClose(got.dx, tsDx, float32Tolerance(2 * taps), 'backwardInput vs TypeScript');
  assertAllClose(got.dk, tsDk, float32Tolerance(2 * pixels), 'backwardKernel vs TypeScript');

  assertSplitsBitIdentical(arena, (runner) => runAll(d, runner));
}

// Output pixels around the im2col chunk (GEMM_MB rows), patches around the K block (1024 floats for at
// most 64 filters, else 512), filters around the register tile, the 4-wide vector and the N block.
const IM2COL_CASES: readonly Case[] = [
  { input: [1, 8, 8, 3], kernel: [3, 3], filters: 8 },
  { input: [1, 9, 7, 4], kernel: [3, 3], filters: 7, padding: 'valid' }, // 35 pixels
  { input: [1, 8, 8, 5], kernel: [3, 3], filters: 9 }, // 64 pixels
  { input: [1, 5, 13, 2], kernel: [3, 3], filters: 4 }, // 65 pixels
  { input: [1, 3, 3, 511], kernel: [1, 2], filters: 5, padding: 'valid' }, // patch 1022
  { input: [1, 3, 3, 512], kernel: [1, 2], filters: 8, padding: 'valid' }, // patch 1024
  { input: [1, 3, 3, 513], kernel: [1, 2], filters: 3, padding: 'valid' }, // patch 1026, two K blocks
  { input: [1, 3, 3, 257], kernel: [1, 2], filters: 65, padding: 'valid' }, // patch 514 with 65 filters: two K blocks
  { input: [1, 4, 4, 3], kernel: [3, 3], filters: 129 }, // two N blocks
  { input: [2, 1, 9, 6], kernel: [1, 3], filters: 6 }, // height 1
  { input: [2, 7, 1, 6], kernel: [3, 1], filters: 5 }, // width 1
  { input: [1, 6, 1, 4], kernel: [3, 3], filters: 3 }, // width 1, a 3x3 window
  { input: [1, 2, 2, 3], kernel: [3, 3], filters: 4, padding: [[4, 4], [3, 5]] }, // windows wholly in the padding
  { input: [1, 5, 6, 4], kernel: [2, 2], filters: 5, padding: [[0, -1], [1, 0]] }, // a negative (cropping) padding
  { input: [1, 9, 8, 4], kernel: [3, 3], filters: 6, dilation: [2, 2] },
  { input: [1, 9, 8, 4], kernel: [3, 2], filters: 6, dilation: [2, 1], strides: [1, 1], padding: 'valid' },
];

// Strides > 1: the gather; stride with dilation (the kernels allow it, whatever the layers' rule).
const STRIDED_CASES: readonly Case[] = [
  { input: [2, 9, 8, 4], kernel: [3, 3], filters: 8, strides: [2, 2] },
  { input: [1, 10, 11, 3], kernel: [3, 3], filters: 5, strides: [2, 3] },
  { input: [1, 11, 10, 5], kernel: [5, 5], filters: 9, strides: [3, 2], padding: 'valid' },
  { input: [1, 9, 9, 4], kernel: [2, 2], filters: 4, strides: [2, 2], padding: 'valid' }, // windows do not overlap
  { input: [1, 5, 5, 3], kernel: [1, 3], filters: 7, strides: [3, 3] }, // taps skip input pixels
  { input: [1, 9, 1, 4], kernel: [3, 1], filters: 4, strides: [2, 1] }, // width 1
  { input: [1, 9, 8, 4], kernel: [3, 3], filters: 6, strides: [2, 2], dilation: [2, 2] },
  { input: [1, 2, 3, 4], kernel: [3, 3], filters: 5, strides: [2, 2], padding: [[3, 3], [4, 2]] }, // wholly padded windows
  { input: [2, 17, 16, 3], kernel: [3, 3], filters: 32, strides: [2, 2] }, // 128 input pixels per image
];

// The kernel gradient's units (KERNEL_ROWS_PER_UNIT patch columns), column chunks and pixel blocks.
const KERNEL_GRADIENT_CASES: readonly Case[] = [
  { input: [1, 4, 4, 31], kernel: [1, 2], filters: 3, padding: 'valid' }, // patch 62
  { input: [1, 4, 4, 16], kernel: [1, 2], filters: 3, padding: 'valid' }, // patch 32
  { input: [1, 4, 4, 11], kernel: [1, 3], filters: 5, padding: 'valid' }, // patch 33
  { input: [1, 4, 4, 127], kernel: [1, 1], filters: 2, strides: [2, 2] }, // patch 127 (not pointwise: strided)
  { input: [1, 4, 4, 64], kernel: [1, 2], filters: 9, padding: 'valid' }, // patch 128
  { input: [1, 4, 4, 43], kernel: [1, 3], filters: 4, padding: 'valid' }, // patch 129
  { input: [1, 17, 15, 2], kernel: [3, 3], filters: 6 }, // 255 pixels
  { input: [1, 16, 16, 2], kernel: [3, 3], filters: 3 }, // 256 pixels
  { input: [1, 257, 1, 2], kernel: [3, 1], filters: 5 }, // 257 pixels, width 1
  { input: [3, 12, 12, 7], kernel: [3, 3], filters: 10 }, // 432 pixels over 3 images
];

describe('wasm conv2d im2col entries: forward, input and kernel gradients', () => {
  for (const [label, cases] of [['stride 1', IM2COL_CASES], ['strided', STRIDED_CASES], ['kernel-gradient blocks', KERNEL_GRADIENT_CASES]] as const) {
    cases.forEach((c, i) => {
      test(`${label}: ${describeCase(c)}: references, TypeScript kernels, any split bit-identical`, () => checkCase(c, 1000 + i));
    });
  }

  test('each pass selects its manifest entry: rotated forward at stride 1, the gather otherwise', () => {
    const [rotated, gather] = variantsOf<ConvVariant>('conv2d', 'conv2dBackwardInput');
    assert.equal(rotated.code, K.IM2COL_WINDOWS);
    assert.equal(gather.code, K.IM2COL_GATHER);
    for (const [c, expected] of [[IM2COL_CASES[0], rotated], [STRIDED_CASES[0], gather]] as const) {
      const d = dataOf(c, 5);
      const conv = createWasmConv2dKernels(wasm, arena, serialRunner(wasm, arena));
      const picked = selectionsDuring(() => conv.backwardInput(d.p, d.dy, d.kernel, residentNaN(arena, conv2dSizes(d.p).input)));
      assert.equal(picked.get(expected.name), 1, `${describeCase(c)} selected ${expected.name}`);
    }
  });
});

// `groups = C`: depth multipliers 1-3, channels around the vector width and the depthwise tile threshold,
// both data formats, strides.
const DEPTHWISE_CASES: readonly Case[] = [
  { input: [2, 7, 6, 3], kernel: [3, 3], filters: 3, groups: 3 },
  { input: [1, 7, 6, 4], kernel: [3, 3], filters: 8, groups: 4 },
  { input: [1, 8, 9, 5], kernel: [3, 3], filters: 15, groups: 5, strides: [2, 2] },
  { input: [2, 9, 9, 32], kernel: [3, 3], filters: 32, groups: 32 },
  { input: [1, 6, 7, 33], kernel: [5, 5], filters: 33, groups: 33, dilation: [2, 2] },
  { input: [2, 7, 6, 6], kernel: [3, 3], filters: 12, groups: 6, dataFormat: 'channels_first' },
  { input: [1, 8, 1, 4], kernel: [3, 1], filters: 4, groups: 4, dataFormat: 'channels_first', strides: [2, 1] },
];

describe('wasm conv2d with one input channel per group runs on the depthwise kernels', () => {
  const [route] = variantsOf<ConvVariant>('conv2d', 'conv2dDepthwise');
  DEPTHWISE_CASES.forEach((c, i) => {
    test(`${describeCase(c)}: every slot through the depthwise entries, matching the references`, () => {
      let picked = new Map<string, number>();
      picked = selectionsDuring(() => checkCase(c, 2000 + i));
      assert.ok((picked.get(route.name) ?? 0) > 0, 'the routing entry was selected');
      assert.ok([...picked.keys()].some((name) => name.includes('dwconv')), 'depthwise entries ran');
      assert.ok(![...picked.keys()].some((name) => name.includes('im2col')), 'no im2col entry ran');
    });
  });

  test('two input channels per group, channels_first with one group and float64 stay TypeScript', () => {
    const conv = createWasmConv2dKernels(wasm, arena, serialRunner(wasm, arena));
    for (const c of [
      { input: [1, 5, 5, 4], kernel: [3, 3], filters: 6, groups: 2 },
      { input: [1, 5, 5, 4], kernel: [3, 3], filters: 6, dataFormat: 'channels_first' },
    ] as const satisfies readonly Case[]) {
      const d = dataOf(c, 9);
      conv.resetStats();
      const dx = new Float32Array(conv2dSizes(d.p).input);
      conv.backwardInput(d.p, d.dy, d.kernel, dx);
      assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], [0, 1], describeCase(c));
      assertMatchesReference(dx, referenceConv2dBackwardInput(d.p, d.dy, d.kernel), 54, describeCase(c));
    }
    const d = dataOf(DEPTHWISE_CASES[0], 4);
    conv.resetStats();
    const out = new Float64Array(conv2dSizes(d.p).output);
    conv.forward(d.p, Float64Array.from(d.x), Float64Array.from(d.kernel), null, out);
    assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], [0, 1], 'float64');
    assertAllClose(out, referenceConv2d(d.p, d.x, d.kernel, null), { rtol: 1e-12, atol: 1e-12 }, 'float64');
  });
});

describe('wasm conv2d on real threads (shared memory)', () => {
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
    for (const [i, c] of [IM2COL_CASES[2], STRIDED_CASES[8], KERNEL_GRADIENT_CASES[9], DEPTHWISE_CASES[3]].entries()) {
      const d = dataOf(c, 3000 + i);
      const one = runAll(d, serialRunner(wasm, arena));
      const two = runAll(d, pool);
      for (const key of ['out', 'fused', 'dx', 'dk', 'db'] as const) assert.equal(bits(two[key]), bits(one[key]), `${describeCase(c)}: ${key}`);
    }
    assert.ok(pool.stats().parallelJobs > 0, 'jobs were split');
  });
});

requireEveryVariantSelected('conv2d');
