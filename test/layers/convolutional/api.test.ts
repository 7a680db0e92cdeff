// The convolution layers' behaviour beyond the Keras fixture: output shapes by hand, causal padding,
// equivalences between layers, composition through `object`, losses, input checks and argument errors.
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  clearSession,
  DepthwiseConv2D,
  InvalidArgumentError,
  kerasModelSequential,
  layerInput,
  ops,
  ShapeError,
  SymbolicTensor,
  Tensor,
  tensor,
  zeros,
} from '../../../src/index.js';
import type { Layer } from '../../../src/index.js';
import {
  Conv1D,
  Conv2D,
  Conv2DTranspose,
  DepthwiseConv1D,
  layerConv1d,
  layerConv2d,
  layerConv2dTranspose,
  layerDepthwiseConv1d,
  layerDepthwiseConv2d,
  layerSeparableConv1d,
  layerSeparableConv2d,
  SeparableConv1D,
  SeparableConv2D,
} from '../../../src/layers/convolutional/index.js';
import { assertAllClose, mulberry32, randomArray } from '../../helpers/close.js';

beforeEach(() => clearSession());

function assertThrowsMentioning(fn: () => unknown, fragments: string[], kind: new (...args: never[]) => Error = InvalidArgumentError): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof kind, `expected ${kind.name}, got ${String(error)}`);
    for (const f of fragments) assert.ok(error.message.includes(f), `message ${JSON.stringify(error.message)} should mention ${f}`);
    return true;
  });
}

function random(shape: number[], seed: number): Tensor {
  return tensor(randomArray(shape.reduce((a, b) => a * b, 1), mulberry32(seed)), shape, 'float64');
}

const out = (layer: Layer, shape: number[]) => (layer.apply(zeros(shape, layer.dtype)) as Tensor).shape;

describe('output shapes', () => {
  test('Conv2D, Conv1D (causal), Conv2DTranspose (output padding), separable and depthwise 1D', () => {
    assert.deepEqual(out(new Conv2D({ filters: 5, kernelSize: 3, strides: 2, padding: 'same' }), [2, 7, 8, 3]), [2, 4, 4, 5]);
    assert.deepEqual(out(new Conv2D({ filters: 6, kernelSize: [3, 1], groups: 3, dataFormat: 'channels_first' }), [1, 3, 5, 4]), [1, 6, 3, 4]);
    assert.deepEqual(out(new Conv1D({ filters: 2, kernelSize: 4, padding: 'causal', dilationRate: 3 }), [1, 10, 3]), [1, 10, 2]);
    assert.deepEqual(out(new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', strides: 3 }), [1, 10, 3]), [1, 4, 2]);
    assert.deepEqual(out(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [1, 5, 6, 2]), [1, 10, 12, 4]);
    assert.deepEqual(out(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2 }), [1, 5, 6, 2]), [1, 11, 13, 4]);
    assert.deepEqual(out(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, outputPadding: 1 }), [1, 5, 6, 2]), [1, 12, 14, 4]);
    assert.deepEqual(out(new Conv2DTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', outputPadding: 0 }), [1, 5, 6, 2]), [1, 9, 11, 4]);
    assert.deepEqual(out(new DepthwiseConv1D({ kernelSize: 3, depthMultiplier: 2 }), [1, 10, 4]), [1, 8, 8]);
    assert.deepEqual(out(new SeparableConv1D({ filters: 7, kernelSize: 3, dataFormat: 'channels_first' }), [1, 4, 10]), [1, 7, 8]);
    assert.deepEqual(out(new SeparableConv2D({ filters: 7, kernelSize: 3, padding: 'same', strides: 2 }), [1, 9, 9, 2]), [1, 5, 5, 7]);
    assert.deepEqual(new Conv2D({ filters: 5, kernelSize: 3 }).computeOutputShape([null, null, 8, 3]), [null, null, 6, 5]);
  });
});

describe('semantics', () => {
  test("Conv1D 'causal': output step t never depends on input steps after t", () => {
    const layer = new Conv1D({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 2, dtype: 'float64' });
    const x = random([1, 9, 3], 1);
    const y0 = (layer.apply(x) as Tensor).dataSync().slice();
    const data = Float64Array.from(x.dataSync());
    for (let c = 0; c < 3; c++) data[5 * 3 + c] += 1; // perturb step 5
    const y1 = (layer.apply(tensor(data, [1, 9, 3], 'float64')) as Tensor).dataSync();
    for (let t = 0; t < 9; t++) {
      const changed = [0, 1].some((f) => y0[t * 2 + f] !== y1[t * 2 + f]);
      assert.equal(changed, t === 5 || t === 7, `step ${t}`);
    }
  });

  test('Conv2D with groups = channels is DepthwiseConv2D (same flat kernel layout)', () => {
    const kernel = random([3, 3, 1, 6], 2);
    const bias = random([6], 3);
    const conv = new Conv2D({ filters: 6, kernelSize: 3, groups: 3, padding: 'same', dtype: 'float64', weights: [kernel, bias] });
    const depthwise = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', dtype: 'float64', weights: [ops.reshape(kernel, [3, 3, 3, 2]), bias] });
    const x = random([2, 5, 4, 3], 4);
    assertAllClose((conv.apply(x) as Tensor).dataSync(), (depthwise.apply(x) as Tensor).dataSync(), { rtol: 1e-12, atol: 1e-14 });
  });

  test('SeparableConv2D is DepthwiseConv2D followed by a 1x1 Conv2D', () => {
    const [dk, pk, b] = [random([3, 2, 2, 2], 5), random([1, 1, 4, 3], 6), random([3], 7)];
    const sep = new SeparableConv2D({ filters: 3, kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'same', dtype: 'float64', weights: [dk, pk, b] });
    const dw = new DepthwiseConv2D({ kernelSize: [3, 2], depthMultiplier: 2, strides: 2, padding: 'same', useBias: false, dtype: 'float64', weights: [dk] });
    const pw = new Conv2D({ filters: 3, kernelSize: 1, dtype: 'float64', weights: [pk, b] });
    const x = random([1, 7, 6, 2], 8);
    assertAllClose((sep.apply(x) as Tensor).dataSync(), (pw.apply(dw.apply(x) as Tensor) as Tensor).dataSync(), { rtol: 1e-12, atol: 1e-14 });
  });

  test('weight penalties: kernel, depthwise, pointwise and bias regularizers all count', () => {
    const sep = new SeparableConv2D({ filters: 2, kernelSize: 1, depthwiseRegularizer: 'l1', pointwiseRegularizer: 'l2', biasRegularizer: 'l2', activityRegularizer: 'l1' });
    sep.apply(zeros([1, 2, 2, 2]));
    assert.equal(sep.losses.length, 4);
    const conv = new Conv1D({ filters: 2, kernelSize: 1, kernelRegularizer: 'l1', kernelConstraint: 'non_neg', kernelInitializer: 'ones' });
    conv.apply(zeros([1, 2, 2]));
    assert.equal(conv.losses.length, 1);
    assert.equal(conv.losses[0].item(), Math.fround(0.01 * 4)); // float32 layer: ones kernel [1, 2, 2]
  });

  test('trainable weights and Keras weight names', () => {
    const t = new Conv2DTranspose({ name: 'up', filters: 2, kernelSize: 3 });
    t.apply(zeros([1, 3, 3, 4]));
    assert.deepEqual(t.weights.map((w) => [w.path, [...w.shape]]), [['up/kernel', [3, 3, 2, 4]], ['up/bias', [2]]]);
    const s = new SeparableConv1D({ name: 'sep', filters: 2, kernelSize: 3, useBias: false });
    s.apply(zeros([1, 5, 4]));
    assert.deepEqual(s.weights.map((w) => w.path), ['sep/depthwise_kernel', 'sep/pointwise_kernel']);
  });
});

describe('layerXxx functions compose with `object`', () => {
  const fns: [string, (object: unknown, options: unknown) => unknown, Record<string, unknown>, number[]][] = [
    ['layerConv2d', layerConv2d as never, { filters: 2, kernelSize: 3 }, [6, 6, 3]],
    ['layerConv1d', layerConv1d as never, { filters: 2, kernelSize: 3, padding: 'causal' }, [6, 3]],
    ['layerConv2dTranspose', layerConv2dTranspose as never, { filters: 2, kernelSize: 3 }, [6, 6, 3]],
    ['layerDepthwiseConv1d', layerDepthwiseConv1d as never, { kernelSize: 3 }, [6, 3]],
    ['layerDepthwiseConv2d', layerDepthwiseConv2d as never, { kernelSize: 3 }, [6, 6, 3]],
    ['layerSeparableConv2d', layerSeparableConv2d as never, { filters: 2, kernelSize: 3 }, [6, 6, 3]],
    ['layerSeparableConv1d', layerSeparableConv1d as never, { filters: 2, kernelSize: 3 }, [6, 3]],
  ];
  for (const [name, fn, options, shape] of fns) {
    test(name, () => {
      const layer = fn(null, options) as Layer;
      assert.ok(typeof layer.getConfig === 'function');
      const model = kerasModelSequential({ inputShape: shape });
      assert.equal(fn(model, options), model);
      assert.ok(fn(layerInput({ shape }), options) instanceof SymbolicTensor);
      assert.ok(fn(zeros([1, ...shape]), options) instanceof Tensor);
    });
  }
});

describe('input checks', () => {
  test('rank, undefined channels, channel changes, groups and windows too large', () => {
    const conv = new Conv2D({ name: 'c', filters: 2, kernelSize: 3 });
    assertThrowsMentioning(() => conv.apply(zeros([5, 5, 2])), ["'c'", 'rank 4', '(5, 5, 2)'], ShapeError);
    conv.apply(zeros([1, 5, 5, 2]));
    assertThrowsMentioning(() => conv.apply(zeros([1, 5, 5, 3])), ["'c'", 'axis 3', 'value 2'], ShapeError);
    const c1 = new Conv1D({ name: 'c1', filters: 2, kernelSize: 3 });
    assertThrowsMentioning(() => c1.apply(zeros([1, 5, 5, 2])), ["'c1'", 'rank 3', '[batch, steps, channels]'], ShapeError);
    assertThrowsMentioning(() => c1.apply(layerInput({ batchShape: [null, 5, null] })), ['channel dimension'], ShapeError);
    const grouped = new Conv2D({ name: 'g', filters: 4, kernelSize: 1, groups: 2 });
    assertThrowsMentioning(() => grouped.apply(zeros([1, 3, 3, 3])), ["'g'", 'groups=2', '3 channels'], ShapeError);
    const big = new SeparableConv1D({ name: 's', filters: 2, kernelSize: 5 });
    assertThrowsMentioning(() => big.apply(zeros([1, 4, 2])), ["'s'", '(1, 4, 2)', 'too small'], ShapeError);
    assertThrowsMentioning(() => new Conv1D({ filters: 2, kernelSize: 3, inputShape: [8, 8, 2] }), ['rank 3'], ShapeError);
  });
});

describe('argument errors name the argument, the value and what is allowed', () => {
  const cases: [string, () => unknown, string[]][] = [
    ['filters missing', () => new Conv2D({ kernelSize: 3 } as never), ['filters', 'required']],
    ['filters fractional', () => new SeparableConv1D({ filters: 1.5, kernelSize: 3 }), ['filters', '1.5', 'positive integer']],
    ['kernel size missing', () => new Conv1D({ filters: 2 } as never), ['kernelSize', 'required', 'array of 1']],
    ['groups fractional', () => new Conv1D({ filters: 2, kernelSize: 3, groups: 0.5 }), ['groups', '0.5']],
    ['groups not dividing filters', () => new Conv2D({ filters: 6, kernelSize: 3, groups: 4 }), ['groups', '4', 'divisor of filters (6)']],
    ['causal for Conv2D', () => new Conv2D({ filters: 2, kernelSize: 3, padding: 'causal' }), ['padding', '"causal"', "'valid' or 'same'"]],
    ['Conv1D padding', () => new Conv1D({ filters: 2, kernelSize: 3, padding: 'full' }), ['padding', '"full"', "'causal'"]],
    ['stride and dilation', () => new SeparableConv2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), ['strides', 'dilationRate', 'incompatible']],
    ['stride and dilation, DepthwiseConv1D', () => new DepthwiseConv1D({ kernelSize: 3, strides: 2, dilationRate: 2 }), ['strides', 'incompatible']],
    ['output padding ≥ stride', () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: [2, 3], outputPadding: [1, 3] }), ['outputPadding', '[1,3]', 'strictly less than strides [2,3]']],
    ['output padding negative', () => new Conv2DTranspose({ filters: 2, kernelSize: 3, outputPadding: -1 }), ['outputPadding', '-1', 'non-negative']],
    ['use bias', () => new Conv2DTranspose({ filters: 2, kernelSize: 3, useBias: 'yes' as never }), ['useBias', '"yes"', 'true or false']],
    ['data format', () => new DepthwiseConv1D({ kernelSize: 3, dataFormat: 'ncw' as never }), ['dataFormat', '"ncw"', 'channels_last']],
    ['depthwise initializer', () => new SeparableConv1D({ filters: 2, kernelSize: 3, depthwiseInitializer: 'nope' }), ['depthwiseInitializer', '"nope"']],
    ['pointwise constraint', () => new SeparableConv2D({ filters: 2, kernelSize: 3, pointwiseConstraint: 'nope' }), ['pointwiseConstraint', '"nope"']],
    ['weights count', () => new SeparableConv2D({ filters: 2, kernelSize: 3, weights: [zeros([3, 3, 1, 1])] }), ['weights', '3 tensors', 'depthwise_kernel, pointwise_kernel, bias']],
    ['options missing', () => new Conv2D(undefined as never), ['options', 'Conv2D']],
  ];
  for (const [title, make, fragments] of cases) {
    test(title, () => {
      assertThrowsMentioning(make, fragments);
      // Nothing was built: the next automatic name is still the first.
      assert.equal(new Conv2D({ filters: 1, kernelSize: 1 }).name, 'conv2d');
    });
  }

  test('padding is case-insensitive, as in Keras', () => {
    assert.equal(new Conv1D({ filters: 1, kernelSize: 3, padding: 'CAUSAL' }).padding, 'causal');
    assert.equal(new Conv2DTranspose({ filters: 1, kernelSize: 3, padding: 'Same' }).padding, 'same');
  });
});
