// The ops behind the reshaping layers: pad, slice, repeat and upsample2d (values, dtypes, gradients, errors).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError, ShapeError, ops, tensor } from '../../../src/index.js';
import { pad, slice } from '../../../src/ops/slice.js';
import { repeat, upsample2d } from '../../../src/ops/upsample.js';
import { avgPool2d, maxPool2d } from '../../../src/ops/pool.js';
import { mulberry32, randomArray } from '../../helpers/close.js';
import { checkGradients } from '../../helpers/finite-difference.js';

const TOL = { rtol: 1e-6, atol: 1e-8 };

function random(shape: number[], seed: number) {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), mulberry32(seed)), shape, 'float64');
}

/** Checks the gradient of sum(f(x) * cotangent) against finite differences. */
function checkOp(f: (x: ReturnType<typeof random>) => ReturnType<typeof random>, shape: number[], message: string): void {
  const x = random(shape, 3);
  const y = f(x);
  const ct = random([...y.shape], 4);
  checkGradients(() => ops.sum(ops.mul(f(x), ct)), [x], { ...TOL, message });
}

describe('pad and slice', () => {
  test('values, any dtype', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const p = pad(x, [[1, 0], [0, 2]]);
    assert.deepEqual(p.shape, [3, 5]);
    assert.equal(p.dtype, 'int32');
    assert.deepEqual([...p.dataSync()], [0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 4, 5, 6, 0, 0]);
    assert.deepEqual([...slice(p, [1, 1], [2, -1]).dataSync()], [2, 3, 0, 0, 5, 6, 0, 0]);
    assert.deepEqual(slice(x, [0, 3], [2, 0]).shape, [2, 0]);
    assert.deepEqual([...pad(tensor(7), []).dataSync()], [7]);
  });
  test('gradients: pad ↔ slice', () => {
    checkOp((x) => pad(x, [[0, 1], [2, 0], [1, 1]]), [2, 3, 2], 'pad');
    checkOp((x) => slice(x, [1, 0, 1], [1, 2, -1]), [2, 3, 4], 'slice');
  });
  test('errors name the argument and value', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    assert.throws(() => pad(x, [[1, 1]]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'paddings' && e.message.includes('[[1,1]]'));
    assert.throws(() => pad(x, [[1, -1], [0, 0]]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'paddings');
    assert.throws(() => slice(x, [0], [1, 1]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'begin');
    assert.throws(() => slice(x, [0, 0], [1, -2]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'size');
    assert.throws(() => slice(x, [1, 1], [2, 1]), (e: unknown) => e instanceof ShapeError && e.message.includes('axis 0'));
  });
});

describe('repeat and upsample2d', () => {
  test('repeat is numpy repeat', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    assert.deepEqual([...repeat(x, 2, 0).dataSync()], [1, 2, 1, 2, 3, 4, 3, 4]);
    assert.deepEqual([...repeat(x, 3, -1).dataSync()], [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
    assert.throws(() => repeat(x, 0, 0), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'repeats');
    assert.throws(() => repeat(x, 2, 2), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'axis');
  });
  test('gradients: repeat (block sum), nearest and bilinear upsampling, both layouts', () => {
    checkOp((x) => repeat(x, 3, 1), [2, 3, 2], 'repeat');
    checkOp((x) => upsample2d(x, { size: [2, 3] }), [1, 2, 3, 2], 'nearest');
    checkOp((x) => upsample2d(x, { size: [3, 2], interpolation: 'bilinear' }), [2, 2, 3, 2], 'bilinear');
    checkOp((x) => upsample2d(x, { size: 2, interpolation: 'bilinear', dataFormat: 'channels_first' }), [1, 2, 3, 2], 'bilinear cf');
  });
  test('upsample2d errors', () => {
    const x = tensor([1, 2, 3, 4], [1, 2, 2, 1]);
    assert.throws(() => upsample2d(x, { size: 0 }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'size');
    assert.throws(() => upsample2d(x, { interpolation: 'area' as 'nearest' }), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'interpolation');
    assert.throws(() => upsample2d(tensor([1, 2], [1, 2])), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'x');
  });
});

describe('pool ops', () => {
  test('gradients in both layouts (float64, no ties)', () => {
    checkOp((x) => maxPool2d(x, { poolSize: 3, strides: 2, padding: 'same' }), [2, 5, 4, 3], 'maxPool2d');
    checkOp((x) => avgPool2d(x, { poolSize: [2, 3], strides: 1, padding: 'same', dataFormat: 'channels_first' }), [1, 2, 4, 5], 'avgPool2d');
  });
  test('float32 in, float32 out; strides default to the pool size', () => {
    const y = maxPool2d(tensor(randomArray(2 * 6 * 6 * 1, mulberry32(1)), [2, 6, 6, 1], 'float32'), { poolSize: 3 });
    assert.equal(y.dtype, 'float32');
    assert.deepEqual(y.shape, [2, 2, 2, 1]);
  });
});
