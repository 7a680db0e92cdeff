import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import { isRecording, noGrad, recordOp, Tape, withTape } from '../../src/engine/tape.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { Variable } from '../../src/engine/variable.js';
import { InvalidArgumentError, ShapeError } from '../../src/errors.js';
import * as ops from '../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../helpers/close.js';
import { checkGradients, numericGradient } from '../helpers/finite-difference.js';

describe('valueAndGrads', () => {
  test('the documented example: d/dx sum(x*x) = 2x', () => {
    const x = tensor([1, 2, 3]);
    const { value, grads } = valueAndGrads(() => ops.sum(ops.mul(x, x)), [x]);
    assert.equal(value.item(), 14);
    assert.equal(grads.length, 1);
    assert.equal(grads[0].dtype, 'float32');
    assert.deepEqual(grads[0].shape, [3]);
    assert.deepEqual([...grads[0].dataSync()], [2, 4, 6]);
  });

  test('a param used twice accumulates both contributions', () => {
    const x = tensor([1, -2], undefined, 'float64');
    // f = sum(3x) + sum(x * exp(x)) → 3 + exp(x) (1 + x)
    const { grads } = valueAndGrads(() => ops.add(ops.sum(ops.mul(x, 3)), ops.sum(ops.mul(x, ops.exp(x)))), [x]);
    assertAllClose(grads[0].dataSync(), [3 + Math.E * 2, 3 + Math.exp(-2) * -1], { rtol: 1e-14, atol: 0 });
  });

  test('an intermediate used in several places accumulates', () => {
    const x = tensor([0.3, 0.7], undefined, 'float64');
    checkGradients(
      () => {
        const h = ops.tanh(x);
        return ops.sum(ops.add(ops.mul(h, h), ops.div(h, ops.add(h, 2))));
      },
      [x],
      { rtol: 1e-7, atol: 1e-9 },
    );
  });

  test('an unused param gets zeros of its shape and dtype', () => {
    const x = tensor([1, 2]);
    const unused = tensor([[1, 2, 3]], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(x), [x, unused]);
    assert.deepEqual(grads[1].shape, [1, 3]);
    assert.equal(grads[1].dtype, 'float64');
    assert.deepEqual([...grads[1].dataSync()], [0, 0, 0]);
  });

  test('the same param listed twice gets the same gradient twice', () => {
    const x = tensor([2], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.sum(ops.square(x)), [x, x]);
    assert.equal(grads[0].item(), 4);
    assert.equal(grads[1].item(), 4);
  });

  test('f returning the param itself', () => {
    const x = tensor(5, undefined, 'float64');
    const { value, grads } = valueAndGrads(() => x, [x]);
    assert.equal(value.item(), 5);
    assert.equal(grads[0].item(), 1);
  });

  test('a size-1 non-scalar result is accepted', () => {
    const x = tensor([[2]], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.mul(x, x), [x]);
    assert.deepEqual(grads[0].arraySync(), [[4]]);
  });

  test('non-scalar f gives a clear error', () => {
    const x = tensor([1, 2]);
    assert.throws(
      () => valueAndGrads(() => ops.mul(x, 2), [x]),
      (e: unknown) => e instanceof ShapeError && /scalar/.test(e.message) && /\(2,\)/.test(e.message),
    );
    assert.throws(() => valueAndGrads(() => 3 as unknown as Tensor, [x]), (e: unknown) => e instanceof ShapeError && /scalar/.test(e.message));
  });

  test('argument validation names the argument', () => {
    const x = tensor([1]);
    assert.throws(() => valueAndGrads('f' as unknown as () => Tensor, [x]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'f');
    assert.throws(() => valueAndGrads(() => x, x as unknown as Tensor[]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'params');
    assert.throws(() => valueAndGrads(() => x, [1] as unknown as Tensor[]), (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'params');
    assert.throws(
      () => valueAndGrads(() => x, [tensor([1], undefined, 'int32')]),
      (e: unknown) => e instanceof InvalidArgumentError && e.argument === 'params' && /int32/.test(e.message),
    );
  });

  test('a small MLP: dense → tanh → dense → mean squared error', () => {
    const rng = mulberry32(17);
    const x = tensor(randomArray(4 * 3, rng), [4, 3], 'float64');
    const w1 = tensor(randomArray(3 * 5, rng), [3, 5], 'float64');
    const b1 = tensor(randomArray(5, rng), [5], 'float64');
    const w2 = tensor(randomArray(5 * 2, rng), [5, 2], 'float64');
    const b2 = tensor(randomArray(2, rng), [2], 'float64');
    const target = tensor(randomArray(4 * 2, rng), [4, 2], 'float64');
    // matmul as broadcast-multiply and sum: [4,3,1] * [3,5] → [4,3,5] summed over axis 1.
    const dense = (h: Tensor, w: Tensor, b: Tensor) =>
      ops.add(ops.sum(ops.mul(ops.reshape(h, [h.shape[0], h.shape[1], 1]), w), { axis: 1 }), b);
    const loss = () => ops.mean(ops.square(ops.sub(dense(ops.tanh(dense(x, w1, b1)), w2, b2), target)));
    checkGradients(loss, [x, w1, b1, w2, b2], { rtol: 1e-6, atol: 1e-9 });
  });

  test('gradients w.r.t. a Variable, before and after assign', () => {
    const v = new Variable(tensor([1, 2], undefined, 'float64'), { name: 'w', path: 'dense/w' });
    const x = tensor([3, 4], undefined, 'float64');
    const f = () => ops.sum(ops.mul(ops.square(v), x));
    assert.deepEqual([...valueAndGrads(f, [v]).grads[0].dataSync()], [6, 16]);
    v.assign(tensor([-1, 0.5], undefined, 'float64'));
    const { value, grads } = valueAndGrads(f, [v]);
    assert.equal(value.item(), 3 + 1);
    assert.deepEqual([...grads[0].dataSync()], [-6, 4]);
    checkGradients(f, [v], { rtol: 1e-7, atol: 1e-9 });
  });

  test('a float32 Variable gets a float32 gradient', () => {
    const v = new Variable(tensor([1, 2]), { name: 'w', path: 'w' });
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(v, tensor([1, 1], undefined, 'float64'))), [v]);
    assert.equal(grads[0].dtype, 'float32');
    assert.deepEqual([...grads[0].dataSync()], [1, 1]);
  });

  test('gradients do not depend on ops run outside f', () => {
    const x = tensor([1, 2], undefined, 'float64');
    const outside = ops.mul(x, 10); // computed before: a constant for f
    const { grads } = valueAndGrads(() => ops.sum(ops.mul(x, outside)), [x]);
    assert.deepEqual([...grads[0].dataSync()], [10, 20]);
  });

  test('nothing is recorded after valueAndGrads returns, even if f throws', () => {
    const x = tensor([1]);
    assert.equal(isRecording(), false);
    assert.throws(() =>
      valueAndGrads(() => {
        throw new Error('boom');
      }, [x]),
    );
    assert.equal(isRecording(), false);
  });
});

describe('noGrad and the tape', () => {
  test('noGrad records nothing', () => {
    const x = tensor([1, 2], undefined, 'float64');
    const { grads } = valueAndGrads(() => ops.add(ops.sum(x), noGrad(() => ops.sum(ops.square(x)))), [x]);
    assert.deepEqual([...grads[0].dataSync()], [1, 1]);
  });

  test('noGrad returns the value and restores recording, also on throw', () => {
    const tape = new Tape();
    withTape(tape, () => {
      assert.equal(isRecording(), true);
      assert.equal(noGrad(() => 7), 7);
      assert.throws(() => noGrad(() => { throw new Error('x'); }));
      assert.equal(isRecording(), true);
      noGrad(() => assert.equal(isRecording(), false));
    });
    assert.equal(isRecording(), false);
  });

  test('the tape records only ops that depend on watched tensors', () => {
    const x = tensor([1, 2]);
    const c = tensor([3, 4]);
    const tape = new Tape();
    tape.watch(x);
    withTape(tape, () => {
      ops.mul(c, c); // untracked
      const y = ops.mul(x, c);
      ops.sum(y);
      noGrad(() => ops.add(x, 1));
    });
    assert.equal(tape.nodes.length, 2);
    assert.equal(tape.nodes[0].inputs[0], x);
  });

  test('recordOp without an active tape is a no-op', () => {
    const x = tensor([1]);
    assert.doesNotThrow(() => recordOp([x], x, () => [null]));
  });
});

describe('finite-difference helper', () => {
  test('numericGradient restores the tensor and matches a known gradient', () => {
    const x = tensor([0.5, -1, 2], undefined, 'float64');
    const before = [...x.dataSync()];
    const g = numericGradient(() => ops.sum(ops.mul(ops.mul(x, x), x)).item(), x);
    assert.deepEqual([...x.dataSync()], before);
    assertAllClose(g, before.map((v) => 3 * v * v), { rtol: 1e-8, atol: 1e-9 });
  });

  test('checkGradients catches a wrong gradient', () => {
    const x = tensor([0.5, 1.5], undefined, 'float64');
    // stopGradient hides half of the dependence, so autograd sees d/dx = x instead of 2x.
    assert.throws(() => checkGradients(() => ops.sum(ops.mul(x, ops.stopGradient(x))), [x], { rtol: 1e-6, atol: 1e-8 }), /not close/);
  });

  test('checkGradients samples large params', () => {
    const x = tensor(randomArray(500, mulberry32(1)), [500], 'float64');
    checkGradients(() => ops.sum(ops.square(x)), [x], { rtol: 1e-7, atol: 1e-9, maxElements: 20 });
  });
});
