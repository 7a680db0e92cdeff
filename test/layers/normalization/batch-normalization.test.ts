// BatchNormalization: the layer contract (inference mode), Keras 3.15 golden values in training mode
// (output, moving statistics after one call, gradients through the batch statistics), inference and the
// frozen layer, a grid against a naive float64 loop, finite-difference gradients in training mode, the
// moving update kept off the tape, weights, and every argument error.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { clearSession, InvalidArgumentError, initializers, kerasModelSequential, ShapeError, tensor, zeros } from '../../../src/index.js';
import { valueAndGrads } from '../../../src/ops/autograd.js';
import type { Tensor } from '../../../src/engine/tensor.js';
import { BatchNormalization, layerBatchNormalization } from '../../../src/layers/normalization/index.js';
import { mul, sum } from '../../../src/ops/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';
import { checkGradients } from '../../helpers/finite-difference.js';
import { loadKerasFixture } from '../../helpers/fixtures.js';
import { runLayerTest } from '../../helpers/layer-test.js';
import { caseName, product } from '../../helpers/product.js';

beforeEach(() => clearSession());

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const TIGHT = { rtol: 1e-10, atol: 1e-12 };

interface BnCase {
  id: string;
  kwargs: { axis?: number; momentum?: number; epsilon?: number; center?: boolean; scale?: boolean };
  input_shape: number[];
  weight_names: string[];
  weights: number[][];
  x: number[];
  cotangent: number[];
  training_output: number[];
  moving_after_training_call: { moving_mean: number[]; moving_variance: number[] };
  grad_x_training: number[];
  grad_trainable_training: number[][];
  inference_output: number[];
  grad_x_inference: number[];
  grad_trainable_inference: number[][];
  frozen_training_true_output: number[];
  frozen_moving_after: { moving_mean: number[]; moving_variance: number[] };
}

const fixture = loadKerasFixture<{ batch_normalization: BnCase[] }>('core_layers.json');

function fromCase(c: BnCase): { layer: BatchNormalization; x: Tensor; ct: Tensor } {
  const layer = new BatchNormalization({ ...c.kwargs, dtype: 'float64' });
  const x = tensor(c.x, c.input_shape, 'float64');
  layer.apply(x);
  layer.setWeights(c.weights.map((w) => tensor(w, [w.length], 'float64')));
  return { layer, x, ct: tensor(c.cotangent, c.input_shape, 'float64') };
}

describe('BatchNormalization matches Keras 3.15 (core_layers.json)', () => {
  test('the fixture has the cases', () => assert.ok(fixture.batch_normalization.length >= 5));
  for (const c of fixture.batch_normalization) {
    test(`${c.id}: training mode output, moving statistics after one call, gradients through batch statistics`, () => {
      const { layer, x, ct } = fromCase(c);
      assert.deepEqual(layer.weights.map((w) => w.name), c.weight_names);
      const { grads } = valueAndGrads(() => sum(mul(layer.apply(x, { training: true }), ct)), [x, ...layer.trainableWeights]);
      assertAllClose(grads[0].dataSync(), c.grad_x_training, TIGHT, 'grad x');
      c.grad_trainable_training.forEach((g, i) => assertAllClose(grads[i + 1].dataSync(), g, TIGHT, `grad ${c.weight_names[i]}`));
      // valueAndGrads ran one training call; rerun from the initial statistics to check one update exactly.
      layer.setWeights(c.weights.map((w) => tensor(w, [w.length], 'float64')));
      const y = layer.apply(x, { training: true });
      assertAllClose(y.dataSync(), c.training_output, TIGHT, 'training output');
      assertAllClose(layer.movingMean!.dataSync(), c.moving_after_training_call.moving_mean, TIGHT, 'moving_mean');
      assertAllClose(layer.movingVariance!.dataSync(), c.moving_after_training_call.moving_variance, TIGHT, 'moving_variance (biased batch variance)');
    });

    test(`${c.id}: inference mode output and gradients`, () => {
      const { layer, x, ct } = fromCase(c);
      for (const training of [undefined, false]) {
        assertAllClose(layer.apply(x, { training }).dataSync(), c.inference_output, TIGHT, `training=${training}`);
      }
      const { grads } = valueAndGrads(() => sum(mul(layer.apply(x), ct)), [x, ...layer.trainableWeights]);
      assertAllClose(grads[0].dataSync(), c.grad_x_inference, TIGHT, 'grad x');
      c.grad_trainable_inference.forEach((g, i) => assertAllClose(grads[i + 1].dataSync(), g, TIGHT, `grad ${i}`));
      assertAllClose(layer.movingMean!.dataSync(), c.weights[c.weights.length - 2], { rtol: 0, atol: 0 }, 'no update in inference');
    });

    test(`${c.id}: a frozen layer runs in inference mode with training: true and updates nothing`, () => {
      const { layer, x } = fromCase(c);
      layer.trainable = false;
      assertAllClose(layer.apply(x, { training: true }).dataSync(), c.frozen_training_true_output, TIGHT, 'frozen output');
      assertAllClose(layer.movingMean!.dataSync(), c.frozen_moving_after.moving_mean, { rtol: 0, atol: 0 });
      assertAllClose(layer.movingVariance!.dataSync(), c.frozen_moving_after.moving_variance, { rtol: 0, atol: 0 });
    });
  }
});

describe('BatchNormalization contract (inference mode)', () => {
  for (const c of [
    { inputShape: [4, 3], axis: -1, center: true, scale: true },
    { inputShape: [2, 3, 2, 2], axis: 1, center: false, scale: true },
    { inputShape: [2, 2, 3], axis: 2, center: true, scale: false },
  ]) {
    test(caseName(c), () => {
      runLayerTest({
        make: (dtype) =>
          new BatchNormalization({ axis: c.axis, center: c.center, scale: c.scale, gammaInitializer: 'random_normal', betaInitializer: 'random_normal', movingMeanInitializer: 'random_normal', movingVarianceInitializer: initializers.constant({ value: 1.7 }), dtype }),
        fromConfig: (config) => BatchNormalization.fromConfig(config),
        inputShape: c.inputShape,
        expectedOutputShape: c.inputShape,
      });
    });
  }
});

/** Training-mode BN in float64 straight from the definition, one feature at a time. */
function naiveTrainingBn(x: ArrayLike<number>, shape: readonly number[], axis: number, gamma: number[], beta: number[], eps: number) {
  const features = shape[axis];
  const inner = size(shape.slice(axis + 1));
  const featureOf = (i: number) => Math.floor(i / inner) % features;
  const out = new Array<number>(x.length);
  const means: number[] = [];
  const vars: number[] = [];
  for (let f = 0; f < features; f++) {
    const members = Array.from({ length: x.length }, (_, i) => i).filter((i) => featureOf(i) === f);
    const m = members.reduce((s, i) => s + x[i], 0) / members.length;
    const v = members.reduce((s, i) => s + (x[i] - m) ** 2, 0) / members.length;
    for (const i of members) out[i] = (gamma[f] * (x[i] - m)) / Math.sqrt(v + eps) + beta[f];
    means.push(m);
    vars.push(v);
  }
  return { out, means, vars };
}

describe('BatchNormalization training mode vs a naive loop, with finite-difference gradients', () => {
  for (const c of product({ shape: [[5, 3], [2, 3, 2, 2], [3, 2, 4]], axis: [-1, 1], momentum: [0.99, 0.5], epsilon: [1e-3, 0.5] })) {
    test(caseName(c), () => {
      const rng = mulberry32(size(c.shape) * 7 + c.shape.length);
      const axis = c.axis < 0 ? c.axis + c.shape.length : c.axis;
      const features = c.shape[axis];
      const layer = new BatchNormalization({ axis: c.axis, momentum: c.momentum, epsilon: c.epsilon, dtype: 'float64' });
      const x = tensor(randomArray(size(c.shape), rng, -2, 3), c.shape, 'float64');
      layer.apply(x);
      const w = [randomArray(features, rng, 0.5, 1.5), randomArray(features, rng), randomArray(features, rng), randomArray(features, rng, 0.5, 2)];
      layer.setWeights(w.map((a) => tensor(a, [features], 'float64')));
      const expected = naiveTrainingBn(x.dataSync(), c.shape, axis, [...w[0]], [...w[1]], c.epsilon);
      assertAllClose(layer.apply(x, { training: true }).dataSync(), expected.out, { rtol: 1e-10, atol: 1e-12 }, 'output');
      const mm = expected.means.map((m, f) => w[2][f] * c.momentum + m * (1 - c.momentum));
      const mv = expected.vars.map((v, f) => w[3][f] * c.momentum + v * (1 - c.momentum));
      assertAllClose(layer.movingMean!.dataSync(), mm, { rtol: 1e-12, atol: 1e-14 }, 'moving mean');
      assertAllClose(layer.movingVariance!.dataSync(), mv, { rtol: 1e-12, atol: 1e-14 }, 'moving variance');
      const ct = tensor(randomArray(size(c.shape), rng), c.shape, 'float64');
      checkGradients(() => sum(mul(layer.apply(x, { training: true }), ct)), [x, ...layer.trainableWeights], { rtol: 1e-6, atol: 1e-8 });
    });
  }
});

describe('BatchNormalization API', () => {
  test('weights: gamma, beta trainable; moving_mean, moving_variance non-trainable; initial values', () => {
    const layer = new BatchNormalization({});
    layer.apply(zeros([2, 3]));
    assert.deepEqual(layer.weights.map((w) => w.path), ['batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
    assert.deepEqual(layer.trainableWeights.map((w) => w.name), ['gamma', 'beta']);
    assert.deepEqual(layer.nonTrainableWeights.map((w) => w.name), ['moving_mean', 'moving_variance']);
    assert.deepEqual(layer.getWeights().map((w) => [...w.dataSync()]), [[1, 1, 1], [0, 0, 0], [0, 0, 0], [1, 1, 1]]);
    assert.equal(layer.countParams(), 12);
    layer.trainable = false;
    assert.deepEqual(layer.trainableWeights, []);
    assert.deepEqual(layer.weights.map((w) => w.name), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
  });

  test('the moving-statistics update is not on the tape: gradients reach only the input and gamma/beta', () => {
    const layer = new BatchNormalization({ dtype: 'float64' });
    const x = tensor(randomArray(12, mulberry32(3)), [4, 3], 'float64');
    layer.apply(x);
    const { grads } = valueAndGrads(() => sum(mul(layer.apply(x, { training: true }), x)), [x, ...layer.weights]);
    assert.deepEqual([...grads[3].dataSync()], [0, 0, 0], 'moving_mean gets no gradient');
    assert.deepEqual([...grads[4].dataSync()], [0, 0, 0], 'moving_variance gets no gradient');
  });

  test('training: the output of a constant-feature batch is beta (variance 0 → epsilon only)', () => {
    const layer = new BatchNormalization({ betaInitializer: initializers.constant({ value: 0.25 }) });
    const y = layer.apply(tensor([[2, 5], [2, 5], [2, 5]]), { training: true });
    assertAllClose(y.dataSync(), [0.25, 0.25, 0.25, 0.25, 0.25, 0.25], { rtol: 0, atol: 1e-7 });
  });

  test('composition and the input spec (rank and feature size fixed after build)', () => {
    const model = kerasModelSequential({ inputShape: [4, 4, 3] });
    assert.equal(layerBatchNormalization(model, {}), model);
    assert.equal(model.countParams(), 12);
    const layer = new BatchNormalization({ axis: 1 });
    layer.apply(zeros([2, 3, 4]));
    assert.throws(() => layer.apply(zeros([2, 4, 4])), (e: unknown) => e instanceof ShapeError && /axis 1 of input shape to have value 3/.test(e.message));
    assert.throws(() => layer.apply(zeros([2, 3])), ShapeError);
    assert.throws(() => new BatchNormalization({ axis: 3 }).apply(zeros([2, 3])), (e: unknown) => e instanceof ShapeError && /axis 3 is out of bounds/.test(e.message));
  });

  test('argument errors name the argument and the value', () => {
    const bad: [Record<string, unknown>, string, string][] = [
      [{ axis: 1.5 }, 'axis', '1.5'],
      [{ axis: [1, 2] }, 'axis', '[1,2]'],
      [{ momentum: 1.5 }, 'momentum', '1.5'],
      [{ momentum: 'high' }, 'momentum', '"high"'],
      [{ epsilon: -1 }, 'epsilon', '-1'],
      [{ epsilon: Infinity }, 'epsilon', 'null'],
      [{ center: 1 }, 'center', '1'],
      [{ scale: 'no' }, 'scale', '"no"'],
      [{ synchronized: 'yes' }, 'synchronized', '"yes"'],
      [{ renorm: true }, 'renorm', 'true'],
      [{ renormClipping: { rmax: 3 } }, 'renormClipping', 'rmax'],
      [{ renormMomentum: 2 }, 'renormMomentum', '2'],
      [{ gammaInitializer: 'nope' }, 'gammaInitializer', '"nope"'],
      [{ betaRegularizer: 'nope' }, 'betaRegularizer', '"nope"'],
      [{ gammaConstraint: 'nope' }, 'gammaConstraint', '"nope"'],
      [{ center: false, weights: [zeros([3]), zeros([3]), zeros([3]), zeros([3])] }, 'weights', '3 tensors'],
    ];
    for (const [options, argument, value] of bad) {
      assert.throws(() => new BatchNormalization(options as never), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(`\`${argument}\``) && e.message.includes(value), JSON.stringify(options));
    }
    assert.equal(new BatchNormalization().name, 'batch_normalization', 'rejected constructions consume no name');
  });

  test('synchronized is accepted, kept in the config, and changes nothing', () => {
    const layer = new BatchNormalization({ synchronized: true });
    assert.equal(layer.getConfig().synchronized, true);
    assert.equal(BatchNormalization.fromConfig(layer.getConfig()).synchronized, true);
  });
});
