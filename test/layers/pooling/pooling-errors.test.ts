// Every argument error of the pooling layers and ops names the argument and the value received.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, ShapeError, tensor, zeros } from '../../../src/index.js';
import type { Config } from '../../../src/serialization/keras-object.js';
import { AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D } from '../../../src/layers/pooling/index.js';
import { avgPool2d, maxPool2d } from '../../../src/ops/pool.js';

beforeEach(() => clearSession());

/** Asserts an error of `kind` whose message mentions every fragment. */
function assertThrowsMentioning(fn: () => unknown, fragments: string[], kind: new (...args: never[]) => Error = InvalidArgumentError): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} should mention ${f}`);
    return true;
  });
}

const bad = <T>(value: unknown): T => value as T;

describe('MaxPooling2D / AveragePooling2D argument errors', () => {
  const cases: Array<[string, () => unknown, string[]]> = [
    ['poolSize 0', () => new MaxPooling2D({ poolSize: 0 }), ['MaxPooling2D', '`poolSize`', 'received 0', 'positive integer']],
    ['poolSize 1.5', () => new MaxPooling2D({ poolSize: 1.5 }), ['`poolSize`', 'received 1.5']],
    ['poolSize of 3', () => new MaxPooling2D({ poolSize: [2, 2, 2] }), ['`poolSize`', 'received [2,2,2]', 'array of 2']],
    ['poolSize string', () => new MaxPooling2D({ poolSize: bad('2') }), ['`poolSize`', 'received "2"']],
    ['poolSize missing', () => new AveragePooling2D(bad({})), ['AveragePooling2D', '`poolSize`', 'required']],
    ['strides 0 (Keras fails later)', () => new MaxPooling2D({ strides: 0 }), ['`strides`', 'received 0']],
    ['strides [1, -1]', () => new AveragePooling2D({ poolSize: 2, strides: [1, -1] }), ['AveragePooling2D', '`strides`', 'received [1,-1]']],
    ['padding full', () => new MaxPooling2D({ padding: 'full' }), ['`padding`', 'received "full"', "'valid' or 'same'"]],
    ['padding number', () => new AveragePooling2D({ poolSize: 2, padding: bad(1) }), ['`padding`', 'received 1']],
    ['dataFormat', () => new MaxPooling2D({ dataFormat: bad('nhwc') }), ['`dataFormat`', 'received "nhwc"', "'channels_last' or 'channels_first'"]],
    ['options not an object', () => new MaxPooling2D(bad(3)), ['`options`', 'received 3']],
    ['dtype', () => new MaxPooling2D({ dtype: bad('int32') }), ['`dtype`', 'received "int32"']],
    ['name', () => new MaxPooling2D({ name: 'a/b' }), ['`name`', 'received "a/b"']],
  ];
  for (const [what, fn, fragments] of cases) test(what, () => assertThrowsMentioning(fn, fragments));

  test('a rejected construction consumes no automatic name', () => {
    assert.throws(() => new MaxPooling2D({ poolSize: 0 }));
    assert.equal(new MaxPooling2D().name, 'max_pooling2d');
  });

  test('input rank and a valid window larger than the input are shape errors naming the layer', () => {
    const layer = new MaxPooling2D({ poolSize: 3, name: 'pool' });
    assertThrowsMentioning(() => layer.apply(zeros([1, 4, 4])), ["'pool'", 'expected rank 4', '(1, 4, 4)'], ShapeError);
    assertThrowsMentioning(() => layer.apply(zeros([1, 2, 4, 1])), ["'pool'", '(1, 2, 4, 1)', 'pool size (3, 3)'], ShapeError);
    assertThrowsMentioning(() => new AveragePooling2D({ poolSize: 3, inputShape: [2, 5, 1] }), ['(None, 2, 5, 1)'], ShapeError);
  });

  test('fromConfig refuses unknown keys', () => {
    assertThrowsMentioning(() => MaxPooling2D.fromConfig({ pool_size: [2, 2], kernel_size: 3 } as Config), ['`config`', 'kernel_size']);
  });
});

describe('global pooling argument errors', () => {
  test('keepdims must be a boolean (Keras 3 keeps any truthy value)', () => {
    assertThrowsMentioning(() => new GlobalMaxPooling2D({ keepdims: bad(1) }), ['GlobalMaxPooling2D', '`keepdims`', 'received 1', 'true or false']);
  });
  test('dataFormat', () => {
    assertThrowsMentioning(() => new GlobalAveragePooling2D({ dataFormat: bad('NCHW') }), ['GlobalAveragePooling2D', '`dataFormat`', 'received "NCHW"']);
  });
  test('input rank', () => {
    assertThrowsMentioning(() => new GlobalAveragePooling2D({ name: 'g' }).apply(zeros([2, 3])), ["'g'", 'expected rank 4'], ShapeError);
  });
});

describe('pool op argument errors', () => {
  const x = zeros([1, 4, 4, 1]);
  test('int32 input', () => {
    assertThrowsMentioning(() => maxPool2d(tensor([1, 2, 3, 4], [1, 2, 2, 1], 'int32')), ['maxPool2d', '`x`', 'received "int32"']);
  });
  test('poolSize, strides, padding, dataFormat', () => {
    assertThrowsMentioning(() => avgPool2d(x, { poolSize: -1 }), ['avgPool2d', '`poolSize`', 'received -1']);
    assertThrowsMentioning(() => avgPool2d(x, { strides: [0, 1] }), ['avgPool2d', '`strides`', 'received [0,1]']);
    assertThrowsMentioning(() => maxPool2d(x, { padding: 'causal' }), ['maxPool2d', '`padding`', 'received "causal"']);
    assertThrowsMentioning(() => maxPool2d(x, { dataFormat: bad('NHWC') }), ['maxPool2d', '`dataFormat`', 'received "NHWC"']);
  });
  test('shapes', () => {
    assertThrowsMentioning(() => maxPool2d(zeros([4, 4])), ['`inputShape`', '[4,4]', 'rank-4'], ShapeError);
    assertThrowsMentioning(() => maxPool2d(x, { poolSize: 5 }), ['height 4 is smaller than the pool height 5'], ShapeError);
  });
});
