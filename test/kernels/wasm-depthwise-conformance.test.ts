/**
 * Conformance suite for the WebAssembly depthwise kernels, driven by the kernel manifest: for every
 * depthwise entry (`src/kernels/wasm/manifest-depthwise.ts`), cases around its channel boundaries
 * (channels <, =, > each tile and threshold; width-1 images; windows wholly in padding) run every kernel
 * slot (forward, fused scale/shift + activation, input, kernel and bias gradients) against the naive
 * float64 reference, and the entry must be among the variants they selected; each entry's example selects
 * it, the predicates of each op never overlap, and at the end every entry must have been selected.
 *
 * Then the broad products: every window size against stride/dilation patterns and paddings, channel
 * counts around the SIMD width with depth multipliers 1-4 in both formats, windows wholly in padding,
 * MobileNet-like sizes, wide channel counts for the channel-tiled paths, and float64 (served by the
 * TypeScript kernels through the same interface). Last, the parallel convention: each slot run over its
 * work units split into several calls, in any order, each with its own garbage-filled scratch block,
 * gives bit-identical results.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { DataFormat } from '../../src/kernels/depthwise-conv2d/index.js';
import type { FusedActivation } from '../../src/kernels/wasm/depthwise-conv2d.js';
import { nhwcGeometry, transposedGeometry } from '../../src/kernels/wasm/depthwise-geometry.js';
import type { DepthwiseVariant } from '../../src/kernels/wasm/manifest.js';
import { variantsOf } from '../../src/kernels/wasm/manifest.js';
import { caseName, product } from '../helpers/product.js';
import { manifestOf, requireEveryVariantSelected, selectionsDuring, withWasm } from '../helpers/kernel-conformance.js';
import type { DepthwiseCase } from '../helpers/wasm-depthwise-cases.js';
import { assertDepthwiseSplitsAgree, casesAroundBoundaries, checkDepthwiseCase, resolveCase } from '../helpers/wasm-depthwise-cases.js';

type Case = DepthwiseCase;
const resolve = resolveCase;
const checkAllVariants = checkDepthwiseCase;
const span = (k: number, d: number): number => (k - 1) * d + 1;

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
        assertDepthwiseSplitsAgree(b, p, 2100 + i);
      }),
    );
  });
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
      assertDepthwiseSplitsAgree(b, p, 77 + s);
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
      assertDepthwiseSplitsAgree(b, p, 91 + s);
    }));
  }
});

// ---------------------------------------------------------------------------------------------------
// The manifest: every entry, around its boundaries
// ---------------------------------------------------------------------------------------------------

const DEPTHWISE = manifestOf('depthwise') as DepthwiseVariant[];
const OPS = ['forward', 'backwardInput', 'backwardKernel', 'backwardBias'] as const;

describe('wasm depthwise manifest: each entry around its channel boundaries', () => {
  DEPTHWISE.forEach((v, vi) => {
    for (const { channels, cases } of casesAroundBoundaries(v)) {
      test(`${v.name}: ${channels} channels (${v.path})`, withWasm((b) => {
        const selected = selectionsDuring(() => {
          cases.forEach((c, i) => checkAllVariants(b.depthwiseConv2d, resolve(c), 7000 + 97 * vi + 13 * channels + i, f32, ACTIVATION_NAMES[i % 3]));
        });
        // Around a boundary the neighbour takes over on one side: the entry must run exactly when its
        // predicate holds for a geometry the slots use (the stride-1 input gradient runs a forward entry
        // on the transposed geometry).
        const geometries = cases.flatMap((c) => {
          const p = resolve(c);
          return p.strideHeight === 1 && p.strideWidth === 1 ? [nhwcGeometry(p), transposedGeometry(p)] : [nhwcGeometry(p)];
        });
        const holds = geometries.some((g) => v.selects(g));
        assert.equal((selected.get(v.name) ?? 0) > 0, holds, `${v.name}: selected iff its predicate holds (selected: ${[...selected.keys()].join(', ')})`);
      }));
    }
  });

  test('each entry\'s example selects it (the first entry of its op whose predicate holds)', () => {
    for (const v of DEPTHWISE) {
      const e = v.example;
      const g = nhwcGeometry(resolve({ input: e.input, kernel: e.kernel, strides: e.strides, dilation: e.dilation, dm: e.depthMultiplier, dataFormat: e.dataFormat, padding: 'same' }));
      assert.ok(v.selects(g), `${v.name}: its example selects it`);
      if (v.op !== 'layout') assert.equal(variantsOf<DepthwiseVariant>('depthwise', v.op).find((w) => w.selects(g)), v, `${v.name}: first of its op`);
    }
  });

  test('exactly one entry of each op holds for every geometry of the suite (the predicates partition it)', () => {
    const geometries = DEPTHWISE.flatMap((v) => casesAroundBoundaries(v).flatMap((c) => c.cases)).flatMap((c) => {
      const p = resolve(c);
      return [nhwcGeometry(p), transposedGeometry(p)];
    });
    assert.ok(geometries.length > 300);
    for (const g of geometries) {
      for (const op of OPS) {
        const holding = variantsOf<DepthwiseVariant>('depthwise', op).filter((v) => v.selects(g));
        assert.equal(holding.length, 1, `${op} for ${JSON.stringify(g)}: ${holding.map((v) => v.name).join(', ')}`);
      }
    }
  });

  test('path codes are distinct and every export\'s entries carry a code exactly when the export has several paths', () => {
    const codes = DEPTHWISE.filter((v) => v.code !== null).map((v) => `${v.export}:${v.code}`);
    assert.equal(new Set(codes).size, codes.length);
    for (const name of ['forwardNhwc', 'backwardInputNhwc', 'backwardKernelNhwc'] as const) {
      const entries = DEPTHWISE.filter((v) => v.export === name && !(v.op === 'backwardInput' && name === 'forwardNhwc'));
      assert.ok(entries.length > 1 && entries.every((v) => v.code !== null), name);
    }
  });
});

requireEveryVariantSelected('depthwise');
