// DepthwiseConv2D's Keras contract: composition through `object`, naming, weights, dtype, trainable,
// losses, input checks and argument errors (each naming the argument, the value and what is allowed).
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  clearSession,
  constraints,
  initializers,
  DepthwiseConv2D,
  InvalidArgumentError,
  kerasModel,
  kerasModelSequential,
  layerDepthwiseConv2d,
  layerInput,
  ops,
  regularizers,
  Sequential,
  setRandomSeed,
  ShapeError,
  SymbolicTensor,
  Tensor,
  tensor,
  zeros,
} from '../../src/index.js';
import { assertAllClose } from '../helpers/close.js';

beforeEach(() => clearSession());

/** Asserts `fn` throws an error whose message mentions every fragment. */
function assertThrowsMentioning(fn: () => unknown, fragments: string[], kind: new (...args: never[]) => Error = InvalidArgumentError): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} should mention ${f}`);
    return true;
  });
}

describe('the object argument', () => {
  test('nothing or null gives the layer', () => {
    const a = layerDepthwiseConv2d({ kernelSize: 3 });
    const b = layerDepthwiseConv2d(null, { kernelSize: 3 });
    const c = layerDepthwiseConv2d(undefined, { kernelSize: 3 });
    for (const layer of [a, b, c]) assert.ok(layer instanceof DepthwiseConv2D);
    assert.deepEqual([a.name, b.name, c.name], ['depthwise_conv2d', 'depthwise_conv2d_1', 'depthwise_conv2d_2']);
  });

  test('a Sequential model gives that same model with the layer appended and built', () => {
    const model = kerasModelSequential({ inputShape: [28, 28, 1] });
    const returned = layerDepthwiseConv2d(model, { kernelSize: 3, depthMultiplier: 2, activation: 'relu' });
    assert.equal(returned, model);
    assert.ok(returned instanceof Sequential);
    assert.equal(model.layers.length, 1);
    assert.deepEqual(model.outputs[0].shape, [null, 26, 26, 2]);
    assert.equal(model.countParams(), 3 * 3 * 1 * 2 + 2);
  });

  test('a symbolic tensor gives the output placeholder, usable in kerasModel', () => {
    const inputs = layerInput({ shape: [16, 16, 3] });
    const hidden = layerDepthwiseConv2d(inputs, { kernelSize: 3, padding: 'same' });
    const outputs = layerDepthwiseConv2d(hidden, { kernelSize: 3, strides: 2, depthMultiplier: 2 });
    assert.ok(outputs instanceof SymbolicTensor);
    assert.deepEqual(outputs.shape, [null, 7, 7, 6]);
    const model = kerasModel({ inputs, outputs });
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ['input_layer', 'depthwise_conv2d', 'depthwise_conv2d_1'],
    );
    assert.equal(model.countParams(), 30 + 60);
    const y = model.predict(zeros([2, 16, 16, 3]));
    assert.deepEqual(y.shape, [2, 7, 7, 6]);
  });

  test('an eager tensor gives the computed output', () => {
    const x = tensor(Array.from({ length: 2 * 5 * 5 * 3 }, (_, i) => i / 10), [2, 5, 5, 3]);
    const y = layerDepthwiseConv2d(x, { kernelSize: 3, depthwiseInitializer: 'ones', useBias: false });
    assert.ok(y instanceof Tensor);
    assert.deepEqual(y.shape, [2, 3, 3, 3]);
    // With a kernel of ones each output is the 3×3 window sum of its channel.
    const xs = x.dataSync();
    let expected = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expected += xs[(i * 5 + j) * 3 + 1];
    assertAllClose([y.dataSync()[1]], [expected], { rtol: 1e-6, atol: 1e-6 });
  });

  test('anything else is refused before a layer is made', () => {
    assertThrowsMentioning(() => layerDepthwiseConv2d(42 as never, { kernelSize: 3 }), ['object', '42']);
    assert.equal(layerDepthwiseConv2d({ kernelSize: 1 }).name, 'depthwise_conv2d');
  });
});

describe('names', () => {
  test('auto names count per prefix and clearSession resets them; explicit names are kept', () => {
    assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).name, 'depthwise_conv2d');
    assert.equal(new DepthwiseConv2D({ kernelSize: 1, name: 'mine' }).name, 'mine');
    assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).name, 'depthwise_conv2d_1');
    assert.equal(kerasModelSequential().name, 'sequential');
    assert.equal(kerasModelSequential().name, 'sequential_1');
    clearSession();
    assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).name, 'depthwise_conv2d');
  });

  test('a rejected construction does not consume a name (ours: no state changes on error; Keras 3.15 consumes one)', () => {
    assert.throws(() => new DepthwiseConv2D({ kernelSize: 0 }));
    assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).name, 'depthwise_conv2d');
  });

  test('duplicate names in a model are refused and the model is unchanged', () => {
    const model = kerasModelSequential({ inputShape: [5, 5, 1] });
    layerDepthwiseConv2d(model, { kernelSize: 3, name: 'x' });
    assertThrowsMentioning(() => layerDepthwiseConv2d(model, { kernelSize: 1, name: 'x' }), ['name', '"x"', 'unique']);
    assert.equal(model.layers.length, 1);
  });
});

describe('weights, dtype and trainable', () => {
  test('kernel [kh, kw, C, dm] and bias [C*dm], in the order [kernel, bias], named as Keras 3 names them', () => {
    const layer = new DepthwiseConv2D({ kernelSize: [2, 3], depthMultiplier: 2 });
    layer.apply(zeros([1, 6, 6, 4]));
    assert.deepEqual(layer.weights.map((w) => w.shape), [[2, 3, 4, 2], [8]]);
    assert.deepEqual(layer.weights.map((w) => w.path), ['depthwise_conv2d/kernel', 'depthwise_conv2d/bias']);
    assert.equal(layer.countParams(), 2 * 3 * 4 * 2 + 8);
    assert.deepEqual(layer.trainableWeights, layer.weights);
  });

  test('output channel c*dm+m is input channel c through kernel[:, :, c, m]', () => {
    const kernel = tensor([1, 10, 100, 1000], [1, 1, 2, 2]); // [c0m0, c0m1, c1m0, c1m1]
    const layer = new DepthwiseConv2D({ kernelSize: 1, depthMultiplier: 2, useBias: false, weights: [kernel] });
    const y = layer.apply(tensor([3, 5], [1, 1, 1, 2]));
    assert.deepEqual(Array.from(y.dataSync()), [3, 30, 500, 5000]);
  });

  test('getWeights returns copies; setWeights validates count and shapes before assigning anything', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 1, biasInitializer: 'ones' });
    layer.apply(zeros([1, 2, 2, 2]));
    const copies = layer.getWeights();
    copies[1].dataSync()[0] = 99;
    assert.equal(layer.weights[1].dataSync()[0], 1);
    assertThrowsMentioning(() => layer.setWeights([copies[0]]), ['weights', '2 tensors']);
    assertThrowsMentioning(() => layer.setWeights([copies[0], zeros([3])]), ['weights[1]', '(3,)', '(2,)']);
    assert.equal(layer.weights[1].dataSync()[0], 1, 'nothing assigned after a refused setWeights');
    layer.setWeights([copies[0], tensor([7, 8], [2], 'float64')]);
    assert.deepEqual(Array.from(layer.weights[1].dataSync()), [7, 8]);
    assert.equal(layer.weights[1].dtype, 'float32');
  });

  test('the weights option: applied at build; wrong count refused at construction, wrong shape at build', () => {
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, weights: [zeros([3, 3, 1, 1])] }), ['weights', '2 tensors']);
    const layer = new DepthwiseConv2D({ kernelSize: 3, weights: [zeros([3, 3, 2, 1]), zeros([2])] });
    assertThrowsMentioning(() => layer.apply(zeros([1, 5, 5, 3])), ['weights[0]', '(3, 3, 3, 1)'], InvalidArgumentError);
    assert.equal(layer.built, false, 'nothing half-built');
    const y = layer.apply(zeros([1, 5, 5, 2]));
    assert.deepEqual(y.shape, [1, 3, 3, 2]);
  });

  test("dtype 'float64' computes in float64 end to end; a float32 layer casts float64 inputs", () => {
    const layer64 = new DepthwiseConv2D({ kernelSize: 3, dtype: 'float64' });
    const y64 = layer64.apply(zeros([1, 4, 4, 2], 'float32'));
    assert.equal(y64.dtype, 'float64');
    assert.ok(layer64.weights.every((w) => w.dtype === 'float64'));
    const layer32 = new DepthwiseConv2D({ kernelSize: 3 });
    assert.equal(layer32.apply(zeros([1, 4, 4, 2], 'float64')).dtype, 'float32');
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, dtype: 'int32' as never }), ['dtype', 'int32', 'float64']);
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, dtype: 'bfloat16' as never }), ['dtype', 'bfloat16']);
  });

  test('trainable: false (at construction or later) moves the weights to nonTrainableWeights', () => {
    const frozen = new DepthwiseConv2D({ kernelSize: 1, trainable: false });
    frozen.apply(zeros([1, 2, 2, 3]));
    assert.equal(frozen.trainableWeights.length, 0);
    assert.equal(frozen.nonTrainableWeights.length, 2);
    frozen.trainable = true;
    assert.equal(frozen.trainableWeights.length, 2);
    assert.equal(frozen.nonTrainableWeights.length, 0);
    assert.equal(frozen.getConfig().trainable, true);
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 1, trainable: 'no' as never }), ['trainable', '"no"']);
  });
});

describe('initialization', () => {
  test('setRandomSeed makes default (glorot_uniform) weights reproducible; other seeds differ', () => {
    const build = (seed: number) => {
      setRandomSeed(seed);
      const layer = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2 });
      layer.apply(zeros([1, 4, 4, 8]));
      return Array.from(layer.weights[0].dataSync());
    };
    const first = build(7);
    assert.deepEqual(build(7), first);
    assert.notDeepEqual(build(8), first);
    // Keras's fans for a [3, 3, 8, 2] kernel: fan_in = 72, fan_out = 18 → limit sqrt(6 / 90).
    const limit = Math.sqrt(6 / 90);
    assert.ok(first.every((v) => Math.abs(v) <= limit) && first.some((v) => Math.abs(v) > limit * 0.8));
  });

  test('inputAxes/outputAxes give a depthwise kernel its per-channel fans', () => {
    const layer = new DepthwiseConv2D({
      kernelSize: 3,
      depthwiseInitializer: initializers.varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'uniform', inputAxes: [0, 1], outputAxes: [0, 1, 3], seed: 1 }),
    });
    layer.apply(zeros([1, 4, 4, 64]));
    const values = Array.from(layer.weights[0].dataSync());
    const limit = Math.sqrt(3 / 9); // fan_in = 3 * 3, not 3 * 3 * 64
    assert.ok(values.every((v) => Math.abs(v) <= limit) && values.some((v) => Math.abs(v) > limit * 0.9));
  });
});

describe('regularization losses and constraints', () => {
  test('activity then weight penalties are the layer losses (Keras 3 order); the activity penalty is per sample', () => {
    const layer = new DepthwiseConv2D({
      kernelSize: 1,
      depthwiseInitializer: 'ones',
      biasInitializer: 'ones',
      depthwiseRegularizer: regularizers.l2({ l2: 0.5 }),
      biasRegularizer: 'l1',
      activityRegularizer: regularizers.l1({ l1: 0.1 }),
      dtype: 'float64',
    });
    assert.throws(() => layer.countParams(), ShapeError);
    const y = layer.apply(tensor([1, -2, 3, 4, 5, 6, -7, 8], [2, 2, 2, 1], 'float64'));
    const losses = layer.losses.map((t) => t.item());
    assert.equal(losses.length, 3);
    const batchSize = 2;
    assertAllClose(losses, [(0.1 * ops.sum(ops.abs(y)).item()) / batchSize, 0.5 * 1, 0.01 * 1], { rtol: 1e-12, atol: 0 });
  });

  test('applyConstraints projects the weights', () => {
    const layer = new DepthwiseConv2D({
      kernelSize: 1,
      depthwiseInitializer: 'ones',
      biasInitializer: initializers.constant({ value: -1 }),
      depthwiseConstraint: constraints.maxNorm({ maxValue: 0.5, axis: [0, 1, 2] }),
      biasConstraint: 'non_neg',
      dtype: 'float64',
    });
    layer.apply(zeros([1, 1, 1, 4], 'float64'));
    layer.applyConstraints();
    const kernel = Array.from(layer.weights[0].dataSync());
    const norm = Math.sqrt(kernel.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 0.5) < 1e-6, `kernel norm ${norm}`);
    assert.deepEqual(Array.from(layer.weights[1].dataSync()), [0, 0, 0, 0]);
  });
});

describe('inputs', () => {
  test('a later input with another channel count, or rank ≠ 4, is an error; other spatial/batch sizes are fine', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 3, name: 'dw' });
    layer.apply(zeros([1, 5, 5, 2]));
    assertThrowsMentioning(() => layer.apply(zeros([1, 5, 5, 3])), ["'dw'", 'axis 3', 'value 2', '(1, 5, 5, 3)'], ShapeError);
    assertThrowsMentioning(() => layer.apply(zeros([5, 5, 2])), ["'dw'", 'rank 4', '(5, 5, 2)'], ShapeError);
    assert.deepEqual(layer.apply(zeros([2, 5, 4, 2])).shape, [2, 3, 2, 2]);
    const first = new DepthwiseConv2D({ kernelSize: 3, dataFormat: 'channels_first', name: 'cf' });
    first.apply(zeros([1, 2, 5, 5]));
    assertThrowsMentioning(() => first.apply(zeros([1, 3, 5, 5])), ["'cf'", 'axis 1', 'value 2'], ShapeError);
  });

  test('a valid window larger than the input is an error naming the sizes', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 5 });
    assertThrowsMentioning(() => layer.apply(zeros([1, 3, 3, 2])), ['(1, 3, 3, 2)', '(5, 5)'], ShapeError);
  });

  test('inputShape, batchInputShape and batchSize define a Sequential input as in Keras 2', () => {
    const a = kerasModelSequential();
    layerDepthwiseConv2d(a, { kernelSize: 3, inputShape: [8, 8, 2] });
    assert.deepEqual(a.inputs[0].shape, [null, 8, 8, 2]);
    const b = kerasModelSequential();
    layerDepthwiseConv2d(b, { kernelSize: 3, inputShape: [8, 8, 2], batchSize: 4 });
    assert.deepEqual(b.inputs[0].shape, [4, 8, 8, 2]);
    const c = kerasModelSequential();
    layerDepthwiseConv2d(c, { kernelSize: 3, batchInputShape: [null, 8, 8, 2] });
    assert.deepEqual(c.outputs[0].shape, [null, 6, 6, 2]);
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, inputShape: [8, 8], batchSize: 2 }), ['rank 4'], ShapeError);
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, batchSize: 2 }), ['batchSize', 'inputShape']);
    assertThrowsMentioning(() => new DepthwiseConv2D({ kernelSize: 3, inputShape: [8, 8, 2], batchInputShape: [1, 8, 8, 2] }), ['batchInputShape']);
  });
});

describe('argument errors name the argument, the value and what is allowed', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['stride ≠ 1 with dilation ≠ 1', { kernelSize: 3, strides: 2, dilationRate: 2 }, ['strides', 'dilationRate', 'incompatible']],
    ['padding full', { kernelSize: 3, padding: 'full' }, ['padding', '"full"', "'valid' or 'same'"]],
    ['padding causal', { kernelSize: 3, padding: 'causal' }, ['padding', '"causal"']],
    ['kernel size 0', { kernelSize: 0 }, ['kernelSize', '0', 'positive integer']],
    ['kernel size negative in a tuple', { kernelSize: [3, -1] }, ['kernelSize', '[3,-1]']],
    ['kernel size of rank 3', { kernelSize: [3, 3, 3] }, ['kernelSize', 'array of 2']],
    ['kernel size fractional', { kernelSize: 2.5 }, ['kernelSize', '2.5']],
    ['kernel size missing', {}, ['kernelSize', 'required']],
    ['stride 0', { kernelSize: 3, strides: 0 }, ['strides', '0']],
    ['dilation 0', { kernelSize: 3, dilationRate: 0 }, ['dilationRate', '0']],
    ['depth multiplier 0', { kernelSize: 3, depthMultiplier: 0 }, ['depthMultiplier', '0', 'positive integer']],
    ['depth multiplier fractional', { kernelSize: 3, depthMultiplier: 1.5 }, ['depthMultiplier', '1.5']],
    ['data format', { kernelSize: 3, dataFormat: 'nhwc' }, ['dataFormat', '"nhwc"', 'channels_last']],
    ['activation', { kernelSize: 3, activation: 'nope' }, ['activation', '"nope"', 'relu']],
    ['initializer', { kernelSize: 3, depthwiseInitializer: 'nope' }, ['depthwiseInitializer', '"nope"', 'glorot_uniform']],
    ['bias initializer', { kernelSize: 3, biasInitializer: 'nope' }, ['biasInitializer', '"nope"']],
    ['regularizer', { kernelSize: 3, depthwiseRegularizer: 'nope' }, ['depthwiseRegularizer', '"nope"', 'l1']],
    ['constraint', { kernelSize: 3, biasConstraint: 'nope' }, ['biasConstraint', '"nope"', 'max_norm']],
    ['use bias', { kernelSize: 3, useBias: 'yes' }, ['useBias', '"yes"', 'true or false']],
    ['name', { kernelSize: 3, name: '' }, ['name', '""']],
  ];
  for (const [title, options, fragments] of cases) {
    test(title, () => {
      assertThrowsMentioning(() => new DepthwiseConv2D(options as never), fragments);
      // Nothing was built: the next automatic name is still the first.
      assert.equal(new DepthwiseConv2D({ kernelSize: 1 }).name, 'depthwise_conv2d');
    });
  }

  test("padding is case-insensitive, as in Keras", () => {
    assert.equal(new DepthwiseConv2D({ kernelSize: 3, padding: 'SAME' }).padding, 'same');
    assert.equal(new DepthwiseConv2D({ kernelSize: 3, padding: 'Valid' }).padding, 'valid');
  });
});
