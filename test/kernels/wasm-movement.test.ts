// The movement and reduce kernel-manifest entries (src/kernels/wasm/manifest-image.ts): zero padding,
// block copies, repeat and the float32 axis sum against the TypeScript kernels, bit for bit (they move
// or add the same values in the same order), over ranks 1 to 5, runs around the 4-float vector and the
// 64-float memory.copy threshold, size-1 axes, cropping and concatenation blocks, the shuffle path of a
// doubled single float, sums over the leading, trailing and middle axes; any split of the work gives the
// same bits; int32, float64, more than four folded axes and other reductions stay TypeScript.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { CopyBlockParams, Paddings, RepeatParams } from '../../src/kernels/movement/index.js';
import { typescriptMovementKernels } from '../../src/kernels/movement/index.js';
import { typescriptReduceKernels } from '../../src/kernels/reduce/index.js';
import * as K from '../../src/kernels/wasm/generated/constants.js';
import { createWasmMovementKernels, foldBlockAxes, foldPadAxes, sumView } from '../../src/kernels/wasm/movement.js';
import type { ParallelRunner } from '../../src/kernels/wasm/parallel.js';
import { serialRunner } from '../../src/kernels/wasm/parallel.js';
import { mulberry32, randomArray } from '../helpers/close.js';
import { assertSplitsBitIdentical, bits, requireEveryVariantSelected, resident, residentNaN, selectionsDuring, wasmBackend } from '../helpers/kernel-conformance.js';

const backend = wasmBackend();
const { arena, exports: wasm } = backend;
const serial = serialRunner(wasm, arena);
const kernels = (runner: ParallelRunner = serial) => createWasmMovementKernels(wasm, arena, runner);
const sizeOf = (shape: readonly number[]): number => shape.reduce((m, d) => m * d, 1);
const input = (n: number, seed: number): Float32Array => resident(arena, randomArray(n, mulberry32(seed)));

describe('wasm zero padding', () => {
  const CASES: readonly { shape: number[]; paddings: Paddings }[] = [
    { shape: [2, 5, 6, 7], paddings: [[0, 0], [1, 2], [3, 1], [0, 0]] }, // ZeroPadding2D, channels last
    { shape: [2, 3, 5, 4], paddings: [[0, 0], [0, 0], [2, 2], [1, 3]] }, // channels first
    { shape: [1, 4, 1, 3], paddings: [[0, 0], [1, 1], [2, 0], [0, 0]] }, // width 1
    { shape: [3, 17], paddings: [[1, 0], [0, 64]] }, // runs around the vector and the copy threshold
    { shape: [2, 64], paddings: [[0, 1], [1, 1]] },
    { shape: [9], paddings: [[3, 4]] },
    { shape: [2, 3, 4, 5], paddings: [[1, 1], [1, 0], [0, 1], [2, 2]] }, // every axis padded: four folded axes
    { shape: [2, 1, 3, 1, 2], paddings: [[0, 0], [1, 1], [0, 0], [0, 2], [0, 0]] }, // rank 5 folding to four
    { shape: [2, 2, 2, 2, 2], paddings: [[1, 0], [0, 1], [1, 0], [0, 1], [1, 1]] }, // five axes: TypeScript
  ];
  for (const { shape, paddings } of CASES) {
    const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
    const folded = foldPadAxes(shape, paddings).length;
    test(`${shape.join('x')} padded ${JSON.stringify(paddings)} (${folded} folded axes): the TypeScript kernel's bits, any split`, () => {
      const x = input(sizeOf(shape), sizeOf(shape));
      const expected = new Float32Array(sizeOf(outShape)).fill(Number.NaN);
      typescriptMovementKernels.pad(shape, paddings, Float32Array.from(x), expected);
      const run = (runner: ParallelRunner) => {
        const out = residentNaN(arena, sizeOf(outShape));
        kernels(runner).movement.pad(shape, paddings, x, out);
        return { out };
      };
      const picked = selectionsDuring(() => assert.equal(bits(run(serial).out), bits(expected)));
      assert.equal(picked.has('f32 zero-pad rows wasmsimd'), folded <= 4, 'the entry runs exactly when four folded axes suffice');
      // Units are output rows of the folded view; a single row (a padded vector) cannot be split.
      const [a0, a1, a2] = foldPadAxes(shape, paddings);
      if (folded <= 4 && a0.out * a1.out * a2.out > 1) assertSplitsBitIdentical(arena, run);
    });
  }
});

describe('wasm block copies', () => {
  const crop = (shape: number[], start: number[], size: number[]): CopyBlockParams => ({ srcShape: shape, srcStart: start, dstShape: size, dstStart: size.map(() => 0), size });
  const CASES: readonly { label: string; p: CopyBlockParams }[] = [
    { label: 'Cropping2D, channels last', p: crop([2, 7, 8, 5], [0, 1, 2, 0], [2, 4, 5, 5]) },
    { label: 'Cropping2D, channels first', p: crop([2, 5, 7, 8], [0, 0, 1, 2], [2, 5, 4, 5]) },
    { label: 'a slice of every axis', p: crop([3, 4, 5, 6], [1, 1, 2, 3], [2, 2, 3, 3]) },
    { label: 'rows around the copy threshold', p: crop([4, 130], [1, 1], [3, 65]) },
    { label: 'width 1', p: crop([2, 6, 1, 3], [0, 2, 0, 0], [2, 3, 1, 3]) },
    { label: 'concatenation along channels', p: { srcShape: [2, 3, 4, 3], srcStart: [0, 0, 0, 0], dstShape: [2, 3, 4, 7], dstStart: [0, 0, 0, 4], size: [2, 3, 4, 3] } },
    { label: 'size-1 axes dropped', p: crop([1, 5, 1, 9, 1], [0, 1, 0, 2, 0], [1, 3, 1, 4, 1]) },
    { label: 'five strided axes: TypeScript', p: crop([3, 3, 3, 3, 3], [1, 1, 1, 1, 1], [2, 2, 2, 2, 2]) },
  ];
  for (const { label, p } of CASES) {
    const folded = foldBlockAxes(p).axes.length;
    test(`${label}: ${p.size.join('x')} of ${p.srcShape.join('x')} (${folded} folded axes), the TypeScript kernel's bits, any split`, () => {
      const src = input(sizeOf(p.srcShape), sizeOf(p.srcShape));
      const fill = Float32Array.from(randomArray(sizeOf(p.dstShape), mulberry32(5))); // what the copy must leave alone
      const expected = Float32Array.from(fill);
      typescriptMovementKernels.copyBlock(p, Float32Array.from(src), expected);
      const run = (runner: ParallelRunner) => {
        const dst = resident(arena, fill);
        kernels(runner).movement.copyBlock(p, src, dst);
        return { dst };
      };
      const picked = selectionsDuring(() => assert.equal(bits(run(serial).dst), bits(expected)));
      assert.equal(picked.has('f32 copy-block rows wasmsimd'), folded <= 4);
      if (folded <= 4) assertSplitsBitIdentical(arena, run);
    });
  }
});

describe('wasm repeat (nearest upsampling)', () => {
  const CASES: readonly RepeatParams[] = [
    { outer: 6, length: 7, inner: 1, repeats: 2 }, // channels-first width: the shuffle path, 42 runs
    { outer: 1, length: 3, inner: 1, repeats: 2 }, // fewer runs than one vector
    { outer: 4, length: 5, inner: 1, repeats: 3 },
    { outer: 2, length: 4, inner: 3, repeats: 2 },
    { outer: 2, length: 5, inner: 64, repeats: 2 }, // channels-last height: long runs
    { outer: 3, length: 2, inner: 63, repeats: 4 },
  ];
  for (const p of CASES) {
    test(`${JSON.stringify(p)}: the TypeScript kernel's bits, any split`, () => {
      const n = p.outer * p.length * p.inner;
      const x = input(n, n);
      const expected = new Float32Array(n * p.repeats);
      typescriptMovementKernels.repeat(p, Float32Array.from(x), expected);
      const run = (runner: ParallelRunner) => {
        const out = residentNaN(arena, n * p.repeats);
        kernels(runner).movement.repeat(p, x, out);
        return { out };
      };
      assert.equal(bits(run(serial).out), bits(expected));
      assertSplitsBitIdentical(arena, run);
    });
  }
});

describe('wasm float32 sums over a block of axes', () => {
  const CASES: readonly { shape: number[]; axes: number[] }[] = [
    { shape: [3, 4, 2, 5], axes: [2] }, // nearest upsampling's gradient: the repeated copies
    { shape: [50, 7], axes: [0] }, // a bias gradient: B = 7 (vectors and a tail)
    { shape: [3, 4, 2, 5], axes: [1, 2] },
    { shape: [6, 33], axes: [1] }, // row sums: B = 1
    { shape: [3, 2, 3], axes: [2] }, // B = 1 after the block
    { shape: [2, 3, 1, 4], axes: [1, 2] }, // a size-1 axis inside the block
    { shape: [4, 5], axes: [0, 1] }, // everything
    { shape: [2, 3, 4097], axes: [1] }, // two column blocks
    { shape: [2, 3, 4], axes: [0, 2] }, // not one block: TypeScript
  ];
  for (const { shape, axes } of CASES) {
    test(`${shape.join('x')} over ${axes.join(',')}: the TypeScript kernel's bits, any split`, () => {
      const x = input(sizeOf(shape), sizeOf(shape) + axes.length);
      const outSize = sizeOf(shape.filter((_, i) => !axes.includes(i)));
      const expected = new Float32Array(outSize);
      typescriptReduceKernels.reduce('sum', { shape, axes }, Float32Array.from(x), expected);
      const run = (runner: ParallelRunner) => {
        const out = residentNaN(arena, outSize);
        kernels(runner).reduce.reduce('sum', { shape, axes }, x, out);
        return { out };
      };
      const view = sumView({ shape, axes });
      const picked = selectionsDuring(() => assert.equal(bits(run(serial).out), bits(expected)));
      assert.equal([...picked.keys()].some((name) => name.startsWith('f32 sum')), view !== null);
      // Units are (row, column block) pairs: a single one (a bias gradient's one row) cannot be split.
      if (view !== null && view.A * Math.ceil(view.B / K.MOVE_BLOCK) > 1) assertSplitsBitIdentical(arena, run);
    });
  }

  test('max and min, int32 and float64 take the TypeScript kernels', () => {
    const { movement, reduce } = kernels();
    const x = input(12, 3);
    const out = new Float32Array(3);
    reduce.reduce('max', { shape: [3, 4], axes: [1] }, x, out);
    assert.deepEqual(Array.from(out), [0, 1, 2].map((r) => Math.max(...x.subarray(4 * r, 4 * r + 4))));
    const ints = new Int32Array([1, 2, 3, 4]);
    const padded = new Int32Array(6);
    movement.pad([4], [[1, 1]], ints, padded);
    assert.deepEqual(Array.from(padded), [0, 1, 2, 3, 4, 0]);
    const f64 = new Float64Array(2);
    reduce.reduce('sum', { shape: [2, 2], axes: [1] }, Float64Array.from([1, 2, 3, 4]), f64);
    assert.deepEqual(Array.from(f64), [3, 7]);
    assert.equal(movement.stats().typescriptCalls, 1);
    assert.equal(reduce.stats().typescriptCalls, 2);
  });
});

requireEveryVariantSelected('movement');
requireEveryVariantSelected('reduce');
