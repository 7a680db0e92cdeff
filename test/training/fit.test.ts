// Model training end to end: fit/evaluate/trainOnBatch, regularization, constraints, frozen layers,
// early stopping, reproducibility, datasets and errors. The models use only depthwise layers: a 3×3
// filter bank, then a 6×6 depthwise "dense" layer that reduces each 6×6 map to one logit.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  clearSession,
  constraints,
  DepthwiseConv2D,
  EarlyStopping,
  InvalidArgumentError,
  kerasModelSequential,
  LambdaCallback,
  layerDepthwiseConv2d,
  losses,
  ops,
  optimizers,
  regularizers,
  setRandomSeed,
  ShapeError,
  tensor,
  TerminateOnNaN,
  valueAndGrads,
} from '../../src/index.js';
import type { DepthwiseConv2DOptions, Sequential } from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';
import { stripes } from './stripes.js';

beforeEach(() => clearSession());

function stripeModel(first: Partial<DepthwiseConv2DOptions> = {}, second: Partial<DepthwiseConv2DOptions> = {}): Sequential {
  const model = kerasModelSequential({ inputShape: [8, 8, 1] });
  layerDepthwiseConv2d(model, { kernelSize: 3, activation: 'relu', ...first });
  layerDepthwiseConv2d(model, { kernelSize: 6, ...second }); // → [N, 1, 1, 1], a logit
  return model;
}

/** Stripe data with targets shaped like the model's output, [N, 1, 1, 1]. */
function stripeData(count: number, seed: number) {
  const { x, y } = stripes(count, 8, seed);
  return { x, y: ops.reshape(y, [count, 1, 1, 1]) };
}

function weightsOf(model: Sequential): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

describe('fit, evaluate, trainOnBatch', () => {
  test('a depthwise model learns stripe orientation in noise to ≥ 99% validation accuracy', () => {
    setRandomSeed(3);
    const model = stripeModel();
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.03 }), loss: losses.binaryCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const { x, y } = stripeData(800, 11);
    const history = model.fit(x, y, { epochs: 15, batchSize: 32, validationSplit: 0.25, verbose: 0 });
    assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    assert.equal(history.epoch.length, 15);
    const valAccuracy = history.history.val_accuracy;
    assert.ok(valAccuracy[valAccuracy.length - 1] >= 0.99, `validation accuracy ${valAccuracy.join(', ')}`);
    assert.ok(history.history.loss[14] < history.history.loss[0]);
    // evaluate on fresh data agrees: [loss, accuracy].
    const test = stripeData(200, 99);
    const [loss, accuracy] = model.evaluate(test.x, test.y) as number[];
    assert.ok(accuracy >= 0.98 && loss < 0.2, `fresh data: loss ${loss}, accuracy ${accuracy}`);
  });

  test('trainOnBatch returns the batch loss (or [loss, ...metrics]) and moves the weights', () => {
    const model = stripeModel();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = stripeData(16, 1);
    const before = weightsOf(model);
    const loss = model.trainOnBatch(x, y);
    assert.equal(typeof loss, 'number');
    assert.notDeepEqual(weightsOf(model), before);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const values = model.testOnBatch(x, y) as number[];
    assert.equal(values.length, 2);
    const yPred = model.predict(x);
    assertAllClose([values[0], values[1]], [ops.mean(ops.square(ops.sub(yPred, y))).item(), ops.mean(ops.abs(ops.sub(yPred, y))).item()], { rtol: 1e-6, atol: 1e-7 });
  });

  test('an async iterable of batches trains exactly like the same batches in memory', async () => {
    const { x, y } = stripeData(64, 5);
    const build = () => {
      setRandomSeed(9);
      const model = stripeModel();
      model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'mse' });
      return model;
    };
    const inMemory = build();
    inMemory.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 });
    const streamed = build();
    const batches = async function* () {
      for (let start = 0; start < 64; start += 16) {
        const rows = Array.from({ length: 16 }, (_, i) => start + i);
        yield [tensor(x.dataSync().slice(start * 64, (start + 16) * 64), [16, 8, 8, 1]), tensor(rows.map((r) => y.dataSync()[r]), [16, 1, 1, 1])] as const;
      }
    };
    const history = await streamed.fit({ [Symbol.asyncIterator]: batches }, { epochs: 2, verbose: 0 });
    assert.equal(history.epoch.length, 2);
    assert.deepEqual(weightsOf(streamed), weightsOf(inMemory));
  });

  test('with the same global seed two fits give bit-identical weights (init and shuffling)', () => {
    const run = () => {
      setRandomSeed(1234);
      const model = stripeModel();
      model.compile({ optimizer: 'adam', loss: losses.binaryCrossentropy({ fromLogits: true }) });
      const { x, y } = stripeData(96, 2);
      model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
      return weightsOf(model);
    };
    assert.deepEqual(run(), run());
  });
});

describe('regularizers, constraints and trainable', () => {
  test('the total loss is data loss plus the penalties, and the step follows their summed gradient', () => {
    setRandomSeed(4);
    const l2 = 0.05;
    const model = stripeModel({ depthwiseRegularizer: regularizers.l2({ l2 }) });
    const lr = 0.1;
    model.compile({ optimizer: optimizers.sgd({ learningRate: lr }), loss: 'mse' });
    const { x, y } = stripeData(8, 3);
    const kernel = model.layers[0].weights[0];
    const k0 = Float64Array.from(kernel.dataSync());
    // The reference: gradient of the data loss alone, computed independently with valueAndGrads.
    const { value: dataLoss, grads } = valueAndGrads(() => ops.mean(ops.square(ops.sub(model.apply(x), y))), [kernel]);
    const penalty = l2 * k0.reduce((s, v) => s + v * v, 0);
    const reported = model.trainOnBatch(x, y) as number;
    assertAllClose([reported], [dataLoss.item() + penalty], { rtol: 1e-5, atol: 1e-7 });
    const g = grads[0].dataSync();
    const expected = Array.from(k0, (w, i) => w - lr * (g[i] + 2 * l2 * w));
    assertAllClose(kernel.dataSync(), expected, { rtol: 1e-5, atol: 1e-6 });
  });

  test('a constraint holds after every optimizer step', () => {
    const maxValue = 0.3;
    const model = stripeModel({ depthwiseConstraint: constraints.maxNorm({ maxValue, axis: [0, 1, 2] }) });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1 }), loss: 'mse' });
    let checked = 0;
    const norms = () => {
      const k = model.layers[0].weights[0].dataSync();
      return Math.sqrt(Array.from(k).reduce((s, v) => s + v * v, 0));
    };
    const { x, y } = stripeData(64, 4);
    model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      verbose: 0,
      callbacks: [new LambdaCallback({ onTrainBatchEnd: () => (checked++, assert.ok(norms() <= maxValue * (1 + 1e-6), `norm ${norms()}`)) })],
    });
    assert.equal(checked, 16);
  });

  test('a frozen layer keeps bit-identical weights while the others change', () => {
    const model = stripeModel({ trainable: false });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const [frozenBefore, otherBefore] = [model.layers[0], model.layers[1]].map((l) => l.getWeights().map((w) => Array.from(w.dataSync())));
    const { x, y } = stripeData(64, 6);
    model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
    assert.deepEqual(model.layers[0].getWeights().map((w) => Array.from(w.dataSync())), frozenBefore);
    assert.notDeepEqual(model.layers[1].getWeights().map((w) => Array.from(w.dataSync())), otherBefore);
    assert.equal(model.nonTrainableWeights.length, 2);
    // Unfreezing later, as in Keras, makes it train again.
    model.layers[0].trainable = true;
    model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    assert.notDeepEqual(model.layers[0].getWeights().map((w) => Array.from(w.dataSync())), frozenBefore);
  });
});

describe('callbacks in fit', () => {
  test('EarlyStopping stops and restores the weights of the best epoch', () => {
    setRandomSeed(8);
    const model = stripeModel();
    // With this seed and rate the validation loss first falls, then rises at epoch 5 (measured).
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.06 }), loss: 'mse' });
    const snapshots: number[][][] = [];
    const { x, y } = stripeData(64, 7);
    const history = model.fit(x, y, {
      epochs: 30,
      batchSize: 8,
      verbose: 0,
      validationData: [x, y],
      callbacks: [
        new LambdaCallback({ onEpochEnd: () => snapshots.push(weightsOf(model)) }),
        new EarlyStopping({ monitor: 'val_loss', patience: 0, restoreBestWeights: true }),
      ],
    });
    const losses_ = history.history.val_loss;
    assert.ok(losses_.length < 30, `stopped early after ${losses_.length} epochs`);
    const best = losses_.indexOf(Math.min(...losses_));
    assert.ok(best < losses_.length - 1, 'the last epoch was not the best');
    assert.deepEqual(weightsOf(model), snapshots[best]);
    assert.notDeepEqual(snapshots[best], snapshots[losses_.length - 1]);
  });

  test('TerminateOnNaN stops training when the loss becomes NaN', () => {
    const model = stripeModel();
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e30 }), loss: 'mse' });
    const { x, y } = stripeData(64, 8);
    const lines: string[] = [];
    const history = model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0, callbacks: [new TerminateOnNaN({ writer: { write: (s: string) => lines.push(s) } })] });
    assert.ok(history.epoch.length < 5 || lines.length > 0);
    assert.ok(lines.join('').includes('Invalid loss, terminating training'), lines.join(''));
  });
});

describe('errors', () => {
  test('fit before compile', () => {
    const { x, y } = stripeData(4, 1);
    assert.throws(() => stripeModel().fit(x, y), (e: unknown) => e instanceof InvalidArgumentError && /compile/.test(e.message));
  });

  test('x and y with different sample counts', () => {
    const model = stripeModel();
    model.compile({ loss: 'mse' });
    const { x } = stripeData(4, 1);
    assert.throws(() => model.fit(x, tensor(new Float32Array(3), [3, 1, 1, 1])), (e: unknown) => e instanceof ShapeError && /\(4, 8, 8, 1\)/.test(e.message) && /\(3, 1, 1, 1\)/.test(e.message));
  });

  test('wrong input shape for the model', () => {
    const model = stripeModel();
    model.compile({ loss: 'mse' });
    assert.throws(() => model.fit(tensor(new Float32Array(4 * 9 * 9), [4, 9, 9, 1]), tensor(new Float32Array(4), [4, 1, 1, 1])), /expected shape \(None, 8, 8, 1\)/);
  });

  test('labels out of range for a sparse loss', () => {
    const model = kerasModelSequential({ inputShape: [3, 3, 2] });
    layerDepthwiseConv2d(model, { kernelSize: 3 }); // → [N, 1, 1, 2]: two class logits
    model.compile({ loss: losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
    const x = tensor(new Float32Array(2 * 18), [2, 3, 3, 2]);
    assert.throws(() => model.trainOnBatch(x, tensor([0, 2], [2, 1, 1])), /2/);
  });

  test('bad options name the argument', () => {
    const model = stripeModel();
    model.compile({ loss: 'mse' });
    const { x, y } = stripeData(4, 1);
    assert.throws(() => model.fit(x, y, { epochs: 0 }), /epochs/);
    assert.throws(() => model.fit(x, y, { batchSize: 2.5 }), /batchSize/);
    assert.throws(() => model.fit(x, y, { validationSplit: 1.5 }), /validationSplit/);
    assert.throws(() => model.compile({ loss: 'nope' }), /nope/);
    assert.throws(() => model.compile({ loss: 'mse', optimizer: 'nope' }), /nope/);
    assert.throws(() => model.compile({ loss: 'mse', metrics: ['nope'] }), /nope/);
  });
});

test('DepthwiseConv2D is what these models are made of', () => assert.ok(stripeModel().layers.every((l) => l instanceof DepthwiseConv2D)));
