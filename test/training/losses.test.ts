/** Losses: golden values and gradients from Keras 3.15, finite differences, hand values, errors, dtypes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { valueAndGrads } from '../../src/ops/autograd.js';
import type { Tensor } from '../../src/engine/tensor.js';
import { tensor } from '../../src/engine/tensor.js';
import { InvalidArgumentError, ShapeError, UnknownNameError } from '../../src/errors.js';
import type { Config } from '../../src/serialization/keras-object.js';
import * as ops from '../../src/ops/index.js';
import { oneHot } from '../../src/ops/one-hot.js';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  EPSILON,
  FunctionLoss,
  getLoss,
  Loss,
  losses,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
} from '../../src/training/losses/index.js';
import type { LossValues } from '../../src/training/losses/index.js';
import { assertAllClose } from '../helpers/close.js';
import { checkGradients } from '../helpers/finite-difference.js';
import { loadKerasFixture } from '../helpers/fixtures.js';

interface LossCase {
  name: string;
  class_name: string;
  config: Config;
  y_true: number[] | number[][];
  y_true_shape: number[];
  y_pred: number[];
  y_pred_shape: number[];
  value: number;
  grad: number[];
  sample_weight?: number[];
}

interface Fixture {
  epsilon: number;
  losses: LossCase[];
  loss_configs: Record<string, { config: Config; serialize: Config }>;
  loss_get: Record<string, { kind?: string; name?: string; error?: string }>;
  compile_loss_crossentropy: Record<string, string>;
}

const fixture = loadKerasFixture<Fixture>('losses_metrics.json');
const TIGHT = { rtol: 1e-10, atol: 1e-14 };

const flat = (v: number[] | number[][]): number[] => (v as (number | number[])[]).flat();
const t64 = (values: number[] | number[][], shape: readonly number[]): Tensor => tensor(flat(values), shape, 'float64');

describe('losses: golden values and gradients (Keras 3.15, float64)', () => {
  it('uses Keras epsilon 1e-7', () => assert.equal(EPSILON, fixture.epsilon));

  for (const c of fixture.losses) {
    it(`${c.name}: value and d/dyPred match Keras`, () => {
      const loss = getLoss({ class_name: c.class_name, config: c.config });
      const yTrue = t64(c.y_true, c.y_true_shape);
      const yPred = t64(c.y_pred, c.y_pred_shape);
      const { value, grads } = valueAndGrads(() => loss.call(yTrue, yPred, c.sample_weight), [yPred]);
      assert.equal(value.dtype, 'float64');
      assertAllClose([value.item()], [c.value], TIGHT, `${c.name} value`);
      assertAllClose(grads[0].dataSync(), c.grad, TIGHT, `${c.name} gradient`);
    });
  }

  for (const [className, { config, serialize }] of Object.entries(fixture.loss_configs)) {
    it(`${className}: default config and serialized form equal Keras's`, () => {
      const loss = getLoss(className);
      assert.deepEqual(loss.getConfig(), config);
      assert.deepEqual(loss.serialize(), serialize);
      assert.deepEqual(losses.deserialize(loss.serialize()).getConfig(), config);
    });
  }

  it('getLoss accepts exactly the names Keras accepts (case-sensitive)', () => {
    for (const [name, expected] of Object.entries(fixture.loss_get)) {
      if (expected.error) {
        assert.throws(() => getLoss(name), (e: unknown) => e instanceof InvalidArgumentError, name);
        continue;
      }
      const loss = getLoss(name);
      // Keras returns the function for function names; compile names the wrapper after the identifier.
      assert.equal(loss.name, expected.kind === 'function' ? name : expected.name, name);
    }
  });

  it("'crossentropy' picks the loss from the shapes as compile does", () => {
    const shapes: Record<string, [number[], number[]]> = {
      binary_col: [[4, 1], [4, 1]],
      categorical: [[4, 3], [4, 3]],
      sparse_rank1: [[4], [4, 3]],
      sparse_col: [[4, 1], [4, 3]],
    };
    for (const [key, [yTrueShape, yPredShape]] of Object.entries(shapes)) {
      const loss = getLoss('crossentropy', { yTrueShape, yPredShape });
      assert.equal(getLoss(fixture.compile_loss_crossentropy[key]).className, loss.className, key);
      assert.equal(getLoss('CE', { yTrueShape, yPredShape }).className, loss.className);
    }
    assert.throws(() => getLoss('crossentropy'), /crossentropy.*yTrueShape and yPredShape/);
  });
});

describe('losses: hand-computed values', () => {
  it('mse and mae on a tiny batch (mean over all per-sample values)', () => {
    const yTrue = tensor([[1, 2], [3, 4]]);
    const yPred = tensor([[1, 0], [0, 4]]);
    assert.equal(losses.meanSquaredError().call(yTrue, yPred).item(), (4 / 2 + 9 / 2) / 2);
    assert.equal(losses.meanAbsoluteError().call(yTrue, yPred).item(), (2 / 2 + 3 / 2) / 2);
  });

  it('binary crossentropy on probabilities clips to [1e-7, 1 - 1e-7]', () => {
    const v = new BinaryCrossentropy().call(tensor([[1], [0]], undefined, 'float64'), tensor([[0], [0.5]], undefined, 'float64'));
    assertAllClose([v.item()], [(-Math.log(1e-7) + Math.log(2)) / 2], TIGHT);
  });

  it('binary crossentropy from logits is finite for huge logits and smooth at 0', () => {
    const loss = new BinaryCrossentropy({ fromLogits: true });
    const logits = tensor([[1000], [-1000], [0]], undefined, 'float64');
    const yTrue = tensor([[1], [0], [1]], undefined, 'float64');
    const { value, grads } = valueAndGrads(() => loss.call(yTrue, logits), [logits]);
    assertAllClose([value.item()], [Math.log(2) / 3], TIGHT);
    // d/dx = (sigmoid(x) - t) / N: 0, 0 and (0.5 - 1) / 3.
    assertAllClose(grads[0].dataSync(), [0, 0, -0.5 / 3], TIGHT);
  });

  it('label smoothing: binary squeezes towards 0.5, categorical spreads s / C', () => {
    const b = new BinaryCrossentropy({ labelSmoothing: 0.2 }).call(tensor([[1]], undefined, 'float64'), tensor([[0.5]], undefined, 'float64'));
    assertAllClose([b.item()], [Math.log(2)], TIGHT);
    const c = new CategoricalCrossentropy({ labelSmoothing: 0.3 }).call(
      tensor([[0, 1, 0]], undefined, 'float64'),
      tensor([[0.25, 0.5, 0.25]], undefined, 'float64'),
    );
    const t = [0.1, 0.8, 0.1];
    assertAllClose([c.item()], [-(t[0] * Math.log(0.25) + t[1] * Math.log(0.5) + t[2] * Math.log(0.25))], TIGHT);
  });

  it('categorical crossentropy renormalises probabilities before the log', () => {
    const v = new CategoricalCrossentropy().call(tensor([[0, 1]], undefined, 'float64'), tensor([[1, 3]], undefined, 'float64'));
    assertAllClose([v.item()], [-Math.log(0.75)], TIGHT);
  });

  it('sparse and categorical agree; [N] and [N, 1] labels agree', () => {
    const logits = tensor([[1, 2, 3], [0.5, -1, 0]], undefined, 'float64');
    const cce = new CategoricalCrossentropy({ fromLogits: true }).call(tensor([[0, 0, 1], [1, 0, 0]], undefined, 'float64'), logits);
    const s1 = new SparseCategoricalCrossentropy({ fromLogits: true }).call(tensor([2, 0], [2], 'int32'), logits);
    const s2 = new SparseCategoricalCrossentropy({ fromLogits: true }).call(tensor([[2], [0]]), logits);
    assertAllClose([s1.item(), s2.item()], [cce.item(), cce.item()], TIGHT);
  });

  it("ignoreClass: ignored labels weigh 0 and the mean runs over the others (Keras's mask)", () => {
    const logits = tensor([[1, 2], [3, 0], [0, 0]], undefined, 'float64');
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 });
    const only = new SparseCategoricalCrossentropy({ fromLogits: true }).call(tensor([1, 0]), tensor([[1, 2], [3, 0]], undefined, 'float64'));
    const { value, grads } = valueAndGrads(() => loss.call(tensor([1, 0, -1]), logits), [logits]);
    assertAllClose([value.item()], [only.item()], TIGHT);
    assert.deepEqual([...grads[0].dataSync()].slice(4), [0, 0]);
    // Everything ignored: 0, not NaN (divide_no_nan).
    assert.equal(loss.call(tensor([-1, -1, -1]), logits).item(), 0);
  });

  it('reductions: sum, none, mean_with_sample_weight; sample weights', () => {
    const yTrue = tensor([[1], [2], [3]], undefined, 'float64');
    const yPred = tensor([[0], [0], [0]], undefined, 'float64');
    assert.equal(new MeanSquaredError({ reduction: 'sum' }).call(yTrue, yPred).item(), 14);
    assert.deepEqual([...new MeanSquaredError({ reduction: 'none' }).call(yTrue, yPred).dataSync()], [1, 4, 9]);
    assert.deepEqual([...new MeanSquaredError({ reduction: null }).call(yTrue, yPred).dataSync()], [1, 4, 9]);
    assert.equal(new MeanSquaredError().call(yTrue, yPred, [1, 0, 2]).item(), (1 + 18) / 3);
    assert.equal(new MeanSquaredError({ reduction: 'mean_with_sample_weight' }).call(yTrue, yPred, [1, 0, 2]).item(), 19 / 3);
    assert.equal(new MeanSquaredError().call(yTrue, yPred, tensor([[1], [0], [2]])).item(), 19 / 3);
  });

  it('a plain function is averaged; a Loss subclass is instantiated', () => {
    const fn = function absError(t: Tensor, p: Tensor): Tensor {
      return ops.abs(ops.sub(t, p));
    };
    const loss = getLoss(fn);
    assert.ok(loss instanceof FunctionLoss);
    assert.equal(loss.name, 'absError');
    assert.equal(loss.call(tensor([[1, 2]]), tensor([[0, 0]])).item(), 1.5);
    assert.equal(getLoss(() => ops.sum(tensor([4]))).call(tensor([1]), tensor([1])).item(), 4);
    assert.ok(getLoss(MeanAbsoluteError) instanceof MeanAbsoluteError);
    class Custom extends Loss {
      readonly className = 'Custom';
      constructor() {
        super('custom');
      }
      protected values(yTrue: Tensor, yPred: Tensor): LossValues {
        return { values: ops.sum(ops.sub(yPred, yTrue), { axis: -1 }) };
      }
    }
    const custom = new Custom();
    assert.equal(getLoss(custom), custom);
    assert.equal(custom.call(tensor([[1, 1]]), tensor([[2, 3]])).item(), 3);
  });

  it('keeps float32: the loss and its gradient are float32 for float32 yPred (float64 yTrue cast down)', () => {
    const cases: [Loss, Tensor][] = [
      [losses.meanSquaredError(), tensor([[1, 0]], undefined, 'float64')],
      [losses.meanAbsoluteError(), tensor([[1, 0]], undefined, 'float64')],
      [losses.binaryCrossentropy(), tensor([[1, 0]], undefined, 'float64')],
      [losses.binaryCrossentropy({ fromLogits: true }), tensor([[1, 0]])],
      [losses.categoricalCrossentropy(), tensor([[1, 0]], undefined, 'float64')],
      [losses.categoricalCrossentropy({ fromLogits: true }), tensor([[1, 0]])],
      [losses.sparseCategoricalCrossentropy(), tensor([0], [1], 'int32')],
    ];
    for (const [loss, yTrue] of cases) {
      const yPred = tensor([[0.25, 0.75]]);
      const { value, grads } = valueAndGrads(() => loss.call(yTrue, yPred), [yPred]);
      assert.equal(value.dtype, 'float32', loss.name);
      assert.equal(grads[0].dtype, 'float32', loss.name);
      assert.ok(Number.isFinite(value.item()), loss.name);
    }
  });
});

describe('losses: finite-difference gradients (float64)', () => {
  const yTrueBin = t64([[0, 1, 1], [1, 0, 0.3]], [2, 3]);
  const yTrueCat = t64([[0, 1, 0], [0.2, 0.3, 0.5]], [2, 3]);
  const probs = () => t64([[0.2, 0.6, 0.9], [0.35, 0.1, 0.55]], [2, 3]);
  const logits = () => t64([[0.2, -1.6, 2.9], [0.35, 0, -0.55]], [2, 3]);
  const cases: [string, Loss, Tensor, () => Tensor][] = [
    ['mse', new MeanSquaredError(), yTrueCat, logits],
    ['bce', new BinaryCrossentropy({ labelSmoothing: 0.1 }), yTrueBin, probs],
    ['bce logits', new BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), yTrueBin, logits],
    ['cce', new CategoricalCrossentropy({ labelSmoothing: 0.2 }), yTrueCat, probs],
    ['cce logits', new CategoricalCrossentropy({ fromLogits: true }), yTrueCat, logits],
    ['cce logits axis 0', new CategoricalCrossentropy({ fromLogits: true, axis: 0 }), yTrueCat, logits],
    ['scce', new SparseCategoricalCrossentropy(), t64([2, 0], [2]), probs],
    ['scce logits ignore', new SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 1 }), t64([2, 1], [2]), logits],
  ];
  for (const [name, loss, yTrue, make] of cases) {
    it(`${name}: autograd matches central differences`, () => {
      const yPred = make();
      checkGradients(() => loss.call(yTrue, yPred), [yPred], { rtol: 1e-6, atol: 1e-9, message: name });
    });
  }
});

describe('losses: errors name the argument and value', () => {
  const p = tensor([[0.2, 0.8], [0.5, 0.5]]);

  it('batch mismatch', () => {
    assert.throws(
      () => losses.meanSquaredError().call(tensor([[1, 0]]), p),
      (e: unknown) => e instanceof ShapeError && e.message.includes("yTrue has batch size 1 but yPred has 2 (yTrue shape (1, 2), yPred shape (2, 2))"),
    );
  });

  it('regression / binary shape mismatch', () => {
    assert.throws(() => losses.meanSquaredError().call(tensor([1, 0]), p), /mean_squared_error: yTrue shape \(2,\) does not match yPred shape \(2, 2\)/);
    assert.throws(() => losses.binaryCrossentropy().call(tensor([[1, 0, 1], [0, 1, 0]]), p), /binary_crossentropy: yTrue shape \(2, 3\) does not match yPred shape \(2, 2\)/);
  });

  it('categorical yTrue must equal yPred shape', () => {
    assert.throws(
      () => losses.categoricalCrossentropy().call(tensor([1, 0]), p),
      (e: unknown) => e instanceof ShapeError && /yTrue shape \(2,\) must equal yPred shape \(2, 2\).*sparseCategoricalCrossentropy/.test(e.message),
    );
  });

  it('sparse labels shape [N] or [N, 1]', () => {
    assert.throws(
      () => losses.sparseCategoricalCrossentropy().call(tensor([[1, 0], [0, 1]]), p),
      (e: unknown) => e instanceof ShapeError && /yTrue shape \(2, 2\) does not fit yPred shape \(2, 2\); integer labels need shape \(2,\) or \(2, 1\)/.test(e.message),
    );
  });

  it('sparse labels out of range or not integers: label value, index and class count', () => {
    assert.throws(
      () => losses.sparseCategoricalCrossentropy().call(tensor([1, 2]), p),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === 'sparse_categorical_crossentropy: label at index [1]: invalid `yTrue`: received 2; expected integer class indices in [0, 2) for 2 classes.',
    );
    assert.throws(() => losses.sparseCategoricalCrossentropy().call(tensor([[0], [-1]]), p), /label at index \[1\].*received -1.*\[0, 2\) for 2 classes/);
    assert.throws(() => losses.sparseCategoricalCrossentropy().call(tensor([0.5, 1]), p), /label at index \[0\].*received 0\.5/);
  });

  it('bad inputs and options', () => {
    assert.throws(() => losses.meanSquaredError().call([1, 2] as unknown as Tensor, p), /invalid `yTrue`: received \[1,2\]; expected a Tensor/);
    assert.throws(() => losses.meanSquaredError().call(tensor([[1]], undefined, 'int32'), tensor([[1]], undefined, 'int32')), /invalid `yPred`: received "int32"/);
    assert.throws(() => losses.meanSquaredError().call(tensor(1), tensor(1)), /need a batch axis/);
    assert.throws(() => losses.binaryCrossentropy({ labelSmoothing: 1.5 }), /BinaryCrossentropy: invalid `labelSmoothing`: received 1.5; expected a number in \[0, 1\]/);
    assert.throws(() => losses.categoricalCrossentropy({ fromLogits: 'yes' as unknown as boolean }), /invalid `fromLogits`: received "yes"/);
    assert.throws(() => losses.categoricalCrossentropy({ axis: 1.5 }), /invalid `axis`: received 1.5; expected an integer/);
    assert.throws(() => losses.categoricalCrossentropy({ axis: 2 }).call(tensor([[0, 1]]), tensor([[0.5, 0.5]])), /invalid `axis`: received 2; expected an integer in \[-2, 1\]/);
    assert.throws(() => losses.sparseCategoricalCrossentropy({ ignoreClass: 0.5 }), /invalid `ignoreClass`: received 0.5/);
    assert.throws(() => losses.meanSquaredError({ reduction: 'avg' as never }), /invalid `reduction`: received "avg"/);
    assert.throws(() => losses.meanSquaredError().call(tensor([[1]]), tensor([[1]]), [1, 2]), /sampleWeight shape \(2,\) does not fit/);
    assert.throws(() => getLoss('Mse'), (e: unknown) => e instanceof UnknownNameError && /invalid `loss`: received "Mse"/.test(e.message));
    assert.throws(() => getLoss({ class_name: 'Huber' }), /invalid `loss.class_name`: received "Huber"/);
    assert.throws(() => getLoss({ class_name: 'MeanSquaredError', config: { delta: 1 } }), /invalid `loss.config`: received "delta"/);
    assert.throws(() => getLoss(42), /invalid `loss`: received 42/);
    assert.throws(() => getLoss(() => 3).call(tensor([1]), tensor([1])), /invalid `loss`: received 3; expected a loss function returning a Tensor/);
  });
});

describe('oneHot', () => {
  it('encodes integer labels in the requested dtype', () => {
    const t = oneHot(tensor([2, 0], [2], 'int32'), 3);
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.arraySync(), [[0, 0, 1], [1, 0, 0]]);
    assert.deepEqual(oneHot(tensor([[1], [0]]), 2, 'float64').shape, [2, 1, 2]);
  });

  it('refuses out-of-range and fractional labels, naming value and index', () => {
    assert.throws(
      () => oneHot(tensor([0, 3]), 3),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === 'oneHot: label at index [1]: invalid `indices`: received 3; expected integer class indices in [0, 3) for 3 classes.',
    );
    assert.throws(() => oneHot(tensor([[0, 1.5]]), 3), /index \[0, 1\].*received 1.5/);
    assert.throws(() => oneHot(tensor([0]), 0), /invalid `depth`: received 0; expected a positive integer/);
    assert.throws(() => oneHot(tensor([0]), 2, 'int8' as never), /invalid `dtype`/);
  });
});
