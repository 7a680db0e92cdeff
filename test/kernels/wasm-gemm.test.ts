/**
 * The WebAssembly SIMD GEMM (`assembly/gemm.ts`) and its wrappers (`src/kernels/wasm/gemm.ts`) against a
 * naive float64 reference: sizes around the 4×8 register tile, the 4-wide SIMD width and the K/N blocks
 * (K > 512, N > 128), both transpose flags, the few-rows path (B read in place), every epilogue, the
 * accumulate flag, row splits that must give bit-identical results, batched and broadcast matmul,
 * arrays inside and outside wasm memory, float64 delegation, and the conv2d pointwise slots (the other
 * conv2d entries: wasm-conv2d.test.ts).
 *
 * Skips (visibly) when dist/kernels/wasm/depthwise.wasm has not been built (`npm run build:wasm`).
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { after, before, describe, test } from 'node:test';

import type { FloatArray } from '../../src/engine/dtype.js';
import { ShapeError } from '../../src/errors.js';
import type { Conv2dParams } from '../../src/kernels/conv2d/index.js';
import { conv2dSizes, resolveConv2dParams, typescriptConv2dKernels } from '../../src/kernels/conv2d/index.js';
import {
  referenceConv2d,
  referenceConv2dBackwardBias,
  referenceConv2dBackwardInput,
  referenceConv2dBackwardKernel,
} from '../../src/kernels/conv2d/reference.js';
import { resolveMatmulParams } from '../../src/kernels/matmul/index.js';
import { referenceMatmul } from '../../src/kernels/matmul/reference.js';
import type { WasmArena } from '../../src/kernels/wasm/arena.js';
import type { FusedActivation } from '../../src/kernels/wasm/depthwise-conv2d.js';
import type { KernelExports } from '../../src/kernels/wasm/generated/exports.js';
import { createWasmConv2dKernels, isPointwiseNhwc } from '../../src/kernels/wasm/conv2d.js';
import { createWasmMatmulKernels } from '../../src/kernels/wasm/gemm.js';
import type { GemmVariant } from '../../src/kernels/wasm/manifest.js';
import { usesDirectB, variantsOf } from '../../src/kernels/wasm/manifest.js';
import { createThreadPool } from '../../src/kernels/wasm/thread-pool.js';
import { serialRunner } from '../../src/kernels/wasm/parallel.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { around, bits, float32Tolerance, requireEveryVariantSelected, residentBlock, selectionsDuring, splittingRunner, wasmBackend, wasmModule } from '../helpers/kernel-conformance.js';
import { tolerance } from '../helpers/kernel-arrays.js';

interface Env {
  wasm: KernelExports;
  arena: WasmArena;
}

function withWasm(body: (env: Env, t: TestContext) => void): (t: TestContext) => void {
  return (t) => {
    const b = wasmBackend();
    body({ wasm: b.exports, arena: b.arena }, t);
  };
}

const resident = residentBlock;

const ACTS: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 };

function activate(v: number, act: number): number {
  if (act === 1) return Math.max(v, 0);
  if (act === 2) return Math.min(Math.max(v, 0), 6);
  return v;
}

interface GemmCase {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

/** Naive float64 `act((c0 + op(A)·op(B)) * scale + shift)` on dense (unpadded) storage. */
function naiveGemm(
  c: GemmCase,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  scale: ArrayLike<number> | null,
  shift: ArrayLike<number> | null,
  act: number,
  c0: ArrayLike<number> | null,
): Float64Array {
  const { m, n, k, transA, transB } = c;
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = c0 === null ? 0 : c0[i * n + j];
      for (let q = 0; q < k; q++) {
        s += (transA ? a[q * m + i] : a[i * k + q]) * (transB ? b[j * k + q] : b[q * n + j]);
      }
      out[i * n + j] = activate(s * (scale === null ? 1 : scale[j]) + (shift === null ? 0 : shift[j]), act);
    }
  }
  return out;
}

/** Σ|products| per output element would be exact; |values| ≤ 1 so `k` bounds it. */
function gemmTolerance(k: number) {
  return tolerance('float32', k + 2);
}

interface RawRun {
  out: Float32Array;
  expected: Float64Array;
}

/**
 * Calls `gemmF32` directly on dense storage over the given row ranges (`splits`: the boundaries between
 * consecutive calls), each with its own scratch block, and returns C and the float64 reference.
 */
function runRaw(
  env: Env,
  c: GemmCase,
  seed: number,
  opts: { scale?: boolean; shift?: boolean; act?: number; accumulate?: boolean; splits?: readonly number[]; byColumns?: boolean } = {},
): RawRun {
  const { m, n, k, transA, transB } = c;
  const rng = mulberry32(seed);
  const av = Float32Array.from(randomArray(m * k, rng));
  const bv = Float32Array.from(randomArray(k * n, rng));
  const sv = opts.scale === true ? Float32Array.from(randomArray(n, rng, 0.5, 2)) : null;
  const hv = opts.shift === true ? Float32Array.from(randomArray(n, rng)) : null;
  const c0 = opts.accumulate === true ? Float32Array.from(randomArray(m * n, rng)) : null;
  const act = opts.act ?? 0;
  const A = resident(env.arena, av);
  const B = resident(env.arena, bv);
  const S = sv === null ? null : resident(env.arena, sv);
  const H = hv === null ? null : resident(env.arena, hv);
  const C = resident(env.arena, c0 ?? new Float32Array(m * n).fill(Number.NaN));
  // The manifest's choice for this product (B read in place or packed), as the wrappers make it.
  const direct = usesDirectB(c) ? 1 : 0;
  const bytes = env.wasm.gemmScratchBytes(n, k, direct);
  // Units: rows of C, or 8-column panels for gemmF32Cols.
  const bounds = [0, ...(opts.splits ?? []), opts.byColumns === true ? Math.ceil(n / 8) : m];
  const fn = opts.byColumns === true ? env.wasm.gemmF32Cols : env.wasm.gemmF32;
  for (let s = 0; s + 1 < bounds.length; s++) {
    const scratch = env.arena.alloc(bytes, false);
    new Uint8Array(env.arena.buffer(), scratch, bytes).fill(0xff); // garbage, which the kernel must not read
    fn(
      A.ptr, transA ? m : k, transA ? 1 : 0,
      B.ptr, transB ? k : n, transB ? 1 : 0,
      C.ptr, n,
      m, n, k,
      S?.ptr ?? 0, H?.ptr ?? 0, act, c0 === null ? 0 : 1, direct,
      bounds[s], bounds[s + 1], scratch,
    );
    env.arena.release(scratch);
  }
  const out = Float32Array.from(new Float32Array(env.arena.buffer(), C.ptr, m * n));
  for (const x of [A, B, S, H, C]) x?.free();
  return { out, expected: naiveGemm(c, av, bv, sv, hv, act, c0) };
}

// m < 4 (or m < 16 with n >= 128) with B untransposed takes the few-rows path; transB = true always
// takes the tiled path.
const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 18, 19, 33];
const K_SIZES = [1, 2, 3, 4, 5, 8, 9, 17, 33];
const TRANSPOSES = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

describe('wasm gemmF32: sizes around the tiles', () => {
  for (const [transA, transB] of TRANSPOSES) {
    test(
      `every m, n in {${SIZES.join(',')}} × k in {${K_SIZES.join(',')}}, transA=${transA} transB=${transB}`,
      withWasm((env) => {
        let seed = 1;
        for (const m of SIZES) {
          for (const n of SIZES) {
            for (const k of K_SIZES) {
              const c = { m, n, k, transA, transB };
              const { out, expected } = runRaw(env, c, seed++);
              assertAllClose(out, expected, gemmTolerance(k), `m=${m} n=${n} k=${k}`);
            }
          }
        }
      }),
    );
  }

  // Past the K block (512: partial sums go through C) and the N block (128), and the tiled path's
  // leftover rows with both edge kinds at once.
  const LARGE: readonly [number, number, number][] = [
    [67, 130, 257],
    [67, 130, 1100],
    [9, 260, 600],
    [22, 260, 600],
    [3, 140, 1030],
    [1, 1000, 1024],
    [130, 3, 7],
  ];
  for (const [m, n, k] of LARGE) {
    for (const [transA, transB] of TRANSPOSES) {
      test(
        `m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`,
        withWasm((env) => {
          const { out, expected } = runRaw(env, { m, n, k, transA, transB }, m * 7 + k);
          assertAllClose(out, expected, gemmTolerance(k));
        }),
      );
    }
  }

  test(
    'k = 0 gives the epilogue of zero; n = 0 and an empty range write nothing',
    withWasm((env) => {
      const { out, expected } = runRaw(env, { m: 5, n: 9, k: 0, transA: false, transB: false }, 3, { shift: true, act: 1 });
      assertAllClose(out, expected, { rtol: 0, atol: 0 });
      const C = resident(env.arena, [7, 7, 7]);
      const scratch = env.arena.alloc(env.wasm.gemmScratchBytes(1, 4, 1), false);
      env.wasm.gemmF32(0, 4, 0, 0, 1, 0, C.ptr, 1, 3, 1, 4, 0, 0, 0, 0, 1, 2, 2, scratch);
      env.wasm.gemmF32(0, 4, 0, 0, 0, 0, C.ptr, 0, 3, 0, 4, 0, 0, 0, 0, 1, 0, 3, scratch);
      assert.deepEqual([...C.array], [7, 7, 7]);
      env.arena.release(scratch);
      C.free();
    }),
  );
});

describe('wasm gemmF32: epilogue and accumulate', () => {
  // m = 3 takes the few-rows path (B read in place, unless transposed); m = 21 the tiled path with a
  // leftover row; n = 19 ends in a partial panel.
  for (const m of [3, 21]) {
    for (const transB of [false, true]) {
      for (const scale of [false, true]) {
        for (const shift of [false, true]) {
          for (const act of [0, 1, 2]) {
            test(
              `m=${m} transB=${transB} scale=${scale} shift=${shift} act=${act}`,
              withWasm((env) => {
                const c = { m, n: 19, k: 37, transA: false, transB };
                const { out, expected } = runRaw(env, c, 11 + act, { scale, shift, act });
                assertAllClose(out, expected, gemmTolerance(37));
              }),
            );
          }
        }
      }
    }
  }

  for (const m of [2, 21]) {
    test(
      `a NaN in A stays NaN through relu and relu6 (m=${m})`,
      withWasm((env) => {
        const n = 11;
        const k = 5;
        const A = resident(env.arena, Float32Array.from(randomArray(m * k, mulberry32(2))).fill(Number.NaN, k, k + 1));
        const B = resident(env.arena, Float32Array.from(randomArray(k * n, mulberry32(3))));
        const C = resident(env.arena, new Float32Array(m * n));
        const direct = usesDirectB({ m, n, k, transA: false, transB: false }) ? 1 : 0;
        const scratch = env.arena.alloc(env.wasm.gemmScratchBytes(n, k, direct), false);
        for (const act of [1, 2]) {
          env.wasm.gemmF32(A.ptr, k, 0, B.ptr, n, 0, C.ptr, n, m, n, k, 0, 0, act, 0, direct, 0, m, scratch);
          const row1 = [...C.array.subarray(n, 2 * n)];
          assert.ok(row1.every(Number.isNaN), `act=${act}: row 1 ${row1.join(',')}`);
          assert.ok([...C.array.subarray(0, n)].every((v) => v >= 0 && v <= (act === 2 ? 6 : Infinity)), `act=${act}: row 0`);
        }
        env.arena.release(scratch);
        for (const x of [A, B, C]) x.free();
      }),
    );
  }

  for (const [m, k] of [
    [2, 21],
    [21, 21],
    [21, 700],
  ] as const) {
    test(
      `accumulate adds to C before the epilogue (m=${m} k=${k})`,
      withWasm((env) => {
        const c = { m, n: 19, k, transA: true, transB: false };
        const { out, expected } = runRaw(env, c, 5, { accumulate: true, scale: true, shift: true, act: 2 });
        assertAllClose(out, expected, gemmTolerance(k));
      }),
    );
  }
});

describe('wasm gemmF32 / gemmF32Cols: row and column splits are bit-identical', () => {
  const CASES: readonly [number, number, number][] = [
    [2, 19, 37],
    [7, 40, 9],
    [13, 40, 9],
    [9, 130, 40],
    [23, 19, 37],
    [29, 130, 600],
  ];
  for (const [m, n, k] of CASES) {
    for (const [transA, transB] of TRANSPOSES) {
      test(
        `m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`,
        withWasm((env) => {
          const c = { m, n, k, transA, transB };
          const opts = { scale: true, shift: true, act: 1 };
          const whole = runRaw(env, c, 9, opts).out;
          const splits = [[1], [Math.floor(m / 2)], [1, 2, 3, 6].filter((s) => s < m), [m - 1]];
          for (const split of splits) {
            const parts = runRaw(env, c, 9, { ...opts, splits: split }).out;
            assert.deepEqual(new Uint32Array(parts.buffer), new Uint32Array(whole.buffer), `splits at ${split.join(',')}`);
          }
          const panels = Math.ceil(n / 8);
          for (const split of [[], [1], [Math.floor(panels / 2)], [1, 2, 3].filter((x) => x < panels)]) {
            const parts = runRaw(env, c, 9, { ...opts, splits: split, byColumns: true }).out;
            assert.deepEqual(new Uint32Array(parts.buffer), new Uint32Array(whole.buffer), `column panels split at ${split.join(',')}`);
          }
        }),
      );
    }
  }
});

describe('wasm matmul kernels', () => {
  const SHAPES: readonly { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [5, 7], b: [7, 6], transposeA: false, transposeB: false },
    { a: [2, 1, 5, 7], b: [3, 7, 6], transposeA: false, transposeB: false },
    { a: [3, 7, 5], b: [6, 7], transposeA: true, transposeB: true },
    { a: [4, 9, 17], b: [1, 33, 17], transposeA: false, transposeB: true },
    { a: [2, 13, 3], b: [2, 13, 10], transposeA: true, transposeB: false },
    { a: [1, 40], b: [40, 1000], transposeA: false, transposeB: false },
  ];
  for (const s of SHAPES) {
    const name = `a=${s.a.join('x')}${s.transposeA ? 'ᵀ' : ''} b=${s.b.join('x')}${s.transposeB ? 'ᵀ' : ''}`;
    test(
      `${name} against the reference, resident and copied, serial and split`,
      withWasm((env) => {
        const p = resolveMatmulParams(s.a, s.b, s);
        const rng = mulberry32(21);
        const av = Float32Array.from(randomArray(s.a.reduce((x, y) => x * y), rng));
        const bv = Float32Array.from(randomArray(s.b.reduce((x, y) => x * y), rng));
        const ref = referenceMatmul(av, s.a, bv, s.b, s.transposeA, s.transposeB).values;
        const tol = gemmTolerance(p.k);

        // Copied: plain arrays outside wasm memory.
        const serial = createWasmMatmulKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
        const out = new Float32Array(ref.length).fill(Number.NaN);
        serial.forward(p, av, bv, out);
        assertAllClose(out, ref, tol, 'copied');
        assert.deepEqual(serial.stats(), { wasmCalls: 1, typescriptCalls: 0, zeroCopyArguments: 0, copiedArguments: 3, copiedBytes: 4 * (av.length + bv.length + out.length) });

        // Resident, through a runner that splits the rows: bit-identical to the serial result.
        const runner = splittingRunner(env.arena, 3);
        const split = createWasmMatmulKernels(env.wasm, env.arena, runner);
        const A = resident(env.arena, av);
        const B = resident(env.arena, bv);
        const O = resident(env.arena, new Float32Array(ref.length).fill(Number.NaN));
        split.forward(p, A.array, B.array, O.array);
        assert.deepEqual(new Uint32Array(Float32Array.from(O.array).buffer), new Uint32Array(out.buffer));
        assert.equal(split.stats().zeroCopyArguments, 3);
        assert.equal(split.stats().copiedArguments, 0);
        assert.ok(runner.calls >= p.aOffsets.length, 'the runner was used');
        for (const x of [A, B, O]) x.free();

        // float64 goes to the TypeScript kernel.
        const out64 = new Float64Array(ref.length).fill(Number.NaN);
        serial.forward(p, Float64Array.from(av), Float64Array.from(bv), out64);
        assertAllClose(out64, ref, tolerance('float64', p.k));
        assert.equal(serial.stats().typescriptCalls, 1);
      }),
    );
  }

  test(
    'forwardFused applies scale, shift and activation per column; float64 the same via TypeScript',
    withWasm((env) => {
      const p = resolveMatmulParams([2, 6, 11], [11, 10], { transposeA: false, transposeB: false });
      const rng = mulberry32(4);
      const av = Float32Array.from(randomArray(2 * 6 * 11, rng));
      const bv = Float32Array.from(randomArray(11 * 10, rng));
      const sv = Float32Array.from(randomArray(10, rng));
      const hv = Float32Array.from(randomArray(10, rng));
      const kernels = createWasmMatmulKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
      // Scale ×6 so relu6 clips something.
      const s6 = sv.map((v) => v * 6);
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        const ref = referenceMatmul(av, [2, 6, 11], bv, [11, 10], false, false).values.map((v, i) => activate(v * s6[i % 10] + hv[i % 10], ACTS[activation]));
        const out = new Float32Array(120);
        kernels.forwardFused(p, av, bv, s6, hv, out, activation);
        assertAllClose(out, ref, gemmTolerance(11 * 6), activation);
        const out64 = new Float64Array(120);
        kernels.forwardFused(p, Float64Array.from(av), Float64Array.from(bv), Float64Array.from(s6), Float64Array.from(hv), out64, activation);
        assertAllClose(out64, ref, tolerance('float64', 66), `${activation} float64`);
      }
    }),
  );

  test(
    'wrong lengths and an output overlapping an input are rejected by name',
    withWasm((env) => {
      const kernels = createWasmMatmulKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
      const p = resolveMatmulParams([3, 4], [4, 5], { transposeA: false, transposeB: false });
      assert.throws(() => kernels.forward(p, new Float32Array(12), new Float32Array(20), new Float32Array(14)), /`out` has 14/);
      assert.throws(() => kernels.forward(p, new Float32Array(11), new Float32Array(20), new Float32Array(15)), /`a` has 11/);
      assert.throws(() => kernels.forward(p, new Float32Array(12), new Float32Array(19), new Float32Array(15)), /`b` has 19/);
      assert.throws(() => kernels.forwardFused(p, new Float32Array(12), new Float32Array(20), new Float32Array(4), null, new Float32Array(15), 'relu'), /`scale` has 4/);
      const block = resident(env.arena, new Float32Array(40));
      const a = block.array.subarray(0, 12);
      const out = block.array.subarray(10, 25);
      assert.throws(() => kernels.forward(p, a, new Float32Array(20), out), ShapeError);
      block.free();
    }),
  );
});

function pointwiseParams(input: readonly number[], filters: number, dataFormat: 'channels_last' | 'channels_first' = 'channels_last'): Conv2dParams {
  const channels = dataFormat === 'channels_last' ? input[3] : input[1];
  return resolveConv2dParams(input, [1, 1, channels, filters], { strides: [1, 1], dilationRate: [1, 1], padding: 'valid', dataFormat });
}

describe('wasm conv2d kernels: pointwise through the GEMM', () => {
  const GEOMETRIES: readonly [number[], number][] = [
    [[1, 1, 1, 1], 1],
    [[2, 3, 5, 7], 9],
    [[1, 7, 7, 17], 33],
    [[3, 4, 6, 16], 5],
    [[1, 14, 14, 64], 40],
  ];
  for (const [input, filters] of GEOMETRIES) {
    test(
      `input ${input.join('x')} → ${filters} filters: forward, backwardInput, backwardKernel, backwardBias`,
      withWasm((env) => {
        const p = pointwiseParams(input, filters);
        assert.ok(isPointwiseNhwc(p));
        const sizes = conv2dSizes(p);
        const rng = mulberry32(input.reduce((x, y) => x * y) + filters);
        const x = Float32Array.from(randomArray(sizes.input, rng));
        const kernel = Float32Array.from(randomArray(sizes.kernel, rng));
        const bias = Float32Array.from(randomArray(sizes.bias, rng));
        const dy = Float32Array.from(randomArray(sizes.output, rng));
        const conv = createWasmConv2dKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
        const pixels = p.batch * p.outHeight * p.outWidth;

        for (const b of [null, bias]) {
          const out = new Float32Array(sizes.output).fill(Number.NaN);
          conv.forward(p, x, kernel, b, out);
          assertAllClose(out, referenceConv2d(p, x, kernel, b), gemmTolerance(p.inChannels), `forward bias=${b !== null}`);
        }
        const dx = new Float32Array(sizes.input).fill(Number.NaN);
        conv.backwardInput(p, dy, kernel, dx);
        assertAllClose(dx, referenceConv2dBackwardInput(p, dy, kernel), gemmTolerance(filters), 'backwardInput');
        const dk = new Float32Array(sizes.kernel).fill(Number.NaN);
        conv.backwardKernel(p, x, dy, dk);
        assertAllClose(dk, referenceConv2dBackwardKernel(p, x, dy), gemmTolerance(pixels), 'backwardKernel');
        const db = new Float32Array(sizes.bias).fill(Number.NaN);
        conv.backwardBias(p, dy, db);
        assertAllClose(db, referenceConv2dBackwardBias(p, dy), gemmTolerance(pixels), 'backwardBias');
        assert.deepEqual(conv.stats().typescriptCalls, 0);
        assert.equal(conv.stats().wasmCalls, 5);
      }),
    );
  }

  test(
    'forwardFused: scale and shift per filter, each activation, resident arrays passed in place',
    withWasm((env) => {
      const p = pointwiseParams([2, 5, 3, 12], 19);
      const sizes = conv2dSizes(p);
      const rng = mulberry32(77);
      const conv = createWasmConv2dKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
      const X = resident(env.arena, randomArray(sizes.input, rng));
      const K = resident(env.arena, randomArray(sizes.kernel, rng));
      const S = resident(env.arena, randomArray(19, rng, 1, 8));
      const H = resident(env.arena, randomArray(19, rng));
      const O = resident(env.arena, new Float32Array(sizes.output));
      const raw = referenceConv2d(p, X.array, K.array, null);
      for (const activation of ['linear', 'relu', 'relu6'] as const) {
        for (const [scale, shift] of [
          [null, null],
          [S.array, null],
          [null, H.array],
          [S.array, H.array],
        ] as const) {
          O.array.fill(Number.NaN);
          conv.forwardFused(p, X.array, K.array, scale, shift, O.array, activation);
          const expected = raw.map((v, i) => activate(v * (scale === null ? 1 : scale[i % 19]) + (shift === null ? 0 : shift[i % 19]), ACTS[activation]));
          assertAllClose(O.array, expected, gemmTolerance(12 * 8), `${activation} scale=${scale !== null} shift=${shift !== null}`);
        }
      }
      assert.equal(conv.stats().copiedArguments, 0);
      assert.ok(conv.stats().zeroCopyArguments > 0);
      for (const r of [X, K, S, H, O]) r.free();
    }),
  );

  test(
    'a general channels_last convolution runs every slot in WebAssembly; grouped, channels_first and float64 ones go to the TypeScript kernels',
    withWasm((env) => {
      const conv = createWasmConv2dKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
      const rng = mulberry32(8);
      const cases: { p: Conv2dParams; dtype: 'float32' | 'float64'; forwardInWasm: boolean }[] = [
        { p: resolveConv2dParams([1, 6, 6, 3], [3, 3, 3, 4], { strides: [2, 2], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' }), dtype: 'float32', forwardInWasm: true },
        { p: resolveConv2dParams([1, 5, 5, 4], [3, 3, 2, 6], { strides: [1, 1], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last', groups: 2 }), dtype: 'float32', forwardInWasm: false },
        { p: pointwiseParams([1, 4, 3, 3], 5, 'channels_first'), dtype: 'float32', forwardInWasm: false },
        { p: pointwiseParams([1, 3, 3, 4], 5), dtype: 'float64', forwardInWasm: false },
      ];
      for (const { p, dtype, forwardInWasm } of cases) {
        conv.resetStats();
        const sizes = conv2dSizes(p);
        const make = (n: number): FloatArray => (dtype === 'float32' ? Float32Array.from(randomArray(n, rng)) : randomArray(n, rng));
        const x = make(sizes.input);
        const kernel = make(sizes.kernel);
        const shift = make(sizes.bias);
        const dy = make(sizes.output);
        const scale = make(sizes.bias);
        const like = (n: number): FloatArray => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
        const tol = dtype === 'float32' ? gemmTolerance(27) : tolerance('float64', 27);
        const o1 = like(sizes.output);
        conv.forward(p, x, kernel, shift, o1);
        assertAllClose(o1, referenceConv2d(p, x, kernel, shift), tol);
        conv.forwardFused(p, x, kernel, scale, shift, o1, 'relu');
        const plane = p.outHeight * p.outWidth;
        const channel = (i: number) => (p.dataFormat === 'channels_last' ? i % p.outChannels : Math.floor(i / plane) % p.outChannels);
        const ref = referenceConv2d(p, x, kernel, null).map((v, i) => Math.max(v * scale[channel(i)] + shift[channel(i)], 0));
        assertAllClose(o1, ref, tol);
        const [d1, d2] = [like(sizes.input), like(sizes.input)];
        conv.backwardInput(p, dy, kernel, d1);
        typescriptConv2dKernels.backwardInput(p, dy, kernel, d2);
        if (forwardInWasm) assertAllClose(d1, referenceConv2dBackwardInput(p, dy, kernel), tol);
        else assert.deepEqual(d1, d2, 'the TypeScript kernel itself');
        const k1 = like(sizes.kernel);
        conv.backwardKernel(p, x, dy, k1);
        assertAllClose(k1, referenceConv2dBackwardKernel(p, x, dy), tol);
        assert.deepEqual([conv.stats().wasmCalls, conv.stats().typescriptCalls], forwardInWasm ? [4, 0] : [0, 4]);
      }
    }),
  );

  test(
    'wrong buffer lengths name the argument',
    withWasm((env) => {
      const conv = createWasmConv2dKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
      const p = pointwiseParams([1, 2, 2, 3], 4);
      assert.throws(() => conv.forward(p, new Float32Array(11), new Float32Array(12), null, new Float32Array(16)), /`x` has 11/);
      assert.throws(() => conv.forwardFused(p, new Float32Array(12), new Float32Array(12), null, new Float32Array(3), new Float32Array(16), 'relu'), /`shift` has 3/);
      assert.throws(() => conv.backwardKernel(p, new Float32Array(12), new Float32Array(16), new Float32Array(13)), /`dkernel` has 13/);
    }),
  );
});

describe('wasm conv2d kernels: general channels_last forward and kernel gradient over im2col rows', () => {
  interface GeneralCase {
    input: readonly [number, number, number, number];
    kernel: readonly [number, number];
    filters: number;
    strides: readonly [number, number];
    dilation: readonly [number, number];
    padding: 'same' | 'valid' | readonly [readonly [number, number], readonly [number, number]];
  }
  const CASES: readonly GeneralCase[] = [
    // MobileNet's first layer, scaled down: 3×3 stride 2 'same' (TensorFlow pads bottom/right only).
    { input: [1, 16, 16, 3], kernel: [3, 3], filters: 32, strides: [2, 2], dilation: [1, 1], padding: 'same' },
    { input: [2, 7, 9, 5], kernel: [3, 3], filters: 9, strides: [1, 1], dilation: [1, 1], padding: 'same' },
    { input: [1, 9, 8, 4], kernel: [5, 5], filters: 17, strides: [1, 2], dilation: [2, 1], padding: 'same' },
    { input: [1, 6, 6, 7], kernel: [1, 1], filters: 8, strides: [2, 2], dilation: [1, 1], padding: 'valid' },
    { input: [1, 1, 6, 3], kernel: [1, 3], filters: 1, strides: [1, 1], dilation: [1, 1], padding: 'valid' },
    { input: [1, 4, 4, 2], kernel: [3, 3], filters: 3, strides: [1, 1], dilation: [1, 1], padding: [[3, 2], [1, 4]] },
    // Patch 9·60 = 540 > 512: the K block ends inside a tap's channels.
    { input: [1, 5, 6, 60], kernel: [3, 3], filters: 12, strides: [1, 1], dilation: [1, 1], padding: 'same' },
    // More pixels than one im2col chunk (64) and more filters than one N block (128).
    { input: [2, 12, 11, 3], kernel: [3, 3], filters: 130, strides: [1, 1], dilation: [1, 1], padding: 'same' },
    // Kernel gradient: more pixels (1250) than one pixel block (512 for a 27-column patch; 16 for 5·5·200).
    { input: [2, 25, 25, 3], kernel: [3, 3], filters: 8, strides: [1, 1], dilation: [1, 1], padding: 'same' },
    { input: [1, 5, 7, 200], kernel: [5, 5], filters: 6, strides: [1, 1], dilation: [1, 1], padding: 'same' },
  ];
  for (const c of CASES) {
    test(
      `input ${c.input.join('x')} kernel ${c.kernel.join('x')} filters ${c.filters} strides ${c.strides.join('x')} dilation ${c.dilation.join('x')} padding ${JSON.stringify(c.padding)}`,
      withWasm((env) => {
        const p = resolveConv2dParams(c.input, [c.kernel[0], c.kernel[1], c.input[3], c.filters], {
          strides: c.strides,
          dilationRate: c.dilation,
          padding: c.padding,
          dataFormat: 'channels_last',
        });
        const sizes = conv2dSizes(p);
        const rng = mulberry32(sizes.input + c.filters);
        const x = Float32Array.from(randomArray(sizes.input, rng));
        const kernel = Float32Array.from(randomArray(sizes.kernel, rng));
        const bias = Float32Array.from(randomArray(sizes.bias, rng));
        const scale = Float32Array.from(randomArray(sizes.bias, rng, 0.5, 4));
        const patch = c.kernel[0] * c.kernel[1] * c.input[3];
        const serial = createWasmConv2dKernels(env.wasm, env.arena, serialRunner(env.wasm, env.arena));
        const out = new Float32Array(sizes.output).fill(Number.NaN);
        serial.forward(p, x, kernel, bias, out);
        assertAllClose(out, referenceConv2d(p, x, kernel, bias), gemmTolerance(patch), 'forward');
        assert.equal(serial.stats().wasmCalls, 1);

        const raw = referenceConv2d(p, x, kernel, null);
        const expected = raw.map((v, i) => activate(v * scale[i % c.filters] + bias[i % c.filters], 2));
        serial.forwardFused(p, x, kernel, scale, bias, out, 'relu6');
        assertAllClose(out, expected, gemmTolerance(patch * 4), 'forwardFused relu6');

        const split = createWasmConv2dKernels(env.wasm, env.arena, splittingRunner(env.arena, 3));
        const parts = new Float32Array(sizes.output).fill(Number.NaN);
        split.forwardFused(p, x, kernel, scale, bias, parts, 'relu6');
        assert.deepEqual(new Uint32Array(parts.buffer), new Uint32Array(out.buffer), 'split rows are bit-identical');

        const dy = Float32Array.from(randomArray(sizes.output, rng));
        const dk = new Float32Array(sizes.kernel).fill(Number.NaN);
        serial.backwardKernel(p, x, dy, dk);
        assertAllClose(dk, referenceConv2dBackwardKernel(p, x, dy), gemmTolerance(sizes.output / c.filters), 'backwardKernel');
        const dkParts = new Float32Array(sizes.kernel).fill(Number.NaN);
        split.backwardKernel(p, x, dy, dkParts);
        assert.deepEqual(new Uint32Array(dkParts.buffer), new Uint32Array(dk.buffer), 'backwardKernel: split rows are bit-identical');
        assert.equal(serial.stats().typescriptCalls, 0);
      }),
    );
  }
});

describe('wasm GEMM kernels on real threads (shared memory)', () => {
  let pool: ReturnType<typeof createThreadPool> | null = null;
  before(async () => {
    const loaded = wasmModule();
    if (!loaded.shared) return;
    // Threshold 0: every job of two or more units is split, however small.
    pool = createThreadPool({ module: loaded.module, memory: loaded.memory, exports: loaded.exports, arena: wasmBackend().arena, threads: 2, serialThreshold: 0 });
    const deadline = Date.now() + 20_000;
    while (pool.stats().readyWorkers < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  });
  after(() => pool?.terminate());

  test(
    'matmul, pointwise and im2col convolutions split over two threads match the serial results bit for bit',
    withWasm((env) => {
      // Node always has shared memory and worker_threads: a pool without a ready worker is a failure.
      assert.ok(pool !== null && pool.stats().readyWorkers >= 1, 'a worker thread started within 20 s');
      const serial = serialRunner(env.wasm, env.arena);
      const rng = mulberry32(99);
      const bits = (x: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(x).buffer);
      for (let round = 0; round < 3; round++) {
        const p = resolveMatmulParams([2, 67, 130], [130, 259], { transposeA: false, transposeB: false });
        const A = resident(env.arena, randomArray(2 * 67 * 130, rng));
        const B = resident(env.arena, randomArray(130 * 259, rng));
        const O1 = resident(env.arena, new Float32Array(2 * 67 * 259));
        const O2 = resident(env.arena, new Float32Array(2 * 67 * 259));
        createWasmMatmulKernels(env.wasm, env.arena, serial).forward(p, A.array, B.array, O1.array);
        createWasmMatmulKernels(env.wasm, env.arena, pool).forward(p, A.array, B.array, O2.array);
        assert.deepEqual(bits(O2.array), bits(O1.array), 'matmul');
        for (const x of [A, B, O1, O2]) x.free();

        for (const [kernel, strides] of [
          [1, 1],
          [3, 2],
        ] as const) {
          const cp = resolveConv2dParams([2, 23, 19, 24], [kernel, kernel, 24, 40], { strides: [strides, strides], dilationRate: [1, 1], padding: 'same', dataFormat: 'channels_last' });
          const sizes = conv2dSizes(cp);
          const X = resident(env.arena, randomArray(sizes.input, rng));
          const K = resident(env.arena, randomArray(sizes.kernel, rng));
          const H = resident(env.arena, randomArray(sizes.bias, rng));
          const Y1 = resident(env.arena, new Float32Array(sizes.output));
          const Y2 = resident(env.arena, new Float32Array(sizes.output));
          createWasmConv2dKernels(env.wasm, env.arena, serial).forwardFused(cp, X.array, K.array, null, H.array, Y1.array, 'relu6');
          createWasmConv2dKernels(env.wasm, env.arena, pool).forwardFused(cp, X.array, K.array, null, H.array, Y2.array, 'relu6');
          assert.deepEqual(bits(Y2.array), bits(Y1.array), `conv ${kernel}x${kernel}`);
          const D1 = resident(env.arena, new Float32Array(sizes.kernel));
          const D2 = resident(env.arena, new Float32Array(sizes.kernel));
          createWasmConv2dKernels(env.wasm, env.arena, serial).backwardKernel(cp, X.array, Y1.array, D1.array);
          createWasmConv2dKernels(env.wasm, env.arena, pool).backwardKernel(cp, X.array, Y1.array, D2.array);
          assert.deepEqual(bits(D2.array), bits(D1.array), `backwardKernel ${kernel}x${kernel}`);
          D1.free();
          D2.free();
          for (const x of [X, K, H, Y1, Y2]) x.free();
        }
      }
      assert.ok(pool.stats().parallelJobs > 0, 'jobs were split');
    }),
  );
});

describe('wasm GEMM manifest: each product variant around its boundaries', () => {
  const GEMMS = variantsOf<GemmVariant>('gemm', 'gemm');
  for (const v of GEMMS) {
    // Rows and columns around the register tile, the column-split threshold, the in-place rows and the N block.
    const shapes = around([1, 4, 8, 16], 1, 40)
      .flatMap((m) => around([8, 16, 128], 1, 140).map((n) => ({ m, n, k: m % 3 === 0 ? 37 : 5, transA: m % 2 === 0, transB: v.example.transB })))
      .filter((s) => v.selects(s));
    test(`${v.name}: ${shapes.length} shapes (${v.path}) against the reference, split bit-identically`, withWasm((env) => {
      assert.ok(shapes.length >= 3, 'enough shapes select the variant');
      const selected = selectionsDuring(() => {
        shapes.forEach((s, i) => {
          const p = resolveMatmulParams(s.transA ? [s.k, s.m] : [s.m, s.k], s.transB ? [s.n, s.k] : [s.k, s.n], { transposeA: s.transA, transposeB: s.transB });
          const rng = mulberry32(31 + i);
          const a = Float32Array.from(randomArray(s.m * s.k, rng));
          const b = Float32Array.from(randomArray(s.k * s.n, rng));
          const shift = Float32Array.from(randomArray(s.n, rng));
          const expected = referenceMatmul(a, s.transA ? [s.k, s.m] : [s.m, s.k], b, s.transB ? [s.n, s.k] : [s.k, s.n], s.transA, s.transB).values.map(
            (x, j) => activate(x + shift[j % s.n], 1),
          );
          const outs = [1, 3].map((pieces) => {
            const out = new Float32Array(s.m * s.n).fill(Number.NaN);
            createWasmMatmulKernels(env.wasm, env.arena, splittingRunner(env.arena, pieces)).forwardFused(p, a, b, null, shift, out, 'relu');
            return out;
          });
          assertAllClose(outs[0], expected, float32Tolerance(s.k), `m=${s.m} n=${s.n} k=${s.k}`);
          assert.equal(bits(outs[1]), bits(outs[0]), `m=${s.m} n=${s.n} k=${s.k}: three ranges give the same bits as one`);
        });
      });
      assert.equal(selected.get(v.name), 2 * shapes.length, 'every shape ran this variant (once per runner)');
      assert.equal(selected.size, 1, 'and no other');
    }));
  }
});

requireEveryVariantSelected('gemm');
