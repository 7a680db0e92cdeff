/**
 * The resample, affine-transform and gather kernels against their naive float64 references; their ops'
 * argument validation (the params only assert it); Lambda's save refusal.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resampleBackward, resampleForward } from '../../src/kernels/resample/js.js';
import { resolveResampleParams } from '../../src/kernels/resample/params.js';
import type { ResampleMethod } from '../../src/kernels/resample/params.js';
import { referenceResample, referenceResampleBackward } from '../../src/kernels/resample/reference.js';
import { affineTransformBackward, affineTransformForward } from '../../src/kernels/affine-transform/js.js';
import { resolveAffineTransformParams } from '../../src/kernels/affine-transform/params.js';
import type { FillMode } from '../../src/kernels/affine-transform/params.js';
import { referenceAffineTransform, referenceAffineTransformBackward } from '../../src/kernels/affine-transform/reference.js';
import { gatherBackward, gatherForward } from '../../src/kernels/gather/js.js';
import { referenceGather, referenceGatherBackward } from '../../src/kernels/gather/reference.js';
import { InternalError, InvalidArgumentError, ShapeError, UnknownNameError } from '../../src/errors.js';
import { resolveGatherParams } from '../../src/kernels/gather/params.js';
import { Lambda, kerasModelSequential, ops, tensor } from '../../src/index.js';
import { modelToConfig } from '../../src/io/config-write.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { product } from '../helpers/product.js';

describe('resample kernels', () => {
  for (const c of product({ method: ['bilinear', 'nearest', 'bicubic', 'lanczos3', 'area'] as ResampleMethod[], out: [[2, 3], [7, 11], [5, 4]] as [number, number][], antialias: [false, true] })) {
    it(`${c.method} 5x4 → ${c.out.join('x')} antialias=${c.antialias}`, () => {
      const shape = [2, 5, 4, 3];
      const x = randomArray(120, mulberry32(3));
      const p = resolveResampleParams(shape, c.out, c.method, c.antialias, 'channels_last');
      const out = new Float64Array(2 * c.out[0] * c.out[1] * 3);
      resampleForward(p, Float64Array.from(x), out);
      assertAllClose(out, referenceResample(x, shape, c.out, c.method, c.antialias), { rtol: 1e-12, atol: 1e-12 }, 'forward');
      const dy = randomArray(out.length, mulberry32(4));
      const dx = new Float64Array(120);
      resampleBackward(p, Float64Array.from(dy), dx);
      assertAllClose(dx, referenceResampleBackward(dy, shape, c.out, c.method, c.antialias), { rtol: 1e-12, atol: 1e-12 }, 'backward');
    });
  }
});

describe('affine-transform kernels', () => {
  for (const c of product({ interpolation: ['bilinear', 'nearest'] as const, mode: ['reflect', 'wrap', 'constant', 'nearest', 'mirror'] as FillMode[] })) {
    it(`${c.interpolation} ${c.mode}`, () => {
      const shape = [2, 5, 6, 2];
      const x = randomArray(120, mulberry32(5));
      const t = [0.8, -0.6, 3.3, 0.6, 0.8, -1.7, 0, 0, 1.3, 0.2, -2.5, -0.1, 0.9, 4.2, 0, 0];
      const six = [...t.slice(0, 6), ...t.slice(8, 14)];
      const p = resolveAffineTransformParams(shape, t, c.interpolation, c.mode, 0.5, 'channels_last');
      const out = new Float64Array(120);
      affineTransformForward(p, Float64Array.from(x), out);
      assertAllClose(out, referenceAffineTransform(x, shape, six, c.interpolation, c.mode, 0.5), { rtol: 1e-12, atol: 1e-12 }, 'forward');
      const dx = new Float64Array(120);
      affineTransformBackward(p, Float64Array.from(out), dx);
      assertAllClose(dx, referenceAffineTransformBackward(out, shape, six, c.interpolation, c.mode), { rtol: 1e-12, atol: 1e-12 }, 'backward');
    });
  }
});

describe('gather kernels', () => {
  it('rows by index (negative and out-of-range included) and the scatter-add gradient', () => {
    const table = Float64Array.from(randomArray(12, mulberry32(6)));
    const idx = new Int32Array([2, 0, -1, 2, 7]);
    const p = { rows: 4, rowSize: 3, count: 5 };
    const out = new Float64Array(15);
    gatherForward(p, table, idx, out);
    assertAllClose(out, referenceGather(table, 4, 3, idx), { rtol: 0, atol: 0 }, 'forward');
    assert.ok(Number.isNaN(out[12]), 'an out-of-range index reads NaN');
    const dy = Float64Array.from(randomArray(15, mulberry32(7)));
    const d = new Float64Array(12);
    gatherBackward(p, idx, dy, d);
    assertAllClose(d, referenceGatherBackward(4, 3, idx, dy), { rtol: 1e-15, atol: 0 }, 'backward');
  });
});

/** An error of `type` whose argument and full message are the ones given. */
function argumentError(type: new (...args: never[]) => InvalidArgumentError, argument: string, message: string) {
  return (e: unknown) => e instanceof type && e.argument === argument && e.message === message;
}

describe('the ops validate their arguments; the params only assert them', () => {
  const images = tensor(new Float32Array(2 * 3 * 3 * 1), [2, 3, 3, 1]);
  const identity = [1, 0, 0, 0, 1, 0, 0, 0];

  it('resizeImages: an unknown interpolation', () => {
    assert.throws(
      () => ops.resizeImages(images, [4, 4], { interpolation: 'cubic' as ResampleMethod }),
      argumentError(UnknownNameError, 'interpolation', `resample: invalid \`interpolation\`: received "cubic"; expected one of 'bilinear', 'nearest', 'bicubic', 'lanczos3', 'lanczos5', 'area'.`),
    );
    assert.throws(() => resolveResampleParams([1, 3, 3, 1], [4, 4], 'cubic' as ResampleMethod, false, 'channels_last'), InternalError);
    assert.throws(() => resolveResampleParams([1, 3, 3, 1], [0, 4], 'bilinear', false, 'channels_last'), InternalError);
    assert.throws(() => resolveResampleParams([1, 3, 3], [4, 4], 'bilinear', false, 'channels_last'), ShapeError);
  });

  it('affineTransform: interpolation, fill mode and fill value', () => {
    assert.throws(
      () => ops.affineTransform(images, [...identity, ...identity], { interpolation: 'bicubic' as 'nearest' }),
      argumentError(UnknownNameError, 'interpolation', `affineTransform: invalid \`interpolation\`: received "bicubic"; expected one of 'nearest', 'bilinear'.`),
    );
    assert.throws(
      () => ops.affineTransform(images, [...identity, ...identity], { fillMode: 'edge' as FillMode }),
      argumentError(UnknownNameError, 'fillMode', `affineTransform: invalid \`fillMode\`: received "edge"; expected one of 'reflect', 'wrap', 'constant', 'nearest', 'mirror'.`),
    );
    assert.throws(
      () => ops.affineTransform(images, [...identity, ...identity], { fillValue: Infinity }),
      argumentError(InvalidArgumentError, 'fillValue', 'affineTransform: invalid `fillValue`: received null; expected a finite number.'),
    );
  });

  it('affineTransform: eight finite numbers per image, c0 = c1 = 0', () => {
    assert.throws(() => ops.affineTransform(images, identity), argumentError(InvalidArgumentError, 'transforms', 'affineTransform: invalid `transforms`: received "8 numbers"; expected 8 numbers per image (16).'));
    assert.throws(() => ops.affineTransform(images, [...identity, 1, 0, NaN, 0, 1, 0, 0, 0]), argumentError(InvalidArgumentError, 'transforms', 'affineTransform: invalid `transforms`: received null; expected finite numbers.'));
    assert.throws(() => ops.affineTransform(images, [...identity, 1, 0, 0, 0, 1, 0, 0, 0.5]), argumentError(InvalidArgumentError, 'transforms', 'affineTransform: invalid `transforms`: received "c1 = 0.5"; expected affine transforms (c0 = c1 = 0).'));
    assert.throws(() => ops.affineTransform(tensor(new Float32Array(9), [3, 3, 1]), identity), ShapeError, 'a non-image is the params\' shape error');
    for (const bad of [identity, [...identity, ...identity.slice(0, 7), 1]]) {
      assert.throws(() => resolveAffineTransformParams([2, 3, 3, 1], bad, 'bilinear', 'constant', 0, 'channels_last'), InternalError);
    }
    assert.throws(() => resolveAffineTransformParams([2, 3, 3, 1], [...identity, ...identity], 'bilinear', 'edge' as FillMode, 0, 'channels_last'), InternalError);
  });

  it('take: a table of rank 0', () => {
    assert.throws(() => ops.take(tensor(1), tensor([0], [1], 'int32')), argumentError(InvalidArgumentError, 'table', 'gather: invalid `table`: received []; expected a tensor of rank ≥ 1.'));
    assert.throws(() => resolveGatherParams([], 1), InternalError);
    assert.throws(() => resolveGatherParams([4, 2], -1), InternalError);
  });
});

describe('Lambda', () => {
  it('works in a model, and saving it fails with an error naming the layer', () => {
    const model = kerasModelSequential({ inputShape: [3], layers: [new Lambda({ f: (x) => ops.mul(x, 2), name: 'doubler' })] });
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    assert.throws(() => modelToConfig(model), /doubler.*Lambda|Lambda.*doubler/s);
  });
});
