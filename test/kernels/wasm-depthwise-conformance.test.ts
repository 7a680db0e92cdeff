/**
 * Conformance suite for the WebAssembly depthwise kernels: every variant (forward, fused scale/shift +
 * activation forward, input gradient, kernel gradient, bias gradient) in both data formats and depth
 * multipliers 1-4, against the naive float64 reference, over channel counts around the SIMD width, width-1
 * and height-1 images, windows wholly in padding, kernel sizes 1, 2, 3, 5, 7 and non-square ones, strides
 * 1-3, dilations 1-3 (never both above 1 on one axis: not a valid combination in this library), both
 * paddings, batch 1 and 3, and float64 (served by the TypeScript kernels through the same interface).
 *
 * Wide channel counts (36 to 517, not multiples of 4) exercise the channel-tiled forwards: 3x3 with
 * strides and dilations, and 5x5, 7x7, 7x5 and 2x4 windows at strides 1, 2, (1, 2) and 3 with 'same',
 * 'valid' and explicit asymmetric padding (the smaller channel counts of the window suite reach the same
 * path for windows of more than nine taps).
 *
 * Then the parallel convention: running each export over its work units split into several calls, in
 * any order, each with its own garbage-filled scratch block, must give bit-identical results.
 *
 * Skips (visibly) when dist/kernels/wasm/depthwise.wasm has not been built (`npm run build:wasm`).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DataFormat, DepthwiseConv2dParams } from '../../src/kernels/depthwise-conv2d/index.js';
import type { WasmBackend } from '../../src/kernels/wasm/index.js';
import { depthwiseConv2dSizes } from '../../src/kernels/depthwise-conv2d/index.js';
import {
  referenceDepthwiseConv2d,
  referenceDepthwiseConv2dBackwardBias,
  referenceDepthwiseConv2dBackwardInput,
  referenceDepthwiseConv2dBackwardKernel,
} from '../../src/kernels/depthwise-conv2d/reference.js';
import type { WasmArena } from '../../src/kernels/wasm/arena.js';
import type { FusedActivation, WasmDepthwiseConv2dKernels } from '../../src/kernels/wasm/depthwise-conv2d.js';
import { createWasmDepthwiseConv2dKernels } from '../../src/kernels/wasm/depthwise-conv2d.js';
import type { ParallelRunner } from '../../src/kernels/wasm/parallel.js';
import type { Tolerance } from '../helpers/close.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { caseName, product } from '../helpers/product.js';
import type { DepthwiseCase } from '../helpers/wasm-depthwise-cases.js';
import { resolveCase, withWasm } from '../helpers/wasm-depthwise-cases.js';

type Case = DepthwiseCase;
const resolve = resolveCase;
const span = (k: number, d: number): number => (k - 1) * d + 1;

function tolerance(terms: number): Tolerance {
  return { rtol: 2e-5, atol: 3e-7 * Math.max(4, terms) };
}

const nanArray = (n: number): Float32Array => new Float32Array(n).fill(Number.NaN);

const ACTIVATIONS: Record<FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  relu6: (v) => Math.min(Math.max(v, 0), 6),
};

/** Output channel of flat output index `i`. */
function outChannelAt(p: DepthwiseConv2dParams, i: number): number {
  const plane = p.dataFormat === 'channels_last' ? 1 : p.outHeight * p.outWidth;
  return Math.floor(i / plane) % p.outChannels;
}

/** Runs every kernel variant of `k` on one case and checks it against the reference. */
function checkAllVariants(
  k: WasmDepthwiseConv2dKernels,
  p: DepthwiseConv2dParams,
  seed: number,
  make: (values: Float64Array) => Float32Array | Float64Array,
  activation: FusedActivation,
): void {
  const sizes = depthwiseConv2dSizes(p);
  const rng = mulberry32(seed);
  const x = make(randomArray(sizes.input, rng));
  const kernel = make(randomArray(sizes.kernel, rng));
  const bias = make(randomArray(sizes.bias, rng));
  const scale = make(randomArray(sizes.bias, rng, 0.5, 2));
  const dy = make(randomArray(sizes.output, rng));
  const alloc = (n: number): Float32Array | Float64Array => make(new Float64Array(n).fill(Number.NaN));
  const taps = p.kernelHeight * p.kernelWidth;
  const pixels = p.batch * p.outHeight * p.outWidth;

  const out = alloc(sizes.output);
  k.forward(p, x, kernel, bias, out);
  const conv = referenceDepthwiseConv2d(p, x, kernel, null);
  const withBias = referenceDepthwiseConv2d(p, x, kernel, bias);
  assertAllClose(out, withBias, tolerance(taps), 'forward');

  const fused = alloc(sizes.output);
  k.forwardScaleShift(p, x, kernel, scale, bias, fused, activation);
  const f = ACTIVATIONS[activation];
  const expected = conv.map((v, i) => f(v * scale[outChannelAt(p, i)] + bias[outChannelAt(p, i)]));
  assertAllClose(fused, expected, tolerance(2 * taps), `forwardScaleShift ${activation}`);

  const scaled = alloc(sizes.output);
  k.forwardScaleShift(p, x, kernel, scale, null, scaled, 'linear');
  assertAllClose(scaled, conv.map((v, i) => v * scale[outChannelAt(p, i)]), tolerance(2 * taps), 'forwardScaleShift scale only');

  const dx = alloc(sizes.input);
  k.backwardInput(p, dy, kernel, dx);
  assertAllClose(dx, referenceDepthwiseConv2dBackwardInput(p, dy, kernel), tolerance(taps * p.depthMultiplier), 'backwardInput');

  const dk = alloc(sizes.kernel);
  k.backwardKernel(p, x, dy, dk);
  assertAllClose(dk, referenceDepthwiseConv2dBackwardKernel(p, x, dy), tolerance(pixels), 'backwardKernel');

  const db = alloc(sizes.bias);
  k.backwardBias(p, dy, db);
  assertAllClose(db, referenceDepthwiseConv2dBackwardBias(p, dy), tolerance(pixels), 'backwardBias');
}

const f32 = (v: Float64Array): Float32Array => Float32Array.from(v);
const f64 = (v: Float64Array): Float64Array => Float64Array.from(v);

const CHANNELS = [1, 3, 4, 5, 7, 8, 9, 16, 17] as const;
const FORMATS: readonly DataFormat[] = ['channels_last', 'channels_first'];
const ACTIVATION_NAMES: readonly FusedActivation[] = ['linear', 'relu', 'relu6'];
/** [N, H, W]: batch 1 and 3, width-1 and height-1 images, odd and even sizes. */
const IMAGES: ReadonlyArray<readonly [number, number, number]> = [
  [1, 7, 6],
  [3, 5, 1],
  [1, 1, 8],
  [3, 9, 10],
  [1, 6, 5],
];

/** Window geometry: every kernel size and shape against every stride / dilation pattern and padding. */
const windowCases = product({
  kernel: [[1, 1], [2, 2], [3, 3], [5, 5], [7, 7], [3, 5], [1, 7]] as const,
  sd: [
    { strides: [1, 1], dilation: [1, 1] },
    { strides: [2, 2], dilation: [1, 1] },
    { strides: [3, 3], dilation: [1, 1] },
    { strides: [2, 1], dilation: [1, 3] },
    { strides: [1, 1], dilation: [2, 2] },
    { strides: [1, 1], dilation: [3, 2] },
  ] as const,
  padding: ['same', 'valid'] as const,
});

describe('wasm depthwise conformance: windows (kernel size x stride/dilation x padding)', () => {
  windowCases.forEach((w, i) => {
    // Channels, dm, format, image and activation cycle with co-prime periods so that combinations vary.
    const ch = CHANNELS[i % CHANNELS.length];
    const dm = 1 + (i % 4);
    const dataFormat = FORMATS[i % 2 === 0 ? 0 : 1];
    const [n, h, wd] = IMAGES[i % IMAGES.length];
    const input: Case['input'] =
      w.padding === 'valid'
        ? [n, Math.max(h, span(w.kernel[0], w.sd.dilation[0])), Math.max(wd, span(w.kernel[1], w.sd.dilation[1])), ch]
        : [n, h, wd, ch];
    const c: Case = { input, kernel: w.kernel, strides: w.sd.strides, dilation: w.sd.dilation, dm, dataFormat, padding: w.padding };
    const activation = ACTIVATION_NAMES[i % 3];
    test(
      caseName({ input: c.input, k: c.kernel, s: c.strides, d: c.dilation, dm, pad: w.padding, fmt: dataFormat }),
      withWasm((b) => checkAllVariants(b.depthwiseConv2d, resolve(c), 100 + i, f32, activation)),
    );
  });
});

describe('wasm depthwise conformance: channels x depth multiplier x format', () => {
  const cases = product({ ch: CHANNELS, dm: [1, 2, 3, 4] as const, dataFormat: FORMATS });
  cases.forEach((c, i) => {
    const windows = [
      { kernel: [3, 3], strides: [1, 1], dilation: [1, 1] },
      { kernel: [3, 3], strides: [2, 2], dilation: [1, 1] },
      { kernel: [5, 5], strides: [1, 1], dilation: [1, 1] },
      { kernel: [3, 3], strides: [1, 1], dilation: [2, 2] },
    ] as const;
    const win = windows[i % windows.length];
    const [n, h, w] = IMAGES[i % IMAGES.length];
    const full: Case = { input: [n, h, w, c.ch], ...win, dm: c.dm, dataFormat: c.dataFormat, padding: 'same' };
    test(
      caseName({ ...c, input: full.input, k: win.kernel, s: win.strides, d: win.dilation }),
      withWasm((b) => checkAllVariants(b.depthwiseConv2d, resolve(full), 500 + i, f32, ACTIVATION_NAMES[i % 3])),
    );
  });
});

describe('wasm depthwise conformance: windows wholly in padding', () => {
  const cases = product({ ch: [1, 4, 5, 9] as const, dataFormat: FORMATS, kernel: [[3, 3], [2, 5]] as const });
  cases.forEach((c, i) => {
    const full: Case = {
      input: [1 + (i % 2) * 2, 3, 2, c.ch],
      kernel: c.kernel,
      strides: [1, 2],
      dilation: [1, 1],
      dm: 1 + (i % 3),
      dataFormat: c.dataFormat,
      padding: [4, 3, 6, 5],
    };
    test(
      caseName({ ...c, dm: full.dm, pad: full.padding }),
      withWasm((b) => checkAllVariants(b.depthwiseConv2d, resolve(full), 900 + i, f32, 'relu')),
    );
  });
});

describe('wasm depthwise conformance: MobileNet-like sizes (the blocked interior paths at length)', () => {
  const cases = product({
    shape: [
      [2, 16, 16, 32],
      [1, 15, 15, 24],
      [1, 7, 7, 64],
      [1, 12, 13, 20],
    ] as const,
    kernel: [[3, 3], [7, 7]] as const,
    stride: [1, 2] as const,
  });
  cases.forEach((c, i) => {
    const full: Case = {
      input: c.shape,
      kernel: c.kernel,
      strides: [c.stride, c.stride],
      dilation: [1, 1],
      dm: 1,
      dataFormat: 'channels_last',
      padding: 'same',
    };
    test(caseName(c), withWasm((b) => checkAllVariants(b.depthwiseConv2d, resolve(full), 1300 + i, f32, 'relu6')));
  });
});

describe('wasm depthwise conformance: float64 (TypeScript kernels behind the same interface)', () => {
  const cases = product({ dataFormat: FORMATS, dm: [1, 3] as const, strides: [[1, 1], [2, 1]] as const });
  cases.forEach((c, i) => {
    const full: Case = {
      input: [3, 5, 4, 5],
      kernel: [3, 2],
      strides: c.strides,
      dilation: [1, 1],
      dm: c.dm,
      dataFormat: c.dataFormat,
      padding: i % 2 === 0 ? 'same' : 'valid',
    };
    test(
      caseName(c),
      withWasm((b) => {
        b.depthwiseConv2d.resetStats();
        checkAllVariants(b.depthwiseConv2d, resolve(full), 1700 + i, f64, 'relu6');
        const stats = b.depthwiseConv2d.stats();
        assert.equal(stats.wasmCalls, 0, 'float64 never reaches the float32 wasm kernels');
        assert.ok(stats.typescriptCalls >= 6);
      }),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Range splitting
// ---------------------------------------------------------------------------------------------------

type ParallelExport = (...args: number[]) => void;

/**
 * A runner that calls each export over its units in `pieces` separate ranges, last range first, each
 * with its own scratch block filled with NaN bytes (so a kernel that reads scratch it did not write, or
 * shares state between ranges, shows up), like threads would.
 */
function splittingRunner(exports: WebAssembly.Exports, arena: WasmArena, pieces: number): ParallelRunner & { calls: number } {
  const runner = {
    threads: pieces,
    calls: 0,
    run(fn: string, args: readonly number[], units: number, options: { costPerUnit: number; scratchBytes?: number }): void {
      const bytes = options.scratchBytes ?? 0;
      const bounds: number[] = [];
      for (let i = 0; i <= pieces; i++) bounds.push(Math.round((units * i) / pieces));
      for (let i = pieces - 1; i >= 0; i--) {
        const [start, end] = [bounds[i], bounds[i + 1]];
        if (start === end) continue;
        const scratch = bytes > 0 ? arena.alloc(bytes, false) : 0;
        if (bytes > 0) new Uint8Array(arena.memory.buffer, scratch, bytes).fill(0xff);
        (exports[fn] as ParallelExport)(...args, start, end, scratch);
        runner.calls++;
        if (bytes > 0) arena.release(scratch);
      }
    },
  };
  return runner;
}

/**
 * Every kernel run over its units in 1, 2, 3 and 7 ranges (see `splittingRunner`) gives the same bits,
 * the splits really make more calls, and every output element is written.
 */
function assertSplitsAgree(b: WasmBackend, p: DepthwiseConv2dParams, seed: number): void {
  const sizes = depthwiseConv2dSizes(p);
  const rng = mulberry32(seed);
  const x = f32(randomArray(sizes.input, rng));
  const kernel = f32(randomArray(sizes.kernel, rng));
  const bias = f32(randomArray(sizes.bias, rng));
  const scale = f32(randomArray(sizes.bias, rng));
  const dy = f32(randomArray(sizes.output, rng));
  const exports = b.exports as unknown as WebAssembly.Exports;
  const results = [1, 2, 3, 7].map((pieces) => {
    const runner = splittingRunner(exports, b.arena, pieces);
    const k = createWasmDepthwiseConv2dKernels(b.exports, b.arena, runner);
    const out = nanArray(sizes.output);
    k.forwardScaleShift(p, x, kernel, scale, bias, out, 'relu6');
    const dx = nanArray(sizes.input);
    k.backwardInput(p, dy, kernel, dx);
    const dk = nanArray(sizes.kernel);
    k.backwardKernel(p, x, dy, dk);
    const db = nanArray(sizes.bias);
    k.backwardBias(p, dy, db);
    return { pieces, calls: runner.calls, out, dx, dk, db };
  });
  const [whole, ...split] = results;
  for (const r of split) {
    assert.ok(r.calls > whole.calls, `${r.pieces} pieces made more calls than one`);
    assert.deepEqual(r.out, whole.out, `forward, ${r.pieces} pieces`);
    assert.deepEqual(r.dx, whole.dx, `backwardInput, ${r.pieces} pieces`);
    assert.deepEqual(r.dk, whole.dk, `backwardKernel, ${r.pieces} pieces`);
    assert.deepEqual(r.db, whole.db, `backwardBias, ${r.pieces} pieces`);
  }
  for (const [name, values] of Object.entries({ out: whole.out, dx: whole.dx, dk: whole.dk, db: whole.db })) {
    assert.ok(values.every((v) => !Number.isNaN(v)), `${name}: every element written`);
  }
}


describe('wasm depthwise conformance: splitting work units across calls gives identical results', () => {
  const cases = product({
    window: [
      { kernel: [3, 3], strides: [1, 1], dilation: [1, 1] },
      { kernel: [3, 3], strides: [2, 2], dilation: [1, 1] },
      { kernel: [5, 3], strides: [1, 1], dilation: [2, 1] },
    ] as const,
    dm: [1, 2] as const,
    dataFormat: FORMATS,
  });
  cases.forEach((c, i) => {
    test(
      caseName(c),
      withWasm((b) => {
        const full: Case = { input: [3, 9, 7, 13], ...c.window, dm: c.dm, dataFormat: c.dataFormat, padding: 'same' };
        const p = resolve(full);
        assertSplitsAgree(b, p, 2100 + i);
      }),
    );
  });
});

describe('wasm depthwise: export checks', () => {
  test(
    'a module without a needed export, or with an older signature, is rejected by name',
    withWasm((b) => {
      const table = b.exports as unknown as Record<string, unknown>;
      const missing = { ...table, backwardKernelNhwc: undefined, memory: b.exports.memory };
      assert.throws(() => createWasmDepthwiseConv2dKernels(missing as never, b.arena), /missing export `backwardKernelNhwc`/);
      const stale = { ...table, memory: b.exports.memory, forwardNhwc: (a: number, c: number) => a + c };
      assert.throws(() => createWasmDepthwiseConv2dKernels(stale as never, b.arena), /`forwardNhwc` takes 2 arguments, expected 10/);
    }),
  );
});

// Many channels take other paths (channel tiles of up to 64, or 128 for a strided 3x3, with a 3-row ring
// in scratch, and a wide path for dilated windows): channel counts around the tile widths and not a
// multiple of 4.
describe('wasm depthwise conformance: wide channel counts (the channel-tiled paths)', () => {
  const cases = product({
    img: [[1, 7, 7], [2, 6, 5], [1, 14, 14]] as const,
    ch: [36, 68, 260, 517] as const,
    sd: [
      { strides: [1, 1], dilation: [1, 1] },
      { strides: [2, 2], dilation: [1, 1] },
      { strides: [2, 1], dilation: [1, 1] },
      { strides: [1, 1], dilation: [2, 1] },
    ] as const,
    padding: ['same', 'valid', [3, 1, 4, 2]] as const,
  }).filter((c) => {
    const [n, h, w] = c.img;
    try {
      const p = resolve({ input: [n, h, w, c.ch], kernel: [3, 3], ...c.sd, dm: 1, dataFormat: 'channels_last', padding: c.padding });
      return p.outHeight > 0 && p.outWidth > 0;
    } catch {
      return false; // e.g. a 'valid' window larger than the image
    }
  });
  cases.forEach((c, i) => {
    const [n, h, w] = c.img;
    test(caseName(c), withWasm((b) => {
      const p = resolve({ input: [n, h, w, c.ch], kernel: [3, 3], ...c.sd, dm: 1, dataFormat: i % 5 === 0 ? 'channels_first' : 'channels_last', padding: c.padding });
      checkAllVariants(b.depthwiseConv2d, p, 5000 + i, f32, ACTIVATION_NAMES[i % 3]);
    }));
  });
  for (const s of [1, 2]) {
    test(`split ranges are bit-identical with 264 channels, stride ${s}`, withWasm((b) => {
      const p = resolve({ input: [3, 9, 7, 264], kernel: [3, 3], strides: [s, s], dilation: [1, 1], dm: 1, dataFormat: 'channels_last', padding: 'same' });
      assertSplitsAgree(b, p, 77 + s);
    }));
  }
});

// Undilated windows other than 3x3 over many channels take the generic channel-tiled path (a ring of KH
// rows, sliding 4-pixel blocks for strides 1 and 2, per-tap loads for larger strides; even widths load a
// column past the window): channel counts around the tile width and not a multiple of 4.
describe('wasm depthwise conformance: wide channel counts, larger windows (the generic channel-tiled path)', () => {
  const IMGS = [[1, 9, 11], [2, 8, 7]] as const;
  const cases = product({
    ch: [36, 68, 130] as const,
    kernel: [[5, 5], [7, 7], [7, 5], [2, 4]] as const,
    strides: [[1, 1], [2, 2], [1, 2], [3, 3]] as const,
    padding: ['same', 'valid', [3, 1, 4, 2]] as const,
  })
    .map((c, i) => ({ img: IMGS[i % IMGS.length], ...c }))
    .filter((c) => {
      const [n, h, w] = c.img;
      try {
        const p = resolve({ input: [n, h, w, c.ch], kernel: c.kernel, strides: c.strides, dilation: [1, 1], dm: 1, dataFormat: 'channels_last', padding: c.padding });
        return p.outHeight > 0 && p.outWidth > 0;
      } catch {
        return false; // e.g. a 'valid' window larger than the image
      }
    });
  cases.forEach((c, i) => {
    const [n, h, w] = c.img;
    test(caseName(c), withWasm((b) => {
      const dataFormat = i % 5 === 0 ? 'channels_first' : 'channels_last';
      const p = resolve({ input: [n, h, w, c.ch], kernel: c.kernel, strides: c.strides, dilation: [1, 1], dm: 1, dataFormat, padding: c.padding });
      checkAllVariants(b.depthwiseConv2d, p, 6000 + i, f32, ACTIVATION_NAMES[i % 3]);
    }));
  });
  for (const [kernel, s] of [[[7, 7], 1], [[7, 7], 2], [[5, 4], 1]] as const) {
    test(`split ranges are bit-identical with 130 channels, kernel ${kernel.join('x')}, stride ${s}`, withWasm((b) => {
      const p = resolve({ input: [3, 9, 7, 130], kernel, strides: [s, s], dilation: [1, 1], dm: 1, dataFormat: 'channels_last', padding: 'same' });
      assertSplitsAgree(b, p, 91 + s);
    }));
  }
});
