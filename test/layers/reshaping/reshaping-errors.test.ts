// Every argument error of the reshaping layers names the argument and the value received.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, ShapeError, zeros } from '../../../src/index.js';
import { Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D } from '../../../src/layers/reshaping/index.js';

beforeEach(() => clearSession());

function assertThrowsMentioning(fn: () => unknown, fragments: string[], kind: new (...args: never[]) => Error = InvalidArgumentError): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} should mention ${f}`);
    return true;
  });
}

const bad = <T>(value: unknown): T => value as T;

describe('argument errors', () => {
  const cases: Array<[string, () => unknown, string[]]> = [
    ['ZeroPadding2D negative (Keras fails later)', () => new ZeroPadding2D({ padding: -1 }), ['ZeroPadding2D', '`padding`', 'received -1', 'non-negative']],
    ['ZeroPadding2D one pair', () => new ZeroPadding2D({ padding: [[1, 2]] }), ['`padding`', 'received [[1,2]]']],
    ['ZeroPadding2D three entries', () => new ZeroPadding2D({ padding: [1, 2, 3] }), ['`padding`', 'received [1,2,3]']],
    ['ZeroPadding2D bad inner pair', () => new ZeroPadding2D({ padding: [[1, 2, 3], 1] }), ['`padding`', 'received [[1,2,3],1]']],
    ['ZeroPadding2D fraction', () => new ZeroPadding2D({ padding: 0.5 }), ['`padding`', 'received 0.5']],
    ['ZeroPadding2D string', () => new ZeroPadding2D({ padding: bad('same') }), ['`padding`', 'received "same"']],
    ['ZeroPadding2D dataFormat', () => new ZeroPadding2D({ dataFormat: bad('x') }), ['`dataFormat`', 'received "x"']],
    ['ZeroPadding1D negative', () => new ZeroPadding1D({ padding: [1, -2] }), ['ZeroPadding1D', '`padding`', 'received [1,-2]']],
    ['ZeroPadding1D dataFormat', () => new ZeroPadding1D({ dataFormat: bad(1) }), ['`dataFormat`', 'received 1']],
    ['Cropping2D negative', () => new Cropping2D({ cropping: -1 }), ['Cropping2D', '`cropping`', 'received -1']],
    ['Cropping2D bad form', () => new Cropping2D({ cropping: bad({ top: 1 }) }), ['`cropping`', 'received {"top":1}']],
    ['Cropping2D dataFormat', () => new Cropping2D({ dataFormat: bad('channels_middle') }), ['`dataFormat`', 'received "channels_middle"']],
    ['Cropping1D negative', () => new Cropping1D({ cropping: -1 }), ['Cropping1D', '`cropping`', 'received -1']],
    ['Cropping1D three', () => new Cropping1D({ cropping: [1, 1, 1] }), ['`cropping`', 'received [1,1,1]']],
    ['UpSampling2D size 0', () => new UpSampling2D({ size: 0 }), ['UpSampling2D', '`size`', 'received 0', 'positive']],
    ['UpSampling2D size [2]', () => new UpSampling2D({ size: [2] }), ['`size`', 'received [2]']],
    ['UpSampling2D bicubic', () => new UpSampling2D({ interpolation: 'bicubic' }), ['`interpolation`', 'received "bicubic"', "'nearest' or 'bilinear'"]],
    ['UpSampling2D interpolation number', () => new UpSampling2D({ interpolation: bad(1) }), ['`interpolation`', 'received 1']],
    ['UpSampling2D dataFormat', () => new UpSampling2D({ dataFormat: bad('nchw') }), ['`dataFormat`', 'received "nchw"']],
    ['UpSampling1D tuple', () => new UpSampling1D({ size: bad([2]) }), ['UpSampling1D', '`size`', 'received [2]', 'positive integer']],
    ['UpSampling1D zero', () => new UpSampling1D({ size: 0 }), ['`size`', 'received 0']],
    ['UpSampling1D boolean', () => new UpSampling1D({ size: bad(true) }), ['`size`', 'received true']],
    ['options not an object', () => new Cropping1D(bad('x')), ['`options`', 'received "x"']],
  ];
  for (const [what, fn, fragments] of cases) test(what, () => assertThrowsMentioning(fn, fragments));

  test('a rejected construction consumes no automatic name', () => {
    assert.throws(() => new UpSampling2D({ size: 0 }));
    assert.equal(new UpSampling2D().name, 'up_sampling2d');
  });
});

describe('shape errors name the layer', () => {
  test('rank', () => {
    assertThrowsMentioning(() => new ZeroPadding2D({ name: 'zp' }).apply(zeros([1, 3, 3])), ["'zp'", 'expected rank 4'], ShapeError);
    assertThrowsMentioning(() => new ZeroPadding1D({ name: 'zp1' }).apply(zeros([1, 3, 3, 1])), ["'zp1'", 'expected rank 3'], ShapeError);
    assertThrowsMentioning(() => new UpSampling1D({ name: 'u' }).apply(zeros([3, 3])), ["'u'", 'expected rank 3'], ShapeError);
    assertThrowsMentioning(() => new UpSampling2D({ inputShape: [3, 3] }), ['expected rank 4'], ShapeError);
  });
  test('cropping must leave something, also after the layer is built', () => {
    const layer = new Cropping2D({ cropping: [[1, 2], [0, 0]], name: 'crop' });
    assertThrowsMentioning(() => layer.apply(zeros([1, 3, 4, 1])), ["'crop'", 'cropping (1, 2)', '(1, 3, 4, 1)'], ShapeError);
    layer.apply(zeros([1, 5, 4, 1]));
    assertThrowsMentioning(() => layer.apply(zeros([1, 2, 4, 1])), ["'crop'"], ShapeError);
    assertThrowsMentioning(() => new Cropping1D({ cropping: 2, name: 'c1' }).apply(zeros([1, 4, 2])), ["'c1'", 'axis 1'], ShapeError);
  });
});
