import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import { tensor } from '../../src/engine/tensor.js';
import type { DType } from '../../src/engine/dtype.js';
import * as ops from '../../src/ops/index.js';
import { mulberry32 } from '../helpers/close.js';

/** Naive padding: every output index either maps back into x or is zero. */
function naivePad(data: ArrayLike<number>, shape: readonly number[], paddings: readonly (readonly [number, number])[]): number[] {
  const outShape = shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rest = flat;
    let srcIndex = 0;
    let inside = true;
    let srcStride = 1;
    const coords: number[] = [];
    for (let d = outShape.length - 1; d >= 0; d--) {
      coords[d] = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
    }
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = coords[d] - paddings[d][0];
      if (c < 0 || c >= shape[d]) inside = false;
      srcIndex += c * srcStride;
      srcStride *= shape[d];
    }
    out.push(inside ? data[srcIndex] : 0);
  }
  return out;
}

const CASES: { shape: number[]; paddings: [number, number][] }[] = [
  { shape: [1, 5, 4, 3], paddings: [[0, 0], [0, 1], [0, 1], [0, 0]] }, // MobileNet's ZeroPadding2D
  { shape: [2, 3, 4, 5], paddings: [[0, 0], [1, 2], [2, 1], [0, 0]] },
  { shape: [2, 3, 4], paddings: [[1, 0], [0, 0], [0, 2]] },
  { shape: [3, 4], paddings: [[0, 0], [0, 0]] },
  { shape: [2, 3, 2], paddings: [[0, 0], [0, 0], [1, 1]] },
  { shape: [4], paddings: [[3, 2]] },
  { shape: [2, 0, 3], paddings: [[1, 1], [1, 0], [0, 1]] },
  { shape: [1, 2, 1, 3, 2], paddings: [[1, 0], [0, 0], [2, 1], [0, 0], [0, 1]] },
];

describe('pad', () => {
  for (const dtype of ['float32', 'float64', 'int32'] as DType[]) {
    for (const { shape, paddings } of CASES) {
      test(`${dtype} ${JSON.stringify(shape)} ${JSON.stringify(paddings)} matches the naive reference`, () => {
        const rand = mulberry32(7);
        const size = shape.reduce((a, b) => a * b, 1);
        const data = Array.from({ length: size }, () => Math.round(rand() * 200 - 100));
        const outSize = shape.reduce((n, d, i) => n * (d + paddings[i][0] + paddings[i][1]), 1);
        // Leave garbage in a freed block of the output's size, so an element the pad forgot to write shows.
        ops.pad(tensor(new Array<number>(outSize).fill(77), [outSize], dtype), [[0, 0]]).dispose();
        tensor(new Array<number>(outSize).fill(99), [outSize], dtype).dispose();
        const y = ops.pad(tensor(data, shape, dtype), paddings);
        assert.deepEqual(y.shape, shape.map((d, i) => d + paddings[i][0] + paddings[i][1]));
        assert.equal(y.dtype, dtype);
        assert.deepEqual(Array.from(y.dataSync()), naivePad(data, shape, paddings));
      });
    }
  }

  test('a scalar pads to itself', () => {
    assert.deepEqual(Array.from(ops.pad(tensor(3.5, []), []).dataSync()), [3.5]);
  });

  test('the gradient slices the padding off', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const paddings: [number, number][] = [[0, 0], [1, 0], [0, 1], [0, 0]];
    const result = valueAndGrads(() => ops.sum(ops.mul(ops.pad(x, paddings), ops.pad(x, paddings))), [x]);
    assert.deepEqual(Array.from(result.grads[0].dataSync()), [2, 4, 6, 8, 10, 12]);
  });
});
