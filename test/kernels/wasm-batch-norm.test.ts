// The SIMD batch-norm training kernels against the naive float64 reference and the TypeScript kernels:
// channels last with channel counts around the 4-lane group and pixel counts around the 32-row float32
// chunk; channels first (`[outer, C, inner]`) with runs around the 4- and 8-float steps; with and without
// gamma/beta, channel ranges split across calls (as threads would), and the TypeScript fallback for
// arrays outside wasm memory and float64.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchNormParams } from '../../src/kernels/batch-norm/params.js';
import { resolveBatchNormParams } from '../../src/kernels/batch-norm/params.js';
import { referenceBatchNormTraining, referenceBatchNormTrainingBackward } from '../../src/kernels/batch-norm/reference.js';
import { typescriptBatchNormKernels } from '../../src/kernels/typescript-backend.js';
import type { BatchNormKernels } from '../../src/kernels/batch-norm/index.js';
import { createWasmBatchNormKernels } from '../../src/kernels/wasm/batch-norm.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { around, bits, requireEveryVariantSelected, resident, selectionsDuring, splittingRunner, wasmBackend } from '../helpers/kernel-conformance.js';
import { product } from '../helpers/product.js';

// Its own backend (module, arena, pool), so the test runs whatever the default backend is.
const backend = wasmBackend();
const EPS = 1e-3;
const TOL = { rtol: 2e-5, atol: 2e-5 };

const inWasm = (values: ArrayLike<number>): Float32Array => resident(backend.arena, values);

interface Case {
  p: BatchNormParams;
  shape: number[];
  axis: number;
  x: Float64Array;
  dy: Float64Array;
  gamma: Float64Array | null;
  beta: Float64Array | null;
}

function makeCase(rows: number, channels: number, affine: boolean, seed: number, inner = 1): Case {
  const rng = mulberry32(seed);
  const shape = inner === 1 ? [rows, channels] : [rows, channels, inner];
  const axis = inner === 1 ? -1 : 1;
  // An offset per channel, so the mean subtraction matters.
  const x = randomArray(rows * channels * inner, rng).map((v, i) => 3 * ((Math.floor(i / inner) % channels) - 2) + v);
  const f32 = (a: Float64Array): Float64Array => Float64Array.from(Float32Array.from(a));
  return {
    p: resolveBatchNormParams(shape, axis),
    shape,
    axis,
    x: f32(x),
    dy: f32(randomArray(rows * channels * inner, rng)),
    gamma: affine ? f32(randomArray(channels, rng, 0.5, 2)) : null,
    beta: affine ? f32(randomArray(channels, rng)) : null,
  };
}

interface Result {
  y: Float32Array;
  mean: Float64Array;
  variance: Float64Array;
  invstd: Float64Array;
  dx: Float32Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
  moments: Float64Array[];
}

function run(kernels: BatchNormKernels, c: Case, place: (a: ArrayLike<number>) => Float32Array): Result {
  const C = c.p.channels;
  const n = c.x.length;
  const stats = (): Float64Array => new Float64Array(C).fill(Number.NaN);
  const [mean, variance, invstd, dgamma, dbeta] = [stats(), stats(), stats(), stats(), stats()];
  const x = place(c.x);
  const gamma = c.gamma && place(c.gamma);
  const beta = c.beta && place(c.beta);
  const y = place(new Float32Array(n).fill(Number.NaN));
  kernels.trainingForward(c.p, x, gamma, beta, EPS, y, mean, variance, invstd);
  const dx = place(new Float32Array(n).fill(Number.NaN));
  kernels.trainingBackward(c.p, x, place(c.dy), gamma, mean, invstd, dx, dgamma, dbeta);
  const moments = [stats(), stats(), stats()];
  kernels.moments(c.p, x, EPS, moments[0], moments[1], moments[2]);
  return { y: Float32Array.from(y), mean, variance, invstd, dx: Float32Array.from(dx), dgamma, dbeta, moments };
}


/** One case against the reference, the TypeScript kernels, `moments()`, and splits of the channel range. */
function checkCase(c: Case): void {
  const got = run(backend.batchNorm, c, inWasm);
  const ref = referenceBatchNormTraining(c.x, c.shape, c.axis, c.gamma, c.beta, EPS);
  assertAllClose(got.mean, ref.mean, { rtol: 1e-7, atol: 1e-7 }, 'mean');
  assertAllClose(got.variance, ref.variance, { rtol: 1e-6, atol: 1e-7 }, 'variance');
  assertAllClose(got.invstd, Array.from(ref.variance, (v) => 1 / Math.sqrt(v + EPS)), { rtol: 1e-6, atol: 0 }, 'invstd');
  assertAllClose(got.y, ref.y, TOL, 'y');
  const grads = referenceBatchNormTrainingBackward(c.x, c.shape, c.axis, c.gamma, EPS, c.dy);
  assertAllClose(got.dx, grads.dx, TOL, 'dx');
  assertAllClose(got.dgamma, grads.dgamma, TOL, 'dgamma');
  assertAllClose(got.dbeta, grads.dbeta, TOL, 'dbeta');
  assert.equal(bits(got.moments[0]), bits(got.mean), 'moments() mean equals the forward pass mean');
  assert.equal(bits(got.moments[1]), bits(got.variance), 'moments() variance');
  assert.equal(bits(got.moments[2]), bits(got.invstd), 'moments() invstd');

  const ts = run(typescriptBatchNormKernels, c, (a) => Float32Array.from(a));
  for (const key of ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'] as const) assertAllClose(got[key], ts[key], TOL, `${key} vs TypeScript`);

  for (const pieces of [2, 3]) {
    const split = run(createWasmBatchNormKernels(backend.exports, backend.arena, splittingRunner(backend.arena, pieces)), c, inWasm);
    for (const key of ['y', 'mean', 'variance', 'invstd', 'dx', 'dgamma', 'dbeta'] as const) {
      assert.equal(bits(split[key]), bits(got[key]), `${key}: ${pieces} sub-ranges give the same bits as one call`);
    }
  }
}

describe('wasm batch-norm training kernels (channels last)', () => {
  // Channels around the 4-channel group, rows around the 32-row chunk (the manifest entries' boundaries).
  const cases = product({ channels: [...around([4, 8]), 17, 32], rows: [...around([1, 32], 1), 100], affine: [true, false] });
  for (const k of cases) {
    test(`rows=${k.rows} channels=${k.channels} gamma/beta=${k.affine}: matches the float64 reference and the TypeScript kernels`, () => {
      checkCase(makeCase(k.rows, k.channels, k.affine, k.rows * 100 + k.channels));
    });
  }

  test('float32 statistics of many values near a large offset keep float64 accuracy', () => {
    const rows = 100_000;
    const rng = mulberry32(9);
    const x = Float32Array.from(randomArray(rows * 2, rng, 0, 1), (v) => 1000 + v);
    const p = resolveBatchNormParams([rows, 2], -1);
    const [mean, variance, invstd] = [new Float64Array(2), new Float64Array(2), new Float64Array(2)];
    backend.batchNorm.moments(p, inWasm(x), EPS, mean, variance, invstd);
    const ref = referenceBatchNormTraining(x, [rows, 2], -1, null, null, EPS);
    assertAllClose(mean, ref.mean, { rtol: 1e-9, atol: 0 }, 'mean');
    assertAllClose(variance, ref.variance, { rtol: 1e-6, atol: 0 }, 'variance');
  });

  test('arrays outside wasm memory and float64 arrays take the TypeScript kernels', () => {
    const c = makeCase(9, 5, true, 7);
    const ts = run(typescriptBatchNormKernels, c, (a) => Float32Array.from(a));
    const heap = run(backend.batchNorm, c, (a) => Float32Array.from(a));
    for (const key of ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'] as const) assert.equal(bits(heap[key]), bits(ts[key]), `${key} on the heap`);

    // One resident operand is not enough: x in wasm memory, y on the heap.
    const mixed = new Float32Array(c.x.length);
    const stats = [new Float64Array(5), new Float64Array(5), new Float64Array(5)] as const;
    backend.batchNorm.trainingForward(c.p, inWasm(c.x), null, null, EPS, mixed, ...stats);
    const tsMixed = new Float32Array(c.x.length);
    typescriptBatchNormKernels.trainingForward(c.p, Float32Array.from(c.x), null, null, EPS, tsMixed, new Float64Array(5), new Float64Array(5), new Float64Array(5));
    assert.equal(bits(mixed), bits(tsMixed), 'mixed residency');

    const ts64 = run(typescriptBatchNormKernels, c, (a) => Float64Array.from(a) as unknown as Float32Array);
    const wasm64 = run(backend.batchNorm, c, (a) => Float64Array.from(a) as unknown as Float32Array);
    assert.equal(bits(wasm64.dx), bits(ts64.dx), 'float64 dx');

  });

  test('length mismatches name the argument', () => {
    const p = resolveBatchNormParams([4, 4], -1);
    const x = inWasm(new Float32Array(16));
    assert.throws(
      () => backend.batchNorm.trainingForward(p, x, null, null, EPS, inWasm(new Float32Array(15)), new Float64Array(4), new Float64Array(4), new Float64Array(4)),
      /\by\b/,
    );
    assert.throws(() => backend.batchNorm.moments(p, x, EPS, new Float64Array(3), new Float64Array(4), new Float64Array(4)), /mean/);
  });
});

describe('wasm batch-norm training kernels (channel axis not last: channels-first images)', () => {
  // [outer, C, inner]: runs around the 4-float vector and the 8-float double step, a run shorter than a vector.
  const cases = product({ inner: [2, ...around([4, 8]), 49], channels: [1, 3, 5], outer: [1, 3], affine: [true, false] }).filter(
    (k, i) => i % 2 === 0 || k.inner === 8,
  );
  for (const k of cases) {
    test(`outer=${k.outer} channels=${k.channels} inner=${k.inner} gamma/beta=${k.affine}: matches the float64 reference and the TypeScript kernels`, () => {
      const c = makeCase(k.outer, k.channels, k.affine, k.inner * 1000 + k.channels * 10 + k.outer, k.inner);
      const picked = selectionsDuring(() => checkCase(c));
      assert.ok([...picked.keys()].every((name) => name.includes('nchw')), 'the channels-first entries ran');
    });
  }

  test('float32 statistics of many values near a large offset keep float64 accuracy', () => {
    const shape = [4, 2, 25_000];
    const x = Float32Array.from(randomArray(200_000, mulberry32(9), 0, 1), (v) => 1000 + v);
    const p = resolveBatchNormParams(shape, 1);
    const [mean, variance, invstd] = [new Float64Array(2), new Float64Array(2), new Float64Array(2)];
    backend.batchNorm.moments(p, inWasm(x), EPS, mean, variance, invstd);
    const ref = referenceBatchNormTraining(x, shape, 1, null, null, EPS);
    assertAllClose(mean, ref.mean, { rtol: 1e-9, atol: 0 }, 'mean');
    assertAllClose(variance, ref.variance, { rtol: 1e-6, atol: 0 }, 'variance');
  });

  test('an [N, C, H, W] image batch with axis 1 (BatchNormalization with channels first)', () => {
    const shape = [2, 3, 2, 2];
    const p = resolveBatchNormParams(shape, 1);
    const x = Float32Array.from(randomArray(24, mulberry32(3)));
    const y = inWasm(new Float32Array(24));
    const mean = new Float64Array(3);
    backend.batchNorm.trainingForward(p, inWasm(x), null, null, EPS, y, mean, new Float64Array(3), new Float64Array(3));
    assertAllClose(y, referenceBatchNormTraining(x, shape, 1, null, null, EPS).y, TOL, 'NCHW y');
  });
});

requireEveryVariantSelected('batchNorm');
